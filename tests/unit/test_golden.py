"""The tiny fixture corpus builds to exactly the golden site (tests/golden/regenerate.py)."""

from __future__ import annotations

import difflib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "golden"))

import regenerate  # noqa: E402 - the golden site's own build recipe

OWNED_ELSEWHERE = regenerate.OWNED_ELSEWHERE


def _files(folder: Path) -> dict[str, bytes]:
    found = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        if path.is_file() and not relative.startswith(OWNED_ELSEWHERE):
            found[relative] = path.read_bytes()
    return found


def _first_difference(name: str, expected: bytes, actual: bytes) -> str:
    diff = difflib.unified_diff(
        expected.decode("utf-8", "replace").splitlines(),
        actual.decode("utf-8", "replace").splitlines(),
        f"golden/{name}",
        f"built/{name}",
        lineterm="",
    )
    return "\n".join(list(diff)[:40])


def test_fixture_corpus_builds_to_the_golden_site(tmp_path: Path) -> None:
    result = regenerate.build(tmp_path / "site")
    assert result.returncode == 0, result.stderr
    golden, built = _files(regenerate.GOLDEN), _files(tmp_path / "site")
    hint = "if the change is intended: python3 tests/golden/regenerate.py"
    assert sorted(built) == sorted(golden), hint
    for name, expected in golden.items():
        assert built[name] == expected, _first_difference(name, expected, built[name]) + "\n" + hint


def test_golden_site_covers_every_kind_of_page() -> None:
    names = set(_files(regenerate.GOLDEN))
    expected = {
        "index.html",
        "404.html",
        "articles/index.html",
        "articles/2024-erqi-001/index.html",
        "articles/2024-erqi-1/index.html",  # alias: old id redirects
        "districts/erqi-qu/index.html",
        "districts/erqi-qu/feed.xml",
        "districts/erqi/index.html",  # old slug redirects
        "programmes/yi-ba-shou-zou-liu-cheng/index.html",
        "programmes/she-qu-jin-rong-ye-xiao/index.html",  # not in programmes.yaml
        "places/yin-ma-chi-she-qu/index.html",
        "reporters/jing-jing/index.html",
        "years/2024/index.html",
        "matrix/index.html",
        "feed.xml",
        "sitemap.xml",
        "robots.txt",
        ".nojekyll",
        "data/articles.json",
        "static/style.css",
    }
    assert expected <= names, sorted(expected - names)
