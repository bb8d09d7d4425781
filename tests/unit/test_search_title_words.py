"""archive.search.title_words: the same words as jieba's search mode, faster."""

from __future__ import annotations

from pathlib import Path

import pytest
from search_seeds import seed_docs

from archive.search import title_words
from archive.search_index import normalise
from archive.segment import make_segmenter
from archive.taxonomy import load_taxonomy

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def taxonomy():
    return load_taxonomy(ROOT / "content" / "taxonomy")


def test_seed_titles_give_jiebas_search_words(taxonomy):
    jieba_words = make_segmenter(taxonomy).search_words
    words = title_words(taxonomy)
    titles = [d.title for d in seed_docs()]
    for title in (*titles, *map(normalise, titles)):
        assert words(title) == jieba_words(title), title


@pytest.mark.parametrize(
    "text",
    [
        "郑州市二七区“二七帮·易企办”服务品牌2024年新增企业3,200家",
        "中华人民共和国国务院办公厅关于优化营商环境的意见",
        "Wi-Fi 6 覆盖率达 99.38%（全市第一）",
        "饮马池社区  党群服务中心\t开放",
        "",
        "a1b2 c3",
        "一把手走流程：金水区区长带队办理营业执照",
    ],
)
def test_mixed_text_gives_jiebas_search_words(taxonomy, text):
    assert title_words(taxonomy)(text) == make_segmenter(taxonomy).search_words(text)
