"""Keywords of an article and related articles: shared programmes first, then shared keywords."""

from __future__ import annotations

from pathlib import Path

import jieba
import pytest

from archive.keywords import MAX_POSTINGS, article_keywords, cut, related
from archive.model import District, Programme, Taxonomy
from archive.segment import Segmenter, make_segmenter

TAXONOMY = Taxonomy(
    city="郑州市",
    districts=(District("二七区", "erqi-qu", "区", communities=(("饮马池社区", "解放路街道"),)),),
    programmes=(Programme("郑好融", "zheng-hao-rong"),),
)


@pytest.fixture(scope="module")
def segmenter() -> Segmenter:
    """The build's own jieba segmenter, with a small taxonomy's names added."""
    return make_segmenter(TAXONOMY)


@pytest.fixture(scope="module")
def tokenizer(segmenter: Segmenter) -> jieba.Tokenizer:
    return segmenter.tokenizer


LOAN = (
    "“郑好融”平台助力中小微企业融资",
    "本报讯 二七区加快“郑好融”平台的建设与运用，鼓励和引导辖区银行加快建设金融服务港湾，"
    "目前已建成9家金融服务港湾。通过“郑好融”平台帮助辖区中小微企业申请贷款3.3亿元。",
)


def test_keywords_name_what_the_article_is_about(tokenizer: jieba.Tokenizer) -> None:
    words = article_keywords(*LOAN, tokenizer)
    assert words[0] == "郑好融"  # quoted in the title and twice in the text
    assert {"金融服务", "港湾"} & set(words) or "金融服务港湾" in words
    assert not {"本报讯", "目前", "加快", "9", "3.3", "的", "亿元"} & set(words)
    assert all(len(word) >= 2 for word in words)


def test_keywords_depend_on_the_article_alone(tokenizer: jieba.Tokenizer) -> None:
    first = article_keywords(*LOAN, tokenizer)
    article_keywords("饮马池社区“红色办事格”", "社区组建起“红色办事格”9个。", tokenizer)
    assert article_keywords(*LOAN, tokenizer) == first


def test_markdown_marks_are_not_keywords(tokenizer: jieba.Tokenizer) -> None:
    words = article_keywords(
        "二七区优化营商环境",
        "## 一把手走流程\n\n![办事大厅](hall.jpg)\n\n**“一把手走流程”**活动持续开展。",
        tokenizer,
        limit=20,
    )
    assert "一把手走流程" in words
    assert not any(mark in word for word in words for mark in "#*![]()")
    assert "hall" not in words and "jpg" not in words


def test_shared_programmes_come_before_shared_keywords() -> None:
    keywords = {
        "a": ("郑好融", "贷款", "金融服务港湾"),
        "b": ("郑好融", "贷款", "金融服务港湾"),  # same words, no programme in common
        "c": ("社区", "楼院"),  # nothing in common but the programme
        "d": ("郑好融",),
    }
    programmes = {"a": ("郑好融",), "b": (), "c": ("郑好融",), "d": ()}
    assert related(keywords, programmes)["a"] == ("c", "b", "d")


def test_more_shared_programmes_rank_higher_then_more_keywords() -> None:
    keywords = {"a": ("营商环境", "项目"), "b": (), "c": ("营商环境", "项目"), "d": ("项目",)}
    programmes = {
        "a": ("一把手走流程", "万人助万企"),
        "b": ("一把手走流程", "万人助万企"),
        "c": ("一把手走流程",),
        "d": ("一把手走流程",),
    }
    assert related(keywords, programmes)["a"] == ("b", "c", "d")


def test_rare_shared_keywords_weigh_more_than_common_ones() -> None:
    common = {f"x{i}": ("社区",) for i in range(20)}
    keywords = {"a": ("社区", "红色办事格"), "b": ("红色办事格",), "c": ("社区",), **common}
    result = related(keywords, {}, k=2)
    assert result["a"][0] == "b"


def test_unrelated_articles_get_no_related_articles_and_never_themselves() -> None:
    keywords = {"a": ("郑好融",), "b": ("饮马池",), "c": ("饮马池",)}
    result = related(keywords, {})
    assert result == {"a": (), "b": ("c",), "c": ("b",)}


def test_at_most_k_and_deterministic_ties_by_order() -> None:
    keywords = {f"a{i:02d}": ("郑好融",) for i in range(12)}
    first = related(keywords, {}, k=3)
    assert first["a05"] == ("a04", "a06", "a03")  # equally similar: nearest in the given order
    shuffled = {i: keywords[i] for i in ("a00", "a11", "a05", "a02", "a09", "a01", "a03")}
    assert related(shuffled, {}, k=3)["a05"] == ("a02", "a11", "a00")
    assert all(len(ids) == 3 for ids in first.values())


def test_keyword_on_too_many_articles_links_nobody() -> None:
    everywhere = {f"a{i:04d}": ("工作",) for i in range(MAX_POSTINGS + 1)}
    assert set(related(everywhere, {}).values()) == {()}


def test_programme_neighbours_are_bounded_not_all_members() -> None:
    ids = [f"a{i:05d}" for i in range(2000)]
    programmes = {article_id: ("万人助万企",) for article_id in ids}
    result = related(dict.fromkeys(ids, ()), programmes, k=5)
    assert result["a01000"] == ("a00999", "a01001", "a00998", "a01002", "a00997")


def test_taxonomy_names_count_as_rare_words(segmenter: Segmenter) -> None:
    title, text = "饮马池社区推进企业服务", "饮马池社区为辖区企业提供服务，企业发展有保障。"
    plain = article_keywords(title, text, segmenter.tokenizer)
    named = article_keywords(title, text, segmenter.tokenizer, names=segmenter.user_words)
    assert named[0] == "饮马池社区"
    assert plain.index("饮马池社区") > plain.index("企业")  # its made-up dictionary count


def test_package_data_of_jieba_is_untouched(tokenizer: jieba.Tokenizer) -> None:
    article_keywords(*LOAN, tokenizer)
    assert not (Path(__file__).resolve().parents[2] / "jieba.cache").exists()


SHIPPED = Path(__file__).resolve().parents[2] / "content" / "articles"


@pytest.mark.parametrize(
    "sentence",
    [
        "",
        "“郑好融”平台助力中小微企业融资",
        "5G基站AB测试3.5%增长，C919 首飞 iPhone15",
        "二七区\r\n饮马池社区\t一件事\u3000一次办",
        "#1-2_%&+ abc 郑州",
    ],
)
def test_cut_gives_jiebas_words(tokenizer: jieba.Tokenizer, sentence: str) -> None:
    assert cut(tokenizer, sentence) == tokenizer.lcut(sentence, HMM=False)


def test_cut_gives_jiebas_words_on_every_shipped_article(tokenizer: jieba.Tokenizer) -> None:
    for path in sorted(SHIPPED.glob("*.md")):
        for line in path.read_text(encoding="utf-8").splitlines():
            assert cut(tokenizer, line) == tokenizer.lcut(line, HMM=False), (path, line)
