"""Stage helper: every input of a build -> the files it wrote, kept in the cache for next time.

A build is a pure function of its inputs: the article files, the taxonomy
files, the settings (site.toml with the command line's overrides, the output
folder aside), every file under templates/, the source of this package and
the versions of Python and of the libraries that shape the output. A build
with the cache on stores the files it wrote as a snapshot under
`.cache/build/snapshots/`, named by the digest of all of those inputs. A later
build whose inputs have the same digest writes the snapshot's files instead
of building them, into a fresh folder that replaces the output folder whole,
as every build does.

Nothing is declared by hand: a change to any input byte, this package's code
included, is another digest. A snapshot is trusted no more than the rest of
the cache: every segment file ends with the sha256 of its body and is checked
before a single file is written; a damaged or missing segment makes the build
run in full (and store a good snapshot again).

The files travel in segments, one per group of files a process wrote (a chunk
of pages, the search index, the rest): each writer streams what it writes into
its own segment, so nothing is read back to be stored. Only the newest
KEEP snapshots are kept.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import pickle
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from importlib import metadata
from pathlib import Path

from archive import workers, write
from archive.cache import Cache, read_entry, write_entry
from archive.config import SiteConfig
from archive.model import OutputFile

MAGIC = b"IA-SNAPSHOT-1\n"
KEEP = 2  # snapshots kept: the last build's and the one before (an undo costs nothing)
SUBDIR = "snapshots"
SEGMENT_FILES = 2000
# Libraries whose version can change a byte of the output.
LIBRARIES = ("jinja2", "markupsafe", "markdown", "jieba", "pypinyin", "isal", "numpy", "pyyaml")


def inputs_digest(config: SiteConfig, taxonomy_dir: Path) -> str:
    """sha256 over everything a build reads (the output folder's location aside)."""
    digest = hashlib.sha256()

    def add(label: str, data: bytes) -> None:
        encoded = label.encode("utf-8", "surrogateescape")
        digest.update(len(encoded).to_bytes(8, "big") + encoded)
        digest.update(len(data).to_bytes(8, "big") + data)

    add("settings", pickle.dumps(replace(config, output_dir=Path()), protocol=5))
    add("code", code_digest().encode())
    for label, folder in (
        ("article", config.articles_dir),
        ("taxonomy", taxonomy_dir),
        ("template", config.templates_dir),
    ):
        for path in _files(folder, recursive=label == "template"):
            add(f"{label}:{path}", _read(path))
    return digest.hexdigest()


def _files(folder: Path, recursive: bool) -> list[str]:
    """Every file of a folder (below it too if recursive), sorted; plain strings: 10,000 names."""
    if not folder.is_dir():
        return []
    if not recursive:
        return sorted(e.path for e in os.scandir(folder) if e.is_file())
    found = [os.path.join(base, name) for base, _dirs, names in os.walk(folder) for name in names]
    return sorted(found)


def _read(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def code_digest() -> str:
    """The source of this package, Python's version and the libraries' versions."""
    digest = hashlib.sha256(sys.version.encode())
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    for name in LIBRARIES:
        with contextlib.suppress(metadata.PackageNotFoundError):
            digest.update(f"{name}=={metadata.version(name)}\0".encode())
    return digest.hexdigest()


# --- segments ------------------------------------------------------------------------------


def write_segments(folder: str, files: Sequence[OutputFile]) -> None:
    """Store files as new segments in folder, SEGMENT_FILES at most in each.

    Many small segments let a restore spread the search index's 30,000 files
    over every worker, where one segment would leave them all to one.
    """
    for start in range(0, len(files), SEGMENT_FILES):
        _write_segment(folder, files[start : start + SEGMENT_FILES])


def _write_segment(folder: str, files: Sequence[OutputFile]) -> None:
    """Store files as one new segment in folder: MAGIC, records, then the body's sha256."""
    digest = hashlib.sha256(MAGIC)
    handle, temp = tempfile.mkstemp(dir=folder, prefix=".part-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(MAGIC)
            for output in files:
                path = output.path.encode("utf-8")
                head = len(path).to_bytes(4, "big") + path + len(output.data).to_bytes(8, "big")
                digest.update(head)
                digest.update(output.data)
                out.write(head)
                out.write(output.data)
            out.write(digest.digest())
        os.replace(temp, temp.replace(".part-", "", 1) + ".seg")
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def read_segment(path: Path) -> list[OutputFile]:
    """The files of a segment; ValueError if it is damaged in any way."""
    data = path.read_bytes()
    body, stored = data[:-32], data[-32:]
    if not body.startswith(MAGIC) or hashlib.sha256(body).digest() != stored:
        raise ValueError(f"damaged snapshot segment {path}")
    files, at = [], len(MAGIC)
    view = memoryview(body)
    while at < len(body):
        size = int.from_bytes(view[at : at + 4], "big")
        name = bytes(view[at + 4 : at + 4 + size]).decode("utf-8")
        at += 4 + size
        length = int.from_bytes(view[at : at + 8], "big")
        files.append(OutputFile(name, bytes(view[at + 8 : at + 8 + length])))
        at += 8 + length
    if at != len(body):
        raise ValueError(f"damaged snapshot segment {path}")
    return files


# --- recording and restoring ---------------------------------------------------------------


@dataclass(slots=True)
class Recording:
    """A build being recorded: where its writers put segments, and what it reported."""

    segments: str  # folder for this build's segments
    warnings: list[str] = field(default_factory=list)
    pages: int = 0
    files: int = 0


@contextlib.contextmanager
def recording(cache: Cache, key: str | None) -> Iterator[Recording | None]:
    """A Recording the build fills; kept as snapshot `key` only if the body succeeds.

    Yields None when there is nothing to record into (cache off, or no folder).
    """
    folder = _folder(cache) if key is not None and cache.enabled else None
    if folder is None:
        yield None
        return
    active = Recording(tempfile.mkdtemp(prefix=".recording-", dir=folder))
    try:
        yield active
    except BaseException:
        shutil.rmtree(active.segments, ignore_errors=True)
        raise
    _keep(cache, folder, key, active)


def _folder(cache: Cache) -> Path | None:
    folder = cache.directory / SUBDIR
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None  # an unwritable cache only costs speed
    return folder


def _keep(cache: Cache, folder: Path, key: str, done: Recording) -> None:
    """Name the recorded segments after the key, write its record, drop older snapshots."""
    target = folder / f"{key}.d"
    with contextlib.suppress(OSError):
        shutil.rmtree(target, ignore_errors=True)
        os.rename(done.segments, target)
        # Largest first, so the workers of a restore finish together.
        sizes = sorted(((p.stat().st_size, p.name) for p in target.glob("*.seg")), reverse=True)
        record = {
            "segments": [[name, size] for size, name in sizes],
            "warnings": done.warnings,
            "pages": done.pages,
            "files": done.files,
        }
        write_entry(folder / key, key, json.dumps(record, ensure_ascii=False).encode())
    shutil.rmtree(done.segments, ignore_errors=True)  # left only if the rename failed
    _prune(folder)


def _prune(folder: Path) -> None:
    """Remove all but the KEEP newest snapshots, and recordings of builds that were killed."""
    records = sorted(
        (p for p in folder.iterdir() if len(p.name) == 64 and p.is_file()),
        key=lambda p: p.stat().st_mtime_ns,
        reverse=True,
    )
    for old in records[KEEP:]:
        shutil.rmtree(folder / f"{old.name}.d", ignore_errors=True)
        with contextlib.suppress(OSError):
            old.unlink()
    kept = {p.name for p in records[:KEEP]}
    day_ago = time.time() - 86400
    for stray in folder.iterdir():
        orphan = stray.name.endswith(".d") and stray.name[:-2] not in kept
        # A recording is a running build's, unless it is a day old: a killed build's.
        killed = stray.name.startswith(".recording-") and _mtime(stray) < day_ago
        if orphan or killed:
            shutil.rmtree(stray, ignore_errors=True)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return float("inf")


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A stored build: its segment files and what the build reported."""

    folder: Path
    segments: tuple[str, ...]
    warnings: tuple[str, ...]
    pages: int
    files: int


def find(cache: Cache, key: str) -> Snapshot | None:
    """The snapshot stored for key, if its record is sound and every segment is there."""
    if not cache.enabled:
        return None
    folder = cache.directory / SUBDIR
    payload = read_entry(folder / key, key)
    if payload is None:
        return None
    try:
        record = json.loads(payload)
        segments = [(str(name), int(size)) for name, size in record["segments"]]
        found = Snapshot(
            folder / f"{key}.d",
            tuple(name for name, _ in segments),
            tuple(str(w) for w in record["warnings"]),
            int(record["pages"]),
            int(record["files"]),
        )
        if any((found.folder / n).stat().st_size != size for n, size in segments):
            return None
    except (ValueError, KeyError, TypeError, OSError):
        return None
    with contextlib.suppress(OSError):
        os.utime(folder / key)  # the newest used snapshot is the last one pruned
    return found


def restore(snapshot: Snapshot, root: Path, jobs: int) -> int:
    """Write every file of the snapshot below root; the number of files (ValueError if damaged)."""
    shared = (snapshot.folder, snapshot.segments, str(root))
    counts = workers.map_ranges(
        _restore_range, shared, len(snapshot.segments), jobs, 1, in_process_below=2
    )
    return sum(counts)


def _restore_range(shared: tuple[Path, tuple[str, ...], str], start: int, stop: int) -> list[int]:
    """Worker task: check and write the segments [start, stop)."""
    folder, names, root = shared
    counts = []
    for name in names[start:stop]:
        files = read_segment(folder / name)
        write.write_tree(files, Path(root))  # checks every path stays below root
        counts.append(len(files))
    return counts
