"""SearchIndexer (archive.search_incremental): every update equals a whole build, byte for byte."""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import pytest
from search_seeds import seed_docs

from archive import search_incremental
from archive.config import SiteConfig
from archive.model import Article
from archive.search import search_doc
from archive.search_incremental import SearchIndexer, decode_varints
from archive.search_index import build_index, encode_varints
from archive.search_query import unframe
from archive.segment import make_segmenter
from archive.taxonomy import load_taxonomy

ROOT = Path(__file__).resolve().parents[2]
CONFIG = SiteConfig(title="t", description="d", base_url="https://example.org/sub/", root=ROOT)
# Small buckets and files, so that edits meet many buckets and keys split in parts.
SIZES = {"bucket_bytes": 700, "part_bytes": 400}


@pytest.fixture(scope="module")
def taxonomy():
    return load_taxonomy(ROOT / "content" / "taxonomy")


@pytest.fixture(scope="module")
def tokenize(taxonomy):
    return make_segmenter(taxonomy).search_words


def seed_articles() -> list[Article]:
    """The seed corpus as articles (bodies are plain text, which is valid Markdown)."""
    return [
        Article(
            id=d.id,
            title=d.title,
            date=d.date,
            body=d.text,
            kind=d.kind,
            districts=d.districts,
            programmes=d.programmes,
            places=d.places,
            reporters=d.people,
        )
        for d in seed_docs()
    ]


def whole_build(articles: list[Article], tokenize) -> list[tuple[str, bytes]]:
    """What build_search_index writes for the articles (with the test's sizes)."""
    docs = [search_doc(a, CONFIG.base_path) for a in articles]
    return [(f.path, f.data) for f in build_index(docs, tokenize, **SIZES)]


def same_length_edit(text: str, rng: random.Random) -> str:
    """A few characters replaced by others: the text keeps its length."""
    chars = list(text)
    for _ in range(rng.randint(1, 4)):
        at = rng.randrange(len(chars))
        if chars[at] not in "\n ":
            chars[at] = rng.choice("区企网镇营商环境服务社区群众新词甲乙丙")
    return "".join(chars)


# "longest title" and "longer title" move the layout's widths, which the longest sets.
EDIT_KINDS = ("text", "text", "text", "grow", "tag", "delete", "add", "reorder", "twice", "none")
EDIT_KINDS += ("longest title", "longer title")


def edit(articles: list[Article], rng: random.Random, spare: list[Article]) -> str:
    """One random edit of the list, in place; returns its kind."""
    kind = rng.choice(EDIT_KINDS)
    n = rng.randrange(len(articles))
    article = articles[n]
    if kind == "text":
        articles[n] = replace(article, body=same_length_edit(article.body, rng))
    elif kind == "grow":
        articles[n] = replace(article, body=article.body + "\n\n补充一段新的文字，含“营商环境”。")
    elif kind == "tag":
        programmes = article.programmes[1:] if article.programmes else ("郑好办",)
        articles[n] = replace(article, programmes=programmes)
    elif kind == "delete" and len(articles) > 3:
        spare.append(articles.pop(n))
    elif kind == "add" and spare:
        articles.insert(n, spare.pop())
    elif kind == "reorder":
        articles[n] = replace(article, date="2031-01-0" + str(rng.randint(1, 9)))
        rng.shuffle(articles)
    elif kind == "longest title":  # shorter: the title area would shrink
        n = max(range(len(articles)), key=lambda i: len(articles[i].title))
        articles[n] = replace(articles[n], title=articles[n].title[:-1])
    elif kind == "longer title":
        articles[n] = replace(article, title=article.title + "新")
    elif kind == "twice":
        m = rng.randrange(len(articles))
        articles[n] = replace(article, body=same_length_edit(article.body, rng))
        articles[m] = replace(articles[m], title=same_length_edit(articles[m].title, rng))
    return kind


def test_random_edits_give_what_a_whole_build_gives(taxonomy, tokenize):
    rng = random.Random(4)
    articles, spare = seed_articles(), []
    indexer = SearchIndexer(CONFIG, taxonomy, **SIZES)
    assert [(f.path, f.data) for f in indexer.files(articles)] == whole_build(articles, tokenize)
    assert indexer.last_update == "full"
    ways = []
    for step in range(40):
        kind = edit(articles, rng, spare)
        got = [(f.path, f.data) for f in indexer.files(articles)]
        assert got == whole_build(articles, tokenize), (step, kind)
        ways.append(indexer.last_update)
    # every path was taken: no change, a partial update, a renumbering
    assert {"unchanged", "incremental", "renumbered"} <= set(ways), ways
    assert ways.count("incremental") >= 10, ways


def test_default_sizes_match_the_whole_build(taxonomy, tokenize):
    articles = seed_articles()
    indexer = SearchIndexer(CONFIG, taxonomy)
    before = {f.path: f for f in indexer.files(articles)}
    articles[5] = replace(articles[5], body=same_length_edit(articles[5].body, random.Random(1)))
    docs = [search_doc(a, CONFIG.base_path) for a in articles]
    after = indexer.files(articles)
    assert after == build_index(docs, tokenize)
    assert indexer.last_update == "incremental"
    # the files not rewritten are the same objects: a writer skips them
    rewritten = [f.path for f in after if before.get(f.path) is not f]
    assert "search/meta.bin" in rewritten and len(rewritten) < len(after) / 4


@pytest.mark.parametrize("change", ["date", "add", "delete", "longest title"])
def test_a_moved_added_or_deleted_article_renumbers_without_a_whole_build(
    taxonomy, tokenize, change
):
    articles = seed_articles()
    # a short article: one more or fewer keeps the bucket count of these sizes
    short = replace(articles[0], id="zz-short", title="短讯", body="社区服务新的一句话。")
    sizes = {"bucket_bytes": 200, "part_bytes": 400}
    if change == "delete":
        articles.append(short)
    indexer = SearchIndexer(CONFIG, taxonomy, **sizes)
    before = {f.path: f for f in indexer.files(articles)}
    if change == "date":  # the newest article becomes the oldest: every number moves
        newest = max(range(len(articles)), key=lambda n: articles[n].date)
        articles[newest] = replace(articles[newest], date="1999-01-01")
    elif change == "add":
        articles.append(short)
    elif change == "delete":
        articles.remove(short)
    else:  # every document's tags and body move to a later base
        articles[2] = replace(articles[2], title=articles[2].title * 3)
    after = indexer.files(articles)
    docs = [search_doc(a, CONFIG.base_path) for a in articles]
    assert after == build_index(docs, tokenize, **sizes)
    assert indexer.last_update == "renumbered"
    # a bucket file whose bytes came out the same is the very object a writer has
    old = {path: f for path, f in before.items() if path.startswith("search/s/")}
    same = [f for f in after if f.path in old and f.data == old[f.path].data]
    assert all(f is before[f.path] for f in same)


def test_an_article_that_changes_the_bucket_count_renumbers_too(taxonomy, tokenize):
    articles = seed_articles()
    sizes = {"bucket_bytes": 30_000, "part_bytes": 400}  # few buckets: a count of one step
    indexer = SearchIndexer(CONFIG, taxonomy, **sizes)
    before = unframe(indexer.files(articles)[0].data)[0]["buckets"]
    articles.append(replace(articles[0], id="zz-long", body=articles[0].body * 40))
    after = indexer.files(articles)
    docs = [search_doc(a, CONFIG.base_path) for a in articles]
    assert after == build_index(docs, tokenize, **sizes)
    assert indexer.last_update == "renumbered"
    assert unframe(after[0].data)[0]["buckets"] != before


def test_many_new_articles_at_once_build_the_whole_index(taxonomy, tokenize, monkeypatch):
    monkeypatch.setattr(search_incremental, "MAX_RENUMBERED", 1)
    articles = seed_articles()
    indexer = SearchIndexer(CONFIG, taxonomy, **SIZES)
    indexer.files(articles)
    for n in (3, 8):
        articles[n] = replace(articles[n], date="2031-01-01")
    assert [(f.path, f.data) for f in indexer.files(articles)] == whole_build(articles, tokenize)
    assert indexer.last_update == "full"


def test_decode_varints_reads_what_encode_writes():
    import numpy as np

    values = np.array([0, 1, 127, 128, 300, 2**21, 2**32 - 1, 5], dtype=np.int64)
    assert decode_varints(encode_varints(values)).tolist() == values.tolist()
    assert decode_varints(b"").tolist() == []
