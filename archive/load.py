"""Stage: content/articles/*.md -> tuple[Article], every problem reported as `file:line: message`.

`load` trusts the text of content/ (the importer normalised it) but not its
shape: the front-matter keys are a closed set, `id`, `title` and `date` are
required, values have the documented types, ids are unique and every district
is one the taxonomy knows. All problems of a build are gathered and raised
together, so a user fixes them in one pass.
"""

from __future__ import annotations

import functools
import os
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from archive import frontmatter
from archive.errors import ArchiveError, ArchiveErrors
from archive.model import (
    ARTICLE_KEYS,
    DATE_PATTERN,
    ID_PATTERN,
    KINDS,
    LIST_KEYS,
    REQUIRED_KEYS,
    Article,
    Source,
)

# Files modified this recently are read again on every rebuild (see LoadMemo).
RACY_NS = 3_000_000_000
BOOLEANS = {"true": True, "false": False}

# Given a district name the taxonomy does not know, the closest official name or "".
Suggest = Callable[[str], str]


def load_articles(
    articles_dir: Path, districts: Iterable[str], suggest: Suggest
) -> tuple[Article, ...]:
    """Read every <id>.md below articles_dir (sorted by name); raise all problems at once."""
    paths = article_paths(articles_dir)
    return join_loaded(load_range((paths, frozenset(districts), suggest), 0, len(paths)))


def article_paths(articles_dir: Path) -> list[Path]:
    """The article files of a content folder, in the order they are loaded."""
    return [articles_dir / name for name, _entry in _listed(articles_dir)]


def _listed(articles_dir: Path) -> list[tuple[str, os.DirEntry]]:
    """(name, entry) of every *.md in the folder (as glob("*.md"): dot files too), by name."""
    try:
        with os.scandir(articles_dir) as entries:
            found = [(entry.name, entry) for entry in entries if entry.name.endswith(".md")]
    except FileNotFoundError:
        return []
    found.sort(key=lambda pair: pair[0])
    return found


@dataclass(frozen=True, slots=True)
class Loaded:
    """What loading some article files gave: articles, their id lines, problems."""

    articles: tuple[Article, ...]
    id_lines: tuple[dict[str, int], ...]  # per article: line of `id` and of `aliases`
    errors: tuple[ArchiveError, ...]


def load_range(
    shared: tuple[Sequence[Path], frozenset[str], Suggest], start: int, stop: int
) -> list[Loaded]:
    """Load paths[start:stop] (a worker task: results and errors travel back pickled)."""
    paths, known, suggest = shared
    articles: list[Article] = []
    id_lines: list[dict[str, int]] = []
    errors: list[ArchiveError] = []
    for path in paths[start:stop]:
        try:
            article, key_lines = _load(path, known, suggest)
            articles.append(article)
            id_lines.append({k: v for k, v in key_lines.items() if k in ("id", "aliases")})
        except ArchiveErrors as many:
            errors.extend(many.errors)
        except ArchiveError as one:
            errors.append(one)
    return [Loaded(tuple(articles), tuple(id_lines), tuple(errors))]


def join_loaded(parts: Iterable[Loaded]) -> tuple[Article, ...]:
    """The articles of loaded parts in order; all problems (duplicate ids too) raised at once."""
    parts = list(parts)
    articles = [article for part in parts for article in part.articles]
    lines = {
        article.path: found
        for part in parts
        for article, found in zip(part.articles, part.id_lines, strict=True)
    }
    errors = [error for part in parts for error in part.errors]
    errors.extend(_duplicate_ids(articles, lines))
    if errors:
        raise ArchiveErrors(errors)
    return tuple(articles)


@dataclass(slots=True)
class LoadMemo:
    """A long-running process's last load: per file, its stamp and what loading it gave.

    A file whose stamp (modification time in ns, size, inode) is unchanged is
    not read again; any other file is. A stamp from the last few seconds is
    not trusted (two saves within one clock tick can leave the same stamp:
    git's "racily clean" files), so such files are read every time. Results
    depend on the taxonomy's districts too, so a changed set forgets everything.
    When every file gave the same articles as last time, the load gives the
    very same tuple of articles, so later stages can tell at a glance.
    """

    districts: frozenset[str] = frozenset()
    folder: str = ""  # the articles folder `files` are named in
    files: dict[str, tuple[tuple[int, int, int], Loaded]] = field(default_factory=dict)
    articles: tuple[Article, ...] | None = None  # of the last load that had no problem
    claims: dict[str, int] = field(default_factory=dict)  # id or alias -> articles using it


def remember(
    memo: LoadMemo,
    districts: frozenset[str],
    stamps: dict[Path, tuple[int, int, int]],
    parts: Sequence[Loaded],
) -> None:
    """Fill a memo from a whole load (stamps taken before the files were read)."""
    files = {}
    for part in parts:
        for article, lines in zip(part.articles, part.id_lines, strict=True):
            path = Path(article.path)
            memo.folder = str(path.parent)
            files[path.name] = (stamps[path], Loaded((article,), (lines,), ()))
    memo.districts, memo.files, memo.articles, memo.claims = districts, files, None, {}


def load_changed(
    articles_dir: Path,
    districts: frozenset[str],
    suggest: Suggest,
    memo: LoadMemo,
    hint: frozenset[str] | None = None,
) -> tuple[Article, ...]:
    """load_articles for a rebuild: only files changed since the memo's load are read.

    The folder is listed once (os.scandir) and each file's stamp taken from its
    entry: no Path objects, no glob, for the thousands of files that did not change.
    `hint`, a file watcher's word, names every file that may have changed since
    the memo's load: the others are taken as they were without a stat (10,000
    stats are most of a rebuild's load). None: every file's stamp is checked.
    """
    root = str(articles_dir)
    if memo.districts != districts or memo.folder != root:
        memo.districts, memo.folder, memo.files = districts, root, {}
        memo.articles, memo.claims = None, {}
    last = memo.files
    check = functools.partial(_checked, root, districts, suggest, time.time_ns() - RACY_NS)
    if hint is not None and last:
        kept, changed = _hinted(root, last, hint, check)
    else:
        kept, changed = {}, []
        for position, (name, entry) in enumerate(_listed(articles_dir)):
            kept[name], new = check(name, entry, last.get(name))
            if new:
                changed.append(position)
    memo.files = kept  # deleted files drop out
    same_files = len(kept) == len(last) and kept.keys() == last.keys()
    if same_files and memo.articles is not None and _patched(memo, changed):
        return memo.articles
    memo.articles = None  # stays so when join_loaded raises the problems
    memo.articles = join_loaded(loaded for _stamp, loaded in kept.values())
    memo.claims = {}
    for article in memo.articles:
        for name in (article.id, *article.aliases):
            memo.claims[name] = memo.claims.get(name, 0) + 1
    return memo.articles


Held = tuple[tuple[int, int, int], Loaded]  # a file's stamp and what loading it gave


def _checked(
    root: str,
    districts: frozenset[str],
    suggest: Suggest,
    recent: int,
    name: str,
    entry: os.DirEntry | None,
    held: Held | None,
) -> tuple[Held, bool]:
    """A file's (stamp, result), read again unless its stamp is the held one; True when
    the result differs (equal results keep their objects)."""
    stamp = _entry_stamp(entry) if entry is not None else file_stamp(Path(root, name))
    if held is not None and held[0] == stamp and stamp[0] < recent:
        return held, False
    loaded = load_range(([Path(root, name)], districts, suggest), 0, 1)[0]
    if held is None or held[1] != loaded:
        return (stamp, loaded), True
    return (stamp, held[1]), False


def _hinted(
    root: str,
    last: dict[str, Held],
    hint: frozenset[str],
    check: Callable[[str, os.DirEntry | None, Held | None], tuple[Held, bool]],
) -> tuple[dict[str, Held], list[int]]:
    """The files of the last load with the hinted ones checked again, and any file added
    or gone whatever the hint says; positions of those whose result changed. Every
    other file is as it was, in the watcher's word: not even its stamp is taken."""
    try:
        listed = {name for name in os.listdir(root) if name.endswith(".md")}
    except FileNotFoundError:
        listed = set()
    kept = dict(last)
    changed_names = []
    for name in sorted((hint & listed) | (listed ^ last.keys())):
        if name not in listed:
            del kept[name]
            continue
        kept[name], new = check(name, None, kept.get(name))
        if new:
            changed_names.append(name)
    if kept.keys() != last.keys():
        kept = dict(sorted(kept.items()))  # files load in name order
    names = list(kept)
    return kept, sorted(names.index(name) for name in changed_names)


def _patched(memo: LoadMemo, changed: list[int]) -> bool:
    """Put the changed files' articles into memo.articles (file order = article order);
    False when a file has a problem or an id clashes: join_loaded must say which."""
    if not changed:
        return True
    files = list(memo.files.values())
    articles = list(memo.articles or ())
    claims, touched = memo.claims, []
    for position in changed:
        loaded = files[position][1]
        if loaded.errors or len(loaded.articles) != 1:
            return False
        old, new = articles[position], loaded.articles[0]
        for name in (old.id, *old.aliases):
            claims[name] -= 1
        for name in (new.id, *new.aliases):
            claims[name] = claims.get(name, 0) + 1
            touched.append(name)
        articles[position] = new
    if any(claims[name] > 1 for name in touched):
        return False  # claims are recounted by the whole join
    memo.articles = tuple(articles)
    return True


def _entry_stamp(entry: os.DirEntry) -> tuple[int, int, int]:
    try:
        info = entry.stat()
    except OSError:
        return (time.time_ns(), 0, 0)  # unreadable: recent, so loaded again (which says why)
    return (info.st_mtime_ns, info.st_size, info.st_ino)


def file_stamp(path: Path) -> tuple[int, int, int]:
    try:
        info = path.stat()
    except OSError:
        return (time.time_ns(), 0, 0)  # unreadable: recent, so loaded again (which says why)
    return (info.st_mtime_ns, info.st_size, info.st_ino)


def _load(
    path: Path, districts: frozenset[str], suggest: Suggest
) -> tuple[Article, dict[str, int]]:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise ArchiveError(f"不是 UTF-8 文本（{error.reason}）", path, 1) from None
    return parse_article(text, path, districts, suggest)


def parse_article(
    text: str, path: Path, districts: frozenset[str], suggest: Suggest
) -> tuple[Article, dict[str, int]]:
    """The text of one article file -> (Article, line of each key); `path` names the file."""
    try:
        parsed = frontmatter.parse(text)
    except frontmatter.FrontMatterError as error:
        raise ArchiveError(str(error), path, error.line) from None
    meta, lines = parsed.meta, parsed.key_lines
    errors = [
        ArchiveError(message, path, lines.get(key, 1))
        for key, message in _problems(meta, districts, suggest)
    ]
    if errors:
        raise ArchiveErrors(errors) if len(errors) > 1 else errors[0]
    return _article(meta, parsed.body, str(path), parsed.body_line), lines


def _problems(meta: dict, districts: frozenset[str], suggest: Suggest) -> list[tuple[str, str]]:
    """(key, message) for everything wrong in one article's front matter, in key order."""
    problems: list[tuple[str, str]] = []
    for key in meta:
        if key not in ARTICLE_KEYS:
            problems.append((key, f"未知的头信息字段“{key}”（可用：{_allowed()}）"))
    for key in REQUIRED_KEYS:
        value = meta.get(key, "")
        if isinstance(value, str) and not value.strip():
            problems.append((key, f"缺少必填字段“{key}”"))
    for key, value in meta.items():
        if key in ARTICLE_KEYS:
            problems.extend((key, message) for message in _value_problems(key, value))
    if isinstance(meta.get("districts"), list):
        problems.extend(("districts", m) for m in _district_problems(meta, districts, suggest))
    return problems


def _allowed() -> str:
    return ", ".join(ARTICLE_KEYS)


def _value_problems(key: str, value: object) -> list[str]:
    """Type and pattern checks for one known key."""
    if key in LIST_KEYS:
        return _list_problems(key, value)
    if key == "source":
        return _source_problems(value)
    if not isinstance(value, str):
        return [f"“{key}”应是单个值"]
    if key == "id" and value and not ID_PATTERN.match(value):
        return [f"id“{value}”只能由小写字母、数字和连字符组成"]
    if key == "date" and value and not DATE_PATTERN.match(value):
        return [f"日期“{value}”应写作 YYYY、YYYY-MM 或 YYYY-MM-DD"]
    if key == "kind" and value not in KINDS:
        return [f"kind“{value}”应是其中之一：{'、'.join(KINDS)}"]
    if key == "title_generated" and value not in BOOLEANS:
        return ["“title_generated”应是 true 或 false"]
    return []


def _list_problems(key: str, value: object) -> list[str]:
    if not isinstance(value, list):
        return [f"“{key}”应是列表，例如 [甲, 乙]"]
    if any(not item.strip() for item in value):
        return [f"“{key}”里有空项"]
    if len(set(value)) != len(value):
        return [f"“{key}”里有重复项"]
    bad = [item for item in value if key == "aliases" and not ID_PATTERN.match(item)]
    return [f"别名“{item}”只能由小写字母、数字和连字符组成" for item in bad]


def _source_problems(value: object) -> list[str]:
    if not isinstance(value, dict) or set(value) != {"page", "item"}:
        return ["“source”应写作 {page: 文件名, item: 序号}"]
    if not value["item"].isdigit():
        return [f"source 的 item“{value['item']}”应是整数"]
    return []


def _district_problems(meta: dict, districts: frozenset[str], suggest: Suggest) -> list[str]:
    problems = []
    for name in meta["districts"]:
        if name not in districts:
            close = suggest(name)
            hint = f"，是不是“{close}”？" if close else ""
            problems.append(f"未知区县“{name}”{hint}")
    return problems


def _article(meta: dict, body: str, path: str, body_line: int) -> Article:
    """Build the Article from validated front matter."""
    source = meta.get("source")
    return Article(
        id=meta["id"],
        title=meta["title"],
        date=meta["date"],
        body=body,
        kind=meta.get("kind", "article"),
        title_generated=BOOLEANS[meta.get("title_generated", "false")],
        kicker=meta.get("kicker", ""),
        subtitle=meta.get("subtitle", ""),
        districts=tuple(meta.get("districts", ())),
        programmes=tuple(meta.get("programmes", ())),
        places=tuple(meta.get("places", ())),
        reporters=tuple(meta.get("reporters", ())),
        correspondents=tuple(meta.get("correspondents", ())),
        photographers=tuple(meta.get("photographers", ())),
        source=Source(source["page"], int(source["item"])) if source else None,
        aliases=tuple(meta.get("aliases", ())),
        path=path,
        body_line=body_line,
    )


def _duplicate_ids(
    articles: list[Article], key_lines: dict[str, dict[str, int]]
) -> list[ArchiveError]:
    """An id (or an alias) used twice would put two pages on one URL."""
    first: dict[str, str] = {}
    errors = []
    for article in articles:
        for key, name in (("id", article.id), *(("aliases", a) for a in article.aliases)):
            if name in first:
                line = key_lines[article.path].get(key, 1)
                message = f"id“{name}”已被 {first[name]} 使用"
                errors.append(ArchiveError(message, article.path, line))
            else:
                first[name] = article.path
    return errors
