"""Search index kept up to date: the files of build_search_index, updated per article.

A SearchIndexer remembers its last build (archive.search_index.Assembled) and,
per distinct SearchDoc, the work done for it (normalised fields and jieba
words). `files(articles)` returns exactly what build_search_index returns for
the same articles, byte for byte:

* nothing changed: the last files;
* some articles changed, while the documents keep their order, the field
  layout and their lengths in ALIGN slots (so no other document's positions
  move): only the postings of the keys those articles held before or hold now
  are rewritten, and only the buckets holding such keys are packed again;
* otherwise (an article added, removed or moved by its date, a longer title or
  tag list than any before, a text crossing a slot boundary, a total size
  that needs another bucket count): the whole index is assembled again, with
  every unchanged article's fields and words reused.

The lead wires it into serve/pipeline; see SearchIndexer for the calls.
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import operator
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from archive.config import SiteConfig
from archive.model import Article, OutputFile, SearchDoc, Taxonomy
from archive.search import search_doc, title_words
from archive.search_index import (
    _SEP,
    BUCKET_RAW_BYTES,
    MAX_WORD_WEIGHT,
    PART_RAW_BYTES,
    Assembled,
    Layout,
    Unit,
    _date_key,
    _entry_bytes,
    _pair_units,
    _units,
    all_doc_fields,
    assemble,
    buckets_of,
    finish,
    fragment_pairs_at,
    pack_groups,
    positioned_text,
    words_of,
)
from archive.search_query import read_varints

Fields = tuple[str, tuple[str, ...], str]


@dataclass(frozen=True)
class DocWork:
    """What one document costs to prepare, whatever its number: fields and words."""

    fields: Fields
    words: Counter[str]


def sort_key(doc: SearchDoc) -> tuple[tuple[int, ...], str]:
    """A document's place in search_index.sort_docs' order: newest first, then by id."""
    return (_date_key(doc.date), doc.id)


def _field_lengths(fields: Fields) -> tuple[int, int]:
    """What layout_for measures of one document: its title's and its tag list's length."""
    title, tags, _body = fields
    return len(title), len(_SEP.join(tags))


def decode_varints(data: bytes) -> np.ndarray:
    """Every unsigned LEB128 varint of data, as int64 (values below 2**53)."""
    raw = np.frombuffer(data, dtype=np.uint8)
    if not len(raw):
        return np.zeros(0, dtype=np.int64)
    ends = np.flatnonzero(raw < 0x80)
    starts = np.concatenate(([0], ends[:-1] + 1))
    owner = np.repeat(np.arange(len(ends)), ends - starts + 1)
    shift = 7 * (np.arange(len(raw)) - starts[owner])
    parts = (raw & 0x7F).astype(np.float64) * np.exp2(shift)
    return np.bincount(owner, weights=parts, minlength=len(ends)).astype(np.int64)


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
    taxonomy); after an incremental update, every file that was not rewritten
    is the very same object as before, so a writer can skip it (`new is old`)
    and write only the few others. Not thread-safe; one
    indexer per site output. `last_update` says how the last call went
    ("unchanged", "incremental" or "full"), for logs and tests.
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
        self._keys: dict[str, int] = {}  # key -> bucket, of the last build (made when needed)
        self._total = 0  # raw entry bytes of all units of the last build
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
        self.last_update = "full"
        # Forget the last build before making the next: the two at once took serve
        # over 1 GB at 10,000 articles (an edited date moves documents: a whole build).
        self._built, self._keys, self._digests = None, {}, ([], [])
        del built
        built = self._assemble(docs)
        return self._keep(built, sum(_entry_bytes(u) for g in built.groups for u in g))

    # --- per document -----------------------------------------------------------

    def _search_doc(self, article: Article) -> SearchDoc:
        cached = self._docs.get(article.id)
        if cached is None or (cached[0] is not article and cached[0] != article):
            cached = (article, search_doc(article, self._base_path))
            self._docs[article.id] = cached
            self._sort_keys[article.id] = sort_key(cached[1])
        return cached[1]

    def _works(self, docs: Sequence[SearchDoc]) -> list[DocWork]:
        """Each document's DocWork, the missing ones normalised together."""
        missing = [d for d in dict.fromkeys(docs) if d not in self._work]
        for doc, fields in zip(missing, all_doc_fields(missing), strict=True):
            self._work[doc] = DocWork(fields, words_of(fields, self._tokenize))
        return [self._work[d] for d in docs]

    # --- whole and partial builds -----------------------------------------------

    def _assemble(self, docs: list[SearchDoc]) -> Assembled:
        works = self._works(docs)
        return assemble(
            docs, [w.fields for w in works], [w.words for w in works],
            fragment_pairs_at(docs, range(len(docs))), self._bucket_bytes, self._part_bytes,
            self._digests_of,
        )  # fmt: skip

    def _update(
        self, built: Assembled, docs: list[SearchDoc], changed: list[int]
    ) -> tuple[Assembled, int, tuple[list[int], list[int]]] | None:
        """The index with documents `changed` replaced, its raw entry bytes and field
        lengths, or None when other documents' positions or the bucket count would move."""
        works = self._works([docs[n] for n in changed])
        fields, words, texts = list(built.fields), list(built.words), list(built.texts)
        titles, tags = list(self._lengths[0]), list(self._lengths[1])
        for n, work in zip(changed, works, strict=True):
            fields[n], words[n] = work.fields, work.words
            titles[n], tags[n] = _field_lengths(work.fields)
        layout = built.layout
        # layout_for(fields) depends on the longest title and tag list only: compared so,
        # the other documents' fields are not measured again.
        if (max(titles, default=0), max(tags, default=0)) != self._longest:
            return None
        for n in changed:
            texts[n] = positioned_text(fields[n], layout)
            if len(texts[n]) != len(built.texts[n]):
                return None
        starts = np.concatenate(([0], np.cumsum([len(t) for t in built.texts])))
        old = [contributions(built.texts[n], built.words[n], n, starts[n], layout) for n in changed]
        new = [contributions(texts[n], words[n], n, starts[n], layout) for n in changed]
        # only keys whose share from a changed document differs: an edit of a few
        # characters that keeps the text's length touches a few dozen keys
        pairs = list(zip(old, new, strict=True))
        keys = sorted({k for o, n in pairs for k in (*o, *n) if o.get(k) != n.get(k)})
        if not self._keys:
            self._keys = {u.key: b for b, group in enumerate(built.groups) for u in group}
        affected = set(keys)
        before: dict[str, list[Unit]] = {}
        for b in {self._keys[k] for k in keys if k in self._keys}:
            for u in built.groups[b]:
                if u.key in affected:
                    before.setdefault(u.key, []).append(u)
        after = {
            k: self._rebuilt(k, before.get(k, []), changed, starts, texts, old, new) for k in keys
        }
        total = self._total + sum(_entry_bytes(u) for us in after.values() for u in us)
        total -= sum(_entry_bytes(u) for us in before.values() for u in us)
        count = len(built.groups)
        if max(1, -(-total // self._bucket_bytes)) != count:
            return None
        placed = buckets_of(keys, count).tolist()
        groups = {b: [u for u in built.groups[b] if u.key not in affected] for b in set(placed)}
        for k, b in zip(keys, placed, strict=True):
            groups[b] += after[k]
        packed = pack_groups(groups, self._part_bytes)
        bucket_files = list(built.bucket_files)
        all_groups = list(built.groups)
        for b, files in packed.items():
            bucket_files[b], all_groups[b] = tuple(files), tuple(groups[b])
        fragments = list(built.fragments)
        pairs = fragment_pairs_at([docs[n] for n in changed], changed)
        for n, pair in zip(changed, pairs, strict=True):
            fragments[n] = pair
        # Same facets and (checked above) same lengths: meta's document table is the same.
        same = all(_facets(docs[n]) == _facets(built.docs[n]) for n in changed)
        updated = finish(
            docs, fields, words, layout, texts, all_groups, bucket_files, fragments,
            self._digests_of, built.table if same else None,
        )  # fmt: skip
        for n in changed:  # the replaced versions are not needed again
            self._work.pop(built.docs[n], None)
        for k, b in zip(keys, buckets_of(keys, count).tolist(), strict=True):
            if after[k]:
                self._keys[k] = b
            else:
                self._keys.pop(k, None)
        return updated, total, (titles, tags)

    def _rebuilt(
        self,
        key: str,
        units: list[Unit],
        changed: list[int],
        starts: np.ndarray,
        texts: list[str],
        old: list[dict],
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
        self,
        built: Assembled,
        total: int,
        lengths: tuple[list[int], list[int]] | None = None,
    ) -> tuple[OutputFile, ...]:
        """Remember a build; after a whole build, forget documents no longer in it (an
        update keeps the same documents, only their content moves on)."""
        if lengths is None:
            pairs = [_field_lengths(f) for f in built.fields]
            lengths = ([t for t, _ in pairs], [g for _, g in pairs])
            self._longest = (max(lengths[0], default=0), max(lengths[1], default=0))
        self._lengths = lengths
        if self.last_update == "full":
            live = set(built.docs)
            self._work = {d: w for d, w in self._work.items() if d in live}
            ids = {d.id for d in built.docs}
            self._docs = {i: c for i, c in self._docs.items() if i in ids}
            self._sort_keys = {i: k for i, k in self._sort_keys.items() if i in ids}
        self._built, self._total = built, total
        return built.files


def _facets(doc: SearchDoc) -> tuple:
    """What meta.bin's document table says of a document besides its length."""
    return (doc.year, doc.kind, doc.districts, doc.programmes)
