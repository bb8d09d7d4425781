"""Stage: text -> Byline. Finds bylines on their own line, glued to a paragraph's end,
or in parentheses after 本报讯, and sorts the names into roles.

The role label decides the role (记者 -> reporters, 通讯员 -> correspondents);
a byline ending in 摄 or 文/图 also makes everyone it names a photographer.
Only the labels disappear from the page; every name goes to the front matter.
"""

from __future__ import annotations

import re

from archive.importer.record import Byline

REPORTER, CORRESPONDENT, PHOTOGRAPHER = "reporter", "correspondent", "photographer"
# Longest first so that 本报记者 is not read as 本报 + 记者.
_LABELS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("本报记者", (REPORTER,)),
    ("本报通讯员", (CORRESPONDENT,)),
    ("特约记者", (REPORTER,)),
    ("见习记者", (REPORTER,)),
    ("实习记者", (REPORTER,)),
    ("摄影记者", (REPORTER, PHOTOGRAPHER)),
    ("记者", (REPORTER,)),
    ("通讯员", (CORRESPONDENT,)),
    ("实习生", (CORRESPONDENT,)),
    ("摄影", (PHOTOGRAPHER,)),
)
_LABEL_RE = "|".join(re.escape(label) for label, _ in _LABELS)
_ROLES = dict(_LABELS)
# Markers after the names that make everyone named a photographer.
_PHOTO_MARK = re.compile(r"\s*(?:文\s*[/／]\s*图|图\s*[/／]\s*文|摄)\s*$")
# `记者 张三 报道`: the word says nothing about roles.
_REPORT_MARK = re.compile(r"\s*报道\s*$")
_NAME = re.compile(r"^[\u4e00-\u9fff]{2,4}$|^[\u4e00-\u9fff]{1,6}[·•][\u4e00-\u9fff]{1,8}$")
_TOKEN = re.compile(rf"({_LABEL_RE})|([^\s、，,]+)")
# Common Chinese surnames: a name glued to its label (记者王译博) must start with one,
# so that a sentence such as 记者看到 is never read as a byline.
_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
    "龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞"
    "左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕"
    "屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧"
    "闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥"
    "南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支"
    "卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜印"
    "逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭"
    "由"
)
_COMPOUND_SURNAMES = (
    "欧阳",
    "司马",
    "诸葛",
    "上官",
    "东方",
    "皇甫",
    "尉迟",
    "公孙",
    "慕容",
    "令狐",
    "夏侯",
    "长孙",
    "宇文",
    "司徒",
    "端木",
    "西门",
    "南宫",
    "独孤",
    "呼延",
)
# Ornaments papers print before a byline: □本报记者 张三.
_BULLETS = "□■●◆▲◇○★☆◎"
_PARENS = re.compile(r"^[(（\[【](.*)[)）\]】]$")
# A dateline opens an article: 本报讯, 本报电 or 本报郑州10月21日讯. Only the bare
# labels are dropped; a dateline that names a place or a day stays in the text.
DATELINE = re.compile(r"^(本报讯|本报电|本报[\u4e00-\u9fff]{0,4}\d{1,2}月\d{1,2}日[讯电])")
_DROPPED_DATELINES = ("本报讯", "本报电")
# Every label and marker text a byline can drop from the page (for lost-character counts).
LABEL_TEXTS: tuple[str, ...] = (
    *_DROPPED_DATELINES,
    *(label for label, _ in _LABELS),
    "报道",
    "文/图",
    "文／图",
    "图/文",
    "摄",
)
_TERMINAL_END = re.compile(r"[。！？!?…；;）)”」』’\"]\s*$")
_LEAD = re.compile(DATELINE.pattern + r"\s*")
_LEAD_PARENS = re.compile(r"^[(（]([^()（）]{2,60})[)）]\s*")


def parse_byline(text: str) -> Byline | None:
    """The byline `text` is, in full, or None when it is anything else."""
    inner = text.strip().strip(_BULLETS).strip()
    match = _PARENS.match(inner)
    if match:
        inner = match.group(1).strip()
    report = _REPORT_MARK.search(inner)
    if report:
        inner = inner[: report.start()]
    photo = _PHOTO_MARK.search(inner)
    if photo:
        inner = inner[: photo.start()]
    people = _people(inner) or (_credited(inner) if photo else None)
    if not people:
        return None
    return _byline(people, photo=photo is not None, text=text.strip())


def _credited(text: str) -> list[tuple[str, str]] | None:
    """`张三 李四 摄`: names without a label, each starting with a surname."""
    names = [name for name in re.split(r"[\s、，,]+", text.strip()) if name]
    if not names or not all(_is_name(n) and _has_surname(n) for n in names):
        return None
    return [("摄影", name) for name in names]


def _people(text: str) -> list[tuple[str, str]] | None:
    """(label, name) pairs of a byline that starts with a label, or None."""
    pairs: list[tuple[str, str]] = []
    label = ""
    position = 0
    for match in _TOKEN.finditer(text):
        if text[position : match.start()].strip(" \t\u3000、，,"):
            return None
        glued = match.start() == position and position > 0 and not pairs
        position = match.end()
        if match.group(1):
            label = match.group(1)
            continue
        name = match.group(2)
        if not label or not _is_name(name) or (glued and not _has_surname(name)):
            return None
        pairs.append((label, name))
    if text[position:].strip() or not pairs:
        return None
    return pairs


def _is_name(word: str) -> bool:
    """A person's name: 2-4 Chinese characters (or a name with ·), never part of a label."""
    return bool(_NAME.match(word)) and not any(word in label for label in LABEL_TEXTS)


def _has_surname(name: str) -> bool:
    return name[0] in _SURNAMES or name.startswith(_COMPOUND_SURNAMES)


def _byline(people: list[tuple[str, str]], *, photo: bool, text: str) -> Byline:
    roles: dict[str, list[str]] = {REPORTER: [], CORRESPONDENT: [], PHOTOGRAPHER: []}
    for label, name in people:
        for role in _ROLES[label] + ((PHOTOGRAPHER,) if photo else ()):
            if name not in roles[role]:
                roles[role].append(name)
    return Byline(
        reporters=tuple(roles[REPORTER]),
        correspondents=tuple(roles[CORRESPONDENT]),
        photographers=tuple(roles[PHOTOGRAPHER]),
        text=text,
    )


def split_trailing(text: str) -> tuple[str, Byline | None]:
    """A paragraph with a byline glued to its end -> (paragraph, byline)."""
    for match in re.finditer(_LABEL_RE, text):
        start = match.start()
        while start and text[start - 1] in "（(" + _BULLETS:  # …发展。（记者 张三）
            start -= 1
        head = text[:start]
        if not _TERMINAL_END.search(head):
            continue
        byline = parse_byline(text[start:])
        if byline is not None:
            return head.rstrip(), byline
    return text, None


def split_leading(text: str) -> tuple[str, Byline | None, bool]:
    """`本报讯(记者 …)正文` -> (正文, byline, True); the bare label 本报讯 is dropped."""
    label, byline, rest = dateline_parts(text)
    if not label:
        return text, None, False
    kept = "" if label in _DROPPED_DATELINES else label + " "
    return kept + rest, byline, True


def dateline_parts(text: str) -> tuple[str, Byline | None, str]:
    """(dateline, byline after it, the rest); ("", None, text) without a dateline."""
    lead = _LEAD.match(text)
    if not lead:
        return "", None, text
    rest = text[lead.end() :]
    parens = _LEAD_PARENS.match(rest)
    if parens:
        byline = parse_byline(parens.group(1))
        if byline is not None:
            return lead.group(1), byline, rest[parens.end() :]
    end = _spaced_byline_end(rest)
    if end:
        return lead.group(1), parse_byline(rest[:end]), rest[end:].lstrip()
    return lead.group(1), None, rest


_WORD = re.compile(r"\S+")
_BYLINE_WORD = re.compile(rf"^(?:{_LABEL_RE})+$|^(?:{_LABEL_RE})?[\u4e00-\u9fff·]{{2,9}}$|^报道$")


def _spaced_byline_end(text: str) -> int:
    """Where a spaced byline after 本报讯 ends (`记者 张三 通讯员 李四 近日，…`); 0 for none."""
    end = 0
    for word in _WORD.finditer(text):
        token = word.group()
        if not _BYLINE_WORD.match(token) or not (
            token == "报道" or re.match(_LABEL_RE, token) or _has_surname(token)
        ):
            break
        if parse_byline(text[: word.end()]) is not None:
            end = word.end()
    if not end or not text[end:].strip():
        return 0
    return end


def is_photo_credit(byline: Byline) -> bool:
    """A credit that names only photographers' work: `本报记者 X 摄` (not 文/图)."""
    return bool(re.search(r"摄\s*[)）]?\s*$", byline.text)) and "图" not in byline.text
