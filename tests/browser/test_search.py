"""Search page in Debian's Chromium: the seed corpus built by build.py and served over HTTP.

The same built index answers through search.js in the page and through the
Python reference (archive.search_query), which the unit tests hold to
substring truth; here the browser must agree with it query for query.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from conftest import SUBPATH, build_ok, serve_directory
from search_seeds import load_queries, seed_docs, truth, write_content

from archive.search_index import HEAD_CHARS, normalise
from archive.search_query import SearchIndex

pytestmark = pytest.mark.browser
QUERIES = load_queries()
XSS = "<img src=x onerror=window.__xss=1>"


class Site:
    """A built seed site served at / and under /initiative-archive/."""

    def __init__(self, folder: Path, url: str) -> None:
        self.folder, self.url, self.sub_url = folder, url, url + SUBPATH

    def reference(self) -> SearchIndex:
        return SearchIndex(lambda path: (self.folder / path).read_bytes())


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("search-site")
    content = write_content(seed_docs(), tmp / "content")
    root = build_ok(content, tmp / "root", "https://example.org/")
    build_ok(content, root / SUBPATH, "https://example.org/" + SUBPATH)
    with serve_directory(root) as url:
        yield Site(root, url)


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors, errors


def open_search(page, url: str) -> None:
    page.goto(url)
    page.wait_for_function("document.getElementById('search-status').textContent !== ''")


def result_hrefs(page) -> list[str]:
    return page.eval_on_selector_all(
        "#results > li", "items => items.map(li => li.querySelector('a').getAttribute('href'))"
    )


def type_query(page, text: str) -> None:
    page.click("#search-q")
    page.fill("#search-q", "")
    page.keyboard.type(text)
    page.wait_for_function(
        "q => new URLSearchParams(location.search).get('q') === q", arg=text, timeout=5000
    )


def test_every_query_agrees_with_the_reference(site, page):
    """search.js returns the reference's ranking for all queries (same index files)."""
    open_search(page, site.url + "search/")
    reference = site.reference()
    for query, _ in QUERIES:
        got = page.evaluate("q => window.ArchiveSearch.query(q).then(r => r.docs)", query)
        assert got == list(reference.search(query).docs), query


def test_typed_phrase_lists_matches_with_the_whole_phrase_marked(site, page):
    query = "营商环境专项奖"
    open_search(page, site.url + "search/")
    type_query(page, query)
    page.wait_for_selector("#results > li")
    docs = {d.url: d for d in seed_docs()}
    hrefs = result_hrefs(page)
    assert {docs[h].id for h in hrefs} == truth(seed_docs(), query)
    marks = page.eval_on_selector_all("#results mark", "ms => ms.map(m => m.textContent)")
    assert marks and all(normalise(m) == query for m in marks)
    assert parse_qs(urlsplit(page.url).query) == {"q": [query]}
    assert re.match(r"找到 \d+ 篇文章", page.inner_text("#search-status"))


def test_a_match_deep_in_the_text_has_its_snippet(site, page):
    """A result's record holds the head of its text; a first match beyond it reads the rest."""
    docs = seed_docs()
    doc = max(docs, key=lambda d: len(d.text))
    head = normalise(doc.text[: HEAD_CHARS + 50])
    query = next(
        p
        for p in (doc.text[i : i + 6] for i in range(HEAD_CHARS + 50, len(doc.text) - 6))
        if normalise(p) == p and p not in head and truth(docs, p) == {doc.id}
    )
    open_search(page, site.url + "search/?q=" + quote(query))
    page.wait_for_selector("#results > li")
    assert result_hrefs(page) == [doc.url]
    marks = page.eval_on_selector_all(
        "#results .result-snippet mark", "ms => ms.map(m => m.textContent)"
    )
    assert marks and all(m == query for m in marks)


def test_url_state_is_read_and_facets_narrow(site, page):
    open_search(page, site.url + "search/?q=" + quote("企业"))
    page.wait_for_selector("#results > li")
    assert page.input_value("#search-q") == "企业"
    everything = page.evaluate("window.ArchiveSearch.query('企业').then(r => r.docs.length)")
    link = page.locator("#facets a[data-facet='district'][data-value='二七区']")
    count = int(link.locator("xpath=..").locator(".count").inner_text())
    link.click()
    page.wait_for_function("new URLSearchParams(location.search).get('district') === '二七区'")
    page.wait_for_selector("#facets a[aria-current]")
    assert count < everything
    assert page.inner_text("#search-status").startswith(f"找到 {count} 篇")
    metas = page.eval_on_selector_all("#results .result-meta", "ps => ps.map(p => p.textContent)")
    assert metas and all("二七区" in m for m in metas)
    page.go_back()
    page.wait_for_function("!new URLSearchParams(location.search).get('district')")
    page.wait_for_function(
        f"document.getElementById('search-status').textContent.includes('{everything}')"
    )


def test_an_opened_query_reads_its_buckets_without_waiting_for_the_index_header(site, page):
    """On a slow link, a page opened with ?q= does not wait for meta.bin to learn which
    bucket files its query reads: the page carries the index's route."""
    query = "一把手走流程"
    reference = site.reference()
    expected = reference.search(query).docs
    wanted = {name for name in reference.fetched if name.startswith("s/")}

    def slow_header(route) -> None:
        time.sleep(0.8)
        route.continue_()

    page.route("**/search/meta.bin*", slow_header)
    open_search(page, site.url + "search/?q=" + quote(query))
    page.wait_for_selector("#results > li")
    timing = page.evaluate(
        """() => {
          const entries = performance.getEntriesByType('resource');
          const meta = entries.find(e => e.name.includes('/search/meta.bin'));
          const buckets = entries.filter(e => e.name.includes('/search/s/'));
          return {metaEnd: meta.responseEnd,
                  buckets: buckets.map(e => [new URL(e.name).pathname, e.startTime])};
        }"""
    )
    requested = {path.removeprefix("/search/") for path, _ in timing["buckets"]}
    assert requested == wanted
    assert all(start < timing["metaEnd"] - 500 for _, start in timing["buckets"]), timing
    found = page.evaluate("q => window.ArchiveSearch.query(q).then(r => r.docs)", query)
    assert found == list(expected)


def test_filters_alone_list_what_matches(site, page):
    programme = "一把手走流程"
    open_search(page, site.url + "search/?programme=" + quote(programme))
    page.wait_for_selector("#results > li")
    expected = site.reference().search("", {"programme": programme}).docs
    assert page.inner_text("#search-status").startswith(f"找到 {len(expected)} 篇")
    metas = page.eval_on_selector_all("#results .result-meta", "ps => ps.map(p => p.textContent)")
    assert len(metas) == min(10, len(expected)) and all(programme in m for m in metas)


def test_keyboard_slash_arrows_enter(site, page):
    open_search(page, site.url + "search/")
    page.locator("h1").click()
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "search-q"
    page.keyboard.type("社区")
    page.wait_for_selector("#results > li:nth-child(2)")
    hrefs = result_hrefs(page)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.getAttribute('href')") == hrefs[1]
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    assert page.evaluate("document.activeElement.id") == "search-q"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert urlsplit(page.url).path == hrefs[1]


@pytest.mark.parametrize(
    ("query", "status", "hint"),
    [
        ("量子计算机", "没有找到包含“量子计算机”的文章", "试试更短的词：量子"),
        ("a", "关键词太短", ""),
    ],
)
def test_no_results_and_too_short_states(site, page, query, status, hint):
    open_search(page, site.url + "search/?q=" + quote(query))
    page.wait_for_function(
        f"document.getElementById('search-status').textContent.includes('{status}')"
    )
    assert page.locator("#results > li").count() == 0
    assert page.inner_text("#search-hint") == hint


def test_no_results_with_a_filter_suggests_dropping_it(site, page):
    open_search(page, site.url + "search/?q=" + quote("景静") + "&year=1999")
    page.wait_for_function("document.getElementById('search-status').textContent.includes('没有')")
    page.click("#search-hint a")
    page.wait_for_selector("#results > li")
    assert "year" not in parse_qs(urlsplit(page.url).query)


def test_noscript_message_is_in_the_page(site):
    html = (site.folder / "search" / "index.html").read_text(encoding="utf-8")
    assert re.search(r"<noscript>.*JavaScript.*</noscript>", html, re.S)


def test_typed_markup_stays_text(site, page):
    open_search(page, site.url + "search/")
    type_query(page, XSS)
    page.wait_for_timeout(300)
    assert page.evaluate("window.__xss") is None
    assert page.locator("main img").count() == 0
    assert XSS.replace(" ", "") in page.inner_text("#search-status").replace(" ", "") or (
        "太短" in page.inner_text("#search-status")
    )


def test_markup_in_url_parameters_stays_text(site, page):
    url = site.url + "search/?q=" + quote(XSS) + "&district=" + quote(XSS)
    open_search(page, url)
    page.wait_for_timeout(300)
    assert page.evaluate("window.__xss") is None
    assert page.locator("main img").count() == 0
    assert XSS in page.inner_text("#search-filters")


def test_works_under_a_base_url_subpath(site, page):
    open_search(page, site.sub_url + "search/?q=" + quote("饮马池社区"))
    page.wait_for_selector("#results > li")
    hrefs = result_hrefs(page)
    assert hrefs and all(h.startswith("/" + SUBPATH + "articles/") for h in hrefs)
    with page.expect_navigation():
        page.click("#results > li a")
    assert page.url.startswith(site.sub_url + "articles/")
    assert page.title()


def test_results_come_before_facets_on_a_phone(site, browser):
    """At 360 px the first result is above the fold and the facets follow the results."""
    context = browser.new_context(viewport={"width": 360, "height": 740})
    try:
        page = context.new_page()
        open_search(page, site.url + "search/?q=" + quote("一把手走流程"))
        page.wait_for_selector("#facets a")
        first = page.locator("#results > li").first.bounding_box()
        facets = page.locator("#facets").bounding_box()
        assert first["y"] + first["height"] <= 740
        assert facets["y"] >= first["y"] + first["height"]
        page.focus("#search-q")
        order = page.evaluate(
            "() => [...document.querySelectorAll('#results a, #facets a')]"
            ".map(a => a.closest('#results') ? 'results' : 'facets')"
        )
        assert order.index("facets") > order.index("results")
    finally:
        context.close()
