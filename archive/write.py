"""Stage: OutputFiles -> site/, all or nothing.

The files are written into a fresh temporary folder next to the output folder
and only then swapped into place, so a build that fails or is killed half-way
leaves the previous site untouched. On Linux the swap is one atomic
renameat2(RENAME_EXCHANGE); elsewhere it is two renames a moment apart. A
one-shot build writes each page into that folder as soon as it is rendered
(`staged`), so no process holds the whole site in memory.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from archive import urls
from archive.errors import ArchiveError
from archive.model import OutputFile

STAGING_PREFIX = ".building-"  # temporary folders: .building-<site name>-XXXX
RENAME_EXCHANGE = 2
AT_FDCWD = -100


def write_site(files: Sequence[OutputFile], out_dir: Path) -> None:
    """Replace out_dir with exactly these files; on any error the old out_dir stays."""
    urls.check_unique((f.path, f.path) for f in files)
    check_paths(files)
    with staged(out_dir) as staging:
        write_tree(files, staging)


@contextlib.contextmanager
def staged(out_dir: Path) -> Iterator[Path]:
    """A fresh folder next to out_dir to write into; it replaces out_dir when the body succeeds.

    On any error (or interrupt) it is removed and the old out_dir stays.
    """
    out_dir = out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_staging(out_dir)
    staging = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{out_dir.name}-", dir=out_dir.parent))
    try:
        yield staging
        _swap_in(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def write_tree(files: Sequence[OutputFile], root: Path) -> None:
    """Write every file below root, making folders as needed (several processes may share root)."""
    check_paths(files)
    # Plain strings, not pathlib: this runs once per file, 40,000 times in a large build.
    base = os.fspath(root)
    made: set[str] = set()
    for output in files:
        target = os.path.join(base, output.path)
        folder = os.path.dirname(target)
        if folder not in made:
            os.makedirs(folder, exist_ok=True)
            made.add(folder)
        with open(target, "wb") as out:
            out.write(output.data)


def check_paths(files: Sequence[OutputFile]) -> None:
    """An output path must stay below site/: relative, no '..', no backslash."""
    for output in files:
        parts = [part for part in output.path.split("/") if part not in ("", ".")]
        if not parts or output.path.startswith("/") or ".." in parts or "\\" in output.path:
            raise ArchiveError(f"拒绝写到站点目录之外：{output.path!r}")


def _remove_stale_staging(out_dir: Path) -> None:
    """Folders left by killed builds (theirs, never another site's) are removed."""
    for stale in out_dir.parent.glob(f"{STAGING_PREFIX}{out_dir.name}-*"):
        shutil.rmtree(stale, ignore_errors=True)


def _swap_in(staging: Path, out_dir: Path) -> None:
    """Put staging at out_dir; the previous out_dir (if any) is then deleted."""
    staging.chmod(0o755)  # mkdtemp makes it private; a served site must be readable
    if not out_dir.exists():
        staging.rename(out_dir)
        return
    if not out_dir.is_dir():
        raise ArchiveError(f"{out_dir} 已存在，但不是目录")
    if not _exchange(staging, out_dir):
        retired = staging.with_name(staging.name + "-old")
        out_dir.rename(retired)
        staging.rename(out_dir)
        staging = retired
    shutil.rmtree(staging, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths with renameat2; False where that is not available."""
    name = ctypes.util.find_library("c")
    if not name:
        return False
    with contextlib.suppress(OSError):
        libc = ctypes.CDLL(name, use_errno=True)
        function = getattr(libc, "renameat2", None)
        if function is None:
            return False
        result = function(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE)
        return result == 0
    return False
