"""assemble: terms, places tree, slugs, related articles, neighbours, matrix, from real files."""

from __future__ import annotations

from pathlib import Path

import pytest

from archive.analyse import analyse
from archive.assemble import assemble, place_level, unique_slugs
from archive.load import parse_article
from archive.segment import make_segmenter
from archive.taxonomy import load_taxonomy, make_lookup

ROOT = Path(__file__).resolve().parents[2]
TAXONOMY = ROOT / "tests" / "fixtures" / "site-min" / "content" / "taxonomy"


def _article(number: int, date: str, **lists: str) -> str:
    front = "".join(f"{key}: [{value}]\n" for key, value in lists.items())
    body = "二七区开展活动，服务企业100家。\n"
    return f"---\nid: a{number}\ntitle: 第{number}篇报道\ndate: {date}\n{front}---\n{body}"


@pytest.fixture(scope="module")
def taxonomy():
    return load_taxonomy(TAXONOMY)


@pytest.fixture(scope="module")
def tokenizer(taxonomy):
    return make_segmenter(taxonomy).tokenizer


def _site(taxonomy, tokenizer, texts: list[str]):
    districts = frozenset(make_lookup(taxonomy).districts)
    articles = [
        parse_article(text, Path(f"a{i}.md"), districts, lambda name: "")[0]
        for i, text in enumerate(texts)
    ]
    return assemble(articles, taxonomy, {a.id: analyse(a, tokenizer) for a in articles})


def test_places_form_a_tree_under_their_district(taxonomy, tokenizer) -> None:
    site = _site(taxonomy, tokenizer, [
        _article(1, "2024", districts="二七", places="饮马池社区"),
        _article(2, "2024", districts="金水区", places="祥和社区, 无名广场"),
        _article(3, "2024", districts="二七区", places="祥和社区"),
    ])  # fmt: skip
    places = {(p.district, p.name): p for p in site.places}
    community = places[("erqi-qu", "饮马池社区")]
    street = places[("erqi-qu", "大学路街道")]
    assert (community.level, community.parent) == ("社区", street.slug)
    assert street.article_ids == ()  # listed as the community's parent, not mentioned itself
    # 祥和社区 exists in both districts: each slug names its district, so neither moves later.
    assert places[("erqi-qu", "祥和社区")].slug == "xiang-he-she-qu-erqi-qu"
    assert places[("jinshui-qu", "祥和社区")].slug == "xiang-he-she-qu-jinshui-qu"
    assert places[("jinshui-qu", "无名广场")].level == "地点"
    assert [d.name for d in site.districts if d.article_ids] == ["二七区", "金水区"]


def test_new_programmes_get_pages_slugs_and_a_warning(taxonomy, tokenizer) -> None:
    site = _site(taxonomy, tokenizer, [
        _article(1, "2024-01", programmes="“一把手”走流程, 新举措"),
        _article(2, "2024-02", programmes="新举措"),
    ])  # fmt: skip
    programmes = {p.name: p for p in site.programmes}
    assert programmes["一把手走流程"].known and programmes["一把手走流程"].article_ids == ("a1",)
    assert not programmes["新举措"].known
    assert programmes["新举措"].slug == "xin-ju-cuo"
    assert programmes["新举措"].article_ids == ("a2", "a1")  # newest first
    assert len(site.warnings) == 1 and "“新举措”不在 programmes.yaml 里" in site.warnings[0]


def test_slug_collisions_are_settled_by_sorted_name() -> None:
    assert unique_slugs(["章伟", "张伟"], taken=["zhang-wei-9"]) == {
        "张伟": "zhang-wei",
        "章伟": "zhang-wei-2",
    }
    assert unique_slugs(["张伟"], taken=["zhang-wei"]) == {"张伟": "zhang-wei-2"}


def test_related_prefers_shared_programmes_and_neighbours_follow_time(taxonomy, tokenizer) -> None:
    site = _site(taxonomy, tokenizer, [
        _article(1, "2024-01-01", districts="二七区", programmes="郑好融"),
        _article(2, "2024-02-01", districts="二七区"),
        _article(3, "2024-03-01", districts="二七区", programmes="郑好融"),
        _article(4, "2024-04-01", districts="二七区", programmes="郑好融"),
    ])  # fmt: skip
    entries = {e.id: e for e in site.entries}
    assert [a.id for a in site.articles] == ["a4", "a3", "a2", "a1"]
    assert entries["a3"].related[:2] == ("a4", "a1")  # share 郑好融; then by nearness in time
    assert entries["a3"].neighbours[0].previous == "a1"
    assert entries["a3"].neighbours[0].next == "a4"
    assert entries["a1"].neighbours[0].previous == ""
    facts = site.programme_facts[0]
    assert facts.timeline == (("2024", ("a1", "a3", "a4")),)
    assert facts.districts == (("erqi-qu", 3),)
    assert site.matrix.counts == ((3,),)
    assert entries["a1"].summary == "二七区开展活动，服务企业100家。"
    assert [(f.label, f.value) for f in entries["a1"].figures] == [("服务企业", "100家")]


def test_people_are_grouped_by_role(taxonomy, tokenizer) -> None:
    site = _site(taxonomy, tokenizer, [
        _article(
            1, "2024", reporters="景静", correspondents="康向军, 景静", photographers="刘玉娟"
        ),
    ])  # fmt: skip
    people = site.entries[0].people
    assert [(role, [r.name for r in refs]) for role, refs in people] == [
        ("记者", ["景静"]),
        ("通讯员", ["康向军", "景静"]),
        ("摄影", ["刘玉娟"]),
    ]
    assert {t.name: t.article_ids for t in site.reporters}["景静"] == ("a1",)


@pytest.mark.parametrize(
    ("name", "level"),
    [("大学路街道", "街道"), ("侯寨乡", "乡镇"), ("贾鲁河镇", "乡镇"), ("饮马池社区", "社区"),
     ("樱桃沟村", "村"), ("德化步行街", "地点")],
)  # fmt: skip
def test_place_levels(name: str, level: str) -> None:
    assert place_level(name) == level
