"""Incremental rebuilds: re-render by fingerprint, and the same bytes as a clean build."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import pytest

from archive.incremental import RenderMemo
from archive.model import OutputFile


@dataclass(frozen=True)
class Page:
    path: str
    template: str
    context: dict = field(repr=False)
    markdown: str = ""


TEMPLATES = {
    "base.html": "<title>{{ title }}</title>{% block main %}{% endblock %}{{ 'x' | link }}",
    "article.html": '{% extends "base.html" %}{% block main %}{% include "byline.html" %}'
    "{{ body }}{% endblock %}",
    "byline.html": "<p>{{ reporter }}</p>",
    "term.html": '{% extends "base.html" %}{% block main %}{{ names | join("、") }}{% endblock %}',
    "dynamic.html": "{% include which %}",
    "unused.html": "<p>没人用</p>",
}


class Renderer:
    """Renders pages with a real Jinja environment, counting what it renders."""

    def __init__(self, folder: Path, base_path: str = "/") -> None:
        self.env = jinja2.Environment(loader=jinja2.FileSystemLoader(folder), autoescape=True)
        self.env.filters["link"] = lambda path: base_path + path  # a closure over a setting
        self.paths: list[str] = []

    def __call__(self, pages: Sequence[Page]) -> list[OutputFile]:
        self.paths.extend(p.path for p in pages)
        return [
            OutputFile(p.path, self.env.get_template(p.template).render(p.context).encode())
            for p in pages
        ]


def pages(title: str = "档案", reporter: str = "景静") -> list[Page]:
    return [
        Page(
            "a/index.html", "article.html", {"title": title, "body": "正文", "reporter": reporter}
        ),
        Page("b/index.html", "article.html", {"title": "乙", "body": "正文", "reporter": "康向军"}),
        Page("t/index.html", "term.html", {"title": "二七区", "names": ["甲", "乙"]}),
        Page("d/index.html", "dynamic.html", {"which": "byline.html", "reporter": "某"}),
    ]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    for name, source in TEMPLATES.items():
        (tmp_path / name).write_text(source)
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "logo.png").write_bytes(b"\x89PNG\xff\xfe")
    return tmp_path


def rerendered(folder: Path, change, base_path: str = "/") -> list[str]:
    """Render twice with one memo, `change` applied in between; what the second render did."""
    memo = RenderMemo()
    first = Renderer(folder)
    memo.render(pages(), first.env, "shared", first)
    new_pages, shared = change(folder)
    second = Renderer(folder, base_path)
    out = memo.render(new_pages, second.env, shared, second)
    clean = Renderer(folder, base_path)
    assert out == tuple(clean(new_pages)), "memo output differs from a clean render"
    return sorted(second.paths)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda f: (pages(), "shared"), []),
        (lambda f: (pages(title="新标题"), "shared"), ["a/index.html"]),
        (lambda f: (pages(reporter="刘军辉"), "shared"), ["a/index.html"]),
        (
            lambda f: (pages(), "other shared data"),
            ["a/index.html", "b/index.html", "d/index.html", "t/index.html"],
        ),
        (
            lambda f: (
                (f / "byline.html").write_text("<p>记者 {{ reporter }}</p>"),
                (pages(), "shared"),
            )[1],
            [
                "a/index.html",
                "b/index.html",
                "d/index.html",
            ],  # d includes a name only known at run time
        ),
        (
            lambda f: (
                (f / "base.html").write_text(
                    "<title>{{ title }}！</title>{% block main %}{% endblock %}"
                ),
                (pages(), "shared"),
            )[1],
            ["a/index.html", "b/index.html", "d/index.html", "t/index.html"],
        ),
        (
            lambda f: ((f / "unused.html").write_text("<p>改了</p>"), (pages(), "shared"))[1],
            ["d/index.html"],
        ),
        (lambda f: ((f / "static" / "logo.png").write_bytes(b"\x00"), (pages(), "shared"))[1], []),
        (lambda f: (pages()[:2], "shared"), []),
    ],
    ids=[
        "nothing",
        "title",
        "byline",
        "shared",
        "include",
        "extends",
        "unrelated",
        "static",
        "removed",
    ],
)
def test_only_pages_whose_inputs_changed_are_rendered_again(folder: Path, change, expected) -> None:
    assert rerendered(folder, change) == expected


def test_a_filter_closing_over_a_setting_is_part_of_the_fingerprint(folder: Path) -> None:
    changed = rerendered(folder, lambda f: (pages(), "shared"), base_path="/initiative-archive/")
    assert changed == ["a/index.html", "b/index.html", "d/index.html", "t/index.html"]


def test_unpicklable_context_is_always_rendered(folder: Path) -> None:
    memo, renderer = RenderMemo(), Renderer(folder)
    odd = [Page("x/index.html", "byline.html", {"reporter": (n for n in "生成器")})]
    memo.render(odd, renderer.env, "s", renderer)
    memo.render(odd, renderer.env, "s", renderer)
    assert renderer.paths == ["x/index.html", "x/index.html"]


# A value, and one that Python finds equal (or nearly) but that renders differently.
LOOK_ALIKES = [
    (1, True),  # "1" and "True"
    (1, 1.0),  # "1" and "1.0"
    (["甲", "乙"], ("甲", "乙")),  # same items, another type
    ({"a": 1, "b": 2}, {"b": 2, "a": 1}),  # another order for a template looping over it
    ({"card": {"title": "甲"}}, {"card": {"title": "乙"}}),
    (["甲"], ["甲", "乙"]),
]


@pytest.mark.parametrize(("before", "after"), LOOK_ALIKES)
def test_a_context_that_only_looks_equal_is_rendered_again(folder: Path, before, after) -> None:
    (folder / "value.html").write_text("{{ value }}")
    memo, renderer = RenderMemo(), Renderer(folder)
    for value in (before, after):
        memo.render(
            [Page("p/index.html", "value.html", {"value": value})], renderer.env, "", renderer
        )
    assert renderer.paths == ["p/index.html", "p/index.html"]


def test_an_equal_context_made_anew_is_not_rendered_again(folder: Path) -> None:
    card = {"href": "/a/", "title": "甲"}
    first = {"title": "区", "names": ["甲"], "cards": [card, card], "n": 1, "none": None}
    again = {"title": "区", "names": ["甲"], "cards": [card, dict(card)], "n": 1, "none": None}
    memo, renderer = RenderMemo(), Renderer(folder)
    memo.render([Page("t/index.html", "term.html", first)], renderer.env, "s", renderer)
    out = memo.render([Page("t/index.html", "term.html", again)], renderer.env, "s", renderer)
    assert renderer.paths == ["t/index.html"]
    assert out == tuple(Renderer(folder)([Page("t/index.html", "term.html", again)]))
