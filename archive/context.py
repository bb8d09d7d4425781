"""Stage helper: Site -> the plain-data context of every page (what templates format).

Each method returns dicts, lists and strings only: links are {"href", "name"}
with the base path already applied, dates are already written in Chinese,
counts are already counted. Templates never sort, filter or count.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Container, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import compress
from operator import is_not
from typing import TypeVar

from archive import text, urls
from archive.config import SiteConfig
from archive.model import Article, Entry, Matrix, Site, Term, TermRef

KIND_LABELS = {
    "district": "区县",
    "programme": "举措",
    "place": "地点",
    "reporter": "记者",
    "year": "年份",
}
NAV = (
    ("区县", urls.index("district")),
    ("举措", urls.index("programme")),
    ("地点", urls.index("place")),
    ("记者", urls.index("reporter")),
    ("年份", urls.index("year")),
    ("全部文章", urls.ARTICLES),
    ("举措×区县", urls.MATRIX),
)
HOME_PROGRAMMES = 30  # programmes listed on the home page; the rest are on /programmes/
FEED_ENTRIES = 50
TERM_FEED_ENTRIES = 20
PAGER_SPAN = 3  # page numbers shown on each side of the current one
PATCH_MOST = 100  # articles changed in place up to which Contexts patches the last build's
Made = TypeVar("Made")
# articles, entries, (article, entry) by id, card by id: of one build (ContextMemo.last)
Lasting = tuple[tuple[Article, ...], tuple[Entry, ...], dict[str, tuple[Article, Entry]], dict]


@dataclass(slots=True)
class ContextMemo:
    """The per-article pieces of the last contexts, each with the inputs it was made from.

    A long-running process (serve) keeps one between builds, so an article whose
    inputs are the same objects as last time (or equal ones) gets the very same
    card, article page context, feed entry and JSON record, and later stages
    skip it by identity. The key of each piece is exactly the arguments of the
    function that makes it, and the site settings reset everything; a one-shot
    build uses an empty memo, so both run the same code.
    """

    config: SiteConfig | None = None
    # table name -> article id (or link key) -> (inputs, what they made)
    tables: dict[str, dict[object, tuple[tuple, object]]] = field(default_factory=dict)
    data: tuple[tuple[str, ...], bytes] | None = None  # articles.json: its lines, its bytes
    programme_links: dict[str, dict] = field(default_factory=dict)  # slug -> link, last build
    # The last build's articles and entries, and what Contexts made of them: pairs by id, cards.
    last: Lasting | None = None

    def for_config(self, config: SiteConfig) -> ContextMemo:
        """This memo, emptied when the site settings differ from its last build's."""
        if self.config != config:
            self.config, self.tables, self.data, self.programme_links = config, {}, None, {}
            self.last = None
        return self

    def made(self, table: str, key: object, inputs: tuple, make: Callable[..., Made]) -> Made:
        """make(*inputs), or what it gave last time for the same (or equal) inputs."""
        held = self.tables.setdefault(table, {})
        last = held.get(key)
        if last is not None and last[0] == inputs:  # tuples compare items by identity first
            return last[1]  # type: ignore[return-value]
        value = make(*inputs)
        held[key] = (inputs, value)
        return value

    def forget_others(self, table: str, keep: dict) -> None:
        """Drop a table's entries whose key is not in keep (deleted articles)."""
        held = self.tables.get(table, {})
        for gone in held.keys() - keep.keys():
            del held[gone]


class Contexts:
    """Builds page contexts for one site; lookups are made once here."""

    def __init__(self, site: Site, config: SiteConfig, memo: ContextMemo | None = None) -> None:
        self.site = site
        self.config = config
        self.base = config.base_path
        self.memo = (memo or ContextMemo()).for_config(config)
        self._terms = {
            "district": site.districts,
            "programme": site.programmes,
            "place": site.places,
            "reporter": site.reporters,
            "year": site.years,
        }
        self.term_of = {(k, t.slug): t for k, terms in self._terms.items() for t in terms}
        self._term_links: dict[tuple[str, str], dict] = {}
        patched = self._patched()
        if patched is None:
            self.by_id = {a.id: (a, e) for a, e in zip(site.articles, site.entries, strict=True)}
            self.cards, self._new_cards = self._all_cards()
            for table in ("card", "article", "feed entry", "record"):
                self.memo.forget_others(table, self.by_id)
        else:
            self.by_id, self.cards, self._new_cards = patched
        self.memo.last = (site.articles, site.entries, self.by_id, self.cards)
        self._new_links = self._relinked_programmes()
        self.children: dict[str, list[str]] = {}
        for place in site.places:
            if place.parent:
                self.children.setdefault(place.parent, []).append(place.slug)

    def _all_cards(self) -> tuple[dict[str, dict], set[str]]:
        """Every article's card, and the ids whose card is not the last build's object."""
        held = self.memo.tables.get("card", {})
        cards, new = {}, set(held) - set(self.by_id)  # deleted articles' cards are gone
        for i, pair in self.by_id.items():
            last = held.get(i)
            if last is not None and last[0][0] is pair[0] and last[0][1] is pair[1]:
                cards[i] = last[1]  # the same article and entry: made's answer, sooner
                continue
            cards[i] = card = self.memo.made("card", i, pair, self._card)
            if last is None or last[1] is not card:
                new.add(i)
        return cards, new

    def _patched(self) -> tuple[dict[str, tuple[Article, Entry]], dict[str, dict], set[str]] | None:
        """by_id, the cards and the ids of new cards, from the last build's where few
        articles or entries are new objects and every article keeps its place and id
        (an edit); None otherwise (a new, deleted or moved article: see _all_cards)."""
        last, site = self.memo.last, self.site
        if last is None or len(last[0]) != len(site.articles):
            return None
        old_articles, old_entries, by_id, cards = last
        count = range(len(site.articles))
        changed = {*compress(count, map(is_not, site.articles, old_articles))}
        changed.update(compress(count, map(is_not, site.entries, old_entries)))
        if len(changed) > PATCH_MOST or any(
            site.articles[i].id != old_articles[i].id for i in changed
        ):
            return None
        by_id, cards, new = dict(by_id), dict(cards), set()
        for i in changed:
            pair = (site.articles[i], site.entries[i])
            key = pair[0].id
            by_id[key] = pair
            card = self.memo.made("card", key, pair, self._card)
            if card is not cards[key]:
                new.add(key)
            cards[key] = card
        return by_id, cards, new

    def _relinked_programmes(self) -> set[str]:
        """Slugs of the programmes whose link is not the last build's object."""
        links = {t.slug: self._term_link("programme", t.slug) for t in self.site.programmes}
        last, self.memo.programme_links = self.memo.programme_links, links
        return {slug for slug in {*links, *last} if links.get(slug) is not last.get(slug)}

    # --- shared pieces -------------------------------------------------------------------

    @staticmethod
    def common(config: SiteConfig) -> dict:
        """What every page gets: site name, base path, navigation, assets."""
        base = config.base_path
        return {
            "site": {
                "title": config.title,
                "description": config.description,
                "lang": config.language,
                "home": urls.href(base, urls.HOME),
                "feed": urls.href(base, urls.FEED),
                "data": urls.href(base, urls.DATA),
            },
            "base_path": base,
            "nav": [{"href": urls.href(base, path), "name": name} for name, path in NAV],
            "search_action": urls.href(base, urls.SEARCH),
            "assets": {
                "css": urls.href(base, urls.static("style.css")),
                "js": urls.href(base, urls.static("site.js")),
                "icon": urls.href(base, urls.static("favicon.svg")),
            },
        }

    def terms(self, kind: str) -> tuple[Term, ...]:
        """All terms of one kind, in page order."""
        return self._terms[kind]

    def link(self, ref: TermRef | Term) -> dict:
        """A link to a term page (the same dict for the same term, name and site settings)."""
        key = (ref.kind, ref.slug, ref.name)
        return self.memo.made("link", key, key, self._new_link)

    def _new_link(self, kind: str, slug: str, name: str) -> dict:
        return {"href": urls.href(self.base, urls.term(kind, slug)), "name": name}

    def _term_link(self, kind: str, slug: str) -> dict:
        found = self._term_links.get((kind, slug))
        if found is None:  # once per term and build: thousands of articles name each
            found = self._term_links[(kind, slug)] = self.link(self.term_of[(kind, slug)])
        return found

    def _card(self, article: Article, entry: Entry) -> dict:
        """How an article appears in lists."""
        return {
            "href": urls.href(self.base, urls.article(article.id)),
            "title": article.title,
            "date": text.date_text(article.date),
            "datetime": article.date,
            "summary": entry.summary,
            "kind": article.kind,
            "districts": [self.link(r) for r in entry.districts],
            "programmes": [self.link(r) for r in entry.programmes],
        }

    def meta(
        self, path: str, heading: str, description: str = "", og_type: str = "website"
    ) -> dict:
        """The <head> facts of a page: title, description, canonical URL, Open Graph type."""
        title = f"{heading} - {self.config.title}" if heading else self.config.title
        return {
            "title": title,
            "heading": heading or self.config.title,
            "description": description or self.config.description,
            "canonical": urls.absolute(self.config.base_url, path),
            "og_type": og_type,
            "json_ld": "",
        }

    def crumbs(self, *links: dict) -> list[dict]:
        """Breadcrumbs from the home page down to (not including) the current page."""
        return [{"href": urls.href(self.base, urls.HOME), "name": "首页"}, *links]

    def _index_crumb(self, kind: str) -> dict:
        return {"href": urls.href(self.base, urls.index(kind)), "name": KIND_LABELS[kind]}

    def _counted(self, kind: str, pairs: tuple[tuple[str, int], ...]) -> list[dict]:
        return [{**self._term_link(kind, slug), "count": n} for slug, n in pairs]

    # --- pages ---------------------------------------------------------------------------

    def home(self) -> dict:
        """The home page: what this is, latest items, districts, programmes, years."""
        site = self.site
        latest = [self.cards[a.id] for a in site.articles[: self.config.home_latest]]
        return {
            "page": self.meta(urls.HOME, ""),
            "breadcrumbs": [],
            "article_count": len(site.articles),
            "latest": latest,
            "all_articles": urls.href(self.base, urls.ARTICLES),
            "districts": [{**self.link(t), "count": len(t.article_ids)} for t in site.districts],
            "programmes": [
                {**self.link(t), "count": len(t.article_ids)}
                for t in site.programmes[:HOME_PROGRAMMES]
            ],
            "more_programmes": len(site.programmes) > HOME_PROGRAMMES,
            "programme_index": urls.href(self.base, urls.index("programme")),
            "years": [{**self.link(t), "count": len(t.article_ids)} for t in site.years],
            "matrix": urls.href(self.base, urls.MATRIX),
        }

    def article_pages(
        self, make: Callable[[Article, Entry, dict], Made], only: Container[str] | None = None
    ) -> list[Made]:
        """make(article, entry, its page context) for every article, in site order.

        An article whose page context would be made from the very same objects as
        last build (article, entry, the cards and programme links it shows) gets
        what make gave then, without its context's inputs being gathered again;
        make must be a function of its arguments only. With `only`, just the
        articles whose page is at one of those output paths, and the memo of
        whole pages is left for the call that makes them all.
        """
        if only is not None:
            return [make(a, e, self.article(a, e)) for a, e in self._at(only)]
        last = self.memo.tables.get("article page", {})
        kept: dict[object, tuple[tuple, object]] = {}
        for article, entry in zip(self.site.articles, self.site.entries, strict=True):
            held = last.get(article.id)
            if held is None or held[0][0] is not article or held[0][1] is not entry:
                held = ((article, entry), make(article, entry, self.article(article, entry)))
            elif self._shows_new(entry):
                held = (held[0], make(article, entry, self.article(article, entry)))
            kept[article.id] = held
        self.memo.tables["article page"] = kept
        return [made for _inputs, made in kept.values()]  # type: ignore[misc]

    def _at(self, paths: Iterable[str]) -> list[tuple[Article, Entry]]:
        """The articles whose page is at one of these output paths."""
        # The page path of an id, split where the id goes: its inverse, from the one rule.
        prefix, suffix = urls.output_path(urls.article("\0")).split("\0")
        found = []
        for path in paths:
            if path.startswith(prefix) and path.endswith(suffix):
                pair = self.by_id.get(path[len(prefix) : len(path) - len(suffix)])
                if pair is not None and urls.output_path(urls.article(pair[0].id)) == path:
                    found.append(pair)
        return found

    def _shows_new(self, entry: Entry) -> bool:
        """True when the article page of entry shows a card or link made anew this build."""
        new_cards, new_links = self._new_cards, self._new_links
        if not (new_cards or new_links):
            return False
        if new_cards and not new_cards.isdisjoint(entry.related):
            return True
        return any(
            n.previous in new_cards or n.next in new_cards or n.programme in new_links
            for n in entry.neighbours
        )

    def article(self, article: Article, entry: Entry) -> dict:
        """An article page, apart from its body (rendered from Markdown by the renderer)."""
        cards = self.cards
        related = tuple(map(cards.__getitem__, entry.related))
        neighbours = tuple(
            [
                (
                    self._term_link("programme", n.programme),
                    cards[n.previous] if n.previous else None,
                    cards[n.next] if n.next else None,
                )
                for n in entry.neighbours
            ]
        )
        inputs = (article, entry, related, neighbours)
        return self.memo.made("article", article.id, inputs, self._article)

    def _article(
        self,
        article: Article,
        entry: Entry,
        related: tuple[dict, ...],
        neighbours: tuple[tuple[dict, dict | None, dict | None], ...],
    ) -> dict:
        """The article page's context from exactly these inputs (and the site settings)."""
        path = urls.article(article.id)
        meta = self.meta(path, article.title, entry.summary, "article")
        meta["json_ld"] = self._news_article(article, entry, meta["canonical"])
        first = entry.districts[0] if entry.districts else None
        return {
            "page": meta,
            "breadcrumbs": self.crumbs(*([self.link(first)] if first else [])),
            "article": {
                "id": article.id,
                "title": article.title,
                "kicker": article.kicker,
                "subtitle": article.subtitle,
                "date": text.date_text(article.date),
                "datetime": article.date,
                "kind": article.kind,
                "chars": entry.chars,
                "reading_minutes": entry.reading_minutes,
                "districts": [self.link(r) for r in entry.districts],
                "programmes": [self.link(r) for r in entry.programmes],
                "places": [self.link(r) for r in entry.places],
                "people": [
                    {"role": role, "people": [self.link(r) for r in refs]}
                    for role, refs in entry.people
                ],
                "figures": [{"label": f.label, "value": f.value} for f in entry.figures],
                "source": (
                    {"page": article.source.page, "item": article.source.item}
                    if article.source
                    else None
                ),
            },
            "related": list(related),
            "neighbours": [
                {"programme": programme, "previous": previous, "next": after}
                for programme, previous, after in neighbours
            ],
        }

    def _news_article(self, article: Article, entry: Entry, url: str) -> str:
        """schema.org NewsArticle JSON-LD for search engines."""
        people = [r.name for _, refs in entry.people for r in refs]
        data = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": article.title,
            "datePublished": article.date,
            "inLanguage": self.config.language,
            "url": url,
            "mainEntityOfPage": url,
            "description": entry.summary,
            "author": [{"@type": "Person", "name": name} for name in people],
            "publisher": {"@type": "Organization", "name": self.config.title},
            "about": [r.name for r in entry.programmes],
            "contentLocation": [{"@type": "Place", "name": r.name} for r in entry.districts],
        }
        return json_ld(data)

    def term_index(self, kind: str) -> dict:
        """The page listing every district, programme, place, reporter or year."""
        label = KIND_LABELS[kind]
        context = {
            "page": self.meta(urls.index(kind), label),
            "breadcrumbs": self.crumbs(),
            "kind": kind,
            "groups": [],
        }
        if kind == "place":
            context["groups"] = self._place_groups()
        else:
            items = [{**self.link(t), "count": len(t.article_ids)} for t in self.terms(kind)]
            context["groups"] = [{"heading": "", "href": "", "entries": items}]
        return context

    def _place_groups(self) -> list[dict]:
        groups = []
        for district, facts in zip(self.site.districts, self.site.district_facts, strict=True):
            if facts.places:
                items = self._place_tree(facts.places)
                href = self.link(district)["href"]
                groups.append({"heading": district.name, "href": href, "entries": items})
        loose = self._place_tree(tuple(t.slug for t in self.site.places if not t.district))
        if loose:
            groups.append({"heading": "未标明区县", "href": "", "entries": loose})
        return groups

    def _place_tree(self, slugs: tuple[str, ...]) -> list[dict]:
        """Top-level places (街道/乡镇 or unplaced), each with the places under it."""
        tops = [self._place_item(s) for s in slugs if not self.term_of[("place", s)].parent]
        for top in tops:
            top["children"] = [
                self._place_item(s) for s in self.children.get(top["slug"], []) if s in slugs
            ]
        return tops

    def _place_item(self, slug: str) -> dict:
        place = self.term_of[("place", slug)]
        return {
            **self.link(place),
            "slug": place.slug,
            "count": len(place.article_ids),
            "level": place.level,
        }

    def term_page(self, kind: str, position: int) -> dict:
        """The page of one term: its articles, plus the views particular to its kind."""
        term = self.terms(kind)[position]
        path = urls.term(kind, term.slug)
        description = term.description or f"{KIND_LABELS[kind]}“{term.name}”的相关报道"
        context = {
            "page": self.meta(path, term.name, description),
            "breadcrumbs": self.crumbs(self._index_crumb(kind)),
            "term": {
                "kind": kind,
                "kind_label": KIND_LABELS[kind],
                "name": term.name,
                "description": term.description,
                "known": term.known,
                "level": term.level,
                "count": len(term.article_ids),
            },
            "articles": list(map(self.cards.__getitem__, term.article_ids)),
        }
        extra = {"district": self._district, "programme": self._programme, "place": self._place}
        if kind in extra:
            context.update(extra[kind](position))
        return context

    def _district(self, position: int) -> dict:
        term = self.site.districts[position]
        facts = self.site.district_facts[position]
        return {
            "feed": urls.href(self.base, urls.term_feed("district", term.slug)),
            "programmes": self._counted("programme", facts.programmes),
            "places": self._place_tree(facts.places),
            "years": [
                {"year": year, "articles": list(map(self.cards.__getitem__, ids))}
                for year, ids in facts.years
            ],
        }

    def _programme(self, position: int) -> dict:
        term = self.site.programmes[position]
        facts = self.site.programme_facts[position]
        return {
            "feed": urls.href(self.base, urls.term_feed("programme", term.slug)),
            "districts": self._counted("district", facts.districts),
            "timeline": [
                {"year": year, "articles": list(map(self.cards.__getitem__, ids))}
                for year, ids in facts.timeline
            ],
            "figures": [
                {
                    "label": f.label,
                    "value": f.value,
                    "article": {
                        "href": self.cards[f.article_id]["href"],
                        "title": self.cards[f.article_id]["title"],
                    },
                }
                for f in facts.figures
            ],
            "related_programmes": self._counted("programme", facts.related),
        }

    def _place(self, position: int) -> dict:
        place = self.site.places[position]
        district = self.term_of.get(("district", place.district))
        return {
            "district": self.link(district) if district else None,
            "parent": self._term_link("place", place.parent) if place.parent else None,
            "children": [self._place_item(slug) for slug in self.children.get(place.slug, [])],
        }

    def articles_page(self, number: int, count: int, size: int) -> dict:
        """Page `number` of the list of all articles, newest first."""
        chosen = self.site.articles[(number - 1) * size : number * size]
        heading = "全部文章" if number == 1 else f"全部文章（第{number}页）"
        return {
            "page": self.meta(urls.articles_page(number), heading),
            "breadcrumbs": self.crumbs(),
            "articles": [self.cards[a.id] for a in chosen],
            "pager": self._pager(number, count),
            "total": len(self.site.articles),
        }

    def _pager(self, number: int, count: int) -> dict:
        def page(n: int) -> dict:
            return {"href": urls.href(self.base, urls.articles_page(n)), "number": n}

        shown = range(max(1, number - PAGER_SPAN), min(count, number + PAGER_SPAN) + 1)
        return {
            "current": number,
            "count": count,
            "previous": page(number - 1) if number > 1 else None,
            "next": page(number + 1) if number < count else None,
            "first": page(1) if shown.start > 1 else None,
            "last": page(count) if shown.stop <= count else None,
            "pages": [page(n) for n in shown],
        }

    def matrix(self) -> dict:
        """The programme × district table; each count links to the search page filtered."""
        matrix = self.site.matrix
        columns = tuple(self._term_link("district", slug) for slug in matrix.districts)
        rows = tuple(self._term_link("programme", slug) for slug in matrix.programmes)
        return self.memo.made("matrix", "", (matrix, columns, rows), self._matrix)

    def _matrix(self, matrix: Matrix, columns: tuple[dict, ...], rows: tuple[dict, ...]) -> dict:
        """The table's context from the counts and the links of its columns and rows."""
        lines = []
        for programme, counts in zip(rows, matrix.counts, strict=True):
            cells = [
                {
                    "count": n,
                    "district": d["name"],
                    "href": urls.href(
                        self.base, urls.search(district=d["name"], programme=programme["name"])
                    )
                    if n
                    else "",
                }
                for d, n in zip(columns, counts, strict=True)
            ]
            lines.append({**programme, "cells": cells, "total": sum(counts)})
        return {
            "page": self.meta(urls.MATRIX, "举措×区县"),
            "breadcrumbs": self.crumbs(),
            "columns": list(columns),
            "rows": lines,
        }

    def not_found(self) -> dict:
        """404.html: served at any depth, so every link in it is base-path absolute."""
        meta = self.meta(urls.NOT_FOUND, "页面不存在")
        return {"page": meta, "breadcrumbs": self.crumbs()}

    def search(self, search_route: dict | None = None) -> dict:
        """The search page; search_route places index keys in their files (None: unknown)."""
        return {
            "page": self.meta(urls.SEARCH, "搜索"),
            "breadcrumbs": self.crumbs(),
            "search_route": search_route,
        }

    def feed(self, kind: str | None, position: int) -> dict:
        """An Atom feed: the whole site, or one district or programme."""
        base_url = self.config.base_url
        if kind is None:
            title, path, feed_path = self.config.title, urls.HOME, urls.FEED
            ids = [a.id for a in self.site.articles[:FEED_ENTRIES]]
        else:
            term = self.terms(kind)[position]
            title = f"{term.name} - {self.config.title}"
            path, feed_path = urls.term(kind, term.slug), urls.term_feed(kind, term.slug)
            ids = list(term.article_ids[:TERM_FEED_ENTRIES])
        entries = [self._feed_entry(i) for i in ids]
        return {
            "feed": {
                "title": title,
                "id": urls.absolute(base_url, feed_path),
                "self": urls.absolute(base_url, feed_path),
                "alternate": urls.absolute(base_url, path),
                "updated": max((e["updated"] for e in entries), default=text.iso_datetime("2000")),
            },
            "entries": entries,
        }

    def _feed_entry(self, article_id: str) -> dict:
        return self.memo.made("feed entry", article_id, self.by_id[article_id], self._new_entry)

    def _new_entry(self, article: Article, entry: Entry) -> dict:
        url = urls.absolute(self.config.base_url, urls.article(article.id))
        return {
            "title": article.title,
            "url": url,
            "updated": text.iso_datetime(article.date),
            "summary": entry.summary,
            "authors": [r.name for _, refs in entry.people for r in refs],
            "categories": [r.name for r in (*entry.districts, *entry.programmes)],
        }

    def sitemap(self, paths: list[str]) -> dict:
        """sitemap.xml: the absolute URL of every indexable page."""
        return self.memo.made("sitemap", "", (tuple(paths),), self._sitemap)

    def _sitemap(self, paths: tuple[str, ...]) -> dict:
        return {"locations": [urls.absolute(self.config.base_url, p) for p in paths]}

    def redirects(self) -> Iterator[tuple[str, dict]]:
        """(old site path, context) for article aliases and the taxonomy's old slugs."""
        for article in self.site.articles:
            for alias in article.aliases:
                yield urls.article(alias), self._redirect(urls.article(article.id), article.title)
        for kind in ("district", "programme"):
            for term in self.terms(kind):
                for old in term.old_slugs:
                    yield (
                        urls.term(kind, old),
                        self._redirect(urls.term(kind, term.slug), term.name),
                    )

    def _redirect(self, target: str, title: str) -> dict:
        return {
            "title": title,
            "target": urls.href(self.base, target),
            "target_url": urls.absolute(self.config.base_url, target),
        }


def json_ld(data: dict) -> str:
    """schema.org data as JSON safe to put inside a <script> element."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def articles_json(site: Site, config: SiteConfig, memo: ContextMemo | None = None) -> bytes:
    """/data/articles.json: every article's metadata, for researchers.

    With a memo, only the records of changed articles are encoded again, and an
    unchanged file is the very same bytes object as last time.
    """
    memo = (memo or ContextMemo()).for_config(config)
    pairs = zip(site.articles, site.entries, strict=True)
    # One record per line: as easy to read and diff as an indented file, and written by
    # json's C encoder (with `indent` it falls back to a Python one, ten times slower).
    lines = tuple(memo.made("record", a.id, (a, e, config), _record_line) for a, e in pairs)
    if memo.data is not None and memo.data[0] == lines:  # the same line objects: cheap
        return memo.data[1]
    data = ("[\n" + ",\n".join(lines) + "\n]\n" if lines else "[]\n").encode()
    memo.data = (lines, data)
    return data


def _record_line(article: Article, entry: Entry, config: SiteConfig) -> str:
    return json.dumps(_record(article, entry, config), ensure_ascii=False, sort_keys=True)


def _record(article: Article, entry: Entry, config: SiteConfig) -> dict:
    source = article.source
    return {
        "id": article.id,
        "url": urls.absolute(config.base_url, urls.article(article.id)),
        "title": article.title,
        "kicker": article.kicker,
        "subtitle": article.subtitle,
        "date": article.date,
        "kind": article.kind,
        "districts": [r.name for r in entry.districts],
        "programmes": [r.name for r in entry.programmes],
        "places": list(article.places),
        "reporters": list(article.reporters),
        "correspondents": list(article.correspondents),
        "photographers": list(article.photographers),
        "source": {"page": source.page, "item": source.item} if source else None,
        "chars": entry.chars,
        "summary": entry.summary,
    }
