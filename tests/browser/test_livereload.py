"""Live preview in Debian's Chromium: edits reload the open page, errors show, fixes recover.

`build.py serve` runs as a real process on a free port of 127.0.0.1 over a
copy of a small generated corpus, previewing a GitHub Pages project site
(base path /initiative-archive/); Chromium keeps an article open while the
test edits, breaks and fixes its file.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
BASE_PATH = "/initiative-archive/"
ARTICLE = "a-000003"
WAIT_MS = 60_000


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class DevServer:
    """`python3 build.py serve` on a copy of a small corpus, as a subprocess."""

    def __init__(self, root: Path) -> None:
        gen = REPO.parent / "shared" / "bench" / "gen_corpus.py"
        if not gen.is_file():
            gen = Path("/work/shared/bench/gen_corpus.py")
        subprocess.run(
            [sys.executable, str(gen), "-n", "6", "--out", str(root), "--format", "ours"],
            check=True,
            capture_output=True,
        )
        shutil.copytree(REPO / "content" / "taxonomy", root / "content" / "taxonomy")
        self.articles = root / "content" / "articles"
        self.port = free_port()
        self.log = (root / "serve.log").open("w+", encoding="utf-8")
        command = [
            sys.executable,
            str(REPO / "build.py"),
            "serve",
            "--port",
            str(self.port),
            "--content-dir",
            str(root / "content"),
            "--out",
            str(root / "site"),
            "--base-url",
            "https://example.github.io" + BASE_PATH,
        ]
        environment = {**os.environ, "ARCHIVE_CACHE_DIR": str(root / "cache")}
        self.process = subprocess.Popen(
            command, stdout=self.log, stderr=subprocess.STDOUT, env=environment, cwd=root
        )
        self._wait_until_serving()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{BASE_PATH}{path}"

    def status(self) -> dict:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/__archive__/status") as answer:
            return json.load(answer)

    def _wait_until_serving(self) -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"serve exited {self.process.returncode}:\n{self.output()}")
            try:
                if self.status()["builds"] >= 1:
                    return
            except OSError:
                time.sleep(0.2)
        raise AssertionError(f"serve did not start:\n{self.output()}")

    def output(self) -> str:
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(20)
        self.log.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevServer]:
    running = DevServer(tmp_path_factory.mktemp("preview"))
    yield running
    running.stop()


@pytest.fixture(scope="module")
def page() -> Iterator[Page]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser.new_page()
        browser.close()


def set_title(path: Path, title: str) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"(?m)^title: .*$", f"title: {title}", text, count=1), encoding="utf-8")


def test_edit_reloads_once_error_shows_fix_recovers(server: DevServer, page: Page) -> None:
    article = server.articles / f"{ARTICLE}.md"
    title = page.locator("h1:not(#archive-build-error h1)")  # the article's, not the error's
    loads: list[str] = []
    page.on("load", lambda: loads.append(page.url))
    page.goto(server.url(f"articles/{ARTICLE}/"))
    expect(title).not_to_have_text("")
    deadline = time.monotonic() + 30
    while server.status()["browsers"] < 1:  # livereload.js has connected its websocket
        assert time.monotonic() < deadline, "the page never connected to the livereload socket"
        time.sleep(0.05)
    builds = server.status()["builds"]
    loads.clear()

    # An editor's save-all: the open article and four others in one burst.
    set_title(article, "编辑后的新标题")
    for other in sorted(server.articles.glob("*.md"))[:4]:
        if other != article:
            other.write_text(other.read_text(encoding="utf-8") + "\n补充一句。\n", encoding="utf-8")
    expect(title).to_have_text("编辑后的新标题", timeout=WAIT_MS)
    # Long enough for a second rebuild and reload, if there were one; waiting through
    # Playwright (not time.sleep) lets it deliver the page's load events meanwhile.
    page.wait_for_timeout(1500)
    assert server.status()["builds"] == builds + 1
    assert len(loads) == 1, loads

    # Break the front matter: the error appears over the page, naming the file and line.
    text = article.read_text(encoding="utf-8")
    broken = re.sub(r"(?m)^title: .*$", "title: [没有闭合的方括号", text, count=1)
    article.write_text(broken, encoding="utf-8")
    overlay = page.locator("#archive-build-error")
    expect(overlay).to_be_visible(timeout=WAIT_MS)
    expect(overlay).to_contain_text("构建失败")
    expect(overlay).to_contain_text(f"{ARTICLE}.md:")
    assert server.process.poll() is None  # the server lives on
    # Under the error, the last good page is still served.
    expect(title).to_have_text("编辑后的新标题")

    # Fix it: the article returns without a restart.
    article.write_text(text.replace("编辑后的新标题", "修好后的标题"), encoding="utf-8")
    expect(title).to_have_text("修好后的标题", timeout=WAIT_MS)
    expect(overlay).to_have_count(0)
    assert server.status()["ok"] is True
