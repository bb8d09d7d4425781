"""Front matter: article text <-> (meta, body). parse and dump are exact inverses.

The YAML subset is small on purpose: `key: scalar`, `key: [a, b]` and
`key: {k: v}`. Scalars are read as strings (yaml's C BaseLoader: no implicit
ints, dates or booleans), so `date: 2024` stays "2024"; typing is the job of
`load`. `dump` writes plain scalars where they read back unchanged and
double-quoted ones otherwise, so parse(dump(meta, body)) == (meta, body).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

try:  # the C parser is ~10x faster; the pure-Python one reads the same documents
    from yaml import CBaseLoader as _Loader
except ImportError:  # pragma: no cover - PyYAML wheels ship libyaml
    from yaml import BaseLoader as _Loader  # type: ignore[assignment]

FENCE = "---"
Scalar = str
Value = str | list[str] | dict[str, str]


class FrontMatterError(ValueError):
    """A front-matter problem at a 1-based line of the article file."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True, slots=True)
class Parsed:
    """Front matter as strings, the line of each key, and the Markdown body."""

    meta: dict[str, Value]
    key_lines: dict[str, int]
    body: str
    body_line: int


def parse(text: str) -> Parsed:
    """Split an article file into its front matter and body, with line numbers."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip("\r") != FENCE:
        raise FrontMatterError("文件第一行应是头信息开头的“---”", 1)
    end = _closing_fence(lines)
    if end is None:
        raise FrontMatterError("头信息缺少结尾的“---”行", 1)
    meta, key_lines = _parse_yaml("\n".join(lines[1:end]))
    body = "\n".join(lines[end + 1 :])
    return Parsed(meta=meta, key_lines=key_lines, body=body, body_line=end + 2)


def _closing_fence(lines: list[str]) -> int | None:
    for index in range(1, len(lines)):
        if lines[index].rstrip("\r") == FENCE:
            return index
    return None


# The common front matter, read without YAML: one `key: value` per line, where a
# value is a plain scalar, a flow list or a flow mapping of plain scalars made of
# characters that mean nothing to YAML (letters and digits of any script, CJK and
# full-width punctuation, `+()/`; `.` and `-` after the first; single inner spaces). It
# reads exactly as YAML reads it (a property test checks); anything else, and any
# repeated key, goes to the YAML parser, which is about five times slower.
_WORD = "\\w+()/\u00b7\u2010-\u2027\u3001-\u303f\uff01-\uff5e"
_PLAIN = f"[{_WORD}][{_WORD}.\\-]*(?: [{_WORD}.\\-]+)*"
_KEY = "[A-Za-z_][A-Za-z0-9_]*"
_SIMPLE_LINE = re.compile(
    f"({_KEY}): (?:({_PLAIN})|\\[((?:{_PLAIN})(?:, {_PLAIN})*)?\\]"
    f"|\\{{({_KEY}: {_PLAIN}(?:, {_KEY}: {_PLAIN})*)\\}})"
)


def _parse_simple(source: str) -> tuple[dict[str, Value], dict[str, int]] | None:
    """Front matter in the common form above, or None for the YAML parser."""
    meta: dict[str, Value] = {}
    key_lines: dict[str, int] = {}
    for number, line in enumerate(source.split("\n"), start=2):
        match = _SIMPLE_LINE.fullmatch(line)
        if match is None or match[1] in meta:
            return None
        key, scalar, items, pairs = match.groups()
        if scalar is not None:
            meta[key] = scalar
        elif pairs is not None:
            meta[key] = dict(pair.split(": ", 1) for pair in pairs.split(", "))
        else:
            meta[key] = items.split(", ") if items else []
        key_lines[key] = number
    return meta, key_lines


def _parse_yaml(source: str) -> tuple[dict[str, Value], dict[str, int]]:
    """Compose the YAML mapping, keeping each key's file line (front matter starts on line 2)."""
    simple = _parse_simple(source) if source else None
    return simple if simple is not None else _parse_yaml_only(source)


def _parse_yaml_only(source: str) -> tuple[dict[str, Value], dict[str, int]]:
    """_parse_yaml by the YAML parser alone."""
    try:
        node = yaml.compose(source, Loader=_Loader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 2
        problem = getattr(error, "problem", None) or str(error)
        raise FrontMatterError(f"头信息的 YAML 有误：{problem}", line) from None
    if node is None:
        return {}, {}
    if not isinstance(node, yaml.MappingNode):
        raise FrontMatterError("头信息应是“键: 值”的映射", 2)
    meta: dict[str, Value] = {}
    key_lines: dict[str, int] = {}
    for key_node, value_node in node.value:
        line = key_node.start_mark.line + 2
        key = _scalar(key_node, line)
        if key in meta:
            raise FrontMatterError(f"键“{key}”重复", line)
        meta[key] = _value(value_node, line)
        key_lines[key] = line
    return meta, key_lines


def _scalar(node: yaml.Node, line: int) -> str:
    if not isinstance(node, yaml.ScalarNode):
        raise FrontMatterError("这里应为一个普通的值", line)
    return node.value


def _value(node: yaml.Node, line: int) -> Value:
    if isinstance(node, yaml.ScalarNode):
        return node.value
    if isinstance(node, yaml.SequenceNode):
        return [_scalar(item, line) for item in node.value]
    if isinstance(node, yaml.MappingNode):
        return {_scalar(k, line): _scalar(v, line) for k, v in node.value}
    raise FrontMatterError("unsupported YAML value", line)  # pragma: no cover


def dump(meta: dict[str, Value], body: str) -> str:
    """Write front matter (keys in the given order) and body; the inverse of parse."""
    out = [FENCE]
    for key, value in meta.items():
        out.append(f"{key}: {_dump_value(value)}")
    out.append(FENCE)
    return "\n".join(out) + "\n" + body


def _dump_value(value: Value) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_dump_scalar(item, flow=True) for item in value) + "]"
    if isinstance(value, dict):
        items = (f"{k}: {_dump_scalar(v, flow=True)}" for k, v in value.items())
        return "{" + ", ".join(items) + "}"
    return _dump_scalar(value, flow=False)


_PLAIN_SAFE = re.compile(r"^[^\s\-?:,\[\]{}#&*!|>'\"%@`](?:[^:#\n\r\t]|:(?=\S)|(?<!\s)#)*$")
_FLOW_UNSAFE = re.compile(r"[,\[\]{}]")


def _dump_scalar(value: str, *, flow: bool) -> str:
    if _reads_back_plain(value, flow=flow):
        return value
    return '"' + _YAML_UNSAFE.sub(_escape, value) + '"'


# Characters a YAML double-quoted scalar cannot hold as they are (YAML 1.1 "printable").
_YAML_UNSAFE = re.compile(r'[\\"\x00-\x1f\x7f-\x9f\ud800-\udfff\ufeff\ufffe\uffff]')


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in '\\"':
        return "\\" + char
    return f"\\u{ord(char):04x}"


def _reads_back_plain(value: str, *, flow: bool) -> bool:
    """A plain scalar is safe when YAML syntax cannot take it for anything else."""
    if not value or value != value.strip() or not _PLAIN_SAFE.match(value):
        return False
    if flow and _FLOW_UNSAFE.search(value):
        return False
    return value.isprintable()
