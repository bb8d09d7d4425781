"""Stage helper: run a function over index ranges of shared data, in forked worker processes.

The data (articles, pages, a loaded jieba dictionary) is built once in the
parent and inherited by the workers through fork, so only index ranges go to
the workers and only results come back. The one piece of module state below
is that inheritance: it is set in each worker process when it starts and never
in the parent. Results come back in input order, so a build with any number of
workers gives the same bytes as a build with one.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, TypeVar

Result = TypeVar("Result")
RangeFunction = Callable[[Any, int, int], list[Result]]
Progress = Callable[[int, int], None]

# Worker processes only: the shared data their parent handed over at fork.
_INHERITED: list[Any] = []


def map_ranges(
    function: RangeFunction,
    shared: Any,
    count: int,
    jobs: int,
    chunk: int,
    progress: Progress | None = None,
    in_process_below: int = 200,
) -> list[Result]:
    """function(shared, start, stop) over [0, count) in chunks; results concatenated in order."""
    ranges = [(start, min(start + chunk, count)) for start in range(0, count, chunk)]
    if jobs <= 1 or count < in_process_below:
        parts: Iterator[list[Result]] = (function(shared, *r) for r in ranges)
        return _gather(parts, count, progress)
    context = multiprocessing.get_context("fork")
    with _frozen(), ProcessPoolExecutor(jobs, context, _inherit, (shared,)) as pool:
        parts = pool.map(_call, [function] * len(ranges), *zip(*ranges, strict=True))
        return _gather(parts, count, progress)


@contextlib.contextmanager
def map_in_background(
    function: RangeFunction,
    shared: Any,
    count: int,
    jobs: int,
    chunk: int,
    in_process_below: int = 200,
) -> Iterator[Callable[[], list[Result]]]:
    """map_ranges, started at once in worker processes; call the yielded function to gather.

    The caller works in the meantime (the pipeline loads the jieba dictionary
    while the workers read the article files). Small inputs run in this
    process when gathered.
    """
    if jobs <= 1 or count < in_process_below:
        yield lambda: map_ranges(function, shared, count, 1, chunk)
        return
    ranges = [(start, min(start + chunk, count)) for start in range(0, count, chunk)]
    context = multiprocessing.get_context("fork")
    with _frozen(), ProcessPoolExecutor(jobs, context, _inherit, (shared,)) as pool:
        futures = [pool.submit(_call, function, *bounds) for bounds in ranges]
        yield lambda: [result for future in futures for result in future.result()]


def _inherit(shared: Any) -> None:
    _INHERITED[:] = [shared]


def _call(function: RangeFunction, start: int, stop: int) -> list[Result]:
    return function(_INHERITED[0], start, stop)


def _gather(parts: Iterator[list[Result]], count: int, progress: Progress | None) -> list[Result]:
    results: list[Result] = []
    for part in parts:
        results.extend(part)
        if progress:
            progress(len(results), count)
    return results


@contextlib.contextmanager
def in_background(function: RangeFunction, shared: Any, jobs: int) -> Iterator[Future]:
    """Run function(shared, 0, 1) in one more forked process while the caller goes on.

    With jobs <= 1 it runs at once, in this process; the result is the same.
    """
    if jobs <= 1:
        done: Future = Future()
        done.set_result(function(shared, 0, 1))
        yield done
        return
    context = multiprocessing.get_context("fork")
    with _frozen(), ProcessPoolExecutor(1, context, _inherit, (shared,)) as pool:
        yield pool.submit(_call, function, 0, 1)


@contextlib.contextmanager
def _frozen() -> Iterator[None]:
    """Keep the garbage collector off the objects that exist now while workers are forked.

    A collection in a worker writes to the header of every object it scans,
    which copies each page of the inherited heap the parent and workers shared;
    frozen objects are never scanned. Unfrozen afterwards, so a long-running
    serve process still collects them.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
