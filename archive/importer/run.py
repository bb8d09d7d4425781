"""Stage: raw pages -> content/ (the `import` verb). The table of contents of an import.

    read + decode -> clean -> split -> headline, date, tags -> records   (nothing written)
    -> ids from the ledger -> article files, raw copies, ledger           (atomic writes)

Every page is read and turned into records before anything is written, so a page
that cannot be decoded stops the import with one error line and no files.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, replace
from pathlib import Path

from archive import frontmatter
from archive.errors import ArchiveError
from archive.importer import coverage, emit, ids
from archive.importer.clean import clean_page
from archive.importer.dates import check_date, infer_date
from archive.importer.decode import decode_page
from archive.importer.record import Byline, Item, PageResult, Record
from archive.importer.split import split_page
from archive.importer.titles import choose_headline
from archive.model import DATE_PATTERN, ID_PATTERN

NEW, UPDATED, UNCHANGED, EDITED, DELETED = "new", "updated", "unchanged", "edited", "deleted"


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened to one article file."""

    status: str
    path: Path
    record: Record


@dataclass(frozen=True, slots=True)
class Report:
    """The result of an import run: outcomes per article, proposals and warnings."""

    pages: tuple[PageResult, ...]
    outcomes: tuple[Outcome, ...]

    def count(self, status: str) -> int:
        """How many articles ended with this status."""
        return sum(1 for outcome in self.outcomes if outcome.status == status)


def run(args: argparse.Namespace) -> int:
    """`build.py import PAGE... [--content-dir DIR] [--date D]`: import and print a summary."""
    content_dir = Path(args.content_dir)
    pages = [Path(page) for page in args.pages]
    # Every page is read, decoded, split and dated before the slow tagger loads,
    # so bad input fails at once.
    prepared = prepare_pages(pages, args.date)
    tagger, slugs = make_tagging(content_dir)
    results = tuple(tag_page(page, tagger) for page in prepared)
    report = write_pages(results, content_dir, slugs)
    print(summary(report, quiet=getattr(args, "quiet", False)))
    return 0


def make_tagging(content_dir: Path):
    """The tagger for content_dir's taxonomy and each district's slug."""
    from archive.importer.tags import make_tagger
    from archive.taxonomy import load_taxonomy

    taxonomy = load_taxonomy(content_dir / "taxonomy")
    slugs = {district.name: district.slug for district in taxonomy.districts}
    return make_tagger(taxonomy), slugs


def import_pages(
    pages: list[Path], content_dir: Path, tagger, slugs: dict[str, str], *, date: str | None
) -> Report:
    """Import raw pages into content_dir; nothing is written unless every page reads."""
    prepared = prepare_pages([Path(page) for page in pages], date)
    results = tuple(tag_page(page, tagger) for page in prepared)
    return write_pages(results, content_dir, slugs)


@dataclass(frozen=True, slots=True)
class Prepared:
    """A page read, decoded, cut into items and dated: everything but the tags."""

    path: Path
    raw: bytes
    text: str
    items: tuple[Item, ...]
    date: str
    warnings: tuple[str, ...]


def prepare_pages(pages: list[Path], date: str | None) -> tuple[Prepared, ...]:
    """Read every page (and check --date) before anything slow or anything written."""
    fixed = check_date(date) if date else None
    names = [page.name for page in pages]
    for name in names:
        if names.count(name) > 1:
            raise ArchiveError(f"同名页面出现了两次（{name}），请改名后再导入")
    return tuple(prepare_page(page, fixed) for page in pages)


def prepare_page(path: Path, date: str | None) -> Prepared:
    """One raw page -> its items and date; raises ArchiveError naming the page."""
    raw = _read_bytes(path)
    text = decode_page(raw, path)
    lines = clean_page(text)
    items = split_page(lines)
    if not items:
        raise ArchiveError("页面里没有找到任何文章", path)
    warnings: list[str] = []
    page_date = date or _page_date(path, "\n".join(line.text for line in lines), warnings)
    return Prepared(path, raw, text, items, page_date, tuple(warnings))


def read_page(path: Path, tagger, date: str | None) -> PageResult:
    """One raw page -> its records (ids still empty), with warnings and proposals."""
    return tag_page(prepare_page(path, date), tagger)


def tag_page(page: Prepared, tagger) -> PageResult:
    """Name and tag a prepared page's items; check that no character was lost."""
    name = page.path.name
    records, proposed = [], []
    for number, item in enumerate(page.items, start=1):
        record, new = _record(item, number, name, page.date, tagger)
        records.append(record)
        proposed.extend(found for found in new if found not in proposed)
    warnings = list(page.warnings)
    names = [person for r in records for person in r.byline.names]
    lost = coverage.lost_characters(page.text, (_carried(r) for r in records), names)
    if lost:
        warnings.append(f"{name}：有 {sum(lost.values())} 个字没有进入任何文章：{''.join(lost)}")
    return PageResult(
        page=name,
        page_sha256=emit.sha256(page.raw),
        raw=page.raw,
        records=tuple(records),
        proposed=tuple(proposed),
        warnings=tuple(warnings),
    )


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise ArchiveError(f"无法读取：{error.strerror}", path) from None


def _page_date(path: Path, text: str, warnings: list[str]) -> str:
    guess = infer_date(text)
    if guess.date is None:
        raise ArchiveError("无法从正文推断年份（正文没有提到年份），请用 --date 指定", path)
    if guess.reason not in ("正文提到的年份", "页面印有日期"):
        warnings.append(f"{path.name}：日期 {guess.date}（{guess.reason}），请核对或用 --date 指定")
    return guess.date


def _record(item: Item, number: int, page: str, date: str, tagger) -> tuple[Record, tuple]:
    headline = choose_headline(item)
    body = emit.render_body(item.blocks)
    heading_text = " ".join(t for t in (headline.kicker, headline.title, headline.subtitle) if t)
    tags = tagger.tag(heading_text, body)
    record = Record(
        id="",
        headline=headline,
        date=date,
        kind=item.kind,
        body=body,
        districts=tuple(tags.districts),
        programmes=tuple(tags.programmes),
        places=tuple(tags.places),
        byline=item.byline if item.byline.names else Byline(),
        page=page,
        item=number,
    )
    return record, tuple(tags.proposed)


def _carried(record: Record) -> str:
    """All the text an article file carries from its page."""
    head = record.headline
    return " ".join((head.kicker, head.title, head.subtitle, record.body))


def write_pages(
    results: tuple[PageResult, ...], content_dir: Path, slugs: dict[str, str]
) -> Report:
    """Assign ids, then write articles, raw copies and the ledger (each file atomically)."""
    articles = content_dir / "articles"
    ledger = emit.load_ledger(content_dir)
    taken = emit.taken_ids(content_dir, ledger)
    planned: list[tuple[Outcome, bytes, PageResult]] = []
    for page in results:
        for record in page.records:
            outcome, data = _plan_article(record, page, ledger, taken, articles, slugs)
            planned.append((outcome, data, page))
    for outcome, data, page in planned:
        if outcome.status in (NEW, UPDATED):
            emit.write_atomic(outcome.path, data)
        if outcome.status in (NEW, UPDATED, UNCHANGED):
            rec = outcome.record
            ledger.record(page.page, page.page_sha256, rec.item, rec.id, emit.sha256(data))
    for page in results:
        raw_path = content_dir / "raw" / page.page
        if not raw_path.exists() or raw_path.read_bytes() != page.raw:
            emit.write_atomic(raw_path, page.raw)
    emit.write_atomic(content_dir / emit.LEDGER_NAME, ledger.dumps().encode("utf-8"))
    return Report(pages=results, outcomes=tuple(outcome for outcome, _, _ in planned))


def _plan_article(
    record: Record,
    page: PageResult,
    ledger: emit.Ledger,
    taken: set[str],
    articles: Path,
    slugs: dict[str, str],
) -> tuple[Outcome, bytes]:
    entry = ledger.entry(page.page, record.item)
    if entry is None:
        slug = slugs.get(record.districts[0]) if record.districts else None
        article_id = ids.next_id(ids.id_prefix(record.date, slug), taken)
        taken.add(article_id)
    else:
        article_id = entry["id"]
    record = replace(record, id=article_id)
    data = _validated(record).encode("utf-8")
    path = articles / f"{article_id}.md"
    if entry is None:
        return Outcome(NEW, path, record), data
    if not path.exists():
        return Outcome(DELETED, path, record), data
    current = path.read_bytes()
    if emit.sha256(current) != entry["file_sha256"]:
        return Outcome(EDITED, path, record), data
    return Outcome(UNCHANGED if current == data else UPDATED, path, record), data


def _validated(record: Record) -> str:
    """The article text, checked to read back as written (a bug here must not reach disk)."""
    if not ID_PATTERN.match(record.id) or not DATE_PATTERN.match(record.date):
        raise ArchiveError(f"内部错误：无效的 id 或日期（{record.id}, {record.date}）", record.page)
    text = emit.article_text(record)
    parsed = frontmatter.parse(text)
    if parsed.body != record.body or parsed.meta.get("id") != record.id:
        raise ArchiveError(f"内部错误：文章 {record.id} 的头信息无法原样读回", record.page)
    return text


_STATUS_LINES = {
    NEW: "新写入",
    UPDATED: "已更新",
    UNCHANGED: "未变化",
    EDITED: "已跳过",
    DELETED: "已跳过",
}
_SKIP_REASONS = {
    EDITED: "文件被人工修改过，不覆盖",
    DELETED: "文件已被删除，不重建",
}


def summary(report: Report, *, quiet: bool = False) -> str:
    """The user-facing summary of an import, in Chinese."""
    lines = []
    if not quiet:
        for outcome in report.outcomes:
            rec = outcome.record
            where = f"{rec.page} 第{rec.item}条"
            status = _STATUS_LINES[outcome.status]
            lines.append(f"  {status}：{outcome.path}  ← {where}《{rec.headline.title}》")
    skipped = report.count(EDITED) + report.count(DELETED)
    lines.append(
        f"导入完成：{len(report.pages)} 个页面，共 {len(report.outcomes)} 条；"
        f"新写入 {report.count(NEW)}，更新 {report.count(UPDATED)}，"
        f"未变化 {report.count(UNCHANGED)}，跳过 {skipped}。"
    )
    for outcome in report.outcomes:
        if outcome.status in (EDITED, DELETED):
            lines.append(f"跳过：{outcome.path}（{_SKIP_REASONS[outcome.status]}）")
    proposed = [name for page in report.pages for name in page.proposed]
    unique = list(dict.fromkeys(proposed))
    if unique:
        lines.append(
            "新发现的举措（建议补入 content/taxonomy/programmes.yaml）：" + "、".join(unique)
        )
    warnings = [w for page in report.pages for w in page.warnings]
    for warning in warnings:
        lines.append("警告：" + warning)
    if not unique and not warnings:
        lines.append("没有警告。")
    return "\n".join(lines)
