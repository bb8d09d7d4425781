"""A generated corpus with the project's taxonomy, templates and site.toml, for rebuild tests."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def generated_site(root: Path, articles: int) -> Path:
    """bench's gen_corpus.py output (`articles` articles) in root, ready to build; root."""
    gen = REPO.parent / "shared" / "bench" / "gen_corpus.py"
    if not gen.is_file():
        gen = Path("/work/shared/bench/gen_corpus.py")
    subprocess.run(
        [sys.executable, str(gen), "-n", str(articles), "--out", str(root), "--format", "ours"],
        check=True,
        capture_output=True,
    )
    shutil.copytree(REPO / "content" / "taxonomy", root / "content" / "taxonomy")
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copy(REPO / "site.toml", root / "site.toml")
    return root
