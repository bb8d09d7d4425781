"""Search query: index files + query string -> ranked documents and facet counts.

A JavaScript-free reference of templates/static/search.js, step for step, so
the index format and the query logic can be tested against substring truth
without a browser. A query is split at whitespace into terms; each term is a
phrase (normalised like the documents) and every term must match.
"""

from __future__ import annotations

import bisect
import gzip
import itertools
import json
import math
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

from archive.search_index import (
    ANCHOR_CHARS,
    FACETS,
    SEARCH_DIR,
    bucket_names,
    bucket_of,
    normalise,
)

K1 = 1.2
B = 0.75
# BM25 of a phrase in the body stays below idf * (K1 + 1) = 2.2 idf, so a title
# hit (3 idf) outranks any body-only hit and a tag hit (6 idf) outranks title +
# body: a programme name typed exactly lists that programme's articles first.
TITLE_BOOST = 3.0
TAG_BOOST = 6.0
WORD_BOOST = 1.0
_SPLIT = re.compile(r"[\s\u200b\ufeff]+")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]")


def parse_terms(query: str) -> tuple[str, ...]:
    """The query's terms: whitespace-separated, normalised, without repeats."""
    parts = _SPLIT.split(unicodedata.normalize("NFKC", query))
    return tuple(dict.fromkeys(t for t in map(normalise, parts) if t))


def too_short(term: str) -> bool:
    """A single letter, digit or sign finds nearly everything; one Chinese character does not."""
    return len(term) == 1 and not _CJK.match(term)


def read_varints(data: bytes, start: int = 0, end: int | None = None) -> Iterator[int]:
    """Unsigned LEB128 varints from data[start:end]."""
    end = len(data) if end is None else end
    value, shift = 0, 0
    for i in range(start, end):
        byte = data[i]
        value |= (byte & 0x7F) << shift
        if byte & 0x80:
            shift += 7
        else:
            yield value
            value, shift = 0, 0


def unframe(data: bytes) -> tuple[object, bytes]:
    """Undo search_index._framed: (header, binary body); gunzip first if needed."""
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    size = int.from_bytes(data[:4], "little")
    return json.loads(data[4 : 4 + size]), data[4 + size :]


@dataclass(frozen=True, slots=True)
class Hit:
    """How often a term occurs in one document, by field."""

    title: int = 0
    tags: int = 0
    body: int = 0


@dataclass(frozen=True, slots=True)
class DocInfo:
    """One document's record of the meta table."""

    year: int
    kind: int
    slots: int  # length of the positioned text in ALIGN slots
    districts: tuple[int, ...]
    programmes: tuple[int, ...]

    def facet(self, name: str) -> tuple[int, ...]:
        """The value indices of one facet."""
        return {
            "district": self.districts,
            "programme": self.programmes,
            "year": (self.year,),
            "kind": (self.kind,),
        }[name]


@dataclass(frozen=True, slots=True)
class Outcome:
    """The answer to one query: a state, ranked document numbers and facet counts."""

    state: str  # "results", "none", "short" or "empty"
    docs: tuple[int, ...] = ()
    facets: Mapping[str, tuple[tuple[str, int], ...]] = field(default_factory=dict)


def parse_docs(body: bytes, count: int, sizes: tuple[int, int]) -> tuple[DocInfo, ...]:
    """The per-document table of meta.bin (varint columns, see search_index.doc_table);
    `sizes` are the numbers of districts and programmes."""
    values = read_varints(body)
    years, kinds, slots = ([next(values) for _ in range(count)] for _ in range(3))
    lists: list[list[list[int]]] = []
    for size in sizes:
        by_doc: list[list[int]] = [[] for _ in range(count)]
        for value in range(size):
            doc = 0
            for _ in range(next(values)):
                doc += next(values)
                by_doc[doc].append(value)
        lists.append(by_doc)
    return tuple(map(DocInfo, years, kinds, slots, *(map(tuple, by_doc) for by_doc in lists)))


class SearchIndex:
    """The index as the browser sees it: files fetched by path, parsed lazily."""

    def __init__(self, read: Callable[[str], bytes]) -> None:
        self._read = read
        self.fetched: list[str] = []
        header, body = unframe(self.fetch("meta.bin"))
        self.header: dict = header  # type: ignore[assignment]
        self.count: int = self.header["count"]
        sizes = (len(self.header["facets"]["district"]), len(self.header["facets"]["programme"]))
        self.docs = parse_docs(body, self.count, sizes)
        align = self.header["align"]
        self.starts = list(itertools.accumulate((d.slots * align for d in self.docs), initial=0))
        self._files: dict[str, tuple[dict[str, list[list[int]]], bytes]] = {}

    def fetch(self, name: str) -> bytes:
        """One file below search/, remembered for byte counts."""
        self.fetched.append(name)
        return self._read(SEARCH_DIR + name)

    def files_for(self, key: str) -> list[str]:
        """The files of the bucket that holds `key`, if the index has it."""
        bucket = bucket_of(key, self.header["buckets"])
        return bucket_names(bucket, self.header["parts"].get(str(bucket), 1))

    def _shard(self, name: str) -> tuple[dict[str, list[list[int]]], bytes]:
        if name not in self._files:
            header, body = unframe(self.fetch(name))
            entries: dict[str, list[list[int]]] = {}
            offset = 0
            for key, length, count, *base in header:  # type: ignore[misc]
                entries.setdefault(key, []).append([offset, length, count, base[0] if base else 0])
                offset += length
            self._files[name] = (entries, body)
        return self._files[name]

    def _parts(self, key: str) -> Iterator[tuple[bytes, int, int, int, int]]:
        for name in self.files_for(key):
            entries, body = self._shard(name)
            for offset, length, count, base in entries.get(key, ()):
                yield body, offset, offset + length, count, base

    def values(self, key: str) -> list[int]:
        """A sorted key's values (documents of a character, positions of a bigram)."""
        out = []
        for body, start, end, _, base in self._parts(key):
            value = base
            for delta in read_varints(body, start, end):
                value += delta
                out.append(value)
        return out

    def counts(self, key: str) -> dict[int, int]:
        """Doc -> value for a character or word key ([doc delta, value] pairs)."""
        out = {}
        for body, start, end, _, base in self._parts(key):
            values, doc = read_varints(body, start, end), base
            for delta in values:
                doc += delta
                out[doc] = next(values)
        return out

    def match(self, term: str) -> dict[int, Hit]:
        """Every document containing the term, with its hits by field."""
        if len(term) == 1:
            return {doc: Hit(body=1) for doc in self.values("c" + term)}
        if len(term) == 2:
            return {
                doc: Hit(title=hit & 1, tags=hit >> 1 & 1, body=hit >> 2)
                for doc, hit in self.counts("b" + term).items()
            }
        lists = [(off, self.values("t" + term[off : off + 3])) for off in cover(len(term))]
        lists.sort(key=lambda item: len(item[1]))
        starts = [p - lists[0][0] for p in lists[0][1]]
        for off, positions in lists[1:]:
            shifted = {p - off for p in positions}
            starts = [p for p in starts if p in shifted]
        return self._by_doc(starts)

    def _by_doc(self, starts: list[int]) -> dict[int, Hit]:
        """Match start positions (sorted) -> hits per document and field."""
        tag_base, body_base = self.header["tag_base"], self.header["body_base"]
        fields: dict[int, list[int]] = {}
        for p in starts:
            doc = bisect.bisect_right(self.starts, p) - 1
            at = p - self.starts[doc]
            counts = fields.setdefault(doc, [0, 0, 0])
            counts[0 if at < tag_base else 1 if at < body_base else 2] += 1
        return {doc: Hit(*counts) for doc, counts in fields.items()}

    def idf(self, df: int) -> float:
        """BM25 inverse document frequency."""
        return math.log(1 + (self.count - df + 0.5) / (df + 0.5))

    def score(self, doc: int, hit: Hit, df: int, word: int, word_df: int) -> float:
        """BM25 of the phrase in the body, boosts for title, tags and a jieba word."""
        idf = self.idf(df)
        length = max(1, self.docs[doc].slots * self.header["align"] - self.header["body_base"])
        norm = 1 - B + B * length / self.header["avg_length"]
        score = idf * hit.body * (K1 + 1) / (hit.body + K1 * norm)
        if hit.title:
            score += TITLE_BOOST * idf
        if hit.tags:
            score += TAG_BOOST * idf
        if word:
            score += WORD_BOOST * self.idf(word_df) * word / (word + 2)
        return score

    def passes(self, doc: int, filters: Mapping[str, str]) -> bool:
        """True when the document has every filtered facet value."""
        for facet, value in filters.items():
            values = self.header["facets"][facet]
            if value not in values or values.index(value) not in self.docs[doc].facet(facet):
                return False
        return True

    def facet_counts(self, docs: tuple[int, ...]) -> dict[str, tuple[tuple[str, int], ...]]:
        """Per facet: (value, number of result documents), most first."""
        out = {}
        for facet in FACETS:
            names = self.header["facets"][facet]
            counts = [0] * len(names)
            for doc in docs:
                for i in self.docs[doc].facet(facet):
                    counts[i] += 1
            order = sorted(range(len(names)), key=lambda i: (-counts[i], i))
            out[facet] = tuple((names[i], counts[i]) for i in order if counts[i])
        return out

    def search(self, query: str, filters: Mapping[str, str] | None = None) -> Outcome:
        """Ranked documents matching every term and filter, with facet counts."""
        filters = {k: v for k, v in (filters or {}).items() if k in FACETS and v}
        terms = parse_terms(query)
        if not terms and not filters:
            return Outcome("empty")
        if any(too_short(t) for t in terms):
            return Outcome("short")
        scores = {doc: 0.0 for doc in range(self.count) if self.passes(doc, filters)}
        for term in terms:
            hits = self.match(term)
            words = self.counts("w" + term) if len(term) > 1 else {}
            scores = {
                doc: total + self.score(doc, hits[doc], len(hits), words.get(doc, 0), len(words))
                for doc, total in scores.items()
                if doc in hits
            }
        ranked = tuple(sorted(scores, key=lambda doc: (-scores[doc], doc)))
        return Outcome("results" if ranked else "none", ranked, self.facet_counts(ranked))


def cover(length: int) -> list[int]:
    """Offsets of the trigrams that cover a phrase of `length` >= 3 characters: 0, 3,
    6, ... and the last; the first is where the phrase's word sits in its bucket."""
    offsets = list(range(0, length - ANCHOR_CHARS + 1, ANCHOR_CHARS))
    return offsets if offsets[-1] == length - ANCHOR_CHARS else [*offsets, length - ANCHOR_CHARS]


def files_reader(files: Mapping[str, bytes]) -> Callable[[str], bytes]:
    """Read index files from an in-memory {site path: bytes} mapping."""
    return lambda path: files[path]
