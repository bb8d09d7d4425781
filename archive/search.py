"""Search stage: Site -> search index OutputFiles (the one place jieba runs for search).

Turns each article into a SearchDoc (plain text, facets, its URL under the base
path) and hands them to archive.search_index, which writes everything under
search/. The browser side is templates/static/search.js; archive.search_query
is its JavaScript-free reference.
"""

from __future__ import annotations

from archive import text, urls
from archive.config import SiteConfig
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


def build_search_index(
    site: Site, config: SiteConfig, taxonomy: Taxonomy
) -> tuple[OutputFile, ...]:
    """The search files of a site: meta, posting shards and result fragments."""
    docs = [search_doc(article, config.base_path) for article in site.articles]
    return build_index(docs, make_segmenter(taxonomy).search_words)
