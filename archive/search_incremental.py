"""Search index kept up to date: the files of build_search_index, updated per article.

A SearchIndexer remembers its last build (archive.search_index.Assembled) and,
per distinct SearchDoc, the work done for it (jieba words, field lengths and
fragment bytes; the normalised fields are made again where needed, 30 MB less
held at 10,000 articles). `files(articles)` returns exactly what build_search_index returns for
the same articles, byte for byte:

* nothing changed: the last files;
* some articles changed, while the documents keep their order, the field
  layout and their lengths in ALIGN slots (so no other document's positions
  move): only the postings of the keys those articles held before or hold now
  are rewritten, and only the buckets holding such keys are packed again;
* documents added, removed, moved by their date or changed in length, or a
  new field layout (a longer title or tag list than any before, or the
  longest gone): every bucket's postings are read back from its files and
  renumbered (the kept documents keep their order, so a document number or
  position maps to its new one: Moves), the new documents' postings merged in,
  and the buckets packed again a batch at a time; a file whose bytes come out
  the same stays the very same object. When the total size needs another
  bucket count, the renumbered units are made again and regrouped;
* otherwise (more than MAX_RENUMBERED documents new or changed at once, the
  first call): the whole index is assembled, with every unchanged article's
  words and fragments reused.

The lead wires it into serve/pipeline; see SearchIndexer for the calls.
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import json
import operator
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from isal import igzip

from archive.config import SiteConfig
from archive.model import Article, OutputFile, SearchDoc, Taxonomy
from archive.search import search_doc, title_words
from archive.search_index import (
    _SEP,
    ALIGN,
    BUCKET_RAW_BYTES,
    FRAGMENT_HEAD,
    FRAGMENT_TAIL,
    MAX_WORD_WEIGHT,
    PART_RAW_BYTES,
    SEARCH_DIR,
    Assembled,
    Layout,
    Unit,
    _date_key,
    _entry_bytes,
    _pair_units,
    _units,
    all_doc_fields,
    assemble,
    bucket_units,
    buckets_for,
    buckets_of,
    finish,
    fragment_pairs_at,
    group_units,
    pack_consumed,
    pack_groups,
    positioned_text,
    words_of,
)
from archive.search_query import read_varints

Fields = tuple[str, tuple[str, ...], str]


@dataclass(frozen=True)
class DocWork:
    """What one document costs to prepare, whatever its number: its words, the
    lengths of its title, tag list and body (which set the layout and its slots),
    and its fragments' bytes (f/<n>.json and the tail, which do not hold the number).

    The bytes are the very objects every build since hands out for the document,
    so a writer that holds the last files holds no second copy, and a whole build
    makes none.
    """

    lengths: tuple[int, int, int]  # _field_lengths
    words: Counter[str]
    head: bytes
    tail: bytes | None


def sort_key(doc: SearchDoc) -> tuple[tuple[int, ...], str]:
    """A document's place in search_index.sort_docs' order: newest first, then by id."""
    return (_date_key(doc.date), doc.id)


def _field_lengths(fields: Fields) -> tuple[int, int, int]:
    """What layout_for measures of one document, its title's and its tag list's length,
    and its body's length."""
    title, tags, body = fields
    return len(title), len(_SEP.join(tags)), len(body)


def decode_varints(data: bytes) -> np.ndarray:
    """Every unsigned LEB128 varint of data, as int64 (values below 2**35)."""
    raw = np.frombuffer(data, dtype=np.uint8)
    ends = np.flatnonzero(raw < 0x80)
    if len(ends) == len(raw):  # one byte each
        return raw.astype(np.int64)
    starts = np.concatenate(([0], ends[:-1] + 1))
    lengths = ends - starts + 1
    low = (raw & 0x7F).astype(np.int64)
    values = low[starts]
    for j in range(1, int(lengths.max())):  # the j-th bytes of the varints that have one
        has = np.flatnonzero(lengths > j)
        values[has] |= low[starts[has] + j] << (7 * j)
    return values


def unit_values(units: Sequence[Unit], pairs: bool) -> list[int]:
    """A key's values from all its parts: sorted values (positions, documents), or
    doc, value, doc, value, ... for a pair key, with documents made absolute."""
    out: list[int] = []
    for u in units:
        deltas = decode_varints(u.data).tolist() if len(u.data) > 64 else list(read_varints(u.data))
        steps = deltas[0::2] if pairs else deltas
        absolute = list(itertools.accumulate(steps, initial=u.base))[1:]
        if pairs:
            deltas[0::2] = absolute
            out += deltas
        else:
            out += absolute
    return out


def contributions(
    text: str, words: Counter[str], doc: int, start: int, layout: Layout
) -> dict[str, list[int] | tuple[int, int]]:
    """What one document adds to each key: trigram -> its global positions, bigram ->
    (doc, hit), character -> doc (as (doc, 0)), word -> (doc, weight)."""
    out: dict[str, list[int] | tuple[int, int]] = {}
    hits: dict[str, list[int]] = {}
    for i, char in enumerate(text):
        if char == _SEP:
            continue
        out.setdefault("c" + char, (doc, 0))
        pair = text[i : i + 2]
        if len(pair) < 2 or pair[1] == _SEP:
            continue
        body, tags, title = hits.setdefault("b" + pair, [0, 0, 0])
        hits["b" + pair] = [
            body + (i >= layout.body_base),
            tags | (layout.tag_base <= i < layout.body_base),
            title | (i < layout.tag_base),
        ]
        triple = text[i : i + 3]
        if len(triple) == 3 and triple[2] != _SEP:
            positions = out.setdefault("t" + triple, [])
            assert isinstance(positions, list)
            positions.append(start + i)
    for key, (body, tags, title) in hits.items():
        out[key] = (doc, body << 2 | tags << 1 | title)
    for word, weight in words.items():
        out["w" + word] = (doc, min(weight, MAX_WORD_WEIGHT))
    return out


def _varint(value: int) -> bytes:
    out = bytearray()
    while value >= 0x80:
        out.append(value & 0x7F | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def key_units(key: str, values: Sequence[int], pairs: bool, part_bytes: int) -> list[Unit]:
    """One key's units, as search_index._units (sorted values) or _pair_units (`pairs`:
    values are doc, value, doc, value, ...) make them for many keys at once: in plain
    Python for the few values most keys have, with numpy for a long list."""
    if len(values) > 64:
        array = np.array(values, dtype=np.int64)
        keys = np.zeros(len(array) // (2 if pairs else 1), dtype=np.int64)
        text = key[1:]
        if pairs:
            return _pair_units(key[0], keys, array[0::2], array[1::2], lambda _: text, part_bytes)
        return _units(key[0], keys, array, lambda _: text, part_bytes)
    units: list[Unit] = []
    data, count, part, base, prev, at = bytearray(), 0, 0, 0, 0, 0
    step = 2 if pairs else 1
    for i in range(0, len(values), step):
        encoded = _varint(values[i] - prev) + (_varint(values[i + 1]) if pairs else b"")
        if count and at // part_bytes != part:
            units.append(Unit(key, part, bytes(data), count, base))
            data, count, base = bytearray(), 0, prev
        if not count:
            part = at // part_bytes
        data += encoded
        count += step
        at += len(encoded)
        prev = values[i]
    if count:
        units.append(Unit(key, part, bytes(data), count, base))
    return units


class SearchIndexer:
    """build_search_index with memory: see the module documentation.

        indexer = SearchIndexer(config, taxonomy)       # once per serve session
        files = indexer.files(site.articles)            # every (re)build

    `files` takes the articles in any order and returns the same tuple of
    OutputFiles (paths under search/) as build_search_index(site, config,
    taxonomy); after an update, every file that was not rewritten is the very
    same object as before, so a writer can skip it (`new is old`) and write
    only the others. Not thread-safe; one indexer per site output.
    `last_update` says how the last call went ("unchanged", "incremental",
    "renumbered" or "full"), for logs and tests.
    """

    def __init__(
        self,
        config: SiteConfig,
        taxonomy: Taxonomy,
        bucket_bytes: int = BUCKET_RAW_BYTES,
        part_bytes: int = PART_RAW_BYTES,
    ) -> None:
        self._base_path = config.base_path
        self._tokenize = title_words(taxonomy)
        self._bucket_bytes, self._part_bytes = bucket_bytes, part_bytes
        self._docs: dict[str, tuple[Article, SearchDoc]] = {}
        self._sort_keys: dict[str, tuple] = {}  # id -> sort_key of its SearchDoc in _docs
        self._work: dict[SearchDoc, DocWork] = {}
        self._built: Assembled | None = None
        # Per document of the last build: title length, tag list length (what sets the layout).
        self._lengths: tuple[list[int], list[int]] = ([], [])
        self._longest = (0, 0)  # their maxima, which gave the last whole build's layout
        # The bytes of the files of the last call to _digests_of, and their sha1 digests.
        self._digests: tuple[list[bytes], list[bytes]] = ([], [])
        self.last_update = ""

    def files(self, articles: Iterable[Article]) -> tuple[OutputFile, ...]:
        """The search files for the articles (any order), as build_search_index."""
        docs = [self._search_doc(a) for a in articles]
        sort_key = self._sort_keys.__getitem__  # cached: a date key costs more than the sort
        docs.sort(key=lambda d: sort_key(d.id))  # sort_docs' order (ids are unique)
        built = self._built
        if built is not None and [d.id for d in docs] == [d.id for d in built.docs]:
            pairs = enumerate(zip(docs, built.docs, strict=True))
            changed = [n for n, (a, b) in pairs if a is not b and a != b]
            if not changed:
                self.last_update = "unchanged"
                return built.files
            updated = self._update(built, docs, changed)
            if updated is not None:
                self.last_update = "incremental"
                return self._keep(*updated)
        if built is not None:
            renumbered = self._renumber(built, docs)
            if renumbered is not None:
                self.last_update = "renumbered"
                return self._keep(*renumbered)
        self.last_update = "full"
        # The last build's documents and fragments only (their bytes are the writer's
        # too): the rest goes before the next is made, or serve held both at once.
        last = (built.docs, built.fragments) if built is not None else None
        self._built, self._digests = None, ([], [])
        del built
        fresh: dict[SearchDoc, Fields] = {}
        works = self._works(docs, fresh)
        built = assemble(  # the fields are assemble's alone: gone once the texts are laid out
            docs, _fields(docs, fresh), [w.words for w in works],
            self._fragments(docs, works, last), self._bucket_bytes, self._part_bytes,
            self._digests_of,
        )  # fmt: skip
        return self._keep(built, _lengths(works))

    # --- per document -----------------------------------------------------------

    def _search_doc(self, article: Article) -> SearchDoc:
        cached = self._docs.get(article.id)
        if cached is None or (cached[0] is not article and cached[0] != article):
            cached = (article, search_doc(article, self._base_path))
            self._docs[article.id] = cached
            self._sort_keys[article.id] = sort_key(cached[1])
        return cached[1]

    def _works(self, docs: Sequence[SearchDoc], fresh: dict[SearchDoc, Fields]) -> list[DocWork]:
        """Each document's DocWork, the missing ones normalised together (their fields
        into `fresh`, for the caller's use in this call only)."""
        missing = [d for d in dict.fromkeys(docs) if d not in self._work]
        pairs = fragment_pairs_at(missing, range(len(missing)))
        for doc, fields, (head, tail) in zip(missing, all_doc_fields(missing), pairs, strict=True):
            fresh[doc] = fields
            words = words_of(fields, self._tokenize)
            self._work[doc] = DocWork(_field_lengths(fields), words, head.data, tail and tail.data)
        return [self._work[d] for d in docs]

    @staticmethod
    def _fragments(
        docs: Sequence[SearchDoc],
        works: Sequence[DocWork],
        last: tuple[Sequence[SearchDoc], Sequence[Fragment]] | None,
    ) -> list[Fragment]:
        """fragment_pairs_at(docs, their numbers) with each document's bytes from its
        DocWork, and the very OutputFiles of the last build where a number keeps its
        document (a writer skips those without a look)."""
        last_docs, last_fragments = last or ((), ())
        kept = map(operator.is_, docs, last_docs)  # stops at the shorter
        out = []
        for n, (work, same) in enumerate(itertools.zip_longest(works, kept, fillvalue=False)):
            out.append(last_fragments[n] if same else _fragment_files(n, work))
        return out

    # --- updates ------------------------------------------------------------------

    def _update(
        self, built: Assembled, docs: list[SearchDoc], changed: list[int]
    ) -> tuple[Assembled, tuple[list[int], list[int]]] | None:
        """The index with documents `changed` replaced and its field lengths, or None
        when other documents' positions or the bucket count would move."""
        fresh: dict[SearchDoc, Fields] = {}
        works = self._works([docs[n] for n in changed], fresh)
        words = list(built.words)
        titles, tags = list(self._lengths[0]), list(self._lengths[1])
        for n, work in zip(changed, works, strict=True):
            words[n] = work.words
            titles[n], tags[n], _ = work.lengths
        layout = built.layout
        # layout_for(fields) depends on the longest title and tag list only: compared so,
        # the other documents' fields are not measured again.
        if (max(titles, default=0), max(tags, default=0)) != self._longest:
            return None
        fields = _fields([docs[n] for n in changed], fresh)
        texts = {n: positioned_text(f, layout) for n, f in zip(changed, fields, strict=True)}
        if any(len(texts[n]) != built.slots[n] * ALIGN for n in changed):
            return None
        starts = np.concatenate(([0], np.cumsum(built.slots) * ALIGN))
        before_fields = all_doc_fields([built.docs[n] for n in changed])
        old = [
            contributions(positioned_text(f, layout), built.words[n], n, starts[n], layout)
            for n, f in zip(changed, before_fields, strict=True)
        ]
        new = [contributions(texts[n], words[n], n, starts[n], layout) for n in changed]
        # only keys whose share from a changed document differs: an edit of a few
        # characters that keeps the text's length touches a few dozen keys
        pairs = list(zip(old, new, strict=True))
        keys = sorted({k for o, n in pairs for k in (*o, *n) if o.get(k) != n.get(k)})
        count = len(built.bucket_files)
        placed = buckets_of(keys, count).tolist()
        affected = set(keys)
        held = {b: bucket_units(built.bucket_files[b]) for b in set(placed)}
        before: dict[str, list[Unit]] = {}
        for units in held.values():
            for u in units:
                if u.key in affected:
                    before.setdefault(u.key, []).append(u)
        after = {k: self._rebuilt(k, before.get(k, []), changed, starts, texts, new) for k in keys}
        total = built.entry_bytes + sum(_entry_bytes(u) for us in after.values() for u in us)
        total -= sum(_entry_bytes(u) for us in before.values() for u in us)
        if buckets_for(total, self._bucket_bytes) != count:
            return None
        groups = {b: [u for u in units if u.key not in affected] for b, units in held.items()}
        for k, b in zip(keys, placed, strict=True):
            groups[b] += after[k]
        packed = pack_groups(groups, self._part_bytes)
        bucket_files = list(built.bucket_files)
        for b, files in packed.items():
            bucket_files[b] = tuple(files)
        fragments = list(built.fragments)
        for n, work in zip(changed, works, strict=True):
            fragments[n] = _fragment_files(n, work)
        # Same facets and (checked above) same lengths: meta's document table is the same.
        same = all(_facets(docs[n]) == _facets(built.docs[n]) for n in changed)
        updated = finish(
            docs, words, layout, built.slots, bucket_files, fragments,
            self._digests_of, total, built.table if same else None,
        )  # fmt: skip
        for n in changed:  # the replaced versions are not needed again
            self._work.pop(built.docs[n], None)
        return updated, (titles, tags)

    def _rebuilt(
        self,
        key: str,
        units: list[Unit],
        changed: list[int],
        starts: np.ndarray,
        texts: dict[int, str],
        new: list[dict],
    ) -> list[Unit]:
        """A key's units with the changed documents' old contributions swapped for new."""
        mine = [c.get(key) for c in new]
        if key[0] == "t":  # positions: a changed document's range is swapped whole
            values = unit_values(units, pairs=False)
            for n, positions in zip(changed, mine, strict=True):
                lo = bisect.bisect_left(values, int(starts[n]))
                hi = bisect.bisect_left(values, int(starts[n]) + len(texts[n]))
                values[lo:hi] = positions or []
            return key_units(key, values, False, self._part_bytes)
        flat = unit_values(units, pairs=key[0] != "c")
        table = dict(zip(flat[0::2], flat[1::2], strict=True)) if key[0] != "c" else {}
        if key[0] == "c":
            table = dict.fromkeys(flat, 0)
        for n, entry in zip(changed, mine, strict=True):
            table.pop(n, None)
            if entry is not None:
                table[entry[0]] = entry[1]
        ordered = sorted(table)
        if key[0] == "c":
            return key_units(key, ordered, False, self._part_bytes)
        return key_units(key, [v for d in ordered for v in (d, table[d])], True, self._part_bytes)

    def _renumber(
        self, built: Assembled, docs: list[SearchDoc]
    ) -> tuple[Assembled, tuple[list[int], list[int]]] | None:
        """The index of `docs` from the last one by renumbering: documents of the last
        build that are still there (the same SearchDoc) keep their postings, moved to
        their new numbers and positions; the others' postings go, and the new
        documents' are merged in. None when too many documents are new for this to pay."""
        last_at = {d.id: k for k, d in enumerate(built.docs)}
        number = np.full(len(built.docs), -1, dtype=np.int64)  # last number -> new, or -1
        added: list[int] = []
        for n, doc in enumerate(docs):
            k = last_at.get(doc.id)
            if k is not None and (built.docs[k] is doc or built.docs[k] == doc):
                number[k] = n
            else:
                added.append(n)
        if len(added) > MAX_RENUMBERED:
            return None
        kept = number[number >= 0]
        if np.any(kept[1:] <= kept[:-1]):  # the sort keeps their order; checked, not assumed
            return None
        fresh: dict[SearchDoc, Fields] = {}
        works = self._works(docs, fresh)
        titles, tags = [0] * len(docs), [0] * len(docs)
        for k, n in enumerate(number.tolist()):
            if n >= 0:
                titles[n], tags[n] = self._lengths[0][k], self._lengths[1][k]
        for n in added:
            titles[n], tags[n], _ = works[n].lengths
        # layout_for's layout, from the lengths: a new longest title or tag list (or
        # the longest gone) moves the fields inside every document, which a position's
        # offset in its document tells (a separator always ends a field, so no
        # n-gram spans two and a field keeps its n-grams)
        layout = Layout(
            max(titles, default=0) + 1, max(titles, default=0) + max(tags, default=0) + 2
        )
        fields = _fields([docs[n] for n in added], fresh)
        texts = {n: positioned_text(f, layout) for n, f in zip(added, fields, strict=True)}
        del fields
        last_slots = np.array(built.slots, dtype=np.int64)
        if layout == built.layout:
            slots = np.zeros(len(docs), dtype=np.int64)
            slots[number[number >= 0]] = last_slots[number >= 0]
            for n in added:
                slots[n] = len(texts[n]) // ALIGN
        else:  # positioned_text's length: body base, body, one separator, padded
            ends = [layout.body_base + w.lengths[2] + 1 for w in works]
            slots = -(-np.array(ends, dtype=np.int64) // ALIGN)
        starts = np.concatenate(([0], np.cumsum(slots) * ALIGN))
        last_starts = np.concatenate(([0], np.cumsum(last_slots) * ALIGN))
        moved = Moves(
            number=number,
            owner=np.repeat(np.arange(len(built.docs)), last_slots),
            last_starts=last_starts[:-1],
            new_starts=np.where(number >= 0, starts[number], 0),
            last_layout=built.layout,
            layout=layout,
        )
        adds: dict[str, list] = {}
        for n in added:
            made = contributions(texts[n], works[n].words, n, int(starts[n]), layout)
            for key, value in made.items():
                adds.setdefault(key, []).append(value)
        count = len(built.bucket_files)
        new_keys = sorted(adds)
        by_bucket: dict[int, list[str]] = {}
        for key, b in zip(new_keys, buckets_of(new_keys, count).tolist(), strict=True):
            by_bucket.setdefault(b, []).append(key)

        def batches() -> Iterator[tuple[range, dict[int, list[Unit]]]]:
            """The renumbered units of the last build's buckets, a batch at a time."""
            for first in range(0, count, RENUMBER_BATCH):
                numbers = range(first, min(first + RENUMBER_BATCH, count))
                yield numbers, renumbered_units(
                    {b: built.bucket_files[b] for b in numbers},
                    {b: by_bucket.get(b, []) for b in numbers},
                    adds, moved, self._part_bytes,
                )  # fmt: skip

        bucket_files: list[tuple[OutputFile, ...]] = []
        total = 0
        for numbers, groups in batches():  # packed at once, while the count is the same
            total += sum(_entry_bytes(u) for units in groups.values() for u in units)
            packed = pack_groups(groups, self._part_bytes)
            del groups
            bucket_files += [_same_as(packed[b], built.bucket_files[b]) for b in numbers]
        if buckets_for(total, self._bucket_bytes) != count:
            # Every key may move to another bucket: the units again, all of them, then
            # grouped by the new count (rare: at 10,000 articles one added article in
            # about 500 changes it). Still far less memory than a whole build.
            del bucket_files
            units = [u for _, groups in batches() for us in groups.values() for u in us]
            regrouped = group_units(units, buckets_for(total, self._bucket_bytes))
            del units
            bucket_files = list(map(tuple, pack_consumed(regrouped, self._part_bytes)))
        words = [w.words for w in works]
        fragments = self._fragments(docs, works, (built.docs, built.fragments))
        updated = finish(
            docs, words, layout, slots.tolist(), bucket_files, fragments,
            self._digests_of, total,
        )  # fmt: skip
        return updated, (titles, tags)

    # --- files ----------------------------------------------------------------------

    def _digests_of(self, files: Sequence[OutputFile]) -> bytes:
        """The files' sha1 digests one after the other, hashing only bytes not seen last call.

        An update keeps every untouched file's bytes object, so comparing the new
        list with the last one by identity (at C speed) finds the few to hash.
        """
        datas = [f.data for f in files]
        last_datas, last_digests = self._digests
        if len(datas) != len(last_datas):
            digests = [hashlib.sha1(data).digest() for data in datas]
        else:
            digests = list(last_digests)
            for n in itertools.compress(range(len(datas)), map(operator.is_not, datas, last_datas)):
                digests[n] = hashlib.sha1(datas[n]).digest()
        self._digests = (datas, digests)
        return b"".join(digests)

    def _keep(
        self, built: Assembled, lengths: tuple[list[int], list[int]]
    ) -> tuple[OutputFile, ...]:
        """Remember a build and its documents' title and tag list lengths; after a whole
        build or a renumbering, forget documents no longer in it (an incremental
        update keeps the same documents)."""
        self._lengths = lengths
        self._longest = (max(lengths[0], default=0), max(lengths[1], default=0))
        if self.last_update in ("full", "renumbered"):
            live = set(built.docs)
            self._work = {d: w for d, w in self._work.items() if d in live}
            ids = {d.id for d in built.docs}
            self._docs = {i: c for i, c in self._docs.items() if i in ids}
            self._sort_keys = {i: k for i, k in self._sort_keys.items() if i in ids}
        self._built = built
        return built.files


# More new or changed documents than this at once: a whole build is cheaper.
MAX_RENUMBERED = 200
# Buckets renumbered at a time: bounds the temporary arrays (~20 MB at 10,000 articles).
RENUMBER_BATCH = 64
Fragment = tuple[OutputFile, OutputFile | None]


@dataclass(frozen=True)
class Moves:
    """Where the last build's documents went: each one's new number (-1: gone); the
    document of each ALIGN slot of the last positions, each document's first position
    then and now; the field layout then and now."""

    number: np.ndarray
    owner: np.ndarray
    last_starts: np.ndarray
    new_starts: np.ndarray
    last_layout: Layout
    layout: Layout

    def positions(self, old: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(whether each last position stays, the new positions of those that do)."""
        doc = self.owner[old // ALIGN]
        stay = self.number[doc] >= 0
        doc, old = doc[stay], old[stay]
        offset = old - self.last_starts[doc]
        new = self.new_starts[doc] + offset
        tags = self.layout.tag_base - self.last_layout.tag_base
        body = self.layout.body_base - self.last_layout.body_base
        if tags or body:  # the tags and the body move by their bases' change
            new += np.where(offset >= self.last_layout.tag_base, tags, 0)
            new += np.where(offset >= self.last_layout.body_base, body - tags, 0)
        return stay, new


def renumbered_units(
    files: dict[int, Sequence[OutputFile]],
    new_keys: dict[int, list[str]],
    adds: dict[str, list],
    moves: Moves,
    part_bytes: int,
) -> dict[int, list[Unit]]:
    """The units of some buckets after a renumbering: the last build's postings read
    from the buckets' files and moved (Moves), the added documents' contributions
    (`adds`: key -> values as `contributions` gives them) merged in; `new_keys` are
    the added keys that place in each bucket. Vectorised over all the buckets."""
    headers: list[tuple[str, int, int]] = []  # (key, value count, base) per unit
    bodies: list[bytes] = []
    names: list[str] = []  # key ids: names[i] is key i, in bucket then key order
    bucket_of: list[int] = []
    for b, bucket in files.items():
        first = len(headers)
        for file in bucket:
            raw = igzip.decompress(file.data)
            size = int.from_bytes(raw[:4], "little")
            headers += [
                (k, c, base[0] if base else 0) for k, _, c, *base in json.loads(raw[4 : 4 + size])
            ]
            bodies.append(raw[4 + size :])
        keys = sorted({*(h[0] for h in headers[first:]), *new_keys[b]})
        names += keys
        bucket_of += [b] * len(keys)
    ids = {k: i for i, k in enumerate(names)}
    added = [k for b in files for k in new_keys[b]]  # every key of `adds` in these buckets
    values = decode_varints(b"".join(bodies))
    del bodies
    counts = np.array([c for _, c, _ in headers], dtype=np.int64)
    # key ids ascend with the units: a bucket's keys are sorted, split parts adjacent
    key_of = np.repeat(np.array([ids[k] for k, _, _ in headers], dtype=np.int64), counts)
    firsts = np.repeat(np.cumsum(counts) - counts, counts)
    kinds = np.array([ord(n[0]) for n in names], dtype=np.int64)[key_of]
    paired = (kinds == ord("b")) | (kinds == ord("w"))
    is_doc = ~paired | ((np.arange(len(values)) - firsts) % 2 == 0)  # not a pair's value
    # absolute values: each unit's base plus its running sum of deltas
    running = np.cumsum(np.where(is_doc, values, 0))
    before = np.concatenate(([0], running))[firsts]
    bases = np.repeat(np.array([base for _, _, base in headers], dtype=np.int64), counts)
    absolute = np.where(is_doc, running - before + bases, values)
    del running, before, bases, firsts
    out: dict[int, list[Unit]] = {b: [] for b in files}

    def chars(k: int) -> str:
        return names[k][1:]

    def place(units: list[Unit]) -> None:
        for unit in units:
            out[bucket_of[ids[unit.key]]].append(unit)

    for kind in "tcbw":
        mine = np.flatnonzero((kinds == ord(kind)) & is_doc)
        keys, old = key_of[mine], absolute[mine]
        if kind == "t":
            stay, moved = moves.positions(old)
        else:
            moved = moves.number[old]
            stay = moved >= 0
            moved = moved[stay]
        keys = keys[stay]
        hits = absolute[mine[stay] + 1] if kind in "bw" else None
        extra = sorted((ids[k], v) for k in added if k[0] == kind for v in _flat(kind, adds[k]))
        if extra:  # merged into the sorted (key, value) pairs the kept ones already are
            packed = (keys << 32) | moved
            extra_packed = np.array([k << 32 | _first(v) for k, v in extra], dtype=np.int64)
            at = np.searchsorted(packed, extra_packed)
            keys = np.insert(keys, at, [k for k, _ in extra])
            moved = np.insert(moved, at, [_first(v) for _, v in extra])
            if hits is not None:
                hits = np.insert(hits, at, [v[1] for _, v in extra])
        if hits is None:
            place(_units(kind, keys, moved, chars, part_bytes))
        else:
            place(_pair_units(kind, keys, moved, hits, chars, part_bytes))
    return out


def _first(value: int | tuple[int, int]) -> int:
    """A position or document as _flat gives it: a pair's document."""
    return value if isinstance(value, int) else value[0]


def _fields(docs: Sequence[SearchDoc], fresh: dict[SearchDoc, Fields]) -> list[Fields]:
    """The documents' normalised fields: taken out of `fresh` (what _works normalised
    in this call), the others normalised together."""
    rest = iter(all_doc_fields([d for d in docs if d not in fresh]))
    return [fresh.pop(d) if d in fresh else next(rest) for d in docs]


def _lengths(works: Sequence[DocWork]) -> tuple[list[int], list[int]]:
    """The title and the tag list lengths of the documents."""
    return [w.lengths[0] for w in works], [w.lengths[1] for w in works]


def _fragment_files(n: int, work: DocWork) -> Fragment:
    """Document n's fragment files, with the bytes its DocWork holds."""
    head = OutputFile(SEARCH_DIR + FRAGMENT_HEAD.format(n), work.head)
    return head, work.tail and OutputFile(SEARCH_DIR + FRAGMENT_TAIL.format(n), work.tail)


def _flat(kind: str, values: list | None) -> list:
    """An added key's values: positions of a trigram, documents of a character,
    (document, hit or weight) of a bigram or word."""
    if not values:
        return []
    if kind == "t":
        return [p for positions in values for p in positions]
    if kind == "c":
        return [doc for doc, _ in values]
    return list(values)


def _same_as(files: list[OutputFile], last: tuple[OutputFile, ...]) -> tuple[OutputFile, ...]:
    """A bucket's new files, each the very object of the last build when its bytes are
    the same: the new copy is freed at once, and a writer skips it without a look."""
    return tuple(
        last[n] if n < len(last) and last[n].path == new.path and last[n].data == new.data else new
        for n, new in enumerate(files)
    )


def _facets(doc: SearchDoc) -> tuple:
    """What meta.bin's document table says of a document besides its length."""
    return (doc.year, doc.kind, doc.districts, doc.programmes)
