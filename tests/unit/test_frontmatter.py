"""Front matter: parse and dump are exact inverses, and bad front matter names its line."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.frontmatter import FrontMatterError, dump, parse

# Text as articles carry it: Chinese, punctuation YAML cares about, digits, spaces.
_TEXT = st.text(
    alphabet=st.sampled_from(list("二七区“”‘’：:，,#-[]{}!&*|>'\"% @`？\\ 0123456789abc\t·")),
    min_size=0,
    max_size=20,
)
_KEYS = st.sampled_from(["id", "title", "kicker", "date", "districts", "source", "aliases"])
_VALUES = st.one_of(
    _TEXT,
    st.lists(_TEXT.filter(bool), max_size=4),
    st.dictionaries(st.sampled_from(["page", "item"]), _TEXT, max_size=2),
)


@settings(max_examples=300, deadline=None)
@given(meta=st.dictionaries(_KEYS, _VALUES, max_size=7), body=st.text(max_size=60))
def test_parse_inverts_dump(meta: dict, body: str) -> None:
    parsed = parse(dump(meta, body))
    assert parsed.meta == meta
    assert parsed.body == body


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("2024", "date: 2024"),
        ("以营商环境之优 助推项目建设“加速度”", "title: 以营商环境之优 助推项目建设“加速度”"),
        ("登封赵庄村: 发展", 'title: "登封赵庄村: 发展"'),
        ("#话题", 'title: "#话题"'),
        ("true", "title: true"),
    ],
)
def test_dump_writes_plain_scalars_where_safe(value: str, written: str) -> None:
    key = written.split(":", 1)[0]
    text = dump({key: value}, "")
    assert text.splitlines()[1] == written
    assert parse(text).meta[key] == value


def test_lists_and_mappings_are_flow_style() -> None:
    text = dump(
        {"districts": ["二七区", "a, b"], "source": {"page": "x.txt", "item": "1"}}, "正文\n"
    )
    assert text == '---\ndistricts: [二七区, "a, b"]\nsource: {page: x.txt, item: 1}\n---\n正文\n'


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("title: x\n---\n", 1, "文件第一行应是头信息开头"),
        ("---\ntitle: x\n", 1, "头信息缺少结尾"),
        ("---\ntitle: x\ntitle: y\n---\n", 3, "键“title”重复"),
        ("---\ntitle: [x\n---\n", 3, "头信息的 YAML 有误"),
        ("---\n- a\n---\n", 2, "映射"),
    ],
)
def test_bad_front_matter_names_its_line(text: str, line: int, words: str) -> None:
    with pytest.raises(FrontMatterError, match=words) as caught:
        parse(text)
    assert caught.value.line == line
