"""Stage: Article -> Analysis (summary, length, key figures, keywords), the per-article work.

It depends on one article's text only, so the pipeline runs it in worker
processes (the jieba dictionary is loaded once, before the workers fork) and
assemble joins the results.
"""

from __future__ import annotations

from collections.abc import Sequence

from archive import text
from archive.figures import key_figures
from archive.keywords import Tokenizer, article_keywords
from archive.model import Analysis, Article, KeyFigure

# An Analysis as worker processes send it back: plain tuples pickle and unpickle
# several times faster than a hundred thousand KeyFigure objects.
AnalysisRow = tuple[str, str, int, tuple[tuple[str, str, str], ...], tuple[str, ...]]


def analyse(article: Article, tokenizer: Tokenizer) -> Analysis:
    """Summary, character count, key figures and keywords of one article."""
    return from_row(analyse_row(article, tokenizer))


def analyse_row(article: Article, tokenizer: Tokenizer) -> AnalysisRow:
    """analyse(article) as a row, made without the objects a worker would only take apart."""
    plain = text.plain_text(article.body)
    return (
        article.id,
        text.summary(text.prose(article.body)),
        text.char_count(plain),
        key_figures(plain),
        article_keywords(article.title, article.body, tokenizer),
    )


def analyse_range(
    shared: tuple[Sequence[Article], Tokenizer], start: int, stop: int
) -> list[AnalysisRow]:
    """Worker task: analyse articles[start:stop], as rows."""
    articles, tokenizer = shared
    return [analyse_row(article, tokenizer) for article in articles[start:stop]]


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
