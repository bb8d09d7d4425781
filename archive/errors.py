"""Errors every stage raises for bad input: one line naming the file (and line)."""

from __future__ import annotations

from pathlib import Path


class ArchiveError(Exception):
    """A user-facing problem: `path:line: message`, printed as one line, exit code 2."""

    def __init__(self, message: str, path: Path | str | None = None, line: int | None = None):
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        super().__init__(self.__str__())

    def __reduce__(self) -> tuple[type, tuple[object, ...]]:
        # Worker processes send errors back pickled: keep the file and line, not just the text.
        return (type(self), (self.message, self.path, self.line))

    def __str__(self) -> str:
        where = self.path or ""
        if where and self.line:
            where = f"{where}:{self.line}"
        return f"{where}: {self.message}" if where else self.message


class ArchiveErrors(ArchiveError):
    """Several problems found in one pass, so a user fixes them all at once."""

    def __init__(self, errors: list[ArchiveError]):
        self.errors = tuple(errors)
        super().__init__("\n".join(str(e) for e in errors))

    def __reduce__(self) -> tuple[type, tuple[object, ...]]:
        return (type(self), (list(self.errors),))

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)
