"""Stage: (gold YAML, raw pages) -> accuracy table. The `evaluate` verb.

Imports every page the gold file names into a temporary content folder with the
real importer, reads the written articles back, and compares them with the
hand-read gold: items found and extra, titles, bylines, districts and traps,
programme recall, the year, and lost characters. Works for any gold file of the
format of shared/gold/seeds.yaml; nothing here knows the seed pages.
"""

from __future__ import annotations

import argparse
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from archive import frontmatter
from archive.errors import ArchiveError
from archive.importer import coverage
from archive.importer.decode import decode_page
from archive.importer.run import import_pages, make_tagging
from archive.taxonomy import programme_key

CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"
_SPACE = re.compile(r"\s+")
_MARKUP = re.compile(r"^(?:#+|\*图：|\\)|[*\\]")
_MATCH_WINDOW = 200
_ROLES = ("reporters", "correspondents", "photographers")


@dataclass(frozen=True, slots=True)
class Imported:
    """One article as the importer wrote it, read back from its file."""

    meta: dict
    body: str

    def names(self, key: str) -> set[str]:
        """A list-valued front-matter key as a set."""
        value = self.meta.get(key, [])
        return set(value) if isinstance(value, list) else {value}

    @property
    def plain(self) -> str:
        """The body without whitespace or Markdown marks, for matching `starts`."""
        lines = (_MARKUP.sub("", line) for line in self.body.split("\n"))
        return _SPACE.sub("", "".join(lines))

    @property
    def text(self) -> str:
        """Everything the file carries from the page."""
        keys = ("title", "kicker", "subtitle")
        return " ".join([self.body, *(str(self.meta.get(key, "")) for key in keys)])


@dataclass(slots=True)
class Score:
    """Counts for one page, or summed over all pages."""

    items: int = 0
    found: int = 0
    extra: int = 0
    titles: int = 0
    bylines: int = 0
    districts: int = 0
    traps: int = 0
    programmes: int = 0
    programmes_found: int = 0
    years: int = 0
    pages: int = 0
    lost: int = 0
    notes: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        """Sum another score into this one."""
        for name in self.__dataclass_fields__:
            if name != "notes":
                setattr(self, name, getattr(self, name) + getattr(other, name))
        self.notes.extend(other.notes)


def run(args: argparse.Namespace) -> int:
    """`build.py evaluate GOLD PAGES_DIR`: print the per-page table and the overall line."""
    gold = _read_gold(Path(args.gold))
    tagger, slugs = make_tagging(getattr(args, "content_dir", None) or CONTENT_DIR)
    total = Score()
    rows = []
    for page, spec in gold.items():
        score = evaluate_page(Path(args.pages_dir) / page, spec or {}, tagger, slugs)
        rows.append((page, score))
        total.add(score)
    print(render_table(rows, total))
    return 0


def _read_gold(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ArchiveError(f"无法读取标准答案文件：{error}", path) from None
    if not isinstance(data, dict) or not isinstance(data.get("pages"), dict):
        raise ArchiveError("标准答案文件须有 pages: {页面文件名: {year, items}}", path)
    return data["pages"]


def evaluate_page(path: Path, spec: dict, tagger, slugs: dict[str, str]) -> Score:
    """Import one page into a temporary folder and score it against its gold entry."""
    gold_items = list(spec.get("items") or [])
    score = Score(items=len(gold_items), pages=1)
    try:
        articles, text = _import(path, tagger, slugs)
    except ArchiveError as error:
        score.notes.append(f"{path.name}：导入失败：{error}")
        return score
    year = str(spec.get("year", ""))
    score.years = int(bool(articles) and all(a.meta.get("date", "")[:4] == year for a in articles))
    if not score.years:
        score.notes.append(f"{path.name}：年份不对（应为 {year}）")
    unmatched = list(articles)
    for number, item in enumerate(gold_items, start=1):
        match = _match(item, unmatched)
        if match is None:
            score.notes.append(f"{path.name} 第{number}条：没有找到（开头 {item.get('starts')}）")
            continue
        unmatched.remove(match)
        score.found += 1
        _score_item(score, f"{path.name} 第{number}条", item, match)
    score.extra = len(unmatched)
    for extra in unmatched:
        score.notes.append(f"{path.name}：多出一条《{extra.meta.get('title', '')}》")
    names = [name for a in articles for role in _ROLES for name in a.names(role)]
    lost = coverage.lost_characters(text, (a.text for a in articles), names)
    score.lost = sum(lost.values())
    return score


def _import(path: Path, tagger, slugs: dict[str, str]) -> tuple[list[Imported], str]:
    text = decode_page(path.read_bytes(), path) if path.exists() else ""
    with tempfile.TemporaryDirectory(prefix="archive-evaluate-") as temp:
        report = import_pages([path], Path(temp), tagger, slugs, date=None)
        articles = []
        for outcome in report.outcomes:
            parsed = frontmatter.parse(outcome.path.read_text(encoding="utf-8"))
            articles.append(Imported(meta=parsed.meta, body=parsed.body))
    return articles, text


def _norm(text: str | None) -> str:
    return _SPACE.sub("", text or "")


def _match(item: dict, articles: list[Imported]) -> Imported | None:
    """The imported article whose body starts as the gold item does."""
    starts = _norm(item.get("starts"))
    if not starts:
        return None
    for article in articles:
        if article.plain.startswith(starts):
            return article
    for article in articles:
        if starts in article.plain[: _MATCH_WINDOW + len(starts)]:
            return article
    return None


def _score_item(score: Score, where: str, item: dict, article: Imported) -> None:
    title = _norm(article.meta.get("title"))
    wanted = {_norm(item.get("title")), _norm(item.get("title_alt"))} - {""}
    generated = article.meta.get("title_generated") == "true"
    if (not wanted and title and generated) or title in wanted:
        score.titles += 1
    else:
        score.notes.append(
            f"{where}：标题《{article.meta.get('title')}》，应为《{item.get('title')}》"
        )
    kind = article.meta.get("kind", "article")
    if kind != item.get("kind", "article"):
        score.notes.append(f"{where}：类型 {kind}，应为 {item.get('kind')}")
    if all(article.names(role) == set(item.get(role) or []) for role in _ROLES):
        score.bylines += 1
    else:
        got = {role: sorted(article.names(role)) for role in _ROLES}
        score.notes.append(f"{where}：署名 {got}")
    districts = article.names("districts")
    if districts == set(item.get("districts") or []):
        score.districts += 1
    else:
        score.notes.append(f"{where}：区县 {sorted(districts)}，应为 {item.get('districts')}")
    traps = districts & set(item.get("not_districts") or [])
    score.traps += len(traps)
    _score_programmes(score, where, item, article)


def _score_programmes(score: Score, where: str, item: dict, article: Imported) -> None:
    have = {programme_key(name) for name in article.names("programmes")}
    for name in item.get("programmes") or []:
        score.programmes += 1
        if programme_key(name) in have:
            score.programmes_found += 1
        else:
            score.notes.append(f"{where}：漏了举措 {name}")


def _ratio(part: int, whole: int) -> str:
    return f"{part}/{whole}"


def render_table(rows: list[tuple[str, Score]], total: Score) -> str:
    """The per-page table, the overall line and the differences, in Chinese."""
    head = ("页面", "条目", "多余", "标题", "署名", "区县", "误标", "举措", "年份", "丢字")
    lines = [_row(head), _row(tuple("-" * len(h) * 2 for h in head))]
    for page, s in rows:
        lines.append(_row(_cells(page, s)))
    recall = total.programmes_found / total.programmes if total.programmes else 1.0
    item_recall = total.found / total.items if total.items else 1.0
    lines.append("")
    lines.append(
        f"总计：条目召回 {_ratio(total.found, total.items)} ({item_recall:.0%})，"
        f"多余 {total.extra}，标题 {_ratio(total.titles, total.found)}，"
        f"署名 {_ratio(total.bylines, total.found)}，区县 {_ratio(total.districts, total.found)}，"
        f"误标区县 {total.traps}，举措召回 {recall:.2f} "
        f"({_ratio(total.programmes_found, total.programmes)})，"
        f"年份 {_ratio(total.years, total.pages)}，丢字 {total.lost}"
    )
    if total.notes:
        lines.append("")
        lines.append("差异：")
        lines.extend("  " + note for note in total.notes)
    return "\n".join(lines)


def _cells(page: str, s: Score) -> tuple[str, ...]:
    return (
        page,
        _ratio(s.found, s.items),
        str(s.extra),
        _ratio(s.titles, s.found),
        _ratio(s.bylines, s.found),
        _ratio(s.districts, s.found),
        str(s.traps),
        _ratio(s.programmes_found, s.programmes),
        "对" if s.years else "错",
        str(s.lost),
    )


def _row(cells: tuple[str, ...]) -> str:
    widths = (26, 6, 4, 6, 6, 6, 4, 6, 4, 4)
    return "  ".join(_pad(cell, width) for cell, width in zip(cells, widths, strict=True))


def _pad(text: str, width: int) -> str:
    """Pad to a display width where Chinese characters count double."""
    shown = sum(2 if ord(char) > 0x2E7F else 1 for char in text)
    return text + " " * max(0, width - shown)
