"""Record: the normalised dataclasses the importer's stages pass along (no I/O).

decode -> text -> clean -> Line -> split -> Item -> (titles, bylines, dates, tags)
-> Record -> emit -> content/articles/<id>.md
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Line:
    """One logical line of a page after line repair: a paragraph, heading or byline candidate.

    `level` is the Markdown heading level the page printed (`#` -> 1) or 0;
    `gap` counts the blank lines before it; `source_line` is its first raw line.
    """

    text: str
    level: int = 0
    gap: int = 0
    source_line: int = 1


@dataclass(frozen=True, slots=True)
class Byline:
    """The people a byline names, by role; `text` is the byline as printed."""

    reporters: tuple[str, ...] = ()
    correspondents: tuple[str, ...] = ()
    photographers: tuple[str, ...] = ()
    text: str = ""

    def merge(self, other: Byline) -> Byline:
        """Both bylines' names, each role keeping first-seen order."""
        return Byline(
            reporters=_union(self.reporters, other.reporters),
            correspondents=_union(self.correspondents, other.correspondents),
            photographers=_union(self.photographers, other.photographers),
            text=" ".join(t for t in (self.text, other.text) if t),
        )

    @property
    def names(self) -> tuple[str, ...]:
        """Everyone named, once each."""
        return _union(_union(self.reporters, self.correspondents), self.photographers)


def _union(first: tuple[str, ...], second: tuple[str, ...]) -> tuple[str, ...]:
    return first + tuple(name for name in second if name not in first)


# Body block kinds: a paragraph, a section heading (## in Markdown), a picture caption.
PARAGRAPH, HEADING, CAPTION = "paragraph", "heading", "caption"


@dataclass(frozen=True, slots=True)
class Block:
    """One block of an article body."""

    kind: str
    text: str


@dataclass(frozen=True, slots=True)
class Item:
    """One article or stand-alone picture item cut from a page, before naming and tagging.

    `headings` are the headline lines printed above it, in page order;
    `kind` is "article" or "photo".
    """

    kind: str
    headings: tuple[str, ...]
    heading_levels: tuple[int, ...]
    blocks: tuple[Block, ...]
    byline: Byline
    source_line: int = 1


@dataclass(frozen=True, slots=True)
class Headline:
    """The headline lines of an item, by role."""

    title: str
    kicker: str = ""
    subtitle: str = ""
    generated: bool = False


@dataclass(frozen=True, slots=True)
class Record:
    """Everything one article file holds: what emit writes."""

    id: str
    headline: Headline
    date: str
    kind: str
    body: str
    districts: tuple[str, ...]
    programmes: tuple[str, ...]
    places: tuple[str, ...]
    byline: Byline
    page: str
    item: int


@dataclass(frozen=True, slots=True)
class PageResult:
    """A page's items once imported, with the warnings and new programmes found on it."""

    page: str
    page_sha256: str
    raw: bytes
    records: tuple[Record, ...]
    proposed: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
