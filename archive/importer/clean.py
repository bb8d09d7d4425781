"""Stage: page text -> tuple[Line]. Joins lines the PDF extraction broke mid-sentence
and removes the spaces it put between Chinese characters.

A line break is a paragraph end when the line ends a sentence (。！？… or a closing
quote after one). Otherwise the break is a wrap of a printed column and the lines
join, also across blank lines, when the sentence plainly goes on: the broken line
fills the page's column width (or is long), and the next line reads as body text,
not as a headline. Short unfinished lines right after a byline or at the top are
headlines and stay alone.
"""

from __future__ import annotations

import itertools
import re
import statistics
from dataclasses import dataclass, replace

from archive.importer.bylines import DATELINE, dateline_parts, parse_byline, split_trailing
from archive.importer.record import Line

_HEADING_MARK = re.compile(r"^(#{1,6})\s+(.*)$")
_SPACES = re.compile(r"[ \t\u3000\u00a0\u2002-\u200b\u202f\u205f]+")
_TERMINAL = re.compile(r"(?:[。！？!?…；;]|[。！？!?…][”’」』）)\"'])$")
_CLAUSE_PUNCT = re.compile(r"[，,、；;：:]")
_SENTENCE_END = re.compile(r"[。！？!?]")
_LOPSIDED = 2.5
_PAIRS = (("“", "”"), ("（", "）"), ("(", ")"), ("《", "》"), ("「", "」"), ("‘", "’"))
_CONTINUATION_START = re.compile(r"^[，。、；：,.;:）)」』”’%％]")
_CJK = re.compile(
    r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef\u2018-\u201d\u2026\u2014]"
)
_WHITESPACE = re.compile(r"\s")
# A line this long that does not end a sentence cannot be a headline.
LONG_LINE = 40
_MIN_WRAPPED_SAMPLES = 4
_WIDTH_SLACK = 2.5
# A line this much narrower than the column was not wrapped: it ended on its own.
_SHORT_LINE = 0.6


@dataclass(frozen=True, slots=True)
class _Raw:
    text: str
    level: int
    gap: int
    number: int
    byline: bool
    dateline: bool
    spaced: bool = False  # the raw line started with a space


def clean_page(text: str) -> tuple[Line, ...]:
    """Repair a decoded page into logical lines: paragraphs, headlines and bylines."""
    raws = _raw_lines(text)
    width = _column_width(raws)
    blank_paragraphs = _uses_blank_paragraphs(raws)
    groups: list[list[_Raw]] = []
    after_break = after_end = True
    for index, raw in enumerate(raws):
        nxt = raws[index + 1] if index + 1 < len(raws) else None
        alone = bool(groups) and len(groups[-1]) == 1
        context = _Context(width, blank_paragraphs, after_break and alone, after_end and alone)
        if groups and not alone:  # a paragraph's earlier lines show its own column width
            local = max(visual_width(r.text) for r in groups[-1][:-1])
            context = replace(
                context,
                width=local,
                open_sentence=_open_sentence(groups[-1]),
                closed_headline=_closed_headline(groups[-1], local),
                signed=_ends_item(groups[-1]),
            )
        if groups and _joins(groups[-1][-1], raw, nxt, context):
            groups[-1].append(raw)
            continue
        if groups:
            after_break = _ends_item(groups[-1])
            after_end = after_break or _terminal(groups[-1][-1].text)
        groups.append([raw])
    return tuple(line for group in groups for line in _logical(group))


def _raw_lines(text: str) -> list[_Raw]:
    out: list[_Raw] = []
    gap = 0
    trailing_space = False
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = _SPACES.sub(" ", line).strip()
        if not stripped:
            gap += 1
            continue
        level = 0
        mark = _HEADING_MARK.match(stripped)
        if mark and mark.group(2).strip():
            level, stripped = len(mark.group(1)), mark.group(2).strip()
        byline = level == 0 and parse_byline(stripped) is not None
        dateline = bool(DATELINE.match(stripped))
        spaced = line[:1].isspace() or (trailing_space and not gap)
        trailing_space = line[-1:].isspace()
        out.append(_Raw(stripped, level, gap, number, byline, dateline, spaced))
        gap = 0
    return out


def visual_width(text: str) -> float:
    """Printed width in CJK character cells: ASCII counts half, spaces nothing."""
    wide = len(_CJK.findall(text))
    return wide + 0.5 * (len(text) - wide - len(_WHITESPACE.findall(text)))


def _plain(raw: _Raw) -> bool:
    return not (raw.level or raw.byline)


def _column_width(raws: list[_Raw]) -> float | None:
    """The width of a printed column: the median width of lines wrapped onto the next."""
    widths = [
        visual_width(a.text)
        for a, b in itertools.pairwise(raws)
        if b.gap == 0 and _plain(a) and _plain(b) and not b.dateline
    ]
    if len(widths) < _MIN_WRAPPED_SAMPLES:
        return None
    return statistics.median(widths)


def _uses_blank_paragraphs(raws: list[_Raw]) -> bool:
    """Does the page mark paragraph ends with blank lines (so a bare newline is a wrap)?"""
    after_terminal = [b.gap for a, b in itertools.pairwise(raws) if _terminal(a.text)]
    return bool(after_terminal) and sum(1 for gap in after_terminal if gap) * 2 >= len(
        after_terminal
    )


def _terminal(text: str) -> bool:
    return bool(_TERMINAL.search(text))


@dataclass(frozen=True, slots=True)
class _Context:
    """What line repair knows about the page and the line before the one it looks at.

    `after_break`: that line stands alone after a byline (or atop the page);
    `after_end`: it stands alone after a finished sentence, a byline or the page top.
    """

    width: float | None
    blank_paragraphs: bool
    after_break: bool
    after_end: bool
    open_sentence: bool = False
    closed_headline: bool = False
    signed: bool = False  # a byline wrapped onto this line has ended the paragraph


def _joins(prev: _Raw, cur: _Raw, nxt: _Raw | None, context: _Context) -> bool:
    """Does `cur` continue the sentence or paragraph that `prev` is part of?"""
    width = context.width
    if prev.level and not cur.level and _heading_goes_on(prev, cur, nxt, width):
        return True
    if cur.gap == 0 and not (prev.level or cur.level) and _byline_goes_on(prev, cur):
        return True
    if not (_plain(prev) and _plain(cur)) or cur.dateline:
        return False
    if _CONTINUATION_START.match(cur.text):
        return True  # no paragraph starts with a closing quote or a comma
    if _terminal(prev.text):
        return cur.gap == 0 and context.blank_paragraphs and not _headline_shape(cur.text)
    if context.signed or split_trailing(prev.text)[1] is not None:
        return False
    if cur.gap == 0:
        return not _stacked_headlines(prev, cur, context)
    if _tail(prev, cur, nxt, width) or _closes(prev.text, cur.text):
        return True
    if prev.dateline and not cur.byline:
        return True  # `本报讯(记者 王译博)2` / blank / `1日上午…`: a dateline opens a paragraph
    if context.closed_headline:
        return False
    if context.after_end and _headline_shape(prev.text) and is_headline_like(prev.text):
        return False  # `登封赵庄村:发展产业为基 助力乡村振兴` alone after a finished paragraph
    if _too_wide(prev, width) and context.after_end:
        # Wider than the column: a headline, unless the next line runs as wide.
        return _as_wide(cur, prev) and _body_like(cur, nxt, None)
    if context.open_sentence and (_body_like(cur, nxt, width) or _fills_column(prev, width)):
        # Mid-sentence at the column's end: what follows finishes the sentence, however short.
        return not _headline_shape(cur.text)
    return _wrapped(prev, width, context.after_break) and _body_like(cur, nxt, width)


def _too_wide(raw: _Raw, width: float | None) -> bool:
    """Wider than the column, yet short: not a line the column wrapped."""
    size = visual_width(raw.text)
    return width is not None and width + _WIDTH_SLACK < size <= LONG_LINE


def _as_wide(raw: _Raw, other: _Raw) -> bool:
    """About as wide as `other`: two lines of one column."""
    return abs(visual_width(raw.text) - visual_width(other.text)) <= _WIDTH_SLACK


# A Chinese personal name has two to four characters.
_NAME_MAX = 4


def _byline_goes_on(prev: _Raw, cur: _Raw) -> bool:
    """`…施工中。 记者 杨丽` / `萍 通讯员 蔡素芳`: a byline the column wrapped, even
    inside a name; the next line only adds names and labels to it."""
    byline = parse_byline(prev.text) if prev.byline else split_trailing(prev.text)[1]
    if byline is None or cur.byline or _SENTENCE_END.search(cur.text):
        return False
    tokens = cur.text.split()
    head = "" if cur.spaced else byline.text.split()[-1]
    if len(head + tokens[0]) > _NAME_MAX or any(len(t) > _NAME_MAX for t in tokens[1:]):
        return False
    return parse_byline(byline.text + (" " if cur.spaced else "") + cur.text) is not None


def _open_sentence(group: list[_Raw]) -> bool:
    """Running text (not a wrapped headline) whose last sentence has not ended."""
    text = _group_text(group)
    return _plain(group[-1]) and not _terminal(text) and not is_headline_like(text)


def _closed_headline(group: list[_Raw], width: float) -> bool:
    """A headline wrapped over lines whose last line stops short of the column: it has ended."""
    if group[0].level:  # a marked headline ends at the blank line after it
        return True
    text = _group_text(group)
    short = visual_width(group[-1].text) <= width - _WIDTH_SLACK
    return short and is_headline_like(text) and not _unclosed(text)


def _closes(prev: str, cur: str) -> bool:
    """`“就近办”“网上办”“掌上` / blank / `办” 便民服务中心更便民`: the next line closes
    the quote or bracket the line left open, so it is the same sentence."""
    for opening, closing in _PAIRS:
        if prev.count(opening) > prev.count(closing) and closing in cur:
            at = cur.find(opening)
            if at < 0 or cur.find(closing) < at:
                return True
    return False


def _fills_column(raw: _Raw, width: float | None) -> bool:
    """As wide as the printed column, give or take the slack of a line break."""
    size = visual_width(raw.text)
    return width is not None and abs(size - width) <= _WIDTH_SLACK


def _heading_goes_on(prev: _Raw, cur: _Raw, nxt: _Raw | None, width: float | None) -> bool:
    """A marked headline (`## …`) wrapped at the column: its next line, printed
    without a gap, is no wider and reads as a headline too."""
    if cur.gap or cur.byline or cur.dateline or _terminal(prev.text):
        return False
    if width is None or not is_headline_like(cur.text):
        return False
    if visual_width(prev.text) < _SHORT_LINE * width:  # a short headline ends on its line
        return False
    return visual_width(cur.text) <= width + _WIDTH_SLACK


# A line this short after a line that fills the column is the end of the wrapped
# sentence: no headline, heading or caption is printed in so few characters.
_TAIL_MAX = 4


def _tail(prev: _Raw, cur: _Raw, nxt: _Raw | None, width: float | None) -> bool:
    """`…优商攻` / blank / `坚行动`: a stray blank line cut the last few characters off."""
    if not _fills_column(prev, width) or visual_width(cur.text) > _TAIL_MAX:
        return False
    return not cur.byline and (nxt is None or nxt.gap > 0)


def _stacked_headlines(prev: _Raw, cur: _Raw, context: _Context) -> bool:
    """A kicker directly above its title, or a headline directly above its first
    paragraph: two lines, not one wrapped line."""
    if prev.dateline or not is_headline_like(prev.text):
        return False
    width = context.width
    if width is None:  # no printed columns: lines are paragraphs or headlines
        return is_headline_like(cur.text) or (context.after_end and not _unclosed(prev.text))
    if _unclosed(prev.text):
        return False
    narrow = visual_width(prev.text) < _SHORT_LINE * width
    wider = _too_wide(prev, width) and not _terminal(cur.text) and not _as_wide(cur, prev)
    return (context.after_break and narrow) or (context.after_end and (narrow or wider))


def _wrapped(raw: _Raw, width: float | None, after_break: bool) -> bool:
    """A line that stops mid-sentence because the column ended, not a headline."""
    size = visual_width(raw.text)
    if (
        after_break
        and size <= LONG_LINE
        and not raw.dateline
        and not _SENTENCE_END.search(raw.text)
    ):
        return _unclosed(raw.text)  # alone after a byline (or atop the page): a headline
    if size > LONG_LINE:
        return True
    if width is not None and size >= width - _WIDTH_SLACK:
        return True
    if _SENTENCE_END.search(raw.text) or _unclosed(raw.text):
        return True
    return not after_break and not _headline_shape(raw.text) and _lopsided_clauses(raw.text)


def _unclosed(text: str) -> bool:
    """An opening quote or bracket without its closing partner: the sentence goes on."""
    return any(text.count(o) > text.count(c) for o, c in _PAIRS)


def _lopsided_clauses(text: str) -> bool:
    """`会上,二七区工信局相关负责人` is a sentence cut short; a headline's clauses
    (`集体企业发展好了，村民也受益了`) are of about the same length."""
    clauses = [c for c in _CLAUSE_PUNCT.split(text) if c]
    if len(clauses) < 2:
        return False
    sizes = [visual_width(clause) for clause in clauses]
    return max(sizes) > _LOPSIDED * min(sizes)


def _body_like(raw: _Raw, nxt: _Raw | None, width: float | None) -> bool:
    """A line that reads as running text rather than a headline or caption."""
    if _terminal(raw.text) or visual_width(raw.text) > LONG_LINE:
        return True
    if nxt is not None and nxt.gap == 0 and _plain(nxt):
        return True
    return width is not None and visual_width(raw.text) >= width - _WIDTH_SLACK


def _headline_shape(text: str) -> bool:
    """Two or more clauses of two-plus characters separated by single spaces."""
    parts = text.split(" ")
    return len(parts) >= 2 and all(visual_width(part) >= 2 for part in parts)


def _ends_item(group: list[_Raw]) -> bool:
    """After a byline (own line or glued) the next short lines are a new headline."""
    last = group[-1]
    return last.byline or split_trailing(_group_text(group))[1] is not None


def _group_text(group: list[_Raw]) -> str:
    """The raw lines of one logical line, joined."""
    return _join_texts([raw.text for raw in group], [raw.spaced for raw in group])


def _join_texts(texts: list[str], spaced: list[bool] | None = None) -> str:
    out = texts[0]
    for index, text in enumerate(texts[1:], start=1):
        # Two Latin words wrapped apart keep a space, as does a byline in brackets whose
        # next line starts with a space (本报讯(记者 郭涛 通讯员 朱海鑫 / ␣李伟峰)); a
        # number broken by the wrap does not.
        latin = _latin(out[-1:]) and _latin(text[:1])
        named = bool(spaced and spaced[index]) and _in_byline(out)
        out += (" " if latin or named else "") + text
    return out


_OPEN_BYLINE = re.compile(r"[(（](?:本报)?(?:记者|通讯员|实习生)[^()（）]*$")


def _in_byline(text: str) -> bool:
    """Does the text end inside a byline: bracketed after 本报讯, on its own or glued?"""
    if _OPEN_BYLINE.search(text):
        return True
    return parse_byline(text) is not None or split_trailing(text)[1] is not None


def _latin(char: str) -> bool:
    return char.isascii() and char.isalpha()


def _logical(group: list[_Raw]) -> tuple[Line, ...]:
    """One logical line, or two when a byline is glued to the paragraph's end."""
    first = group[0]
    text = _group_text(group)
    if first.byline and len(group) == 1:
        return (Line(text=text, level=0, gap=first.gap, source_line=first.number),)
    last = group[-1].number
    text, byline = split_trailing(text) if not first.level else (text, None)
    text = _squeeze(text, first.level)
    line = Line(text=text, level=first.level, gap=first.gap, source_line=first.number)
    if byline is None:
        return (line,)
    return line, Line(text=byline.text, level=0, gap=0, source_line=last)


def _squeeze(text: str, level: int) -> str:
    """Repair spacing; the spaces inside a 本报讯(记者 …) byline separate names, so stay."""
    label, byline, rest = dateline_parts(text) if not level else ("", None, text)
    if byline is not None:
        return f"{label}({byline.text.strip('()（）')})" + squeeze_body(rest)
    return squeeze_headline(text) if is_headline_like(text, level) else squeeze_body(text)


def is_headline_like(text: str, level: int = 0) -> bool:
    """Short, unfinished, sentence-free: a headline, section heading or caption."""
    if level:
        return True
    if len(text) > 2 * LONG_LINE:  # wider than LONG_LINE even if all ASCII
        return False
    if text.endswith(("：", ":", "，", ",", "、", "；", ";")):
        return False  # 主要做法如下： leads into what follows; no headline ends so
    return visual_width(text) <= LONG_LINE and not _terminal(text) and "。" not in text


_BODY_SPACE = re.compile(r"\s+")


def squeeze_body(text: str) -> str:
    """Drop extraction spaces: any space next to a Chinese character or punctuation."""
    return _BODY_SPACE.sub(_body_space, text).strip()


def _body_space(match: re.Match[str]) -> str:
    text = match.string
    left = text[match.start() - 1] if match.start() else ""
    right = text[match.end()] if match.end() < len(text) else ""
    if not left or not right:
        return ""
    if _quoted_phrase_space(text, match.start(), match.end()):
        return " "  # “二七帮 易企办”: the space belongs to the name
    if _CJK.match(left) or _CJK.match(right):
        return ""
    return " "


_RUN_BEFORE = re.compile(r"[\u4e00-\u9fff]{2,}$")
_RUN_AFTER = re.compile(r"^[\u4e00-\u9fff]{2,}")


def _quoted_phrase_space(text: str, start: int, end: int) -> bool:
    """A space between two words of a quoted name, not one extraction put between characters."""
    head = text[:start]
    if head.count("“") <= head.count("”") or "”" not in text[end:]:
        return False
    return bool(_RUN_BEFORE.search(head) and _RUN_AFTER.match(text[end:]))


def squeeze_headline(text: str) -> str:
    """Keep the single spaces that separate a headline's clauses; drop extraction spaces."""
    tokens = text.split(" ")
    if len(tokens) > 1 and sum(visual_width(t) < 2 for t in tokens) * 2 >= len(tokens):
        return squeeze_body(text)
    out = [tokens[0]]
    for token in tokens[1:]:
        if visual_width(token) < 2 or visual_width(out[-1]) < 2 or _glues(out[-1], token):
            out[-1] += token
        else:
            out.append(token)
    return " ".join(out)


def _glues(left: str, right: str) -> bool:
    """Numbers and units split by extraction (2024 大学生) belong together."""
    return left[-1:].isdigit() or (right[:1].isdigit() and not _CJK.match(left[-1:]))
