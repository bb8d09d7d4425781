"""Search index writer (archive.search_index): formats, layout, sizes, determinism."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np
import pytest
from search_seeds import seed_docs

from archive import search_index
from archive.model import SearchDoc
from archive.search_index import (
    Layout,
    bucket_names,
    bucket_of,
    build_index,
    encode_varints,
    layout_for,
    normalise,
    normalise_all,
    positioned_text,
    sort_docs,
)
from archive.search_query import SearchIndex, files_reader, read_varints, unframe
from archive.segment import make_segmenter
from archive.taxonomy import load_taxonomy

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def tokenize():
    return make_segmenter(load_taxonomy(ROOT / "content" / "taxonomy")).search_words


@pytest.fixture(scope="module")
def files(tokenize):
    return build_index(seed_docs(), tokenize)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("９９．３８％", "99.38%"),
        ("群 众 满 意 率", "群众满意率"),
        ("二七帮\u3000易企办", "二七帮易企办"),
        ("ＡＢＣ Wi-Fi", "abcwi-fi"),
        ("第一行\n第二行\t完", "第一行第二行完"),
        ("（记者 景静）", "(记者景静)"),
        ("\u200b零宽\ufeff", "零宽"),
    ],
)
def test_normalise(text, expected):
    assert normalise(text) == expected


@pytest.mark.parametrize(
    "texts",
    [
        ["全角，标点！（括号）", "ＡＢＣ　ｄｅｆ", "e\u0301 和 a\u0308", "ΑΣ Β"],
        ["ｶﾞ", "①②", "ﬁ \u00a8x"],
        ["한", "\u1100\u1161", "中 文\t\n"],
        ["", "plain ascii", "\ue000 private"],
    ],
)
def test_normalise_all_matches_normalise_text_by_text(texts):
    # The per-character fast path must give exactly what full NFKC gives.
    assert normalise_all(texts) == [normalise(t) for t in texts]


@pytest.mark.parametrize(
    "values",
    [[0], [127], [128], [16383, 16384], [2**21 - 1, 2**21], [2**28, 2**32 - 1], list(range(300))],
)
def test_varints_round_trip(values):
    assert list(read_varints(encode_varints(np.array(values, dtype=np.int64)))) == values


def test_layout_puts_each_field_at_its_base():
    doc = SearchDoc(
        id="a", url="/a/", title="标题 一", date="2024", year="2024",
        districts=("二七区",), programmes=("郑好融",), people=("景静",), text="正文。",
    )  # fmt: skip
    fields = ("标题一", ("郑好融", "二七区", "景静"), "正文。")
    layout = layout_for([fields])
    assert layout == Layout(tag_base=4, body_base=4 + len("郑好融\x00二七区\x00景静") + 1)
    text = positioned_text(fields, layout)
    assert text.index("标题") == 0
    assert text.index("郑好融") == layout.tag_base
    assert text.index("正文") == layout.body_base
    assert text.endswith("\x00") and len(text) % 64 == 0
    assert doc.kind == "article"


def test_files_live_under_search_binary_gzipped_and_text_as_text(files):
    """Binary index files are stored gzipped (hosts send them as they are); result
    records are JSON and text, which GitHub Pages gzips on the fly."""
    paths = [f.path for f in files]
    assert paths[0] == "search/meta.bin"
    assert all(p.startswith(("search/meta.bin", "search/s/", "search/f/")) for p in paths)
    assert len(paths) == len(set(paths))
    binary = [f for f in files if f.path.endswith(".bin")]
    text = [f for f in files if not f.path.endswith(".bin")]
    assert all(f.data[:2] == b"\x1f\x8b" for f in binary)
    assert text and all(f.path.endswith((".json", ".txt")) for f in text)
    assert all(f.data.decode("utf-8") for f in text)
    assert max(len(gzip.compress(f.data)) for f in files) < 100_000


def test_two_builds_are_byte_identical(files, tokenize):
    again = build_index(list(reversed(seed_docs())), tokenize)
    assert [(f.path, f.data) for f in again] == [(f.path, f.data) for f in files]


def test_work_in_small_batches_writes_the_same_files(files, tokenize, monkeypatch):
    # the n-grams cut in many small ranges of characters, buckets packed a few at
    # a time: how the work is split never shows in the files
    monkeypatch.setattr(search_index, "BUCKET_POSITIONS", 500)
    monkeypatch.setattr(search_index, "CODE_CHUNK", 777)
    monkeypatch.setattr(search_index, "PACK_BATCH", 3)
    again = build_index(seed_docs(), tokenize)
    assert [(f.path, f.data) for f in again] == [(f.path, f.data) for f in files]


def test_rare_characters_and_long_keys_are_found(tokenize):
    # astral characters (four bytes in UTF-8) and enough distinct characters that
    # a trigram's key needs more than two 16-bit digits to sort
    alphabet = [chr(c) for c in range(0x4E00, 0x4E00 + 3_000)] + ["\U00020000", "\U0001f600"]
    docs = [
        SearchDoc(
            id=f"d{n}", url=f"/a/{n}/", title=f"标题{n}", date="2024-01-02", year="2024",
            kind="news", districts=(), programmes=(), places=(), people=(),
            text="".join(alphabet[(n * 7 + i * i) % len(alphabet)] for i in range(400)),
        )
        for n in range(30)
    ]  # fmt: skip
    files = build_index(docs, tokenize)
    index = SearchIndex(files_reader({f.path: f.data for f in files}))
    numbered = sort_docs(docs)
    for doc in docs[::7]:
        for at in (0, 101, 397):
            phrase = doc.text[at : at + 3]
            hits = {numbered[n].id for n in index.search(phrase).docs}
            assert hits == {d.id for d in docs if phrase in d.text}, phrase


def test_meta_describes_documents_facets_and_buckets(files):
    header, body = unframe(files[0].data)
    docs = seed_docs()
    assert header["count"] == len(docs)
    assert header["facets"]["year"] == sorted({d.year for d in docs}, reverse=True)
    assert "二七区" in header["facets"]["district"]
    parts = header["parts"]
    expected = {
        f"search/{name}"
        for n in range(header["buckets"])
        for name in bucket_names(n, parts.get(str(n), 1))
    }
    assert {f.path for f in files if f.path.startswith("search/s/")} == expected
    assert body


def test_every_key_sits_in_the_bucket_its_anchor_names(tokenize):
    # Small buckets and parts, so that many buckets and split keys exist.
    files = build_index(seed_docs(), tokenize, bucket_bytes=500, part_bytes=200)
    header, _ = unframe(files[0].data)
    assert header["parts"], "some bucket spans several files"
    prefixes = set()
    for f in files:
        if f.path.startswith("search/s/"):
            bucket = int(f.path.removeprefix("search/s/").removesuffix(".bin").split("-")[0])
            entries, _ = unframe(f.data)
            for key, *_ in entries:
                assert bucket_of(key, header["buckets"]) == bucket, key
                prefixes.add(key[0])
    assert prefixes == {"t", "b", "c", "w"}
    # a word shares its anchor with the n-gram its query reads anyway
    assert bucket_of("w二七区", 97) == bucket_of("t二七区", 97)
    assert bucket_of("w营商环境", 97) == bucket_of("t营商环", 97)
    assert bucket_of("w营商", 97) == bucket_of("b营商", 97)


def test_fragment_holds_what_a_result_shows(files):
    docs = {d.url: d for d in seed_docs()}
    fragment = json.loads(next(f for f in files if f.path == "search/f/0.json").data)
    doc = docs[fragment["url"]]
    assert fragment["title"] == doc.title
    by_path = {f.path: f.data for f in files}
    tail = by_path["search/f/0t.txt"].decode() if fragment["more"] else ""
    assert fragment["text"] + tail == doc.text
    assert any(p.endswith("t.txt") for p in by_path), "the longer texts have tails"
    assert fragment["districts"] == list(doc.districts)
    assert fragment["date"] == doc.date


def test_documents_are_numbered_newest_first(files):
    index = SearchIndex(files_reader({f.path: f.data for f in files}))
    dates = [
        json.loads({f.path: f.data for f in files}[f"search/f/{n}.json"])["date"]
        for n in range(index.count)
    ]
    assert dates == sorted(dates, reverse=True)


def test_tags_and_bylines_are_searchable_but_never_joined(tokenize):
    doc = SearchDoc(
        id="x", url="/x/", title="标题", date="2024-01-02", year="2024",
        districts=("二七区",), programmes=("郑好融",), places=("饮马池社区",),
        people=("景静",), text="正文里没有这些名字。",
    )  # fmt: skip
    index = SearchIndex(files_reader({f.path: f.data for f in build_index([doc], tokenize)}))
    for query in ("二七区", "郑好融", "饮马池", "景静", "标题", "没有这些"):
        assert index.search(query).docs == (0,), query
    for query in ("标题郑好融", "郑好融二七区", "景静正文", "题正"):
        assert index.search(query).docs == (), query


def test_an_empty_corpus_builds_and_answers(tokenize):
    files = build_index([], tokenize)
    index = SearchIndex(files_reader({f.path: f.data for f in files}))
    assert index.search("营商").state == "none"
    assert index.search("", {"year": "2024"}).state == "none"
