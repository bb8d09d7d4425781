"""Stage: Site + Jinja templates -> OutputFiles, never touching disk.

Rendering happens in two steps. `plan` turns the site model into Pages: an
output path, a template name and a context of plain data (str, int, bool,
None, lists and dicts), plus the Markdown of an article body. `render_pages`
turns Pages into bytes, in worker processes when there are many; the result
does not depend on the number of workers. Because a Page is plain data, a
later incremental build can fingerprint (context, markdown, templates) and
skip pages whose fingerprint did not change.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Container, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

import jinja2
from markupsafe import Markup

from archive import markdown_html, snapshot, urls, workers, write
from archive.config import SiteConfig
from archive.context import ContextMemo, Contexts, articles_json
from archive.incremental import template_sources
from archive.model import Article, Entry, OutputFile, Site

CHUNK = 100  # pages per worker task: results flow back while later chunks render

Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class Page:
    """One file to render: where it goes, which template, and plain data for it."""

    path: str  # below site/, e.g. "articles/a-000001/index.html"
    template: str
    # Never changed in place once planned: a context and its parts (cards, links) are
    # shared by many pages and, in serve, by the next build (see incremental.RenderMemo).
    context: dict = field(repr=False)
    markdown: str = field(default="", repr=False)  # rendered into context["body_html"]


def plan(
    site: Site,
    config: SiteConfig,
    with_search: bool,
    search_route: dict | None = None,
    memo: ContextMemo | None = None,
    *,
    contexts: Contexts | None = None,
    only: Container[str] | None = None,
) -> tuple[Page, ...]:
    """Every page of the site, in a stable order; search_route (archive.search_route)
    goes into the search page, which can render without it and get it later.

    With the memo of the last build (serve), unchanged articles keep the very same
    cards and page contexts, so RenderMemo knows their pages at a glance. `only`
    limits the result to pages at those output paths, and only their contexts are
    made: serve renders the pages open in a browser first. Both calls of one build
    share its Contexts (made once per site: it tells what changed since the last build).
    """
    contexts = contexts or Contexts(site, config, memo)
    wanted = (lambda _path: True) if only is None else only.__contains__
    head: list[Spec] = [(urls.output_path(urls.HOME), "home.html", contexts.home)]
    tail: list[Spec] = [
        *_term_specs(contexts),
        *_list_specs(site, config, contexts),
        (urls.output_path(urls.MATRIX), "matrix.html", contexts.matrix),
        (urls.NOT_FOUND, "404.html", contexts.not_found),
    ]
    if with_search:
        search = functools.partial(contexts.search, search_route)
        tail.append((urls.output_path(urls.SEARCH), "search.html", search))
    tail += _feed_specs(contexts)
    if wanted(urls.SITEMAP):
        listed = _sitemap_paths([*head, *_article_specs(site), *tail])
        tail.append((urls.SITEMAP, "sitemap.xml", lambda: contexts.sitemap(listed)))
    redirects = [(urls.output_path(old), "redirect.html", c) for old, c in contexts.redirects()]
    return (
        *_made(head, wanted),
        *contexts.article_pages(_article_page, only),
        *_made(tail, wanted),
        *(Page(path, template, c) for path, template, c in redirects if wanted(path)),
    )


# A page before its context is made: output path, template, the function that makes it.
Spec = tuple[str, str, Callable[[], dict]]


def _made(specs: Iterable[Spec], wanted: Callable[[str], bool]) -> Iterator[Page]:
    for path, template, context in specs:
        if wanted(path):
            yield Page(path, template, context())


def with_search_route(page: Page, search_route: dict) -> Page:
    """The search page of plan() with the route of the index it searches."""
    return replace(page, context={**page.context, "search_route": search_route})


def _article_page(article: Article, entry: Entry, context: dict) -> Page:
    path = urls.output_path(urls.article(article.id))
    return Page(path, "article.html", context, article.body)


def _article_specs(site: Site) -> Iterator[Spec]:
    """Where the article pages go (for the sitemap, which lists paths only)."""
    for article in site.articles:
        yield urls.output_path(urls.article(article.id)), "article.html", dict


def _term_specs(contexts: Contexts) -> Iterator[Spec]:
    for kind, template in (
        ("district", "district.html"),
        ("programme", "programme.html"),
        ("place", "term.html"),
        ("reporter", "term.html"),
        ("year", "term.html"),
    ):
        index = functools.partial(contexts.term_index, kind)
        yield urls.output_path(urls.index(kind)), "terms.html", index
        for position, term in enumerate(contexts.terms(kind)):
            path = urls.output_path(urls.term(kind, term.slug))
            yield path, template, functools.partial(contexts.term_page, kind, position)


def _list_specs(site: Site, config: SiteConfig, contexts: Contexts) -> Iterator[Spec]:
    size = max(1, config.page_size)
    count = max(1, -(-len(site.articles) // size))
    for number in range(1, count + 1):
        path = urls.output_path(urls.articles_page(number))
        yield path, "articles.html", functools.partial(contexts.articles_page, number, count, size)


def _feed_specs(contexts: Contexts) -> Iterator[Spec]:
    yield urls.FEED, "feed.xml", functools.partial(contexts.feed, None, 0)
    for kind in ("district", "programme"):
        for position, term in enumerate(contexts.terms(kind)):
            made = functools.partial(contexts.feed, kind, position)
            yield urls.term_feed(kind, term.slug), "feed.xml", made


def _sitemap_paths(specs: Sequence[Spec]) -> list[str]:
    """Site paths of every HTML page a search engine should index."""
    skip = {"404.html", "redirect.html"}
    return [
        path.removesuffix("index.html")
        for path, template, _context in specs
        if path.endswith(".html") and template not in skip
    ]


def machine_files(
    site: Site, config: SiteConfig, memo: ContextMemo | None = None
) -> tuple[OutputFile, ...]:
    """robots.txt, .nojekyll and the JSON export of all article metadata."""
    robots = f"User-agent: *\nAllow: /\nSitemap: {urls.absolute(config.base_url, urls.SITEMAP)}\n"
    return (
        OutputFile(urls.ROBOTS, robots.encode()),
        OutputFile(urls.NOJEKYLL, b""),
        OutputFile(urls.DATA, articles_json(site, config, memo)),
    )


def static_files(templates_dir: Path) -> tuple[OutputFile, ...]:
    """Everything in templates/static/, copied byte for byte under static/."""
    root = templates_dir / "static"
    files = sorted(p for p in root.rglob("*") if p.is_file())
    return tuple(
        OutputFile(urls.static(p.relative_to(root).as_posix()), p.read_bytes()) for p in files
    )


# --- rendering ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Renderer:
    """A Jinja environment and a Markdown converter for one site."""

    env: PlainDataEnvironment
    markdown: object

    def render(self, page: Page, common: dict) -> OutputFile:
        """One page -> its bytes."""
        context = {**common, **page.context}
        if page.markdown:
            context["body_html"] = markdown_html.to_html(self.markdown, page.markdown)
        text = self.env.get_template(page.template).render(context)
        return OutputFile(page.path, text.encode("utf-8"))


class PlainDataEnvironment(jinja2.Environment):
    """Jinja for contexts of plain dicts: `card.title` looks up the key first.

    Jinja's default tries the attribute first and takes the key after an
    AttributeError; with dict contexts that exception is raised on almost every
    lookup (and `group.items` would find dict.items instead of the key).
    """

    def __init__(self, **options: object) -> None:
        super().__init__(**options)  # type: ignore[arg-type]
        # The card_html filter's memo: (href, with summary) -> (card, its list item),
        # kept while every template's source is card_sources (see _fresh_cards).
        self.card_items: dict[tuple[str, bool], tuple[dict, Markup]] = {}
        self.card_sources: dict[str, str] = {}

    def getattr(self, obj: object, attribute: str) -> object:
        """obj[attribute] for a dict that has the key, else Jinja's usual lookup."""
        if type(obj) is dict and attribute in obj:
            return obj[attribute]
        return super().getattr(obj, attribute)


@jinja2.pass_environment
def card_html(env: PlainDataEnvironment, card: dict, with_summary: bool = False) -> Markup:
    """The macro card_item(card, with_summary) of macros.html, rendered once per card.

    An article's card is listed by the pages of its related articles, its terms
    and the article lists, about ten pages: a macro call costs more than the rest
    of a card's line, so each worker renders a card once and reuses the markup
    for as long as it sees the same card (the same dict, or an equal one).
    """
    key = (card["href"], bool(with_summary))
    known = env.card_items.get(key)
    if known is not None and (known[0] is card or known[0] == card):
        return known[1]
    html = env.get_template("macros.html").module.card_item(card, with_summary)  # type: ignore[attr-defined]
    env.card_items[key] = (card, html)
    return html


@contextmanager
def _fresh_cards(env: PlainDataEnvironment) -> Iterator[None]:
    """Start a render call with only the cards remembered from the very same templates.

    Templates can change between two calls of a long-running process (serve), and
    their cards with them; within one call they do not. A serve rebuild renders a
    few pages here that list hundreds of unchanged cards: while no template's
    source changed, those cards' markup is reused (workers fork with it too).
    """
    sources = template_sources(env)
    if sources != env.card_sources:
        env.card_items.clear()
        env.card_sources = sources
    yield


@functools.cache
def renderer(templates_dir: str, base_path: str) -> Renderer:
    """The renderer of a process: built once, reused for every chunk it renders."""
    env = PlainDataEnvironment(
        loader=jinja2.FileSystemLoader(templates_dir),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["card_html"] = card_html
    return Renderer(env, markdown_html.converter(base_path))


def _render_range(
    shared: tuple[Sequence[Page], str, str, dict], start: int, stop: int
) -> list[OutputFile]:
    """Worker task: render pages[start:stop] with this process's renderer."""
    pages, templates_dir, base_path, common = shared
    active = renderer(templates_dir, base_path)
    return [active.render(page, common) for page in pages[start:stop]]


def render_pages(
    pages: Sequence[Page],
    config: SiteConfig,
    jobs: int,
    progress: Progress | None = None,
) -> tuple[OutputFile, ...]:
    """Render every page, in `jobs` worker processes when that pays; order is kept."""
    shared = (pages, str(config.templates_dir), config.base_path, Contexts.common(config))
    with _fresh_cards(renderer(str(config.templates_dir), config.base_path).env):
        files = workers.map_ranges(_render_range, shared, len(pages), jobs, CHUNK, progress)
    return tuple(files)


def _write_range(
    shared: tuple[Sequence[Page], str, str, dict, str, str | None], start: int, stop: int
) -> list[str]:
    """Worker task: render pages[start:stop] and write them below the root folder.

    With a segments folder, the same files go into one snapshot segment (archive.snapshot).
    """
    pages, templates_dir, base_path, common, root, segments = shared
    active = renderer(templates_dir, base_path)
    files = [active.render(page, common) for page in pages[start:stop]]
    write.write_tree(files, Path(root))
    if segments is not None:
        snapshot.write_segments(segments, files)
    return [output.path for output in files]


def write_pages(
    pages: Sequence[Page],
    config: SiteConfig,
    jobs: int,
    root: Path,
    progress: Progress | None = None,
    segments: str | None = None,
) -> tuple[str, ...]:
    """Render every page straight into files below root; the paths written, in page order.

    The workers write what they render, so the bytes of the site never travel
    between processes nor pile up in one: the same files as render_pages gives.
    """
    shared = (
        pages,
        str(config.templates_dir),
        config.base_path,
        Contexts.common(config),
        str(root),
        segments,
    )
    with _fresh_cards(renderer(str(config.templates_dir), config.base_path).env):
        written = workers.map_ranges(_write_range, shared, len(pages), jobs, CHUNK, progress)
    return tuple(written)
