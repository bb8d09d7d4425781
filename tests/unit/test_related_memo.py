"""RelatedMemo: after any edit, the remembered answer is the one `related` computes from scratch."""

from __future__ import annotations

import pickle
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from archive.keywords import MAX_POSTINGS, RelatedMemo, related

ARTICLES = 300
PROGRAMMES = tuple(f"p{n}" for n in range(6))
RARE = tuple(f"词{n}" for n in range(80))
# Words held by about MAX_POSTINGS articles, so edits move them across the limit.
COMMON = ("热点", "民生", "企业")


def _words(rng: random.Random) -> tuple[str, ...]:
    words = rng.sample(RARE, rng.randint(0, 5))
    words += [w for w in COMMON if rng.random() < 0.3]
    if words and rng.random() < 0.05:
        words.append(words[0])  # a word listed twice counts twice
    rng.shuffle(words)
    return tuple(words)


def _programmes(rng: random.Random) -> tuple[str, ...]:
    names = rng.sample(PROGRAMMES, rng.choice((0, 0, 1, 1, 2)))
    if names and rng.random() < 0.05:
        names.append(names[0])
    return tuple(names)


def _corpus(seed: int) -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    rng = random.Random(seed)
    ids = [f"a{n:04d}" for n in range(ARTICLES)]
    keywords = {i: _words(rng) for i in ids}
    # Exactly MAX_POSTINGS holders of the first common word: one more edit crosses the limit.
    holders = set(rng.sample(ids, MAX_POSTINGS))
    for i in ids:
        rest = tuple(w for w in keywords[i] if w != COMMON[0])
        keywords[i] = (*rest, COMMON[0]) if i in holders else rest
    return keywords, {i: _programmes(rng) for i in ids}


def _edit(
    rng: random.Random, kind: str, keywords: dict, programmes: dict, fresh: int
) -> tuple[dict, dict]:
    ids = list(keywords)
    target = rng.choice(ids)
    if kind == "keywords":
        keywords = {**keywords, target: _words(rng)}
    elif kind == "common":  # one common word gained or lost
        word = rng.choice(COMMON)
        words = keywords[target]
        changed = tuple(w for w in words if w != word) if word in words else (*words, word)
        keywords = {**keywords, target: changed}
    elif kind == "programmes":
        programmes = {**programmes, target: _programmes(rng)}
    elif kind == "move":  # a date edit: the article moves in the order
        ids.remove(target)
        ids.insert(rng.randrange(len(ids) + 1), target)
    elif kind == "add":
        new = f"new{fresh}"
        ids.insert(rng.randrange(len(ids) + 1), new)
        keywords = {**keywords, new: _words(rng)}
        programmes = {**programmes, new: _programmes(rng)}
    elif kind == "delete":
        ids.remove(target)
    return {i: keywords[i] for i in ids}, {i: programmes[i] for i in ids}


EDITS = ("keywords", "keywords", "common", "common", "programmes", "programmes", "move", "add")


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**32),
    edits=st.lists(st.sampled_from((*EDITS, "delete", "nothing")), min_size=4, max_size=16),
    ks=st.lists(st.sampled_from((5, 5, 5, 3)), min_size=16, max_size=16),
)
def test_memo_answers_as_related_from_scratch_after_every_edit(
    seed: int, edits: list[str], ks: list[int]
) -> None:
    rng = random.Random(seed)
    keywords, programmes = _corpus(seed)
    memo = RelatedMemo()
    before = memo.related(keywords, programmes, k=5)
    assert before == related(keywords, programmes, k=5)
    for number, (kind, k) in enumerate(zip(edits, ks, strict=False)):
        keywords, programmes = _edit(rng, kind, keywords, programmes, number)
        after = memo.related(keywords, programmes, k=k)
        assert after == related(keywords, programmes, k=k), kind
        # Every answer that did not change is the very object the previous call gave.
        assert all(after[i] is before[i] for i in after if before.get(i) == after[i])
        before = after


def test_one_keyword_edit_recomputes_only_the_articles_it_can_change() -> None:
    keywords, programmes = _corpus(7)
    memo = RelatedMemo()
    first = memo.related(keywords, programmes)
    target = next(i for i in keywords if keywords[i] and COMMON[0] not in keywords[i])
    edited = {**keywords, target: keywords[target] + ("新词",)}
    second = memo.related(edited, programmes)
    assert second == related(edited, programmes)
    assert memo.recomputed == 1  # a word no other article has touches nobody else
    assert sum(second[i] is not first[i] for i in second) <= 1


def test_nothing_changed_recomputes_nothing_and_the_memo_pickles() -> None:
    keywords, programmes = _corpus(3)
    memo = RelatedMemo()
    first = memo.related(keywords, programmes)
    again = pickle.loads(pickle.dumps(memo))
    assert again.related(dict(keywords), dict(programmes)) == first
    assert again.recomputed == 0


def test_an_article_moved_a_few_places_recomputes_only_its_neighbourhood() -> None:
    keywords, programmes = _corpus(11)
    memo = RelatedMemo()
    memo.related(keywords, programmes)
    ids = list(keywords)
    moved = ids.pop(150)
    ids.insert(153, moved)  # a date edit of a few days
    keywords, programmes = {i: keywords[i] for i in ids}, {i: programmes[i] for i in ids}
    assert memo.related(keywords, programmes) == related(keywords, programmes)
    assert 0 < memo.recomputed < ARTICLES  # not all: those far from it keep their answers
