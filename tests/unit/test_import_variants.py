"""The importer on the seed pages re-laid out as other PDF extractions print them
(tests/fixtures/variants/, made by make_variants.py): narrow re-wrapped columns with
stray blank lines, no blank lines at all in GB18030 with CRLF, items of different
seeds assembled into new pages, bylines moved between their printed forms (and then
re-wrapped, so a glued byline breaks across lines).
Scored by `build.py evaluate` against gold derived from the seeds' gold."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
VARIANTS = REPO / "tests" / "fixtures" / "variants"
_TOTAL = re.compile(
    r"总计：条目召回 (\d+)/(\d+) \(\d+%\)，多余 (\d+)，标题 (\d+)/(\d+)，署名 (\d+)/(\d+)，"
    r"区县 (\d+)/(\d+)，误标区县 (\d+)，举措召回 [\d.]+ \((\d+)/(\d+)\)，"
    r"年份 (\d+)/(\d+)，丢字 (\d+)"
)
# Floors: what the importer reaches on every set today; a change that drops below fails.
TITLE_FLOOR = 0.9
SETS = ("narrow1", "narrow2", "noblank", "mixed", "bylines", "combo")
PROGRAMME_FLOOR = 0.95


@pytest.mark.parametrize("name", SETS)
def test_variant_set_meets_floors(name: str) -> None:
    folder = VARIANTS / name
    command = [sys.executable, str(REPO / "build.py"), "evaluate", str(folder / "gold.yaml")]
    result = subprocess.run([*command, str(folder)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    total = _TOTAL.search(result.stdout)
    assert total, result.stdout
    found, items, extra, titles, titled, signed, bylines, right, tagged, traps = (
        int(n) for n in total.groups()[:10]
    )
    programmes, wanted, years, pages, lost = (int(n) for n in total.groups()[10:])
    assert (found, extra) == (items, 0), result.stdout
    assert titles >= TITLE_FLOOR * titled, result.stdout
    assert (signed, right, traps, lost) == (bylines, tagged, 0, 0), result.stdout
    assert programmes >= PROGRAMME_FLOOR * wanted, result.stdout
    assert years == pages, result.stdout


def test_every_set_has_pages_and_gold() -> None:
    for name in SETS:
        folder = VARIANTS / name
        assert (folder / "gold.yaml").is_file()
        assert len(list(folder.glob("*.txt"))) >= 3, name
    # The no-blank set really is GB18030 with CRLF line ends, not UTF-8.
    page = next((VARIANTS / "noblank").glob("*.txt")).read_bytes()
    assert b"\r\n" in page and b"\n\n" not in page.replace(b"\r\n", b"\n")
    with pytest.raises(UnicodeDecodeError):
        page.decode("utf-8")
