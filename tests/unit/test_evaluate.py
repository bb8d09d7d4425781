"""`build.py evaluate GOLD PAGES_DIR`: the per-page table and overall line, for the
seeds and for any gold file of the same format."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
RAW = REPO / "tests" / "fixtures" / "raw"


def evaluate(gold: Path, pages: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, str(REPO / "build.py"), "evaluate", str(gold), str(pages)]
    return subprocess.run(command, capture_output=True, text=True, check=False)


def test_seeds_meet_every_target() -> None:
    result = evaluate(SHARED / "gold" / "seeds.yaml", SHARED / "seeds")
    assert result.returncode == 0, result.stderr
    assert (
        "总计：条目召回 24/24 (100%)，多余 0，标题 24/24，署名 24/24，区县 24/24，误标区县 0，"
        "举措召回 1.00 (39/39)，年份 5/5，丢字 0"
    ) in result.stdout
    assert "差异" not in result.stdout
    assert result.stdout.count(".txt") == 5


def test_any_gold_file_is_scored_and_misses_are_named(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    shutil.copy(RAW / "utf16le_bom_crlf.txt", pages / "park.txt")
    gold = tmp_path / "gold.yaml"
    gold.write_text(
        """pages:
  park.txt:
    year: 2024
    items:
      - kind: article
        title: 别的标题
        starts: 近日，惠济区新城街道
        reporters: [王小明]
        correspondents: [李华]
        districts: [惠济区]
        not_districts: [二七区]
        programmes: [口袋公园计划]
      - kind: photo
        title: null
        starts: 这一条不在页面上
        reporters: [赵刚]
""",
        encoding="utf-8",
    )
    result = evaluate(gold, pages)
    assert result.returncode == 0, result.stderr
    assert "条目召回 1/2 (50%)，多余 1，标题 0/1，署名 1/1，区县 1/1，误标区县 0" in result.stdout
    assert "举措召回 0.00 (0/1)，年份 1/1，丢字 0" in result.stdout
    assert "park.txt 第2条：没有找到" in result.stdout
    assert "park.txt 第1条：标题《惠济区新建口袋公园》，应为《别的标题》" in result.stdout


def test_missing_page_is_reported_not_fatal(tmp_path: Path) -> None:
    gold = tmp_path / "gold.yaml"
    gold.write_text("pages:\n  absent.txt:\n    year: 2024\n    items:\n      - starts: 甲\n")
    result = evaluate(gold, tmp_path)
    assert result.returncode == 0
    assert "条目召回 0/1" in result.stdout and "absent.txt：导入失败" in result.stdout
