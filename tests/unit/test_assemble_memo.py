"""assemble with a memo (serve's rebuilds): the Site equals a fresh one, and unchanged parts
are the very objects of the previous Site, after any sequence of edits."""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from archive.assemble import AssembleMemo, assemble
from archive.model import Analysis, Article, KeyFigure, Site
from archive.taxonomy import load_taxonomy

ROOT = Path(__file__).resolve().parents[2]
TAXONOMY = ROOT / "tests" / "fixtures" / "site-min" / "content" / "taxonomy"
ARTICLES = 200
DISTRICTS = ("二七区", "二七", "金水区")
PROGRAMMES = ("一把手走流程", "“一把手”走流程", "郑好融", "惠企大礼包", "睦邻站", "免证办")
PLACES = ("饮马池社区", "祥和社区", "樱桃沟村", "花园路街道", "无名广场", "侯寨乡")
PEOPLE = ("张三", "李四", "王五", "赵六")
WORDS = (*(f"词{n}" for n in range(40)), "热点", "民生")
DATES = ("2023", "2023-05", "2023-05-02", "2024-01-09", "2024-01-09", "2024-03", "2024-11-30")


def _some(rng: random.Random, names: tuple[str, ...], most: int) -> tuple[str, ...]:
    return tuple(rng.sample(names, rng.randint(0, most)))


def _article(rng: random.Random, number: int) -> Article:
    return Article(
        id=f"a{number:04d}",
        title=f"第{number}篇",
        date=rng.choice(DATES),
        body="正文。",
        districts=_some(rng, DISTRICTS, 2),
        programmes=_some(rng, PROGRAMMES, 2),
        places=_some(rng, PLACES, 2),
        reporters=_some(rng, PEOPLE, 2),
        photographers=_some(rng, PEOPLE, 1),
        path=f"content/articles/a{number:04d}.md",
    )


def _analysis(rng: random.Random, article_id: str) -> Analysis:
    figures = tuple(
        KeyFigure(f"指标{n}", f"{rng.randint(1, 99)}家", "count", article_id)
        for n in range(rng.randint(0, 3))
    )
    summary = f"摘要{rng.randint(0, 3)}"
    words = _some(rng, WORDS, 6)
    return Analysis(article_id, summary, rng.randint(50, 3000), figures, words)


def _edit(rng: random.Random, kind: str, articles: list[Article], analyses: dict, fresh: int):
    at = rng.randrange(len(articles))
    article = articles[at]
    articles = list(articles)
    analyses = dict(analyses)
    if kind == "title":  # a new Article object whose names are the same
        articles[at] = dataclasses.replace(article, title=article.title + "改")
    elif kind == "text":
        analyses[article.id] = _analysis(rng, article.id)
    elif kind == "names":
        field = rng.choice(("districts", "programmes", "places", "reporters", "photographers"))
        names = {"districts": DISTRICTS, "programmes": PROGRAMMES, "places": PLACES}
        articles[at] = dataclasses.replace(
            article, **{field: _some(rng, names.get(field, PEOPLE), 2)}
        )
    elif kind == "date":
        articles[at] = dataclasses.replace(article, date=rng.choice(DATES))
    elif kind == "add":
        new = _article(rng, ARTICLES + fresh)
        articles.insert(rng.randrange(len(articles) + 1), new)
        analyses[new.id] = _analysis(rng, new.id)
    elif kind == "delete" and len(articles) > 1:
        del articles[at]
        del analyses[article.id]
    return articles, analyses


def _parts(site: Site) -> dict[tuple[str, str], object]:
    """Every part of a site that must keep its object when it did not change, by a stable name."""
    parts: dict[tuple[str, str], object] = {("matrix", ""): site.matrix}
    parts.update((("article", a.id), a) for a in site.articles)
    parts.update((("entry", e.id), e) for e in site.entries)
    parts.update((("related", e.id), e.related) for e in site.entries)
    for terms in (site.districts, site.programmes, site.places, site.reporters, site.years):
        parts.update(((t.kind, t.slug), t) for t in terms)
    parts.update((("programme facts", f.slug), f) for f in site.programme_facts)
    parts.update((("district facts", f.slug), f) for f in site.district_facts)
    return parts


EDITS = ("title", "title", "text", "text", "names", "names", "date", "add", "delete")


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**32), edits=st.lists(st.sampled_from(EDITS), min_size=3, max_size=8))
def test_memo_site_equals_a_fresh_one_and_keeps_unchanged_objects(
    seed: int, edits: list[str]
) -> None:
    rng = random.Random(seed)
    taxonomy = load_taxonomy(TAXONOMY)
    articles = [_article(rng, n) for n in range(ARTICLES)]
    analyses = {a.id: _analysis(rng, a.id) for a in articles}
    memo = AssembleMemo()
    before = assemble(articles, taxonomy, analyses, memo)
    assert before == assemble(articles, taxonomy, analyses)
    for number, kind in enumerate(edits):
        articles, analyses = _edit(rng, kind, articles, analyses, number)
        taxonomy = load_taxonomy(TAXONOMY)  # read again on every build: equal, not the same
        after = assemble(articles, taxonomy, analyses, memo)
        assert after == assemble(articles, taxonomy, analyses), kind
        old, new = _parts(before), _parts(after)
        assert [
            name for name, part in new.items() if old.get(name) == part and old[name] is not part
        ] == []
        before = after


def _assembled(seed: int):
    """A random corpus, assembled once with a new memo: (articles, analyses, memo, site)."""
    rng = random.Random(seed)
    articles = [_article(rng, n) for n in range(ARTICLES)]
    analyses = {a.id: _analysis(rng, a.id) for a in articles}
    memo = AssembleMemo()
    return articles, analyses, memo, assemble(articles, load_taxonomy(TAXONOMY), analyses, memo)


def test_an_edit_of_one_title_computes_nothing_again_and_keeps_every_other_object() -> None:
    articles, analyses, memo, first = _assembled(5)
    taxonomy = load_taxonomy(TAXONOMY)
    articles[7] = dataclasses.replace(articles[7], title="新标题")
    second = assemble(articles, load_taxonomy(TAXONOMY), analyses, memo)
    assert second == assemble(articles, taxonomy, analyses)
    assert memo.computed == 0  # no piece and no entry reads a title
    assert second.entries is first.entries
    assert second.programmes is first.programmes and second.matrix is first.matrix
    assert sum(a is not b for a, b in zip(first.articles, second.articles, strict=True)) == 1


def test_an_edit_of_one_text_computes_only_what_reads_it() -> None:
    articles, analyses, memo, first = _assembled(6)
    taxonomy = load_taxonomy(TAXONOMY)
    target = articles[11].id
    analyses[target] = dataclasses.replace(analyses[target], summary="新摘要")
    second = assemble(articles, taxonomy, analyses, memo)
    assert second == assemble(articles, taxonomy, analyses)
    assert memo.computed == 1  # the article's entry (its programmes' facts read only figures)
    changed = [e.id for e, f in zip(first.entries, second.entries, strict=True) if e is not f]
    assert changed == [target]


def test_matrix_counts_the_articles_of_each_programme_in_each_district() -> None:
    site = _assembled(8)[3]
    counted = {
        (p.slug, d.slug): sum(
            1
            for e in site.entries
            if p.slug in {r.slug for r in e.programmes} and d.slug in {r.slug for r in e.districts}
        )
        for p in site.programmes
        for d in site.districts
        if d.article_ids
    }
    cells = {
        (row, column): site.matrix.counts[i][j]
        for i, row in enumerate(site.matrix.programmes)
        for j, column in enumerate(site.matrix.districts)
    }
    assert cells == counted and sum(counted.values()) > 0
    assert site.matrix.districts == tuple(d.slug for d in site.districts if d.article_ids)
