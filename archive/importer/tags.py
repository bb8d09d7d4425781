"""Tags: an item's title and body -> districts, programmes (known and new) and places.

`make_tagger(taxonomy)` builds the matching tables once; `Tagger.tag` is pure.

Districts come from the names of the taxonomy, scanned leftmost-longest so that
a name inside a longer one never counts (二七经开区 is 二七区, not 经开区): the
official name or an alias, or a street, town or community that belongs to one
district only. Names other cities use too (高新区) count only on a Zhengzhou
page and not right after another place name (洛阳高新区); a page whose other-city
names outnumber its Zhengzhou names gets no district; a district mentioned in
passing (far fewer times than the item's main one) is dropped.

Programmes are the taxonomy's names and aliases in any quoting, plus new ones:
quoted or 《》 names that read as initiatives (`_initiative` holds the
rules: an initiative suffix, a trigger word after the quote, a numbered shape,
a X+Y formula, a city brand, a launching verb before it, or a repeated name).
Places are the streets, towns, communities and villages named, known ones by
the taxonomy and unknown ones by their suffix where the left boundary is sure
(right after a known place, or named the same way twice).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from archive.model import Taxonomy
from archive.segment import Segmenter, make_segmenter
from archive.taxonomy import programme_key

# Function words: a name never contains one, and one may stand right before a
# name without being part of it ("在高新区", "和经开区", "是淮河路街道").
_STOP_CHARS = "的在和与及是到至对由向从将把被让给为以了等各该本全这那其每个"
# Also before a shared name such as 高新区 ("，高新区", "赴洛阳", "原经开区").
_FUNCTION_CHARS = frozenset(_STOP_CHARS + "于、原新老即赴往去来回")
# Characters that put a place right after them: 在西湖社区, 走进祥和社区.
_LOCATIVE_CHARS = frozenset("在于到至进住")
# 在乡镇, 在农村: after 在 these suffixes are too often words to make a name sure.
_RURAL = ("村", "镇", "乡")
_HAN = re.compile(r"[\u4e00-\u9fff]")


def _words(text: str) -> tuple[str, ...]:
    """A word list written as one space-separated string."""
    return tuple(text.split())


# A name ending in 区 followed by one of these is a word, not the district (中原区域).
_AFTER_DISTRICT_WORD = frozenset("域块")
# Short city names followed by these are roads or streets of Zhengzhou (南阳路).
_ROAD_CHARS = frozenset("路街道")
TITLE_WEIGHT = 2
# A community whose stem is this common a word (联合, 幸福) counts only right after its street.
COMMON_STEM_FREQ = 1000
# A district named at most 1/PASSING_RATIO as often as the item's main one is a passing mention.
PASSING_RATIO = 3
# Unknown places: suffix -> (shortest stem, longest stem).
_PLACE_SUFFIXES = (
    ("办事处", 2, 5),
    ("街道", 2, 5),
    ("社区", 2, 5),
    ("村", 2, 3),
    ("镇", 2, 3),
    ("乡", 2, 3),
)
_STEM_STOP = re.compile(f"[{_STOP_CHARS}]")
_STEM_WORDS = frozenset(
    _words(
        "城市 农村 乡村 城乡 老旧 熟人 和谐 文明 智慧 示范 美丽 贫困 先进 重点 试点 强村 社区 "
        "街道 乡镇 城镇 集镇 村镇 特色 所在 周边 辖区 附近 相关 全国 全省 全市 全区 各个 一个 "
        "驻村 回村 全村 本村 该村 邻村 新型 现代 平安 绿色 低碳 精品 完整 标准 无疫 "
        "红色 星级 五星 模范 样板 基层 农村 城区 老城 新建 安置 商品 转型"
    )
)
_AFTER_VILLAGE_WORD = frozenset("民委干组级落务庄里子")


@dataclass(frozen=True, slots=True)
class Tags:
    """What an item is about; `proposed` repeats the programmes not in the taxonomy."""

    districts: tuple[str, ...]
    programmes: tuple[str, ...]
    places: tuple[str, ...]
    proposed: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Name:
    """What a name in the text means: its kind, the districts it points to, its canonical form."""

    kind: str  # city, district, generic, place, elsewhere
    districts: tuple[str, ...] = ()
    canonical: str = ""
    level: str = ""  # places: subdivision or community


@dataclass(frozen=True, slots=True)
class _Hit:
    start: int
    end: int
    name: _Name
    in_title: bool


@dataclass(frozen=True, slots=True)
class Tagger:
    """Matching tables of one taxonomy; `tag` reads an item."""

    names: dict[str, _Name]
    lengths: dict[str, tuple[int, ...]]  # first character -> lengths of names, longest first
    programmes: dict[str, str]  # programme_key -> canonical name
    programme_keys: tuple[str, ...]  # longest first
    word_freq: Callable[[str], int]  # jieba's general dictionary: 一把手 is a word, not a name

    def tag(self, title: str, body: str) -> Tags:
        """Tag one item given its title and body text."""
        squashed_title = _squash(title)
        text = f"{squashed_title}\n{_squash(body)}"
        hits = self._scan(text, len(squashed_title))
        districts = _districts(hits)
        # Programmes read the text with its spaces: “二七帮 易企办” is two words in one name.
        known, new = find_programmes(
            f"{title}\n{body}", self.programmes, self.programme_keys, self.word_freq
        )
        places = _places(text, hits, foreign=not districts and _foreign(hits))
        return Tags(tuple(districts), tuple(known + new), tuple(places), tuple(new))

    def _scan(self, text: str, title_end: int) -> list[_Hit]:
        """Names leftmost-longest; a name that reads as something else yields to a shorter one."""
        hits: list[_Hit] = []
        i = 0
        while i < len(text):
            hit = self._hit_at(text, i, title_end, hits)
            if hit is None:
                i += 1
                continue
            hits.append(hit)
            i = hit.end
        return self._shared_suffixes(text, hits)

    def _hit_at(self, text: str, i: int, title_end: int, hits: list[_Hit]) -> _Hit | None:
        """The longest admissible name starting at i."""
        for length in self.lengths.get(text[i], ()):
            name = self.names.get(text[i : i + length])
            if name is not None:
                hit = _Hit(i, i + length, name, i < title_end)
                if _admissible(text, hit, hits, self.word_freq):
                    return hit
        return None

    def _shared_suffixes(self, text: str, hits: list[_Hit]) -> list[_Hit]:
        """京城路、索河街道: a list shares its last suffix, so 京城路 is 京城路街道 too."""
        extra = []
        for hit in hits:
            written = text[hit.start : hit.end]
            suffix = next((x for x in _LIST_SUFFIXES if written.endswith(x)), None)
            if hit.name.level != "subdivision" or not suffix or hit.start < 3:
                continue
            if text[hit.start - 1] not in _LIST_JOINERS:
                continue
            for length in range(5, 1, -1):
                start = hit.start - 1 - length
                name = self.names.get(text[max(start, 0) : hit.start - 1] + suffix)
                clean = start >= 0 and (
                    _clean_edge(text, start, _FUNCTION_CHARS) or any(h.end == start for h in hits)
                )
                if clean and name and name.kind == "place":
                    extra.append(_Hit(start, hit.start - 1, name, hit.in_title))
                    break
        return sorted(hits + extra, key=lambda h: h.start) if extra else hits


def make_tagger(taxonomy: Taxonomy, segmenter: Segmenter | None = None) -> Tagger:
    """Build the name tables of a taxonomy once; tag many items with the result.

    jieba's general dictionary tells common words from new programme names; pass
    the process's Segmenter to share it, else one is loaded here.
    """
    segmenter = segmenter or make_segmenter(taxonomy)
    names: dict[str, _Name] = {}
    for name in taxonomy.elsewhere:
        names[name] = _Name("elsewhere", canonical=name)
    _add_places(names, taxonomy)
    for district in taxonomy.districts:
        for name in (district.name, *district.aliases):
            names[name] = _Name("district", (district.name,), district.name)
        for name in district.generic_names:
            names[name] = _Name("generic", (district.name,), district.name)
    for mark in (taxonomy.city, taxonomy.city.removesuffix("市")):
        names[mark] = _Name("city", canonical=taxonomy.city)
    lengths: dict[str, set[int]] = {}
    for name in names:
        lengths.setdefault(name[0], set()).add(len(name))
    by_first = {first: tuple(sorted(found, reverse=True)) for first, found in lengths.items()}
    programmes = {
        programme_key(alias): p.name for p in taxonomy.programmes for alias in (p.name, *p.aliases)
    }
    keys = tuple(sorted(programmes, key=lambda k: (-len(k), k)))
    return Tagger(names, by_first, programmes, keys, segmenter.word_freq)


def _add_places(names: dict[str, _Name], taxonomy: Taxonomy) -> None:
    """Streets, towns and communities, each with every district that has one so named."""
    owners: dict[str, dict[str, str]] = {}  # written form -> {district: canonical}
    levels: dict[str, str] = {}
    for district in taxonomy.districts:
        for sub in district.subdivisions:
            for form in _street_forms(sub):
                owners.setdefault(form, {})[district.name] = sub
                levels[form] = "subdivision"
        for community, _street in district.communities:
            owners.setdefault(community, {})[district.name] = community
            levels.setdefault(community, "community")
    for form, by_district in owners.items():
        canonical = sorted(set(by_district.values()))[0]
        names[form] = _Name("place", tuple(sorted(by_district)), canonical, levels[form])


def _street_forms(name: str) -> tuple[str, ...]:
    """How papers write a street: 商都路街道, 商都路办事处, 商都路街道办事处."""
    if not name.endswith("街道"):
        return (name,)
    stem = name[: -len("街道")]
    return (name, f"{stem}办事处", f"{name}办事处", f"{name}办")


def _squash(text: str) -> str:
    """Drop whitespace inside the text: names must match across extraction spaces."""
    return re.sub(r"[ \t\u3000]+", "", text)


def _admissible(text: str, hit: _Hit, hits: list[_Hit], word_freq: Callable[[str], int]) -> bool:
    """Reject names that are only words (中原区域), roads (南阳路) or another city's zone."""
    kind = hit.name.kind
    written = text[hit.start : hit.end]
    after = text[hit.end : hit.end + 1]
    previous = hits[-1] if hits else None
    adjacent = previous is not None and previous.end == hit.start
    before = text[hit.start - 1] if hit.start else ""
    clean_left = adjacent or _clean_edge(text, hit.start, _FUNCTION_CHARS)
    if hit.name.level == "community":
        placed = adjacent or before in _LOCATIVE_CHARS
        return _community_admissible(written, clean_left, placed, word_freq)
    if written.endswith("区") and after in _AFTER_DISTRICT_WORD:
        return False
    if len(written) == 2 and kind in ("district", "elsewhere"):
        # 聚焦作风 is not 焦作, 创新郑州 not 新郑, 南阳路 a road, not 南阳.
        return clean_left and after not in _ROAD_CHARS and after != "州"
    if kind != "generic":
        return True
    return previous.name.kind == "city" if adjacent else clean_left


def _community_admissible(
    written: str, clean_left: bool, placed: bool, word_freq: Callable[[str], int]
) -> bool:
    """A short (范村 in 示范村) or word-like (联合社区民警) community needs a sure left edge.

    `placed`: right after its street or district, or after 在/到 (在西湖社区).
    """
    stem = written.removesuffix("社区").removesuffix("村")
    if len(stem) > 1 and word_freq(stem) >= COMMON_STEM_FREQ:
        return placed
    return clean_left or len(stem) > 1


def _foreign(hits: list[_Hit]) -> bool:
    """Does the item name other cities more often than Zhengzhou, its districts and streets?"""
    foreign = sum(_weight(h) for h in hits if h.name.kind == "elsewhere")
    local = sum(_weight(h) for h in hits if h.name.kind in ("city", "district"))
    local += sum(_weight(h) for h in hits if h.name.kind == "place" and len(h.name.districts) == 1)
    return foreign > local


def _weight(hit: _Hit) -> int:
    """A name in the title says more about the item than one in the body."""
    return TITLE_WEIGHT if hit.in_title else 1


def _districts(hits: list[_Hit]) -> list[str]:
    """The districts the item is about, most named first."""
    if _foreign(hits):
        return []
    local = any(h.name.kind in ("city", "district") for h in hits)
    foreign = any(h.name.kind == "elsewhere" for h in hits)
    scores: Counter[str] = Counter()
    first: dict[str, int] = {}
    for hit in hits:
        if hit.name.kind == "generic" and foreign and not local:
            continue
        if hit.name.kind in ("district", "generic", "place") and len(hit.name.districts) == 1:
            district = hit.name.districts[0]
            scores[district] += _weight(hit)
            first.setdefault(district, hit.start)
    if not scores:
        return []
    # A district named once in a city-wide item (郑州市 four times) is an example, not the subject.
    city = sum(_weight(h) for h in hits if h.name.kind == "city")
    top = max(*scores.values(), city)
    kept = [d for d, score in scores.items() if score * PASSING_RATIO >= top]
    return sorted(kept, key=lambda d: (-scores[d], first[d]))


def _places(text: str, hits: list[_Hit], foreign: bool) -> list[str]:
    """Known places in order of first mention, then unknown ones found by suffix."""
    found: list[str] = []
    if not foreign:
        found += [h.name.canonical for h in hits if h.name.kind == "place"]
    found += _unknown_places(text, hits)
    return list(dict.fromkeys(found))


def _unknown_places(text: str, hits: list[_Hit]) -> list[str]:
    """X社区, X村, X街道, X镇, X乡, X办事处 not in the taxonomy, with a sure left edge."""
    covered = bytearray(len(text))
    for hit in hits:
        covered[hit.start : hit.end] = b"\x01" * (hit.end - hit.start)
    anchors = {h.end for h in hits if h.name.kind != "city"}
    anchored: set[str] = set()
    counts: Counter[str] = Counter()
    order: dict[str, int] = {}
    for start, end in _unknown_place_spans(text, covered, anchors):
        name = text[start:end]
        located = start and text[start - 1] in _LOCATIVE_CHARS and not name.endswith(_RURAL)
        if start in anchors or located:
            anchored.add(name)
        else:
            counts[name] += 1
        order.setdefault(name, start)
    repeated = {name for name, n in counts.items() if n >= 2}
    return sorted(anchored | repeated, key=order.__getitem__)


def _unknown_place_spans(
    text: str, covered: bytearray, anchors: set[int]
) -> Iterator[tuple[int, int]]:
    """Each suffix's longest stem that starts after a known name or a clean edge."""
    for suffix, shortest, longest in _PLACE_SUFFIXES:
        for match in re.finditer(suffix, text):
            end = match.end()
            if any(covered[match.start() : end]) or _not_a_place(text, suffix, end):
                continue
            for start in range(match.start() - longest, match.start() - shortest + 1):
                if (
                    start < 0
                    or any(covered[start:end])
                    or not _good_stem(text[start : match.start()])
                ):
                    continue
                if start in anchors or _clean_edge(text, start, _STOP_CHARS):
                    yield start, end
                    break


def _clean_edge(text: str, start: int, words: str | frozenset[str]) -> bool:
    """Does a name start here for sure: at the start, after punctuation or one of `words`?"""
    return start == 0 or not _HAN.match(text[start - 1]) or text[start - 1] in words


# 水镇, 古镇, 小镇 name a tourist venue or a themed quarter (贾鲁水镇灯会), not a town.
_VENUE_TOWN = ("水镇", "古镇", "小镇")


def _not_a_place(text: str, suffix: str, end: int) -> bool:
    """村民, 村委, 村干部: 村 starting a word is no village name's end; nor is a venue a town."""
    after = text[end : end + 1]
    if suffix == "镇" and text[max(0, end - 2) : end] in _VENUE_TOWN:
        return True
    return suffix == "村" and after in _AFTER_VILLAGE_WORD


def _good_stem(stem: str) -> bool:
    """Could this be the name part of a place: Chinese, no function word, not generic?"""
    return (
        all(_HAN.match(ch) for ch in stem)
        and not _STEM_STOP.search(stem)
        and stem not in _STEM_WORDS
        and not any(stem.endswith(w) or stem.startswith(w) for w in ("社区", "街道", "村", "乡镇"))
    )


# --- programmes ------------------------------------------------------------------

# Quoted spans: the inner text of “…”, ‘…’, 《…》, 「…」 and "…" on one line.
_QUOTES = re.compile(
    r"“([^“”\n]{1,40})”|‘([^‘’\n]{1,40})’|《([^《》\n]{1,40})》|「([^「」\n]{1,40})」|\"([^\"\n]{1,40})\""
)
_CLAUSE_PUNCT = re.compile(r"[，。、；：！？,;:!?…—－→（）()\[\]【】/]")
_DOTS = re.compile(r"[·•・‧∙⋅﹒]")
_YEAR = re.compile(r"(19|20)\d\d")
_ASCII_NAME = re.compile(r"^[0-9A-Za-z+×*＋.]+$")
_NUMERALS = "一二两三四五六七八九十双百千万"
_NUMBERED = re.compile(rf"^[{_NUMERALS}][^{_NUMERALS}\d]{{1,2}}[{_NUMERALS}零][^\d]{{1,3}}$")
_FORMULA = re.compile(r"^[\u4e00-\u9fff]{2,5}\+[\u4e00-\u9fff]{2,5}$")
# Names ending so are initiatives whatever surrounds them.
_NAME_SUFFIXES = _words(
    "行动 计划 工程 平台 品牌 机制 模式 大舞台 驿站 工作法 攻坚战 活动 云平台 服务港湾 加油站 "
    "长制 承诺制 负责制"
)
# Names ending so are people, bodies or places, not initiatives.
_NOT_NAME_SUFFIXES = _words(
    "员 官 团 队 会 组 部 委 人 者 手 书记 中心 所 局 院 校 公司 室 区 县 市 省 街道 社区 村 镇 "
    "乡 路 企业 冠军"
)
# Names ending so are never initiatives, whatever follows: companies, villages.
_NEVER_SUFFIXES = ("企业", "公司", "社区", "村", "街道", "镇", "乡", "路")
# Words right after a quote that make it an initiative: “郑好融”平台, “双轮驱动”工作领导小组.
_AFTER_WORDS = _words(
    "服务品牌 品牌 平台 小程序 APP App app 活动 行动 机制 模式 工作 工程 项目 体系 制度 改革 "
    "系统 实践 攻坚 专项 专班 计划 政策 服务模式 服务机制 体验活动 战略 工作法"
)
# Words a short window after the quote may end with: “政企码”入企扫码制度.
_WINDOW_ENDS = ("制度", "机制", "模式", "平台", "品牌", "服务", "行动", "工程", "方案", "体系")
_WINDOW = 10
_HEAD = 10
# A word this common in jieba's dictionary (一对一, 加速度) is no new name even before 服务.
COMMON_NAME_FREQ = 50
_PLACE_AFTER = "(社区|村|街道|镇|乡|路|街|区|县|市)"
# Verbs that launch an initiative right before its quoted name: 开展“免申即享”.
_LAUNCH_VERBS = _words(
    "定为 开展 实施 推行 打造 启动 开通 组建 创建 探索 实行 开启 深化 上线 建成 推广"
)
_LIST_JOINERS = frozenset("和与及、")
_LIST_SUFFIXES = ("街道", "镇", "乡")
# A Zhengzhou city brand: 郑好办, 郑好融, 郑聚英才计划 (but not the place 郑州, 郑东).
_BRAND = re.compile(r"^郑(?!州|东)[\u4e00-\u9fff]{2,5}$")


@dataclass(frozen=True, slots=True)
class _Quote:
    start: int
    end: int
    text: str  # inner text, spaces removed, dots unified


def find_programmes(
    text: str,
    programmes: dict[str, str],
    keys: tuple[str, ...],
    word_freq: Callable[[str], int] = lambda word: 0,
) -> tuple[list[str], list[str]]:
    """Known programmes in order of first mention, and new initiative names not in the taxonomy."""
    plain = programme_key(text)
    known = _known_programmes(plain, programmes, keys)
    known_keys = {programme_key(k) for k in keys}
    new: dict[str, str] = {}
    for name in _new_programmes(text, plain, word_freq):
        key = programme_key(name)
        if key in known_keys or any(k in key or key in k for k in known_keys):
            continue
        new.setdefault(key, name)
    # 二七帮 inside 二七帮易企办 is a part, not a name; 容缺受理 inside 容缺受理+告知承诺 is both.
    kept = [
        n
        for k, n in new.items()
        if not any(k != other and k in other and "+" not in other for other in new)
    ]
    return known, kept


def _known_programmes(plain: str, programmes: dict[str, str], keys: tuple[str, ...]) -> list[str]:
    """The taxonomy's programmes named in the text (quotes, spaces and dots removed)."""
    found: dict[str, int] = {}
    taken = bytearray(len(plain))
    for key in keys:  # longest first, so a name inside a longer one is not counted twice
        start = plain.find(key)
        while start != -1:
            if not any(taken[start : start + len(key)]):
                taken[start : start + len(key)] = b"\x01" * len(key)
                name = programmes[key]
                found[name] = min(found.get(name, start), start)
            start = plain.find(key, start + 1)
    return sorted(found, key=found.__getitem__)


def _quotes(text: str) -> list[_Quote]:
    """Every quoted or 《》 span with its inner text normalised."""
    quotes = []
    for match in _QUOTES.finditer(text):
        inner = re.sub(r"[‘’“”]", "", next(g for g in match.groups() if g is not None))
        parts = inner.split()
        # Words set apart by a space are a dotted name (二七帮·易企办); single
        # characters apart are extraction noise (群 众).
        joiner = "·" if len(parts) > 1 and all(len(p) > 1 for p in parts) else ""
        # Full-width digits, letters and plus signs read as ASCII: “１＋５＋Ｎ” is “1+5+N”.
        clean = _DOTS.sub("·", unicodedata.normalize("NFKC", joiner.join(parts)))
        quotes.append(_Quote(match.start(), match.end(), clean))
    return sorted(quotes, key=lambda q: q.start)


def _new_programmes(text: str, plain: str, word_freq: Callable[[str], int]) -> list[str]:
    """Quoted names that read as initiatives (see the module docstring)."""
    quotes = _quotes(text)
    found: list[str] = []
    for index, quote in enumerate(quotes):
        after = _after_window(text, quotes, index)
        before = text[max(0, quote.start - 6) : quote.start].rstrip()[-2:]
        name = _initiative(quote.text, after, before, plain, word_freq)
        if name:
            found.append(name)
        elif "·" in quote.text:  # “万人助万企·金秋招聘月”: the programme and its event
            found += _dotted_parts(quote.text, after, before, plain, word_freq)
    return found


def _dotted_parts(
    name: str, after: str, before: str, plain: str, word_freq: Callable[[str], int]
) -> list[str]:
    """The parts of a dotted quote that are initiatives on their own."""
    parts = name.split("·")
    found = []
    for index, part in enumerate(parts):
        part_before = before if index == 0 else ""
        part_after = after if index == len(parts) - 1 else ""
        if accepted := _initiative(part, part_after, part_before, plain, word_freq):
            found.append(accepted)
    return found


def _after_window(text: str, quotes: list[_Quote], index: int) -> str:
    """The words after a quote, or after the last quote of a list “A”“B”和“C”."""
    end = quotes[index].end
    for nxt in quotes[index + 1 :]:
        gap = text[end : nxt.start]
        if len(gap) > 1 or (gap and gap not in _LIST_JOINERS):
            break
        end = nxt.end
    window = re.match(r"[^，。、；：！？,;:!?…—“”‘’《》()（）\s]{0,12}", text[end:])
    return window.group(0) if window else ""


def _initiative(
    name: str, after: str, before: str, plain: str, word_freq: Callable[[str], int]
) -> str:
    """The initiative name a quote gives, or "" when it reads as anything else."""
    core = name.replace("·", "").replace("+", "")
    if _ASCII_NAME.match(name):
        return _numbered_name(name, after)
    if _CLAUSE_PUNCT.search(name) or not 3 <= len(core) <= 12 or _YEAR.search(name):
        return ""
    if after.startswith("的") or _names_a_place(name, plain):
        return ""
    if _description(name, after, before, plain, word_freq):
        return ""
    freq = word_freq(name)
    if _after_trigger(after) and freq < COMMON_NAME_FREQ and not name.endswith(_NEVER_SUFFIXES):
        return name  # “绿城使者”行动, “文旅兴市”战略: the word after decides
    if name.endswith(_NOT_NAME_SUFFIXES):
        return ""
    # Shapes are strong unless the dictionary knows the words: 千方百计, 郑重承诺.
    shaped = (_NUMBERED.match(core) and freq == 0) or (
        _BRAND.match(name) and word_freq(name[:2]) == 0
    )
    strong = (
        name.endswith(_NAME_SUFFIXES)
        or (name.endswith("日") and len(core) >= 5)
        or _FORMULA.match(name)
        or shaped
    )
    if strong:
        return name
    weak = before.endswith(_LAUNCH_VERBS) or plain.count(programme_key(name)) >= 2
    return name if weak and freq == 0 and not _common_compound(name, word_freq) else ""


def _description(
    name: str, after: str, before: str, plain: str, word_freq: Callable[[str], int]
) -> bool:
    """Quoted words that describe rather than name: the recipe of a model, said once
    (“线上+线下”立体化模式, “基地+电商”等模式), a way of doing (“就近办”“网上办”), the
    focus of something else (以“一老一小”为切入点), an ordinary event
    (“大学生开放日活动”)."""
    if "+" in name and "模式" in after and plain.count(programme_key(name)) < 2:
        return True
    if name.endswith("办") and len(name) <= 4 and word_freq(name[:-1]) > 0:
        return True
    if before.endswith("以") and after.startswith("为") and not name.endswith(_NAME_SUFFIXES):
        return True
    stem = name.removesuffix("活动")
    return stem != name and _plain_words(stem, word_freq)


def _plain_words(text: str, word_freq: Callable[[str], int]) -> bool:
    """Can the text be read as a row of dictionary words of two or more characters?"""
    ends = [True] + [False] * len(text)
    for end in range(2, len(text) + 1):
        ends[end] = any(
            ends[start] and word_freq(text[start:end]) > 0
            for start in range(max(0, end - 4), end - 1)
        )
    return ends[-1]


def _common_compound(name: str, word_freq: Callable[[str], int]) -> bool:
    """A short quote that is one common word with a prefix (“自组织” = 自 + 组织): a term."""
    return len(name) == 3 and (
        word_freq(name[1:]) >= COMMON_NAME_FREQ or word_freq(name[:2]) >= COMMON_NAME_FREQ
    )


def _names_a_place(name: str, plain: str) -> bool:
    """“八卦庙” where the text also has 八卦庙社区: the quote names a place."""
    return re.search(re.escape(name) + _PLACE_AFTER, plain) is not None


def _after_trigger(after: str) -> bool:
    """Do the words after a quote say it is an initiative: 平台, 活动, …制度?"""
    if after.startswith("等"):
        after = after[1:]
    if after.startswith(_AFTER_WORDS) and not after.startswith(("服务队", "服务站")):
        return True
    if after == "服务":
        return True
    # “政企码”入企扫码制度, “A”“B”等多种办事模式落地: a few words, then what it is.
    head = after[:_HEAD]
    if "的" in head:
        return False
    named = any(end in head and not head.startswith(end) for end in _WINDOW_ENDS if end != "服务")
    return named or (head.endswith("服务") and head == after)


def _numbered_name(name: str, after: str) -> str:
    """“12345”优商攻坚行动 -> 12345优商攻坚行动: a number names the words after it."""
    words = after[:_WINDOW]
    if (
        words
        and _HAN.match(words[0])
        and words == after
        and words.endswith(_NAME_SUFFIXES + _WINDOW_ENDS)
    ):
        return name + words
    return ""
