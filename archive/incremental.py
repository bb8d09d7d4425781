"""Stage: output files of a rebuild -> the output folder, touching only what changed.

Rebuilds under `serve` are correct by construction: every rebuild recomputes
the whole site model, and two memories of the previous build only save work
whose result is known to be the same:

- `RenderMemo` re-renders a page only when something it is rendered from
  changed: the digest of its template and of every template that one extends,
  includes or imports, of the environment's globals and shared data, or its
  context data, compared with the last build's context value by value (with
  types and key order; the very same objects, as archive.context.ContextMemo
  hands out for unchanged articles, are known equal at once: no pickling).
- `sync_tree` writes a file only when its bytes changed, deletes files the
  build no longer produces, and leaves everything else alone, so the browser
  never sees a half-written folder and unchanged files keep their mtimes. A
  file whose bytes are the very object it last wrote (RenderMemo's pages, the
  search index's unchanged files) is not even looked at: a rebuild touches the
  disk in proportion to what changed, not to the 40,000 files of the site.
- Files deleted or edited by hand in the output folder are therefore noticed
  by `verify_tree`, which checks every file's stamp against what this process
  left there and puts back the bytes it holds; serve runs it after each
  rebuild has reloaded the browsers, off the path of the edit being previewed,
  and it stops as soon as a change waits for the next build (a hand edit is
  then put back after the first quiet moment; the first sync of a process
  compares every file anyway).

Nothing is declared by hand, so nothing can be forgotten (the stale pages of
Hugo #11543, Zola #1108, Lektor #410 and MkDocs --dirty came from that).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import marshal
import operator
import os
import pickle
import sys
import tempfile
import types
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import jinja2
from jinja2 import meta

from archive import urls, write
from archive.config import SiteConfig
from archive.model import OutputFile

VERIFY_BATCH = 500  # files verify_tree checks between two questions to its `stop`


@dataclass(frozen=True, slots=True)
class SyncReport:
    """What one sync did to the output folder."""

    written: int
    unchanged: int
    deleted: int


@dataclass(slots=True)
class OutputState:
    """The bytes and file stamps this process last left in the output folder."""

    # path -> (bytes, size, mtime_ns); bytes None for a file found on disk, not yet compared
    files: dict[str, tuple[bytes | None, int, int]] = field(default_factory=dict)
    known: bool = False  # False until the folder has been listed once
    paths: tuple[str, ...] = ()  # of the last sync, checked then (see _check_paths)


def sync_tree(out_dir: Path, files: Iterable[OutputFile], state: OutputState) -> SyncReport:
    """Make out_dir hold exactly `files`, writing only files whose bytes changed.

    A file given as the very bytes object this state last wrote or found for
    its path is taken as unchanged without a look at the disk (see verify_tree).
    """
    files = tuple(files)
    paths = tuple(f.path for f in files)
    if paths != state.paths:  # the same paths as last time were checked then
        _check_paths(files)
    out_dir.mkdir(parents=True, exist_ok=True)
    if not state.known:
        state.files = _read_existing(out_dir)
        state.known = True
    # Deletions first, so a path that turns from a file into a folder (or back) is free.
    same = paths == state.paths and len(state.files) == len(paths)
    gone = [] if same else sorted(set(state.files) - set(paths))
    for path in gone:
        _delete(out_dir, path)
        del state.files[path]
    written = unchanged = 0
    held = state.files
    for output in files:
        path, data = output.path, output.data
        previous = held.get(path)
        if previous is not None and previous[0] is data:
            unchanged += 1  # the bytes this process left there, untouched since as far as it knows
            continue
        stamp = _unchanged(out_dir, path, data, state)
        if stamp is not None:
            held[path] = (data, *stamp)  # hold the new object: the old one can go
            unchanged += 1
        else:
            held[path] = _write(out_dir, path, data)
            written += 1
    state.paths = paths
    return SyncReport(written=written, unchanged=unchanged, deleted=len(gone))


# What write_first replaced: path -> the entry it had in OutputState.files (None: no file).
Replaced = dict[str, tuple[bytes | None, int, int] | None]


def write_first(out_dir: Path, files: Iterable[OutputFile], state: OutputState) -> Replaced:
    """Write some of a build's files ahead of the sync of all of them: the pages a
    browser shows, so it can reload while the rest is rendered.

    Deletes nothing. The later sync_tree finds these files unchanged by identity.
    Returns what was there before, for put_back should the build fail after all.
    """
    files = tuple(files)
    write.check_paths(files)
    replaced: Replaced = {}
    if not state.known:
        return replaced  # the first build of a process: nothing is shown early
    for output in files:
        previous = state.files.get(output.path)
        if previous is not None and previous[0] is output.data:
            continue
        if _unchanged(out_dir, output.path, output.data, state) is not None:
            continue
        replaced[output.path] = _with_bytes(out_dir, output.path, previous)
        state.files[output.path] = _write(out_dir, output.path, output.data)
    return replaced


def put_back(out_dir: Path, replaced: Replaced, state: OutputState) -> None:
    """Undo write_first: the output folder as the last good build left it."""
    for path, previous in replaced.items():
        if previous is None:
            _delete(out_dir, path)
            state.files.pop(path, None)
        elif previous[0] is not None:
            state.files[path] = _write(out_dir, path, previous[0])


def _with_bytes(
    out_dir: Path, path: str, entry: tuple[bytes | None, int, int] | None
) -> tuple[bytes | None, int, int] | None:
    """An OutputState entry with its bytes read from disk if it had none (to put them back)."""
    if entry is None or entry[0] is not None:
        return entry
    try:
        return ((out_dir / path).read_bytes(), entry[1], entry[2])
    except OSError:
        return None


def verify_tree(out_dir: Path, state: OutputState, stop: Callable[[], bool] | None = None) -> int:
    """Put back every file deleted or changed in out_dir since this state's syncs; how many.

    Each file's size and modification time are checked against those of the
    last sync, and a file that differs gets the bytes that sync gave it again.
    `stop` is asked every few hundred files; when it says so, the check ends
    there (at 40,000 files it takes a good part of a second).
    """
    restored = 0
    root = str(out_dir)
    for number, (path, (data, size, mtime)) in enumerate(list(state.files.items())):
        if stop is not None and number % VERIFY_BATCH == 0 and stop():
            break
        try:
            info = os.stat(os.path.join(root, path))  # plain strings: this runs per file
            if (info.st_size, info.st_mtime_ns) == (size, mtime):
                continue
        except OSError:
            pass  # deleted: write it again
        if data is None:  # never compared (a file of an earlier process): the next sync writes it
            del state.files[path]
            continue
        state.files[path] = _write(out_dir, path, data)
        restored += 1
    return restored


def _check_paths(files: tuple[OutputFile, ...]) -> None:
    """Every path relative, below the output folder, and made by one output only."""
    urls.check_unique((f.path, f.path) for f in files)
    write.check_paths(files)


def _read_existing(out_dir: Path) -> dict[str, tuple[bytes | None, int, int]]:
    """Every file already in out_dir (a previous build's): its stamp, bytes read when needed."""
    found: dict[str, tuple[bytes | None, int, int]] = {}
    for folder, _dirs, names in os.walk(out_dir):
        for name in names:
            full = Path(folder, name)
            with contextlib.suppress(OSError):
                info = full.stat()
                found[full.relative_to(out_dir).as_posix()] = (None, info.st_size, info.st_mtime_ns)
    return found


def _unchanged(out_dir: Path, path: str, data: bytes, state: OutputState) -> tuple[int, int] | None:
    """The file's (size, mtime) when it already holds exactly `data`, else None."""
    previous = state.files.get(path)
    if previous is None or previous[1] != len(data):
        return None
    old, size, mtime = previous
    try:
        info = os.stat(os.path.join(out_dir, path))  # plain strings: this runs per file
    except OSError:
        return None  # deleted by hand since: write it again
    if (info.st_size, info.st_mtime_ns) != (size, mtime):
        return None  # changed by someone else since we wrote it
    if old is None:
        with contextlib.suppress(OSError):
            old = (out_dir / path).read_bytes()  # a file of an earlier process: compare once
    # Identity first: a page from RenderMemo is the very same bytes object.
    return (size, mtime) if old is data or old == data else None


def _write(out_dir: Path, path: str, data: bytes) -> tuple[bytes, int, int]:
    """Write atomically (temp file + os.replace) so a reader sees old or new bytes, never half."""
    target = out_dir / path
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temp, 0o644)
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    info = target.stat()
    return (data, info.st_size, info.st_mtime_ns)


def _delete(out_dir: Path, path: str) -> None:
    """Remove a file no longer produced, then any folders it leaves empty."""
    target = out_dir / path
    with contextlib.suppress(FileNotFoundError):
        target.unlink()
    folder = target.parent
    while folder != out_dir and folder.is_relative_to(out_dir):
        try:
            folder.rmdir()
        except OSError:
            break  # not empty
        folder = folder.parent


def template_digests(
    env: jinja2.Environment, parsed: dict[str, tuple[str | None, ...]] | None = None
) -> dict[str, str]:
    """For every template, a digest of its source and of every template it pulls in.

    `parsed` remembers, by source text, the templates a source refers to, so a
    rebuild does not parse unchanged templates again.
    """
    sources = template_sources(env)
    everything = _digest(*(f"{n}\0{s}" for n, s in sources.items()))
    parsed = {} if parsed is None else parsed
    for source in sources.values():
        if source not in parsed:
            parsed[source] = _referenced(env, source)
    for old in set(parsed) - set(sources.values()):
        del parsed[old]  # an edited template's previous source
    uses = {name: parsed[source] for name, source in sources.items()}
    digests: dict[str, str] = {}
    for name in sources:
        closure = _closure(name, uses)
        # A dynamic {% include var %} could pull in any template: depend on all of them.
        digests[name] = (
            everything
            if closure is None
            else _digest(*(f"{n}\0{sources[n]}" for n in sorted(closure)))
        )
    return digests


def template_sources(env: jinja2.Environment) -> dict[str, str]:
    """Source of every text template (files under static/ are copied, not rendered)."""
    assert env.loader is not None
    found: dict[str, str] = {}
    for name in sorted(env.list_templates()):
        if name.startswith("static/"):
            continue
        with contextlib.suppress(UnicodeDecodeError, jinja2.TemplateNotFound):
            found[name] = env.loader.get_source(env, name)[0]
    return found


def _referenced(env: jinja2.Environment, source: str) -> tuple[str | None, ...]:
    try:
        return tuple(meta.find_referenced_templates(env.parse(source)))
    except jinja2.TemplateSyntaxError:
        return (None,)  # rendering will report it; meanwhile depend on everything


def _closure(name: str, uses: Mapping[str, tuple[str | None, ...]]) -> set[str] | None:
    """The template and all it extends/includes/imports, transitively; None if any is dynamic."""
    seen: set[str] = set()
    todo = [name]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        for used in uses.get(current, ()):
            if used is None or used not in uses:
                return None
            todo.append(used)
    return seen


class _FingerprintPickler(pickle.Pickler):
    """Pickles functions by what they do (code, defaults, closure values), not by name."""

    def reducer_override(self, obj: object) -> object:
        # Module-level functions pickle by name (their code is fixed for the process);
        # closures and lambdas carry their captured values, which may be settings.
        if isinstance(obj, types.FunctionType) and not _by_name(obj):
            cells = tuple(c.cell_contents for c in obj.__closure__ or ())
            code = marshal.dumps(obj.__code__)
            return (
                _function_marker,
                (obj.__module__, obj.__qualname__, code, obj.__defaults__, cells),
            )
        return NotImplemented


def _by_name(function: types.FunctionType) -> bool:
    """True when pickle can find this very function by module and qualified name."""
    found: object = sys.modules.get(function.__module__)
    for part in function.__qualname__.split("."):
        found = getattr(found, part, None)
    return found is function


def _function_marker(*parts: object) -> None:
    """Stands in for a function in fingerprints; never called."""


_UNPICKLABLE = (pickle.PicklingError, TypeError, AttributeError, ValueError, RecursionError)


def fingerprint_bytes(value: object) -> bytes | None:
    """Bytes that are equal whenever two values render the same; None if not picklable."""
    # Plain data (every page context) takes the C pickler; only values holding
    # closures or lambdas need the slower one that pickles code and captured values.
    with contextlib.suppress(*_UNPICKLABLE):
        return pickle.dumps(value, protocol=5)
    buffer = io.BytesIO()
    try:
        _FingerprintPickler(buffer, protocol=5).dump(value)
    except _UNPICKLABLE:
        return None
    return buffer.getvalue()


def _digest(*parts: str | bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


class PageLike(Protocol):
    """What RenderMemo needs of a page to render (render.Page has it)."""

    path: str
    template: str
    context: dict
    markdown: str


RenderMany = Callable[[Sequence[Any]], Sequence[OutputFile]]
PLAIN_LEAVES = (str, int, float, bool, type(None))


@dataclass(slots=True)
class _Held:
    """What a page was last rendered from, and what it gave."""

    template: str
    digest: str  # of its template closure and the shared data ('' = unknown)
    context: object
    markdown: str
    output: OutputFile
    plain: bool  # context is plain data: compared structurally, never pickled
    pickled: bytes | None  # otherwise its fingerprint bytes (None: not picklable)


@dataclass(slots=True)
class RenderMemo:
    """Pages rendered by earlier builds of this process: path -> what it was rendered from.

    A page is rendered again unless its template closure, the shared data, its
    Markdown and its context are the same as last time. Contexts of plain data
    (dicts, lists, str, int, float, bool, None) are compared structurally, with
    types and key order, so an unchanged page costs no pickling: the same
    object, or one whose parts are the same objects (cards shared by many pages),
    is compared in a few steps. That relies on contexts never being changed in
    place once planned (render.Page says so). Other contexts are fingerprinted
    by pickling, and ones that cannot be pickled are always rendered.
    """

    pages: dict[str, _Held] = field(default_factory=dict)
    templates: dict[str, str] = field(default_factory=dict)
    parsed: dict[str, tuple[str | None, ...]] = field(default_factory=dict)
    # id -> container found plain by the last render call (held, so the id stays its own)
    plain: dict[int, object] = field(default_factory=dict)
    rendered: int = 0  # by the last build (its pages rendered first included)
    reused: int = 0
    rendered_first: int = 0  # by this build's call with complete=False, so far

    def render(
        self,
        pages: Sequence[PageLike],
        env: jinja2.Environment,
        shared: object,
        render: RenderMany,
        jobs: int = 1,  # unused: comparing contexts is too cheap to share out
        *,
        complete: bool = True,
    ) -> tuple[OutputFile, ...]:
        """Output of every page, calling render() only for pages whose inputs changed.

        `shared` is everything besides the page and its templates that the
        output depends on (the common context, the base path of links in the
        Markdown); `env` is the environment render() uses. With complete=False
        the pages are some of the site's (those a browser shows, first): pages
        not among them are kept for the call with all of them, which then finds
        these unchanged.
        """
        marks = Fingerprints.of(env, shared, self.parsed)
        if marks.templates != self.templates and env.cache is not None:
            # Jinja's own reload check compares mtimes, which can miss two saves
            # within one clock tick; the sources just read are the truth.
            env.cache.clear()
        self.templates = marks.templates
        by_template = {name: marks.digest(name) for name in {page.template for page in pages}}
        digests = [by_template[page.template] for page in pages]
        stale = [i for i, page in enumerate(pages) if not self._kept(page, digests[i])]
        fresh = iter(render([pages[i] for i in stale]) if stale else ())
        stale_set = set(stale)
        out: list[OutputFile] = []
        # Containers found plain, this call's and the last's: a card listed by many pages,
        # and by the same pages build after build, is walked once.
        plain: dict[int, object] = {}
        for i, page in enumerate(pages):
            if i in stale_set:
                held = _hold(page, digests[i], next(fresh), (plain, self.plain))
                self.pages[page.path] = held
            else:
                held = self.pages[page.path]
                held.context, held.markdown = page.context, page.markdown  # equal, newer
            out.append(held.output)
        if not complete:
            self.plain.update(plain)
            self.rendered_first += len(stale)
            return tuple(out)
        self.plain = plain
        if len(self.pages) != len(pages):
            for gone in set(self.pages) - {p.path for p in pages}:
                del self.pages[gone]  # frees the bytes of pages the site no longer has
        self.rendered = len(stale) + self.rendered_first
        self.reused = len(pages) - self.rendered
        self.rendered_first = 0
        return tuple(out)

    def _kept(self, page: PageLike, digest: str) -> bool:
        """True when the page's last output is still right."""
        held = self.pages.get(page.path)
        if held is None or not digest or held.digest != digest or held.template != page.template:
            return False
        if held.markdown is not page.markdown and held.markdown != page.markdown:
            return False
        if held.plain:
            return same_data(page.context, held.context)
        return held.pickled is not None and fingerprint_bytes(page.context) == held.pickled


def _hold(page: PageLike, digest: str, output: OutputFile, seen: Seen) -> _Held:
    """Remember a freshly rendered page: its context itself when plain, else its pickle."""
    plain = is_plain(page.context, seen)
    pickled = None if plain else fingerprint_bytes(page.context)
    return _Held(page.template, digest, page.context, page.markdown, output, plain, pickled)


# Containers already found plain, by id: (this call's, the last call's); each holds the
# container itself, so an id is never taken for a new object that reuses it.
Seen = tuple[dict[int, object], dict[int, object]]


def is_plain(value: object, seen: Seen) -> bool:
    """True when value is dicts (str keys), lists and tuples of str, int, float, bool, None."""
    kind = type(value)
    if kind in PLAIN_LEAVES:
        return True
    now, before = seen
    if now.get(id(value)) is value or before.get(id(value)) is value:
        now[id(value)] = value
        return True
    if kind is dict:
        plain = all(type(k) is str for k in value) and all(  # type: ignore[attr-defined]
            is_plain(v, seen)
            for v in value.values()  # type: ignore[attr-defined]
        )
    elif kind is list or kind is tuple:
        plain = all(is_plain(v, seen) for v in value)  # type: ignore[attr-defined]
    else:
        return False
    if plain:
        now[id(value)] = value
    return plain


def same_data(new: object, old: object) -> bool:
    """True when plain data `new` renders exactly as plain data `old` did.

    Types must match exactly (True is not 1, a list is not a tuple) and dicts
    must list their keys in the same order (templates iterate them); the same
    object is the same data, since planned contexts are never changed in place.
    """
    if new is old:
        return True
    kind = type(new)
    if kind is not type(old):
        return False
    if kind is dict:
        return (
            len(new) == len(old)  # type: ignore[arg-type]
            and _same_items(new, old)  # type: ignore[arg-type]
            and _same_items(new.values(), old.values())  # type: ignore[attr-defined]
        )
    if kind is list or kind is tuple:
        return len(new) == len(old) and _same_items(new, old)  # type: ignore[arg-type]
    return kind in PLAIN_LEAVES and new == old


def _same_items(new: Iterable[object], old: Iterable[object]) -> bool:
    """same_data of every pair (equal lengths); shared objects and strings checked inline."""
    if all(map(operator.is_, new, old)):  # the usual case (cards, links), at C speed
        return True
    for a, b in zip(new, old, strict=True):
        if a is b:
            continue
        if type(a) is str:  # most leaves: spared a call
            if type(b) is not str or a != b:
                return False
        elif not same_data(a, b):
            return False
    return True


@dataclass(frozen=True, slots=True)
class Fingerprints:
    """One build's digests of the templates and of everything shared by all pages."""

    templates: dict[str, str]
    shared: str

    @classmethod
    def of(
        cls,
        env: jinja2.Environment,
        shared: object,
        parsed: dict[str, tuple[str | None, ...]] | None = None,
    ) -> Fingerprints:
        """Digest the templates, the environment's code and the shared data once per build."""
        # Filters and tests are code the pages run, often closures over settings.
        data = fingerprint_bytes(
            (
                sorted(env.globals.items()),
                sorted(env.filters.items()),
                sorted(env.tests.items()),
                shared,
            )
        )
        return cls(template_digests(env, parsed), _digest(data) if data is not None else "")

    def digest(self, template: str) -> str:
        """Digest of a template's closure and the shared data ('' = unknown: always render)."""
        if not self.shared or template not in self.templates:
            return ""
        return _digest(template, self.templates[template], self.shared)


def render_pages(
    pages: Sequence[PageLike],
    config: SiteConfig,
    jobs: int,
    progress: Callable[[int, int], None] | None,
    memo: RenderMemo | None,
    *,
    complete: bool = True,
) -> tuple[OutputFile, ...]:
    """render.render_pages, skipping pages a RenderMemo holds unchanged (all of them if None).

    complete=False: `pages` are some of the site's, rendered ahead of the rest (RenderMemo.render).
    """
    from archive import render
    from archive.context import Contexts

    if memo is None:
        return render.render_pages(pages, config, jobs, progress)
    env = render.renderer(str(config.templates_dir), config.base_path).env
    # Besides page and templates, output depends on the common context and on
    # the base path the Markdown converter gives to site links.
    shared = (Contexts.common(config), config.base_path, str(config.templates_dir))

    def rendered(todo: Sequence[PageLike]) -> Sequence[OutputFile]:
        return render.render_pages(todo, config, jobs, progress)

    out = memo.render(pages, env, shared, rendered, jobs, complete=complete)
    if not complete:
        return out
    # Pages rendered by worker processes left this process's templates uncompiled: compile
    # them now, so the first edit, rendered here, does not pay for it (cached afterwards).
    for name in sorted({page.template for page in pages}):
        env.get_template(name)
    return out
