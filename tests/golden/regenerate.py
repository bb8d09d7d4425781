#!/usr/bin/env python3
"""Rebuild the golden site from the tiny fixture corpus: python3 tests/golden/regenerate.py

tests/unit/test_golden.py builds the same corpus the same way and compares
every file byte for byte. After an intended change to templates or engine,
run this, read the diff (`git diff tests/golden`), and commit it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "site-min" / "content"
GOLDEN = ROOT / "tests" / "golden" / "site-min"
# A project-site base URL, so the golden files show the base path in every link.
BASE_URL = "https://example.org/initiative-archive/"
# The search page, index and script belong to the search stage and its own tests.
OWNED_ELSEWHERE = ("search/", "static/search")


def build(out: Path) -> subprocess.CompletedProcess[str]:
    """Build the fixture corpus into `out` exactly as the golden site was built."""
    command = [
        sys.executable,
        str(ROOT / "build.py"),
        "build",
        "--content-dir",
        str(FIXTURE),
        "--out",
        str(out),
        "--base-url",
        BASE_URL,
        "--quiet",
    ]
    return subprocess.run(command, capture_output=True, text=True, check=False)


def main() -> int:
    """Rebuild tests/golden/site-min in place."""
    result = build(GOLDEN)
    for path in sorted(GOLDEN.rglob("*"), reverse=True):
        name = path.relative_to(GOLDEN).as_posix() + ("/" if path.is_dir() else "")
        if name.startswith(OWNED_ELSEWHERE):
            shutil.rmtree(path) if path.is_dir() else path.unlink()
    sys.stderr.write(result.stderr)
    if result.returncode == 0:
        print(f"golden site rebuilt in {GOLDEN.relative_to(ROOT)}")
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
