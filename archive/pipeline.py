"""Stage: SiteConfig -> OutputFiles -> site/: the table of contents of a build.

    taxonomy -> articles -> analyses (workers) -> site model -> pages -> html (workers)
             -> search index, feeds, sitemap, machine files, static files -> site/

Every step is timed. A one-shot build (`run`) writes each file into a
temporary folder as soon as it exists, and write swaps that folder in at the
end; `build_site` (serve, tests) keeps every file in memory instead.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from archive import incremental, render, snapshot, urls, workers
from archive.analyse import analyse_range, from_row
from archive.assemble import AssembleMemo, assemble, newest_first
from archive.cache import Cache, cached_analyses
from archive.config import SiteConfig, taxonomy_dir
from archive.context import ContextMemo, Contexts
from archive.incremental import RenderMemo
from archive.keywords import Tokenizer
from archive.load import (
    LoadMemo,
    article_paths,
    file_stamp,
    join_loaded,
    load_changed,
    load_range,
    remember,
)
from archive.memory import release_memory
from archive.model import Analysis, Article, OutputFile, Site, Taxonomy
from archive.progress import ProgressBar, timed
from archive.progress import warn as say_warning
from archive.render import Page
from archive.search import build_search_index
from archive.search_incremental import SearchIndexer
from archive.search_route import route_of
from archive.segment import make_segmenter
from archive.taxonomy import Lookup, load_taxonomy, make_lookup
from archive.write import write_tree

ANALYSE_CHUNK = 100
LOAD_CHUNK = 100
Progress = Callable[[int, int], None]
Rendered = TypeVar("Rendered")
# The background search task's data: articles in site order, config, taxonomy, output root.
SearchShared = tuple[tuple[Article, ...], SiteConfig, Taxonomy, str | None]
Log = Callable[[str], None]


def build_site(
    config: SiteConfig,
    *,
    jobs: int = 1,
    progress: ProgressBar | None = None,
    steps: list[tuple[str, float, float]] | None = None,
    warn: Log | None = None,
    cache: Cache | None = None,
    memo: Memory | None = None,
) -> tuple[OutputFile, ...]:
    """Every file of the site, in memory; raises ArchiveError for bad content.

    With a Memory of the previous build (serve), unchanged article files are
    not read again and unchanged pages are not rendered again.
    """

    def render_all(pages: Sequence[Page], bar: Progress | None) -> tuple[OutputFile, ...]:
        return incremental.render_pages(pages, config, jobs, bar, memo and memo.render)

    search = (_search_files, None)
    html, index, rest = _build(config, render_all, search, jobs, progress, steps, warn, cache, memo)
    files = (*html, *index, *rest)
    paths = [f.path for f in files]
    if memo is None or paths != memo.paths:  # the same paths as last time were checked then
        urls.check_unique((path, path) for path in paths)
        if memo is not None:
            memo.paths = paths
    return files


@dataclass(slots=True)
class Memory:
    """What a long-running process (serve) keeps between builds: each part only saves
    work whose result is known to be the same (see archive.incremental)."""

    render: RenderMemo = field(default_factory=RenderMemo)
    assemble: AssembleMemo = field(default_factory=AssembleMemo)
    load: LoadMemo = field(default_factory=LoadMemo)
    contexts: ContextMemo = field(default_factory=ContextMemo)
    # The search indexer and the settings it was made for (a new one when they change).
    search: tuple[tuple[SiteConfig, Taxonomy], SearchIndexer] | None = None
    # The taxonomy files' names and bytes, and what they gave.
    taxonomy: tuple[tuple[tuple[str, bytes], ...], Taxonomy, Lookup] | None = None
    # Set by serve before a build: the article file names a file watcher saw change
    # since the last build's load (load_changed's hint); None: check every file.
    hint: frozenset[str] | None = None
    paths: list[str] = field(default_factory=list)  # of the last build's files, in order
    # Set by serve before a build: the pages open in a browser, rendered and handed
    # over before the rest of the site (see ShowFirst).
    first: ShowFirst | None = None

    def search_files(
        self, articles: Sequence[Article], config: SiteConfig, taxonomy: Taxonomy
    ) -> tuple[OutputFile, ...]:
        """build_search_index's files, updating only what changed since the last call."""
        made_for = (config, taxonomy)
        if self.search is None or self.search[0] != made_for:
            self.search = (made_for, SearchIndexer(config, taxonomy))
        indexer = self.search[1]
        files = indexer.files(articles)
        if indexer.last_update == "full":
            # A whole index build's temporary arrays are free now: hand them back before
            # analysis and rendering grow the process, or serve peaks at the sum of both.
            release_memory()
        return files


def build_into(
    config: SiteConfig,
    root: Path,
    *,
    jobs: int = 1,
    progress: ProgressBar | None = None,
    steps: list[tuple[str, float, float]] | None = None,
    warn: Log | None = None,
    cache: Cache | None = None,
    record: snapshot.Recording | None = None,
) -> tuple[str, ...]:
    """Write every file of the site below root (pages as they are rendered); their paths.

    With a Recording, every writer also streams its files into a snapshot segment.
    """
    steps = steps if steps is not None else []
    segments = record.segments if record is not None else None

    def write_all(pages: Sequence[Page], bar: Progress | None) -> tuple[str, ...]:
        urls.check_unique((p.path, p.path) for p in pages)
        return render.write_pages(pages, config, jobs, root, bar, segments)

    def noted(message: str) -> None:
        (warn or say_warning)(message)
        if record is not None:
            record.warnings.append(message)

    search = (functools.partial(_search_written, segments=segments), str(root))
    html, index, rest = _build(config, write_all, search, jobs, progress, steps, noted, cache)
    with timed("写入其他文件", steps):
        write_tree(rest, root)
        if segments is not None:
            snapshot.write_segments(segments, rest)
    paths = (*html, *index, *(f.path for f in rest))
    urls.check_unique((path, path) for path in paths)
    return paths


def _build(
    config: SiteConfig,
    render_all: Callable[[Sequence[Page], Progress | None], tuple[Rendered, ...]],
    search: tuple[Callable[[SearchShared, int, int], list[Rendered]], str | None],
    jobs: int,
    progress: ProgressBar | None,
    steps: list[tuple[str, float, float]] | None,
    warn: Log | None,
    cache: Cache | None,
    memo: Memory | None = None,
) -> tuple[tuple[Rendered, ...], tuple[Rendered, ...], tuple[OutputFile, ...]]:
    """The pages as render_all gives them, the search index as search[0] does, the rest.

    search is (task, root): the task runs in the background on (articles, config,
    taxonomy, root).
    """
    steps = steps if steps is not None else []
    with timed("读取分类", steps):
        taxonomy, lookup = _taxonomy(taxonomy_dir(config), memo)
    with timed("读取文章、载入词典", steps):
        hint = memo.hint if memo is not None else None
        articles, tokenizer = _load(config, taxonomy, lookup, jobs, memo and memo.load, hint)
    # The search index needs only the articles in site order, so one more process builds
    # it from here on while this one and the workers analyse, assemble and render: the
    # two do not depend on each other, and together they keep both cores busy.
    # A rebuild (memo) updates its own indexer once the site model has the order.
    task, search_root = search
    if memo is None:
        shared = (newest_first(articles), config, taxonomy, search_root)
        search_job = workers.in_background(task, shared, jobs)
        del shared
    else:
        search_job = _pending()
    with search_job as search_result:
        with timed("分析文章", steps):
            bar = progress.stage("分析文章") if progress else None
            analyses = cached_analyses(
                cache or Cache(Path(), enabled=False),
                articles,
                taxonomy,
                lambda todo: analyse_all(todo, tokenizer, jobs, bar).values(),
            )
            if progress:
                progress.done()
        with timed("组装站点", steps):
            site = assemble(articles, taxonomy, analyses, memo and memo.assemble)
        del articles, analyses
        # One per build: it also tells which cards and links are new since the last one.
        contexts = Contexts(site, config, memo and memo.contexts)
        static: tuple[OutputFile, ...] = ()
        first = memo.first if memo is not None else None
        if memo is not None and first is not None:
            memo.first = None
            with timed("先渲染打开的页面", steps):
                static = render.static_files(config.templates_dir)
                _show_first(site, config, contexts, first, memo.render, static)
        if memo is not None:  # only what changed, at once, in this process
            with timed("更新搜索索引", steps):
                search_result.set_result(list(memo.search_files(site.articles, config, taxonomy)))
        for warning in site.warnings:
            (warn or say_warning)(warning)
        with timed("规划页面", steps):
            with_search = (config.templates_dir / "search.html").is_file()
            route = _route_if_done(search_result, search_root) if with_search else None
            pages, later = _defer_search_page(
                render.plan(site, config, with_search, route, contexts=contexts)
            )
        with timed("渲染页面", steps):
            bar = progress.stage("渲染页面") if progress else None
            html = render_all(pages, bar)
            if progress:
                progress.done()
        del pages, contexts  # the page contexts are spent: free them before the index arrives
        with timed("其他文件", steps):
            rest = render.machine_files(site, config, memo and memo.contexts)
            rest += static or render.static_files(config.templates_dir)
        with timed("等待搜索索引", steps):
            index = tuple(search_result.result())
        if later:  # the search page carries the index's route, known only now
            route = route_of(index, search_root)
            html += render_all([render.with_search_route(page, route) for page in later], None)
    return html, index, rest


@dataclass(frozen=True, slots=True)
class ShowFirst:
    """Pages a browser shows, by output path, and who takes them once rendered.

    Serve writes them and reloads those browsers while the rest of the site is
    rendered: the edit is seen sooner. They are the very files the whole build
    then gives (RenderMemo keeps them), with the static files they use.
    """

    paths: frozenset[str]
    publish: Callable[[tuple[OutputFile, ...]], None]


def _show_first(
    site: Site,
    config: SiteConfig,
    contexts: Contexts,
    first: ShowFirst,
    memo: RenderMemo,
    static: tuple[OutputFile, ...],
) -> None:
    """Render the pages of `first` now and hand them over, with the static files.

    The search page waits for its index's route, so it comes with the rest.
    """
    pages = render.plan(site, config, False, contexts=contexts, only=first.paths)
    if pages:
        files = incremental.render_pages(pages, config, 1, None, memo, complete=False)
        first.publish((*files, *static))


def _taxonomy(folder: Path, memo: Memory | None) -> tuple[Taxonomy, Lookup]:
    """The taxonomy and its lookup; under serve the very same objects while its files are.

    Later memos compare the taxonomy they were made for: the same object is the
    cheapest comparison, and parsing the YAML again costs a rebuild 20 ms.
    """
    if memo is None:
        taxonomy = load_taxonomy(folder)
        return taxonomy, make_lookup(taxonomy)
    files = sorted(p for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []
    key = tuple((p.name, p.read_bytes()) for p in files)
    if memo.taxonomy is None or memo.taxonomy[0] != key:
        taxonomy = load_taxonomy(folder)
        memo.taxonomy = (key, taxonomy, make_lookup(taxonomy))
    return memo.taxonomy[1], memo.taxonomy[2]


def _route_if_done(search_result: Future, root: str | None) -> dict | None:
    """The index's route when the index is already built (a rebuild's), else None."""
    return route_of(search_result.result(), root) if search_result.done() else None


def _defer_search_page(pages: Sequence[Page]) -> tuple[tuple[Page, ...], tuple[Page, ...]]:
    """(pages to render now, the search page if it still lacks its index's route)."""
    path = urls.output_path(urls.SEARCH)
    later = tuple(p for p in pages if p.path == path and p.context["search_route"] is None)
    return (tuple(p for p in pages if p.path != path), later) if later else (tuple(pages), ())


def _load(
    config: SiteConfig,
    taxonomy: Taxonomy,
    lookup: Lookup,
    jobs: int,
    remembered: LoadMemo | None = None,
    hint: frozenset[str] | None = None,
) -> tuple[tuple[Article, ...], Tokenizer]:
    """The articles and the loaded jieba dictionary, each read while the other is.

    Worker processes parse the article files while this one loads the
    dictionary (which the analysis workers forked later inherit). With a
    LoadMemo (serve), only the files changed since the last build are read.
    """
    districts = frozenset(lookup.districts)
    if remembered is not None and remembered.files:  # a rebuild: read changed files here
        articles = load_changed(config.articles_dir, districts, _suggest(lookup), remembered, hint)
        return articles, make_segmenter(taxonomy).tokenizer
    paths = article_paths(config.articles_dir)
    stamps = {path: file_stamp(path) for path in paths} if remembered is not None else {}
    shared = (paths, districts, _suggest(lookup))
    chunk = max(LOAD_CHUNK, len(paths) // (4 * max(jobs, 1)) + 1)
    with workers.map_in_background(load_range, shared, len(paths), jobs, chunk) as gather:
        tokenizer = make_segmenter(taxonomy).tokenizer
        tokenizer.check_initialized()
        parts = gather()
    articles = join_loaded(parts)
    if remembered is not None:
        remember(remembered, districts, stamps, parts)
    return articles, tokenizer


def analyse_all(
    articles, tokenizer, jobs: int, progress: Callable[[int, int], None] | None = None
) -> dict[str, Analysis]:
    """Analyse every article, in worker processes that inherit the loaded dictionary."""
    rows = workers.map_ranges(
        analyse_range, (articles, tokenizer), len(articles), jobs, ANALYSE_CHUNK, progress
    )
    return {row[0]: from_row(row) for row in rows}


@dataclass(frozen=True, slots=True)
class _SearchSite:
    """What build_search_index reads of a Site: the articles in site order."""

    articles: tuple[Article, ...]


def _search_files(shared: SearchShared, start: int, stop: int) -> list[OutputFile]:
    """Background task: the search stage's index files."""
    ordered, config, taxonomy, _root = shared
    return list(build_search_index(_SearchSite(ordered), config, taxonomy))  # type: ignore[arg-type]


@contextmanager
def _pending() -> Iterator[Future]:
    """A search job this process does itself (a rebuild's), once the site model is there."""
    yield Future()


def _search_written(
    shared: SearchShared, start: int, stop: int, segments: str | None = None
) -> list[str]:
    """Background task: write the search index below root (and into a snapshot segment).

    The index is a good part of the site's bytes: written where it is made, it
    is never copied to the main process. Returns the paths written.
    """
    files = _search_files(shared, start, stop)
    write_tree(files, Path(shared[3] or "."))
    if segments is not None:
        snapshot.write_segments(segments, files)
    return [output.path for output in files]


def _suggest(lookup) -> Callable[[str], str]:
    return lambda name: lookup.suggest_district(name) or ""
