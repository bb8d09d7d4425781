#!/usr/bin/env python3
"""Bench helper: give one article a new title, then become `build.py build` (same process).

    python3 bench/edited_build.py ARTICLE.md -- python3 build.py build ...

bench/build.py times this as "ours-edited": a full build after a one-article
edit, with the per-article cache filled, so no stored build has these inputs.
The title gets the current nanosecond clock, a new title on every run.
"""

from __future__ import annotations

import os
import re
import sys
import time
from pathlib import Path


def main() -> None:
    article, separator, *command = sys.argv[1:]
    if separator != "--" or not command:
        sys.exit("usage: edited_build.py ARTICLE.md -- COMMAND...")
    path = Path(article)
    text = path.read_text(encoding="utf-8")
    edited = re.sub(r"^title: (.*?)(（第\d+次修改）)?$", _retitle, text, count=1, flags=re.M)
    path.write_text(edited, encoding="utf-8")
    os.execv(command[0], command)


def _retitle(match: re.Match[str]) -> str:
    return f"title: {match.group(1)}（第{time.time_ns()}次修改）"


if __name__ == "__main__":
    main()
