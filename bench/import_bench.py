#!/usr/bin/env python3
"""Import benchmark: pages per second on the seed pages repeated, with jieba's
dictionary load shown apart (it is paid once per process).

    python3 bench/import_bench.py [--repeat 20] [--runs 5] [--seeds DIR]

Rows (median of --runs runs, min and max beside it):
- jieba dictionary load: a fresh process building the segmenter (taxonomy words
  added), from jieba's cache file in the user cache dir;
- tagger setup: the rest of make_tagger once the segmenter exists;
- read pages: decode -> clean -> split -> headline -> tags -> records, in memory;
- import pages: the same plus ids, article files, raw copies and the ledger,
  into a fresh temporary content folder;
- anchor: one bare jieba pass (precise mode) over the same pages' text, so the
  importer's cost is quoted as a ratio to segmentation on this machine today.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

from archive.importer.decode import decode_page  # noqa: E402
from archive.importer.run import import_pages, read_page  # noqa: E402
from archive.importer.tags import make_tagger  # noqa: E402
from archive.segment import make_segmenter  # noqa: E402
from archive.taxonomy import load_taxonomy  # noqa: E402

TAXONOMY = REPO / "content" / "taxonomy"
_LOAD_SNIPPET = f"""
import sys, time
sys.path.insert(0, {str(REPO)!r})
from archive.taxonomy import load_taxonomy
from archive.segment import make_segmenter
taxonomy = load_taxonomy(__import__("pathlib").Path({str(TAXONOMY)!r}))
start = time.perf_counter()
make_segmenter(taxonomy)
print(time.perf_counter() - start)
"""


def _seed_dir(given: Path | None) -> Path:
    for candidate in (given, REPO.parent / "shared" / "seeds", REPO / "content" / "raw"):
        if candidate is not None and any(candidate.glob("*.txt")):
            return candidate
    raise SystemExit("no seed pages found: pass --seeds DIR")


def _copies(seeds: list[Path], repeat: int, folder: Path) -> list[Path]:
    """`repeat` copies of every seed page under distinct names (as distinct pages)."""
    pages = []
    for n in range(repeat):
        for seed in seeds:
            target = folder / f"{n:03d}_{seed.name}"
            shutil.copyfile(seed, target)
            pages.append(target)
    return pages


def _timed(action, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return times


def _jieba_load(runs: int) -> list[float]:
    command = [sys.executable, "-c", _LOAD_SNIPPET]
    return [
        float(subprocess.run(command, capture_output=True, text=True, check=True).stdout)
        for _ in range(runs)
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="copies of each seed page")
    parser.add_argument("--runs", type=int, default=5, help="runs per measurement")
    parser.add_argument("--seeds", type=Path, help="folder of raw pages")
    args = parser.parse_args()

    seeds = sorted(_seed_dir(args.seeds).glob("*.txt"))
    taxonomy = load_taxonomy(TAXONOMY)
    load = _jieba_load(args.runs)
    segmenter = make_segmenter(taxonomy)
    setup = _timed(lambda: make_tagger(taxonomy, segmenter), args.runs)
    tagger = make_tagger(taxonomy, segmenter)
    slugs = {d.name: d.slug for d in taxonomy.districts}

    with tempfile.TemporaryDirectory(prefix="import-bench-") as temp:
        pages = _copies(seeds, args.repeat, Path(temp))
        chars = sum(len(decode_page(p.read_bytes(), p)) for p in pages)
        texts = [decode_page(p.read_bytes(), p) for p in pages]
        anchor = _timed(lambda: [segmenter.words(t) for t in texts], args.runs)
        read = _timed(lambda: [read_page(p, tagger, None) for p in pages], args.runs)

        def write_all() -> None:
            content = Path(tempfile.mkdtemp(dir=temp))
            import_pages(pages, content, tagger, slugs, date=None)

        write = _timed(write_all, args.runs)

    anchor_median = statistics.median(anchor)
    print(
        f"{len(seeds)} seed pages x {args.repeat} = {len(pages)} pages, {chars:,} characters;"
        f" median of {args.runs} runs\n"
    )
    header = (
        f"{'measurement':<34}{'median s':>10}{'min s':>9}{'max s':>9}"
        f"{'pages/s':>10}{'x anchor':>10}"
    )
    print(header)
    print("-" * len(header))
    rows = [
        ("jieba dictionary load (once)", load, None),
        ("tagger setup (once)", setup, None),
        ("anchor: bare jieba cut", anchor, len(pages)),
        ("read pages (no writes)", read, len(pages)),
        ("import pages (files + ledger)", write, len(pages)),
    ]
    for name, times, count in rows:
        median = statistics.median(times)
        rate = f"{count / median:,.0f}" if count else "-"
        ratio = f"{median / anchor_median:.1f}" if count else "-"
        print(f"{name:<34}{median:>10.3f}{min(times):>9.3f}{max(times):>9.3f}{rate:>10}{ratio:>10}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
