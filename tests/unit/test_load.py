"""load: content/articles/*.md -> Articles, every problem as `file:line: message`, exit 2."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from archive.errors import ArchiveError
from archive.load import load_articles, parse_article
from archive.model import Source

ROOT = Path(__file__).resolve().parents[2]
INVALID = ROOT / "tests" / "fixtures" / "invalid"
CASES = sorted(p.name for p in INVALID.iterdir() if p.is_dir())
GEN_CORPUS = ROOT.parent / "shared" / "bench" / "gen_corpus.py"
DISTRICTS = frozenset({"二七区", "金水区"})


def _no_suggestion(name: str) -> str:
    return ""


@pytest.mark.parametrize("case", CASES)
def test_invalid_corpus_fails_with_exact_message(case: str, tmp_path: Path) -> None:
    content = INVALID / case / "content"
    out = tmp_path / "site"
    out.mkdir()
    (out / "keep.html").write_text("previous site")
    result = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "build", "--content-dir", str(content),
         "--out", str(out), "--quiet"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    expected = (INVALID / case / "expected.txt").read_text(encoding="utf-8")
    assert result.returncode == 2
    assert result.stderr == expected.replace("{content}", str(content))
    assert [p.name for p in out.iterdir()] == ["keep.html"]  # the previous site is untouched


def test_every_invalid_case_has_its_expected_message() -> None:
    assert len(CASES) >= 10
    assert all((INVALID / case / "expected.txt").is_file() for case in CASES)


FULL = """---
id: 2024-erqi-001
title: 以营商环境之优 助推项目建设“加速度”
title_generated: false
kicker: 聚焦
subtitle: 副题
date: 2024-06-07
kind: photo
districts: [二七区]
programmes: [一把手走流程, 郑好融]
places: [大学路街道]
reporters: [景静]
correspondents: [康向军]
photographers: [刘玉娟]
source: {page: 001.txt, item: 3}
aliases: [old-id]
---
正文第一段。
"""


def test_every_front_matter_key_is_read() -> None:
    article, lines = parse_article(FULL, Path("a.md"), DISTRICTS, _no_suggestion)
    assert article.id == "2024-erqi-001"
    assert article.kind == "photo"
    assert article.programmes == ("一把手走流程", "郑好融")
    assert article.source == Source("001.txt", 3)
    assert article.aliases == ("old-id",)
    assert article.body == "正文第一段。\n"
    assert article.body_line == 18
    assert lines["districts"] == 9


HEAD = "id: a\ntitle: t\ndate: 2024\n"
BAD_FRONT_MATTER = [
    (HEAD + "title_generated: yes", "a.md:5: “title_generated”应是 true 或 false"),
    (HEAD + "source: {page: p.txt}", "a.md:5: “source”应写作 {page: 文件名, item: 序号}"),
    (HEAD + "source: {page: p.txt, item: x}", "a.md:5: source 的 item“x”应是整数"),
    (
        HEAD + "aliases: [Old_ID]",
        "a.md:5: 别名“Old_ID”只能由小写字母、数字和连字符组成",
    ),
    (HEAD + "reporters: [景静, 景静]", "a.md:5: “reporters”里有重复项"),
    ("id: a\ntitle: [t]\ndate: 2024", "a.md:3: “title”应是单个值"),
    ("id: a\ntitle: ''\ndate: 2024", "a.md:3: 缺少必填字段“title”"),
    (
        "id: a\ntitle: t\ndate: 2024-02-30x",
        "a.md:4: 日期“2024-02-30x”应写作 YYYY、YYYY-MM 或 YYYY-MM-DD",
    ),
]


@pytest.mark.parametrize(("front", "message"), BAD_FRONT_MATTER)
def test_bad_front_matter_names_file_and_line(front: str, message: str) -> None:
    with pytest.raises(ArchiveError) as raised:
        parse_article(f"---\n{front}\n---\n正文\n", Path("a.md"), DISTRICTS, _no_suggestion)
    assert str(raised.value) == message


def test_benchmark_corpus_loads_as_it_is(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, str(GEN_CORPUS), "-n", "40", "--out", str(tmp_path), "--format", "ours"],
        check=True, capture_output=True,
    )  # fmt: skip
    from archive.taxonomy import load_taxonomy, make_lookup

    lookup = make_lookup(load_taxonomy(ROOT / "content" / "taxonomy"))
    articles = load_articles(tmp_path / "content" / "articles", lookup.districts, _no_suggestion)
    assert len(articles) == 40
    assert all(a.districts and a.reporters for a in articles)


def _article_file(folder: Path, article_id: str, title: str, district: str = "二七区") -> Path:
    path = folder / f"{article_id}.md"
    meta = f"id: {article_id}\ntitle: {title}\ndate: 2024-06-07\ndistricts: [{district}]\n"
    text = f"---\n{meta}---\n\n正文。\n"
    path.write_text(text, encoding="utf-8")
    return path


def _age(path: Path, seconds: int = 3600) -> None:
    """Make a file look saved long ago (a recent stamp is re-read on purpose)."""
    info = path.stat()
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns - seconds * 10**9))


def test_remembered_load_follows_edits_additions_and_deletions(tmp_path: Path) -> None:
    from archive.load import LoadMemo, load_changed

    folder = tmp_path / "articles"
    folder.mkdir()
    first = _article_file(folder, "a-1", "原标题")
    second = _article_file(folder, "a-2", "第二篇")
    for path in (first, second):
        _age(path)
    memo = LoadMemo()

    def load() -> dict[str, object]:
        return {a.id: a for a in load_changed(folder, DISTRICTS, _no_suggestion, memo)}

    before = load()
    assert before["a-1"].title == "原标题"
    _article_file(folder, "a-1", "新标题")  # saved just now: same size is no excuse
    _article_file(folder, "a-3", "第三篇")
    second.unlink()
    after = load()
    assert {i: a.title for i, a in after.items()} == {"a-1": "新标题", "a-3": "第三篇"}
    _age(folder / "a-1.md")
    _age(folder / "a-3.md")
    again = load()
    assert load()["a-3"] is again["a-3"]  # an old, unchanged file is not parsed again


def test_remembered_load_checks_districts_again_when_the_taxonomy_changes(tmp_path: Path) -> None:
    from archive.load import LoadMemo, load_changed

    folder = tmp_path / "articles"
    folder.mkdir()
    _age(_article_file(folder, "a-1", "标题", district="金水区"))
    memo = LoadMemo()
    assert load_changed(folder, DISTRICTS, _no_suggestion, memo)
    with pytest.raises(ArchiveError, match="金水区"):
        load_changed(folder, frozenset({"二七区"}), _no_suggestion, memo)


def _three_loaded(tmp_path: Path) -> tuple[Path, object, tuple]:
    """A folder of three articles a-0..a-2, a LoadMemo, and what its first load gave."""
    from archive.load import LoadMemo, load_changed

    folder = tmp_path / "articles"
    folder.mkdir()
    for n in range(3):
        _age(_article_file(folder, f"a-{n}", f"标题{n}"))
    memo = LoadMemo()
    return folder, memo, load_changed(folder, DISTRICTS, _no_suggestion, memo)


def test_an_unchanged_folder_gives_the_very_same_articles(tmp_path: Path) -> None:
    from archive.load import load_changed

    folder, memo, first = _three_loaded(tmp_path)
    assert load_changed(folder, DISTRICTS, _no_suggestion, memo) is first
    _article_file(folder, "a-1", "标题1")  # saved again, same text: read, and found the same
    again = load_changed(folder, DISTRICTS, _no_suggestion, memo)
    assert again is first
    _article_file(folder, "a-1", "改过的标题")
    edited = load_changed(folder, DISTRICTS, _no_suggestion, memo)
    assert [a.title for a in edited] == ["标题0", "改过的标题", "标题2"]
    assert edited[0] is first[0] and edited[2] is first[2]


def test_article_files_are_what_glob_finds(tmp_path: Path) -> None:
    from archive.load import article_paths

    folder = tmp_path / "articles"
    (folder / "folder.md").mkdir(parents=True)
    for name in (".hidden.md", "b.md", "A.md", "c.MD", "notes.txt", ".md"):
        (folder / name).write_text("")
    assert article_paths(folder) == sorted(folder.glob("*.md"))
    assert article_paths(tmp_path / "missing") == []


def test_an_edit_that_takes_another_articles_id_is_reported_and_undone(tmp_path: Path) -> None:
    from archive.load import load_changed

    folder, memo, first = _three_loaded(tmp_path)
    clash = (folder / "a-2.md").read_text(encoding="utf-8").replace("id: a-2", "id: a-0")
    (folder / "a-2.md").write_text(clash, encoding="utf-8")
    with pytest.raises(ArchiveError, match="a-0"):
        load_changed(folder, DISTRICTS, _no_suggestion, memo)
    _article_file(folder, "a-2", "标题2")
    assert [a.id for a in load_changed(folder, DISTRICTS, _no_suggestion, memo)] == [
        a.id for a in first
    ]
    _article_file(folder, "a-1", "新标题")  # and an edit after that is patched in
    assert [a.title for a in load_changed(folder, DISTRICTS, _no_suggestion, memo)] == [
        "标题0",
        "新标题",
        "标题2",
    ]


def test_a_watchers_hint_reads_the_files_it_names_and_trusts_the_rest(tmp_path: Path) -> None:
    from archive.load import load_changed

    folder, memo, first = _three_loaded(tmp_path)
    _age(_article_file(folder, "a-0", "改过的标题0"))
    _age(_article_file(folder, "a-1", "改过的标题1"))
    _article_file(folder, "a-3", "新文章")  # new files are read whatever the hint says
    (folder / "a-2.md").unlink()  # and deleted ones are gone
    hinted = load_changed(folder, DISTRICTS, _no_suggestion, memo, frozenset({"a-1.md"}))
    # a-0 changed too, but the hint says it did not: its article is the one held.
    assert [a.title for a in hinted] == ["标题0", "改过的标题1", "新文章"]
    assert hinted[0] is first[0]
    # Without a hint every file's stamp is checked, and a-0 is read again.
    checked = load_changed(folder, DISTRICTS, _no_suggestion, memo)
    assert [a.title for a in checked] == ["改过的标题0", "改过的标题1", "新文章"]
