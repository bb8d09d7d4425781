"""Property: after any edits, the live-preview rebuild equals a clean build byte for byte.

The incremental side is exactly what `build.py serve` runs (serve.site_build:
disk cache, render memo, sync of only changed files into a folder that is
never wiped); the clean side is a fresh process-state build with no cache,
written to an empty folder.
"""

from __future__ import annotations

import argparse
import multiprocessing
import re
import shutil
from pathlib import Path

import jinja2
import pytest
import yaml
from generated_corpus import generated_site
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive import frontmatter, pipeline, render
from archive.config import config_from_args
from archive.serve import FirstPages, site_build
from archive.write import write_site

ARTICLES = 8
BASE_URL = "http://127.0.0.1:8000/initiative-archive/"
DISTRICTS = ("中原区", "二七区", "管城回族区", "金水区", "惠济区", "经开区")
PROGRAMMES = ("郑好融", "一把手走流程", "万人助万企", "两企三新", "政企码")
TEMPLATES = ("base.html", "article.html", "macros.html", "programme.html", "term.html")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small generated corpus with the project's taxonomy and templates, and a site.toml."""
    return generated_site(tmp_path_factory.mktemp("corpus"), ARTICLES)


class Workspace:
    """A copy of the corpus, a serve-style incremental build of it, and clean builds."""

    def __init__(self, source: Path, root: Path) -> None:
        shutil.copytree(source, root)
        self.root = root
        self.live = root / "live-site"
        self.args = argparse.Namespace(
            config=root / "site.toml",
            content_dir=root / "content",
            out=self.live,
            base_url=BASE_URL,
            no_cache=False,
            quiet=True,
        )
        self.site_build = site_build(self.args, BASE_URL)
        self.clean_builds = 0
        self.first: dict[str, bytes] = {}  # the files the last rebuild wrote ahead of the rest

    def rebuild(self, shown: frozenset[str] | None = None) -> str:
        """A rebuild as serve runs it while browsers show `shown` (by default every other
        page of the last build).

        Serve writes the pages browsers show before the rest of the site (and
        tells those browsers to reload): what they get then is kept in `first`.
        """
        if shown is None:
            pages = sorted(p.relative_to(self.live).as_posix() for p in self.live.rglob("*.html"))
            shown = frozenset(pages[::2])
        self.first = {}

        def written(paths: frozenset[str]) -> None:
            self.first = {path: (self.live / path).read_bytes() for path in paths}

        self.site_build.first(FirstPages(shown, written) if shown else None)
        return self.site_build()

    def article(self, index: int) -> Path:
        files = sorted((self.root / "content" / "articles").glob("*.md"))
        return files[index % len(files)]

    def clean(self) -> Path:
        """A clean build (no cache, no memo, fresh templates) into a fresh folder.

        It runs in a forked child so that it shares nothing with the live
        side: the child drops the inherited Jinja environment, the parent's
        stays exactly as the next incremental rebuild will find it.
        """
        self.clean_builds += 1
        out = self.root / f"clean-{self.clean_builds}"
        child = multiprocessing.get_context("fork").Process(
            target=clean_build, args=(self.args, out)
        )
        child.start()
        child.join(300)
        assert child.exitcode == 0, f"clean build failed ({child.exitcode})"
        return out


def clean_build(args: argparse.Namespace, out: Path) -> None:
    render.renderer.cache_clear()
    config = config_from_args(args)
    write_site(pipeline.build_site(config, jobs=1, warn=lambda _: None), out)


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def assert_same_tree(live: Path, clean: Path, history: list[tuple]) -> None:
    got, want = tree(live), tree(clean)
    missing = sorted(set(want) - set(got))
    extra = sorted(set(got) - set(want))
    differ = sorted(p for p in set(got) & set(want) if got[p] != want[p])
    assert not (missing or extra or differ), (
        f"after {history}: missing {missing[:5]}, extra {extra[:5]}, different {differ[:5]}"
    )


# --- edits ---------------------------------------------------------------------------------


def edit_meta(path: Path, change) -> None:
    parsed = frontmatter.parse(path.read_text(encoding="utf-8"))
    meta = dict(parsed.meta)
    change(meta)
    path.write_text(frontmatter.dump(meta, parsed.body), encoding="utf-8")


def apply(workspace: Workspace, edit: tuple) -> None:
    kind, *rest = edit
    if kind == "text":
        index, n = rest
        path = workspace.article(index)
        path.write_text(
            path.read_text(encoding="utf-8") + f"\n第{n}次补充：新增贷款{n}亿元，服务企业{n}家。\n",
            encoding="utf-8",
        )
    elif kind == "title":
        index, n = rest
        edit_meta(workspace.article(index), lambda m: m.update(title=f"修改后的标题第{n}号"))
    elif kind == "date":  # the article moves in every list, feed and timeline
        index, n = rest
        date = f"20{10 + n % 16}-0{1 + n % 9}"
        edit_meta(workspace.article(index), lambda m: m.update(date=date))
    elif kind == "tags":
        index, district, first, count = rest
        programmes = [PROGRAMMES[(first + k) % len(PROGRAMMES)] for k in range(count)]
        if count == 3:
            programmes.append(f"新举措{first}")  # not in programmes.yaml: a generated page
        edit_meta(
            workspace.article(index),
            lambda m: m.update(districts=[DISTRICTS[district]], programmes=programmes),
        )
    elif kind == "template":
        name, n = rest
        path = workspace.root / "templates" / name
        source = path.read_text(encoding="utf-8")
        tag = re.search(r"{%-? *(block|macro) [^%]*%}", source)
        assert tag is not None, name
        path.write_text(
            source[: tag.end()] + f"<!-- 模板修改 {n} -->" + source[tag.end() :], encoding="utf-8"
        )
    elif kind == "rename":
        position, n = rest
        path = workspace.root / "content" / "taxonomy" / "programmes.yaml"
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        programme = data["programmes"][position % len(data["programmes"])]
        programme["aliases"] = [*programme.get("aliases", []), programme["name"]]
        programme["name"] = f"{programme['name']}（{n}）"
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    elif kind == "settings":  # every page shows the site's title; the memos start afresh
        (n,) = rest
        path = workspace.root / "site.toml"
        source = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r'(?m)^title = ".*"$', f'title = "区县档案第{n}版"', source))
    elif kind == "delete":
        (index,) = rest
        files = sorted((workspace.root / "content" / "articles").glob("*.md"))
        if len(files) > 2:
            workspace.article(index).unlink()
    else:  # pragma: no cover - the strategies below make only the kinds above
        raise AssertionError(kind)


EDITS = st.one_of(
    st.tuples(st.just("text"), st.integers(0, ARTICLES), st.integers(1, 99)),
    st.tuples(st.just("title"), st.integers(0, ARTICLES), st.integers(1, 99)),
    st.tuples(st.just("date"), st.integers(0, ARTICLES), st.integers(1, 99)),
    st.tuples(
        st.just("tags"),
        st.integers(0, ARTICLES),
        st.integers(0, len(DISTRICTS) - 1),
        st.integers(0, len(PROGRAMMES) - 1),
        st.integers(0, 3),
    ),
    st.tuples(st.just("template"), st.sampled_from(TEMPLATES), st.integers(1, 99)),
    st.tuples(st.just("rename"), st.integers(0, 20), st.integers(1, 99)),
    st.tuples(st.just("delete"), st.integers(0, ARTICLES)),
    st.tuples(st.just("settings"), st.integers(1, 99)),
)

EVERY_KIND = [
    ("text", 1, 7),
    ("title", 2, 8),
    ("tags", 3, 1, 0, 3),
    ("template", "macros.html", 9),
    ("rename", 4, 10),
    ("delete", 5),
    ("settings", 11),
    ("date", 3, 13),
    ("title", 6, 12),
]


def run_history(workspace: Workspace, edits: list[tuple]) -> None:
    summary = workspace.rebuild()
    assert "个文件" in summary
    history: list[tuple] = []
    for edit in edits:
        apply(workspace, edit)
        history.append(edit)
        workspace.rebuild()
        clean = workspace.clean()
        assert_same_tree(workspace.live, clean, history)
        # What the browsers were shown early is the finished build's page, never an old one.
        assert workspace.first, history
        for path, data in workspace.first.items():
            assert (clean / path).read_bytes() == data, (path, history)


def test_every_kind_of_edit_in_turn(corpus: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("ARCHIVE_CACHE_DIR", str(tmp_path / "cache"))
    run_history(Workspace(corpus, tmp_path / "w"), EVERY_KIND)


@settings(
    max_examples=6,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(edits=st.lists(EDITS, min_size=1, max_size=3))
def test_random_edit_sequences(corpus: Path, tmp_path_factory, edits: list[tuple]) -> None:
    with pytest.MonkeyPatch.context() as patch:
        root = tmp_path_factory.mktemp("random")
        patch.setenv("ARCHIVE_CACHE_DIR", str(root / "cache"))
        run_history(Workspace(corpus, root / "w"), edits)


def test_a_build_failing_after_the_shown_pages_were_written_puts_them_back(
    corpus: Path, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("ARCHIVE_CACHE_DIR", str(tmp_path / "cache"))
    workspace = Workspace(corpus, tmp_path / "w")
    workspace.rebuild()
    last_good = tree(workspace.live)
    article = workspace.article(0)
    article_id = frontmatter.parse(article.read_text(encoding="utf-8")).meta["id"]
    page = f"articles/{article_id}/index.html"
    edit_meta(article, lambda m: m.update(title="出错之前先写出的标题"))
    template = workspace.root / "templates" / "term.html"  # reporters' and years' pages
    good = template.read_text(encoding="utf-8")
    broken = good.replace("{% block content %}", "{% block content %}{{ no_such_value }}")
    template.write_text(broken, encoding="utf-8")
    with pytest.raises(jinja2.UndefinedError):
        workspace.rebuild(frozenset({page}))
    assert "出错之前先写出的标题" in workspace.first[page].decode()  # it was shown early
    assert tree(workspace.live) == last_good  # and put back with the failure
    template.write_text(good, encoding="utf-8")
    workspace.rebuild(frozenset({page}))
    assert_same_tree(workspace.live, workspace.clean(), [("title", 0), ("template", "term.html")])
