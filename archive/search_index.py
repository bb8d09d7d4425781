"""Search index: SearchDoc -> OutputFiles under search/ (meta, posting shards, fragments).

The browser cannot run jieba, so exactness comes from character n-grams and
ranking from jieba words where they are cheap (titles and tags):

* every character bigram with its positions (key "b"+bigram): a typed phrase of
  n >= 2 characters matches exactly where a set of bigrams covering all n
  characters occurs at the right offsets, so recall and precision against
  substring truth are both 1;
* every character with the documents containing it (key "c"+char);
* jieba search-mode words of the title, plus the tags as whole words, with
  small weights (key "w"+word): a ranking boost, never a filter.

Each document is laid out as title from 0, tags from `tag_base`, body from
`body_base`, then separators up to a multiple of ALIGN; the documents are laid
end to end (newest first) and a position counts from the start of the first,
so a bigram's postings are one sorted list of integers (varint deltas) and
the per-document lengths in the meta table map a position back to its
document and field. Postings are packed in JavaScript (UTF-16) key order into
gzip shards of a bounded size (s/<n>.bin); a large key is split into parts.
`search/meta.bin` holds the shard map (first key and size of each shard), the
facet names and a few varints per document; `search/f/<n>.bin` holds what a
result shows. jieba runs on titles only: at ~0.25 M characters/s it would take
a minute over 10,000 bodies, which the n-grams cover exactly anyway.
The byte formats are read back by archive.search_query (Python) and
templates/static/search.js (browser); all three must change together.
"""

from __future__ import annotations

import gzip
import hashlib
import itertools
import json
import os
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from archive.model import OutputFile, SearchDoc

FORMAT_VERSION = 1
SEARCH_DIR = "search/"
# Raw (uncompressed) bytes per shard and per part of a split key. Postings of
# varints gzip to about 60-75 %, so 96 KB raw stays well under 100 KB gzip; small
# shards keep the bytes a query fetches low (a query reads one shard per key).
SHARD_RAW_BYTES = 16_000
PART_RAW_BYTES = 96_000
MAX_WORD_WEIGHT = 15
TAG_WORD_WEIGHT = 8
GZIP_LEVEL = 6
FACETS = ("district", "programme", "year", "kind")
ALIGN = 64  # documents start at multiples of this many positions
_SPACE = re.compile(r"[\s\u200b\ufeff\x00]+")
_SEP = "\x00"  # never in normalised text: marks field padding and document ends


def normalise(text: str) -> str:
    """NFKC, lower case, whitespace removed: applied to documents and queries alike."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text).lower())


def normalise_all(texts: Sequence[str]) -> list[str]:
    """normalise() of every text, computed per distinct character where that is exact.

    Full NFKC costs about 0.2 s per million characters, yet Chinese text has
    only a handful of characters it changes (full-width punctuation, spaces).
    Those are replaced one by one on the joined texts; a text whose result is
    not in NFKC form (combining marks, jamo) or that holds a capital sigma
    (lower() depends on its neighbours) takes the full path instead.
    """
    sep = _unused_char(texts)
    if sep is None or not texts:
        return [normalise(t) for t in texts]
    joined = sep.join(texts)
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
    present = np.flatnonzero(np.bincount(codes, minlength=1)).tolist()
    del codes
    replacements, unsafe = _char_replacements(present)
    if unsafe:
        return [normalise(t) for t in texts]
    for char, replacement in replacements:
        joined = joined.replace(char, replacement)
    parts = [part.lower() for part in joined.split(sep)]
    return [
        part
        if "\u03a3" not in text and unicodedata.is_normalized("NFKC", part)
        else normalise(text)
        for part, text in zip(parts, texts, strict=True)
    ]


def _unused_char(texts: Sequence[str]) -> str | None:
    """A private-use character (NFKC-stable, case-less) in none of the texts."""
    for code in range(0xE000, 0xE100):
        char = chr(code)
        if not any(char in t for t in texts):
            return char
    return None


def _char_replacements(codes: Iterable[int]) -> tuple[list[tuple[str, str]], bool]:
    """(character, its NFKC without whitespace) for each that changes; and whether
    some character's NFKC mixes whitespace with other text (no per-character rule)."""
    out, unsafe = [], False
    for code in codes:
        char = chr(code)
        mapped = unicodedata.normalize("NFKC", char)
        if _SPACE.fullmatch(mapped):
            out.append((char, ""))
        elif _SPACE.search(mapped):
            unsafe = True
        elif mapped != char:
            out.append((char, mapped))
    return out, unsafe


@dataclass(frozen=True, slots=True)
class Layout:
    """Where each field starts in every document's position space."""

    tag_base: int
    body_base: int


def doc_fields(doc: SearchDoc) -> tuple[str, tuple[str, ...], str]:
    """The normalised title, tags (programmes, districts, places, people) and body."""
    return all_doc_fields([doc])[0]


def all_doc_fields(docs: Sequence[SearchDoc]) -> list[tuple[str, tuple[str, ...], str]]:
    """doc_fields of every document, normalised in one pass."""
    tags = [(*d.programmes, *d.districts, *d.places, *d.people) for d in docs]
    flat = normalise_all(
        [*(d.title for d in docs), *(d.text for d in docs), *(t for ts in tags for t in ts)]
    )
    n = len(docs)
    titles, bodies, rest = flat[:n], flat[n : 2 * n], iter(flat[2 * n :])
    return [
        (title, tuple(t for t in (next(rest) for _ in ts) if t), body)
        for title, body, ts in zip(titles, bodies, tags, strict=True)
    ]


def layout_for(fields: Sequence[tuple[str, tuple[str, ...], str]]) -> Layout:
    """Field bases large enough for the longest title and tag list of the corpus."""
    title_max = max((len(t) for t, _, _ in fields), default=0)
    tags_max = max((len(_SEP.join(tags)) for _, tags, _ in fields), default=0)
    tag_base = title_max + 1
    return Layout(tag_base=tag_base, body_base=tag_base + tags_max + 1)


def positioned_text(fields: tuple[str, tuple[str, ...], str], layout: Layout) -> str:
    """One document as a string whose indices are its search positions.

    Padded with separators to a multiple of ALIGN characters, so the meta table
    stores each document's length in slots: one byte for most articles.
    """
    title, tags, body = fields
    text = (
        title.ljust(layout.tag_base, _SEP)
        + _SEP.join(tags).ljust(layout.body_base - layout.tag_base, _SEP)
        + body
        + _SEP
    )
    return text.ljust(-(-len(text) // ALIGN) * ALIGN, _SEP)


def js_order(key: str) -> bytes:
    """Sort key equal to JavaScript's string comparison (UTF-16 code units)."""
    return key.encode("utf-16-be")


# --- varints -----------------------------------------------------------------


def varint_lengths(values: np.ndarray) -> np.ndarray:
    """Bytes each unsigned LEB128 varint takes (values below 2**32)."""
    v = values.astype(np.uint32, copy=False)
    lengths = np.ones(len(v), dtype=np.int64)
    for limit in (1 << 7, 1 << 14, 1 << 21, 1 << 28):
        lengths += v >= limit
    return lengths


def encode_varints(values: np.ndarray, lengths: np.ndarray | None = None) -> bytes:
    """Unsigned LEB128 of every value, concatenated in order."""
    v = values.astype(np.uint32, copy=False)
    lengths = varint_lengths(v) if lengths is None else lengths
    starts = np.cumsum(lengths) - lengths
    out = np.empty(int(lengths.sum()), dtype=np.uint8)
    for j in range(5):
        has = np.flatnonzero(lengths > j) if j else slice(None)
        byte = ((v[has] >> np.uint32(7 * j)) & np.uint32(0x7F)).astype(np.uint8)
        byte |= (lengths[has] > j + 1).astype(np.uint8) << 7
        out[starts[has] + j] = byte
        if j and len(has) == 0:
            break
    return out.tobytes()


def encode_varint_list(values: Iterable[int]) -> bytes:
    """Varints of a short Python sequence."""
    return encode_varints(np.fromiter(values, dtype=np.uint64))


# --- postings ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Unit:
    """A key's postings, or one part of them: bytes, how many values, the value before."""

    key: str
    part: int
    data: bytes
    count: int
    base: int


def _sorted_pairs(
    keys: np.ndarray, key_bits: int, values: np.ndarray, value_bits: int
) -> tuple[np.ndarray, ...]:
    """(key, value) pairs sorted by key then value, duplicates dropped: one packed sort.

    Packed into 32-bit integers when they fit (characters x documents), which
    sorts about twice as fast as 64-bit ones.
    """
    kind = np.uint32 if key_bits + value_bits <= 32 else np.uint64
    shift = kind(value_bits)
    packed = (keys.astype(kind) << shift) | values.astype(kind)
    packed.sort()
    if len(packed):
        packed = packed[np.append(True, packed[1:] != packed[:-1])]
    mask = (kind(1) << shift) - kind(1)
    return (packed >> shift).astype(np.int64), (packed & mask).astype(np.int64)


def _units(
    prefix: str,
    keys: np.ndarray,
    values: np.ndarray,
    key_chars: Callable[[int], str],
    part_bytes: int,
) -> list[Unit]:
    """Sorted (key, value) pairs -> one unit per key, or per part of a big key.

    A unit's data is the varint deltas of its values; the first delta is
    relative to `base`, the value before the unit (0 at the start of a key).
    """
    if len(keys) == 0:
        return []
    new_key = np.append(True, keys[1:] != keys[:-1])
    deltas = np.diff(values, prepend=0)
    deltas[new_key] = values[new_key]
    lengths = varint_lengths(deltas)
    ends = np.cumsum(lengths)
    starts = ends - lengths
    key_first = np.flatnonzero(new_key)
    key_of = np.cumsum(new_key) - 1
    part = (starts - starts[key_first][key_of]) // part_bytes
    cut = new_key.copy()
    cut[1:] |= part[1:] != part[:-1]
    firsts = np.flatnonzero(cut)
    lasts = np.append(firsts[1:], len(keys)) - 1
    blob = encode_varints(deltas, lengths)
    units = []
    for first, last in zip(firsts.tolist(), lasts.tolist(), strict=True):
        head = int(key_first[key_of[first]])
        units.append(
            Unit(
                key=prefix + key_chars(int(keys[first])),
                part=int(part[first]),
                data=blob[int(starts[first]) : int(ends[last])],
                count=last - first + 1,
                base=0 if first == head else int(values[first - 1]),
            )
        )
    return units


# Positions per bucket of the n-gram stage: bounds the stage's temporary arrays
# (about 40 bytes a position) whatever the corpus size.
BUCKET_POSITIONS = 2_000_000


def _ranks(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All documents as dense character ranks (0 = separator), the ranked
    characters, and each document's length."""
    codes = np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32)
    if len(codes) >= 1 << 32:  # varints and the packed sort hold positions in 32 bits
        raise ValueError(f"search index: {len(codes)} positions, more than 2**32")
    # Code points -> dense ranks in code-point order, so a bigram packs into few bits;
    # the separator (code 0) is present in every padded document and ranks 0.
    present = np.flatnonzero(np.bincount(codes, minlength=1))
    present = present if len(present) else np.zeros(1, dtype=np.int64)
    if len(present) > 1 << 16:
        raise ValueError(f"search index: {len(present)} distinct characters, more than 65,536")
    rank = np.zeros(int(present[-1]) + 1, dtype=np.uint16)
    rank[present] = np.arange(len(present), dtype=np.uint16)
    ranks = rank[codes]
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    return ranks, present, lengths


def _buckets(ranks: np.ndarray, size: int) -> list[tuple[int, int]]:
    """Ranges of first-character ranks with about `size` positions each."""
    counts = np.bincount(ranks, minlength=1)
    counts[0] = 0
    cumulative = np.cumsum(counts)
    cuts = np.searchsorted(cumulative, np.arange(size, int(cumulative[-1]), size), side="right")
    edges = sorted({1, *cuts.tolist(), len(counts)})
    return [(lo, hi) for lo, hi in itertools.pairwise(edges) if lo < hi]


def _bucket_pairs(
    ranks: np.ndarray, doc_of: np.ndarray, count: int, lo: int, hi: int
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """(bigram, position) and (character, document) pairs of one rank range, sorted.

    Positions come in order, so two stable radix sorts (second character,
    then first) order the bigrams by key and then position.
    """
    first = ranks[:-1]
    inside = (first >= lo) & (first < hi)
    at = np.flatnonzero(inside & (ranks[1:] != 0))
    at = at[np.argsort(ranks[at + 1], kind="stable")]
    at = at[np.argsort(first[at], kind="stable")]
    bigrams = first[at].astype(np.int64) * count + ranks[at + 1], at
    last = ranks[-1:]
    at = np.flatnonzero(np.concatenate((inside, (last >= lo) & (last < hi))))
    return bigrams, _char_docs(ranks[at], doc_of[at], lo, hi, len_docs(doc_of))


def len_docs(doc_of: np.ndarray) -> int:
    """How many documents a position -> document array covers."""
    return int(doc_of[-1]) + 1 if len(doc_of) else 0


def _char_docs(
    chars: np.ndarray, docs: np.ndarray, lo: int, hi: int, count: int
) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct (character, document) pairs: a bitmap when it is small."""
    if (hi - lo) * count > 1 << 26:
        return _sorted_pairs(chars, 16, docs, 32)
    seen = np.zeros((hi - lo) * count, dtype=bool)
    seen[(chars.astype(np.int64) - lo) * count + docs] = True
    found = np.flatnonzero(seen)
    return found // count + lo, found % count


def ngram_units(texts: Sequence[str], part_bytes: int = PART_RAW_BYTES) -> list[Unit]:
    """Bigram keys -> global positions in the joined documents; characters -> documents.

    Positions count from the start of the first document; documents are laid
    end to end (each ends with a separator), so the meta table's lengths map a
    position back to its document and field. Worked through in buckets of
    first characters, so memory stays bounded.
    """
    ranks, present, lengths = _ranks(texts)
    count = len(present)
    doc_type = np.uint16 if len(texts) <= 1 << 16 else np.uint32
    doc_of = np.repeat(np.arange(len(texts), dtype=doc_type), lengths)
    bigrams: list[Unit] = []
    unigrams: list[Unit] = []
    for lo, hi in _buckets(ranks, BUCKET_POSITIONS):
        pairs, chars = _bucket_pairs(ranks, doc_of, count, lo, hi)
        bigrams += _units(
            "b", *pairs, lambda k: chr(present[k // count]) + chr(present[k % count]), part_bytes
        )
        unigrams += _units("c", *chars, lambda k: chr(present[k]), part_bytes)
    return bigrams + unigrams


def word_units(doc_words: Sequence[Counter[str]]) -> list[Unit]:
    """Word postings: per key, [doc delta, weight] for every document using it."""
    postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for n, weights in enumerate(doc_words):
        for word, weight in weights.items():
            postings[word].append((n, min(weight, MAX_WORD_WEIGHT)))
    words = sorted(postings)
    values: list[int] = []
    for word in words:
        prev = 0
        for n, weight in postings[word]:
            values += [n - prev, weight]
            prev = n
    array = np.array(values, dtype=np.int64)
    lengths = varint_lengths(array)
    blob = encode_varints(array, lengths)
    ends = np.cumsum(lengths)
    units, value_at, byte_at = [], 0, 0
    for word in words:
        value_at += 2 * len(postings[word])
        end = int(ends[value_at - 1])
        units.append(Unit("w" + word, 0, blob[byte_at:end], 2 * len(postings[word]), 0))
        byte_at = end
    return units


def words_of(
    fields: tuple[str, tuple[str, ...], str], tokenize: Callable[[str], Iterable[str]]
) -> Counter[str]:
    """Ranking words of one document: jieba on the title, tags whole.

    jieba runs at about 0.25 M characters/s, too slow for whole bodies in a cold
    build; the bodies are covered exactly by the n-grams.
    """
    title, tags, _ = fields
    weights: Counter[str] = Counter()
    for word in tokenize(title):
        if len(word) >= 2:
            weights[word] += 2
    for tag in tags:
        weights[tag] += TAG_WORD_WEIGHT
    return weights


# --- files -------------------------------------------------------------------


def _gzip(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0)


def _framed(header: object, body: bytes) -> bytes:
    """[4-byte little-endian header length][header JSON][binary body]."""
    head = json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode()
    return len(head).to_bytes(4, "little") + head + body


def _entry_bytes(unit: Unit) -> int:
    """Raw bytes a unit adds to a shard: its data and its header entry."""
    return len(unit.data) + len(unit.key.encode()) + 16


def pack_shards(
    units: list[Unit], shard_bytes: int = SHARD_RAW_BYTES
) -> tuple[list[OutputFile], list[list[object]]]:
    """Units in JS key order -> gzip shard files s/<n>.bin and the shard map.

    A shard's header lists [key, byte length, value count] per unit, plus the
    base value for a later part of a split key; offsets follow from the lengths.
    The map holds [first key, gzip bytes] per shard. A split key starts a new
    shard, so the shards holding key K are those whose first key is K or,
    when there are none, the last shard whose first key is below K.
    """
    units = sorted(units, key=lambda u: (js_order(u.key), u.part))
    split = {u.key for u in units if u.part}
    batches, batch, size = [], [], 0
    for unit in units:
        starts_split = unit.key in split and unit.part == 0
        if batch and (size + _entry_bytes(unit) > shard_bytes or starts_split):
            batches.append(batch)
            batch, size = [], 0
        batch.append(unit)
        size += _entry_bytes(unit)
    batches += [batch] if batch else []
    raw = [
        _framed(
            [[u.key, len(u.data), u.count, *([u.base] if u.base else [])] for u in b],
            b"".join(u.data for u in b),
        )
        for b in batches
    ]
    datas = gzip_all(raw)
    files = [OutputFile(f"{SEARCH_DIR}s/{n}.bin", data) for n, data in enumerate(datas)]
    shard_map = [[b[0].key, len(d)] for b, d in zip(batches, datas, strict=True)]
    return files, shard_map


def gzip_all(blobs: Sequence[bytes]) -> list[bytes]:
    """gzip many blobs on all cores: zlib releases the GIL, so threads suffice."""
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        return list(pool.map(_gzip, blobs, chunksize=64))


def facet_values(docs: Sequence[SearchDoc]) -> dict[str, list[str]]:
    """Every value of each facet, in display order (years newest first)."""
    return {
        "district": sorted({d for doc in docs for d in doc.districts}),
        "programme": sorted({p for doc in docs for p in doc.programmes}),
        "year": sorted({doc.year for doc in docs}, reverse=True),
        "kind": sorted({doc.kind for doc in docs}),
    }


def doc_table(docs: Sequence[SearchDoc], values: dict[str, list[str]], slots: list[int]) -> bytes:
    """Varint columns: every year, kind, length in ALIGN slots, district list, programme list.

    Column by column (not document by document) so gzip sees like next to like.
    """
    index = {facet: {v: i for i, v in enumerate(vals)} for facet, vals in values.items()}
    out: list[int] = [index["year"][d.year] for d in docs]
    out += [index["kind"][d.kind] for d in docs]
    out += slots
    for facet, attribute in (("district", "districts"), ("programme", "programmes")):
        for doc in docs:
            names = getattr(doc, attribute)
            out += [len(names), *(index[facet][name] for name in names)]
    return encode_varint_list(out)


def fragment(doc: SearchDoc) -> bytes:
    """What a result shows: URL, title, date, tags and the text for the snippet (JSON)."""
    record = {
        "url": doc.url,
        "title": doc.title,
        "date": doc.date,
        "kind": doc.kind,
        "districts": list(doc.districts),
        "programmes": list(doc.programmes),
        "text": doc.text,
    }
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode()


def build_index(
    docs: Sequence[SearchDoc],
    tokenize: Callable[[str], Iterable[str]],
    shard_bytes: int = SHARD_RAW_BYTES,
    part_bytes: int = PART_RAW_BYTES,
) -> tuple[OutputFile, ...]:
    """All search files for the documents (newest first), paths relative to site/.

    `shard_bytes` and `part_bytes` bound the raw size of a shard and of one part
    of a split key (the defaults keep every file far below 100 KB gzip).
    """
    docs = sorted(docs, key=lambda d: (_date_key(d.date), d.id))
    fields = all_doc_fields(docs)
    layout = layout_for(fields)
    texts = [positioned_text(f, layout) for f in fields]
    words = [words_of(f, tokenize) for f in fields]
    shard_files, shard_map = pack_shards(
        ngram_units(texts, part_bytes) + word_units(words), shard_bytes
    )
    slots = [len(t) // ALIGN for t in texts]
    values = facet_values(docs)
    fragments = [
        OutputFile(f"{SEARCH_DIR}f/{n}.bin", data)
        for n, data in enumerate(gzip_all([fragment(doc) for doc in docs]))
    ]
    digest = hashlib.sha1()
    for f in (*shard_files, *fragments):
        digest.update(f.data)
    header = {
        "format": FORMAT_VERSION,
        "build": digest.hexdigest()[:12],  # ?v= on shard and fragment URLs: no stale caches
        "count": len(docs),
        "align": ALIGN,
        "tag_base": layout.tag_base,
        "body_base": layout.body_base,
        "avg_length": sum(body_length(n, layout) for n in slots) / max(1, len(slots)),
        "facets": values,
        "shards": shard_map,
    }
    table = doc_table(docs, values, slots)
    meta = OutputFile(SEARCH_DIR + "meta.bin", _gzip(_framed(header, table)))
    return (meta, *shard_files, *fragments)


def body_length(slots: int, layout: Layout) -> int:
    """The body length BM25 uses: the document's slots less the title and tag areas."""
    return max(1, slots * ALIGN - layout.body_base)


def _date_key(date: str) -> tuple[int, ...]:
    """Newest first: negated date parts (a bare year sorts after its dated days)."""
    parts = [int(p) for p in date.split("-")] + [0, 0]
    return tuple(-p for p in parts[:3])
