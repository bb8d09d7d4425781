"""Search stage: Site -> search index OutputFiles (the one place jieba runs for search).

Turns each article into a SearchDoc (plain text, facets, its URL under the base
path) and hands them to archive.search_index, which writes everything under
search/. The browser side is templates/static/search.js; archive.search_query
is its JavaScript-free reference.
"""

from __future__ import annotations

from collections.abc import Callable

from archive import text, urls
from archive.config import SiteConfig
from archive.keywords import cut
from archive.model import Article, OutputFile, SearchDoc, Site, Taxonomy
from archive.search_index import build_index
from archive.segment import make_segmenter


def search_doc(article: Article, base_path: str) -> SearchDoc:
    """What the index needs of one article."""
    people = (*article.reporters, *article.correspondents, *article.photographers)
    return SearchDoc(
        id=article.id,
        url=urls.href(base_path, urls.article(article.id)),
        title=article.title,
        date=article.date,
        year=article.year,
        kind=article.kind,
        districts=article.districts,
        programmes=article.programmes,
        places=article.places,
        people=tuple(dict.fromkeys(people)),
        text=text.plain_text(article.body),
    )


def title_words(taxonomy: Taxonomy) -> Callable[[str], list[str]]:
    """The words of a text as Segmenter.search_words gives them (jieba's search mode
    without HMM), in about 60 % of its time: keywords.cut is jieba's dictionary cut,
    and search mode adds each two- and three-character part of a longer word that
    the dictionary knows, before the word."""
    tokenizer = make_segmenter(taxonomy).tokenizer
    tokenizer.check_initialized()
    known = tokenizer.FREQ.get

    def words(sentence: str) -> list[str]:
        out: list[str] = []
        for word in cut(tokenizer, sentence):
            for size in (2, 3):
                if len(word) > size:
                    parts = (word[i : i + size] for i in range(len(word) - size + 1))
                    out += [part for part in parts if known(part)]
            out.append(word)
        return [word for word in out if word.strip()]

    return words


def build_search_index(
    site: Site, config: SiteConfig, taxonomy: Taxonomy
) -> tuple[OutputFile, ...]:
    """The search files of a site: meta, posting shards and result fragments."""
    docs = [search_doc(article, config.base_path) for article in site.articles]
    return build_index(docs, title_words(taxonomy))
