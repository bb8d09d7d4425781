"""Stage: Record -> article text, and the writer of content/ (articles, raw pages, ledger).

Front matter keys follow model.ARTICLE_KEYS; empty optional keys are left out.
Body: paragraphs separated by blank lines, section headings as `## `, and picture
captions as an emphasised paragraph `*图：…*`, which any Markdown renderer shows
as a caption line without needing an image file.

The ledger content/imports.json remembers, for every article written, its source
(page, item, page sha256) and the sha256 of the file as written. A file whose
bytes differ from that was edited by a person and is never overwritten.
Every file is written to a temporary file first and moved into place.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from archive import frontmatter
from archive.importer.record import CAPTION, HEADING, Block, Record
from archive.model import ARTICLE_KEYS

LEDGER_NAME = "imports.json"
LEDGER_VERSION = 1
CAPTION_PREFIX = "图："
_MARKDOWN_START = re.compile(r"^(?:#|>|[-+*]\s|\d+[.)]\s)")
_EMPHASIS = re.compile(r"([*_\\])")


def render_body(blocks: tuple[Block, ...]) -> str:
    """Markdown for an item's blocks: paragraphs, `## ` headings and `*图：…*` captions."""
    parts = []
    for block in blocks:
        if block.kind == HEADING:
            parts.append("## " + block.text)
        elif block.kind == CAPTION:
            parts.append("*" + CAPTION_PREFIX + _EMPHASIS.sub(r"\\\1", block.text) + "*")
        else:
            parts.append(_escape_start(block.text))
    return "\n\n".join(parts) + "\n"


def _escape_start(text: str) -> str:
    """A paragraph that happens to start like Markdown syntax stays a paragraph."""
    return "\\" + text if _MARKDOWN_START.match(text) else text


def article_text(record: Record) -> str:
    """The whole article file: front matter in ARTICLE_KEYS order, then the body."""
    values: dict[str, frontmatter.Value] = {
        "id": record.id,
        "title": record.headline.title,
        "title_generated": "true" if record.headline.generated else "",
        "kicker": record.headline.kicker,
        "subtitle": record.headline.subtitle,
        "date": record.date,
        "kind": record.kind,
        "districts": list(record.districts),
        "programmes": list(record.programmes),
        "places": list(record.places),
        "reporters": list(record.byline.reporters),
        "correspondents": list(record.byline.correspondents),
        "photographers": list(record.byline.photographers),
        "source": {"page": record.page, "item": str(record.item)},
    }
    meta = {key: values[key] for key in ARTICLE_KEYS if values.get(key)}
    return frontmatter.dump(meta, record.body)


def sha256(data: bytes) -> str:
    """Hex sha256 of some bytes."""
    return hashlib.sha256(data).hexdigest()


@dataclass(slots=True)
class Ledger:
    """What the importer wrote: page name -> {sha256, items: {n: {id, file_sha256}}}."""

    pages: dict[str, dict] = field(default_factory=dict)

    def entry(self, page: str, item: int) -> dict | None:
        """The ledger entry of one imported item, if it was imported before."""
        return self.pages.get(page, {}).get("items", {}).get(str(item))

    def ids(self) -> set[str]:
        """Every id the importer ever assigned."""
        return {e["id"] for p in self.pages.values() for e in p.get("items", {}).values()}

    def record(self, page: str, page_sha: str, item: int, article_id: str, file_sha: str) -> None:
        """Remember one written article."""
        entry = self.pages.setdefault(page, {"sha256": page_sha, "items": {}})
        entry["sha256"] = page_sha
        entry["items"][str(item)] = {"id": article_id, "file_sha256": file_sha}

    def dumps(self) -> str:
        """Stable JSON (sorted keys) so the ledger diffs cleanly in git."""
        data = {"version": LEDGER_VERSION, "pages": self.pages}
        return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def load_ledger(content_dir: Path) -> Ledger:
    """The ledger of content_dir, empty when there is none yet."""
    path = content_dir / LEDGER_NAME
    if not path.exists():
        return Ledger()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        from archive.errors import ArchiveError

        raise ArchiveError(f"导入记录无法读取：{error}", path) from None
    return Ledger(pages=dict(data.get("pages", {})))


def taken_ids(content_dir: Path, ledger: Ledger) -> set[str]:
    """Every id in use or ever assigned: article file names and the ledger's ids."""
    return ledger.ids() | {path.stem for path in (content_dir / "articles").glob("*.md")}


def write_atomic(path: Path, data: bytes) -> None:
    """Write via a temporary file in the same folder, then rename over the target."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
