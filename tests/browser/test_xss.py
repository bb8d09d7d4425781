"""Raw HTML and javascript: links in article Markdown never run in the reader's browser."""

from __future__ import annotations

import shutil

import pytest
from conftest import FIXTURE_CONTENT, build_ok, serve_directory

pytestmark = pytest.mark.browser

HOSTILE = """---
id: hostile
title: "<script>window.__xss = 'title'; alert('title')</script>标题"
date: 2024-06-07
districts: [二七区]
programmes: ["<img src=x onerror=\\"window.__xss='programme'\\">"]
reporters: ["<b onmouseover=alert(1)>记者</b>"]
---
第一段<script>window.__xss = 'script'; alert('script')</script>

<img src=x onerror="window.__xss = 'img'; alert('img')">

<div onclick="window.__xss='div'">点击这里</div>

[点我](javascript:window.__xss='link';alert('link')) [再点](&#106;avascript:window.__xss='entity')
[大写](JaVaScRiPt:window.__xss='case') ![图](javascript:window.__xss='image')

<svg onload="window.__xss='svg'"></svg>
"""


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory):
    content = tmp_path_factory.mktemp("hostile") / "content"
    shutil.copytree(FIXTURE_CONTENT, content)
    (content / "articles" / "hostile.md").write_text(HOSTILE, encoding="utf-8")
    out = build_ok(content, content.parent / "site", "https://example.org/")
    with serve_directory(out) as url:
        yield url


def _visit(browser, url: str) -> tuple[object, list[str]]:
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(url)
    page.wait_for_load_state("load")
    return page, dialogs


def test_article_payloads_show_as_text_and_never_run(browser, hostile_site) -> None:
    page, dialogs = _visit(browser, hostile_site + "articles/hostile/")
    body = page.locator(".article-body")
    assert "<script>window.__xss = 'script'" in body.inner_text()
    assert '<img src=x onerror="window.__xss' in body.inner_text()
    assert page.get_by_role("heading", level=1).inner_text().startswith("<script>")
    assert body.locator("img[src='x'], svg, div[onclick], script").count() == 0
    for name in ("点我", "再点", "大写"):
        link = body.get_by_text(name)
        assert link.get_attribute("href") is None
        link.click()
    page.locator(".article-body, .tag, .byline").first.hover()
    assert page.evaluate("window.__xss") is None
    assert dialogs == []
    page.close()


@pytest.mark.parametrize("path", ["", "articles/", "programmes/", "reporters/", "feed.xml"])
def test_lists_and_term_pages_escape_the_payloads(browser, hostile_site, path: str) -> None:
    page, dialogs = _visit(browser, hostile_site + path)
    page.mouse.move(10, 10)
    assert page.evaluate("window.__xss") is None
    assert dialogs == []
    page.close()


def test_hostile_programme_page_is_escaped(hostile_site) -> None:
    import urllib.request

    html = urllib.request.urlopen(hostile_site + "programmes/").read().decode()
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=" in html
