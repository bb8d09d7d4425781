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


# Characters that mean something to YAML, mixed with those of ordinary front matter.
_TRICKY = st.text(
    alphabet=st.sampled_from(
        list("ab二七区·“”（），：+()/-._ ") + list("#:,[]{}&*!|>'\"%@`?~\t\\\u3000\u2028\x85")
    ),
    max_size=8,
)
_LINE = st.one_of(
    st.tuples(st.sampled_from(["title", "id", "date", "a_b"]), _TRICKY).map(": ".join),
    st.lists(_TRICKY, max_size=3).map(lambda xs: "districts: [" + ", ".join(xs) + "]"),
    st.lists(st.tuples(st.sampled_from(["page", "item"]), _TRICKY), max_size=2).map(
        lambda kv: "source: {" + ", ".join(f"{k}: {v}" for k, v in kv) + "}"
    ),
)


@settings(max_examples=1500, deadline=None)
@given(st.lists(_LINE, min_size=1, max_size=4))
def test_the_fast_reader_reads_front_matter_exactly_as_yaml(lines: list[str]) -> None:
    """Front matter the fast reader takes gives what the YAML parser gives, line numbers
    included; whatever it leaves to YAML is read (or refused) by YAML as before."""
    from archive import frontmatter

    source = "\n".join(lines)
    fast = frontmatter._parse_simple(source)
    try:
        slow = frontmatter._parse_yaml_only(source)
    except FrontMatterError:
        assert fast is None
        return
    assert fast is None or fast == slow


def test_common_front_matter_takes_the_fast_reader() -> None:
    """The sample archive's and the importer's usual keys need no YAML parser."""
    from archive import frontmatter

    source = (
        "id: 2021-dengfeng-shi-001\ntitle: 登封市公安局开展冬季全警大练兵\ndate: 2021-06-07\n"
        "districts: [登封市]\nreporters: [李晓光, 杨红晓]\nplaces: []\n"
        "source: {page: 004_aeb926b516ef7bc4.txt, item: 9}"
    )
    assert frontmatter._parse_simple(source) == frontmatter._parse_yaml_only(source)
    assert frontmatter._parse_simple(source) is not None
