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
