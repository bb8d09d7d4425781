"""Stage: built site/ -> problems (broken links, missing assets, base-path slips, malformed pages).

`python build.py check [--out DIR] [--base-url URL]` reads the built site from
disk the way a browser on GitHub Pages would see it: every .html page is parsed
(tags balanced, ids unique, lang and title present), every internal URL in
href, src, srcset, a refresh redirect, a stylesheet's url(), a feed, the sitemap
and robots.txt must lead to a file, and every root-relative or same-host URL
must carry the base path (a project site lives under /<repo>/). Each problem is
one line `page:line: message`; any problem makes the exit status 1.
"""

from __future__ import annotations

import argparse
import json
import posixpath
import re
import sys
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from archive.config import load_config
from archive.errors import ArchiveError

VOID = frozenset((
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
    "source", "track", "wbr",
))  # fmt: skip
FOREIGN = frozenset(("svg", "math"))
# Attributes that hold one URL, and whether a missing target is a page or an asset.
URL_ATTRIBUTES = {
    ("a", "href"): "link",
    ("area", "href"): "link",
    ("link", "href"): "asset",
    ("script", "src"): "asset",
    ("img", "src"): "asset",
    ("source", "src"): "asset",
    ("video", "src"): "asset",
    ("video", "poster"): "asset",
    ("audio", "src"): "asset",
    ("track", "src"): "asset",
    ("iframe", "src"): "link",
    ("embed", "src"): "asset",
    ("object", "data"): "asset",
    ("form", "action"): "link",
    ("use", "href"): "asset",
    ("image", "href"): "asset",
}
SRCSET_TAGS = frozenset(("img", "source"))
# Open Graph and Twitter tags whose content is an absolute URL of this site.
META_URLS = frozenset(("og:url", "og:image", "twitter:image"))
# JSON-LD keys whose URL is a file (an asset) rather than a page.
JSON_LD_ASSETS = frozenset(("image", "logo", "contentUrl", "thumbnailUrl"))
_REFRESH_URL = re.compile(r"url\s*=\s*['\"]?([^'\"\s]+)", re.I)
_CSS_URL = re.compile(r"url\(\s*(['\"]?)([^'\")]+)\1\s*\)")
_SKIPPED_SCHEMES = ("mailto:", "tel:", "data:", "sms:", "blob:", "about:")


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the built site: the file (below the site root), line and message."""

    page: str
    line: int
    message: str

    def __str__(self) -> str:
        return (
            f"{self.page}:{self.line}: {self.message}"
            if self.line
            else f"{self.page}: {self.message}"
        )


@dataclass(frozen=True, slots=True)
class Reference:
    """A URL found in a file, where, and whether its target is a page or an asset."""

    url: str
    line: int
    role: str = "link"


class _PageParser(HTMLParser):
    """Collects tag-balance problems, ids and URL references of one HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[tuple[int, str]] = []
        self.references: list[Reference] = []
        self.ids: dict[str, int] = {}
        self.stack: list[tuple[str, int]] = []
        self.lang: str | None = None
        self.title: str | None = None
        self.doctype = False
        self._in_title = False
        self._json_ld: list[str] | None = None  # text of an open JSON-LD script

    def handle_decl(self, decl: str) -> None:
        self.doctype = self.doctype or decl.lower().strip() == "doctype html"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._attributes(tag, dict(attrs))
        if tag not in VOID:
            self.stack.append((tag, self.getpos()[0]))
        self._in_title = tag == "title"
        if tag == "script" and (dict(attrs).get("type") or "") == "application/ld+json":
            self._json_ld = []
        if tag == "title":
            self.title = ""

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._attributes(tag, dict(attrs))
        if tag not in VOID and not self._in_foreign():
            self.problems.append((self.getpos()[0], f"非空元素 <{tag}/> 不能自闭合"))

    def handle_endtag(self, tag: str) -> None:
        line = self.getpos()[0]
        self._in_title = False
        if tag == "script" and self._json_ld is not None:
            self._json_ld_references("".join(self._json_ld), line)
            self._json_ld = None
        if tag in VOID:
            self.problems.append((line, f"空元素 <{tag}> 不应有结束标签"))
        elif not any(open_tag == tag for open_tag, _ in self.stack):
            self.problems.append((line, f"多余的结束标签 </{tag}>"))
        else:
            while self.stack:
                open_tag, open_line = self.stack.pop()
                if open_tag == tag:
                    break
                self.problems.append(
                    (line, f"结束标签 </{tag}> 与第 {open_line} 行的 <{open_tag}> 不匹配")
                )

    def handle_data(self, data: str) -> None:
        if self._json_ld is not None:
            self._json_ld.append(data)
        if self._in_title:
            self.title = (self.title or "") + data

    def close(self) -> None:
        """End of the page: whatever is still open was never closed."""
        super().close()
        for tag, line in reversed(self.stack):
            self.problems.append((line, f"<{tag}> 未闭合"))
        self.stack.clear()

    def _json_ld_references(self, text: str, line: int) -> None:
        """Structured data must parse, and its URLs of this site must lead somewhere."""
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            self.problems.append((line, f"JSON-LD 无法解析：{error.msg}"))
            return
        for key, value in _json_strings(data):
            if value.startswith(("http://", "https://")):
                role = "asset" if key in JSON_LD_ASSETS else "link"
                self.references.append(Reference(value, line, role))

    def _in_foreign(self) -> bool:
        return any(tag in FOREIGN for tag, _ in self.stack)

    def _attributes(self, tag: str, attrs: dict[str, str | None]) -> None:
        line = self.getpos()[0]
        if tag == "html":
            self.lang = attrs.get("lang") or ""
        element_id = attrs.get("id")
        if element_id is not None:
            if element_id in self.ids:
                first = self.ids[element_id]
                self.problems.append((line, f'重复的 id="{element_id}"（首次出现在第 {first} 行）'))
            else:
                self.ids[element_id] = line
        self.references.extend(_tag_references(tag, attrs, line))


def _json_strings(data: object, key: str = "") -> Iterator[tuple[str, str]]:
    """(key, string) of every string value in parsed JSON, depth first."""
    if isinstance(data, str):
        yield key, data
    elif isinstance(data, dict):
        for name, value in data.items():
            yield from _json_strings(value, name)
    elif isinstance(data, list):
        for value in data:
            yield from _json_strings(value, key)


def _tag_references(tag: str, attrs: dict[str, str | None], line: int) -> Iterator[Reference]:
    """Every URL one start tag points at."""
    for name, value in attrs.items():
        role = URL_ATTRIBUTES.get((tag, name))
        if role and value is not None:
            is_stylesheet = tag == "link" and "stylesheet" in (attrs.get("rel") or "")
            navigational = (
                tag == "link" and not is_stylesheet and "icon" not in (attrs.get("rel") or "")
            )
            yield Reference(value.strip(), line, "link" if navigational else role)
    if tag in SRCSET_TAGS and attrs.get("srcset"):
        for candidate in (attrs["srcset"] or "").split(","):
            if candidate.strip():
                yield Reference(candidate.split()[0], line, "asset")
    if tag == "meta":
        prop = attrs.get("property") or attrs.get("name") or ""
        if prop in META_URLS and attrs.get("content"):
            yield Reference(
                (attrs["content"] or "").strip(), line, "asset" if "image" in prop else "link"
            )
        refresh = (attrs.get("http-equiv") or "").lower() == "refresh"
        match = _REFRESH_URL.search(attrs.get("content") or "") if refresh else None
        if match:
            yield Reference(match.group(1), line, "link")


@dataclass(frozen=True, slots=True)
class Site:
    """The built site on disk and the URL it will be served from."""

    root: Path
    base_url: str
    files: frozenset[str] = frozenset()  # every file below root, as POSIX paths

    @property
    def base_path(self) -> str:
        """The path part of base_url, starting and ending with '/'."""
        path = urlsplit(self.base_url).path or "/"
        return path if path.endswith("/") else path + "/"

    @property
    def host(self) -> str:
        """scheme://netloc of base_url."""
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}"


@dataclass(frozen=True, slots=True)
class Report:
    """What a check found: the problems and how much it looked at."""

    problems: tuple[Problem, ...]
    pages: int
    xml_files: int
    references: int


def check_site(root: Path, base_url: str) -> Report:
    """Every problem of the site built in `root`, to be served at `base_url`."""
    every_file = frozenset(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    site = Site(root, base_url, every_file)
    pages = sorted(_files(root, ".html"))
    parsed = {page: _parse(root / page) for page in pages}
    ids = {page: frozenset(parser.ids) for page, parser in parsed.items()}
    problems: list[Problem] = []
    count = 0
    for page, parser in parsed.items():
        problems += [Problem(page, line, message) for line, message in parser.problems]
        problems += _page_problems(page, parser)
        for reference in parser.references:
            count += 1
            problems += _reference_problems(site, page, reference, ids, in_feed=False)
    xml_files = sorted(_files(root, ".xml"))
    for name in xml_files:
        references, error = xml_references(
            (root / name).read_text(encoding="utf-8", errors="replace")
        )
        problems += [Problem(name, 0, error)] if error else []
        for reference in references:
            count += 1
            problems += _reference_problems(site, name, reference, ids, in_feed=True)
    for name, references in _text_references(root):
        count += len(references)
        for reference in references:
            problems += _reference_problems(
                site, name, reference, ids, in_feed=name == "robots.txt"
            )
    return Report(tuple(problems), len(pages), len(xml_files), count)


def _files(root: Path, suffix: str) -> Iterator[str]:
    """Paths below root (POSIX, relative) of the files with this suffix."""
    for path in root.rglob(f"*{suffix}"):
        if path.is_file():
            yield path.relative_to(root).as_posix()


def page_references(html: str) -> tuple[Reference, ...]:
    """Every URL an HTML page points at (href, src, srcset, refresh, og:url ...), in order."""
    parser = _PageParser()
    parser.feed(html)
    parser.close()
    return tuple(parser.references)


def css_references(css: str) -> tuple[Reference, ...]:
    """Every url(...) of a stylesheet, with its line."""
    return tuple(
        Reference(match.group(2).strip(), css.count("\n", 0, match.start()) + 1, "asset")
        for match in _CSS_URL.finditer(css)
    )


def _parse(path: Path) -> _PageParser:
    parser = _PageParser()
    try:
        parser.feed(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as error:
        parser.problems.append((0, f"不是 UTF-8 编码：{error.reason}"))
    parser.close()
    return parser


def _page_problems(page: str, parser: _PageParser) -> list[Problem]:
    """Document-level requirements: doctype, <html lang>, a non-empty <title>."""
    problems = []
    if not parser.doctype:
        problems.append(Problem(page, 1, "缺少 <!DOCTYPE html>"))
    if not parser.lang:
        problems.append(Problem(page, 1, "<html> 缺少 lang 属性"))
    if not (parser.title or "").strip():
        problems.append(Problem(page, 1, "缺少 <title> 或标题为空"))
    return problems


def _reference_problems(
    site: Site,
    page: str,
    reference: Reference,
    ids: dict[str, frozenset[str]],
    in_feed: bool,
) -> list[Problem]:
    """What is wrong with one URL found in one file (nothing for external URLs)."""
    message = _reference_message(site, page, reference, ids, in_feed)
    return [Problem(page, reference.line, message)] if message else []


def _reference_message(
    site: Site,
    page: str,
    reference: Reference,
    ids: dict[str, frozenset[str]],
    in_feed: bool,
) -> str:
    url = reference.url
    lowered = url.lower()
    if lowered.startswith("javascript:"):
        return f"不允许 javascript: 地址：{url}"
    parts = urlsplit(url)
    if not url or lowered.startswith(_SKIPPED_SCHEMES) or parts.scheme not in ("", "http", "https"):
        return ""
    if parts.netloc and parts.netloc != urlsplit(site.base_url).netloc:
        return ""  # another site: not ours to check
    if in_feed and not parts.scheme:
        return f"订阅源、站点地图和 robots.txt 中的地址必须是绝对地址：{url}"
    if page == "404.html" and not parts.netloc and not url.startswith(("/", "#")):
        return f"404.html 会在任意深度提供，相对地址会失效：{url}"
    target = _target_path(site, page, parts.netloc, parts.path)
    if target is None:
        return f"站内地址缺少基础路径 {site.base_path}：{url}"
    file = _existing_file(site.files, unquote(target[len(site.base_path) :]))
    if file is None:
        return f"{'资源不存在' if reference.role == 'asset' else '链接目标不存在'}：{url}"
    fragment = unquote(parts.fragment)
    if fragment and file.endswith(".html") and fragment not in ids.get(file, frozenset()):
        return f"锚点不存在：{url}"
    return ""


def _target_path(site: Site, page: str, netloc: str, path: str) -> str | None:
    """The URL path a reference leads to, or None if it is outside the base path."""
    if netloc or path.startswith("/"):
        absolute = path or "/"
    else:
        directory = posixpath.dirname(site.base_path + page)
        absolute = (
            posixpath.normpath(posixpath.join(directory, path)) if path else site.base_path + page
        )
        absolute += "/" if path.endswith("/") and not absolute.endswith("/") else ""
        absolute = absolute if absolute.startswith("/") else "/" + absolute
    inside = absolute.startswith(site.base_path) or absolute + "/" == site.base_path
    return absolute if inside else None


def _existing_file(files: frozenset[str], relative: str) -> str | None:
    """The file GitHub Pages would serve for a path below the site root, if any."""
    relative = relative.lstrip("/")
    if relative.endswith("/") or not relative:
        candidates = (relative + "index.html",)
    else:  # GitHub Pages serves /x from x, x/index.html (after a redirect) or x.html
        candidates = (relative, relative + "/index.html", relative + ".html")
    return next((candidate for candidate in candidates if candidate in files), None)


def xml_references(raw: str) -> tuple[list[Reference], str]:
    """Links of a feed or sitemap (atom:link/@href, sitemap loc), or why it does not parse."""
    try:
        tree = ElementTree.fromstring(raw)
    except ElementTree.ParseError as error:
        return [], f"XML 格式错误：{error}"
    urls = []
    for element in tree.iter():
        name = element.tag.rsplit("}", 1)[-1]
        if name == "link" and element.get("href"):
            urls.append(element.get("href", "").strip())
        elif name == "loc" and element.text:
            urls.append(element.text.strip())
    return list(_with_lines(raw, urls)), ""


def _with_lines(raw: str, urls: list[str]) -> Iterator[Reference]:
    """References with the line each URL first appears on, searching forward in document order."""
    cursor, line = 0, 1
    for url in urls:
        found = raw.find(url, cursor)
        if found == -1:  # written with entities: no line to point at
            yield Reference(url, 0)
            continue
        line += raw.count("\n", cursor, found)
        cursor = found
        yield Reference(url, line)


def _text_references(root: Path) -> Iterable[tuple[str, list[Reference]]]:
    """URLs in robots.txt (Sitemap:) and in stylesheets (url(...))."""
    robots = root / "robots.txt"
    if robots.is_file():
        lines = robots.read_text(encoding="utf-8").splitlines()
        yield (
            "robots.txt",
            [
                Reference(line.split(":", 1)[1].strip(), number)
                for number, line in enumerate(lines, 1)
                if line.lower().startswith("sitemap:")
            ],
        )
    for name in sorted(_files(root, ".css")):
        text = (root / name).read_text(encoding="utf-8")
        yield (
            name,
            [
                Reference(match.group(2).strip(), text.count("\n", 0, match.start()) + 1, "asset")
                for match in _CSS_URL.finditer(text)
            ],
        )


def run(args: argparse.Namespace) -> int:
    """`build.py check`: print one line per problem; exit 1 if there is any."""
    config = load_config(args.config, base_url=args.base_url)
    root = (args.out or config.output_dir).resolve()
    if not (root / "index.html").is_file():
        raise ArchiveError(
            "这里没有构建好的站点（缺少 index.html），请先运行 python3 build.py", root
        )
    report = check_site(root, config.base_url)
    for problem in report.problems:
        print(problem)
    summary = (
        f"检查了 {report.pages} 个页面、{report.xml_files} 个 XML 文件、{report.references} 个地址"
    )
    if report.problems:
        print(f"{summary}：发现 {len(report.problems)} 个问题", file=sys.stderr)
        return 1
    print(f"{summary}：没有发现问题")
    return 0
