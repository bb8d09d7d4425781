"""`build.py new TITLE`: a blank article with a fresh id that never reuses one."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from archive import frontmatter

REPO = Path(__file__).resolve().parents[2]


def build(*args: str | Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, str(REPO / "build.py"), *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, check=False)


def test_new_article_takes_the_next_free_id(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(REPO / "content" / "taxonomy", content / "taxonomy")
    (content / "articles").mkdir()
    (content / "articles" / "2024-guancheng-huizu-qu-001.md").write_text("---\n---\n")
    (content / "imports.json").write_text(
        '{"version": 1, "pages": {"p.txt": {"sha256": "x", "items": '
        '{"1": {"id": "2024-guancheng-huizu-qu-002", "file_sha256": "y"}}}}}'
    )
    result = build(
        "new",
        "社区 新举措",
        "--content-dir",
        content,
        "--date",
        "2024-05",
        "--district",
        "管城区",
        "--programme",
        "二七帮 易企办",
    )
    assert result.returncode == 0, result.stderr
    path = content / "articles" / "2024-guancheng-huizu-qu-003.md"
    assert result.stdout.strip() == f"已新建：{path}"
    meta = frontmatter.parse(path.read_text(encoding="utf-8")).meta
    assert meta == {
        "id": "2024-guancheng-huizu-qu-003",
        "title": "社区 新举措",
        "date": "2024-05",
        "kind": "article",
        "districts": ["管城回族区"],
        "programmes": ["二七帮·易企办"],
    }


def test_unknown_district_suggests_the_closest(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(REPO / "content" / "taxonomy", content / "taxonomy")
    result = build("new", "标题", "--content-dir", content, "--district", "二七")
    assert result.returncode == 2
    assert result.stderr.strip() == "错误：未知的区县 '二七'，是不是 二七区？"
    assert not (content / "articles").exists()
