"""urls: every link honours the base path; feeds, sitemap and canonical links are absolute."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import SUBPATH

from archive import urls
from archive.errors import ArchiveError


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (urls.article("2024-erqi-001"), "articles/2024-erqi-001/"),
        (urls.term("district", "erqi-qu"), "districts/erqi-qu/"),
        (urls.term("programme", "zheng-hao-rong"), "programmes/zheng-hao-rong/"),
        (urls.term("place", "yin-ma-chi-she-qu"), "places/yin-ma-chi-she-qu/"),
        (urls.term("reporter", "jing-jing"), "reporters/jing-jing/"),
        (urls.term("year", "2024"), "years/2024/"),
        (urls.term_feed("district", "erqi-qu"), "districts/erqi-qu/feed.xml"),
        (urls.articles_page(1), "articles/"),
        (urls.articles_page(2), "articles/page/2/"),
        (urls.search(district="二七区", programme="一把手走流程"),
         "search/?district=%E4%BA%8C%E4%B8%83%E5%8C%BA&programme="
         "%E4%B8%80%E6%8A%8A%E6%89%8B%E8%B5%B0%E6%B5%81%E7%A8%8B"),
    ],
)  # fmt: skip
def test_site_paths(path: str, expected: str) -> None:
    assert path == expected


@pytest.mark.parametrize(
    ("path", "output"),
    [("", "index.html"), ("articles/a/", "articles/a/index.html"), ("feed.xml", "feed.xml")],
)
def test_output_paths(path: str, output: str) -> None:
    assert urls.output_path(path) == output


def test_links_and_absolute_urls_use_the_base() -> None:
    assert urls.href("/repo/", "articles/a/") == "/repo/articles/a/"
    assert (
        urls.absolute("https://u.github.io/repo/", "feed.xml")
        == "https://u.github.io/repo/feed.xml"
    )


def test_two_outputs_on_one_path_is_an_error() -> None:
    with pytest.raises(ArchiveError, match=r"articles/a/index\.html is made by both"):
        urls.check_unique([("articles/a/index.html", "a.md"), ("articles/a/index.html", "b.md")])


class _Links(HTMLParser):
    """Every URL-valued attribute of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src", "action", "content", "data-url") and value is not None:
                if name == "content" and not value.startswith(("http", "/")):
                    continue
                self.found.append((tag, name, value))


def _urls_of(folder: Path) -> list[tuple[str, str, str, str]]:
    found = []
    for page in sorted(folder.rglob("*.html")):
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8"))
        found += [(str(page.relative_to(folder)), *link) for link in parser.found]
    return found


@pytest.mark.parametrize("where", ["root", "sub"])
def test_every_link_of_the_built_site_honours_the_base_path(where: str, fixture_sites) -> None:
    folder = fixture_sites.folder if where == "root" else fixture_sites.folder / SUBPATH
    base_path = "/" if where == "root" else "/" + SUBPATH
    base_url = "https://example.org" + base_path
    links = _urls_of(folder)
    assert len(links) > 500
    for page, tag, attribute, value in links:
        if page.startswith(SUBPATH):
            continue  # the root build's folder holds the sub build too
        ok = (
            value.startswith((base_url, "#"))
            or (value.startswith(base_path) and not value.startswith("//"))
            or value.startswith(("https://www.zhengzhou.gov.cn/", "https://schema.org"))
        )
        assert ok, f"{page}: <{tag} {attribute}={value!r}> does not start with {base_path}"


@pytest.mark.parametrize("where", ["root", "sub"])
def test_feeds_sitemap_and_robots_are_absolute(where: str, fixture_sites) -> None:
    folder = fixture_sites.folder if where == "root" else fixture_sites.folder / SUBPATH
    base_url = "https://example.org/" + ("" if where == "root" else SUBPATH)
    texts = [folder / "sitemap.xml", folder / "feed.xml", folder / "districts/erqi-qu/feed.xml"]
    for path in texts:
        found = re.findall(r'(?:href="|<loc>|<id>)([^"<]+)', path.read_text(encoding="utf-8"))
        assert found, path
        assert all(url.startswith(base_url) for url in found), (path, found)
    robots = (folder / "robots.txt").read_text()
    assert f"Sitemap: {base_url}sitemap.xml" in robots
    assert (folder / ".nojekyll").is_file()


def test_markdown_site_links_get_the_base_path(fixture_sites) -> None:
    page = fixture_sites.folder / SUBPATH / "articles/2024-erqi-001/index.html"
    assert '<a href="/initiative-archive/programmes/">全部举措</a>' in page.read_text()
