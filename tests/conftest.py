"""Shared test fixtures: built sites, a real HTTP server on 127.0.0.1, Debian's Chromium.

    build_site(content_dir, out, base_url)  -> run `build.py build` as a real process
    serve_directory(folder)                 -> context manager: http://127.0.0.1:<port>/
    fixture_sites  (session fixture)        -> the tiny fixture corpus built twice and served:
                                               at / and under /initiative-archive/
    browser        (module fixture)         -> Playwright Chromium from /usr/bin/chromium

The server answers a missing path with the site's 404.html and status 404, as
GitHub Pages does. Browser tests never skip: without /usr/bin/chromium they fail
with a message saying how to install it.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURE_CONTENT = ROOT / "tests" / "fixtures" / "site-min" / "content"
SUBPATH = "initiative-archive/"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def build_site(
    content_dir: Path, out: Path, base_url: str, *extra: str
) -> subprocess.CompletedProcess[str]:
    """Run `python3 build.py build` on a content folder, as a user would."""
    command = [
        sys.executable,
        str(ROOT / "build.py"),
        "build",
        "--content-dir",
        str(content_dir),
        "--out",
        str(out),
        "--base-url",
        base_url,
        "--quiet",
        *extra,
    ]
    return subprocess.run(command, capture_output=True, text=True, check=False, cwd=ROOT)


def build_ok(content_dir: Path, out: Path, base_url: str, *extra: str) -> Path:
    """build_site that must succeed; returns the output folder."""
    result = build_site(content_dir, out, base_url, *extra)
    assert result.returncode == 0, result.stderr
    return out


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Static files; a missing file gets the nearest site's 404.html, like GitHub Pages."""

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: test output is for failures."""

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = self._not_found_page() if code == 404 else None
        if page is None:
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _not_found_page(self) -> Path | None:
        root = Path(self.directory)
        sub = root / SUBPATH / "404.html"
        if self.path.startswith("/" + SUBPATH) and sub.is_file():
            return sub
        page = root / "404.html"
        return page if page.is_file() else None


@contextlib.contextmanager
def serve_directory(folder: Path) -> Iterator[str]:
    """Serve a folder over HTTP on 127.0.0.1 (a free port); yields the base URL."""
    handler = functools.partial(_Handler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@dataclass(frozen=True)
class ServedSites:
    """The fixture corpus served at the root and under /initiative-archive/."""

    url: str  # http://127.0.0.1:<port>/ : the root build
    sub_url: str  # http://127.0.0.1:<port>/initiative-archive/ : the project-site build
    folder: Path  # what the server serves


@pytest.fixture(scope="session")
def fixture_sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedSites]:
    """Build the tiny corpus for / and for /initiative-archive/, serve both from one server."""
    folder = tmp_path_factory.mktemp("served")
    build_ok(FIXTURE_CONTENT, folder / "root", "https://example.org/")
    build_ok(FIXTURE_CONTENT, folder / "root" / SUBPATH, "https://example.org/" + SUBPATH)
    with serve_directory(folder / "root") as url:
        yield ServedSites(url=url, sub_url=url + SUBPATH, folder=folder / "root")


# Module scope: Playwright's sync API allows one running instance per process, so each
# test module gets its own and closes it, and a module may start Playwright itself.
@pytest.fixture(scope="module")
def browser():  # Playwright's Browser
    """Debian's Chromium through Playwright; fails (never skips) when it is missing."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing, so the browser tests cannot run: install Debian's "
            "chromium (sudo apt-get install -y chromium). They fail rather than skip, "
            "locally and under CI=true alike.",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    """test-artifacts/ (git-ignored): screenshots kept for a human to look at."""
    folder = ROOT / "test-artifacts"
    folder.mkdir(exist_ok=True)
    return folder
