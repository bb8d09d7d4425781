"""Stage: article title and text -> keywords; all keywords and programmes -> related articles.

Segmenting every character of a 10,000-article corpus with jieba costs about a
minute on one core, so keywords come from where an article says what it is
about: the title (counted twice), the opening characters of the text, and every
quoted term of the whole text (“郑好融”, “一把手走流程”: the names of things, found
by a regular expression without segmentation). Words are ranked by count times
their rarity in jieba's own dictionary, so no corpus pass is needed and the
result depends on the article alone: the build can cache it by content hash.

`related` then ranks, for every article, the articles that share its
programmes first and its keywords next, through inverted indexes with capped
posting lists, never by comparing all pairs.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import compress
from operator import is_not
from typing import Protocol

from archive.jieba_import import jieba

LEAD_CHARS = 60  # characters of text segmented after the title: about the first sentence
KEYWORDS = 12  # keywords kept per article
TITLE_WEIGHT = 2
QUOTED_WEIGHT = 2
# A keyword shared by more articles than this says little about any pair of them;
# skipping it bounds the work of `related` by articles x KEYWORDS x MAX_POSTINGS.
MAX_POSTINGS = 100
# Programme neighbours considered per programme: the articles next to it in the given order.
PROGRAMME_WINDOW = 8

_QUOTED = re.compile(r"[“「『\"]([^“”「」『』\"\n]{2,16})[”」』\"]")
_WORD = re.compile(r"^[\u4e00-\u9fffA-Za-z][\u4e00-\u9fffA-Za-z0-9·]+$")
_MARKUP = re.compile(r"!\[[^\]]*\]\([^)]*\)|\]\([^)]*\)|^#{1,6}\s|[#*_`>\[\]]", re.M)
# ^#{1,6}\s under re.M, written to start with a literal "#" that the engine scans for.
_HEADING_MARK = re.compile(r"#(?<![^\n]#)#{0,5}\s")
_MARKED = re.compile(r"[#*_`>\[\]]")
# Words of news prose that name no subject: frequent verbs, time words, report boilerplate.
_STOPWORDS = frozenset((
    "本报讯", "记者", "通讯员", "目前", "近日", "今年", "去年", "以来", "日前", "同时",
    "此外", "通过", "进一步", "积极", "不断", "全面", "持续", "切实", "有效", "充分",
    "加强", "加快", "推进", "推动", "开展", "实现", "提升", "提高", "促进", "围绕",
    "坚持", "深入", "扎实", "工作", "相关", "有关", "各类", "各项", "一批", "一系列",
    "其中", "以及", "我们", "他们", "这里", "这个", "一个", "一些", "没有", "已经",
    "正在", "就是", "还是", "可以", "能够", "进行", "作为", "成为", "为了", "对于",
    "关于", "共计", "累计", "截至", "分别", "主要", "活动", "助力", "打造", "举行",
    "举办", "拉开帷幕", "重点", "首次", "探索", "模式", "新模式", "召开", "启动", "组织",
    "大力", "着力", "全力", "一步", "今天", "当天", "报道",
))  # fmt: skip


class Tokenizer(Protocol):
    """What keywords need of a jieba.Tokenizer: cut, and the dictionary's word counts."""

    FREQ: dict[str, int]
    total: int

    def lcut(self, sentence: str, cut_all: bool = False, HMM: bool = True) -> list[str]: ...

    def check_initialized(self) -> None: ...


def article_keywords(
    title: str,
    text: str,
    tokenizer: Tokenizer,
    limit: int = KEYWORDS,
    names: frozenset[str] = frozenset(),
) -> tuple[str, ...]:
    """The words an article is about, best first; depends on its own text only (cacheable).

    `names` are words added to the tokenizer's dictionary (places, programmes):
    their made-up dictionary frequency says nothing, so they rank as rare words.
    """
    tokenizer.check_initialized()
    body = _without_markup(text)
    counts: Counter[str] = Counter()
    _add(counts, cut(tokenizer, title), TITLE_WEIGHT)
    _add(counts, cut(tokenizer, _lead(body)), 1)
    _add(counts, [m.group(1).strip() for m in _QUOTED.finditer(body)], QUOTED_WEIGHT)
    freq, total, log = tokenizer.FREQ, tokenizer.total, math.log
    # Rarity, log(total / frequency) in jieba's dictionary, written out (it runs for some
    # forty words of every article); a word the dictionary lacks, or a name, counts as rare.
    ranked = sorted(
        (-n * log(total / (1 if word in names else freq.get(word) or 1)), word)
        for word, n in counts.items()
    )
    return tuple(word for _score, word in ranked[:limit])


def cut(tokenizer: Tokenizer, sentence: str) -> list[str]:
    """The words of tokenizer.lcut(sentence, HMM=False), in about half jieba's time.

    jieba builds a dict of word ends for every position, then scores the ends
    with a generator of tuples; this scores them as it finds them, with the
    same floating-point expressions and the same tie-break (the longer word),
    so the words are the same. Text outside Chinese blocks is split as jieba does.
    """
    words: list[str] = []
    log_total = math.log(tokenizer.total)
    for block in jieba.re_han_default.split(sentence):
        if not block:
            continue
        if jieba.re_han_default.match(block):
            words += _cut_block(tokenizer.FREQ, log_total, block)
            continue
        for part in jieba.re_skip_default.split(block):
            if jieba.re_skip_default.match(part):
                words.append(part)
            else:
                words.extend(part)
    return words


def _cut_block(freq: dict[str, int], log_total: float, block: str) -> list[str]:
    """jieba's dictionary-only cut of one block of Chinese, letters and digits."""
    log = math.log
    size = len(block)
    score = [0.0] * (size + 1)
    end = list(range(size))
    lookup = freq.get
    for start in range(size - 1, -1, -1):
        best: float | None = None
        stop = start
        count = lookup(block[start])
        while count is not None:
            if count:
                value = log(count) - log_total + score[stop + 1]
                if best is None or value >= best:  # ties: the later end, as max() of tuples
                    best, end[start] = value, stop
            stop += 1
            count = lookup(block[start : stop + 1]) if stop < size else None
        if best is None:
            best = log(freq.get(block[start]) or 1) - log_total + score[start + 1]
        score[start] = best
    words: list[str] = []
    letters = ""  # single letters and digits run together, as jieba does
    position = 0
    while position < size:
        after = end[position] + 1
        word = block[position:after]
        if len(word) == 1 and jieba.re_eng.match(word):
            letters += word
        else:
            if letters:
                words.append(letters)
                letters = ""
            words.append(word)
        position = after
    if letters:
        words.append(letters)
    return words


def _without_markup(text: str) -> str:
    """_MARKUP.sub("", text): without links or images, the same as two cheaper passes."""
    if "](" in text:
        return _MARKUP.sub("", text)
    # _MARKUP's first two branches need "](", its heading branch never ends on a marked
    # character, and the last branch takes single characters: so, headings' marks, then
    # every marked character left.
    return _MARKED.sub("", _HEADING_MARK.sub("", text))


def _lead(body: str) -> str:
    """The first LEAD_CHARS characters of prose, paragraphs joined."""
    return "".join(body.split())[:LEAD_CHARS]


def _add(counts: Counter[str], words: Sequence[str], weight: int) -> None:
    for word in words:
        if len(word) >= 2 and word not in _STOPWORDS and _WORD.match(word):
            counts[word] += weight


def related(
    keywords: Mapping[str, tuple[str, ...]],
    programmes: Mapping[str, tuple[str, ...]],
    k: int = 5,
) -> dict[str, tuple[str, ...]]:
    """Up to k related ids per article: most shared programmes first, then shared keywords.

    Ties go to the article nearest in the order of `keywords` (pass it sorted by
    date), then to the smaller id, so the result is deterministic.
    """
    return RelatedMemo().related(keywords, programmes, k)


@dataclass(slots=True)
class RelatedMemo:
    """`related` that remembers its last inputs and answers, to redo only what an edit touches.

    Plain data (dicts, lists, tuples), so it pickles. An article's answer is a
    function of: its own keywords and programmes, the posting list (and so the
    idf and the 2..MAX_POSTINGS filter) of each of its words, the members of each
    of its programmes, the order and N. So when N, the order and k are the same,
    an edit of one article's keywords can change the answers of that article
    and of the articles in the postings of the words it gained or lost (before
    and after, where the word passes the filter); an edit of its programmes,
    those of the members of the programmes it joined or left. Only these are
    computed again; anything else (an article added, deleted or moved in the
    order) computes everything. Answers that come out the same stay the very
    same tuple objects as before.
    """

    k: int = 0
    keywords: dict[str, tuple[str, ...]] = field(default_factory=dict)
    programmes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    results: dict[str, tuple[str, ...]] = field(default_factory=dict)
    order: dict[str, int] = field(default_factory=dict)
    postings: dict[str, list[str]] = field(default_factory=dict)  # every word, unfiltered
    word_index: dict[str, list[str]] = field(default_factory=dict)  # 2..MAX_POSTINGS only
    idf: dict[str, float] = field(default_factory=dict)
    members: dict[str, list[str]] = field(default_factory=dict)
    sets: dict[str, frozenset[str]] = field(default_factory=dict)
    recomputed: int = 0  # answers computed by the last call (tests, measurements)

    def related(
        self,
        keywords: Mapping[str, tuple[str, ...]],
        programmes: Mapping[str, tuple[str, ...]],
        k: int = 5,
    ) -> dict[str, tuple[str, ...]]:
        """The same as the function `related` of these inputs; a new dict each call."""
        changed = self._changed(keywords, programmes, k)
        if changed is None:
            self._compute_all(keywords, programmes, k)
        else:
            self._compute_some(keywords, programmes, changed)
        return dict(self.results)

    def _changed(
        self,
        keywords: Mapping[str, tuple[str, ...]],
        programmes: Mapping[str, tuple[str, ...]],
        k: int,
    ) -> list[str] | None:
        """Ids whose keywords or programmes differ, or None when all must be computed.

        None when k or the set of ids changed, or when the two mappings list the
        ids in different orders (the order is the keywords').
        """
        ids = list(keywords)
        if k != self.k or ids != list(programmes):
            return None
        if ids != list(self.keywords) or ids != list(self.programmes):
            if len(ids) != len(self.keywords) or not all(map(self.keywords.__contains__, ids)):
                return None
            return [
                i
                for i in ids
                if keywords[i] != self.keywords[i] or programmes[i] != self.programmes[i]
            ]
        # Identity first (an unchanged analysis hands the same tuple), equality for the rest.
        maybe = set(compress(ids, map(is_not, keywords.values(), self.keywords.values())))
        maybe.update(compress(ids, map(is_not, programmes.values(), self.programmes.values())))
        return [
            i
            for i in ids
            if i in maybe
            and (keywords[i] != self.keywords[i] or programmes[i] != self.programmes[i])
        ]

    def _compute_all(
        self,
        keywords: Mapping[str, tuple[str, ...]],
        programmes: Mapping[str, tuple[str, ...]],
        k: int,
    ) -> None:
        previous = self.results
        self.k = k
        self.keywords, self.programmes = dict(keywords), dict(programmes)
        self.order = {article_id: index for index, article_id in enumerate(keywords)}
        self.postings = _all_postings(keywords)
        self.word_index = {w: ids for w, ids in self.postings.items() if _passes(ids)}
        self.idf = {w: _idf(len(keywords), ids) for w, ids in self.word_index.items()}
        self.members = _programme_members(programmes, self.order)
        self.sets = {article_id: frozenset(names) for article_id, names in programmes.items()}
        self.results = {}
        self._answer(keywords, previous)

    def _compute_some(
        self,
        keywords: Mapping[str, tuple[str, ...]],
        programmes: Mapping[str, tuple[str, ...]],
        changed: list[str],
    ) -> None:
        touched: set[str] = set(changed)
        for article_id in changed:
            touched |= self._move_words(article_id, keywords[article_id])
            touched |= self._move_programmes(article_id, programmes[article_id])
        if list(keywords) != list(self.keywords):
            touched |= self._reorder(keywords)
            self.keywords, self.programmes = dict(keywords), dict(programmes)
        self._answer(touched, self.results)

    def _reorder(self, keywords: Mapping[str, tuple[str, ...]]) -> set[str]:
        """Take the new order of the same ids; the ids whose answer may change.

        Between two articles that kept their places, the distance that breaks
        ties is the same; so an answer can change only for an article that moved,
        one that has a moved article among its candidates (a shared keyword, or
        inside its programme window: both symmetric), and one whose programme
        window now holds other articles.
        """
        order = {article_id: index for index, article_id in enumerate(keywords)}
        moved = {i for i, index in order.items() if self.order[i] != index}
        touched = set(moved)
        for name in {p for i in moved for p in self.programmes[i]}:
            before = self.members[name]
            after = sorted(before, key=order.__getitem__)
            # An article's window starts from its first place in the list (_bisect_by_order).
            was, now = _first_places(before), _first_places(after)
            touched.update(i for i in now if _window(after, now[i]) != _window(before, was[i]))
            self.members[name] = after
        self.order = order
        for article_id in moved:
            for word in self.keywords[article_id]:
                touched.update(self.word_index.get(word, ()))
            for name in self.programmes[article_id]:
                touched.update(_neighbours(self.members[name], article_id, order))
        return touched

    def _answer(self, ids: Iterable[str], previous: Mapping[str, tuple[str, ...]]) -> None:
        """Compute the answers of ids; an answer equal to the previous one keeps its object."""
        count = 0
        for article_id in ids:
            found = _best(
                article_id,
                self.keywords,
                self.sets,
                self.word_index,
                self.idf,
                self.members,
                self.order,
                self.k,
            )
            before = previous.get(article_id)
            self.results[article_id] = before if before == found else found
            count += 1
        self.recomputed = count

    def _move_words(self, article_id: str, words: tuple[str, ...]) -> set[str]:
        """Put an article's new keywords in the postings; the ids whose answer may change."""
        before, after = Counter(self.keywords[article_id]), Counter(words)
        self.keywords[article_id] = words
        touched: set[str] = set()
        total = len(self.keywords)
        for word in before.keys() | after.keys():
            if before[word] == after[word]:
                continue
            ids = self.postings.setdefault(word, [])
            if _passes(ids):
                touched.update(ids)
            ids[:] = [i for i in ids if i != article_id] + [article_id] * after[word]
            if _passes(ids):
                touched.update(ids)
                self.word_index[word] = ids
                self.idf[word] = _idf(total, ids)
            else:
                self.word_index.pop(word, None)
                self.idf.pop(word, None)
            if not ids:
                del self.postings[word]
        return touched

    def _move_programmes(self, article_id: str, names: tuple[str, ...]) -> set[str]:
        """Put an article in its new programmes' member lists; the ids whose answer may change."""
        before, after = Counter(self.programmes[article_id]), Counter(names)
        self.programmes[article_id] = names
        self.sets[article_id] = frozenset(names)
        touched: set[str] = set()
        position = self.order[article_id]
        for name in before.keys() | after.keys():
            if before[name] == after[name]:
                continue
            ids = [i for i in self.members.get(name, ()) if i != article_id]
            at = _bisect_by_order(ids, position, self.order)
            ids[at:at] = [article_id] * after[name]
            touched.update(self.members.get(name, ()))
            touched.update(ids)
            if ids:
                self.members[name] = ids
            else:
                self.members.pop(name, None)
        return touched


def _passes(ids: Sequence[str]) -> bool:
    """A keyword links articles when 2..MAX_POSTINGS articles have it."""
    return 2 <= len(ids) <= MAX_POSTINGS


def _idf(total: int, ids: Sequence[str]) -> float:
    return math.log(total / len(ids)) + 1.0


def _all_postings(keywords: Mapping[str, tuple[str, ...]]) -> dict[str, list[str]]:
    """Keyword -> ids that have it (as often as they list it), in the given order."""
    index: dict[str, list[str]] = defaultdict(list)
    for article_id, words in keywords.items():
        for word in words:
            index[word].append(article_id)
    return dict(index)


def _programme_members(
    programmes: Mapping[str, tuple[str, ...]], order: Mapping[str, int]
) -> dict[str, list[str]]:
    """Programme -> its article ids in the given order."""
    members: dict[str, list[str]] = defaultdict(list)
    for article_id in sorted(programmes, key=lambda i: order.get(i, len(order))):
        for programme in programmes[article_id]:
            members[programme].append(article_id)
    return dict(members)


def _best(
    article_id: str,
    keywords: Mapping[str, tuple[str, ...]],
    programmes: Mapping[str, frozenset[str]],
    word_index: Mapping[str, list[str]],
    idf: Mapping[str, float],
    members: Mapping[str, list[str]],
    order: Mapping[str, int],
    k: int,
) -> tuple[str, ...]:
    """The k best candidates of one article."""
    similarity: dict[str, float] = defaultdict(float)
    for word in keywords[article_id]:
        for other in word_index.get(word, ()):
            similarity[other] += idf[word]
    own = programmes.get(article_id, frozenset())
    for programme in own:
        for other in _neighbours(members[programme], article_id, order):
            similarity[other] += 0.0  # a candidate even without a shared keyword
    similarity.pop(article_id, None)
    position = order[article_id]
    none: frozenset[str] = frozenset()
    # Rank: most shared programmes, most similar, nearest in order, then the smaller id.
    ranked = [
        (
            -len(own & programmes.get(other, none)) if own else 0,
            -score,
            abs(order.get(other, 0) - position),
            other,
        )
        for other, score in similarity.items()
    ]
    return tuple(row[3] for row in heapq.nsmallest(k, ranked))


def _neighbours(ordered: list[str], article_id: str, order: Mapping[str, int]) -> list[str]:
    """The PROGRAMME_WINDOW members on each side of an article in its programme's list."""
    return _window(ordered, _bisect_by_order(ordered, order[article_id], order))


def _first_places(ordered: list[str]) -> dict[str, int]:
    places: dict[str, int] = {}
    for position, article_id in enumerate(ordered):
        places.setdefault(article_id, position)
    return places


def _window(ordered: list[str], position: int) -> list[str]:
    return ordered[max(0, position - PROGRAMME_WINDOW) : position + PROGRAMME_WINDOW + 1]


def _bisect_by_order(ordered: list[str], target: int, order: Mapping[str, int]) -> int:
    lo, hi = 0, len(ordered)
    while lo < hi:
        middle = (lo + hi) // 2
        if order.get(ordered[middle], 0) < target:
            lo = middle + 1
        else:
            hi = middle
    return lo
