"""Search index: SearchDoc -> OutputFiles under search/ (meta, posting buckets, fragments).

The browser cannot run jieba, so exactness comes from character n-grams and
ranking from jieba words where they are cheap (titles and tags):

* every character trigram with its positions (key "t"+trigram): a typed phrase
  of n >= 3 characters matches exactly where the trigrams at offsets 0, 3, 6, ...
  and n-3 occur at the right distances, so recall and precision against
  substring truth are both 1;
* every character bigram with the documents containing it and, per document,
  its count in the body and whether the title or the tags hold it (key
  "b"+bigram): a two-character phrase needs no positions, and a document list
  is far smaller than a position list;
* every character with the documents containing it (key "c"+char);
* jieba search-mode words of the title, plus the tags as whole words, with
  small weights (key "w"+word): a ranking boost, never a filter.

Each document is laid out as title from 0, tags from `tag_base`, body from
`body_base`, then separators up to a multiple of ALIGN; the documents are laid
end to end (newest first) and a position counts from the start of the first,
so a trigram's postings are one sorted list of integers (varint deltas) and
the per-document lengths in the meta table map a position back to its
document and field. Keys are hashed into `buckets` files (s/<n>.bin, a large
bucket continued in s/<n>-<part>.bin): the hash is of the key's anchor (its
first three characters, or all of a shorter key), so the browser finds a key
without any directory, and a word sits in the bucket of the n-gram that the
same query fetches anyway. `search/meta.bin` holds the bucket count, the facet
names and a few varints per document; `search/f/<n>.json` holds what a result
shows, with the first HEAD_CHARS of its text (the rest in `f/<n>t.txt`).
jieba runs on titles only: at ~0.25 M characters/s it would take a
minute over 10,000 bodies, which the n-grams cover exactly anyway.
The byte formats are read back by archive.search_query (Python) and
templates/static/search.js (browser); all three must change together.
"""

from __future__ import annotations

import gzip
import hashlib
import itertools
import json
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from isal import igzip

from archive.memory import release_memory
from archive.model import OutputFile, SearchDoc

FORMAT_VERSION = 3  # 3: fragments as JSON and text, no longer gzipped
SEARCH_DIR = "search/"
# Raw (uncompressed) bytes per bucket on average, and at most per file. Postings
# of varints gzip to about 60-75 %, so 96 KB raw stays well under 100 KB gzip;
# small buckets keep the bytes a query fetches low (a query reads one bucket per
# key it needs, and no directory of buckets).
BUCKET_RAW_BYTES = 6_000
PART_RAW_BYTES = 96_000
ANCHOR_CHARS = 3
# Characters of a text in its result record; the rest is in a tail file (a
# snippet is 110 characters from 30 before the first match).
HEAD_CHARS = 500
MAX_WORD_WEIGHT = 15
TAG_WORD_WEIGHT = 8
GZIP_LEVEL = 6  # meta and fragments (text: zlib's level 6 is 5 % smaller than ISA-L's 3)
POSTINGS_GZIP_LEVEL = 3  # ISA-L's highest
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
    replacements, unsafe = _char_replacements(present_codes(joined).tolist())
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


# Documents normalised in one pass: normalise_all holds a few copies of their joined
# texts at once (over 100 MB for 10,000 articles in one pass).
NORMALISE_BATCH = 1_000


def all_doc_fields(docs: Sequence[SearchDoc]) -> list[tuple[str, tuple[str, ...], str]]:
    """doc_fields of every document, NORMALISE_BATCH documents per pass."""
    if len(docs) > NORMALISE_BATCH:
        return [
            fields
            for start in range(0, len(docs), NORMALISE_BATCH)
            for fields in all_doc_fields(docs[start : start + NORMALISE_BATCH])
        ]
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


# --- varints -----------------------------------------------------------------


def varint_lengths(values: np.ndarray) -> np.ndarray:
    """Bytes each unsigned LEB128 varint takes (values below 2**32)."""
    v = values.astype(np.uint32, copy=False)
    lengths = np.ones(len(v), dtype=np.uint8)  # one byte each: a fraction of int64's traffic
    for limit in (1 << 7, 1 << 14, 1 << 21, 1 << 28):
        lengths += v >= limit
    return lengths


def encode_varints(values: np.ndarray, lengths: np.ndarray | None = None) -> bytes:
    """Unsigned LEB128 of every value, concatenated in order."""
    v = values.astype(np.uint32, copy=False)
    lengths = varint_lengths(v) if lengths is None else lengths
    starts = np.cumsum(lengths, dtype=np.int64) - lengths
    out = np.empty(int(lengths.sum(dtype=np.int64)), dtype=np.uint8)
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
    new_key, deltas = _key_deltas(keys, values)
    lengths = varint_lengths(deltas)
    blob = encode_varints(deltas, lengths)
    return _cut_units(prefix, keys, values, new_key, blob, lengths, 1, key_chars, part_bytes)


def _key_deltas(keys: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(where each key starts, each value less the one before it within its key)."""
    new_key = np.append(True, keys[1:] != keys[:-1])
    deltas = np.diff(values, prepend=0)
    deltas[new_key] = values[new_key]
    return new_key, deltas


def _cut_units(
    prefix: str,
    keys: np.ndarray,
    values: np.ndarray,
    new_key: np.ndarray,
    blob: bytes,
    sizes: np.ndarray,
    per_entry: int,
    key_chars: Callable[[int], str],
    part_bytes: int,
) -> list[Unit]:
    """The units of encoded entries: `sizes` bytes each in `blob`, `per_entry` numbers
    each, cut per key and every part_bytes; a later part's base is the value before it."""
    return [
        Unit(
            key=prefix + key_chars(int(keys[first])),
            part=part,
            data=blob[start:end],
            count=per_entry * (last - first + 1),
            base=0 if new_key[first] else int(values[first - 1]),
        )
        for first, last, part, start, end in _cuts(new_key, sizes, part_bytes)
    ]


def _cuts(
    new_key: np.ndarray, sizes: np.ndarray, part_bytes: int
) -> list[tuple[int, int, int, int, int]]:
    """(first entry, last entry, part, start byte, end byte) of each unit: the entries
    of a key (new_key marks each key's first), cut every part_bytes encoded bytes."""
    ends = np.cumsum(sizes, dtype=np.int64)
    starts = ends - sizes
    key_first = np.flatnonzero(new_key)
    key_of = np.cumsum(new_key) - 1
    part = (starts - starts[key_first][key_of]) // part_bytes
    cut = new_key.copy()
    cut[1:] |= part[1:] != part[:-1]
    firsts = np.flatnonzero(cut)
    lasts = np.append(firsts[1:], len(new_key)) - 1
    columns = (firsts, lasts, part[firsts], starts[firsts], ends[lasts])
    return list(zip(*(column.tolist() for column in columns), strict=True))


# Positions per bucket of the n-gram stage: bounds the stage's temporary arrays
# (about 100 bytes a position: 50 MB) whatever the corpus size. Twice as many
# saved no CPU measurably and raised the peak RSS at 10,000 articles by 70 MB.
BUCKET_POSITIONS = 500_000
# The same for a long-running process (assemble, for serve), where the stage's peak
# adds to everything else held: 40-50 MB lower at 10,000 articles, ~3 % more CPU.
SERVE_BUCKET_POSITIONS = 250_000
# Characters encoded at a time when a whole corpus is turned into code points, so
# the 4-byte copy of the text never exists whole.
CODE_CHUNK = 1 << 20


def present_codes(joined: str) -> np.ndarray:
    """The distinct code points of a text, ascending."""
    seen = np.zeros(1, dtype=bool)
    for start in range(0, len(joined), CODE_CHUNK):
        codes = np.frombuffer(joined[start : start + CODE_CHUNK].encode("utf-32-le"), np.uint32)
        top = int(codes.max()) + 1
        if top > len(seen):
            seen = np.concatenate((seen, np.zeros(top - len(seen), dtype=bool)))
        seen[codes] = True
    return np.flatnonzero(seen)


@dataclass(frozen=True, slots=True)
class Ranked:
    """All documents laid end to end as dense character ranks (0 = separator)."""

    ranks: np.ndarray  # uint16 per position, then two separators past the end
    present: np.ndarray  # the character of each rank
    starts: np.ndarray  # each document's first position, then the total
    slot_doc: np.ndarray  # the document of each ALIGN slot of positions


def rank_texts(texts: Sequence[str]) -> Ranked:
    """Positioned texts (each a multiple of ALIGN long) -> their Ranked form."""
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    total = int(lengths.sum())
    if total >= 1 << 32:  # varints hold positions in 32 bits
        raise ValueError(f"search index: {total} positions, more than 2**32")
    # Code points -> dense ranks in code-point order, so an n-gram packs into few bits;
    # the separator (code 0) is present in every padded document and ranks 0. The
    # texts are joined a chunk at a time: a whole joined copy was 33 MB at 10,000 articles.
    present = np.zeros(1, dtype=np.int64)
    for chunk in _joined_chunks(texts):
        present = np.union1d(present, present_codes(chunk))
    if len(present) > 1 << 16:
        raise ValueError(f"search index: {len(present)} distinct characters, more than 65,536")
    rank = np.zeros(int(present[-1]) + 1, dtype=np.uint16)
    rank[present] = np.arange(len(present), dtype=np.uint16)
    ranks = np.zeros(total + 2, dtype=np.uint16)
    start = 0
    for chunk in _joined_chunks(texts):
        codes = np.frombuffer(chunk.encode("utf-32-le"), np.uint32)
        ranks[start : start + len(codes)] = rank[codes]
        start += len(codes)
    if np.any(lengths % ALIGN):
        raise ValueError("search index: a positioned text is not a multiple of ALIGN long")
    doc_type = np.uint16 if len(texts) <= 1 << 16 else np.uint32
    slot_doc = np.repeat(np.arange(len(texts), dtype=doc_type), lengths // ALIGN)
    return Ranked(ranks, present, np.concatenate(([0], np.cumsum(lengths))), slot_doc)


def _joined_chunks(texts: Sequence[str]) -> Iterator[str]:
    """The texts joined in order, cut between texts once a piece holds CODE_CHUNK characters."""
    batch: list[str] = []
    size = 0
    for text in texts:
        batch.append(text)
        size += len(text)
        if size >= CODE_CHUNK:
            yield "".join(batch)
            batch, size = [], 0
    if batch:
        yield "".join(batch)


def _buckets(ranks: np.ndarray, count: int, size: int) -> tuple[list[tuple[int, int]], np.ndarray]:
    """Ranges of first-character ranks with about `size` positions each, and each
    position's range number (the separator's is never one of them)."""
    counts = np.zeros(count, dtype=np.int64)
    for start in range(0, len(ranks), CODE_CHUNK):  # bincount would copy all ranks to int64
        counts += np.bincount(ranks[start : start + CODE_CHUNK], minlength=count)
    counts[0] = 0
    cumulative = np.cumsum(counts)
    cuts = np.searchsorted(cumulative, np.arange(size, int(cumulative[-1]), size), side="right")
    edges = sorted({1, *cuts.tolist(), count})
    ranges = [(lo, hi) for lo, hi in itertools.pairwise(edges) if lo < hi]
    number = np.full(count, len(ranges), dtype=np.uint8 if len(ranges) < 255 else np.uint32)
    for n, (lo, hi) in enumerate(ranges):
        number[lo:hi] = n
    return ranges, number[ranks]


def _sorted_by_key(keys: np.ndarray, positions: np.ndarray) -> tuple[np.ndarray, ...]:
    """(key, position) pairs with positions ascending -> sorted by key then position.

    A least-significant-digit radix sort on 16-bit digits: numpy sorts 16-bit
    integers stably by counting, which beats one sort of packed 64-bit integers.
    """
    top = int(keys.max()).bit_length() if len(keys) else 0
    digits = [((keys >> shift) & 0xFFFF).astype(np.uint16) for shift in range(16, top, 16)]
    order = np.argsort((keys & 0xFFFF).astype(np.uint16), kind="stable")
    for digit in digits:
        order = order[np.argsort(digit[order], kind="stable")]
    return keys[order], positions[order]


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


def _doc_hits(
    keys: np.ndarray, positions: np.ndarray, ranked: Ranked, layout: Layout
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(key, position) pairs sorted by key then position -> (key, document, hit) per
    distinct pair, where hit = body count << 2 | in tags << 1 | in title."""
    if len(keys) == 0:
        return keys, keys, keys
    docs = ranked.slot_doc[positions // ALIGN].astype(np.int64)
    at = positions - ranked.starts[docs]
    new = np.append(True, (keys[1:] != keys[:-1]) | (docs[1:] != docs[:-1]))
    firsts = np.flatnonzero(new)
    body = np.add.reduceat((at >= layout.body_base).astype(np.int64), firsts)
    # in tags << 1 | in title of each position, OR-ed over the pair in one pass
    fields = ((at >= layout.tag_base) & (at < layout.body_base)).view(np.uint8) << np.uint8(1)
    fields |= (at < layout.tag_base).view(np.uint8)
    return keys[firsts], docs[firsts], (body << 2) | np.bitwise_or.reduceat(fields, firsts)


def _pair_units(
    prefix: str,
    keys: np.ndarray,
    docs: np.ndarray,
    values: np.ndarray,
    key_chars: Callable[[int], str],
    part_bytes: int,
) -> list[Unit]:
    """Per key, [document delta, value] for each of its documents (keys sorted, then
    documents); a key longer than `part_bytes` is cut between pairs, a later part's
    first delta counting from `base`, the document before it."""
    if len(keys) == 0:
        return []
    new_key, deltas = _key_deltas(keys, docs)
    pairs = np.empty(2 * len(keys), dtype=np.int64)
    pairs[0::2], pairs[1::2] = deltas, values
    lengths = varint_lengths(pairs)
    blob = encode_varints(pairs, lengths)
    sizes = lengths[0::2] + lengths[1::2]
    return _cut_units(prefix, keys, docs, new_key, blob, sizes, 2, key_chars, part_bytes)


def ngram_units(
    texts: Sequence[str], layout: Layout, part_bytes: int = PART_RAW_BYTES
) -> list[Unit]:
    """Trigram keys -> global positions in the joined documents; bigram keys ->
    documents with their hits by field; characters -> documents.

    Positions count from the start of the first document; documents are laid
    end to end (each ends with a separator), so the meta table's lengths map a
    position back to its document and field.
    """
    return ranked_units(rank_texts(texts), layout, part_bytes)


def ranked_units(
    ranked: Ranked,
    layout: Layout,
    part_bytes: int = PART_RAW_BYTES,
    bucket_positions: int | None = None,
) -> list[Unit]:
    """ngram_units of texts already ranked. Worked through in buckets of first
    characters of about `bucket_positions` positions (BUCKET_POSITIONS unless
    given), so memory stays bounded; within a bucket, one kind of key at a time,
    each kind's arrays gone before the next kind's are made."""
    ranks, present = ranked.ranks, ranked.present
    count, documents = len(present), len(ranked.starts) - 1

    alphabet = [chr(code) for code in present.tolist()]

    def trigram_chars(lo: int) -> Callable[[int], str]:  # keys count from rank lo
        return lambda k: (
            alphabet[lo + k // (count * count)] + alphabet[k // count % count] + alphabet[k % count]
        )

    def bigram_chars(lo: int) -> Callable[[int], str]:
        return lambda k: alphabet[lo + k // count] + alphabet[k % count]

    units: list[Unit] = []
    ranges, bucket_of = _buckets(ranks, count, bucket_positions or BUCKET_POSITIONS)
    for n, (lo, hi) in enumerate(ranges):
        at = np.flatnonzero(bucket_of == n)  # positions of its characters
        unigrams = _char_docs(ranks[at], ranked.slot_doc[at // ALIGN], lo, hi, documents)
        units += _units("c", *unigrams, alphabet.__getitem__, part_bytes)
        del unigrams
        second = ranks[1:][at]  # ranks[at + 1] without an array of at + 1
        at, second = at[second != 0], second[second != 0]  # bigrams: no separator second
        pairs = (ranks[at].astype(np.int64) - lo) * count + second
        del second
        third = ranks[2:][at]
        tri = third != 0
        keys, positions = _sorted_by_key(pairs[tri] * count + third[tri], at[tri])
        del tri, third
        units += _units("t", keys, positions, trigram_chars(lo), part_bytes)
        del keys, positions
        hits = _doc_hits(*_sorted_by_key(pairs, at), ranked, layout)
        del pairs, at
        units += _pair_units("b", *hits, bigram_chars(lo), part_bytes)
    return units


def word_units(doc_words: Sequence[Counter[str]], part_bytes: int = PART_RAW_BYTES) -> list[Unit]:
    """Word postings: per key, [doc delta, weight] for every document using it."""
    postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for n, weights in enumerate(doc_words):
        for word, weight in weights.items():
            postings[word].append((n, min(weight, MAX_WORD_WEIGHT)))
    words = sorted(postings)
    keys = np.repeat(np.arange(len(words)), [len(postings[w]) for w in words])
    docs = np.array([n for w in words for n, _ in postings[w]], dtype=np.int64)
    weights = np.array([v for w in words for _, v in postings[w]], dtype=np.int64)
    return _pair_units("w", keys, docs, weights, words.__getitem__, part_bytes)


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


def _gzip_postings(data: bytes) -> bytes:
    """gzip of a bucket file by ISA-L: varint postings barely compress better at
    zlib's level 6 (+0.9 % bytes here) which costs six times the CPU (2.8 s
    against 0.4 s for the buckets of 10,000 articles). ISA-L holds the GIL, so
    one thread does it all."""
    return igzip.compress(data, compresslevel=POSTINGS_GZIP_LEVEL, mtime=0)


def _framed(header: object, body: bytes) -> bytes:
    """[4-byte little-endian header length][header JSON][binary body]."""
    head = json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode()
    return len(head).to_bytes(4, "little") + head + body


def _entry_bytes(unit: Unit) -> int:
    """Raw bytes a unit adds to a bucket: its data and its header entry."""
    return len(unit.data) + len(unit.key.encode()) + 16


def anchor(key: str) -> str:
    """The characters that place a key: the first three after its prefix (all of a
    shorter key), so a word lands with the n-gram its query fetches anyway."""
    return key[1 : 1 + ANCHOR_CHARS]


FNV_OFFSET, FNV_PRIME = 0x811C9DC5, 0x01000193


def bucket_of(key: str, buckets: int) -> int:
    """FNV-1a (32-bit) of the anchor's UTF-16 code units, modulo the bucket count."""
    h = FNV_OFFSET
    for unit in memoryview(anchor(key).encode("utf-16-le")).cast("H"):
        h = ((h ^ unit) * FNV_PRIME) & 0xFFFFFFFF
    return h % buckets


def buckets_of(keys: Sequence[str], buckets: int) -> np.ndarray:
    """bucket_of for many keys at once: the hash steps run over all keys together."""
    width = 2 * ANCHOR_CHARS  # UTF-16 code units: two per character at most
    anchors = [anchor(k).encode("utf-16-le").ljust(2 * width, b"\0") for k in keys]
    units = np.frombuffer(b"".join(anchors), dtype="<u2").reshape(len(keys), width)
    sizes = np.array([len(anchor(k).encode("utf-16-le")) // 2 for k in keys], dtype=np.int64)
    h = np.full(len(keys), FNV_OFFSET, dtype=np.uint32)
    for j in range(width):
        step = (h ^ units[:, j].astype(np.uint32)) * np.uint32(FNV_PRIME)
        h = np.where(sizes > j, step, h)
    return (h % np.uint32(buckets)).astype(np.int64)


def bucket_names(bucket: int, parts: int) -> list[str]:
    """The files of one bucket: s/<n>.bin, then s/<n>-<part>.bin for a large one."""
    return [f"s/{bucket}.bin" if p == 0 else f"s/{bucket}-{p}.bin" for p in range(parts)]


def bucket_count(units: Iterable[Unit], bucket_bytes: int = BUCKET_RAW_BYTES) -> int:
    """How many buckets the units fill at `bucket_bytes` raw bytes each on average."""
    return buckets_for(sum(_entry_bytes(u) for u in units), bucket_bytes)


def buckets_for(total: int, bucket_bytes: int = BUCKET_RAW_BYTES) -> int:
    """Buckets for `total` raw entry bytes: about `bucket_bytes` each, rounded up to a
    number of at most five significant bits (..., 1984, 2048, 2112, ...; 11,264 at
    10,000 articles). An article added or removed then rarely changes the count,
    which would move every key to another bucket (archive.search_incremental
    renumbers documents without a whole build only while the count stays); the
    buckets are at most 1/16 smaller than `bucket_bytes` for it."""
    raw = max(1, -(-total // bucket_bytes))
    step = 1 << max(0, raw.bit_length() - 5)
    return -(-raw // step) * step


def group_units(units: Sequence[Unit], count: int) -> list[list[Unit]]:
    """The units of each bucket."""
    groups: list[list[Unit]] = [[] for _ in range(count)]
    placed = buckets_of([u.key for u in units], count).tolist()
    for unit, bucket in zip(units, placed, strict=True):
        groups[bucket].append(unit)
    return groups


def pack_groups(
    groups: dict[int, list[Unit]], part_bytes: int = PART_RAW_BYTES
) -> dict[int, list[OutputFile]]:
    """Each bucket's units -> its gzip files, cut before `part_bytes` raw bytes.

    A file's header lists [key, byte length, value count] per unit, plus the
    base value for a later part of a split key; offsets follow from the lengths.
    Every bucket has a file, empty or not, so no lookup ever meets a 404.
    """
    names, raws, owners = [], [], []
    for n, group in groups.items():
        batches, batch, size = [], [], 0
        for unit in sorted(group, key=lambda u: (u.key, u.part)):
            if batch and size + _entry_bytes(unit) > part_bytes:
                batches.append(batch)
                batch, size = [], 0
            batch.append(unit)
            size += _entry_bytes(unit)
        batches.append(batch)
        names += bucket_names(n, len(batches))
        owners += [n] * len(batches)
        raws += [
            _framed(
                [[u.key, len(u.data), u.count, *([u.base] if u.base else [])] for u in b],
                b"".join(u.data for u in b),
            )
            for b in batches
        ]
    out: dict[int, list[OutputFile]] = {n: [] for n in groups}
    for n, name, raw in zip(owners, names, raws, strict=True):
        out[n].append(OutputFile(SEARCH_DIR + name, _gzip_postings(raw)))
    return out


def bucket_units(files: Sequence[OutputFile]) -> list[Unit]:
    """The units a bucket's files hold (pack_groups read back): a split key's parts
    numbered in order from 0, as _cuts numbers them."""
    units: list[Unit] = []
    parts: dict[str, int] = {}
    for file in files:
        raw = igzip.decompress(file.data)
        size = int.from_bytes(raw[:4], "little")
        at = 4 + size
        for key, length, count, *base in json.loads(raw[4:at]):
            part = parts[key] = parts.get(key, -1) + 1
            units.append(Unit(key, part, raw[at : at + length], count, base[0] if base else 0))
            at += length
    return units


def facet_values(docs: Sequence[SearchDoc]) -> dict[str, list[str]]:
    """Every value of each facet, in display order (years newest first)."""
    return {
        "district": sorted({d for doc in docs for d in doc.districts}),
        "programme": sorted({p for doc in docs for p in doc.programmes}),
        "year": sorted({doc.year for doc in docs}, reverse=True),
        "kind": sorted({doc.kind for doc in docs}),
    }


def doc_table(docs: Sequence[SearchDoc], values: dict[str, list[str]], slots: list[int]) -> bytes:
    """Varint columns: every year, kind and length in ALIGN slots; then, for each
    district and each programme (in facet order), its number of documents and
    their numbers as deltas.

    Column by column (not document by document) so gzip sees like next to like;
    the lists by value are smaller than lists by document.
    """
    index = {facet: {v: i for i, v in enumerate(vals)} for facet, vals in values.items()}
    out: list[int] = [index["year"][d.year] for d in docs]
    out += [index["kind"][d.kind] for d in docs]
    out += slots
    for facet, attribute in (("district", "districts"), ("programme", "programmes")):
        having: list[list[int]] = [[] for _ in values[facet]]
        for n, doc in enumerate(docs):
            for name in dict.fromkeys(getattr(doc, attribute)):
                having[index[facet][name]].append(n)
        for numbers in having:
            out += [len(numbers), *np.diff(numbers, prepend=0).tolist()]
    return encode_varint_list(out)


def fragment(doc: SearchDoc) -> bytes:
    """What a result shows: URL, title, date, tags and the head of the text (JSON);
    `more` says a tail file holds the rest."""
    record = {
        "url": doc.url,
        "title": doc.title,
        "date": doc.date,
        "kind": doc.kind,
        "districts": list(doc.districts),
        "programmes": list(doc.programmes),
        "text": doc.text[:HEAD_CHARS],
        "more": len(doc.text) > HEAD_CHARS,
    }
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode()


# Buckets packed together in a one-shot build: raw bytes live only until their
# batch is gzipped.
PACK_BATCH = 1_000
FRAGMENT_HEAD, FRAGMENT_TAIL = "f/{}.json", "f/{}t.txt"


def fragment_pairs(docs: Sequence[SearchDoc]) -> list[tuple[OutputFile, OutputFile | None]]:
    """Per document: f/<n>.json, and f/<n>t.txt (the text after the head, UTF-8) when
    the text is longer than the head: most snippets lie in the head, so the page
    fetches a tail only for a result whose first match lies beyond it. Numbered
    as the documents are here (from 0)."""
    return fragment_pairs_at(docs, range(len(docs)))


def fragment_pairs_at(
    docs: Sequence[SearchDoc], numbers: Iterable[int]
) -> list[tuple[OutputFile, OutputFile | None]]:
    """fragment_pairs of documents numbered `numbers`.

    Stored as text, not gzipped: GitHub Pages gzips JSON and plain text on the
    fly (as it does HTML), so the bytes a reader fetches are the same, and the
    build saves gzipping every article's text (1.3 s of CPU at 10,000 articles).
    """
    return [
        (
            OutputFile(SEARCH_DIR + FRAGMENT_HEAD.format(n), fragment(doc)),
            OutputFile(SEARCH_DIR + FRAGMENT_TAIL.format(n), doc.text[HEAD_CHARS:].encode())
            if len(doc.text) > HEAD_CHARS
            else None,
        )
        for n, doc in zip(numbers, docs, strict=True)
    ]


@dataclass(frozen=True)
class Assembled:
    """A whole index with what went into it: the files, and the per-document and
    per-bucket pieces an incremental update (archive.search_incremental) reuses."""

    docs: tuple[SearchDoc, ...]  # newest first: a document's number is its place here
    words: tuple[Counter[str], ...]
    layout: Layout
    # Each positioned text's length in ALIGN slots. Neither the normalised fields,
    # the texts nor the units are kept: fields are normalised again from the
    # documents where needed, a bucket's units read back from its files
    # (bucket_units), which serve holds anyway (at 10,000 articles these were 140 MB).
    slots: tuple[int, ...]
    entry_bytes: int  # raw bytes of all units with their header entries (sets the bucket count)
    bucket_files: tuple[tuple[OutputFile, ...], ...]
    fragments: tuple[tuple[OutputFile, OutputFile | None], ...]
    files: tuple[OutputFile, ...]
    table: FacetTable  # what meta.bin says of every document besides the build id


@dataclass(frozen=True)
class FacetTable:
    """meta.bin's facet values, document table and mean body length.

    They depend on each document's year, kind, districts, programmes and length
    only, so an edit that keeps those (a title, a sentence) keeps the table.
    """

    values: dict[str, list[str]]
    rows: bytes
    avg_length: float


def facet_table(docs: Sequence[SearchDoc], layout: Layout, slots: Sequence[int]) -> FacetTable:
    """The FacetTable of documents laid out so, `slots` ALIGN-slots long each."""
    values = facet_values(docs)
    rows = doc_table(docs, values, list(slots))
    average = sum(body_length(n, layout) for n in slots) / max(1, len(slots))
    return FacetTable(values, rows, average)


Digests = Callable[[Sequence[OutputFile]], bytes]


def assemble(
    docs: Sequence[SearchDoc],
    fields: Sequence[tuple[str, tuple[str, ...], str]],
    words: Sequence[Counter[str]],
    fragments: Sequence[tuple[OutputFile, OutputFile | None]],
    bucket_bytes: int = BUCKET_RAW_BYTES,
    part_bytes: int = PART_RAW_BYTES,
    digests_of: Digests | None = None,
) -> Assembled:
    """The index of documents already in order, with their fields, words and fragments."""
    layout = layout_for(fields)
    texts = [positioned_text(f, layout) for f in fields]
    # Gone here unless the caller holds them: at 10,000 articles, 31 MB less while
    # the n-grams are made.
    del fields
    slots = [len(t) // ALIGN for t in texts]
    ranked = rank_texts(texts)
    del texts
    units = ranked_units(ranked, layout, part_bytes, SERVE_BUCKET_POSITIONS)
    del ranked
    units += word_units(words, part_bytes)
    total = sum(_entry_bytes(u) for u in units)
    groups = group_units(units, buckets_for(total, bucket_bytes))
    del units  # the groups hold the units until each batch is packed
    bucket_files = pack_consumed(groups, part_bytes)
    return finish(docs, words, layout, slots, bucket_files, fragments, digests_of or _sha1s, total)


def finish(
    docs: Sequence[SearchDoc],
    words: Sequence[Counter[str]],
    layout: Layout,
    slots: Sequence[int],
    bucket_files: Sequence[Sequence[OutputFile]],
    fragments: Sequence[tuple[OutputFile, OutputFile | None]],
    digests_of: Digests,
    entry_bytes: int,
    table: FacetTable | None = None,
) -> Assembled:
    """Meta and the file list around packed buckets and fragments, for documents
    `slots` ALIGN-slots long each; `table`, when given, is the FacetTable of these
    documents (kept from an earlier build)."""
    if table is None:
        table = facet_table(docs, layout, slots)
    return Assembled(
        docs=tuple(docs), words=tuple(words), layout=layout,
        slots=tuple(slots), entry_bytes=entry_bytes,
        bucket_files=tuple(map(tuple, bucket_files)), fragments=tuple(fragments),
        files=index_files(docs, layout, table, bucket_files, fragments, digests_of),
        table=table,
    )  # fmt: skip


def index_files(
    docs: Sequence[SearchDoc],
    layout: Layout,
    table: FacetTable,
    bucket_files: Sequence[Sequence[OutputFile]],
    fragments: Sequence[tuple[OutputFile, OutputFile | None]],
    digests_of: Digests,
) -> tuple[OutputFile, ...]:
    """meta.bin (with the documents' FacetTable), then the buckets' files, then the
    fragments. `digests_of` gives the files' sha1 digests, one after the other."""
    bucket_list = [f for files in bucket_files for f in files]
    fragment_list = [head for head, _ in fragments] + [t for _, t in fragments if t is not None]
    digest = hashlib.sha1(digests_of([*bucket_list, *fragment_list]))
    header = {
        "format": FORMAT_VERSION,
        "build": digest.hexdigest()[:12],  # ?v= on bucket and fragment URLs: no stale caches
        "count": len(docs),
        "align": ALIGN,
        "tag_base": layout.tag_base,
        "body_base": layout.body_base,
        "avg_length": table.avg_length,
        "facets": table.values,
        "head": HEAD_CHARS,  # characters of the text in f/<n>.json
        "buckets": len(bucket_files),
        "parts": {str(n): len(files) for n, files in enumerate(bucket_files) if len(files) > 1},
    }
    meta = OutputFile(SEARCH_DIR + "meta.bin", _gzip(_framed(header, table.rows)))
    return (meta, *bucket_list, *fragment_list)


def _sha1s(files: Sequence[OutputFile]) -> bytes:
    """The sha1 digest of every file, one after the other."""
    return b"".join(hashlib.sha1(f.data).digest() for f in files)


def sort_docs(docs: Iterable[SearchDoc]) -> list[SearchDoc]:
    """Newest first, then by id: the order that numbers the documents."""
    return sorted(docs, key=lambda d: (_date_key(d.date), d.id))


def build_index(
    docs: Sequence[SearchDoc],
    tokenize: Callable[[str], Iterable[str]],
    bucket_bytes: int = BUCKET_RAW_BYTES,
    part_bytes: int = PART_RAW_BYTES,
) -> tuple[OutputFile, ...]:
    """All search files for the documents (newest first), paths relative to site/.

    `bucket_bytes` is the mean raw size of a bucket and `part_bytes` bounds the
    raw size of one file (the defaults keep every file far below 100 KB gzip).
    """
    docs = sort_docs(docs)
    fields = all_doc_fields(docs)
    words = [words_of(f, tokenize) for f in fields]
    layout = layout_for(fields)
    ranked = rank_texts([positioned_text(f, layout) for f in fields])
    del fields  # unlike assemble, keeps nothing an incremental update would reuse
    slots = ((ranked.starts[1:] - ranked.starts[:-1]) // ALIGN).tolist()
    units = ranked_units(ranked, layout, part_bytes)
    del ranked
    # The n-gram arrays are gone: hand their pages back before the buckets are packed.
    release_memory()
    units += word_units(words, part_bytes)
    groups = group_units(units, bucket_count(units, bucket_bytes))
    del units
    bucket_files = pack_consumed(groups, part_bytes)
    table = facet_table(docs, layout, slots)
    return index_files(docs, layout, table, bucket_files, fragment_pairs(docs), _sha1s)


def pack_consumed(groups: list[list[Unit]], part_bytes: int) -> list[list[OutputFile]]:
    """The files of every bucket, packed PACK_BATCH buckets at a time; each group is
    emptied once packed, so units and raw bytes go while the gzip files come."""
    out: list[list[OutputFile]] = []
    for start in range(0, len(groups), PACK_BATCH):
        numbers = range(start, min(start + PACK_BATCH, len(groups)))
        batch = {n: groups[n] for n in numbers}
        for n in numbers:
            groups[n] = []
        packed = pack_groups(batch, part_bytes)
        del batch
        out += [packed[n] for n in numbers]
    return out


def body_length(slots: int, layout: Layout) -> int:
    """The body length BM25 uses: the document's slots less the title and tag areas."""
    return max(1, slots * ALIGN - layout.body_base)


def _date_key(date: str) -> tuple[int, ...]:
    """Newest first: negated date parts (a bare year sorts after its dated days)."""
    parts = [int(p) for p in date.split("-")] + [0, 0]
    return tuple(-p for p in parts[:3])
