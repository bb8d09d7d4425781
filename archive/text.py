"""Stage helpers: article Markdown -> plain text, summaries, reading time and Chinese dates.

Chinese has no spaces between words, so lengths are counted in characters and
summaries end at sentence punctuation (。！？), never in the middle of a word.
"""

from __future__ import annotations

import re

SUMMARY_CHARS = 120  # a summary ends at the first sentence end at or after this many characters
SUMMARY_LIMIT = 220  # ...or, if no sentence ends by then, at the last clause mark before it
CHARS_PER_MINUTE = 400  # a common reading speed for Chinese prose

_SENTENCE_END = re.compile(r"[。！？!?](?:[”’」』）)]*)")
_CLAUSE_END = re.compile(r"[，；、,;：:]")
_MARKUP = (
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),  # images: keep the alt text
    (re.compile(r"\[([^\]]*)\]\([^)]*\)"), r"\1"),  # links: keep the text
    (re.compile(r"^\s{0,3}(?:#{1,6}\s*|>\s?|[-*+]\s+|\d+\.\s+)", re.M), ""),  # block marks
    (re.compile(r"(\*\*|__|\*|_|`)(?=\S)(.+?)(?<=\S)\1"), r"\2"),  # emphasis and code
    (re.compile(r"<[^>\n]*>"), ""),  # raw HTML tags are never text
)
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s.*$", re.M)


def plain_text(markdown: str) -> str:
    """The readable text of a Markdown body, paragraphs separated by blank lines."""
    text = markdown
    for pattern, replacement in _MARKUP:
        text = pattern.sub(replacement, text)
    return text.strip()


def char_count(text: str) -> int:
    """Characters a reader reads: everything except whitespace."""
    # str.split() cuts at the characters the regex \s matches (U+3000 among them); adding
    # up the parts' lengths is several times faster than building the text without them.
    return sum(map(len, text.split()))


def reading_minutes(chars: int) -> int:
    """Whole minutes to read `chars` characters, at least one."""
    return max(1, round(chars / CHARS_PER_MINUTE))


def prose(markdown: str) -> str:
    """The paragraphs of a Markdown body without its headings: what a summary is cut from."""
    return plain_text(_HEADING.sub("", markdown))


def summary(text: str) -> str:
    """The opening sentences of a plain text, about SUMMARY_CHARS long, ending at 。！？."""
    flat = "".join(part.strip() for part in text.split("\n"))
    if len(flat) <= SUMMARY_CHARS:
        return flat
    ends = [m.end() for m in _SENTENCE_END.finditer(flat, 0, SUMMARY_LIMIT)]
    long_enough = [end for end in ends if end >= SUMMARY_CHARS]
    if long_enough:
        return flat[: long_enough[0]]
    if ends:
        return flat[: ends[-1]]
    return _clause(flat)


def _clause(flat: str) -> str:
    """No sentence ends early enough: cut at the last clause mark and add an ellipsis."""
    cut = 0
    for match in _CLAUSE_END.finditer(flat, 0, SUMMARY_LIMIT):
        cut = match.start()
    return (flat[:cut] if cut else flat[:SUMMARY_CHARS]) + "……"


def date_text(date: str) -> str:
    """2024-06-07 -> 2024年6月7日, 2024-10 -> 2024年10月, 2024 -> 2024年."""
    parts = date.split("-")
    units = ("年", "月", "日")
    return "".join(f"{int(part)}{unit}" for part, unit in zip(parts, units, strict=False))


def iso_datetime(date: str) -> str:
    """The first moment of a date as precise as known, in China time, for feeds and JSON-LD."""
    year, month, day = [*date.split("-"), "01", "01"][:3]
    return f"{year}-{month}-{day}T00:00:00+08:00"
