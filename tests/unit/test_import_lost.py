"""Nothing lost: every Chinese character of a page, byline labels aside, ends up in
some item's title, kicker, subtitle, body or byline names. Proved on every seed and,
with hypothesis, on generated messy pages (random breaks, spaces, blank lines,
bylines, encodings), which must also never crash the importer."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from archive import frontmatter
from archive.errors import ArchiveError
from archive.importer.clean import clean_page
from archive.importer.coverage import lost_characters
from archive.importer.decode import decode_page
from archive.importer.emit import render_body
from archive.importer.run import import_pages, make_tagging
from archive.importer.split import split_page
from archive.importer.titles import choose_headline

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO.parent / "shared" / "seeds"


def lost(text: str) -> dict[str, int]:
    """Characters of a decoded page that none of its items keeps."""
    out, names = [], []
    for item in split_page(clean_page(text)):
        head = choose_headline(item)
        out.extend((head.kicker, head.title, head.subtitle, render_body(item.blocks)))
        names.extend(item.byline.names)
    return lost_characters(text, out, names)


@pytest.mark.parametrize("path", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.name[:3])
def test_no_seed_loses_a_character(path: Path) -> None:
    text = decode_page(path.read_bytes(), path)
    assert lost(text) == {}


def test_lost_characters_are_counted() -> None:
    assert lost_characters("本报讯 甲乙丙。记者 张三", ["甲乙"], ["张三"]) == {"丙": 1}
    assert lost_characters("甲甲", ["甲"]) == {"甲": 1}


# Real sentences and headline pieces, recombined into pages the extraction could produce.
SENTENCES = (
    "二七区大力实施“12345”优商攻坚行动，以优化环境“小切口”助推经济社会发展“大提升”。",
    "受理各类行政审批及公共服务事项65万件，服务群众89.5万人次。",
    "“我们不仅要持续开展此类政银企对接活动，更要分行业组织专场对接。”负责人表示。",
    "目前，共谋划产业项目142个，其中签约落地项目61个！",
    "社区还以阵地换资源，联合辖区培训机构设立“成长加油站”项目",
    "2024年，全区将大力实施“二七帮·易企办”服务品牌建设？",
    "在一马路后街，社区党组织助力“红色办事格”（试点），带领多方参与空中电缆改造；",
    "东明路上一家汽车销售4S店，由于受水灾疫情影响，面临经营不下去的困境……",
)
HEADLINES = (
    "以营商环境之优 助推项目建设“加速度”",
    "惠济区43条重点道路忙施工",
    "走访群众",
    "## 党建引领网格化治理",
    "# 聚焦高质量发展",
    "### 上半年招商引资成绩亮眼",
)
BYLINES = (
    "记者 景静",
    "记者 景静 通讯员 白静 张一帆",
    "本报记者 刘玉娟 摄",
    "记者 朱翔宇 文/图",
    " 记者 景静",
    "（记者 张三）",
    "张三 李四 摄",
    "□本报记者 王五 报道",
)
LEADS = (
    "本报讯 ",
    "本报讯(记者 杨丽萍 通讯员 蔡素芳)",
    "本报讯（记者 孙志刚 文/图）",
    "本报讯 记者 张三 通讯员 李四 ",
    "",
)
ENCODINGS = ("utf-8", "utf-8-sig", "gb18030", "utf-16")


@st.composite
def messy_pages(draw: st.DrawFn) -> str:
    """A page of 1-4 items with the quirks PDF extraction leaves."""
    parts = []
    for _ in range(draw(st.integers(1, 4))):
        if draw(st.booleans()):
            parts.append(draw(st.sampled_from(HEADLINES)) + "\n" * draw(st.integers(1, 3)))
        paragraphs = draw(st.lists(st.sampled_from(SENTENCES), min_size=1, max_size=4))
        paragraphs[0] = draw(st.sampled_from(LEADS)) + paragraphs[0]
        for paragraph in paragraphs:
            parts.append(_mess(draw, paragraph) + "\n" * draw(st.integers(1, 3)))
        if draw(st.booleans()):
            parts.append(draw(st.sampled_from(BYLINES)) + "\n" * draw(st.integers(0, 2)))
    return "".join(parts)


def _mess(draw: st.DrawFn, paragraph: str) -> str:
    """Random line breaks, blank lines and spaces between characters."""
    out = []
    for char in paragraph:
        out.append(char)
        roll = draw(st.integers(0, 40))
        if roll == 0:
            out.append("\n")
        elif roll == 1:
            out.append("\n\n")
        elif roll == 2:
            out.append(" ")
    return "".join(out)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(page=messy_pages(), encoding=st.sampled_from(ENCODINGS), crlf=st.booleans())
def test_messy_pages_never_crash_and_lose_nothing(page: str, encoding: str, crlf: bool) -> None:
    raw = (page.replace("\n", "\r\n") if crlf else page).encode(encoding)
    try:
        text = decode_page(raw, "generated.txt")
    except ArchiveError:
        assert not page.strip()
        return
    assert lost(text) == {}


@pytest.fixture(scope="module")
def tagging() -> tuple[object, dict[str, str]]:
    """The real tagger of the shipped taxonomy, loaded once for the module."""
    return make_tagging(REPO / "content")


# No shrinking: each example writes a content folder, and a shrink would take minutes;
# the pure test above shrinks the same pages fast.
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
)
@given(page=messy_pages(), encoding=st.sampled_from(ENCODINGS))
def test_whole_import_of_messy_pages_writes_readable_articles(
    tagging: tuple[object, dict[str, str]], page: str, encoding: str
) -> None:
    tagger, slugs = tagging
    with tempfile.TemporaryDirectory() as temp:
        raw = Path(temp) / "generated.txt"
        raw.write_bytes(page.encode(encoding))
        report = import_pages([raw], Path(temp) / "content", tagger, slugs, date="2024")
        assert not [w for page_result in report.pages for w in page_result.warnings]
        for outcome in report.outcomes:
            parsed = frontmatter.parse(outcome.path.read_text(encoding="utf-8"))
            assert parsed.meta["date"] == "2024" and parsed.meta["title"]
