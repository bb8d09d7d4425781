"""Bylines in every form the pages print; names sorted into roles."""

from __future__ import annotations

import pytest

from archive.importer.bylines import parse_byline, split_leading, split_trailing

R, C, P = "reporters", "correspondents", "photographers"


@pytest.mark.parametrize(
    ("text", "roles"),
    [
        ("记者 景静", {R: ("景静",)}),
        ("记者 景静 通讯员 白静 张一帆", {R: ("景静",), C: ("白静", "张一帆")}),
        ("记者 刘伟平 朱翔宇", {R: ("刘伟平", "朱翔宇")}),
        ("本报记者 刘伟平 通讯员 马晓丹", {R: ("刘伟平",), C: ("马晓丹",)}),
        ("记者 景静 通讯员 周凌妤 文/图", {R: ("景静",), C: ("周凌妤",), P: ("景静", "周凌妤")}),
        ("记者 朱翔宇 文／图", {R: ("朱翔宇",), P: ("朱翔宇",)}),
        ("本报记者 刘玉娟 摄", {R: ("刘玉娟",), P: ("刘玉娟",)}),
        (
            "本报记者 李晓光 通讯员 杨红晓 摄",
            {R: ("李晓光",), C: ("杨红晓",), P: ("李晓光", "杨红晓")},
        ),
        ("本报记者刘玉娟摄", {R: ("刘玉娟",), P: ("刘玉娟",)}),
        ("（记者 王译博）", {R: ("王译博",)}),
        ("记者 买买提·艾力", {R: ("买买提·艾力",)}),
        ("本报记者 张三 李四 报道", {R: ("张三", "李四")}),
        ("□本报记者 张三 通讯员 李四", {R: ("张三",), C: ("李四",)}),
        ("张三 李四 摄", {P: ("张三", "李四")}),
        ("（本报记者 张三 摄）", {R: ("张三",), P: ("张三",)}),
    ],
)
def test_byline_roles(text: str, roles: dict[str, tuple[str, ...]]) -> None:
    byline = parse_byline(text)
    assert byline is not None
    for role in (R, C, P):
        assert getattr(byline, role) == roles.get(role, ())


@pytest.mark.parametrize(
    "text",
    [
        "记者看到",
        "航拍 摄",
        "记者昨日获悉",
        "记者了解到",
        "记者 景静说，活动很好。",
        "通讯员",
        "本报讯 近日",
        "记者发现",
    ],
)
def test_sentences_are_not_bylines(text: str) -> None:
    assert parse_byline(text) is None


@pytest.mark.parametrize(
    ("text", "body", "names"),
    [
        ("…发展新路子。 记者 景静", "…发展新路子。", ("景静",)),
        ("…纳入市级培育库。记者 景静", "…纳入市级培育库。", ("景静",)),
        ("…据记者 景静了解。", "…据记者 景静了解。", ()),
        ("…问题。”记者 张三 通讯员 李四", "…问题。”", ("张三", "李四")),
        ("…发展。（记者 张三）", "…发展。", ("张三",)),
        ("…锻炼身体。本报记者 赵刚 摄", "…锻炼身体。", ("赵刚",)),
    ],
)
def test_glued_byline(text: str, body: str, names: tuple[str, ...]) -> None:
    rest, byline = split_trailing(text)
    assert rest == body
    assert (byline.names if byline else ()) == names


@pytest.mark.parametrize(
    ("text", "body", "names"),
    [
        ("本报讯(记者 杨丽萍 通讯员 蔡素芳)近日，惠济区", "近日，惠济区", ("杨丽萍", "蔡素芳")),
        ("本报讯（记者 孙志刚 通讯员 张义平 文/图）10月21日", "10月21日", ("孙志刚", "张义平")),
        ("本报讯“社区的活动场地", "“社区的活动场地", ()),
        ("本报讯 近日，郑州", "近日，郑州", ()),
        ("本报讯(2024年数据)显示", "(2024年数据)显示", ()),
        ("本报讯 记者 张三 通讯员 李四 近日，二七区", "近日，二七区", ("张三", "李四")),
        ("本报讯 记者 张三 王五 报道 近日", "近日", ("张三", "王五")),
        ("本报讯 记者从二七区获悉，", "记者从二七区获悉，", ()),
        ("本报讯 记者 张三 近日，", "近日，", ("张三",)),
        ("本报电（记者 张三）近日", "近日", ("张三",)),
        ("本报郑州10月21日讯（记者 张三）近日", "本报郑州10月21日讯 近日", ("张三",)),
    ],
)
def test_dateline_byline(text: str, body: str, names: tuple[str, ...]) -> None:
    rest, byline, dateline = split_leading(text)
    assert dateline and rest == body
    assert (byline.names if byline else ()) == names
