"""pipeline: `build.py build` end to end: deterministic bytes, workers change nothing, messages."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURE_CONTENT, build_site

ROOT = Path(__file__).resolve().parents[2]
GEN_CORPUS = ROOT.parent / "shared" / "bench" / "gen_corpus.py"


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def bench_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bench")
    subprocess.run(
        [sys.executable, str(GEN_CORPUS), "-n", "260", "--out", str(out), "--format", "ours"],
        check=True, capture_output=True,
    )  # fmt: skip
    return out / "content"


def test_builds_are_identical_byte_for_byte_with_any_number_of_workers(
    bench_corpus: Path, tmp_path: Path
) -> None:
    base = "https://example.org/archive/"
    one = build_site(bench_corpus, tmp_path / "one", base, "--jobs", "1", "--no-cache")
    two = build_site(bench_corpus, tmp_path / "two", base, "--jobs", "2", "--no-cache")
    assert one.returncode == 0 and two.returncode == 0, one.stderr + two.stderr
    first, second = _tree(tmp_path / "one"), _tree(tmp_path / "two")
    assert len(first) > 260 + 40 + 16
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []


def test_benchmark_corpus_gets_every_page(bench_corpus: Path, tmp_path: Path) -> None:
    result = build_site(bench_corpus, tmp_path / "site", "https://example.org/")
    assert result.returncode == 0, result.stderr
    site = tmp_path / "site"
    articles = list((site / "articles").glob("a-*/index.html"))
    assert len(articles) == 260
    assert (site / "articles" / "page" / "6" / "index.html").is_file()  # 260 / 50 per page
    assert len(list((site / "districts").glob("*/feed.xml"))) == 16
    assert (site / "programmes" / "yi-ba-shou-zou-liu-cheng" / "index.html").is_file()


def test_summary_line_and_warnings(tmp_path: Path) -> None:
    command = [sys.executable, str(ROOT / "build.py"), "--content-dir", str(FIXTURE_CONTENT),
               "--out", str(tmp_path / "site")]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(
        r"已生成 \d+ 个页面（共 \d+ 个文件）到 .+，用时 \d+\.\d 秒\n", result.stdout
    )
    assert "举措“社区金融夜校”不在 programmes.yaml 里" in result.stderr
    assert "2023-jinshui-001.md" in result.stderr
    assert "\r" not in result.stderr  # no progress bar when stderr is not a terminal


def test_quiet_prints_nothing_but_warnings(tmp_path: Path) -> None:
    result = build_site(FIXTURE_CONTENT, tmp_path / "site", "https://example.org/")
    assert result.returncode == 0
    assert result.stdout == ""
    assert all(line.startswith("警告：") for line in result.stderr.splitlines())


def test_a_bad_base_url_is_one_clear_error(tmp_path: Path) -> None:
    result = build_site(FIXTURE_CONTENT, tmp_path / "site", "example.org/repo")
    assert result.returncode == 2
    assert result.stderr.startswith("错误：")
    assert "base_url 应为完整的 http(s) 网址" in result.stderr
    assert not (tmp_path / "site").exists()
