"""Stage: watched source folders -> one rebuild per burst of changes.

Two watchers report changed paths: `InotifyWatcher` (Linux, through libc with
ctypes: events arrive at once and an idle server costs nothing) and
`ChangeWatcher`, which polls file metadata where inotify is missing (a scan of
10,000 files takes ~45 ms, too slow to repeat ten times a second). `Debouncer`
turns the changes into "build now" only once nothing has changed for a short
quiet period, so an editor's save-all or a `git checkout` of many files is one
rebuild and one browser reload. Everything takes the time as an argument, so
tests drive it with a fake clock and real files.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import hashlib
import os
import struct
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

# Folders that never feed a build: version control and tool caches.
IGNORED_DIRS = frozenset({".git", ".hg", ".svn", "__pycache__", ".cache", ".pytest_cache"})
# A file modified this recently may be modified again within the same clock
# tick without its mtime or size changing (git's "racily clean" problem), so
# its bytes are hashed as well.
RACY_SECONDS = 2.0

Stamp = tuple[int, int, int, str]  # mtime_ns, size, inode, digest of racy files ("" otherwise)


def stamp(path: str, entry: os.stat_result, now_ns: int) -> Stamp:
    """What identifies a version of a file: metadata, plus its bytes when recently written."""
    digest = ""
    if now_ns - entry.st_mtime_ns < RACY_SECONDS * 1e9:
        try:
            with open(path, "rb") as handle:
                digest = hashlib.blake2b(handle.read(), digest_size=16).hexdigest()
        except OSError:
            digest = "unreadable"
    return (entry.st_mtime_ns, entry.st_size, entry.st_ino, digest)


def scan(roots: Iterable[Path], excluded: Iterable[Path] = ()) -> dict[str, Stamp]:
    """Stamp every file below the roots (a root may be a single file), skipping excluded folders."""
    skip = {os.path.realpath(p) for p in excluded}
    now_ns = time.time_ns()
    found: dict[str, Stamp] = {}
    for root in roots:
        if root.is_file():
            _add(found, str(root), now_ns)
            continue
        for folder, dirs, files in os.walk(root):
            dirs[:] = sorted(
                d
                for d in dirs
                if d not in IGNORED_DIRS and os.path.realpath(os.path.join(folder, d)) not in skip
            )
            for name in files:
                _add(found, os.path.join(folder, name), now_ns)
    return found


def _add(found: dict[str, Stamp], path: str, now_ns: int) -> None:
    # A file deleted between listing and stat is reported gone by the next scan.
    with contextlib.suppress(OSError):
        found[path] = stamp(path, os.stat(path), now_ns)


def differences(before: dict[str, Stamp], after: dict[str, Stamp]) -> tuple[str, ...]:
    """Paths added, removed or changed between two scans, sorted."""
    changed = {p for p, s in after.items() if before.get(p) != s}
    changed.update(set(before) - set(after))
    return tuple(sorted(changed))


@dataclass(slots=True)
class ChangeWatcher:
    """Reports what changed below its roots since the previous poll."""

    roots: tuple[Path, ...]
    excluded: tuple[Path, ...] = ()
    last: dict[str, Stamp] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.last = scan(self.roots, self.excluded)

    def poll(self) -> tuple[str, ...]:
        """Changed paths since the last poll (empty when nothing changed)."""
        current = scan(self.roots, self.excluded)
        changed = differences(self.last, current)
        self.last = current
        return changed


@dataclass(slots=True)
class Debouncer:
    """Collects changes; a build is due once none arrived for `quiet` seconds."""

    quiet: float = 0.06
    pending: set[str] = field(default_factory=set)
    last_change: float = float("-inf")

    def note(self, now: float, paths: Iterable[str]) -> None:
        """Record changes seen at time `now`."""
        paths = tuple(paths)
        if paths:
            self.pending.update(paths)
            self.last_change = now

    def due(self, now: float) -> bool:
        """True when there are changes and the burst has gone quiet."""
        return bool(self.pending) and now - self.last_change >= self.quiet

    def take(self) -> tuple[str, ...]:
        """The changes of the burst, forgetting them."""
        paths = tuple(sorted(self.pending))
        self.pending.clear()
        return paths


# inotify(7) event bits: anything that can change what a build reads.
IN_MODIFY, IN_ATTRIB, IN_CLOSE_WRITE = 0x2, 0x4, 0x8
IN_MOVED_FROM, IN_MOVED_TO, IN_CREATE, IN_DELETE = 0x40, 0x80, 0x100, 0x200
IN_DELETE_SELF, IN_MOVE_SELF = 0x400, 0x800
IN_Q_OVERFLOW, IN_IGNORED, IN_ISDIR = 0x4000, 0x8000, 0x40000000
IN_NONBLOCK, IN_CLOEXEC = 0o4000, 0o2000000
WATCH_MASK = (
    IN_MODIFY
    | IN_ATTRIB
    | IN_CLOSE_WRITE
    | IN_MOVED_FROM
    | IN_MOVED_TO
    | IN_CREATE
    | IN_DELETE
    | IN_DELETE_SELF
    | IN_MOVE_SELF
)
EVENT_HEADER = struct.Struct("iIII")  # wd, mask, cookie, len (then len bytes of name)
OVERFLOW = "<inotify queue overflow>"


def _libc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    libc = ctypes.CDLL(name, use_errno=True) if name else None
    return libc if libc is not None and hasattr(libc, "inotify_init1") else None


class InotifyWatcher:
    """Linux inotify on every folder below the roots; `read()` drains the events as paths."""

    def __init__(self, roots: tuple[Path, ...], excluded: tuple[Path, ...] = ()) -> None:
        libc = _libc()
        if libc is None:
            raise OSError(errno.ENOSYS, "inotify is not available")
        self.libc = libc
        self.fd = libc.inotify_init1(IN_NONBLOCK | IN_CLOEXEC)
        if self.fd < 0:
            raise OSError(ctypes.get_errno(), "inotify_init1 failed")
        self.skip = {os.path.realpath(p) for p in excluded}
        self.folders: dict[int, str] = {}
        self.only: dict[str, set[str]] = {}  # folder -> the single files watched in it
        for root in roots:
            if root.is_dir():
                self._watch_tree(str(root))
            else:  # one file (site.toml): watch its folder, report only that name
                self.only.setdefault(str(root.parent), set()).add(root.name)
                self._watch(str(root.parent))

    def fileno(self) -> int:
        """The descriptor that becomes readable when events wait."""
        return self.fd

    def close(self) -> None:
        """Stop watching."""
        os.close(self.fd)

    def _watch(self, folder: str) -> None:
        wd = self.libc.inotify_add_watch(self.fd, os.fsencode(folder), WATCH_MASK)
        if wd < 0:
            raise OSError(ctypes.get_errno(), f"inotify_add_watch failed for {folder}")
        self.folders[wd] = folder

    def _watch_tree(self, top: str) -> None:
        for folder, dirs, _files in os.walk(top):
            dirs[:] = [d for d in dirs if self._wanted(os.path.join(folder, d))]
            self._watch(folder)

    def _wanted(self, folder: str) -> bool:
        name = os.path.basename(folder)
        return name not in IGNORED_DIRS and os.path.realpath(folder) not in self.skip

    def read(self) -> tuple[str, ...]:
        """Paths changed since the last read (empty if none), sorted."""
        data = self._drain()
        changed: set[str] = set()
        offset = 0
        while offset + EVENT_HEADER.size <= len(data):
            wd, mask, _cookie, length = EVENT_HEADER.unpack_from(data, offset)
            raw = data[offset + EVENT_HEADER.size : offset + EVENT_HEADER.size + length]
            offset += EVENT_HEADER.size + length
            path = self._event_path(wd, mask, os.fsdecode(raw.rstrip(b"\0")))
            if path:
                changed.add(path)
        return tuple(sorted(changed))

    def _drain(self) -> bytes:
        chunks = []
        while True:
            try:
                chunk = os.read(self.fd, 65536)
            except BlockingIOError:
                break
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)

    def _event_path(self, wd: int, mask: int, name: str) -> str:
        if mask & IN_Q_OVERFLOW:
            return OVERFLOW  # events were lost: something changed, rebuild anyway
        folder = self.folders.get(wd)
        if folder is None or mask & IN_IGNORED:
            self.folders.pop(wd, None)
            return ""
        if folder in self.only and name not in self.only[folder]:
            return ""
        path = os.path.join(folder, name) if name else folder
        if os.path.realpath(path) in self.skip:
            return ""
        if mask & IN_ISDIR and mask & (IN_CREATE | IN_MOVED_TO) and self._wanted(path):
            self._watch_tree(path)  # files already inside a new folder count as changed too
        if name in IGNORED_DIRS or any(part in IGNORED_DIRS for part in Path(path).parts):
            return ""
        return path


def make_watcher(
    roots: tuple[Path, ...], excluded: tuple[Path, ...] = ()
) -> InotifyWatcher | ChangeWatcher:
    """inotify where the kernel has it, else a polling watcher."""
    try:
        return InotifyWatcher(roots, excluded)
    except OSError:
        return ChangeWatcher(roots, excluded)
