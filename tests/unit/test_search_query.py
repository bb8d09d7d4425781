"""Search query reference (archive.search_query) against substring truth on the seed pages."""

from __future__ import annotations

from pathlib import Path

import pytest
from search_seeds import PROGRAMMES, content_docs, load_queries, seed_docs, truth

from archive.search_index import _date_key, build_index, normalise
from archive.search_query import SearchIndex, files_reader
from archive.segment import make_segmenter
from archive.taxonomy import load_taxonomy

ROOT = Path(__file__).resolve().parents[2]
QUERIES = load_queries()


@pytest.fixture(scope="module")
def tokenize():
    """jieba search mode with the project's taxonomy words."""
    return make_segmenter(load_taxonomy(ROOT / "content" / "taxonomy")).search_words


@pytest.fixture(scope="module")
def docs():
    return seed_docs()


@pytest.fixture(scope="module")
def built(docs, tokenize):
    """The index files of the seed corpus, in memory."""
    return {f.path: f.data for f in build_index(docs, tokenize)}


@pytest.fixture(scope="module")
def ordered(docs):
    """Document numbers -> SearchDoc, in the index's order (newest first)."""
    return sorted(docs, key=lambda d: (_date_key(d.date), d.id))


def ids(index_docs, numbers):
    return [index_docs[n].id for n in numbers]


def test_query_set_is_broad():
    categories = {c for _, c in QUERIES}
    assert len(QUERIES) >= 60
    assert {
        "word",
        "programme",
        "name",
        "place",
        "number",
        "phrase",
        "char1",
        "char2",
    } <= categories


@pytest.mark.parametrize(("query", "category"), QUERIES, ids=[q for q, _ in QUERIES])
def test_results_equal_substring_truth(built, docs, ordered, query, category):
    outcome = SearchIndex(files_reader(built)).search(query)
    expected = truth(docs, query)
    assert set(ids(ordered, outcome.docs)) == expected
    assert outcome.state == ("results" if expected else "none")
    assert len(outcome.docs) == len(set(outcome.docs))


@pytest.fixture(scope="module")
def shipped(tokenize):
    """The shipped archive (content/articles/) and its index, in index order."""
    docs = content_docs()
    files = {f.path: f.data for f in build_index(docs, tokenize)}
    return docs, sorted(docs, key=lambda d: (_date_key(d.date), d.id)), files


@pytest.mark.parametrize(("query", "category"), QUERIES, ids=[q for q, _ in QUERIES])
def test_shipped_archive_results_equal_substring_truth(shipped, query, category):
    docs, ordered, files = shipped
    outcome = SearchIndex(files_reader(files)).search(query)
    assert set(ids(ordered, outcome.docs)) == truth(docs, query)


def test_shipped_programmes_rank_their_articles_first(shipped):
    docs, ordered, files = shipped
    index, checked = SearchIndex(files_reader(files)), 0
    for name in sorted({p for d in docs for p in d.programmes}):
        tagged = {d.id for d in docs if name in d.programmes}
        ranked = ids(ordered, index.search(name).docs)
        assert set(ranked[: len(tagged)]) == tagged, name
        checked += 1
    assert checked >= 5


def test_truth_is_not_trivial(docs):
    """The query set finds something for nearly every query, and not everything."""
    sizes = {q: len(truth(docs, q)) for q, c in QUERIES if c != "absent"}
    assert sum(1 for n in sizes.values() if n) >= len(sizes) - 2
    assert any(0 < n < len(docs) // 4 for n in sizes.values())


def test_programme_name_ranks_its_articles_first(built, docs, ordered):
    """Articles tagged with a programme come before those that only mention it."""
    index, checked = SearchIndex(files_reader(built)), 0
    for query in PROGRAMMES:
        tagged = {d.id for d in docs if query in d.programmes}
        ranked = ids(ordered, index.search(query).docs)
        assert set(ranked[: len(tagged)]) == tagged, query
        checked += bool(tagged) and len(ranked) > len(tagged)
    assert checked >= 3


def test_title_hits_rank_above_body_only_hits(built, ordered):
    index, checked = SearchIndex(files_reader(built)), 0
    for query in ("社区", "企业", "服务", "党建", "网格", "项目", "营商环境"):
        ranked = index.search(query).docs
        in_title = [normalise(query) in normalise(ordered[n].title) for n in ranked]
        assert in_title == sorted(in_title, reverse=True), query
        checked += 0 < sum(in_title) < len(ranked)
    assert checked >= 3


@pytest.mark.parametrize(
    ("query", "state"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("a", "short"),
        ("7", "short"),
        ("%", "short"),
        ("区", "results"),
        ("营商 a", "short"),
        ("zz", "none"),
    ],
)
def test_states(built, query, state):
    assert SearchIndex(files_reader(built)).search(query).state == state


def test_width_case_and_spaces_are_normalised(built):
    index = SearchIndex(files_reader(built))
    plain = index.search("99.38%").docs
    assert plain
    assert index.search("９９．３８％").docs == plain
    phrase = set(index.search("营商环境").docs)
    both_words = set(index.search("营商\u3000环境").docs)  # ideographic space: two terms
    assert phrase and both_words >= phrase


def test_filters_narrow_and_filter_only_lists_newest_first(built, docs, ordered):
    index = SearchIndex(files_reader(built))
    everything = index.search("企业")
    narrowed = index.search("企业", {"district": "二七区"})
    assert set(narrowed.docs) < set(everything.docs)
    assert all("二七区" in ordered[n].districts for n in narrowed.docs)
    only = index.search("", {"programme": "一把手走流程"})
    expected = [n for n, d in enumerate(ordered) if "一把手走流程" in d.programmes]
    assert list(only.docs) == expected
    assert index.search("企业", {"district": "不存在区"}).state == "none"


def test_facet_counts_count_the_results(built, ordered):
    outcome = SearchIndex(files_reader(built)).search("社区")
    years = dict(outcome.facets["year"])
    for year, count in years.items():
        assert count == sum(1 for n in outcome.docs if ordered[n].year == year)
    districts = dict(outcome.facets["district"])
    assert districts["二七区"] == sum(1 for n in outcome.docs if "二七区" in ordered[n].districts)
    counts = [c for _, c in outcome.facets["programme"]]
    assert counts == sorted(counts, reverse=True)


def test_a_query_fetches_only_the_buckets_it_needs(docs, tokenize):
    """With many small buckets, a query reads meta + one bucket per n-gram it needs:
    its word is in the bucket of its first n-gram."""
    files = {f.path: f.data for f in build_index(docs, tokenize, bucket_bytes=1_000)}
    assert len([p for p in files if p.startswith("search/s/")]) >= 30
    index = SearchIndex(files_reader(files))
    for query, buckets in (("景静", 1), ("二七区", 1), ("饮马池社区", 2), ("营商环境专项奖", 3)):
        index.fetched.clear()
        index.search(query)
        assert 1 <= len(set(index.fetched) - {"meta.bin"}) <= buckets, query
    assert index.search("二七区").docs


def test_split_keys_give_the_same_answers(built, docs, tokenize):
    """Keys cut into many parts across bucket files answer exactly like whole keys."""
    split = {f.path: f.data for f in build_index(docs, tokenize, bucket_bytes=300, part_bytes=40)}
    whole, parts = SearchIndex(files_reader(built)), SearchIndex(files_reader(split))
    assert len(split) > len(built) + 100
    for query, _ in QUERIES:
        assert parts.search(query).docs == whole.search(query).docs, query
