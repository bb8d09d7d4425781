"""Stage: Article -> Analysis (summary, length, key figures, keywords), the per-article work.

It depends on one article's text only, so the pipeline runs it in worker
processes (the jieba dictionary is loaded once, before the workers fork) and
assemble joins the results.
"""

from __future__ import annotations

from collections.abc import Sequence

from archive import text
from archive.figures import extract_figures
from archive.keywords import Tokenizer, article_keywords
from archive.model import Analysis, Article, KeyFigure


def analyse(article: Article, tokenizer: Tokenizer) -> Analysis:
    """Summary, character count, key figures and keywords of one article."""
    plain = text.plain_text(article.body)
    figures = tuple(
        KeyFigure(label=f.label, value=f.value, kind=f.kind, article_id=article.id)
        for f in extract_figures(plain)
    )
    return Analysis(
        id=article.id,
        summary=text.summary(text.prose(article.body)),
        chars=text.char_count(plain),
        figures=figures,
        keywords=article_keywords(article.title, article.body, tokenizer),
    )


def analyse_range(
    shared: tuple[Sequence[Article], Tokenizer], start: int, stop: int
) -> list[Analysis]:
    """Worker task: analyse articles[start:stop]."""
    articles, tokenizer = shared
    return [analyse(article, tokenizer) for article in articles[start:stop]]
