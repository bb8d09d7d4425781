"""Stage: tuple[Line] -> tuple[Item]. Cuts a repaired page into articles and
stand-alone picture items, and sorts each headline-like line into a headline,
a section heading or a picture caption.

The page's own structure decides, never its wording:
- a new item starts at a 本报讯 dateline, at headlines printed after an item
  has closed (its byline seen), and at Markdown `#`/`##` headlines;
- inside an open article, a run of short lines before a paragraph is captions
  followed by one section heading (the line the paragraph hangs from);
- a credit `本报记者 X 摄` after an article whose byline is already known
  (本报讯(记者 …)) closes a picture item made of the paragraph above it;
  after a one-paragraph item it makes that item a picture item.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from archive.importer.bylines import is_photo_credit, parse_byline, split_leading
from archive.importer.clean import is_headline_like
from archive.importer.record import CAPTION, HEADING, PARAGRAPH, Block, Byline, Item, Line

ARTICLE, PHOTO = "article", "photo"
_SECTION_LEVEL = 3
# The ornament a section heading may start with: not part of its words.
_ORNAMENT = re.compile(r"^[■●◆▲□◇○★☆◎►▶]\s*")


@dataclass(slots=True)
class _Open:
    """The item being cut (mutable while one page is split; never leaves this module)."""

    headings: list[tuple[str, int]]
    source_line: int
    blocks: list[Block] = field(default_factory=list)
    byline: Byline = field(default_factory=Byline)
    header_byline: bool = False
    kind: str = ARTICLE
    # Blank lines before the last paragraph, and the most before any earlier one.
    last_gap: int = 0
    inner_gap: int = 0

    def freeze(self) -> Item:
        return Item(
            kind=self.kind,
            headings=tuple(text for text, _ in self.headings),
            heading_levels=tuple(level for _, level in self.headings),
            blocks=tuple(self.blocks),
            byline=self.byline,
            source_line=self.source_line,
        )


def split_page(lines: tuple[Line, ...]) -> tuple[Item, ...]:
    """Cut a page's logical lines into items, in page order."""
    done: list[Item] = []
    current: _Open | None = None
    pending: list[Line] = []
    for line in lines:
        byline = parse_byline(line.text) if line.level == 0 else None
        if byline is not None:
            current = _close(done, current, pending, byline, line)
            pending = []
        elif line.level or is_headline_like(line.text):
            pending.append(line)
        else:
            current = _paragraph(done, current, pending, line)
            pending = []
    if pending:
        current = current or _Open(headings=[], source_line=pending[0].source_line)
        current.blocks.extend(Block(CAPTION, line.text) for line in pending)
    if current is not None:
        done.append(current.freeze())
    return tuple(done)


def _starts_item(current: _Open | None, pending: list[Line], dateline: bool) -> bool:
    if current is None or dateline or any(0 < p.level < _SECTION_LEVEL for p in pending):
        return True
    # Signed at its top, an article ends where a new headline starts, unless
    # the line is marked as a section heading (■ 多方参与共治理, 一、…, （一）…).
    return current.header_byline and bool(pending) and not all(_section_mark(p) for p in pending)


_SECTION_MARK = re.compile(
    r"^(?:[■●◆▲□◇○★☆◎►▶]|[一二三四五六七八九十]+、|[(（][一二三四五六七八九十\d]+[)）])"
)


def _section_mark(line: Line) -> bool:
    return line.level >= _SECTION_LEVEL or bool(_SECTION_MARK.match(line.text))


def _paragraph(done: list[Item], current: _Open | None, pending: list[Line], line: Line) -> _Open:
    text, lead_byline, dateline = split_leading(line.text)
    if _starts_item(current, pending, dateline):
        if current is not None:
            done.append(current.freeze())
        start = pending[0].source_line if pending else line.source_line
        current = _Open(headings=[(p.text, p.level) for p in pending], source_line=start)
    else:
        current.blocks.extend(_inner_heads(pending))
    if lead_byline is not None:
        current.byline = current.byline.merge(lead_byline)
        current.header_byline = True
    if text.strip():
        if any(block.kind == PARAGRAPH for block in current.blocks):
            current.inner_gap = max(current.inner_gap, current.last_gap)
        current.last_gap = line.gap
        current.blocks.append(Block(PARAGRAPH, text.strip()))
    return current


def _inner_heads(pending: list[Line]) -> list[Block]:
    """Short lines inside an article: the last is a section heading, those above it captions."""
    blocks = []
    for index, line in enumerate(pending):
        last = index == len(pending) - 1
        kind = HEADING if last or line.level >= _SECTION_LEVEL else CAPTION
        text = _ORNAMENT.sub("", line.text) if kind == HEADING else line.text
        blocks.append(Block(kind, text or line.text))
    return blocks


def _close(
    done: list[Item], current: _Open | None, pending: list[Line], byline: Byline, line: Line
) -> _Open | None:
    """A byline ends the item it signs, cuts a picture item (摄), or, printed under a
    headline before any text, opens the item it signs. Returns the item still open."""
    photo = is_photo_credit(byline)
    if not photo and (current is None or (current.header_byline and pending)):
        if current is not None:
            done.append(current.freeze())
        start = pending[0].source_line if pending else line.source_line
        headings = [(p.text, p.level) for p in pending]
        return _Open(headings=headings, source_line=start, byline=byline, header_byline=True)
    if current is None or (pending and photo):
        if current is not None:
            done.append(current.freeze())
        start = pending[0].source_line if pending else line.source_line
        current = _Open(headings=[], source_line=start)
        current.blocks.extend(Block(PARAGRAPH, p.text) for p in pending)
        pending = []
    current.blocks.extend(Block(CAPTION, p.text) for p in pending)
    if photo:
        _photo(done, current, byline)
        return None
    current.byline = current.byline.merge(byline)
    done.append(current.freeze())
    return None


def _photo(done: list[Item], current: _Open, credit: Byline) -> None:
    """Attach a 摄 credit: a picture item of its own, or the credit of a one-paragraph item."""
    paragraphs = [b for b in current.blocks if b.kind != HEADING]
    lone = len(paragraphs) == 1 and not current.header_byline
    if lone or not current.blocks:
        current.kind = PHOTO
        current.byline = current.byline.merge(credit)
        done.append(current.freeze())
        return
    if _set_apart(current) and len(current.blocks) > 1 and current.blocks[-1].kind == PARAGRAPH:
        caption = current.blocks.pop()
        done.append(current.freeze())
        done.append(
            Item(
                kind=PHOTO,
                headings=(),
                heading_levels=(),
                blocks=(Block(PARAGRAPH, caption.text),),
                byline=credit,
                source_line=current.source_line,
            )
        )
        return
    current.byline = current.byline.merge(credit)
    done.append(current.freeze())


def _set_apart(current: _Open) -> bool:
    """Is the last paragraph a picture caption of its own? Yes after an article signed at
    its top, or when more blank lines set it apart than any paragraph of the article."""
    return current.header_byline or current.last_gap > max(1, current.inner_gap)
