"""Segment: taxonomy -> a jieba tokenizer that knows the archive's names.

`make_segmenter(taxonomy)` builds a jieba.Tokenizer with every district,
street, community, programme name and alias added as a user word, so
"二七帮·易企办" or "饮马池社区" stay whole. It is memoised per taxonomy, so the
importer, the analysis and the search index of one process share one load of
jieba's dictionary; nobody changes the Tokenizer afterwards. Its cache file lives
in the user cache directory ($XDG_CACHE_HOME or ~/.cache, then
initiative-archive/), never in the repository or /tmp. jieba writes it
atomically and rebuilds it when its dictionary file is newer, so concurrent
processes and upgrades are safe; taxonomy words are added after the load and
never enter the cache.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import marshal
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from archive.jieba_import import jieba
from archive.model import Taxonomy
from archive.taxonomy import programme_key

CACHE_DIR_NAME = "initiative-archive"
JIEBA_CACHE = "jieba.cache"  # jieba's name for the cache of its default dictionary
# User words outrank the general dictionary so a name is never split.
USER_WORD_FREQ = 100_000


@dataclass(frozen=True, slots=True)
class Segmenter:
    """A jieba tokenizer with the taxonomy loaded, and the words that came from the taxonomy."""

    tokenizer: jieba.Tokenizer
    user_words: frozenset[str]

    def words(self, text: str) -> list[str]:
        """Split text into words (precise mode, no HMM guessing at unknown words)."""
        return [w for w in self.tokenizer.cut(text, HMM=False) if w.strip()]

    def search_words(self, text: str) -> list[str]:
        """Words plus their shorter parts (jieba's search mode), for an index."""
        return [w for w in self.tokenizer.cut_for_search(text, HMM=False) if w.strip()]

    def is_common_word(self, word: str) -> bool:
        """True for a word of jieba's general dictionary (一把手, 加速度), not a taxonomy name."""
        return self.word_freq(word) > 0

    def word_freq(self, word: str) -> int:
        """How common a word is in jieba's dictionary; 0 for taxonomy names and non-words."""
        return 0 if word in self.user_words else self.tokenizer.FREQ.get(word, 0)


def cache_dir() -> Path:
    """The archive's user cache dir: $XDG_CACHE_HOME (or ~/.cache)/initiative-archive."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / CACHE_DIR_NAME


# Memoised per taxonomy: a build asks for it twice (analysis, search) and `serve`
# on every rebuild; loading jieba's dictionary costs about a second each time.
# The Tokenizer is never changed after make_segmenter returns it.
@functools.lru_cache(maxsize=2)
def make_segmenter(taxonomy: Taxonomy) -> Segmenter:
    """Load jieba's dictionary (cached in the user cache dir) and add the taxonomy's names."""
    directory = cache_dir()
    directory.mkdir(parents=True, exist_ok=True)
    tokenizer = jieba.Tokenizer()
    tokenizer.tmp_dir = str(directory)
    jieba.setLogLevel(logging.WARNING)  # jieba logs every dictionary load at DEBUG
    _initialize(tokenizer, directory)
    words = frozenset(taxonomy_words(taxonomy))
    for word in sorted(words):
        tokenizer.add_word(word, freq=USER_WORD_FREQ)
    return Segmenter(tokenizer, words)


def _initialize(tokenizer: jieba.Tokenizer, directory: Path) -> None:
    """tokenizer.initialize(), with jieba's cache of its default dictionary read in one piece.

    jieba reads the cache with marshal.load on a file object, which takes about
    three times as long as marshal.loads of the same bytes (1.0 against 0.3 s
    here), on every build's critical path. The same file gives the same tables;
    a missing or unreadable one is left to jieba, which rebuilds it.
    """
    if tokenizer.dictionary == jieba.DEFAULT_DICT and not tokenizer.cache_file:
        with contextlib.suppress(OSError, EOFError, ValueError, TypeError):
            freq, total = marshal.loads((directory / JIEBA_CACHE).read_bytes())
            if isinstance(freq, dict) and isinstance(total, int):
                tokenizer.FREQ, tokenizer.total = freq, total
                tokenizer.initialized = True
                return
    tokenizer.initialize()


def taxonomy_words(taxonomy: Taxonomy) -> Iterator[str]:
    """Every name of the taxonomy a reader might type or a page might print."""
    yield taxonomy.city
    for district in taxonomy.districts:
        yield from (district.name, *district.aliases, *district.generic_names)
        yield from district.subdivisions
        yield from (name for name, _street in district.communities)
    for programme in taxonomy.programmes:
        for name in (programme.name, *programme.aliases):
            # jieba splits at middle dots and spaces, so add the parts and the joined form.
            yield programme_key(name)
            yield from (part for part in re.split(r"[\s·•・]+", name) if len(part) > 1)
