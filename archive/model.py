"""Model: the frozen dataclasses that flow between stages. No I/O here.

raw page -(importer)-> content/*.md -(load)-> Article -(assemble)-> Site
-(render, search)-> OutputFile -(write)-> site/

Objects refer to each other by id or slug, never by reference, so the model
has no cycles and can be pickled to worker processes and hashed for caching.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Article ids are permanent URLs: lower-case ASCII, digits and dashes.
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
# Dates are as precise as the source allows: YYYY, YYYY-MM or YYYY-MM-DD.
DATE_PATTERN = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")

KINDS = ("article", "photo")


@dataclass(frozen=True, slots=True)
class Source:
    """Where an imported article came from: a raw page file and its item number (1-based)."""

    page: str
    item: int


@dataclass(frozen=True, slots=True)
class Article:
    """One article as stored in content/articles/<id>.md, validated.

    The closed set of front-matter keys is ARTICLE_KEYS below; `body` is the
    Markdown after the front matter; `path` and `body_line` let later stages
    name the file and line of a problem.
    """

    id: str
    title: str
    date: str
    body: str
    kind: str = "article"
    title_generated: bool = False
    kicker: str = ""
    subtitle: str = ""
    districts: tuple[str, ...] = ()
    programmes: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    reporters: tuple[str, ...] = ()
    correspondents: tuple[str, ...] = ()
    photographers: tuple[str, ...] = ()
    source: Source | None = None
    aliases: tuple[str, ...] = ()
    path: str = ""
    body_line: int = 1

    @property
    def year(self) -> str:
        """The four-digit year every article date starts with."""
        return self.date[:4]


# Front-matter keys in the order the importer writes them. `aliases` holds
# earlier ids of the article: each keeps a redirect page at its old URL.
ARTICLE_KEYS: tuple[str, ...] = (
    "id",
    "title",
    "title_generated",
    "kicker",
    "subtitle",
    "date",
    "kind",
    "districts",
    "programmes",
    "places",
    "reporters",
    "correspondents",
    "photographers",
    "source",
    "aliases",
)
REQUIRED_KEYS: tuple[str, ...] = ("id", "title", "date")
# Keys whose value is a YAML list such as [a, b]; the rest are single values
# (`source` is the one mapping).
LIST_KEYS: tuple[str, ...] = (
    "districts",
    "programmes",
    "places",
    "reporters",
    "correspondents",
    "photographers",
    "aliases",
)


@dataclass(frozen=True, slots=True)
class District:
    """A district-level unit of the city (区, 县, 县级市 or 功能区) from districts.yaml."""

    name: str
    slug: str
    kind: str
    aliases: tuple[str, ...] = ()
    subdivisions: tuple[str, ...] = ()  # 街道 and 乡镇, official names
    communities: tuple[tuple[str, str], ...] = ()  # (社区/村 name, its 街道/乡镇)
    old_slugs: tuple[str, ...] = ()
    code: str = ""
    # Names other cities use too (高新区, 经开区): tagged only on a Zhengzhou page
    # and never right after another place name (洛阳高新区).
    generic_names: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Programme:
    """A named initiative (举措) from programmes.yaml."""

    name: str
    slug: str
    description: str = ""
    aliases: tuple[str, ...] = ()
    old_slugs: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Taxonomy:
    """The city, its districts and the known programmes."""

    city: str
    districts: tuple[District, ...]
    programmes: tuple[Programme, ...]
    source_note: str = ""
    # Other cities and their districts (洛阳, 西工区): they mark a page about elsewhere.
    elsewhere: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class OutputFile:
    """One file of the built site: its path below site/ and its bytes."""

    path: str
    data: bytes = field(repr=False)


# --- Site model: what assemble derives from the articles and the taxonomy. ---

TERM_KINDS = ("district", "programme", "place", "reporter", "year")


@dataclass(frozen=True, slots=True)
class Term:
    """A group of articles with its own page: a district, programme, place, reporter or year.

    `article_ids` are newest first. Places carry their district's slug and the
    slug of the place above them (社区 under its 街道; "" directly under the district).
    """

    kind: str
    name: str
    slug: str
    article_ids: tuple[str, ...] = ()
    description: str = ""
    known: bool = True  # False: a programme missing from programmes.yaml
    old_slugs: tuple[str, ...] = ()
    level: str = ""  # districts: 区/县/县级市/功能区; places: 街道/乡镇/社区/村
    district: str = ""
    parent: str = ""


@dataclass(frozen=True, slots=True)
class TermRef:
    """A link target: the kind, slug and display name of a term."""

    kind: str
    slug: str
    name: str


@dataclass(frozen=True, slots=True)
class Neighbours:
    """The previous (older) and next (newer) article within one programme."""

    programme: str  # programme slug
    previous: str = ""  # article id, "" at the start of the timeline
    next: str = ""


@dataclass(frozen=True, slots=True)
class KeyFigure:
    """A number pulled from an article with what it counts: `贷款 3.3亿元`."""

    label: str
    value: str
    kind: str = ""  # amount, count or percent
    article_id: str = ""


@dataclass(frozen=True, slots=True)
class Entry:
    """Everything derived for one article: summary, links, related, neighbours, figures."""

    id: str
    summary: str
    chars: int
    reading_minutes: int
    districts: tuple[TermRef, ...] = ()
    programmes: tuple[TermRef, ...] = ()
    places: tuple[TermRef, ...] = ()
    people: tuple[tuple[str, tuple[TermRef, ...]], ...] = ()  # (role label, reporters)
    related: tuple[str, ...] = ()
    neighbours: tuple[Neighbours, ...] = ()
    figures: tuple[KeyFigure, ...] = ()


@dataclass(frozen=True, slots=True)
class ProgrammeFacts:
    """A programme's cross-district view: who runs it, its timeline, figures, related ones."""

    slug: str
    districts: tuple[tuple[str, int], ...] = ()  # (district slug, article count)
    timeline: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (year, ids oldest first)
    figures: tuple[KeyFigure, ...] = ()
    related: tuple[tuple[str, int], ...] = ()  # (programme slug, shared articles)


@dataclass(frozen=True, slots=True)
class DistrictFacts:
    """A district's view: its programmes, its places as a tree, its articles by year."""

    slug: str
    programmes: tuple[tuple[str, int], ...] = ()  # (programme slug, article count)
    places: tuple[str, ...] = ()  # place slugs, each 街道/乡镇 followed by its 社区/村
    years: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (year, ids newest first)


@dataclass(frozen=True, slots=True)
class Matrix:
    """Programme × district article counts; rows and columns are slugs."""

    programmes: tuple[str, ...]
    districts: tuple[str, ...]
    counts: tuple[tuple[int, ...], ...]


@dataclass(frozen=True, slots=True)
class Site:
    """The whole site model: articles newest first, their entries, terms and cross views."""

    articles: tuple[Article, ...]
    entries: tuple[Entry, ...]  # aligned with articles
    districts: tuple[Term, ...]
    programmes: tuple[Term, ...]
    places: tuple[Term, ...]
    reporters: tuple[Term, ...]
    years: tuple[Term, ...]
    programme_facts: tuple[ProgrammeFacts, ...]  # aligned with programmes
    district_facts: tuple[DistrictFacts, ...]  # aligned with districts
    matrix: Matrix
    city: str = ""
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Analysis:
    """What one article's text yields on its own: summary, length and key figures."""

    id: str
    summary: str
    chars: int
    figures: tuple[KeyFigure, ...] = ()
    keywords: tuple[str, ...] = ()  # for related articles


@dataclass(frozen=True, slots=True)
class SearchDoc:
    """One article as the search index sees it: plain text and the facets it is filed under.

    `url` is the site path including the base path; `text` is the plain body
    text (no Markdown syntax); `people` are everyone named in the byline.
    """

    id: str
    url: str
    title: str
    date: str
    year: str
    kind: str = "article"
    districts: tuple[str, ...] = ()
    programmes: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    people: tuple[str, ...] = ()
    text: str = ""
