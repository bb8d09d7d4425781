"""build.py's command line: help in Chinese, one usage line per command."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("verb", ["build", "import", "serve", "check", "evaluate", "new"])
def test_each_commands_help_names_it_once_under_one_usage_label(verb: str) -> None:
    result = subprocess.run(
        [sys.executable, str(REPO / "build.py"), verb, "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"用法：build.py {verb} "), result.stdout[:80]
    assert result.stdout.count("用法") == 1
    assert "显示帮助并退出" in result.stdout
