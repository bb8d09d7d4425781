"""Stage: article text -> key figures (amounts, counts, percentages with what they count).

One compiled regular expression finds every number followed by a unit; the
label is the noun phrase the clause attaches to it: the words after a count
("建成9家金融服务港湾" -> 金融服务港湾) or else the words before the number,
trimmed of framing words and linking verbs ("群众满意率达99.38%" -> 群众满意率).
No segmentation: it runs on every article of every build, so it must stay a
few regex passes per article. Dates, years, ordinals, list formulas such as
“1+5+N”, phone numbers and numbers inside quoted names are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

KINDS = ("amount", "count", "percent")

# Units; _alternation tries the longest first, so 人次 wins over 人 and 个百分点 over 个.
_AMOUNT_UNITS = ("美元", "港元", "欧元", "元")
_COUNT_UNITS = (
    "人次", "件次", "户次", "场次", "批次", "个", "件", "家", "人", "次", "项", "条", "套",
    "名", "户", "起", "场", "所", "座", "栋", "辆", "台", "处", "支", "批", "宗", "份", "笔",
    "张", "间", "位", "只", "头", "株", "棵", "盏", "块", "本", "册", "篇", "期", "轮",
)  # fmt: skip
_PERCENT_UNITS = ("%", "％", "个百分点")

# A number right after one of these is part of a code, formula, version or ordinal.
_GLUE_BEFORE = "0123456789.,ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+×*/-_~～第"
# \d\d* rather than \d+: a pattern whose first item is a character class lets the regex
# engine skip ahead to the next digit instead of trying a match at every character. So the
# check for glue comes after the first digit; it refuses a digit before it too, because a
# figure never starts after a digit (the match would have started there) and a glued number
# must not leave a figure in its own full-width digits (5G３３个 has none).
_NUMBER = rf"\d(?<![{re.escape(_GLUE_BEFORE)}\d]\d)\d*(?:,\d{{3}})*(?:\.\d+)?"
_APPROX = r"(?:余|多)?"
_MAGNITUDE = r"(?:千万|百万|万|亿|千)?"


def _alternation(units: tuple[str, ...]) -> str:
    return "|".join(re.escape(u) for u in sorted(units, key=len, reverse=True))


_FIGURE = re.compile(
    rf"(?P<number>{_NUMBER})\s?(?P<scale>{_APPROX}{_MAGNITUDE}{_APPROX})\s?"
    rf"(?:(?P<percent>{_alternation(_PERCENT_UNITS)})"
    rf"|(?P<amount>{_alternation(_AMOUNT_UNITS)})"
    rf"|(?P<count>{_alternation(_COUNT_UNITS)}))"
    # A count glued to a time word is a duration (3个月, 5个工作日); a glued symbol is a code.
    r"(?!月|工作日|小时|星期|季度|年|[A-Za-z\d+×*/\-~～])"
)
# The outer group closes last, so a match's last group names its kind, as in _FIGURE.
_PERCENT_WORDS = re.compile(
    r"(?P<percent>百分之(?P<number>\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百点]+))"
)

# Where a clause ends: a label never crosses these.
# Digits end a clause too: the phrase before a number stops at the previous figure.
_BREAKS = r"，,；;：:。！？!?、\n()（）【】\[\]\d%％"
_NOT_BREAK = re.compile(rf"[^{_BREAKS}]*")
# Up to the last break: from the end of a window back, without copying the window reversed.
_TO_LAST_BREAK = re.compile(rf".*[{_BREAKS}]", re.DOTALL)
_NUMBER_CHARS = frozenset("0123456789%％")
_MAX_CLAUSE = 60
_HAN = re.compile(r"[\u4e00-\u9fff]")
_SPACE = re.compile(r"\s")
_NOT_SENTENCE_END = re.compile(r"[^。！？!?\n]*")
_SENTENCE_REST = re.compile(r"[^。！？!?\n]*[。！？!?]*[”’）)]?")
_MAX_SENTENCE = 300
# A number just before another number or a range word belongs to a range or a date.
_RANGE_WORDS = frozenset("至到~～-—")
_RANGE_NEXT = re.compile(r"\s?(?:至|到|~|～|-|—)\s?\d")
_RANGE_BEFORE = re.compile(r"[\d万亿千元个%％]\s?(?:至|到|~|～|-|—)\s?$")

# Framing words at the start of a clause that say when or how, not what.
_FRAMES = (
    "目前", "当前", "截至目前", "截至", "截止目前", "截止", "至今", "今年以来", "今年", "去年",
    "近年来", "近期", "近日", "上半年", "下半年", "全年", "一季度", "二季度", "三季度", "四季度",
    "年内", r"\d{4}年(?:以来|底|初|内)?", r"\d{1,2}月(?:份|以来|底|初)?", "其中", "此外", "另外",
    "同时", "并", "还", "又", "已经", "已", "共计", "共有", "共", "累计", "总计", "先后", "全区",
    "全市", "全县", "全镇", "全街道", "当天", "现场", "通过", "帮助", "以", "向", "为", "对", "在",
    "让", "使",
)  # fmt: skip
_LEAD = re.compile(rf"^(?:{'|'.join(_FRAMES)})+")
# The first characters a framing word can start with (and digits, for dates): a phrase that
# starts with none of them is spared the regex.
_FRAME_STARTS = frozenset(frame[0] for frame in _FRAMES if frame[0] != "\\")
# Linking words at the end of a clause before the number: 达, 约, 超过 ...
_LINKS = (
    "高达", "达到", "已达", "达", "为", "是", "约", "超过", "超", "近", "逾", "突破", "共有", "有",
    "了", "等", "计", "合计", "分别", "总", "至", "占", "由", "实现",
)  # fmt: skip
_TRAIL = re.compile(
    r"(?:已|共|累计|总计|共计|合计|分别)?(?:"
    + "|".join(r"(?<![签预合公条节制契])约" if link == "约" else link for link in _LINKS)
    + ")+$"
)
# A phrase can only end in a linking word if it ends in one's last character; most do not,
# and the check spares them a regex pass that would try every position.
_LINK_ENDS = frozenset(link[-1] for link in _LINKS)
# Verbs that open the phrase a figure counts: keep "申请贷款", drop who applied.
_VERBS = (
    "申请", "发放", "解决", "受理", "办理", "办结", "完成", "实现", "新增", "招聘", "招引",
    "引进", "签约", "化解", "收集", "交办", "上报", "走访", "覆盖", "提供", "培训", "举办",
    "开展", "吸纳", "带动", "促进", "安置", "建成", "打造", "设立", "推出", "发现", "整改",
    "征集", "减免", "节约", "节省", "拨付", "兑现", "兑付", "争取", "投入", "落实", "接待",
    "处理", "回复", "调解", "救助", "慰问", "发布", "组织", "吸引", "达成", "签订",
    "谋划", "帮办", "代办", "接听", "受益", "惠及", "减少", "压缩", "提升", "增长", "下降",
    "培育", "获批", "认定", "培养", "引育", "孵化", "走访", "收到", "帮扶", "资助", "补贴",
)  # fmt: skip
_VERB_SET = frozenset(_VERBS)
# The last verb of a phrase is the first of its reversed text (every verb has two characters).
_REVERSED_VERB = re.compile("|".join(verb[::-1] for verb in _VERBS))
# What a count names when it comes after the number: stops at verbs and particles.
_NOUN_AFTER = re.compile(
    r"^(?P<noun>(?:“[^”\n]{1,15}”|[\u4e00-\u9fff]){1,14}?)"
    r"(?=$|[^\u4e00-\u9fff]|的|均|都|已|正|将|为|是|在|被|获|共|全|和|与|及|实现|参与|入驻|"
    r"提供|接受|达成|完成|进行|开展|纳入|通过|得到|累计|分别|以上|以下|左右|等|作为|成为|担任|"
    r"招聘|申请|参加|获得|享受|走上|积极|成功|陆续|正在|瞬间|顺利|制作|同步|线上|线下|运行|"
    r"设立|建立|组建|开通|上线|实施|全部|全面|基本)"
)
_NOT_A_NOUN = re.compile(r"^(?:以上|以下|左右|之多|上下|次|的|多|余|为|是|均|都|已|将|在|被|获|共)")
# What a split at a digit leaves of the previous figure: its scale and unit (50余家 -> 家).
_UNIT_TAIL = re.compile(
    r"^(?:余|多)?(?:万|亿|千)?(?:余|多)?"
    rf"(?:{_alternation(_AMOUNT_UNITS + _COUNT_UNITS + _PERCENT_UNITS)}"
    r"|天|年|月|日|号|岁|周|小时|分钟|米|平方米|公里|吨)?(?:以上|以下|左右)?"
)
# Labels that say nothing about what is counted.
_EMPTY_LABELS = frozenset(("计划", "预计", "目标", "力争", "其中", "分别", "合计", "总计"))
_MAX_LABEL = 24


@dataclass(frozen=True, slots=True)
class Figure:
    """One key figure: the value as printed, what it counts, its kind and its sentence."""

    value: str
    label: str
    kind: str
    sentence: str


def extract_figures(text: str) -> tuple[Figure, ...]:
    """Every labelled amount, count and percentage in the text, in order, without repeats."""
    return tuple(
        Figure(value, label, kind, _sentence(text, start))
        for value, label, kind, start in _distinct(text)
    )


def key_figures(text: str) -> tuple[tuple[str, str, str], ...]:
    """extract_figures(text) as (label, value, kind), without their sentences.

    The build shows no sentence, and finding one costs a tenth of the extraction.
    """
    return tuple((label, value, kind) for value, label, kind, _start in _distinct(text))


def _distinct(text: str) -> list[tuple[str, str, str, int]]:
    """(value, label, kind, offset) of each figure in text order, the first of repeats."""
    found = []
    seen: set[tuple[str, str]] = set()
    for figure in _figures(text):
        if figure[:2] not in seen:
            seen.add(figure[:2])
            found.append(figure)
    return found


def _figures(text: str) -> list[tuple[str, str, str, int]]:
    """(value, label, kind, offset) of each figure in text order, repeats included."""
    matches: Iterable[re.Match[str]] = _FIGURE.finditer(text)
    if "百分之" in text:  # rare: most texts have no percentage in words to merge in
        matches = sorted([*matches, *_PERCENT_WORDS.finditer(text)], key=lambda m: m.start())
    figures = []
    for match in matches:
        start = match.start()
        if _quoted(text, start) or _is_range(text, match) or _is_phone(match):
            continue
        kind = match.lastgroup  # the unit's group: the last one a match closes
        label = _label(text, start, match.end(), kind)
        if label:
            figures.append((_without_spaces(match.group(0)), label, kind, start))
    return figures


def _without_spaces(value: str) -> str:
    """65 万件 -> 65万件 (PDF extraction leaves spaces); most values have none to take out."""
    # Every character \s matches but the plain space is unprintable.
    return _SPACE.sub("", value) if " " in value or not value.isprintable() else value


def _quoted(text: str, position: int) -> bool:
    """Inside “…” or 《…》 close by: a name such as “12345”热线 or 《2024年方案》."""
    # Conditional expressions, not max(): this runs for every figure.
    lo = text.rfind("“", position - 40 if position > 40 else 0, position)
    if lo != -1 and text.find("”", lo, position) == -1:
        return text.find("”", position, position + 40) != -1
    lo = text.rfind("《", position - 60 if position > 60 else 0, position)
    if lo != -1 and text.find("》", lo, position) == -1:
        return text.find("》", position, position + 60) != -1
    return False


def _is_range(text: str, match: re.Match[str]) -> bool:
    """200亿至400亿元 and 6-8月: a range or date part is not one figure."""
    # Each pattern needs a range word or a space next to the figure: look before matching.
    for end in (match.end("number"), match.end()):
        follower = text[end : end + 1]
        if (follower in _RANGE_WORDS or follower.isspace()) and _RANGE_NEXT.match(text, end):
            return True
    start = match.start()
    before = text[start - 1] if start else ""
    return (before in _RANGE_WORDS or before.isspace()) and _RANGE_BEFORE.search(
        text, start - 8 if start > 8 else 0, start
    ) is not None


def _is_phone(match: re.Match[str]) -> bool:
    digits = match.group("number")
    return "." not in digits and "," not in digits and len(digits) >= 7 and digits[0] == "0"


def _label(text: str, start: int, end: int, kind: str) -> str:
    """What the figure counts: the noun after a count, else the phrase before the number."""
    window = start - _MAX_CLAUSE if start > _MAX_CLAUSE else 0
    clause = _TO_LAST_BREAK.match(text, window, start)
    lo = clause.end() if clause else window
    fragment = text[lo:start]
    if lo and text[lo - 1] in _NUMBER_CHARS:
        fragment = fragment[_UNIT_TAIL.match(fragment).end() :]
    before = _label_before(fragment)
    if kind == "count" or not before or before[-2:] in _VERB_SET:  # the noun may follow
        after = _NOT_BREAK.match(text, end, end + _MAX_CLAUSE).group().strip()
        noun = None if not after or _NOT_A_NOUN.match(after) else _NOUN_AFTER.match(after)
        if noun and len(noun.group("noun")) >= 2:
            return _balanced(noun.group("noun"))
    return "" if before in _VERB_SET or before in _EMPTY_LABELS else before


def _label_before(fragment: str) -> str:
    """The noun phrase before a number: framing and linking words off, cut at its last verb."""
    phrase = fragment.strip()
    head = phrase[:1]
    if head in _FRAME_STARTS or head.isdecimal():  # what \d matches
        lead = _LEAD.match(phrase)
        if lead:
            phrase = phrase[lead.end() :]
    if phrase[-1:] in _LINK_ENDS:
        phrase = _TRAIL.sub("", phrase)
    if len(phrase) > 8:
        start = _last_verb(phrase)
        if start is not None and len(phrase) - start >= 4:
            while phrase[max(0, start - 2) : start] in _VERB_SET:  # 收集交办问题: both verbs
                start -= 2
            phrase = phrase[start:]
    phrase = _balanced(phrase[-_MAX_LABEL:] if len(phrase) > _MAX_LABEL else phrase)
    if len(phrase) < 2:
        return ""
    return phrase if "\u4e00" <= phrase[-1] <= "\u9fff" or _HAN.search(phrase) else ""


def _last_verb(phrase: str) -> int | None:
    """Where the verb starts that no other verb follows, as a search for verb-then-no-verb would.

    A verb overlapping the last one (…V1V2 sharing a character) starts there.
    """
    verb = _REVERSED_VERB.search(phrase[::-1])
    if verb is None:
        return None
    last = len(phrase) - verb.end()
    return last - 1 if last and phrase[last - 1 : last + 1] in _VERB_SET else last


def _balanced(phrase: str) -> str:
    """Close a quote the clause opened (“一件事 -> “一件事”), drop one it only closed."""
    phrase = phrase.strip(' "')
    if "“" not in phrase and "”" not in phrase:
        return phrase
    if phrase.count("“") > phrase.count("”"):
        phrase = phrase + "”" if not phrase.endswith("“") else phrase[:-1]
    while phrase.startswith("”"):
        phrase = phrase[1:]
    if phrase.count("”") > phrase.count("“"):
        phrase = "“" + phrase
    return phrase


def _sentence(text: str, start: int) -> str:
    """The sentence around an offset, heading marks off."""
    window = text[max(0, start - _MAX_SENTENCE) : start][::-1]
    lo = start - len(_NOT_SENTENCE_END.match(window).group())
    hi = _SENTENCE_REST.match(text, start, start + _MAX_SENTENCE).end()
    return text[lo:hi].strip().lstrip("#").strip()
