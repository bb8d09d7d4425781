#!/usr/bin/env python3
"""Bench: one-article edit under `build.py serve` -> time until the open page shows it, and memory.

    python3 bench/serve_reload.py                      # 1,000 and 10,000 articles
    python3 bench/serve_reload.py --sizes 1000 --edits 5
    python3 bench/serve_reload.py --hugo /path/to/hugo  # Hugo's `hugo server` rebuild, same run

For each size: a copy of the gen_corpus.py corpus, `build.py serve` on a free
port (its first build fills the per-article cache), Debian's Chromium on one
article page. Each edit rewrites that article's title; the time runs from the
moment the file is written to the moment the reloaded page, showing the new
title, first paints its content (what an editor waits for: the browser's own
first-contentful-paint time, read once Playwright sees the new title). Also
printed: the server's own rebuild time; after the title edits, the rebuilds
after edits that move documents in the search index (an older date, a new
article, its deletion); the serve process's resident memory after all edits
(VmRSS) and at its peak (VmHWM) after the title edits and after all. Target from the serve
issue at 10,000 articles: visible in under 300 ms, serve under 1 GB. Not a
test: prints a table.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED_BENCH = REPO.parent / "shared" / "bench"
GEN = (sys.executable, str(SHARED_BENCH / "gen_corpus.py"))
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
ARTICLE = "a-000005"
MOVED = "a-000007"  # gets an older date after the title edits
# When the reloaded page first painted its content (its h1 with the new title: the
# test above), in the same epoch milliseconds as time.time(). Playwright notices the
# new title tens of milliseconds later, after its own polling across the navigation.
FIRST_PAINT = """() => {
  const paint = performance.getEntriesByName('first-contentful-paint')[0];
  return performance.timeOrigin + (paint ? paint.startTime : performance.now());
}"""
# Where the wait goes, from the reloaded page's navigation timing (epoch ms): the
# reload began (the build was far enough to tell the browser), the server answered
# the page's request, the browser had the whole page.
PHASES = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const at = (t) => performance.timeOrigin + t;
  return [performance.timeOrigin, at(nav.responseStart), at(nav.responseEnd)];
}"""
TARGET_MS = 300
TARGET_MB = 1024


@dataclass(frozen=True, slots=True)
class Result:
    """One size: first build, edit-to-visible times, server rebuild times, memory."""

    size: int
    first_build_s: float
    visible_ms: tuple[float, ...]
    rebuild_ms: tuple[float, ...]
    phases_ms: tuple[tuple[float, ...], ...]  # per edit: PHASES after the write
    title_peak_mb: float  # VmHWM after the title edits
    moves_ms: tuple[float, ...]  # server rebuild after a date edit, a new and a deleted article
    rss_mb: float
    peak_mb: float  # VmHWM after every edit


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def status(port: int) -> dict:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/__archive__/status", timeout=30) as r:
        return json.load(r)


def memory_mb(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) of a process in MB, from /proc."""
    fields = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
    )
    return (int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024)


def corpus(work: Path, size: int) -> Path:
    """The gen_corpus.py corpus of this size in our format, generated once into work/."""
    source = work / f"ours-{size}"
    if not (source / "content").is_dir():
        subprocess.run(
            [*GEN, "-n", str(size), "--out", str(source), "--format", "ours", "--force"],
            check=True,
            capture_output=True,
        )
    return source


def wait_until(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            sys.exit(f"serve_reload: timed out waiting for {what}")
        time.sleep(0.05)


def measure(source: Path, work: Path, edits: int) -> Result:
    """Start serve on a copy of source/content, edit one article, time each visible reload."""
    from playwright.sync_api import sync_playwright

    size = sum(1 for _ in (source / "content" / "articles").glob("*.md"))
    root = Path(tempfile.mkdtemp(prefix=f"serve-{size}-", dir=work))
    shutil.copytree(source / "content", root / "content")
    port = free_port()
    environment = {**os.environ, "ARCHIVE_CACHE_DIR": str(work / "cache" / f"serve-{size}")}
    command = [sys.executable, str(REPO / "build.py"), "serve", "--port", str(port)]
    command += ["--content-dir", str(root / "content"), "--out", str(root / "site"), "--quiet"]
    log = (root / "serve.log").open("w")
    started = time.monotonic()
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=environment)
    try:
        wait_until(lambda: _serving(port), 900, "the first build")
        first = time.monotonic() - started
        article = root / "content" / "articles" / f"{ARTICLE}.md"
        visible, rebuilds, phases = [], [], []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{port}/articles/{ARTICLE}/")
            wait_until(lambda: status(port)["browsers"] >= 1, 60, "the livereload socket")
            for n in range(edits):
                title = f"基准测试修改后的标题第{n + 1}次"
                text = article.read_text(encoding="utf-8")
                text = re.sub(r"(?m)^title: .*$", f"title: {title}", text, count=1)
                before = status(port)["builds"]
                began = time.time() * 1000  # the clock the browser's timeOrigin counts from
                article.write_text(text, encoding="utf-8")
                page.wait_for_function(
                    "t => document.querySelector('h1')?.textContent.trim() === t",
                    arg=title,
                    polling="raf",
                    timeout=600_000,
                )
                visible.append(page.evaluate(FIRST_PAINT) - began)
                phases.append(tuple(t - began for t in page.evaluate(PHASES)))
                wait_until(lambda b=before: status(port)["builds"] > b, 60, "the status")
                rebuilds.append(status(port)["last_seconds"] * 1000)
                time.sleep(0.5)
            title_peak = memory_mb(server.pid)[1]
            moves = [_rebuilt(port, change) for change in _moving_edits(root / "content")]
            browser.close()
        rss, peak = memory_mb(server.pid)
    finally:
        server.terminate()
        server.wait(30)
        log.close()
        shutil.rmtree(root, ignore_errors=True)
    return Result(
        size,
        first,
        tuple(visible),
        tuple(rebuilds),
        tuple(phases),
        title_peak,
        tuple(moves),
        rss,
        peak,
    )


def _moving_edits(content: Path) -> list:
    """Edits that move documents in the search index: a date, a new article, its deletion."""
    articles = content / "articles"
    dated, source = articles / f"{MOVED}.md", articles / f"{ARTICLE}.md"
    added = articles / "a-999999.md"

    def redate() -> None:
        text = dated.read_text(encoding="utf-8")
        dated.write_text(re.sub(r"(?m)^date: .*$", "date: 2001-02-03", text, count=1), "utf-8")

    def add() -> None:
        text = re.sub(r"(?m)^id: .*$", "id: a-999999", source.read_text(encoding="utf-8"), count=1)
        added.write_text(text, encoding="utf-8")

    return [redate, add, added.unlink]


def _rebuilt(port: int, change) -> float:
    """Make one change; the server's rebuild time in ms once it is done."""
    before = status(port)["builds"]
    change()
    wait_until(
        lambda: status(port)["builds"] > before and not status(port)["building"], 600, "a rebuild"
    )
    answer = status(port)
    if not answer["ok"]:
        sys.exit(f"serve_reload: the rebuild failed: {answer['error']}")
    time.sleep(1.0)  # the tidy-up after the reload (serve.TIDY_SECONDS)
    return answer["last_seconds"] * 1000


def _serving(port: int) -> bool:
    try:
        return status(port)["builds"] >= 1
    except OSError:
        return False


def hugo_site(work: Path, size: int) -> Path:
    """The gen_corpus.py corpus of this size as a Hugo site, generated once into work/."""
    site = work / f"hugo-{size}"
    if not (site / "hugo.toml").is_file():
        subprocess.run(
            [*GEN, "-n", str(size), "--out", str(site), "--format", "hugo", "--force"],
            check=True,
            capture_output=True,
        )
    return site


def hugo_server(hugo: Path, site: Path, edits: int) -> str:
    """The shared anchor script's `hugo server` line: mode, first, min, med, max, seen, edits."""
    script = SHARED_BENCH / "hugo_rebuild.py"
    done = subprocess.run(
        [sys.executable, str(script), str(hugo), str(site), "--server", "--edits", str(edits)],
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip()


def table(results: list[Result], hugo_lines: dict[int, str]) -> str:
    """A Markdown table with medians and the targets."""
    lines = [
        "| articles | first build s | edit→visible ms (min / median / max)"
        " | reload began / page answered / page loaded, ms (medians)"
        " | server rebuild ms (median) | rebuild ms: date edit, new, deleted article"
        " | serve RSS MB | peak RSS MB: title edits, all edits"
        " | hugo server (mode first min med max seen edits) |",
        "|---:|---:|---|---|---:|---|---:|---|---|",
    ]
    for r in results:
        seen = f"{min(r.visible_ms):.0f} / {statistics.median(r.visible_ms):.0f} / "
        seen += f"{max(r.visible_ms):.0f}"
        columns = zip(*r.phases_ms, strict=True)
        steps = " / ".join(f"{statistics.median(column):.0f}" for column in columns)
        lines.append(
            f"| {r.size:,} | {r.first_build_s:.1f} | {seen} | {steps}"
            f" | {statistics.median(r.rebuild_ms):.0f}"
            f" | {' / '.join(f'{ms:.0f}' for ms in r.moves_ms)}"
            f" | {r.rss_mb:.0f} | {r.title_peak_mb:.0f} / {r.peak_mb:.0f}"
            f" | {hugo_lines.get(r.size, 'not run')} |"
        )
    lines.append("")
    for r in results:
        med = statistics.median(r.visible_ms)
        lines.append(
            f"{r.size:,} articles: edit visible in {med:.0f} ms (target < {TARGET_MS} ms: "
            f"{'met' if med < TARGET_MS else 'NOT met'}), serve peak {r.peak_mb:.0f} MB "
            "through title and date edits, a new and a deleted article "
            f"(target < {TARGET_MB} MB: {'met' if r.peak_mb < TARGET_MB else 'NOT met'})"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Measure every size and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--edits", type=int, default=5)
    parser.add_argument("--hugo", type=Path, help="hugo binary: also time `hugo server`")
    parser.add_argument(
        "--work",
        type=Path,
        default=Path(os.environ.get("TMPDIR", "/tmp")) / "initiative-archive-bench",
    )
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    results = [measure(corpus(args.work, size), args.work, args.edits) for size in args.sizes]
    hugo_lines = (
        {
            size: hugo_server(args.hugo, hugo_site(args.work, size), args.edits)
            for size in args.sizes
        }
        if args.hugo
        else {}
    )
    print(table(results, hugo_lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
