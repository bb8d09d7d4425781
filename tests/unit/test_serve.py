"""The dev server in-process: one build per burst, errors over the last good site, safe paths."""

from __future__ import annotations

import asyncio
import http.client
import json
import os
import re
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import jinja2
import pytest
from tornado import httpclient, httpserver, ioloop, testing, websocket

from archive.errors import ArchiveError
from archive.incremental import OutputState, sync_tree, verify_tree
from archive.model import OutputFile
from archive.serve import (
    FirstPages,
    Hub,
    Loop,
    Outcome,
    Preview,
    Site,
    describe_error,
    live_script,
    make_app,
    preview_base_url,
    resolve_request,
    watched_paths,
)
from archive.watch import ChangeWatcher, Debouncer, InotifyWatcher

QUIET = 0.05


class CountingBuild:
    """A build function that counts its calls and can be told to fail."""

    def __init__(self) -> None:
        self.calls = 0
        self.fail: Exception | None = None

    def __call__(self) -> str:
        self.calls += 1
        if self.fail is not None:
            raise self.fail
        return f"第 {self.calls} 次"


@pytest.fixture
def content(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    (root / "articles").mkdir(parents=True)
    (root / "taxonomy").mkdir()
    for n in range(5):
        (root / "articles" / f"a-{n}.md").write_text(f"---\nid: a-{n}\n---\n正文{n}\n")
    return root


def burst(root: Path) -> Iterator[None]:
    """An editor's save-all and a checkout: writes, rewrites, a rename, a delete, a new folder."""
    articles = root / "articles"
    for n in range(30):
        (articles / f"new-{n}.md").write_text(f"---\nid: new-{n}\n---\n新{n}\n")
        yield
    for n in range(5):
        (articles / f"a-{n}.md").write_text(f"---\nid: a-{n}\n---\n改过{n}\n")
        yield
    tmp = articles / ".a-0.md.swp"
    tmp.write_text("swap")
    os.replace(tmp, articles / "a-0.md")
    yield
    (articles / "a-1.md").unlink()
    yield
    (root / "taxonomy" / "new").mkdir()
    (root / "taxonomy" / "new" / "districts.yaml").write_text("二七区: {}\n")
    yield


@pytest.mark.parametrize("watcher_class", [InotifyWatcher, ChangeWatcher])
def test_a_burst_of_changes_gives_exactly_one_build(content: Path, watcher_class) -> None:
    build = CountingBuild()
    preview = Preview(build, Debouncer(QUIET))
    watcher = watcher_class((content,))
    read = watcher.read if isinstance(watcher, InotifyWatcher) else watcher.poll
    now = 100.0
    seen: set[str] = set()
    for _ in burst(content):
        now += QUIET / 5  # events keep coming faster than the quiet period
        paths = read()
        seen.update(paths)
        preview.changed(now, paths)
        assert not preview.due(now)
    now += QUIET * 1.01  # then nothing for a quiet period
    assert preview.due(now)
    preview.rebuild_now()
    assert build.calls == 1
    assert not preview.due(now + 10)
    assert read() == ()
    assert str(content / "articles" / "a-1.md") in seen
    assert str(content / "taxonomy" / "new" / "districts.yaml") in seen or (
        str(content / "taxonomy" / "new") in seen
    )


def test_changes_during_a_build_give_exactly_one_more_build(content: Path) -> None:
    build = CountingBuild()
    preview = Preview(build, Debouncer(QUIET))
    preview.changed(1.0, ("a.md",))
    assert preview.due(1.0 + QUIET)
    assert preview.start() == ("a.md",)
    for step in range(10):  # the user keeps saving while the build runs
        preview.changed(1.1 + step / 100, (f"b{step}.md",))
        assert not preview.due(5.0)
    preview.finish(preview.run_build())
    assert preview.due(5.0)
    assert len(preview.start()) == 10
    preview.finish(preview.run_build())
    assert build.calls == 2 and not preview.due(9.0)


def test_nothing_changed_means_no_build() -> None:
    preview = Preview(CountingBuild(), Debouncer(QUIET))
    preview.changed(1.0, ())
    assert not preview.due(99.0)


def test_the_output_folder_is_never_watched(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    (tmp_path / "site").mkdir()
    watcher = InotifyWatcher((tmp_path,), excluded=(tmp_path / "site",))
    (tmp_path / "site" / "index.html").write_text("built")
    (tmp_path / "site" / "deeper").mkdir()
    (tmp_path / "site" / "deeper" / "x.html").write_text("built")
    assert watcher.read() == ()
    (tmp_path / "content" / "a.md").write_text("edit")
    assert watcher.read() == (str(tmp_path / "content" / "a.md"),)


def test_only_the_named_file_of_a_folder_is_watched(tmp_path: Path) -> None:
    config = tmp_path / "site.toml"
    config.write_text('title = "x"\n')
    watcher = InotifyWatcher((config,))
    (tmp_path / "README.md").write_text("not watched")
    assert watcher.read() == ()
    config.write_text('title = "y"\n')
    assert watcher.read() == (str(config),)


# --- serving -----------------------------------------------------------------------------


class Server:
    """The preview's tornado app on a free port of 127.0.0.1, in a thread."""

    def __init__(self, site: Site, watcher: InotifyWatcher | None = None) -> None:
        self.site = site
        self.watcher = watcher
        self.hub = Hub()
        self.loop: ioloop.IOLoop | None = None
        ready = threading.Event()
        self.thread = threading.Thread(target=self._main, args=(ready,), daemon=True)
        self.thread.start()
        ready.wait(10)

    def _main(self, ready: threading.Event) -> None:
        asyncio.set_event_loop(asyncio.new_event_loop())
        self.loop = ioloop.IOLoop.current()
        sock, self.port = testing.bind_unused_port()
        server = httpserver.HTTPServer(make_app(self.site, self.hub))
        server.add_sockets([sock])
        if self.watcher is not None:
            builder = ThreadPoolExecutor(max_workers=1)
            report = lambda outcome, changes: None  # noqa: E731
            Loop(self.site.preview, self.hub, self.watcher, report, builder).attach(self.loop)
        ready.set()
        self.loop.start()
        server.stop()

    def get(self, path: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        connection.request(method, path)  # http.client sends the path exactly as given
        response = connection.getresponse()
        body = response.read()
        connection.close()
        return response.status, dict(response.getheaders()), body

    def stop(self) -> None:
        assert self.loop is not None
        self.loop.add_callback(self.loop.stop)
        self.thread.join(10)


def page(title: str) -> bytes:
    return (
        f'<!DOCTYPE html><html lang="zh-CN"><head><title>{title}</title></head>'
        f"<body><h1>{title}</h1></body></html>"
    ).encode()


def site_files(title: str) -> list[OutputFile]:
    return [
        OutputFile("index.html", page("首页")),
        OutputFile("articles/a-1/index.html", page(title)),
        OutputFile("404.html", page("找不到页面")),
        OutputFile("static/site.css", b"body{color:#222}</head>"),
    ]


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Server, Preview, Callable[[str | None], None]]]:
    out = tmp_path / "site"
    state = OutputState()
    wanted: dict[str, str | None] = {"title": "第一版标题"}

    def build() -> str:
        if wanted["title"] is None:
            raise ArchiveError("未知的区县“二期区”；是不是“二七区”？", "content/articles/a-1.md", 7)
        report = sync_tree(out, site_files(wanted["title"]), state)
        return f"写入 {report.written} 个"

    def set_title(title: str | None) -> None:
        wanted["title"] = title
        preview.rebuild_now()

    preview = Preview(build, Debouncer(QUIET))
    preview.rebuild_now()
    server = Server(Site(out, "/initiative-archive/", live_script(35729), preview))
    yield server, preview, set_title
    server.stop()


def test_a_failing_build_keeps_the_last_good_site_served_with_the_error_over_it(
    served, tmp_path: Path
) -> None:
    server, preview, set_title = served
    before = {p: p.read_bytes() for p in (tmp_path / "site").rglob("*") if p.is_file()}
    set_title(None)
    assert preview.error is not None
    after = {p: p.read_bytes() for p in (tmp_path / "site").rglob("*") if p.is_file()}
    assert after == before
    status, _, body = server.get("/initiative-archive/articles/a-1/")
    text = body.decode()
    assert status == 200
    assert "<h1>第一版标题</h1>" in text  # the last good page is still there
    assert "构建失败" in text and "content/articles/a-1.md:7" in text and "二七区" in text
    status, _, body = server.get("/initiative-archive/no-such-page/")
    assert status == 404 and "构建失败" in body.decode()
    assert json.loads(server.get("/__archive__/status")[2])["ok"] is False
    set_title("改好的标题")  # fixing the file recovers without a restart
    status, _, body = server.get("/initiative-archive/articles/a-1/")
    assert status == 200 and "改好的标题" in body.decode() and "构建失败" not in body.decode()
    assert json.loads(server.get("/__archive__/status")[2]) | {"last_seconds": 0} == {
        "builds": 3,
        "reloads": 0,
        "building": False,
        "ok": True,
        "error": None,
        "last_seconds": 0,
        "browsers": 0,
    }


def test_pages_are_served_under_the_base_path_with_the_reload_script(served) -> None:
    server, _, _ = served
    status, headers, body = server.get("/initiative-archive/")
    assert status == 200 and "首页" in body.decode()
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert body.count(b"/livereload.js?port=35729") == 1
    assert body.index(b"livereload.js") < body.index(b"</head>")
    status, headers, body = server.get("/initiative-archive/static/site.css")
    assert status == 200 and body == b"body{color:#222}</head>"  # only HTML gets the script
    assert headers["Content-Type"] == "text/css; charset=utf-8"
    status, headers, _ = server.get("/")
    assert status == 302 and headers["Location"] == "/initiative-archive/"
    status, headers, _ = server.get("/initiative-archive/articles/a-1")
    assert status == 302 and headers["Location"] == "/initiative-archive/articles/a-1/"
    status, _, body = server.get("/articles/a-1/")  # outside the base path
    assert status == 404 and "找不到页面" in body.decode()
    status, _, body = server.get("/initiative-archive/articles/a-1/", method="HEAD")
    assert status == 200 and body == b""


@pytest.mark.parametrize(
    "path",
    [
        "/initiative-archive/../secret.txt",
        "/initiative-archive/articles/../../secret.txt",
        "/initiative-archive/%2e%2e/secret.txt",
        "/initiative-archive/%2E%2E%2Fsecret.txt",
        "/initiative-archive/articles%2f..%2f..%2fsecret.txt",
        "/initiative-archive/..%5csecret.txt",
        "/initiative-archive/%252e%252e/secret.txt",  # double-encoded: a literal name, absent
        "/initiative-archive/link-out/secret.txt",
        "/initiative-archive/file-link.txt",
    ],
)
def test_requests_outside_the_output_folder_are_refused(served, tmp_path: Path, path: str) -> None:
    server, _, _ = served
    (tmp_path / "secret.txt").write_text("TOP SECRET")
    (tmp_path / "site" / "link-out").symlink_to(tmp_path)
    (tmp_path / "site" / "file-link.txt").symlink_to(tmp_path / "secret.txt")
    status, _, body = server.get(path)
    assert status in (403, 404)
    assert b"TOP SECRET" not in body


def test_resolve_request_table(tmp_path: Path) -> None:
    root = tmp_path / "site"
    (root / "a").mkdir(parents=True)
    (root / "a" / "index.html").write_text("x")
    (root / "中文.txt").write_text("x")
    rows = [
        ("/", "/", root / "index.html"),
        ("/", "/a/", root / "a" / "index.html"),
        ("/", "/a", "redirect:/a/"),
        ("/", "/%E4%B8%AD%E6%96%87.txt", root / "中文.txt"),
        ("/", "/a/%2e%2e/a/", "forbidden"),
        ("/", "/nope", None),
        ("/", "/%ff", None),
        ("/repo/", "/", "redirect:/repo/"),
        ("/repo/", "/a/", None),
        ("/repo/", "/repo/a/", root / "a" / "index.html"),
    ]
    (root / "index.html").write_text("home")
    for base, path, expected in rows:
        assert resolve_request(root, base, path) == expected, (base, path)


def test_describe_error_names_file_and_line(tmp_path: Path) -> None:
    error = ArchiveError("front matter 里的 YAML 有误", "content/articles/x.md", 4)
    assert describe_error(error) == "content/articles/x.md:4: front matter 里的 YAML 有误"
    (tmp_path / "broken.html").write_text("<p>\n{% if %}\n")
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(tmp_path))
    with pytest.raises(jinja2.TemplateSyntaxError) as caught:
        env.get_template("broken.html")
    text = describe_error(caught.value)
    assert text.startswith(str(tmp_path / "broken.html") + ":2: 模板错误：")


def test_outcome_of_an_unexpected_exception_is_shown_not_raised() -> None:
    build = CountingBuild()
    build.fail = KeyError("districts")
    preview = Preview(build, Debouncer(QUIET))
    outcome = preview.rebuild_now()
    assert isinstance(outcome, Outcome) and not outcome.ok
    assert "内部错误（KeyError）" in outcome.message and "test_serve.py:" in outcome.message


def test_preview_url_keeps_the_project_path() -> None:
    url = preview_base_url("https://user.github.io/initiative-archive/", "127.0.0.1", 8123)
    assert url == "http://127.0.0.1:8123/initiative-archive/"
    assert preview_base_url("http://example.org/", "0.0.0.0", 8000) == "http://127.0.0.1:8000/"


def test_sync_tree_writes_only_changed_bytes_and_deletes_the_rest(tmp_path: Path) -> None:
    out = tmp_path / "site"
    (out / "old" / "deep").mkdir(parents=True)
    (out / "old" / "deep" / "stale.html").write_text("from a previous build")
    (out / "index.html").write_bytes(page("首页"))
    state = OutputState()
    first = sync_tree(out, site_files("一"), state)
    assert (first.written, first.unchanged, first.deleted) == (3, 1, 1)
    assert not (out / "old").exists()
    stamps = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    second = sync_tree(out, site_files("二"), state)
    assert (second.written, second.unchanged, second.deleted) == (1, 3, 0)
    changed = [p for p in stamps if p.stat().st_mtime_ns != stamps[p]]
    assert changed == [out / "articles" / "a-1" / "index.html"]
    (out / "index.html").unlink()  # someone deletes a file by hand: it comes back
    third = sync_tree(out, site_files("二")[:2], state)
    assert (third.written, third.unchanged, third.deleted) == (1, 1, 2)
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == [
        "articles/a-1/index.html",
        "index.html",
    ]
    assert not (out / "static").exists()
    shutil.rmtree(out)


def test_a_content_folder_without_taxonomy_watches_the_projects(tmp_path: Path) -> None:
    from archive.config import load_config

    (tmp_path / "content" / "articles").mkdir(parents=True)
    repo = Path(__file__).resolve().parents[2]
    config = load_config(repo / "site.toml", content_dir=tmp_path / "content")
    roots = watched_paths(config, repo / "site.toml")
    assert roots == (
        tmp_path / "content",
        repo / "templates",
        repo / "site.toml",
        repo / "content" / "taxonomy",
    )
    (tmp_path / "content" / "taxonomy").mkdir()
    assert watched_paths(config, repo / "site.toml") == roots[:3]


def test_a_first_build_that_fails_still_serves_the_error(tmp_path: Path) -> None:
    build = CountingBuild()
    build.fail = ArchiveError("缺少必填字段 title", "content/articles/a-9.md", 2)
    preview = Preview(build, Debouncer(QUIET))
    preview.rebuild_now()
    server = Server(Site(tmp_path / "never-built", "/", live_script(35729), preview))
    try:
        status, _, body = server.get("/")
        text = body.decode()
        assert status == 404
        assert "构建失败" in text and "content/articles/a-9.md:2: 缺少必填字段 title" in text
        assert "/livereload.js" in text  # so the fix reloads it
    finally:
        server.stop()


class SlowBuild(CountingBuild):
    """A build that takes a while, so edits can land while it runs."""

    def __call__(self) -> str:
        time.sleep(0.4)
        return super().__call__()


async def reloads_seen(port: int, seconds: float) -> int:
    """Connect like livereload.js, then count the reload commands received for `seconds`."""
    return len(await reload_times(port, seconds))


async def reload_times(
    port: int, seconds: float, url: str | None = None, slow: float = 0
) -> list[float]:
    """Connect like livereload.js; when each reload command came, for `seconds`.

    With `url`, behave like a page that runs livereload.js: fetch the page, connect,
    say which page it is and which response gave it (the plugin serve puts in the
    page), and on each reload fetch the page again and connect anew, then say which
    page `slow` seconds after the handshake.
    """
    times: list[float] = []
    deadline = time.monotonic() + seconds
    socket = await connect(port, url)
    while (left := deadline - time.monotonic()) > 0:
        try:
            message = await asyncio.wait_for(socket.read_message(), left)
        except TimeoutError:
            break
        if json.loads(message)["command"] == "reload":
            times.append(time.monotonic())
            if url is not None:  # the page reloads: a new page, a new connection
                socket.close()
                socket = await connect(port, url, slow)
    socket.close()
    return times


async def connect(
    port: int, url: str | None, slow: float = 0
) -> websocket.WebSocketClientConnection:
    """livereload.js's handshake, after loading the page at url (if any)."""
    plugins = {}
    if url is not None:
        page = await httpclient.AsyncHTTPClient().fetch(url, raise_error=False)
        served = re.search(rb"served:(\d+)", page.body)
        assert served is not None, page.body[:300]
        plugins = {"initiative-archive": {"served": int(served.group(1)), "version": "1"}}
    socket = await websocket.websocket_connect(f"ws://127.0.0.1:{port}/livereload")
    socket.write_message(json.dumps({"command": "hello", "protocols": [PROTOCOL]}))
    hello = json.loads(await socket.read_message())
    assert hello["command"] == "hello" and PROTOCOL in hello["protocols"]
    if url is not None:
        await asyncio.sleep(slow)
        socket.write_message(json.dumps({"command": "info", "plugins": plugins, "url": url}))
    return socket


PROTOCOL = "http://livereload.com/protocols/official-7"


@pytest.mark.parametrize("build_class", [CountingBuild, SlowBuild])
def test_the_running_server_rebuilds_and_reloads_once_per_burst(
    content: Path, tmp_path: Path, build_class
) -> None:
    build = build_class()
    preview = Preview(build, Debouncer(QUIET))
    preview.rebuild_now()
    (tmp_path / "site").mkdir()
    site = Site(tmp_path / "site", "/", live_script(35729), preview)
    server = Server(site, InotifyWatcher((content,)))
    try:
        counting = asyncio.run_coroutine_threadsafe(
            reloads_seen(server.port, 2.5), server.loop.asyncio_loop
        )
        deadline = time.monotonic() + 5
        while json.loads(server.get("/__archive__/status")[2])["browsers"] < 1:
            assert time.monotonic() < deadline
            time.sleep(0.02)
        steps = burst(content)
        for _ in range(10):  # first half of the burst
            next(steps)
        if build_class is SlowBuild:  # the rest lands while the first rebuild runs
            deadline = time.monotonic() + 5
            while not json.loads(server.get("/__archive__/status")[2])["building"]:
                assert time.monotonic() < deadline
                time.sleep(0.005)
        for _ in steps:
            pass
        assert counting.result(10) == 1  # the browser reloads once
        expected = 2 if build_class is CountingBuild else 3  # first build + rebuild(s)
        assert build.calls == expected
    finally:
        server.stop()


def test_a_rebuild_looks_only_at_changed_files_and_verify_puts_back_hand_edits(
    tmp_path: Path,
) -> None:
    out = tmp_path / "site"
    files = site_files("一")
    state = OutputState()
    sync_tree(out, files, state)
    (out / "index.html").unlink()  # by hand, while serve runs
    (out / "404.html").write_bytes(b"edited by hand, a different length")
    same = sync_tree(out, [*files[:1], OutputFile(files[1].path, page("二")), *files[2:]], state)
    assert (same.written, same.unchanged) == (1, 3)  # the same bytes objects: not looked at
    assert not (out / "index.html").exists()
    assert verify_tree(out, state) == 2
    assert (out / "index.html").read_bytes() == files[0].data
    assert (out / "404.html").read_bytes() == files[2].data
    assert (out / "articles" / "a-1" / "index.html").read_bytes() == page("二")
    assert verify_tree(out, state) == 0


def test_the_running_server_puts_back_a_file_deleted_by_hand_after_a_rebuild(
    content: Path, tmp_path: Path
) -> None:
    out, state, files = tmp_path / "site", OutputState(), site_files("一")

    def build() -> str:
        return str(sync_tree(out, files, state).written)  # the same bytes every time

    preview = Preview(build, Debouncer(QUIET), verify=lambda stop: verify_tree(out, state, stop))
    preview.rebuild_now()
    server = Server(Site(out, "/", live_script(35729), preview), InotifyWatcher((content,)))
    try:
        (out / "index.html").unlink()
        (content / "articles" / "a-1.md").write_text("---\nid: a-1\n---\n改过\n")
        deadline = time.monotonic() + 5
        while not (out / "index.html").exists():
            assert time.monotonic() < deadline, "the deleted file was not put back"
            time.sleep(0.02)
        assert (out / "index.html").read_bytes() == files[0].data
        assert preview.builds == 2
    finally:
        server.stop()


def test_verify_gives_way_to_the_next_build(tmp_path: Path) -> None:
    out, state = tmp_path / "site", OutputState()
    files = [OutputFile(f"p/{n}.html", page(str(n))) for n in range(1200)]
    sync_tree(out, files, state)
    for n in range(1200):
        (out / "p" / f"{n}.html").unlink()
    asked: list[int] = []

    def stop() -> bool:
        asked.append(1)
        return len(asked) > 1  # a change arrives while the first batch is checked

    assert verify_tree(out, state, stop) == 500  # one batch put back, then it stopped
    assert verify_tree(out, state) == 700  # the next check does the rest
    assert all((out / "p" / f"{n}.html").exists() for n in range(1200))


def test_the_watchers_paths_name_the_changed_articles_or_say_check_all(tmp_path: Path) -> None:
    from archive.serve import changed_articles
    from archive.watch import OVERFLOW

    articles = tmp_path / "content" / "articles"
    inside = [str(articles / "a-1.md"), str(articles / "a-2.md")]
    taxonomy = tmp_path / "content" / "taxonomy" / "districts.yaml"
    elsewhere = [str(taxonomy), str(tmp_path / "t.html")]
    assert changed_articles([*inside, *elsewhere], articles) == {"a-1.md", "a-2.md"}
    assert changed_articles(elsewhere, articles) == frozenset()
    folders = (articles, tmp_path / "content", articles / "sub" / "x.md")
    for unsure in (OVERFLOW, *map(str, folders)):
        assert changed_articles([*inside, unsure], articles) is None, unsure


def test_the_watchers_word_is_trusted_only_after_a_build_that_checked_every_file(
    tmp_path: Path,
) -> None:
    from archive.serve import WatchedChanges

    articles = tmp_path / "articles"
    changes = WatchedChanges()
    assert changes.hint(articles) is None  # the first build: nobody watched yet
    changes.built(changes.watching)
    changes.note((str(articles / "a-1.md"),))
    # Files saved between the first build and the watcher's start have no event: check all.
    assert changes.hint(articles) is None
    changes.built(changes.watching)
    changes.note((str(articles / "a-2.md"),))
    assert changes.hint(articles) == {"a-2.md"}
    # A build that fails keeps the paths for the next one.
    changes.note((str(articles / "a-3.md"),))
    assert changes.hint(articles) == {"a-2.md", "a-3.md"}
    changes.built(True)
    assert changes.hint(articles) == frozenset()


class FirstPagesBuild(CountingBuild):
    """A build that writes the pages browsers show first (as site_build does), then
    takes a while over the rest of the site."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[frozenset[str]] = []
        self.request: FirstPages | None = None
        self.done: list[float] = []

    def first(self, pages: FirstPages | None) -> None:
        self.request = pages

    def __call__(self) -> str:
        if self.request is not None:
            self.asked.append(self.request.paths)
            self.request.written(self.request.paths & {"articles/a-1/index.html"})
        time.sleep(0.4)  # the rest of the site
        self.done.append(time.monotonic())
        return super().__call__()


@pytest.mark.parametrize(
    ("last_failed", "slow"),
    [(False, 0), (True, 0), (False, 0.6)],  # slow: the reloaded page says which after the build
)
def test_a_browser_on_a_page_written_first_reloads_before_the_build_ends_and_once(
    content: Path, tmp_path: Path, last_failed: bool, slow: float
) -> None:
    build = FirstPagesBuild()
    preview = Preview(build, Debouncer(QUIET), first=build.first)
    build.fail = ArchiveError("a-1.md:2: 日期格式不对") if last_failed else None
    preview.rebuild_now()
    build.fail = None
    (tmp_path / "site").mkdir()
    site = Site(tmp_path / "site", "/archive/", live_script(35729), preview)
    server = Server(site, InotifyWatcher((content,)))
    server.hub.base_path = "/archive/"
    try:
        base = f"http://127.0.0.1:{server.port}/archive/"
        on_page, elsewhere = (
            asyncio.run_coroutine_threadsafe(
                reload_times(server.port, 2.5, base + path, slow), server.loop.asyncio_loop
            )
            for path in ("articles/a-1/", "districts/")
        )
        deadline = time.monotonic() + 5
        while json.loads(server.get("/__archive__/status")[2])["browsers"] < 2:
            assert time.monotonic() < deadline
            time.sleep(0.02)
        time.sleep(0.1)  # their info messages
        (content / "articles" / "a-1.md").write_text("---\nid: a-1\n---\n改过\n")
        early, late = on_page.result(10), elsewhere.result(10)
        assert build.asked == [{"articles/a-1/index.html", "districts/index.html"}]
        assert len(early) == 1 and len(late) == 1  # each browser reloads once
        if last_failed:  # pages carry the last error until the build is done: all wait
            assert build.done[-1] <= early[0] and build.done[-1] <= late[0]
        else:  # the page written first is seen sooner
            assert early[0] < build.done[-1] <= late[0]
    finally:
        server.stop()
