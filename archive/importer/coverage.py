"""Stage: (page text, records) -> lost characters. Proves that nothing was dropped.

Every Chinese character of a page must end up in some item's title, kicker,
subtitle, body or metadata; only the byline labels (本报讯, 记者, 通讯员, 摄,
文/图 …) may disappear. Counting is by multiset, so a character printed twice
must appear twice.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from archive.importer.bylines import LABEL_TEXTS

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_SPACE = re.compile(r"\s+")
_LABELS = re.compile("|".join(re.escape(label) for label in sorted(LABEL_TEXTS, key=len)[::-1]))


def han_counts(text: str) -> Counter[str]:
    """How often each Chinese character occurs in a text."""
    return Counter(_HAN.findall(text))


def lost_characters(
    page_text: str, outputs: Iterable[str], names: Iterable[str] = ()
) -> Counter[str]:
    """Chinese characters of the page (byline labels aside) that no output carries.

    `names` are the people the bylines name: kept once each in the front matter,
    they cover every place the page prints them.
    """
    # Labels are found with whitespace removed: extraction may break 本报讯 over lines.
    have = Counter[str]()
    for text in outputs:
        have.update(han_counts(text))
    text = _SPACE.sub("", page_text)
    people = sorted(set(names), key=len, reverse=True)
    # Labels and names can overlap where extraction glued them (记者 景静本报讯…);
    # either reading of the overlap is fair, so the kinder count is reported.
    counts = (
        han_counts(_drop_names(_LABELS.sub("", text), people)) - have,
        han_counts(_LABELS.sub("", _drop_names(text, people))) - have,
    )
    return min(counts, key=lambda lost: sum(lost.values()))


def _drop_names(text: str, names: list[str]) -> str:
    for name in names:
        text = text.replace(name, "")
    return text
