"""Stage: page text -> date. The page's date from --date, else the year its text supports.

Pages carry no printed date, so the year is inferred from what the text says,
never more precisely than it supports:
- an event year (`2023年8月，…`, `2024年度…方案`) means the page is that year or later;
- a `YYYY年度…考核/考评/评价结果` is published the following year, so year + 1;
- years a plan looks forward to (`力争2024年底`, `到2025年`) are not evidence of the
  page's year, only a fallback when nothing else names a year.
The page's year is the latest lower bound.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from archive.errors import ArchiveError
from archive.model import DATE_PATTERN

_YEAR = re.compile(r"((?:19|20)\d{2})\s*年(度)?")
_SENTENCE = re.compile(r"[^。！？!?\n]+")
_RESULT = re.compile(r"考核|考评|评价|评估|表彰|通报|结果|排名|评选|获评|评比|总结")
_PLAN_BEFORE = re.compile(r"力争|计划|预计|争取|确保|目标|规划|到|至|于")
_PLAN_AFTER = re.compile(r"^(?:底前|前|将|要|以前|之前|目标)")
_RESULT_WINDOW = 30
_PLAN_WINDOW = 6


@dataclass(frozen=True, slots=True)
class DateGuess:
    """The page's date and how it was found (shown in warnings)."""

    date: str | None
    reason: str


def check_date(value: str) -> str:
    """A --date value, validated: YYYY, YYYY-MM or YYYY-MM-DD."""
    if not DATE_PATTERN.match(value):
        raise ArchiveError(f"--date {value!r} 格式不对：应为 YYYY、YYYY-MM 或 YYYY-MM-DD")
    return value


# A page header line that is nothing but a date: 2024年6月7日 星期五.
_PRINTED = re.compile(
    r"^\s*((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*(?:星期.|周.)?\s*$", re.M
)


def is_date_line(text: str) -> bool:
    """A line that only prints a date (a page header), not a headline."""
    return bool(_PRINTED.match(text))


def infer_date(text: str) -> DateGuess:
    """The page's printed date (a line of its own), else the latest year the text supports."""
    printed = _PRINTED.search(text)
    if printed:
        year, month, day = (int(group) for group in printed.groups())
        value = f"{year:04d}-{month:02d}-{day:02d}"
        if DATE_PATTERN.match(value):
            return DateGuess(value, "页面印有日期")
    lower: list[int] = []
    planned: list[int] = []
    for sentence in _SENTENCE.findall(text):
        for match in _YEAR.finditer(sentence):
            year = int(match.group(1))
            if match.group(2) and _RESULT.search(
                sentence[match.end() : match.end() + _RESULT_WINDOW]
            ):
                lower.append(year + 1)
            elif _planned(sentence, match):
                planned.append(year)
            else:
                lower.append(year)
    if lower:
        return DateGuess(str(max(lower)), "正文提到的年份")
    if planned:
        return DateGuess(str(min(planned)), "只有计划年份，取最早的一个")
    return DateGuess(None, "正文没有提到年份")


def _planned(sentence: str, match: re.Match[str]) -> bool:
    before = sentence[max(0, match.start() - _PLAN_WINDOW) : match.start()]
    after = sentence[match.end() :]
    return bool(_PLAN_BEFORE.search(before) or _PLAN_AFTER.match(after))
