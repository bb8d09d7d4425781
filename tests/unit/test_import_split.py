"""Splitting pages into items: articles and picture items, headline roles,
section headings, captions, banners and bylines, on the seed pages."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from archive.importer.clean import clean_page
from archive.importer.decode import decode_page
from archive.importer.emit import render_body
from archive.importer.record import CAPTION, HEADING, Byline, Item
from archive.importer.split import split_page
from archive.importer.titles import choose_headline

SHARED = Path(__file__).resolve().parents[3] / "shared"
GOLD = yaml.safe_load((SHARED / "gold" / "seeds.yaml").read_text(encoding="utf-8"))["pages"]


def _items(name: str) -> tuple[Item, ...]:
    path = SHARED / "seeds" / name
    return split_page(clean_page(decode_page(path.read_bytes(), path)))


def _plain(item: Item) -> str:
    return "".join(block.text for block in item.blocks).replace(" ", "")


@pytest.mark.parametrize("name", sorted(GOLD))
def test_seed_items_match_the_gold_reading(name: str) -> None:
    items = _items(name)
    gold = GOLD[name]["items"]
    assert len(items) == len(gold)
    for item, expected in zip(items, gold, strict=True):
        assert item.kind == expected["kind"]
        assert _plain(item).startswith(expected["starts"].replace(" ", ""))
        headline = choose_headline(item)
        if expected["title"] is None:
            assert headline.generated and 4 <= len(headline.title) <= 31
        else:
            assert headline.title in (expected["title"], expected.get("title_alt"))
        for role in ("reporters", "correspondents", "photographers"):
            assert set(getattr(item.byline, role)) == set(expected.get(role) or [])


def test_seed_002_captions_and_section_headings() -> None:
    item = _items("002_79b86d217c1c0a37.txt")[1]
    kinds = {block.text: block.kind for block in item.blocks}
    assert kinds["走访群众"] == CAPTION
    assert kinds["了解实际困难，解决问题、化解矛盾"] == CAPTION
    assert kinds["慰问社区群众"] == CAPTION
    assert kinds["从“名声在外”到声名远扬"] == HEADING
    assert kinds["集体企业发展好了，村民也受益了"] == HEADING
    body = render_body(item.blocks)
    assert "*图：走访群众*" in body and "\n## 从“名声在外”到声名远扬\n" in body


def test_seed_002_first_article_section_headings() -> None:
    body = render_body(_items("002_79b86d217c1c0a37.txt")[0].blocks)
    for heading in ("打造一个品牌", "坚持两个原则", "组建三支队伍", "健全四大机制", "做优五项服务"):
        assert f"\n## {heading}\n" in body


def test_seed_003_banner_becomes_kicker_and_marked_headings_sections() -> None:
    first, second = _items("003_ef0dfcdc659bc177.txt")
    assert choose_headline(first).kicker == "聚焦高质量发展 全力以赴拼经济"
    assert "\n## 贴心服务助力企业快速发展\n" in render_body(first.blocks)
    assert choose_headline(second).kicker == "党建引领网格化治理"


def test_seed_004_headline_subtitle_and_photo_items() -> None:
    items = _items("004_aeb926b516ef7bc4.txt")
    assert choose_headline(items[0]).subtitle == "二七区为群众办事加速增温"
    assert "\n## 大面积“撒网” 搭建无处不在的政务服务平台\n" in render_body(items[0].blocks)
    photos = [item for item in items if item.kind == "photo"]
    assert [p.byline.photographers for p in photos] == [("刘玉娟",), ("李晓光", "杨红晓")]
    assert all(len(p.blocks) == 1 for p in photos)


@pytest.mark.parametrize(
    ("page", "kinds"),
    [
        # a titled one-paragraph item with a 摄 credit is a picture item
        ("喜迎国庆\n\n市民在广场上合影留念。\n本报记者 王刚 摄\n", ["photo"]),
        # a multi-paragraph article signed 摄 stays an article, its author a photographer
        ("标题一\n\n本报讯 第一段。\n\n第二段。\n本报记者 王刚 摄\n", ["article"]),
        # a caption after a signed article is a picture item of its own
        (
            "标题一\n\n本报讯 第一段。\n记者 李四\n\n居民在公园里锻炼。\n本报记者 王刚 摄\n",
            ["article", "photo"],
        ),
        # a byline printed under the headline opens the item it signs
        (
            "标题甲\n本报记者 张三 报道\n\n正文一段。\n\n标题乙\n\n本报记者 李四\n\n正文乙。\n",
            ["article"] * 2,
        ),
        # signed at its top, an article keeps its marked section headings
        (
            "标题\n\n本报记者 王红 文/图\n\n第一段。\n\n■ 小标题\n\n第二段。\n\n新标题\n\n正文。\n",
            ["article"] * 2,
        ),
        # a short line ending in a colon leads into the text: a paragraph, not a heading
        ("标题\n\n本报讯 第一段。\n\n主要做法如下：\n\n一是加强领导。\n记者 甲乙\n", ["article"]),
        # an unsigned article, then a caption set apart by more blank lines: a picture item
        (
            "标题一\n\n第一段。\n\n第二段。\n\n\n\n民警开展练兵活动。\n\n本报记者 王刚 摄\n",
            ["article", "photo"],
        ),
        # three 本报讯 datelines, three articles, no headlines
        ("本报讯 一。\n记者 甲乙\n\n本报讯 二。\n\n本报讯 三。\n", ["article"] * 3),
    ],
)
def test_item_boundaries(page: str, kinds: list[str]) -> None:
    assert [item.kind for item in split_page(clean_page(page))] == kinds


def test_colon_line_stays_a_paragraph() -> None:
    (item,) = split_page(
        clean_page("标题\n\n本报讯 第一段。\n\n主要做法如下：\n\n一是加强领导。\n")
    )
    assert [block.kind for block in item.blocks] == ["paragraph"] * 3


@pytest.mark.parametrize(
    ("headings", "levels", "roles"),
    [
        (("主题",), (0,), ("", "主题", "")),
        (("主题", "副题"), (0, 0), ("", "主题", "副题")),
        (("引题", "主题", "副题"), (0, 0, 0), ("引题", "主题", "副题")),
        (("主题", "——副题", "其二"), (0, 0, 0), ("", "主题", "——副题 其二")),
        (("2024年6月7日 星期五", "主题"), (0, 0), ("2024年6月7日 星期五", "主题", "")),
        (("版头", "主题", "副题"), (1, 2, 0), ("版头", "主题", "副题")),
        (("版头", "主题"), (1, 1), ("版头", "主题", "")),
    ],
)
def test_headline_roles(
    headings: tuple[str, ...], levels: tuple[int, ...], roles: tuple[str, str, str]
) -> None:
    item = Item("article", headings, levels, (), Byline())
    head = choose_headline(item)
    assert (head.kicker, head.title, head.subtitle) == roles and not head.generated
