"""The shipped archive, built and served by a real http.server, has no broken internal URL.

Built twice: for the site root (`/`) and as a GitHub Pages project site under
`/initiative-archive/` (served from a parent folder, as Pages does). A crawler
starts at the home page and follows every same-site URL of every page, feed,
sitemap, stylesheet and redirect over HTTP; any answer but 200 is a failure.
"""

from __future__ import annotations

import functools
import os
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections import deque
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest

from archive.check import css_references, page_references, xml_references

ROOT = Path(__file__).resolve().parents[2]
SUBPATH = "initiative-archive"


class PagesLikeHandler(SimpleHTTPRequestHandler):
    """http.server's file handler, quiet, and like GitHub Pages without folder listings."""

    def list_directory(self, path: str | os.PathLike[str]) -> None:
        """A folder without index.html is a 404 on Pages, not a listing."""
        self.send_error(404, "File not found")

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module", params=["", SUBPATH], ids=["root", "subpath"])
def served_site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Path]]:
    """(base URL, site folder): the shipped archive built for and served at that URL."""
    served = tmp_path_factory.mktemp("served")
    handler = functools.partial(PagesLikeHandler, directory=str(served))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base_url = f"http://127.0.0.1:{server.server_address[1]}/" + (
        f"{request.param}/" if request.param else ""
    )
    out = served / request.param if request.param else served
    build = subprocess.run(
        [sys.executable, "build.py", "build", "--out", str(out), "--base-url", base_url, "--quiet"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert build.returncode == 0, build.stderr
    try:
        yield base_url, out
    finally:
        server.shutdown()
        server.server_close()


def fetch(url: str) -> tuple[int, str, str]:
    """(status, content type, text) of a GET, following redirects like a browser."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return (
                response.status,
                response.headers.get_content_type(),
                response.read().decode("utf-8", "replace"),
            )
    except urllib.error.HTTPError as error:
        return error.code, "", ""


def links_in(url: str, content_type: str, text: str) -> list[str]:
    """Absolute URLs a fetched file points at."""
    if content_type == "text/html":
        refs = [r.url for r in page_references(text)]
    elif content_type == "text/css":
        refs = [r.url for r in css_references(text)]
    elif url.endswith(".xml"):
        found, error = xml_references(text)
        assert not error, f"{url}: {error}"
        refs = [r.url for r in found]
    elif url.endswith("robots.txt"):
        refs = [
            line.split(":", 1)[1].strip()
            for line in text.splitlines()
            if line.lower().startswith("sitemap:")
        ]
    else:
        refs = []
    return [
        urldefrag(urljoin(url, ref))[0]
        for ref in refs
        if ref and not ref.startswith(("mailto:", "tel:", "data:"))
    ]


def crawl(base_url: str) -> tuple[dict[str, int], dict[str, str]]:
    """Status of every same-site URL reachable from the home page, robots.txt and the sitemap,
    and for each URL the first page that linked to it."""
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(base_url))
    starts = [base_url, urljoin(base_url, "robots.txt"), urljoin(base_url, "sitemap.xml")]
    status: dict[str, int] = {}
    referrer = dict.fromkeys(starts, "(start)")
    queue = deque(starts)
    while queue:
        url = queue.popleft()
        code, content_type, text = fetch(url)
        status[url] = code
        for link in links_in(url, content_type, text) if code == 200 else []:
            if link.startswith(origin) and link not in referrer:
                referrer[link] = url
                queue.append(link)
    return status, referrer


def test_every_internal_url_answers_200(served_site: tuple[str, Path]) -> None:
    base_url, _ = served_site
    status, referrer = crawl(base_url)
    broken = sorted(
        f"{code} {url} (linked from {referrer[url]})" for url, code in status.items() if code != 200
    )
    assert broken == []
    assert all(url.startswith(base_url) for url in status), "a link left the base path"


def test_crawl_reaches_every_page_of_the_site(served_site: tuple[str, Path]) -> None:
    base_url, out = served_site
    status, _ = crawl(base_url)
    reached = {urlsplit(url).path for url, code in status.items() if code == 200}
    base_path = urlsplit(base_url).path
    pages = {
        base_path + path.relative_to(out).as_posix().removesuffix("index.html")
        for path in out.rglob("*.html")
        if path.name != "404.html"
        and 'http-equiv="refresh"' not in path.read_text(encoding="utf-8")
    }
    assert sorted(pages - reached) == []


def test_404_page_works_at_any_depth(served_site: tuple[str, Path]) -> None:
    base_url, out = served_site
    deep = urljoin(base_url, "no/such/page/here/")  # where GitHub Pages would serve 404.html
    html = (out / "404.html").read_text(encoding="utf-8")
    refs = [r.url for r in page_references(html) if r.url and not r.url.startswith("#")]
    links = [urldefrag(urljoin(deep, ref))[0] for ref in refs]
    internal = [link for link in links if link.startswith(base_url)]
    assert internal, "404.html links nowhere on the site"
    assert [(link, code) for link in internal if (code := fetch(link)[0]) != 200] == []


def test_check_command_finds_nothing_wrong(served_site: tuple[str, Path]) -> None:
    base_url, out = served_site
    command = [sys.executable, "build.py", "check", "--out", str(out), "--base-url", base_url]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
