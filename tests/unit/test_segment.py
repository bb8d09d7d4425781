"""Segmenter: taxonomy names stay whole; jieba's cache lives in the user cache dir only."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from archive.segment import make_segmenter
from archive.taxonomy import load_taxonomy

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def segmenter():
    return make_segmenter(load_taxonomy(ROOT / "content" / "taxonomy"))


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("今年以来，一马路街道饮马池社区积极组建", "饮马池社区"),
        ("走进大学路街道祥和社区党群服务中心", "大学路街道"),
        ("持续擦亮“二七帮·易企办”服务品牌", "易企办"),
        ("持续擦亮“二七帮·易企办”服务品牌", "二七帮"),
        ("二七区大力实施“12345”优商攻坚行动", "二七区"),
        ("郑东新区商都路办事处海马公园社区", "海马公园社区"),
        ("通过“郑好融”平台申请贷款", "郑好融"),
    ],
)
def test_taxonomy_names_stay_whole(segmenter, text: str, word: str) -> None:
    assert word in segmenter.words(text)


def test_common_words_are_told_from_names(segmenter) -> None:
    assert segmenter.is_common_word("一把手") and segmenter.is_common_word("加速度")
    assert not segmenter.is_common_word("郑好办")  # a taxonomy programme
    assert not segmenter.is_common_word("美好政务爱企日")  # in no dictionary


def test_cache_goes_to_xdg_cache_home_only(tmp_path: Path) -> None:
    """A fresh process writes jieba's cache below $XDG_CACHE_HOME, not in the repo or /tmp."""
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "TMPDIR": str(tmp_path / "tmp")}
    (tmp_path / "tmp").mkdir()
    before = set(ROOT.rglob("jieba*.cache"))
    code = (
        "from pathlib import Path; from archive.segment import make_segmenter;"
        "from archive.taxonomy import load_taxonomy;"
        "s = make_segmenter(load_taxonomy(Path('content/taxonomy')));"
        "print('/'.join(s.words('二七区侯寨街道')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "二七区/侯寨街道"
    assert (tmp_path / "cache" / "initiative-archive" / "jieba.cache").is_file()
    assert not list((tmp_path / "tmp").iterdir())
    assert set(ROOT.rglob("jieba*.cache")) == before


@pytest.mark.parametrize("cache", [b"", b"\x00not marshal at all", b"\xe9\x03\x00\x00"])
def test_a_broken_jieba_cache_is_rebuilt_not_trusted(tmp_path: Path, cache: bytes) -> None:
    """An empty, garbled or foreign cache file: segmentation is as with a good cache,
    and the file is written anew."""
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    folder = tmp_path / "cache" / "initiative-archive"
    folder.mkdir(parents=True)
    (folder / "jieba.cache").write_bytes(cache)
    code = (
        "from pathlib import Path; from archive.segment import make_segmenter;"
        "from archive.taxonomy import load_taxonomy;"
        "s = make_segmenter(load_taxonomy(Path('content/taxonomy')));"
        "print('/'.join(s.words('二七区侯寨街道持续优化营商环境')), len(s.tokenizer.FREQ))"
    )
    run = [sys.executable, "-c", code]
    broken = subprocess.run(run, cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert len((folder / "jieba.cache").read_bytes()) > 1_000_000  # rebuilt
    again = subprocess.run(run, cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert broken.stdout == again.stdout
    assert broken.stdout.startswith("二七区/侯寨街道/持续/优化/营商/环境 ")
