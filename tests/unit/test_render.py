"""render helpers: Markdown to safe HTML, Chinese dates, summaries, JSON-LD, page plans."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive import text
from archive.context import json_ld
from archive.markdown_html import converter, is_safe_url, plain_html, to_html

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("markdown", "html"),
    [
        ("<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"),
        ("图<img src=x onerror=alert(1)>文", "<p>图&lt;img src=x onerror=alert(1)&gt;文</p>"),
        ("[点](javascript:alert(1))", "<p><a>点</a></p>"),
        ("[点](&#106;avascript:alert(1))", "<p><a>点</a></p>"),
        ("[点](java&#x09;script:alert(1))", "<p><a>点</a></p>"),
        ("[点](data:text/html,x)", "<p><a>点</a></p>"),
        ("![图](javascript:x)", '<p><img alt="图"></p>'),
        ("[站内](/programmes/)", '<p><a href="/repo/programmes/">站内</a></p>'),
        ("[外](https://example.org/a)", '<p><a href="https://example.org/a">外</a></p>'),
        ("[协议相对](//evil.example/)", '<p><a href="//evil.example/">协议相对</a></p>'),
        ("[相对](../a/)", '<p><a href="../a/">相对</a></p>'),
        ("# 标题", "<h2>标题</h2>"),  # the article title is the page's only h1
        ("### 小标题", "<h3>小标题</h3>"),
        ("*图：走访群众*", '<p class="caption"><em>图：走访群众</em></p>'),
        ("*强调*的话", "<p><em>强调</em>的话</p>"),
    ],
)
def test_markdown_is_safe_and_honours_the_base_path(markdown: str, html: str) -> None:
    assert to_html(converter("/repo/"), markdown) == html


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("https://a.cn/", True),
        ("mailto:a@b.cn", True),
        ("#section", True),
        ("?q=1", True),
        ("javascript:alert(1)", False),
        (" javascript:alert(1)", False),
        ("JAVASCRIPT:alert(1)", False),
        ("vbscript:x", False),
        ("data:text/html;base64,xx", False),
    ],
)
def test_safe_url(url: str, safe: bool) -> None:
    assert is_safe_url(url) is safe


PLAIN_ALPHABET = st.sampled_from(list("中文。！#  \n\n\n-1.)*a<&|>=\t\u3000_[]"))


@settings(max_examples=400, deadline=None)
@given(st.text(PLAIN_ALPHABET, max_size=60))
def test_fast_path_writes_exactly_what_python_markdown_writes(body: str) -> None:
    fast = plain_html(body)
    if fast is not None:
        md = converter("/")
        md.reset()
        assert fast == md.convert(body)


def test_fast_path_takes_plain_prose_with_headings() -> None:
    body = "第一段。\n第一段第二行。\n\n## 小标题\n\n第二段！"
    assert plain_html(body) == "<p>第一段。\n第一段第二行。</p>\n<h2>小标题</h2>\n<p>第二段！</p>"


@pytest.mark.parametrize(
    ("date", "written", "iso"),
    [
        ("2024-06-07", "2024年6月7日", "2024-06-07T00:00:00+08:00"),
        ("2024-10", "2024年10月", "2024-10-01T00:00:00+08:00"),
        ("2024", "2024年", "2024-01-01T00:00:00+08:00"),
    ],
)
def test_dates_are_written_as_precisely_as_known(date: str, written: str, iso: str) -> None:
    assert text.date_text(date) == written
    assert text.iso_datetime(date) == iso


LONG = (
    "今年以来，二七区深入开展“一把手走流程”活动，区直部门主要负责人以普通办事人员身份体验办事流程。"
)


@pytest.mark.parametrize(
    ("body", "summary"),
    [
        ("短文。", "短文。"),
        (LONG * 3, LONG * 3),  # one sentence is 49 characters: three end at 147
        ("## 标题\n\n" + LONG * 4, LONG * 3),  # headings are not part of a summary
        ("“好！”他说。" + LONG * 4, "“好！”他说。" + LONG * 3),
        ("无句号，" * 80, "无句号，" * 54 + "无句号" + "……"),
    ],
)
def test_summaries_end_at_sentence_punctuation(body: str, summary: str) -> None:
    assert text.summary(text.prose(body)) == summary


@pytest.mark.parametrize(("chars", "minutes"), [(0, 1), (399, 1), (1400, 4), (4000, 10)])
def test_reading_time_counts_characters(chars: int, minutes: int) -> None:
    assert text.reading_minutes(chars) == minutes


def test_char_count_ignores_whitespace_only() -> None:
    assert text.char_count("郑州 二七\n区　好") == 6


def test_json_ld_cannot_close_its_script_element() -> None:
    data = {"headline": "</script><script>alert(1)</script>&"}
    written = json_ld(data)
    assert "</" not in written and "<" not in written and "&" not in written
    assert json.loads(written) == data
