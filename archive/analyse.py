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


# An Analysis as worker processes send it back: plain tuples pickle and unpickle
# several times faster than a hundred thousand KeyFigure objects.
AnalysisRow = tuple[str, str, int, tuple[tuple[str, str, str], ...], tuple[str, ...]]


def analyse_range(
    shared: tuple[Sequence[Article], Tokenizer], start: int, stop: int
) -> list[AnalysisRow]:
    """Worker task: analyse articles[start:stop], as rows."""
    articles, tokenizer = shared
    return [to_row(analyse(article, tokenizer)) for article in articles[start:stop]]


def to_row(analysis: Analysis) -> AnalysisRow:
    figures = tuple((f.label, f.value, f.kind) for f in analysis.figures)
    return (analysis.id, analysis.summary, analysis.chars, figures, analysis.keywords)


def from_row(row: AnalysisRow) -> Analysis:
    """The Analysis a row holds (figures belong to the row's article)."""
    id_, summary, chars, figures, keywords = row
    return Analysis(
        id=id_,
        summary=summary,
        chars=chars,
        figures=tuple(KeyFigure(label, value, kind, id_) for label, value, kind in figures),
        keywords=tuple(keywords),
    )
