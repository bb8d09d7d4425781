#!/usr/bin/env python3
"""Initiative Archive command line: argparse and dispatch only.

    python build.py                      build content/ into site/
    python build.py import PAGE...       raw newspaper pages -> content/articles/
    python build.py serve                build, serve on 127.0.0.1, rebuild on change
    python build.py check                crawl site/ for broken links and bad HTML
    python build.py evaluate GOLD DIR    importer accuracy against a hand-read gold file
    python build.py new TITLE            a blank article to edit
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

# verb -> module whose run(args) -> int carries it out
COMMANDS = {
    "build": "archive.pipeline",
    "import": "archive.importer.run",
    "serve": "archive.serve",
    "check": "archive.check",
    "evaluate": "archive.evaluate",
    "new": "archive.new",
}


def _site_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, default=HERE / "site.toml", help="site.toml")
    parser.add_argument("--content-dir", type=Path, help="content folder (default: content/)")
    parser.add_argument("--base-url", help="absolute URL of the site root, e.g. https://u.github.io/repo/")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def make_parser() -> argparse.ArgumentParser:
    """The whole command-line grammar."""
    parser = argparse.ArgumentParser(prog="build.py", description="Initiative Archive")
    verbs = parser.add_subparsers(dest="command")

    build = verbs.add_parser("build", help="build content/ into site/ (the default)")
    _site_options(build)
    build.add_argument("--out", type=Path, help="output folder (default: site/)")
    build.add_argument("--no-cache", action="store_true", help="ignore and rebuild the cache")
    build.add_argument("--jobs", type=int, default=0, help="worker processes (0: one per core)")

    imp = verbs.add_parser("import", help="import raw newspaper pages into content/")
    imp.add_argument("pages", nargs="+", type=Path, help="raw page .txt files")
    imp.add_argument("--content-dir", type=Path, default=HERE / "content")
    imp.add_argument("--date", help="the pages' date: YYYY, YYYY-MM or YYYY-MM-DD")
    imp.add_argument("--quiet", action="store_true")

    serve = verbs.add_parser("serve", help="build, serve and rebuild on change")
    _site_options(serve)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--out", type=Path, help="output folder (default: site/)")
    serve.add_argument("--open", action="store_true", help="open a browser")
    serve.add_argument("--no-cache", action="store_true", help="ignore and rebuild the cache")

    check = verbs.add_parser("check", help="crawl the built site for broken links and bad HTML")
    _site_options(check)
    check.add_argument("--out", type=Path, help="the built site (default: site/)")

    evaluate = verbs.add_parser("evaluate", help="importer accuracy against a gold file")
    evaluate.add_argument("gold", type=Path, help="gold YAML (format of shared/gold/seeds.yaml)")
    evaluate.add_argument("pages_dir", type=Path, help="folder of the raw pages it names")

    new = verbs.add_parser("new", help="write a blank article to edit")
    new.add_argument("title")
    new.add_argument("--content-dir", type=Path, default=HERE / "content")
    new.add_argument("--date", help="YYYY, YYYY-MM or YYYY-MM-DD (default: today)")
    new.add_argument("--district", action="append", default=[], help="repeatable")
    new.add_argument("--programme", action="append", default=[], help="repeatable")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run the verb; with no verb, build."""
    parser = make_parser()
    argv = sys.argv[1:] if argv is None else argv
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help")):
        argv = ["build", *argv]
    args = parser.parse_args(argv)
    from archive.errors import ArchiveError

    module = importlib.import_module(COMMANDS[args.command])
    try:
        return module.run(args)
    except ArchiveError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
