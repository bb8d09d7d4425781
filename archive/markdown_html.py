"""Stage helper: article Markdown -> safe HTML fragment.

Python-Markdown passes raw HTML through by default; article text is edited by
hand and imported from newspapers, so raw HTML is shown as text instead (the
block and inline HTML parsers are removed), and any link or image whose URL is
not http(s), mailto, tel, a fragment or a path loses that URL. Links written
as `/…` are site paths: they get the base path, so the same article works at
/ and under /<repo>/. Section headings keep their level; the article title is
the page's h1, so a `#` heading in the body is shifted down to h2. A paragraph
that is only an emphasised `*图：…*` is a picture caption (the importer's form).
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

EXTENSIONS = ("sane_lists", "tables")
CAPTION_PREFIXES = ("图：", "图:", "图为")
_SAFE_SCHEME = re.compile(r"^(?:https?:|mailto:|tel:|#|/|\.{0,2}/|[^:/?#]*(?:[/?#]|$))", re.I)
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")


class _SafeLinks(Treeprocessor):
    """Drop unsafe URLs, add the base path to site paths, keep headings below the title."""

    def __init__(self, md: markdown.Markdown, base_path: str) -> None:
        super().__init__(md)
        self.base_path = base_path

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            if element.tag == "a":
                self._fix(element, "href")
            elif element.tag == "img":
                self._fix(element, "src")
            elif element.tag == "h1":
                element.tag = "h2"
            elif element.tag == "p" and _is_caption(element):
                element.set("class", "caption")

    def _fix(self, element: etree.Element, attribute: str) -> None:
        url = element.get(attribute)
        if url is None:
            return
        if not is_safe_url(url):
            del element.attrib[attribute]
        elif url.startswith("/") and not url.startswith("//"):
            element.set(attribute, self.base_path + url[1:])


class _ArchiveExtension(Extension):
    def __init__(self, base_path: str) -> None:
        super().__init__()
        self.base_path = base_path

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.treeprocessors.register(_SafeLinks(md, self.base_path), "archive_safe_links", 0)


def _is_caption(paragraph: etree.Element) -> bool:
    """A picture caption as the importer writes it: a paragraph that is only `*图：…*`."""
    children = list(paragraph)
    return (
        len(children) == 1
        and children[0].tag == "em"
        and not (paragraph.text or "").strip()
        and not (children[0].tail or "").strip()
        and (children[0].text or "").startswith(CAPTION_PREFIXES)
    )


def is_safe_url(url: str) -> bool:
    """True for http(s), mailto, tel, fragments and relative paths; false for javascript: etc."""
    # Markdown keeps character references in URLs and the browser decodes them: check that.
    return bool(_SAFE_SCHEME.match(_CONTROL.sub("", html.unescape(url))))


def converter(base_path: str) -> markdown.Markdown:
    """A reusable Markdown converter for articles of a site under base_path."""
    return markdown.Markdown(
        extensions=[*EXTENSIONS, _ArchiveExtension(base_path)], output_format="html"
    )


def to_html(md: markdown.Markdown, text: str) -> str:
    """Convert one article body with a converter from `converter`."""
    fast = plain_html(text)
    if fast is not None:
        return fast
    md.reset()
    return md.convert(text)


# Anything that could be Markdown syntax beyond paragraphs and "## " headings, or raw HTML:
# inline syntax, HTML, tables and odd whitespace anywhere ...
_NOT_PLAIN_CHAR = re.compile(r"[\\`*_\[\]!<>&|\t\r\f\v\x00]")
# ... or, looked for in "\n" + text + "\n" so that every line starts after a "\n" and ends
# before one: indentation (code blocks), list items, rules and setext underlines at a line's
# start, trailing spaces (line breaks) at its end. A pattern that starts with a literal is
# found by a fast scan; one with ^ and $ under re.M is tried at every position (4x slower).
_NOT_PLAIN_START = re.compile(r"\n(?:[ \u3000\-+=]|\d+[.)])")
_HEADING = re.compile(r"^(#{1,6}) (?=\S)([^#\n]*[^#\s])$")


def plain_html(text: str) -> str | None:
    """HTML for a body of plain paragraphs and `## ` headings, exactly as Python-Markdown
    writes it; None when the body uses anything else (then Python-Markdown converts it).

    Most article bodies are plain prose, and this is several times faster than the
    full parser; tests check both give the same bytes.
    """
    if _not_plain(text):
        return None
    out = []
    for block in re.split(r"\n[ \t]*\n", text.strip("\n")):
        block = block.strip("\n")
        if not block:
            continue
        if "#" in block:
            heading = _HEADING.match(block)
            if heading is None:
                return None
            level = max(2, len(heading.group(1)))
            out.append(f"<h{level}>{heading.group(2)}</h{level}>")
        else:
            out.append(f"<p>{block}</p>")
    return "\n".join(out)


def _not_plain(text: str) -> bool:
    """True when text may hold Markdown that plain_html does not write."""
    if _NOT_PLAIN_CHAR.search(text):
        return True
    lines = f"\n{text}\n"
    return bool(_NOT_PLAIN_START.search(lines)) or " \n" in lines or "\u3000\n" in lines
