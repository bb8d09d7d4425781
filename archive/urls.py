"""Stage: site model names -> URLs and output paths, every rule in one place.

A *site path* is a URL relative to the site root with no leading slash:
"articles/2024-erqi-001/", "feed.xml", "" for the home page. Links in pages
are the base path plus the site path (so a project site under /<repo>/ works);
feeds, sitemap, canonical and og:url are the base URL plus the site path.
Directory-style site paths are written as <path>index.html.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import quote, urlencode

from archive.errors import ArchiveError

# Term kind -> the folder its pages live in.
FOLDERS = {
    "district": "districts",
    "programme": "programmes",
    "place": "places",
    "reporter": "reporters",
    "year": "years",
}

HOME = ""
ARTICLES = "articles/"
SEARCH = "search/"
MATRIX = "matrix/"
FEED = "feed.xml"
SITEMAP = "sitemap.xml"
ROBOTS = "robots.txt"
NOJEKYLL = ".nojekyll"
DATA = "data/articles.json"
NOT_FOUND = "404.html"
STATIC = "static/"


def article(article_id: str) -> str:
    """The permanent page of one article."""
    return f"articles/{article_id}/"


def term(kind: str, slug: str) -> str:
    """The page of a district, programme, place, reporter or year."""
    return f"{FOLDERS[kind]}/{slug}/"


def term_feed(kind: str, slug: str) -> str:
    """The Atom feed of a district or programme."""
    return f"{FOLDERS[kind]}/{slug}/feed.xml"


def index(kind: str) -> str:
    """The page listing every term of one kind."""
    return f"{FOLDERS[kind]}/"


def articles_page(number: int) -> str:
    """Page `number` (1-based) of the list of all articles."""
    return ARTICLES if number == 1 else f"articles/page/{number}/"


def static(name: str) -> str:
    """A stylesheet, script or icon shipped from templates/static/."""
    return STATIC + name


def search(**filters: str) -> str:
    """The search page, optionally opened with facet filters (district=…, programme=…)."""
    query = urlencode(sorted(filters.items()), quote_via=quote)
    return f"{SEARCH}?{query}" if query else SEARCH


def href(base_path: str, path: str) -> str:
    """The root-relative link to a site path: base path included, for pages at any depth."""
    return base_path + path


def absolute(base_url: str, path: str) -> str:
    """The absolute URL of a site path, for feeds, sitemap, canonical and og:url."""
    return base_url + path


def output_path(path: str) -> str:
    """The file below site/ that serves a site path."""
    return path + "index.html" if path == "" or path.endswith("/") else path


def check_unique(paths: Iterable[tuple[str, str]]) -> None:
    """Raise when two outputs (path, what made it) would land on one file."""
    seen: dict[str, str] = {}
    errors = []
    for path, origin in paths:
        if path in seen:
            errors.append(f"{path} is made by both {seen[path]} and {origin}")
        else:
            seen[path] = origin
    if errors:
        raise ArchiveError("两个输出文件落在同一路径上：" + "; ".join(errors[:5]))
