"""Stage helper: what a build tells the person running it while it runs — stage times, a bar.

Kept apart from the pipeline so the `build` command can time a build that
reuses a snapshot without importing the pipeline's libraries.
"""

from __future__ import annotations

import resource
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

Steps = list[tuple[str, float, float]]


@contextmanager
def timed(name: str, steps: Steps) -> Iterator[None]:
    """Record how long the body of a with-statement took, in wall and CPU seconds."""
    started, cpu = time.perf_counter(), cpu_seconds()
    yield
    steps.append((name, time.perf_counter() - started, cpu_seconds() - cpu))


def cpu_seconds() -> float:
    """User and system time of this process and of its ended children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def warn(message: str) -> None:
    """A warning line on stderr."""
    print(f"警告：{message}", file=sys.stderr)


def print_timings(steps: Steps) -> None:
    """Each step's wall and CPU time and the peak memory of this process and of its workers.

    CPU counts this process and the workers that ended during the step (the
    background search process is counted in the step where it is collected).
    """
    for name, seconds, cpu in steps:
        print(f"  {name:<16} {seconds:6.2f} 秒  CPU {cpu:6.2f} 秒", file=sys.stderr)
    print(f"  {'合计（含所有子进程）':<16} CPU {cpu_seconds():6.2f} 秒", file=sys.stderr)
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    workers_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
    print(f"  峰值内存：主进程 {own} MB，子进程 {workers_peak} MB", file=sys.stderr)


class ProgressBar:
    """A one-line progress bar on stderr, for builds long enough to need one."""

    WIDTH = 30
    MIN_ITEMS = 500  # shorter stages finish before a bar would help

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled and sys.stderr.isatty()
        self.shown = False

    def stage(self, label: str) -> Callable[[int, int], None]:
        """A progress callback for one stage."""

        def update(done: int, total: int) -> None:
            if not self.enabled or total < self.MIN_ITEMS:
                return
            filled = self.WIDTH * done // total
            bar = "█" * filled + "·" * (self.WIDTH - filled)
            sys.stderr.write(f"\r{label} {bar} {done}/{total}")
            sys.stderr.flush()
            self.shown = True

        return update

    def done(self) -> None:
        """End the bar's line."""
        if self.shown:
            sys.stderr.write("\n")
            self.shown = False
