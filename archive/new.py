"""Stage: (title, options) -> content/articles/<id>.md. The `new` verb: a blank article.

The id follows the importer's scheme (`<year>-<district slug>-<nnn>`, see
archive.importer.ids) and is checked against every article file and the import
ledger, so a new article never takes an id that exists or existed.
"""

from __future__ import annotations

import argparse
import datetime
from pathlib import Path

from archive import frontmatter
from archive.errors import ArchiveError
from archive.importer import emit, ids
from archive.importer.dates import check_date
from archive.model import ARTICLE_KEYS
from archive.taxonomy import load_taxonomy, make_lookup

BODY = "在这里写正文。段落之间空一行，小标题用“## ”开头。\n"


def run(args: argparse.Namespace) -> int:
    """`build.py new TITLE [--date D] [--district N]... [--programme N]...`."""
    content_dir = Path(args.content_dir)
    path = new_article(
        content_dir,
        title=args.title,
        date=args.date or datetime.date.today().isoformat(),
        districts=tuple(args.district),
        programmes=tuple(args.programme),
    )
    print(f"已新建：{path}")
    return 0


def new_article(
    content_dir: Path,
    *,
    title: str,
    date: str,
    districts: tuple[str, ...] = (),
    programmes: tuple[str, ...] = (),
) -> Path:
    """Write a blank article with a fresh id and return its path."""
    title = " ".join(title.split())
    if not title:
        raise ArchiveError("标题不能为空")
    check_date(date)
    taxonomy = load_taxonomy(content_dir / "taxonomy")
    lookup = make_lookup(taxonomy)
    canonical = tuple(_district(lookup, name) for name in districts)
    lookup_programme = (lookup.programme(name) or name.strip() for name in programmes)
    slugs = {district.name: district.slug for district in taxonomy.districts}
    articles = content_dir / "articles"
    taken = emit.taken_ids(content_dir, emit.load_ledger(content_dir))
    prefix = ids.id_prefix(date, slugs.get(canonical[0]) if canonical else None)
    article_id = ids.next_id(prefix, taken)
    values = {
        "id": article_id,
        "title": title,
        "date": date,
        "kind": "article",
        "districts": list(canonical),
        "programmes": list(dict.fromkeys(lookup_programme)),
    }
    meta = {key: values[key] for key in ARTICLE_KEYS if values.get(key)}
    path = articles / f"{article_id}.md"
    emit.write_atomic(path, frontmatter.dump(meta, BODY).encode("utf-8"))
    return path


def _district(lookup, name: str) -> str:
    found = lookup.district(name)
    if found:
        return found
    hint = lookup.suggest_district(name)
    tail = f"，是不是 {hint}？" if hint else ""
    raise ArchiveError(f"未知的区县 {name!r}{tail}")
