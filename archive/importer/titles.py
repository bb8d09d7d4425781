"""Stage: Item -> Headline. Picks the main title, kicker and subtitle from the lines
printed above an item, or makes a short title from the lead where none is printed.

With Markdown marks the page says which line is the headline (`##`; a lone `#`
level otherwise); lines above it are kickers (a page banner becomes the first
item's kicker), lines below it subtitles. Without marks the first line is the
title and the rest its subtitle (the text alone cannot tell a kicker from a
subtitle), except in a block of three, printed as kicker / headline / subtitle
(引题 / 主题 / 副题), and a line starting with —— is always a subtitle.
"""

from __future__ import annotations

import re

from archive.importer.dates import is_date_line
from archive.importer.record import PARAGRAPH, Headline, Item

TITLE_MAX = 30
TITLE_MIN = 6
_SENTENCE = re.compile(r"^(.+?[。！？!?])")
_CLAUSE_SPLIT = re.compile(r"[，,；;：:]")
_ASIDE = re.compile(r"[（(][^（）()]*[)）]")
# Lead-in phrases of time that say nothing about the story.
_TIME_LEAD = re.compile(
    r"^(?:近日|日前|近年来|近期|目前|今年以来|今年|去年以来|连日来|近段时间|当前|此外|同时|"
    r"\d{1,2}月\d{1,2}日(?:[上下]午|晚|早)?|\d{1,2}日(?:[上下]午|晚)?)$"
)
_MAIN_LEVEL = 2
_CLASSIC_BLOCK = 3
_SUBTITLE_DASH = ("——", "—", "--")
_QUOTED = re.compile(r"“[^“”]{6,}”")


def choose_headline(item: Item) -> Headline:
    """The item's title, kicker and subtitle; a generated title when none is printed."""
    if not item.headings:
        return Headline(title=generate_title(item), generated=True)
    main = _main_index(item.heading_levels, item.headings)
    return Headline(
        title=item.headings[main],
        kicker=" ".join(item.headings[:main]),
        subtitle=" ".join(item.headings[main + 1 :]),
    )


def _main_index(levels: tuple[int, ...], headings: tuple[str, ...]) -> int:
    if _MAIN_LEVEL in levels:
        return levels.index(_MAIN_LEVEL)
    marked = [index for index, level in enumerate(levels) if level]
    if marked:
        deepest = max(levels[i] for i in marked)
        return max(i for i in marked if levels[i] == deepest)
    lines = [i for i, text in enumerate(headings) if not is_date_line(text)]
    if len(lines) >= _CLASSIC_BLOCK and not headings[lines[1]].startswith(_SUBTITLE_DASH):
        return lines[1]  # 引题 / 主题 / 副题: the middle line is the headline
    return lines[0] if lines else 0


def generate_title(item: Item) -> str:
    """A short title from the first sentence of the lead: its first clause that says something."""
    lead = next((b.text for b in item.blocks if b.kind == PARAGRAPH), "")
    if not lead:
        lead = next((b.text for b in item.blocks), "")
    sentence = _first_sentence(_ASIDE.sub("", lead))
    clauses = [c.strip() for c in _CLAUSE_SPLIT.split(sentence) if c.strip()]
    useful = [c for c in clauses if not _TIME_LEAD.match(c) and len(c) >= TITLE_MIN]
    title = useful[0] if useful else sentence
    return _shorten(title) or "无题"


def _first_sentence(text: str) -> str:
    match = _SENTENCE.match(text)
    return (match.group(1) if match else text).rstrip("。！？!?")


def _shorten(text: str) -> str:
    """At most TITLE_MAX characters, cut at a natural break where there is one."""
    text = text.strip(" “”\"'")
    if len(text) <= TITLE_MAX:
        return _balance_quotes(text)
    shorter = _without_long_quote(text)
    if len(shorter) <= TITLE_MAX:
        return shorter
    cut = text[:TITLE_MAX]
    if cut.count("“") > cut.count("”") and cut.rfind("“") >= TITLE_MIN * 2:
        return cut[: cut.rfind("“")] + "…"
    for mark in ("、", " ", "在"):
        at = cut.rfind(mark)
        if at >= TITLE_MIN * 2:
            cut = cut[:at]
            break
    return _balance_quotes(cut) + "…"


def _without_long_quote(text: str) -> str:
    """Drop the longest quoted name (“中国船舶七一三所2024大学生开放日活动”) from a long clause."""
    quotes = _QUOTED.findall(text)
    if not quotes:
        return text
    longest = max(quotes, key=len)
    rest = text.replace(longest, "", 1)
    return rest if len(rest) >= TITLE_MIN * 2 else text


def _balance_quotes(text: str) -> str:
    """Close a quotation the cut left open."""
    if text.count("“") > text.count("”"):
        return text + "”"
    return text
