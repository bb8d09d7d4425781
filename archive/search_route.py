"""Search route: meta.bin -> the few facts that place an index key in its file.

The search page carries them (bucket count, buckets split over several files,
build id), so a page opened with ?q= requests its query's buckets at once,
beside meta.bin, instead of one round trip after it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from archive.model import OutputFile
from archive.search_index import SEARCH_DIR
from archive.search_query import unframe

META_PATH = SEARCH_DIR + "meta.bin"


def route(meta: bytes) -> dict:
    """{buckets, parts, build} of an index, from its meta.bin (gzipped or not)."""
    header, _body = unframe(meta)
    assert isinstance(header, dict)
    return {key: header[key] for key in ("buckets", "parts", "build")}


def route_of(index: Sequence[OutputFile | str], root: str | None) -> dict:
    """The route of an index given as its files, or as the paths written below root."""
    for item in index:
        if isinstance(item, OutputFile) and item.path == META_PATH:
            return route(item.data)
    return route((Path(root or ".") / META_PATH).read_bytes())
