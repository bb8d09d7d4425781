"""The import verb end to end, as a user runs it: files, front matter, summary,
re-import without duplicates, human edits never overwritten, --date, raw copies."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from archive import frontmatter
from archive.model import ARTICLE_KEYS, ID_PATTERN

REPO = Path(__file__).resolve().parents[2]
SEEDS = sorted((REPO.parent / "shared" / "seeds").glob("*.txt"))
RAW = REPO / "tests" / "fixtures" / "raw"


def build(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """Run build.py as a user would."""
    command = [sys.executable, str(REPO / "build.py"), *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, check=False)


def fresh_content(root: Path) -> Path:
    """A content folder with the shipped taxonomy and no articles."""
    content = root / "content"
    shutil.copytree(REPO / "content" / "taxonomy", content / "taxonomy")
    return content


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    content = fresh_content(tmp_path_factory.mktemp("import"))
    result = build("import", *SEEDS, "--content-dir", content)
    assert result.returncode == 0, result.stderr
    return content, result.stdout


def articles(content: Path) -> dict[str, frontmatter.Parsed]:
    return {
        path.name: frontmatter.parse(path.read_text(encoding="utf-8"))
        for path in sorted((content / "articles").glob("*.md"))
    }


def test_seeds_import_into_one_file_per_item(imported: tuple[Path, str]) -> None:
    content, stdout = imported
    parsed = articles(content)
    assert len(parsed) == 24
    for name, article in parsed.items():
        assert ID_PATTERN.match(article.meta["id"]) and name == article.meta["id"] + ".md"
        keys = list(article.meta)
        assert keys == [key for key in ARTICLE_KEYS if key in keys]
        assert article.meta["date"] in ("2024", "2021")
        assert all(value for value in article.meta.values())  # empty keys are left out
        assert article.meta["source"]["page"] in {seed.name for seed in SEEDS}
    assert "导入完成：5 个页面，共 24 条；新写入 24" in stdout
    assert sorted(p.name for p in (content / "raw").iterdir()) == [s.name for s in SEEDS]
    assert (content / "raw" / SEEDS[0].name).read_bytes() == SEEDS[0].read_bytes()


def test_ids_are_year_district_sequence(imported: tuple[Path, str]) -> None:
    content, _ = imported
    by_source = {
        (a.meta["source"]["page"][:3], a.meta["source"]["item"]): a.meta["id"]
        for a in articles(content).values()
    }
    assert by_source[("000", "1")] == "2024-erqi-qu-001"
    assert by_source[("004", "3")] == "2021-huiji-qu-001"


def test_article_reads_like_the_page(imported: tuple[Path, str]) -> None:
    content, _ = imported
    by_title = {a.meta["title"]: a for a in articles(content).values()}
    article = by_title["八卦庙社区：党建引领激活社区发展“一池春水”"]
    assert article.meta["reporters"] == ["朱翔宇"] and article.meta["photographers"] == ["朱翔宇"]
    assert article.meta["districts"] == ["二七区"]
    assert "*图：走访群众*" in article.body and "\n## 从“名声在外”到声名远扬\n" in article.body
    assert "记者" not in article.body.splitlines()[-1]
    generated = [a for a in articles(content).values() if a.meta.get("title_generated") == "true"]
    assert len(generated) == 6  # four on page 000 and the two picture items


def test_reimport_creates_no_duplicate_and_skips_human_edits(tmp_path: Path) -> None:
    content = fresh_content(tmp_path)
    assert build("import", SEEDS[1], "--content-dir", content).returncode == 0
    before = {p.name: p.read_bytes() for p in (content / "articles").glob("*.md")}
    edited = content / "articles" / sorted(before)[0]
    edited.write_text(edited.read_text(encoding="utf-8") + "\n编辑补充的一段。\n", encoding="utf-8")

    again = build("import", SEEDS[1], "--content-dir", content)

    assert again.returncode == 0
    after = {p.name: p.read_bytes() for p in (content / "articles").glob("*.md")}
    assert sorted(after) == sorted(before)
    assert "编辑补充的一段" in edited.read_text(encoding="utf-8")
    assert f"跳过：{edited}（文件被人工修改过，不覆盖）" in again.stdout
    assert "新写入 0，更新 0，未变化 3，跳过 1。" in again.stdout
    ledger = json.loads((content / "imports.json").read_text(encoding="utf-8"))
    assert len(ledger["pages"][SEEDS[1].name]["items"]) == 4


def test_date_option_sets_every_article_date(tmp_path: Path) -> None:
    content = fresh_content(tmp_path)
    result = build(
        "import", RAW / "gb18030_crlf.txt", "--content-dir", content, "--date", "2023-10"
    )
    assert result.returncode == 0, result.stderr
    dates = {a.meta["date"] for a in articles(content).values()}
    assert dates == {"2023-10"}
    kinds = sorted(a.meta["kind"] for a in articles(content).values())
    assert kinds == ["article", "photo"]


def test_bad_date_option_is_one_error_line(tmp_path: Path) -> None:
    content = fresh_content(tmp_path)
    result = build("import", SEEDS[0], "--content-dir", content, "--date", "2024/06")
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert "YYYY" in result.stderr and not (content / "articles").exists()


def test_page_without_a_year_asks_for_date_and_writes_nothing(tmp_path: Path) -> None:
    content = fresh_content(tmp_path)
    page = tmp_path / "no_year.txt"
    page.write_text("本报讯 近日，二七区开展活动。\n记者 景静\n", encoding="utf-8")
    result = build("import", SEEDS[0], page, "--content-dir", content)
    assert result.returncode == 2 and "--date" in result.stderr and "no_year.txt" in result.stderr
    assert not (content / "articles").exists() and not (content / "imports.json").exists()


def test_new_programmes_are_proposed_in_the_summary(tmp_path: Path) -> None:
    content = fresh_content(tmp_path)
    page = tmp_path / "new_programme.txt"
    page.write_text(
        "金水区推出“红色管家”服务\n\n本报讯(记者 王小明)2024年，金水区推出“红色管家”服务平台，"
        "为居民提供上门服务。\n",
        encoding="utf-8",
    )
    result = build("import", page, "--content-dir", content)
    assert result.returncode == 0, result.stderr
    assert "新发现的举措（建议补入 content/taxonomy/programmes.yaml）：红色管家" in result.stdout
