"""Command: `build.py build` — the site from content/, or the stored result of the same inputs.

With the cache on, a build whose inputs (articles, taxonomy, settings,
templates, code; see archive.snapshot) are exactly those of a stored build
writes that build's files instead of running the pipeline; any other build
runs the pipeline and stores its files for next time. Either way the new
site is written into a fresh folder that replaces the output folder whole.
This module imports the pipeline (jieba, Jinja, Markdown, numpy) only when it
runs it, so a build that reuses a snapshot does not pay for those imports.
"""

from __future__ import annotations

import argparse
import gc
import os
import time

from archive import snapshot
from archive.cache import Cache, default_cache
from archive.config import SiteConfig, config_from_args, taxonomy_dir
from archive.memory import GC_THRESHOLDS
from archive.progress import ProgressBar, Steps, print_timings, timed, warn
from archive.write import staged


def run(args: argparse.Namespace) -> int:
    """`build.py build` (and plain `build.py`): build the site and print a summary line."""
    started = time.perf_counter()
    gc.set_threshold(*GC_THRESHOLDS)
    config = config_from_args(args)
    jobs = args.jobs or os.cpu_count() or 1
    steps: Steps = []
    store = default_cache(config.root, enabled=not getattr(args, "no_cache", False))
    with timed("核对输入", steps):
        key = snapshot.inputs_digest(config, taxonomy_dir(config)) if store.enabled else None
    found = _restored(store, key, config, jobs, steps)
    pages, files = found if found is not None else _built(args, config, store, key, jobs, steps)
    if not args.quiet:
        if os.environ.get("IA_TIMINGS"):
            print_timings(steps)
        elapsed = time.perf_counter() - started
        how = "输入与缓存中的一次构建完全相同，直接写入了它的结果；" if found is not None else ""
        print(
            f"已生成 {pages} 个页面（共 {files} 个文件）到 {config.output_dir}，"
            f"{how}用时 {elapsed:.1f} 秒"
        )
    return 0


def _restored(
    store: Cache, key: str | None, config: SiteConfig, jobs: int, steps: Steps
) -> tuple[int, int] | None:
    """(pages, files) when the snapshot of these very inputs was written as the new site.

    None when there is none, or it is damaged: the build then runs in full.
    """
    found = snapshot.find(store, key) if key is not None else None
    if found is None:
        return None
    try:
        with timed("写入上次的结果", steps), staged(config.output_dir) as staging:
            snapshot.restore(found, staging, jobs)
    except ValueError:
        return None  # a damaged segment: nothing was swapped in
    for warning in found.warnings:
        warn(warning)
    return found.pages, found.files


def _built(
    args: argparse.Namespace,
    config: SiteConfig,
    store: Cache,
    key: str | None,
    jobs: int,
    steps: Steps,
) -> tuple[int, int]:
    """Run the pipeline into a fresh folder, swap it in, store it as snapshot `key`."""
    from archive.pipeline import build_into

    quiet = bool(args.quiet) or os.environ.get("CI") == "true"
    progress = ProgressBar(enabled=not quiet)
    with snapshot.recording(store, key) as record:
        with staged(config.output_dir) as staging:
            paths = build_into(
                config, staging, jobs=jobs, progress=progress, steps=steps,
                warn=warn, cache=store, record=record,
            )  # fmt: skip
        pages, files = sum(1 for p in paths if p.endswith(".html")), len(paths)
        if record is not None:
            record.pages, record.files = pages, files
    return pages, files
