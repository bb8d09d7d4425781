"""Stage: (kind, code version, article text) -> cached result of per-article work, on disk.

Work that depends only on an article's text (Markdown -> HTML, jieba
segmentation, key figures, keywords) is stored under a key that is the
sha256 of the kind of work, the version of the code and dictionaries that
did it, and the text. A changed text or a changed version is a different
key, so nothing is ever invalidated by hand (the stale-page bugs of Hugo,
Lektor and MkDocs came from hand-declared dependencies).

Every entry carries its own key material digest, length and checksum; an entry
that is truncated, corrupt or was written for another key is recomputed and
overwritten, never trusted. Entries are written to a temporary file in the
same folder and moved into place with os.replace, so two worker processes
filling the cache at once never leave a half-written entry behind.

The cache lives in `.cache/build/` next to site.toml: that folder is already
ignored by git, it goes away with the checkout it belongs to, CI can keep it
between runs with one path, and `rm -rf .cache` is an obvious reset. Values
are JSON (not pickle): a cache file can never run code, and a cached result
has exactly the types of a fresh one because fresh results pass through the
same encoding.
"""

from __future__ import annotations

import contextlib
import hashlib
import inspect
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from archive.model import Analysis, Article, Taxonomy

MAGIC = b"IA-CACHE-1"
CACHE_SUBDIR = Path(".cache") / "build"

Json = Any  # str, int, float, bool, None, list and dict of these


@dataclass(frozen=True, slots=True)
class Cache:
    """A content-addressed store in `directory`; `enabled=False` computes everything afresh."""

    directory: Path
    enabled: bool = True
    # A long-running process (serve) keeps the results of its last call here
    # (see cached_analyses), so a rebuild does not read every entry again.
    memory: dict[str, dict[str, Any]] | None = field(default=None, compare=False, repr=False)

    def get_or_compute(
        self, kind: str, version: str, text: str, compute: Callable[[str], Json]
    ) -> Json:
        """The cached result for (kind, version, text), or compute(text) stored for next time."""
        key = entry_key(kind, version, text)
        if self.enabled:
            found = read_entry(self.path_for(kind, key), key)
            if found is not None:
                return json.loads(found)
        payload = encode(compute(text))
        if self.enabled:
            write_entry(self.path_for(kind, key), key, payload)
        # Decoding the fresh result too gives cached and fresh builds identical types.
        return json.loads(payload)

    def path_for(self, kind: str, key: str) -> Path:
        """Where the entry for key lives: <dir>/<kind>/<2 hex>/<key>."""
        return self.directory / _safe_kind(kind) / key[:2] / key


def default_cache(root: Path, *, enabled: bool = True) -> Cache:
    """The cache of a checkout: `.cache/build/` next to site.toml (git-ignored).

    $ARCHIVE_CACHE_DIR moves it (tests use a fresh folder; CI may point it at
    a folder it keeps between runs).
    """
    moved = os.environ.get("ARCHIVE_CACHE_DIR")
    return Cache(Path(moved) if moved else root / CACHE_SUBDIR, enabled=enabled)


def entry_key(kind: str, version: str, text: str) -> str:
    """sha256 over the kind, the code version and the text, unambiguously delimited."""
    digest = hashlib.sha256()
    for part in (kind, version, text):
        data = part.encode("utf-8", "surrogatepass")
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


def encode(value: Json) -> bytes:
    """Canonical JSON bytes of a value (sorted keys, no ASCII escaping of Chinese)."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.encode("utf-8")


def read_entry(path: Path, key: str) -> bytes | None:
    """The payload stored at path for key, or None if missing, truncated, corrupt or foreign."""
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    header, newline, payload = raw.partition(b"\n")
    if not newline:
        return None
    fields = header.split(b" ")
    if len(fields) != 4 or fields[0] != MAGIC or fields[1] != key.encode("ascii"):
        return None
    if fields[2] != str(len(payload)).encode("ascii"):
        return None
    if fields[3] != hashlib.sha256(payload).hexdigest().encode("ascii"):
        return None
    return payload


def write_entry(path: Path, key: str, payload: bytes) -> None:
    """Store payload for key atomically: temp file in the same folder, then os.replace."""
    checksum = hashlib.sha256(payload).hexdigest()
    header = b" ".join((MAGIC, key.encode("ascii"), str(len(payload)).encode(), checksum.encode()))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    except OSError:
        return  # a read-only or full cache only costs speed, never correctness
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(header + b"\n" + payload)
        os.replace(temp, path)
    except OSError:
        _remove_quietly(temp)


def _remove_quietly(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


def _safe_kind(kind: str) -> str:
    """Kinds name folders: keep them to a harmless ASCII alphabet."""
    cleaned = "".join(c if c.isascii() and (c.isalnum() or c in "-_.") else "_" for c in kind)
    return cleaned.strip(".") or "_"


def code_version(*parts: str | ModuleType | Callable[..., object]) -> str:
    """A version string from literal strings and the source text of modules or functions.

    Passing the module that does the work makes any edit to it a new cache
    key, so nobody has to remember to bump a version number.
    """
    digest = hashlib.sha256()
    for part in parts:
        digest.update(_version_part(part).encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()[:32]


def _version_part(part: str | ModuleType | Callable[..., object]) -> str:
    if isinstance(part, str):
        return part
    source = inspect.getsourcefile(part)
    if source is None:
        raise TypeError(f"no source file for {part!r}")
    return hashlib.sha256(Path(source).read_bytes()).hexdigest()


def file_digest(path: Path) -> str:
    """sha256 of a data file (a jieba dictionary, say), for use in a version string."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def cached_batch(
    cache: Cache,
    kind: str,
    version: str,
    texts: Sequence[str],
    compute: Callable[[list[int]], Sequence[Any]],
    decode: Callable[[bytes], Any] = json.loads,
    store: Callable[[Any], bytes] | None = None,
) -> list[Any]:
    """The result for every text; compute(indices) fills all misses in one call (workers pay).

    Without `store`, compute returns JSON values and a fresh value passes
    through encode and decode, so cached and fresh results have the same
    types. With `store`, compute returns finished values that decode(store(v))
    reproduces exactly; they are used as they are and store(v) is what the
    disk keeps (nothing is encoded when the cache is off).
    """
    keys = [entry_key(kind, version, text) for text in texts]
    values: list[Any] = [_MISSING] * len(keys)
    missing = []
    for i, key in enumerate(keys):
        payload = read_entry(cache.path_for(kind, key), key) if cache.enabled else None
        if payload is None:
            missing.append(i)
        else:
            values[i] = decode(payload)
    if missing:
        for i, value in zip(missing, compute(missing), strict=True):
            if store is not None:
                values[i] = value
                if cache.enabled:
                    write_entry(cache.path_for(kind, keys[i]), keys[i], store(value))
                continue
            payload = encode(value)
            if cache.enabled:
                write_entry(cache.path_for(kind, keys[i]), keys[i], payload)
            values[i] = decode(payload)  # fresh results take the cached ones' path
    return values


_MISSING = object()


def analysis_version(taxonomy: Taxonomy) -> str:
    """Everything an Analysis depends on besides the article: code, jieba and taxonomy words."""
    from archive import analyse, figures, keywords, model, segment, text
    from archive.jieba_import import jieba

    words = "\n".join(sorted(set(segment.taxonomy_words(taxonomy))))
    modules = (analyse, figures, keywords, model, segment, text)
    return code_version(f"jieba {jieba.__version__}", ANALYSIS_FORMAT, words, *modules)


def cached_analyses(
    cache: Cache,
    articles: Sequence[Article],
    taxonomy: Taxonomy,
    analyse_some: Callable[[list[Article]], Iterable[Analysis]],
) -> dict[str, Analysis]:
    """Analysis of every article by id, computing (with analyse_some) only what the cache lacks.

    With `cache.memory` (serve), the last call's analyses are kept by the Article
    they came from: an unchanged article is the very same object on a rebuild
    (load.LoadMemo), found without hashing its text again.
    """
    version = analysis_version(taxonomy)
    held = _held_by_article(cache, version)
    # By identity: hashing 10,000 frozen Articles field by field costs more than the rest.
    known: dict[int, tuple[Article, Analysis]] = {}
    todo: list[Article] = []
    for article in articles:
        found = held.get(id(article))
        if found is not None and found[0] is article:
            known[id(article)] = found
        else:
            todo.append(article)
    # Length prefixes keep the three parts apart without the cost of JSON.
    texts = [f"{len(a.id)}:{a.id}{len(a.title)}:{a.title}{a.body}" for a in todo]

    def compute(indices: list[int]) -> list[Analysis]:
        return list(analyse_some([todo[i] for i in indices]))

    found = cached_batch(
        cache, "analysis", version, texts, compute, _analysis_from_payload, _analysis_payload
    )
    known.update((id(a), (a, analysis)) for a, analysis in zip(todo, found, strict=True))
    if cache.memory is not None and cache.enabled:
        cache.memory[BY_ARTICLE] = {version: known}  # this call's only
    return {analysis.id: analysis for analysis in (known[id(a)][1] for a in articles)}


BY_ARTICLE = "analysis by article"


def _held_by_article(cache: Cache, version: str) -> dict[int, tuple[Article, Analysis]]:
    """The analyses the last call kept in memory, if made by this very version.

    Keyed by id(article); each value holds the Article itself, which keeps its id
    from being reused while the entry lives, and is compared with `is`.
    """
    if cache.memory is None or not cache.enabled:
        return {}
    return cache.memory.get(BY_ARTICLE, {}).get(version, {})


# The stored shape of an Analysis: its row (see archive.analyse) as a JSON array.
# Part of analysis_version, so changing it retires every older entry.
ANALYSIS_FORMAT = "to_row JSON: [id, summary, chars, [[label, value, kind]], [keywords]]"


def _analysis_payload(analysis: Analysis) -> bytes:
    from archive.analyse import to_row  # here: a snapshot build never imports the analysis

    return json.dumps(to_row(analysis), ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _analysis_from_payload(payload: bytes) -> Analysis:
    """The Analysis a payload stores, with tuples where JSON has lists, as a fresh one has."""
    from archive.analyse import from_row

    id_, summary, chars, figures, keywords = json.loads(payload)
    return from_row((id_, summary, chars, tuple(map(tuple, figures)), tuple(keywords)))
