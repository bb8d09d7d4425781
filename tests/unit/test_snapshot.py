"""A build whose inputs are exactly those of a cached build writes that build's files.

Each test runs `build.py build` as a user does, on a project of its own
(site.toml, templates/, the small fixture content) with its own cache folder.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FIXTURE = REPO / "tests" / "fixtures" / "site-min" / "content"
REUSED = "直接写入了它的结果"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    shutil.copy(REPO / "site.toml", root / "site.toml")
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copytree(FIXTURE, root / "content")
    return root


def build(project: Path, out: str, *extra: str) -> subprocess.CompletedProcess[str]:
    """build.py build on the project, its cache in project/cache; fails the test if it fails."""
    environment = {**os.environ, "ARCHIVE_CACHE_DIR": str(project / "cache")}
    command = [sys.executable, str(REPO / "build.py"), "build", "--config"]
    command += [str(project / "site.toml"), "--out", str(project / out), *extra]
    done = subprocess.run(command, capture_output=True, text=True, env=environment, check=False)
    assert done.returncode == 0, done.stderr
    return done


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def segments(project: Path) -> list[Path]:
    return sorted((project / "cache" / "snapshots").rglob("*.seg"))


def test_same_inputs_write_the_stored_build_identical_to_a_clean_one(project: Path) -> None:
    first = build(project, "first")
    assert REUSED not in first.stdout
    again = build(project, "again")
    assert REUSED in again.stdout
    assert again.stderr == first.stderr  # the same warnings, though nothing was analysed
    clean = build(project, "clean", "--no-cache")
    assert REUSED not in clean.stdout
    assert len(tree(project / "clean")) > 30
    assert tree(project / "again") == tree(project / "first") == tree(project / "clean")


def test_reuse_replaces_the_output_folder_whole(project: Path) -> None:
    build(project, "site")
    (project / "site" / "stale.html").write_text("old", encoding="utf-8")
    (project / "site" / "index.html").write_text("edited by hand", encoding="utf-8")
    assert REUSED in build(project, "site").stdout
    build(project, "clean", "--no-cache")
    assert tree(project / "site") == tree(project / "clean")


def _edit_article(root: Path) -> None:
    path = sorted((root / "content" / "articles").glob("*.md"))[0]
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("title: ", "title: 改题", 1), encoding="utf-8")


def _edit_template(root: Path) -> None:
    path = root / "templates" / "base.html"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("</footer>", "<p>改</p></footer>", 1), encoding="utf-8")


def _edit_static(root: Path) -> None:
    path = root / "templates" / "static" / "style.css"
    path.write_text(path.read_text(encoding="utf-8") + "\n/* 改 */\n", encoding="utf-8")


def _edit_taxonomy(root: Path) -> None:
    path = root / "content" / "taxonomy" / "programmes.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("郑州市金融服务平台", "郑州市的金融服务平台", 1), encoding="utf-8")


def _edit_settings(root: Path) -> None:
    path = root / "site.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("page_size = 50", "page_size = 2"), encoding="utf-8")


EDITS = {
    "article": _edit_article,
    "template": _edit_template,
    "static file": _edit_static,
    "taxonomy": _edit_taxonomy,
    "site.toml": _edit_settings,
}


@pytest.mark.parametrize("what", sorted(EDITS))
def test_any_changed_input_is_built_afresh(project: Path, what: str) -> None:
    build(project, "before")
    EDITS[what](project)
    after = build(project, "after")
    assert REUSED not in after.stdout
    build(project, "clean", "--no-cache")
    assert tree(project / "after") == tree(project / "clean")
    assert tree(project / "after") != tree(project / "before")


def test_another_base_url_is_another_build(project: Path) -> None:
    build(project, "root", "--base-url", "https://example.org/")
    under = build(project, "under", "--base-url", "https://example.org/repo/")
    assert REUSED not in under.stdout
    page = (project / "under" / "index.html").read_text(encoding="utf-8")
    assert 'href="/repo/' in page


def test_a_damaged_snapshot_is_never_used_and_is_stored_again(project: Path) -> None:
    build(project, "first")
    victim = max(segments(project), key=lambda p: p.stat().st_size)
    data = bytearray(victim.read_bytes())
    data[len(data) // 2] ^= 0x01  # one bit of one page
    victim.write_bytes(bytes(data))
    repaired = build(project, "repaired")
    assert REUSED not in repaired.stdout
    assert tree(project / "repaired") == tree(project / "first")
    assert REUSED in build(project, "again").stdout
    assert tree(project / "again") == tree(project / "first")


def test_a_missing_segment_means_a_full_build(project: Path) -> None:
    build(project, "first")
    segments(project)[0].unlink()
    assert REUSED not in build(project, "second").stdout
    assert tree(project / "second") == tree(project / "first")


def test_no_cache_neither_reads_nor_stores_snapshots(project: Path) -> None:
    build(project, "first", "--no-cache")
    assert not (project / "cache").exists()
    build(project, "second")
    assert REUSED not in build(project, "third", "--no-cache").stdout


def test_only_the_newest_snapshots_are_kept(project: Path) -> None:
    for number in range(4):
        build(project, "site", "--base-url", f"https://example.org/{number}/")
    records = [p for p in (project / "cache" / "snapshots").iterdir() if len(p.name) == 64]
    assert len(records) == 2
    folders = [p for p in (project / "cache" / "snapshots").iterdir() if p.name.endswith(".d")]
    assert sorted(p.name[:-2] for p in folders) == sorted(p.name for p in records)
    # The newest is one of them: building it again reuses it.
    again = build(project, "site", "--base-url", "https://example.org/3/")
    assert REUSED in again.stdout
