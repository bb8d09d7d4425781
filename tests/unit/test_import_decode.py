"""Decoding raw pages: every supported encoding and line ending gives the same text;
binary or undecodable input is one error line, exit 2, nothing written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from archive.errors import ArchiveError
from archive.importer.decode import decode_page

REPO = Path(__file__).resolve().parents[2]
RAW = REPO / "tests" / "fixtures" / "raw"
SAME_PAGE = ("gb18030_crlf.txt", "utf16le_bom_crlf.txt", "utf16be_bom.txt", "utf8_bom_cr.txt")


@pytest.mark.parametrize("name", SAME_PAGE)
def test_every_encoding_and_line_end_reads_as_the_same_text(name: str) -> None:
    text = decode_page((RAW / name).read_bytes(), name)
    reference = decode_page((RAW / SAME_PAGE[0]).read_bytes(), SAME_PAGE[0])
    assert text == reference
    assert "\r" not in text and "\ufeff" not in text
    assert text.startswith("惠济区新建口袋公园\n")
    assert "𠮷祥园" in text  # a character only GB18030 (not GBK) encodes


def test_gbk_page_decodes() -> None:
    text = decode_page((RAW / "gbk_wrapped.txt").read_bytes(), "gbk_wrapped.txt")
    assert "群 众 89.5 万 人 次" in text


@pytest.mark.parametrize(
    ("name", "words"),
    [("binary.txt", "不是文本文件"), ("undecodable.txt", "无法解码")],
)
def test_bad_input_raises_one_line_naming_the_file(name: str, words: str) -> None:
    with pytest.raises(ArchiveError) as caught:
        decode_page((RAW / name).read_bytes(), RAW / name)
    message = str(caught.value)
    assert message.startswith(str(RAW / name) + ": ") and words in message
    assert "\n" not in message


@pytest.mark.parametrize("name", ["binary.txt", "undecodable.txt"])
def test_cli_rejects_bad_page_with_exit_2_and_writes_nothing(name: str, tmp_path: Path) -> None:
    good = RAW / "utf8_bom_cr.txt"
    result = subprocess.run(
        [
            sys.executable,
            str(REPO / "build.py"),
            "import",
            str(good),
            str(RAW / name),
            "--content-dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and name in lines[0] and lines[0].startswith("错误：")
    assert list(tmp_path.rglob("*")) == []
