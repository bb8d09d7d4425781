#!/usr/bin/env python3
"""Bench: this project's search against Pagefind on the same articles, in headless Chromium.

Usage:
    python3 bench/search.py [--corpus shipped,gen] [-n 10000] [--work DIR] [--skip-pagefind]

For each corpus (`shipped`: content/articles/, or the seed pages crudely split
when that folder is empty; `gen`: ../shared/bench/gen_corpus.py -n N) it
  * builds this project's index (archive.search_index.build_index, timed in
    process) and a page with templates/static/search.js inline, as the site's;
  * writes one HTML page per article with the same text (title, tags, byline,
    body) and indexes it with Pagefind 1.5.2 (PyPI `pagefind[extended]`, in a
    venv under WORK) and 1.6.0 (npm, under WORK) through
    ../shared/bench/pagefind/build_index.py (`--mode dir`);
  * serves the site with a logging http.server on 127.0.0.1 and, in Debian's
    Chromium, runs every query of tests/fixtures/search-queries.txt
    cold (a fresh browser context opening a search page with ?q= per query, the
    engines interleaved query by query so that load changes hit them alike:
    bytes fetched for a first screen of 10 results, time from the end of the
    page's download to the first result; Pagefind's time from import() to the
    first result, as its shared harness measures, is shown for reference) and
    warm (one page, all queries in turn: bytes for the search and the first 10
    results, and the full result list);
  * scores every engine against substring truth (normalised like the index)
    and prints one table per corpus with ratios to Pagefind.
Bytes are what GitHub Pages would send: it gzips text types (HTML, JavaScript,
CSS, JSON, ...) on the fly, so those count as their gzip size (level 6); every
other file (our .bin, Pagefind's .pf_* chunks and its wasm, all stored gzipped)
counts as its size on disk. The same rule applies to every engine. A cold run
counts everything the page fetched until the network is idle: for our page that
is the first screen whole (10 results and the facet counts); for Pagefind the
search and the data of its first 10 results.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gzip
import http.server
import json
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from html import escape
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from search_seeds import content_docs  # noqa: E402

from archive.model import SearchDoc  # noqa: E402
from archive.search_index import _date_key, build_index, doc_fields, normalise  # noqa: E402
from archive.search_route import route_of  # noqa: E402
from archive.segment import make_segmenter  # noqa: E402
from archive.taxonomy import load_taxonomy  # noqa: E402

SHARED = ROOT.parent / "shared" / "bench"
QUERIES = ROOT / "tests" / "fixtures" / "search-queries.txt"
CHROMIUM = "/usr/bin/chromium"
CHROME_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--no-first-run", "--disable-quic"]  # fmt: skip
SHOWN = 10  # results whose records a page loads for the first screen

# The page around either engine: the same visible text (a first paint of Chinese
# text costs the same to both), then the engine's own script.
PAGE = """<!DOCTYPE html>
<html lang="zh-CN" data-base="/"><head><meta charset="utf-8"><title>搜索</title>
HEAD</head>
<body><main><h1>搜索</h1>
<form id="search-form" role="search" action="/search/"><input id="search-q" type="search" name="q">
<button type="submit">搜索</button></form>
<p id="search-status" role="status"></p><p id="search-filters"></p><p id="search-hint"></p>
<aside id="facets"></aside><ol id="results"></ol><button id="search-more" hidden>更多</button>
</main>SCRIPT</body></html>
"""
# As templates/search.html: preload, the index's route and the script, inline in <head>.
SEARCH_PAGE = PAGE.replace(
    "HEAD",
    '<link rel="preload" href="/search/meta.bin" as="fetch" crossorigin="anonymous">\n'
    '<script type="application/json" id="search-route">ROUTE</script>\n'
    "<script>OURS</script>",
).replace("SCRIPT", "")
BLANK_PAGE = (
    '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"></head><body></body></html>'
)
ARTICLE_PAGE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title></head>
<body><main><h1>{title}</h1><p>{tags}</p>
{paras}
</main></body></html>
"""

# A fresh page per query, as ours: from the end of the page's own download to the
# first result shown, then the data of the first SHOWN results (what our page
# fetches for its first screen of results).
PF_PAGE = PAGE.replace("HEAD", "").replace(
    "SCRIPT",
    """<script type="module">
const q = new URLSearchParams(location.search).get("q");
const pf = await import("/BUNDLE/pagefind.js");
await pf.options({excerptLength: 30});
const r = await pf.search(q);
if (r.results.length) {
  const d = await r.results[0].data();
  const li = document.createElement("li");  // shown, as our page shows its first result
  li.textContent = d.meta.title + " " + d.excerpt;
  document.getElementById("results").appendChild(li);
}
window.__firstResult = performance.now() -
  performance.getEntriesByType("navigation")[0].responseEnd;
await Promise.all(r.results.slice(0, SHOWN).map(x => x.data()));
window.__done = r.results.length;
</script>""",
)
# As the shared harness: time from import to the first result's data; then, like
# our page, the records of the first SHOWN results, so both fetch a first screen.
PF_COLD_JS = """async ([q, shown]) => {
  const t0 = performance.now();
  const pf = await import('/BUNDLE/pagefind.js');
  await pf.options({excerptLength: 30});
  const r = await pf.search(q);
  let first = null;
  if (r.results.length) { first = (await r.results[0].data()).url; }
  const ms = performance.now() - t0;
  await Promise.all(r.results.slice(0, shown).map(x => x.data()));
  return {ms, n: r.results.length, first};
}"""
PF_INIT_JS = """async () => {
  window.pf = await import('/BUNDLE/pagefind.js');
  await window.pf.options({excerptLength: 30});
  await window.pf.init();
  window.urls = new Map();
}"""
PF_SEARCH_JS = """async ([q, shown]) => {
  const r = await window.pf.search(q);
  window.last = r.results;
  const data = await Promise.all(r.results.slice(0, shown).map(x => x.data()));
  data.forEach((d, i) => window.urls.set(r.results[i].id, d.url));
  return r.results.length;
}"""
PF_ALL_URLS_JS = """async () => {
  const out = [];
  for (let i = 0; i < window.last.length; i += 200) {
    const part = window.last.slice(i, i + 200);
    await Promise.all(part.filter(x => !window.urls.has(x.id))
      .map(x => x.data().then(d => window.urls.set(x.id, d.url))));
  }
  return window.last.map(x => window.urls.get(x.id));
}"""
OURS_SEARCH_JS = """async ([q, shown]) => {
  const r = await window.ArchiveSearch.query(q);
  const result = (d, i) =>
    window.ArchiveSearch.result(d, r.terms, r.from && r.from(d), i ? "low" : "high");
  await Promise.all(r.docs.slice(0, shown).map(result));
  return r.docs;
}"""
# Installed before the page's own scripts: notes when the first result (or a final
# "no results" state) appears, so the time is the page's, not the poller's.
OURS_WATCH_JS = """new MutationObserver((_, observer) => {
  const s = document.getElementById('search-status');
  if (document.querySelector('#results li') || (s && /没有|太短|失败/.test(s.textContent))) {
    // from the end of the page's own download, as Pagefind's time starts after its page
    window.__firstResult = performance.now() -
      performance.getEntriesByType('navigation')[0].responseEnd;
    observer.disconnect();
  }
}).observe(document, {subtree: true, childList: true, characterData: true});"""


@dataclass(frozen=True)
class Query:
    """One query of the set, with the ids of the documents that truly contain it."""

    text: str
    category: str
    truth: frozenset[str]


# --- corpora -------------------------------------------------------------------------


def load_corpus(name: str, work: Path, n: int) -> tuple[str, list[SearchDoc]]:
    """(label, documents) of a corpus."""
    if name == "shipped":
        docs = content_docs(ROOT / "content" / "articles")
        if docs:
            return f"shipped archive ({len(docs)} articles)", docs
        from search_seeds import seed_docs

        docs = seed_docs()
        return f"seed pages, crude split ({len(docs)} articles; content/articles is empty)", docs
    out = work / f"gen{n}"
    if not (out / "content" / "articles").is_dir():
        subprocess.run([sys.executable, str(SHARED / "gen_corpus.py"), "-n", str(n), "--out",
                        str(out), "--format", "ours"], check=True, capture_output=True)  # fmt: skip
    return f"gen_corpus -n {n}", content_docs(out / "content" / "articles")


def load_queries(docs: list[SearchDoc]) -> list[Query]:
    """The query set with substring truth (every whitespace-separated term, normalised)."""
    fields = {d.id: doc_fields(d) for d in docs}
    queries = []
    for line in QUERIES.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        text, category = line.split("\t")
        terms = [normalise(t) for t in text.split()]
        truth = frozenset(
            i for i, (title, tags, body) in fields.items()
            if all(t in title or t in body or any(t in tag for tag in tags) for t in terms)
        )  # fmt: skip
        queries.append(Query(text, category, truth))
    return queries


# --- building ------------------------------------------------------------------------


def build_ours(docs: list[SearchDoc], site: Path) -> dict:
    """Our index and search page under site/; returns build seconds and size."""
    segmenter = make_segmenter(load_taxonomy(ROOT / "content" / "taxonomy"))
    started = time.perf_counter()
    files = build_index(docs, segmenter.search_words)
    seconds = time.perf_counter() - started
    for f in files:
        path = site / f.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(f.data)
    script = (ROOT / "templates" / "static" / "search.js").read_text(encoding="utf-8")
    route = json.dumps(route_of(files, None)).replace("<", "\\u003c")  # as Jinja tojson
    page = SEARCH_PAGE.replace("ROUTE", route)
    page = page.replace("OURS", script)
    (site / "search" / "index.html").write_text(page, encoding="utf-8")
    largest = max(files, key=lambda f: len(f.data))
    return {
        "build_s": seconds,
        "bytes": sum(len(f.data) for f in files),
        "files": len(files),
        "largest": (largest.path, len(largest.data)),
    }


def write_pagefind_pages(docs: list[SearchDoc], work: Path) -> None:
    """One HTML page per article with the same text, and articles.json for build_index.py."""
    pages = work / "site" / "a"
    pages.mkdir(parents=True, exist_ok=True)
    records = []
    for doc in docs:
        paras = [p for p in doc.text.split("\n") if p.strip()]
        tags = " ".join((*doc.programmes, *doc.districts, *doc.places, *doc.people))
        html = ARTICLE_PAGE.format(
            title=escape(doc.title), tags=escape(tags),
            paras="\n".join(f"<p>{escape(p)}</p>" for p in paras),
        )  # fmt: skip
        (pages / f"{doc.id}.html").write_text(html, encoding="utf-8")
        records.append({"id": doc.id, "url": f"/a/{doc.id}.html", "title": doc.title,
                        "paragraphs": paras, "source": "", "text": doc.text})  # fmt: skip
    (work / "articles.json").write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    (work / "site" / "search.html").write_text(BLANK_PAGE, encoding="utf-8")
    for bundle in ("pf152", "pf160"):
        page = PF_PAGE.replace("BUNDLE", bundle).replace("SHOWN", str(SHOWN))
        (work / "site" / f"{bundle}.html").write_text(page, encoding="utf-8")


def build_pagefind(work: Path, label: str, tools: Path, reuse: bool) -> dict:
    """Run the shared Pagefind harness's build_index.py (unless reusing); its report."""
    command = [str(tools / "venv" / "bin" / "python"), str(SHARED / "pagefind" / "build_index.py"),
               "--work", str(work), "--label", label, "--mode", "dir"]  # fmt: skip
    if label == "pf160":
        binary = tools / "npm160" / "node_modules" / "@pagefind" / "linux-x64" / "bin"
        command += ["--binary", str(binary / "pagefind_extended")]
    started = time.perf_counter()
    if not reuse:
        shutil.rmtree(work / "site" / label, ignore_errors=True)
        subprocess.run(command, check=True, capture_output=True)
    wall = time.perf_counter() - started
    report = json.loads((work / f"{label}.build.json").read_text(encoding="utf-8"))
    largest = max(report["files"], key=lambda f: f["bytes"])
    return {"build_s": report["build_seconds_in_process"], "build_wall_s": wall,
            "bytes": report["total_bytes"], "files": report["total_files"],
            "largest": (largest["path"], largest["bytes"]),
            "version": report["version"]}  # fmt: skip


def ensure_tools(tools: Path) -> None:
    """Pagefind 1.5.2 in a venv and 1.6.0 from npm, under the work dir (outside the repo)."""
    if not (tools / "venv" / "bin" / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(tools / "venv")], check=True)
    pip = tools / "venv" / "bin" / "pip"
    if subprocess.run([str(pip), "show", "pagefind"], capture_output=True).returncode:
        subprocess.run([str(pip), "install", "-q", "pagefind[extended]==1.5.2"], check=True)
    if not (tools / "npm160" / "node_modules" / "@pagefind").is_dir():
        subprocess.run(["npm", "install", "--prefix", str(tools / "npm160"), "pagefind@1.6.0"],
                       check=True, capture_output=True)  # fmt: skip


# --- serving and measuring -----------------------------------------------------------


# Types GitHub Pages compresses on the fly; everything else goes as stored.
COMPRESSED_SUFFIXES = (".html", ".js", ".mjs", ".css", ".json", ".svg", ".txt", ".xml")


@functools.lru_cache(maxsize=4096)
def transfer_size(path: str, mtime: float) -> int:
    """Bytes a GitHub Pages response for the file would carry (see module doc)."""
    data = Path(path).read_bytes()
    if path.endswith(COMPRESSED_SUFFIXES):
        return min(len(data), len(gzip.compress(data, compresslevel=6, mtime=0)))
    return len(data)


class _LoggingHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """Requests go to the shared log instead."""

    def do_GET(self) -> None:
        try:
            super().do_GET()
        except (BrokenPipeError, ConnectionResetError):
            return  # a context closed with a fetch in flight: nothing was delivered
        path = self.directory + unquote(urlsplit(self.path).path)
        file = Path(path)
        if file.is_dir():
            file = file / "index.html"
        size = transfer_size(str(file), file.stat().st_mtime) if file.is_file() else 0
        with self.server.lock:  # type: ignore[attr-defined]
            self.server.log.append((self.path, size))  # type: ignore[attr-defined]


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[tuple[str, http.server.ThreadingHTTPServer]]:
    """A logging static server on 127.0.0.1; yields (base URL, server)."""
    handler = functools.partial(_LoggingHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.log, server.lock = [], threading.Lock()  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", server
    finally:
        server.shutdown()
        server.server_close()


def take(server) -> int:
    """Bytes of the files requested since the last call."""
    time.sleep(0.03)
    with server.lock:
        total = sum(size for _, size in server.log)
        server.log.clear()
    return total


def cold_ours(browser, base: str, server, q: Query) -> dict:
    """A fresh page opened with ?q=: time to the first result, bytes for the first screen."""
    context = browser.new_context()
    context.add_init_script(OURS_WATCH_JS)
    page = context.new_page()
    page.goto(f"{base}/search/?q={quote(q.text)}", wait_until="commit")
    page.wait_for_function("window.__firstResult !== undefined", timeout=60_000)
    ms = page.evaluate("window.__firstResult")
    page.wait_for_load_state("networkidle")  # the rest of the first screen
    context.close()
    return {"ms": ms, "bytes": take(server)}


def cold_pagefind(browser, base: str, server, q: Query, bundle: str) -> dict:
    """The same for a Pagefind bundle (and, for reference, its time from import() as
    its shared harness measures it, in a page already loaded)."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{base}/{bundle}.html?q={quote(q.text)}", wait_until="commit")
    page.wait_for_function("window.__done !== undefined", timeout=60_000)
    ms = page.evaluate("window.__firstResult")
    page.wait_for_load_state("networkidle")
    context.close()
    out = {"ms": ms, "bytes": take(server)}
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{base}/search.html")
    take(server)
    out["harness_ms"] = page.evaluate(PF_COLD_JS.replace("BUNDLE", bundle), [q.text, SHOWN])["ms"]
    take(server)
    context.close()
    return out


def run_cold(browser, base: str, server, queries: list[Query], bundles: list[str]) -> dict:
    """Cold runs of every engine, interleaved query by query (the engine that goes
    first rotates), so that the machine's changing load falls on all alike."""
    engines = ["ours", *bundles]
    cold: dict[str, list[dict]] = {e: [] for e in engines}
    for i, q in enumerate(queries):
        for engine in engines[i % len(engines) :] + engines[: i % len(engines)]:
            if engine == "ours":
                cold[engine].append(cold_ours(browser, base, server, q))
            else:
                cold[engine].append(cold_pagefind(browser, base, server, q, engine))
    return cold


def warm_ours(browser, base: str, server, queries: list[Query], order: list[str]) -> list[dict]:
    """One page, every query in turn: bytes and the full result list."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{base}/search/")
    page.wait_for_function("window.ArchiveSearch !== undefined")
    take(server)
    warm = []
    for q in queries:
        docs = page.evaluate(OURS_SEARCH_JS, [q.text, SHOWN])
        warm.append({"bytes": take(server), "ids": [order[n] for n in docs]})
    context.close()
    return warm


def warm_pagefind(browser, base: str, server, queries: list[Query], bundle: str) -> list[dict]:
    """The same for a Pagefind bundle, driven through its JS API."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{base}/search.html")
    page.evaluate(PF_INIT_JS.replace("BUNDLE", bundle))
    take(server)
    warm = []
    for q in queries:
        page.evaluate(PF_SEARCH_JS, [q.text, SHOWN])
        spent = take(server)
        urls = page.evaluate(PF_ALL_URLS_JS)
        take(server)
        warm.append(
            {"bytes": spent, "ids": [u.rsplit("/", 1)[-1].removesuffix(".html") for u in urls]}
        )
    context.close()
    return warm


# --- scoring and printing ------------------------------------------------------------


def score(queries: list[Query], runs: dict, docs: list[SearchDoc], min_chars: int) -> dict:
    """Micro recall and precision over the queries of at least `min_chars` characters."""
    tp = truth = returned = 0
    missing, extra = [], []
    for q, warm in zip(queries, runs["warm"], strict=True):
        if len(normalise(q.text)) < min_chars:
            continue
        got = set(warm["ids"])
        tp += len(got & q.truth)
        truth += len(q.truth)
        returned += len(got)
        missing += [q.text] if q.truth - got else []
        extra += [q.text] if got - q.truth else []
    return {"recall": tp / truth if truth else 1.0, "precision": tp / returned if returned else 1.0,
            "missing": missing, "extra": extra}  # fmt: skip


def top_programme_ok(queries: list[Query], runs: dict, docs: list[SearchDoc]) -> tuple[int, int]:
    """Programme-name queries whose top result is tagged with that programme."""
    by_id = {d.id: d for d in docs}
    checked = ok = 0
    for q, warm in zip(queries, runs["warm"], strict=True):
        tagged = {d.id for d in docs if q.text in d.programmes}
        if q.category != "programme" or not tagged:
            continue
        checked += 1
        ok += bool(warm["ids"]) and q.text in by_id[warm["ids"][0]].programmes
    return ok, checked


def median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0


def report(label: str, queries: list[Query], docs: list[SearchDoc], engines: dict) -> str:
    """One Markdown table for a corpus: a row per measure, a column per engine."""
    names = list(engines)
    rows = []
    for name in names:
        run, build = engines[name]["run"], engines[name]["build"]
        two = score(queries, run, docs, 2)
        one = score(queries, run, docs, 1)
        ok, checked = top_programme_ok(queries, run, docs)
        first = median([c["bytes"] for c in run["cold"]]) / 1000
        later = median([w["bytes"] for w in run["warm"][1:]]) / 1000
        ms = median([c["ms"] for c in run["cold"]])
        harness_ms = [c["harness_ms"] for c in run["cold"] if "harness_ms" in c]
        harness = f"{median(harness_ms):.0f}" if harness_ms else "–"
        rows.append({
            "recall, queries of 2+ chars": f"{two['recall']:.3f}",
            "precision, queries of 2+ chars": f"{two['precision']:.3f}",
            "recall / precision, all queries": f"{one['recall']:.3f} / {one['precision']:.3f}",
            "queries missing something": str(len(one["missing"])),
            "queries with wrong hits": str(len(one["extra"])),
            "top result right, programme names": f"{ok}/{checked}",
            "bytes, first query (median)": f"{first:.1f} KB",
            "bytes, later query (median)": f"{later:.1f} KB",
            "ms to first result, fresh page (median)": f"{ms:.0f}",
            "ms from import, shared harness (median)": harness,
            "index size on disk": f"{build['bytes'] / 1e6:.2f} MB in {build['files']} files",
            "largest file": f"{build['largest'][1] / 1000:.1f} KB",
            "index build time": f"{build['build_s']:.2f} s",
        })  # fmt: skip
    out = [f"\n### {label}: {len(docs)} articles, {len(queries)} queries\n"]
    out.append("| measure | " + " | ".join(names) + " |")
    out.append("|---|" + "---|" * len(names))
    for key in rows[0]:
        out.append(f"| {key} | " + " | ".join(r[key] for r in rows) + " |")
    if len(names) > 1:
        out.append("")
        for other in names[1:]:
            ours, theirs = engines[names[0]]["run"], engines[other]["run"]
            b = median([c["bytes"] for c in ours["cold"]]) / median(
                [c["bytes"] for c in theirs["cold"]]
            )
            t = median([c["ms"] for c in ours["cold"]]) / median([c["ms"] for c in theirs["cold"]])
            out.append(f"ours / {other}: first-query bytes {b:.2f}, time to first result {t:.2f}")
    for name in names:
        one = score(queries, engines[name]["run"], docs, 1)
        out.append(f"{name}: missing {one['missing'][:12]}; wrong hits {one['extra'][:12]}")
    return "\n".join(out)


def bench_corpus(name: str, args: argparse.Namespace, browser) -> str:
    """Build everything for one corpus, run the queries, return its table."""
    work = args.work / name
    shutil.rmtree(work / "site" / "search", ignore_errors=True)
    label, docs = load_corpus(name, args.work, args.n)
    queries = load_queries(docs)
    order = [d.id for d in sorted(docs, key=lambda d: (_date_key(d.date), d.id))]
    builds = {"ours": build_ours(docs, work / "site")}
    if not args.skip_pagefind:
        write_pagefind_pages(docs, work)
        for bundle in ("pf152", "pf160"):
            reuse = args.reuse_pagefind and (work / f"{bundle}.build.json").is_file()
            builds[bundle] = build_pagefind(work, bundle, args.work, reuse)
    bundles = [b for b in builds if b != "ours"]
    with serve(work / "site") as (base, server):
        cold = run_cold(browser, base, server, queries[:: args.cold_every], bundles)
        engines = {
            "ours": {"run": {"cold": cold["ours"],
                             "warm": warm_ours(browser, base, server, queries, order)},
                     "build": builds["ours"]},
        }  # fmt: skip
        for bundle in bundles:
            engines[f"Pagefind {builds[bundle]['version'].split()[-1]}"] = {
                "run": {"cold": cold[bundle],
                        "warm": warm_pagefind(browser, base, server, queries, bundle)},
                "build": builds[bundle],
            }  # fmt: skip
    return report(label, queries, docs, engines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default="shipped,gen", help="shipped, gen or both")
    parser.add_argument("-n", type=int, default=10000, help="articles for gen_corpus.py")
    parser.add_argument("--work", type=Path, default=Path("/tmp/search-bench"),
                        help="work dir outside the repo: venv, npm, corpora, sites")  # fmt: skip
    parser.add_argument("--cold-every", type=int, default=1, help="cold runs for every k-th query")
    parser.add_argument(
        "--reuse-pagefind",
        action="store_true",
        help="keep Pagefind bundles (and their build times) of an earlier run",
    )
    parser.add_argument("--skip-pagefind", action="store_true", help="only this project's engine")
    args = parser.parse_args()
    args.work = args.work.resolve()
    if ROOT in args.work.parents or args.work == ROOT:
        parser.error("--work must be outside the repository")
    args.work.mkdir(parents=True, exist_ok=True)
    if not args.skip_pagefind:
        ensure_tools(args.work)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROME_ARGS)
        for name in args.corpus.split(","):
            print(bench_corpus(name, args, browser), flush=True)
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
