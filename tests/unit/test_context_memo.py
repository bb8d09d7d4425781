"""Serve's page plan after random edits equals the plan of a fresh build, page for page.

The ContextMemo hands out last build's cards, article page contexts and pages
when their inputs are the same objects; this test edits a corpus large enough
for related articles, programme timelines (neighbours) and several list pages,
and compares every page of serve's plan with one planned from scratch: same
paths, templates, Markdown and context data (exact types and key order).
"""

from __future__ import annotations

import random
import re
import shutil
from pathlib import Path

import pytest
import yaml
from generated_corpus import generated_site

from archive import frontmatter, pipeline, render
from archive.config import load_config
from archive.incremental import same_data

ARTICLES = 120  # more than two list pages, programmes with long timelines


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generated_site(tmp_path_factory.mktemp("memo-corpus"), ARTICLES)


class Planner:
    """Builds like serve (one Memory) and keeps what render.plan was given each time."""

    def __init__(self, root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.root = root
        self.memo = pipeline.Memory()
        self.calls: list[tuple] = []
        plan = render.plan

        def spy(*args: object, **options: object) -> tuple[render.Page, ...]:
            pages = plan(*args, **options)  # type: ignore[arg-type]
            self.calls.append((args, options, pages))
            return pages

        monkeypatch.setattr(render, "plan", spy)
        self.plan = plan

    def rebuild_and_compare(self) -> None:
        config = load_config(self.root / "site.toml", content_dir=self.root / "content")
        self.calls.clear()
        pipeline.build_site(config, jobs=1, warn=lambda _: None, memo=self.memo)
        (site, config, with_search, route), options, served = self.calls[-1]
        assert options["contexts"].memo is self.memo.contexts
        fresh = self.plan(site, config, with_search, route)
        assert [(p.path, p.template) for p in served] == [(p.path, p.template) for p in fresh]
        for mine, clean in zip(served, fresh, strict=True):
            assert mine.markdown == clean.markdown, mine.path
            assert same_data(mine.context, clean.context), mine.path
            assert same_data(clean.context, mine.context), mine.path


def edit(root: Path, rng: random.Random) -> str:
    """One random edit a user makes while serve runs; returns its kind."""
    files = sorted((root / "content" / "articles").glob("*.md"))
    path = rng.choice(files)
    parsed = frontmatter.parse(path.read_text(encoding="utf-8"))
    meta = dict(parsed.meta)
    kind = rng.choice(["title", "programmes", "date", "delete", "rename", "body"])
    if kind == "title":
        meta["title"] = f"{meta['title']}（改{rng.randrange(100)}）"
    elif kind == "programmes":
        others = sorted({p for f in files[:30] for p in _programmes(f)})
        meta["programmes"] = rng.sample(others, k=min(len(others), rng.randint(0, 3)))
    elif kind == "date":
        meta["date"] = f"20{rng.randint(18, 25)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"
    elif kind == "delete" and len(files) > 10:
        path.unlink()
        return kind
    elif kind == "rename":
        rename_programme(root / "content" / "taxonomy" / "programmes.yaml", rng)
        return kind
    body = parsed.body + (f"\n新增段落{rng.randrange(100)}。\n" if kind == "body" else "")
    path.write_text(frontmatter.dump(meta, body), encoding="utf-8")
    return kind


def _programmes(path: Path) -> list[str]:
    return list(frontmatter.parse(path.read_text(encoding="utf-8")).meta.get("programmes", []))


def rename_programme(path: Path, rng: random.Random) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    programme = rng.choice(data["programmes"])
    programme["aliases"] = [*programme.get("aliases", []), programme["name"]]
    programme["name"] = re.sub(r"（\d+）$", "", programme["name"]) + f"（{rng.randrange(100)}）"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_serves_plan_equals_a_fresh_plan_after_random_edits(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ARCHIVE_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "w"
    shutil.copytree(corpus, root)
    planner = Planner(root, monkeypatch)
    planner.rebuild_and_compare()
    rng = random.Random(5)
    for _ in range(12):
        for _ in range(rng.randint(1, 3)):
            edit(root, rng)
        planner.rebuild_and_compare()
