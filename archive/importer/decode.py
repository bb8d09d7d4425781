"""Stage: raw page bytes -> text (UTF-8/GB18030/UTF-16, newlines as \\n, NFC).

Pages arrive from PDF extraction tools in whatever encoding the tool chose.
A page that is none of the supported encodings, or is binary, is rejected
with one line naming the file, before anything is written.
"""

from __future__ import annotations

import codecs
import unicodedata
from pathlib import Path

from archive.errors import ArchiveError

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Controls that never appear in text pages (tab, newlines and form feed do).
_ALLOWED_CONTROLS = frozenset("\t\n\r\f")
_MAX_CONTROL_SHARE = 0.001


def decode_page(data: bytes, path: Path | str) -> str:
    """Decode a raw page and normalise its newlines and Unicode form."""
    text = _decode(data, path)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    if _control_share(text) > _MAX_CONTROL_SHARE:
        raise ArchiveError("不是文本文件（含二进制控制字符），未导入任何内容", path)
    if not text.strip():
        raise ArchiveError("页面是空的，未导入任何内容", path)
    return unicodedata.normalize("NFC", text)


def _decode(data: bytes, path: Path | str) -> str:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _strict(data, encoding, path)
    if b"\x00" in data:
        raise ArchiveError("不是文本文件（含空字节；UTF-16 须带 BOM），未导入任何内容", path)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    return _strict(data, "gb18030", path)


def _strict(data: bytes, encoding: str, path: Path | str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise ArchiveError(
            f"无法解码（按 {encoding} 在第 {error.start} 字节出错；"
            "支持 UTF-8、GB18030/GBK、带 BOM 的 UTF-16），未导入任何内容",
            path,
        ) from None


def _control_share(text: str) -> float:
    controls = sum(
        1 for char in text if unicodedata.category(char) == "Cc" and char not in _ALLOWED_CONTROLS
    )
    return controls / max(len(text), 1)
