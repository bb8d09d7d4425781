"""Stage: content/ + templates/ -> a live preview on 127.0.0.1 that rebuilds on change.

`python build.py serve` builds once, serves the output folder under the site's
base path, watches content/ (articles and taxonomy files), templates/ (with
its static files) and site.toml — never the output folder — and turns each
burst of changes into one rebuild and one browser reload. Rebuilds recompute
the whole site model; `archive.incremental` re-renders and rewrites only what
changed. A build error is printed in the terminal and shown over every page
in the browser, while the last good site stays on disk and keeps being
served; fixing the file recovers without a restart.

The browser side is livereload's client (livereload.js, protocol 7). The
server side is a small tornado app instead of `livereload.Server`, whose poll
loop drops any change that comes within 3 s of the previous reload, runs one
build per watched folder that changed, polls every 800 ms and serves files
through symlinks that point outside the root.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import html
import json
import mimetypes
import os
import re
import socket
import sys
import threading
import time
import traceback
import webbrowser
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from livereload.handlers import LiveReloadJSHandler
from tornado import httpserver, ioloop, netutil, web, websocket

from archive.config import ConfigError, SiteConfig, config_from_args, taxonomy_dir
from archive.errors import ArchiveError
from archive.memory import GC_THRESHOLDS, release_memory
from archive.watch import OVERFLOW, ChangeWatcher, Debouncer, InotifyWatcher, make_watcher

if TYPE_CHECKING:  # the pipeline is imported when the first build runs
    from archive.incremental import OutputState, Replaced
    from archive.model import OutputFile
    from archive.pipeline import ShowFirst

QUIET_SECONDS = 0.05  # a burst is over once nothing changed for this long
TIDY_SECONDS = 0.5  # after a reload, once the pages have been fetched: verify, free memory
POLL_SECONDS = 0.5  # only where inotify is missing
SWITCH_SECONDS = 0.001
STATUS_PATH = "/__archive__/status"
HEAD_END = re.compile(rb"</head\s*>", re.I)
BODY_START = re.compile(rb"<body\b[^>]*>", re.I)

Build = Callable[[], str]  # runs one build, returns a summary line; raises on bad input


@dataclass(frozen=True, slots=True)
class FirstPages:
    """The pages browsers show, to write before the rest of a build, and who to tell.

    `written` is called on the build thread with the output paths of those pages
    once they are on disk, as the finished build will leave them.
    """

    paths: frozenset[str]
    written: Callable[[frozenset[str]], None]


@dataclass(frozen=True, slots=True)
class Outcome:
    """The result of one build: a summary when it worked, the error text when not."""

    ok: bool
    message: str
    seconds: float


@dataclass(slots=True)
class Preview:
    """Rebuild state, independent of the server: changes in, one build per burst out."""

    build: Build
    debouncer: Debouncer = field(default_factory=Debouncer)
    builds: int = 0
    reloads: int = 0
    building: bool = False
    error: str | None = None
    last: Outcome | None = None
    # Puts back output files deleted or changed by hand; how many (see incremental.verify_tree).
    # It stops early, to be run again after the next build, once its argument says so.
    verify: Callable[[Callable[[], bool]], int] | None = None
    # Told the watcher's paths of each burst before its build (SiteBuild.note).
    note: Callable[[tuple[str, ...]], None] | None = None
    # Told the pages to write first before each build (SiteBuild.first).
    first: Callable[[FirstPages | None], None] | None = None

    def changed(self, now: float, paths: tuple[str, ...]) -> None:
        """Record changed source paths seen at `now`."""
        self.debouncer.note(now, paths)

    def due(self, now: float) -> bool:
        """True when a burst has gone quiet and no build is running."""
        return not self.building and self.debouncer.due(now)

    def start(self) -> tuple[str, ...]:
        """Mark a build as running; returns the changes it answers."""
        self.building = True
        return self.debouncer.take()

    def run_build(
        self, changes: tuple[str, ...] | None = None, first: FirstPages | None = None
    ) -> Outcome:
        """Run the build function once (safe to call from a worker thread).

        `changes` are the watcher's paths of the burst it answers, given to `note`
        first (None: a build nobody watched for, as the first one); `first`, the
        pages to write ahead of the rest, is given to `first`.
        """
        began = time.perf_counter()
        try:
            if changes is not None and self.note is not None:
                self.note(changes)
            if self.first is not None:
                self.first(first)
            summary = self.build()
        except Exception as error:  # any failure is shown; the server lives on
            return Outcome(False, describe_error(error), time.perf_counter() - began)
        return Outcome(True, summary, time.perf_counter() - began)

    def finish(self, outcome: Outcome) -> None:
        """Record a finished build (on the server's thread)."""
        self.building = False
        self.builds += 1
        self.last = outcome
        self.error = None if outcome.ok else outcome.message

    def rebuild_now(self) -> Outcome:
        """start + run_build + finish in one call, for the first build and for tests."""
        self.start()
        outcome = self.run_build()
        self.finish(outcome)
        return outcome


def describe_error(error: BaseException) -> str:
    """A build failure as readable lines, each naming a file and line where one is known."""
    if isinstance(error, ArchiveError):
        return str(error)
    name = getattr(error, "filename", None)
    line = getattr(error, "lineno", None)
    if name and line and type(error).__module__.startswith("jinja2"):
        return f"{name}:{line}: 模板错误：{getattr(error, 'message', None) or error}"
    if isinstance(error, ConfigError):
        return f"配置错误：{error}"
    frames = traceback.extract_tb(error.__traceback__)
    # Jinja puts template lines in the traceback: an error raised while
    # rendering is reported at the template line that raised it.
    template = next((f for f in reversed(frames) if f.filename.endswith((".html", ".xml"))), None)
    if template is not None:
        kind = "模板错误"
        where = f"{template.filename}:{template.lineno}: "
    else:
        kind = "内部错误"
        where = f"{frames[-1].filename}:{frames[-1].lineno}: " if frames else ""
    return f"{where}{kind}（{type(error).__name__}）：{error}"


def error_overlay(message: str) -> bytes:
    """The error shown over every page while the last build failed (Chinese, with file:line)."""
    lines = "\n".join(html.escape(line) for line in message.splitlines())
    return (
        '<div id="archive-build-error" role="alert" lang="zh-CN" style="position:fixed;inset:0;'
        "z-index:2147483647;overflow:auto;margin:0;padding:2rem;background:#fff6f4;"
        'color:#3d0b08;font:16px/1.7 system-ui,sans-serif">'
        '<h1 style="margin:0 0 1rem;font-size:1.6rem;color:#b3261e">构建失败</h1>'
        "<p>下面的内容有错误，网站没有更新。改好并保存文件后，页面会自动刷新；"
        "在此之前，预览服务器仍提供上一次成功构建的网站。</p>"
        '<pre style="white-space:pre-wrap;background:#fff;border:1px solid #e8b4ad;'
        f'padding:1rem;font:15px/1.6 ui-monospace,monospace">{lines}</pre></div>'
    ).encode()


def error_page(message: str, script: bytes) -> bytes:
    """A whole page for the error, where no built page exists to show it over."""
    return (
        b'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        b"<title>\xe6\x9e\x84\xe5\xbb\xba\xe5\xa4\xb1\xe8\xb4\xa5</title>"  # 构建失败
        + script
        + b"</head><body>"
        + error_overlay(message)
        + b"</body></html>"
    )


def live_script(port: int) -> bytes:
    """The tag that loads livereload.js from this server (it finds host and port from its src).

    async: a script in <head> would hold back the reloaded page's first paint
    until it is fetched and run; the reload socket can connect a moment later.
    """
    query = f"port={port}&amp;mindelay=200&amp;maxdelay=2000"
    return f'<script async src="/livereload.js?{query}"></script>'.encode()


def served_script(serial: int) -> bytes:
    """A livereload.js plugin that tells the server which response gave this page.

    livereload.js adds every window.LiveReloadPlugin* it finds when it starts
    (this inline script runs first: it comes before the async one) and sends each
    plugin's analyze() in its info message. The serial tells serve whether the
    page was fetched after the pages of a running build were written first.
    """
    return (
        "<script>(function(){function P(){}P.identifier='initiative-archive';"
        f"P.version='1';P.prototype.analyze=function(){{return {{served:{serial:d}}};}};"
        "window.LiveReloadPluginInitiativeArchive=P;})();</script>"
    ).encode()


def decorate(page: bytes, script: bytes, error: str | None) -> bytes:
    """Add the reload script to an HTML page and, after a failed build, the error over it."""
    page = HEAD_END.sub(lambda m: script + m.group(0), page, count=1)
    if error is not None:
        overlay = error_overlay(error)
        page, found = BODY_START.subn(lambda m: m.group(0) + overlay, page, count=1)
        if not found:
            page = overlay + page
    return page


def resolve_request(root: Path, base_path: str, raw_path: str) -> Path | str | None:
    """The file a request path names, 'forbidden', 'redirect:<url>' or None (not found)."""
    if not raw_path.startswith(base_path):
        return f"redirect:{base_path}" if raw_path in ("/", "") else None
    rest = raw_path[len(base_path) :]
    try:
        decoded = unquote(rest, errors="strict")
    except UnicodeDecodeError:
        return None
    parts = decoded.split("/")
    if any(p in (".", "..") or "\\" in p or "\0" in p for p in parts):
        return "forbidden"
    target = root.joinpath(*[p for p in parts if p])
    real_root = root.resolve()
    try:
        real = target.resolve()
    except (OSError, RuntimeError):
        return "forbidden"
    if real != real_root and not real.is_relative_to(real_root):
        return "forbidden"  # a symlink pointing out of the output folder
    if real.is_dir():
        if not raw_path.endswith("/"):
            return f"redirect:{raw_path}/"
        target, real = target / "index.html", (target / "index.html").resolve()
        if not real.is_relative_to(real_root):
            return "forbidden"
    return target if real.is_file() else None


@dataclass(slots=True)
class Hub:
    """The browsers connected over the livereload websocket, and the page each shows."""

    sockets: set[Any] = field(default_factory=set)
    base_path: str = "/"
    # socket -> (output path of its page, the serial of the response that gave it), from
    # livereload.js's info message (serial None: not told)
    pages: dict[Any, tuple[str, int | None]] = field(default_factory=dict)
    served: int = 0  # HTML responses so far: each carries its serial (served_script)
    # Browsers connected when a build ended but yet to say their page: reloaded once they
    # do, unless they show a page written first, fetched since (the pages and serial).
    waiting: dict[Any, tuple[frozenset[str], int]] = field(default_factory=dict)

    def serve(self) -> int:
        """The serial of an HTML response about to be sent."""
        self.served += 1
        return self.served

    def shown(self, browser: Any, url: str, served: object = None) -> None:
        """Note the page a browser shows (the URL its livereload.js reported)."""
        path = output_of(url, self.base_path)
        if path is None:
            self.pages.pop(browser, None)
        else:
            self.pages[browser] = (path, served if type(served) is int else None)
        decision = self.waiting.pop(browser, None)
        if decision is not None and browser not in self.fetched_after(*decision):
            self._tell([browser])

    def open_pages(self) -> frozenset[str]:
        """Output paths of the pages the connected browsers show."""
        return frozenset(self.pages[b][0] for b in self.sockets if b in self.pages)

    def fetched_after(self, paths: frozenset[str], serial: int) -> set[Any]:
        """Browsers on one of these pages, fetched by a response later than `serial`."""
        return {
            browser
            for browser, (path, served) in self.pages.items()
            if path in paths and served is not None and served > serial
        }

    def reload(self, pages: frozenset[str] | None = None, skip: Iterable[Any] = ()) -> set[Any]:
        """Tell the connected browsers to reload: those showing one of `pages` (None: all),
        except those in `skip`; returns those told."""
        left_out = set(skip)
        chosen = [
            browser
            for browser in self.sockets
            if browser not in left_out
            and (pages is None or self.pages.get(browser, ("", None))[0] in pages)
        ]
        return self._tell(chosen)

    def _tell(self, browsers: Iterable[Any]) -> set[Any]:
        message = {"command": "reload", "path": "*", "liveCSS": False, "liveImg": False}
        told = set()
        for browser in list(browsers):
            try:
                browser.write_message(message)
                told.add(browser)
            except websocket.WebSocketClosedError:
                self.forget(browser)
        return told

    def wait_for_pages(self, paths: frozenset[str], serial: int) -> set[Any]:
        """Connected browsers that have not said their page: decided once they do."""
        unknown = self.sockets - self.pages.keys()
        self.waiting.update(dict.fromkeys(unknown, (paths, serial)))
        return unknown

    def forget(self, browser: Any) -> None:
        self.sockets.discard(browser)
        self.pages.pop(browser, None)
        self.waiting.pop(browser, None)


def output_of(url: str, base_path: str) -> str | None:
    """The output file of a page URL under the base path (directory URLs: its index.html)."""
    path = urlsplit(url).path
    if not path.startswith(base_path):
        return None
    rest = unquote(path[len(base_path) :])
    return rest + "index.html" if rest == "" or rest.endswith("/") else rest


class ReloadSocket(websocket.WebSocketHandler):
    """livereload protocol 7: answer hello, then wait to be told to reload."""

    def initialize(self, hub: Hub) -> None:
        self.hub = hub

    def on_message(self, message: str | bytes) -> None:
        try:
            data = json.loads(message)
            command = data.get("command")
        except (ValueError, AttributeError):
            return
        if command == "hello":
            self.write_message(
                {
                    "command": "hello",
                    "protocols": ["http://livereload.com/protocols/official-7"],
                    "serverName": "initiative-archive",
                }
            )
            self.hub.sockets.add(self)
        elif command == "info":
            url, plugins = data.get("url"), data.get("plugins")
            if isinstance(url, str):
                ours = plugins.get("initiative-archive") if isinstance(plugins, dict) else None
                self.hub.shown(self, url, ours.get("served") if isinstance(ours, dict) else None)

    def on_close(self) -> None:
        self.hub.forget(self)


@dataclass(frozen=True, slots=True)
class Site:
    """What the file handler serves: a folder under a base path, with the preview's state."""

    root: Path
    base_path: str
    script: bytes
    preview: Preview


class SiteHandler(web.RequestHandler):
    """Serves the output folder under the base path; refuses anything outside it."""

    def initialize(self, site: Site, hub: Hub) -> None:
        self.site = site
        self.hub = hub

    def get(self) -> None:
        self._respond(head=False)

    def head(self) -> None:
        self._respond(head=True)

    def _respond(self, *, head: bool) -> None:
        site = self.site
        self.set_header("Cache-Control", "no-store")
        found = resolve_request(site.root, site.base_path, self.request.path)
        if isinstance(found, str) and found.startswith("redirect:"):
            query = f"?{self.request.query}" if self.request.query else ""
            self.redirect(found.removeprefix("redirect:") + query, status=302)
        elif found == "forbidden":
            self._html(403, self._message_page("禁止访问：请求的路径在网站目录之外。"), head)
        elif found is None:
            self._not_found(head)
        else:
            self._file(Path(found), head)

    def _file(self, path: Path, head: bool) -> None:
        data = path.read_bytes()
        kind, _ = mimetypes.guess_type(path.name)
        kind = kind or "application/octet-stream"
        if kind == "text/html":
            self._html(200, data, head)
            return
        if kind.startswith("text/") or kind in ("application/javascript", "application/json"):
            kind += "; charset=utf-8"
        self.set_header("Content-Type", kind)
        self.finish(b"" if head else data)

    def _not_found(self, head: bool) -> None:
        page = self.site.root / "404.html"
        error = self.site.preview.error
        if error is None and page.is_file():
            self._html(404, page.read_bytes(), head)
        else:
            self._html(404, self._message_page("找不到这个页面。"), head)

    def _message_page(self, text: str) -> bytes:
        error = self.site.preview.error
        if error is not None:
            return error_page(error, self._script())
        return (
            '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>'
            f"{html.escape(text)}</title></head><body><p>{html.escape(text)}</p></body></html>"
        ).encode()

    def _script(self) -> bytes:
        """The reload script, after the plugin that names this response (served_script)."""
        return served_script(self.hub.serve()) + self.site.script

    def _html(self, status: int, page: bytes, head: bool) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        body = decorate(page, self._script(), self.site.preview.error)
        self.finish(b"" if head else body)


class StatusHandler(web.RequestHandler):
    """Build counters as JSON, for tests and benchmarks."""

    def initialize(self, site: Site, hub: Hub) -> None:
        self.site = site
        self.hub = hub

    def get(self) -> None:
        preview = self.site.preview
        last = preview.last
        self.set_header("Cache-Control", "no-store")
        self.finish(
            {
                "builds": preview.builds,
                "reloads": preview.reloads,
                "building": preview.building,
                "ok": preview.error is None,
                "error": preview.error,
                "last_seconds": last.seconds if last else None,
                "browsers": len(self.hub.sockets),
            }
        )


def make_app(site: Site, hub: Hub) -> web.Application:
    """The tornado application: livereload endpoints, status, then the site itself."""
    return web.Application(
        [
            (r"/livereload", ReloadSocket, {"hub": hub}),
            (r"/livereload\.js", LiveReloadJSHandler),
            (re.escape(STATUS_PATH), StatusHandler, {"site": site, "hub": hub}),
            (r"/.*", SiteHandler, {"site": site, "hub": hub}),
        ]
    )


@dataclass(slots=True)
class Loop:
    """Connects a watcher, a Preview and the browsers on one tornado IOLoop."""

    preview: Preview
    hub: Hub
    watcher: InotifyWatcher | ChangeWatcher
    report: Callable[[Outcome, tuple[str, ...]], None]
    builder: ThreadPoolExecutor
    scheduled: bool = False
    told: set[Any] = field(default_factory=set)  # browsers reloaded early by the running build
    # The pages the running build wrote first, and the serial of the last HTML response
    # served before they were: a browser showing one served later has it already.
    first: tuple[frozenset[str], int] | None = None

    def attach(self, loop: ioloop.IOLoop) -> None:
        """Start listening for changes."""
        if isinstance(self.watcher, InotifyWatcher):
            loop.add_handler(self.watcher.fileno(), self._readable, ioloop.IOLoop.READ)
        else:
            ioloop.PeriodicCallback(self._poll, POLL_SECONDS * 1000).start()

    def _readable(self, _fd: int, _events: int) -> None:
        assert isinstance(self.watcher, InotifyWatcher)
        self._noted(self.watcher.read())

    def _poll(self) -> None:
        assert isinstance(self.watcher, ChangeWatcher)
        self._noted(self.watcher.poll())

    def _noted(self, paths: tuple[str, ...]) -> None:
        if paths:
            self.preview.changed(time.monotonic(), paths)
            self._check_later()

    def _check_later(self) -> None:
        if not self.scheduled:
            self.scheduled = True
            ioloop.IOLoop.current().call_later(self.preview.debouncer.quiet, self._check)

    def _check(self) -> None:
        self.scheduled = False
        if self.preview.building:
            return  # _built checks again when the running build ends
        if not self.preview.due(time.monotonic()):
            if self.preview.debouncer.pending:
                self._check_later()
            return
        changes = self.preview.start()
        loop = ioloop.IOLoop.current()
        shown = self.hub.open_pages()
        first = FirstPages(shown, lambda paths: loop.add_callback(self._first, paths))
        future = loop.run_in_executor(
            self.builder, self.preview.run_build, changes, first if shown else None
        )
        loop.add_future(future, lambda done: self._built(done.result(), changes))

    def _first(self, paths: frozenset[str]) -> None:
        """The pages browsers show are written: reload those browsers now, the rest later.

        A page written first is the finished build's own file, so its browser
        reloads once per build, as every other does when the build is done. Not
        while the last build's error stands: pages are served with it over them
        until this build is done, so everyone reloads then.
        """
        if self.preview.error is None and not self.preview.debouncer.pending:
            self.told |= self.hub.reload(pages=paths)  # (pending: the next build reloads all)
            self.first = (paths, self.hub.served)

    def _built(self, outcome: Outcome, changes: tuple[str, ...]) -> None:
        self.preview.finish(outcome)
        self.report(outcome, changes)
        told, first = self.told, self.first
        self.told, self.first = set(), None
        if self.preview.debouncer.pending:
            # Files changed during this build: the next build reloads the
            # browsers, so a burst that straddles a build still reloads once.
            self._check_later()
            return
        if outcome.ok and first is not None:
            # Pages reloaded early reconnect, maybe before this: those that fetched a page
            # written first have it; those yet to say which page they show are asked.
            told |= self.hub.fetched_after(*first) | self.hub.wait_for_pages(*first)
        # Reload after a failure too: the page then shows the error (the pages written
        # first were put back, so the browsers told early are told again).
        self.hub.reload(skip=told if outcome.ok else ())
        self.preview.reloads += 1
        # The check of the output folder and the memory clean-up wait until the reloaded
        # pages have been served: on the build thread they would hold the interpreter lock
        # (and the browser's requests) meanwhile.
        ioloop.IOLoop.current().call_later(TIDY_SECONDS, self._tidy)

    def _tidy(self) -> None:
        """After a reload: verify the output folder and hand freed memory back."""
        if self.preview.building or self.preview.debouncer.pending:
            return  # the coming build ends with its own _tidy
        loop = ioloop.IOLoop.current()
        future = loop.run_in_executor(self.builder, self._after_build)
        loop.add_future(future, self._verified)

    def _after_build(self) -> int:
        """On the build thread (never alongside a build): the files put back, then memory.

        Rebuilds trust the files they wrote; the check of every file's stamp gives
        way as soon as a change waits for the next build.
        """
        restored = 0
        if self.preview.verify is not None:
            waiting = lambda: bool(self.preview.debouncer.pending)  # noqa: E731 - a peek across threads
            restored = self.preview.verify(waiting)
        release_memory()
        return restored

    def _verified(self, done: Future) -> None:
        if done.result():  # files were put back: show them
            self.hub.reload()


def preview_base_url(base_url: str, host: str, port: int) -> str:
    """The site's base path on this server, e.g. http://127.0.0.1:8000/initiative-archive/."""
    path = urlsplit(base_url).path or "/"
    shown = "127.0.0.1" if host in ("", "0.0.0.0") else host
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}{path if path.endswith('/') else path + '/'}"


@dataclass(frozen=True, slots=True)
class SiteBuild:
    """The build a preview runs (call it), what it is told of changes, and the check of
    the output folder after it."""

    build: Build
    verify: Callable[[Callable[[], bool]], int]
    note: Callable[[tuple[str, ...]], None]
    first: Callable[[FirstPages | None], None]

    def __call__(self) -> str:
        return self.build()


def changed_articles(paths: Iterable[str], articles_dir: Path) -> frozenset[str] | None:
    """The names of article files among a watcher's paths; None when the paths may
    hide others (lost events, the folder itself or a folder in it changed)."""
    folder = os.path.abspath(articles_dir)
    names = set()
    for path in paths:
        if path == OVERFLOW:
            return None
        parent, name = os.path.split(path)
        if parent == folder:
            names.add(name)
        elif path == folder or folder.startswith(path + os.sep) or path.startswith(folder + os.sep):
            return None
    return frozenset(names)


def site_build(args: argparse.Namespace, base_url: str) -> SiteBuild:
    """The build a preview runs: the whole pipeline, then an incremental sync of the output."""
    from archive import incremental, pipeline
    from archive.cache import default_cache

    state = incremental.OutputState()
    memo = pipeline.Memory()
    shown: set[str] = set()
    held: dict[str, dict[str, Any]] = {}  # per-article results of the last build, verified
    preview_args = argparse.Namespace(**{**vars(args), "base_url": base_url})

    def warn(message: str) -> None:
        if message not in shown:  # each warning once per session, not once per rebuild
            shown.add(message)
            print(f"警告：{message}", file=sys.stderr, flush=True)

    def build() -> str:
        config = config_from_args(preview_args)
        if last_config and last_config[0] == config:
            # The very same object: memos compare settings per page, by identity first.
            config = last_config[0]
        last_config[:] = [config]
        store = dataclasses.replace(
            default_cache(config.root, enabled=not args.no_cache), memory=held
        )
        jobs = os.cpu_count() or 1
        watching = changes.watching
        memo.hint = changes.hint(config.articles_dir)
        replaced: incremental.Replaced = {}
        request = first.pop() if first else None  # this build's only
        memo.first = _first_pages(config.output_dir, state, replaced, request)
        try:
            files = pipeline.build_site(config, jobs=jobs, warn=warn, cache=store, memo=memo)
        except BaseException:
            incremental.put_back(config.output_dir, replaced, state)
            raise
        finally:
            memo.first = None
        changes.built(watching)
        report = incremental.sync_tree(config.output_dir, files, state)
        summary = (
            f"{len(files)} 个文件，重新渲染 {memo.render.rendered} 页，"
            f"写入 {report.written + len(replaced)} 个，删除 {report.deleted} 个"
        )
        del files  # its memory is handed back once the browsers have reloaded (Loop._tidy)
        last_out[:] = [config.output_dir]
        return summary

    def verify(stop: Callable[[], bool]) -> int:
        """Put back output files deleted or changed by hand since the last build."""
        if not last_out:
            return 0
        try:
            restored = incremental.verify_tree(last_out[-1], state, stop)
        except OSError as error:
            print(f"无法检查输出目录：{error}", file=sys.stderr, flush=True)
            return 0
        if restored:
            print(f"已恢复输出目录中被删除或改动的 {restored} 个文件", file=sys.stderr, flush=True)
        return restored

    last_out: list[Path] = []  # the output folder of the last build
    last_config: list[SiteConfig] = []  # the settings of the last build
    first: list[FirstPages] = []  # the pages to write first in the coming build

    def ask_first(pages: FirstPages | None) -> None:
        first[:] = [pages] if pages is not None else []

    changes = WatchedChanges()
    return SiteBuild(build, verify, changes.note, ask_first)


def _first_pages(
    out_dir: Path, state: OutputState, replaced: Replaced, request: FirstPages | None
) -> ShowFirst | None:
    """pipeline.ShowFirst for the coming build: write those pages, then say so.

    What they replaced goes into `replaced`, to be put back if the build fails.
    """
    from archive import incremental, pipeline

    if request is None or not state.known:  # a first build has no browser waiting
        return None

    def publish(files: tuple[OutputFile, ...]) -> None:
        replaced.update(incremental.write_first(out_dir, files, state))
        request.written(frozenset(f.path for f in files))

    return pipeline.ShowFirst(request.paths, publish)


@dataclass(slots=True)
class WatchedChanges:
    """The watcher's paths since the last good build, and whether they tell every change.

    The first build runs before the watcher starts, so a file saved in between
    has no event: the first build after watching began still checks every
    file's stamp. From then on the watcher's paths name every changed article
    file (lost events say so, and mean a full check again).
    """

    paths: set[str] = field(default_factory=set)
    watching: bool = False  # paths have been noted: the watcher runs
    trusted: bool = False  # a build that started while watching has checked every file

    def note(self, paths: tuple[str, ...]) -> None:
        """The paths of one burst, before the build that answers it (on the build thread)."""
        self.paths.update(paths)
        self.watching = True

    def hint(self, articles_dir: Path) -> frozenset[str] | None:
        """load_changed's hint for the coming build: the changed article file names."""
        return changed_articles(self.paths, articles_dir) if self.trusted else None

    def built(self, watching: bool) -> None:
        """A build succeeded; `watching` is whether the watcher ran when it started."""
        self.paths.clear()
        self.trusted = self.trusted or watching


def watched_paths(config: SiteConfig, config_file: Path) -> tuple[Path, ...]:
    """What a preview watches: content (articles, taxonomy), templates (with static), site.toml.

    A content folder without taxonomy files is built with the project's own
    (config.taxonomy_dir), so those are watched then.
    """
    roots = [config.content_dir, config.templates_dir, config_file.resolve()]
    taxonomy = taxonomy_dir(config).resolve()
    if not taxonomy.is_relative_to(config.content_dir.resolve()):
        roots.append(taxonomy)
    return tuple(r for r in roots if r.exists())


def bind(host: str, port: int) -> list[socket.socket]:
    """Listen on host:port before building, so a taken port fails at once and says so."""
    try:
        return netutil.bind_sockets(port, address=host)
    except OSError as error:
        raise ArchiveError(
            f"无法在 {host}:{port} 上监听（{error.strerror}）；请用 --port 换一个端口"
        ) from None


def _say(quiet: bool) -> Callable[[Outcome, tuple[str, ...]], None]:
    def report(outcome: Outcome, changes: tuple[str, ...]) -> None:
        if not outcome.ok:
            print(f"构建失败：\n{outcome.message}", file=sys.stderr, flush=True)
        elif not quiet:
            what = f"已重新构建（{len(changes)} 处改动）" if changes else "已构建"
            print(f"{what}：{outcome.message}，用时 {outcome.seconds:.2f} 秒", flush=True)

    return report


def run(args: argparse.Namespace) -> int:
    """build.py serve: build, serve with live reload until Ctrl+C."""
    config = config_from_args(args)
    base_url = preview_base_url(config.base_url, args.host, args.port)
    sockets = bind(args.host, args.port)
    # As in a one-shot build, collect rarely while a build makes millions of objects:
    # release_memory collects after every build (Loop._tidy), so nothing piles up.
    gc.set_threshold(*GC_THRESHOLDS)
    # The server answers the reloaded browsers while the build thread renders the rest
    # of the site: it must get the interpreter within a millisecond, not five.
    sys.setswitchinterval(SWITCH_SECONDS)
    build = site_build(args, base_url)
    preview = Preview(
        build, Debouncer(QUIET_SECONDS), verify=build.verify, note=build.note, first=build.first
    )
    report = _say(args.quiet)
    print("正在构建……", flush=True)
    # Every build runs on this one thread: builds on changing threads made glibc
    # keep one malloc arena per thread, and the server's memory grew with each.
    builder = ThreadPoolExecutor(max_workers=1, thread_name_prefix="build")
    report(builder.submit(preview.rebuild_now).result(), ())
    release_memory()  # no browser waits for the first build
    hub = Hub(base_path=urlsplit(base_url).path)
    site = Site(config.output_dir, hub.base_path, live_script(args.port), preview)
    server = httpserver.HTTPServer(make_app(site, hub))
    server.add_sockets(sockets)
    watcher = make_watcher(watched_paths(config, Path(args.config)), (config.output_dir,))
    Loop(preview, hub, watcher, report, builder).attach(ioloop.IOLoop.current())
    print(f"预览地址：{base_url}（按 Ctrl+C 停止）", flush=True)
    if args.open:
        threading.Timer(0.5, webbrowser.open, (base_url,)).start()
    ioloop.IOLoop.current().start()
    return 0
