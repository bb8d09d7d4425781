"""Stage: (date, districts) -> article id. Ids are permanent URLs, assigned once.

Scheme: `<year>-<district slug>-<nnn>`, e.g. `2024-erqi-qu-001`: the year of the
article's date, the pinyin slug of its first district from districts.yaml
(`city` when it names none) and the next free three-digit number for that
prefix. Once written, an id never changes: re-imports find it in the ledger.
"""

from __future__ import annotations

import re

from archive.model import ID_PATTERN

NO_DISTRICT = "city"
_SEQUENCE = re.compile(r"-(\d+)$")


def id_prefix(date: str, district_slug: str | None) -> str:
    """`2024-erqi-qu` from the date and the first district's slug."""
    slug = district_slug or NO_DISTRICT
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", slug):
        slug = NO_DISTRICT
    return f"{date[:4]}-{slug}"


def next_id(prefix: str, taken: set[str]) -> str:
    """The first `<prefix>-nnn` not yet taken (numbers count up from 001)."""
    used = [
        int(match.group(1))
        for existing in taken
        if existing.startswith(prefix + "-")
        and (match := _SEQUENCE.search(existing))
        and existing[: match.start()] == prefix
    ]
    number = max(used, default=0) + 1
    new = f"{prefix}-{number:03d}"
    if not ID_PATTERN.match(new):
        raise ValueError(f"bad id {new!r}")
    return new
