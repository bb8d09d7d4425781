"""Slugs: a Chinese taxonomy name -> an ASCII pinyin slug, computed once per new term.

Slugs are stored in the taxonomy files and never recomputed on the build's hot
path (transliterating there doubled a Pelican build, pelican#1172). Run this
when a term is added, then keep the stored slug: it is a permanent URL.
"""

from __future__ import annotations

import re
import unicodedata

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
# Administrative suffixes that form their own slug part after a joined stem,
# so 二七区 -> erqi-qu and 郑东新区 -> zhengdong-xinqu (the URLs of the design).
DISTRICT_SUFFIXES = (
    ("回族区", "huizu-qu"),
    ("新区", "xinqu"),
    ("区", "qu"),
    ("县", "xian"),
    ("市", "shi"),
)


def slugify(name: str) -> str:
    """Name -> a pinyin syllable per character, ASCII kept: 一把手 -> yi-ba-shou."""
    # Imported here: pypinyin's tables take a fifth of a second to load, and a
    # build whose terms all have stored slugs never needs them.
    from pypinyin import Style, lazy_pinyin

    parts = lazy_pinyin(
        unicodedata.normalize("NFKC", name), style=Style.NORMAL, errors=_ascii_parts, v_to_u=False
    )
    words = [re.sub(r"[^a-z0-9]+", "-", part.lower()).strip("-") for part in parts]
    slug = "-".join(word for word in words if word)
    return re.sub(r"-{2,}", "-", slug)


def district_slug(name: str) -> str:
    """District name -> joined stem, then its suffix: 管城回族区 -> guancheng-huizu-qu."""
    for suffix, suffix_slug in DISTRICT_SUFFIXES:
        # A one-character stem keeps 新 with it: 高新区 -> gaoxin-qu, not gao-xinqu.
        if name.endswith(suffix) and len(name) - len(suffix) >= (2 if suffix == "新区" else 1):
            return f"{_joined(name[: -len(suffix)])}-{suffix_slug}"
    return _joined(name)


def is_slug(text: str) -> bool:
    """True when text is a valid slug: lower-case ASCII words joined by single dashes."""
    return bool(SLUG_PATTERN.match(text))


def _joined(name: str) -> str:
    return slugify(name).replace("-", "")


def _ascii_parts(text: str) -> list[str]:
    # Digits and Latin letters stay as they are ("12345优商攻坚行动" -> 12345-you-...).
    return [text]
