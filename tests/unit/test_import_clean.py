"""Line repair: lines broken mid-sentence join (also across blank lines), extraction
spaces between Chinese characters go, a headline's clause space stays, real
paragraph breaks stay. One row per tricky input."""

from __future__ import annotations

from pathlib import Path

import pytest

from archive.importer.clean import clean_page, squeeze_body, squeeze_headline
from archive.importer.decode import decode_page

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"


def _texts(page: str) -> list[str]:
    return [line.text for line in clean_page(page)]


def _seed(prefix: str) -> list[str]:
    path = next(SEEDS.glob(prefix + "_*.txt"))
    return _texts(decode_page(path.read_bytes(), path))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("群 众 89.5 万 人 次 ，群 众 满 意 率 达", "群众89.5万人次，群众满意率达"),
        ("申请贷款 3.3亿元", "申请贷款3.3亿元"),
        ("799 个事项", "799个事项"),
        ("本报讯 近日，郑州", "本报讯近日，郑州"),
        ("“郑好办”APP 二七分厅", "“郑好办”APP二七分厅"),
        ("iPhone 15 Pro 手机", "iPhone 15 Pro手机"),
        # a space inside a quoted name belongs to the name; between single characters it does not
        ("打造“二七帮 易企办”服务品牌", "打造“二七帮 易企办”服务品牌"),
        ("“群 众 满 意”", "“群众满意”"),
    ],
)
def test_body_spacing(raw: str, expected: str) -> None:
    assert squeeze_body(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("以营商环境之优 助推项目建设“加速度”", "以营商环境之优 助推项目建设“加速度”"),
        ("党建引领 助力经济发展 企业受益 商户增收", "党建引领 助力经济发展 企业受益 商户增收"),
        ("以 营 商 环 境 之 优", "以营商环境之优"),
        ("二七区  启动  行动", "二七区 启动 行动"),
    ],
)
def test_headline_spacing(raw: str, expected: str) -> None:
    assert squeeze_headline(raw) == expected


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        # a paragraph-per-line page broken mid-word across a blank line (seed 001)
        (
            "二七区成立了“双轮驱动”工作领导小组,区委书记、区长任组长,设立现代商贸(特色商业)、"
            "健康服务业、低\n\n碳科技型工业等工作专班。",
            [
                "二七区成立了“双轮驱动”工作领导小组,区委书记、区长任组长,设立现代商贸(特色商业)、"
                "健康服务业、低碳科技型工业等工作专班。"
            ],
        ),
        # a real paragraph end stays, even when the next line is short
        ("第一段结束了。\n\n第二段开始。", ["第一段结束了。", "第二段开始。"]),
        # an opening quote left open means the sentence goes on
        (
            "“当年我们走访群众，碰到的问题怎么都说不\n\n完。”张庆喜感慨。",
            ["“当年我们走访群众，碰到的问题怎么都说不完。”张庆喜感慨。"],
        ),
        # a sentence cut after its short opener (会上,) goes on
        (
            "本报讯 开头一段。\n\n会上,二七区工信局相关负责人\n\n详细解读了政策。",
            ["本报讯开头一段。", "会上,二七区工信局相关负责人详细解读了政策。"],
        ),
        # a headline after a byline stays alone
        (
            "正文一段。\n记者 景静\n\n深化政银企对接 为企业发展助力\n\n本报讯 正文。",
            ["正文一段。", "记者 景静", "深化政银企对接 为企业发展助力", "本报讯正文。"],
        ),
        # a byline glued to the last paragraph becomes its own line
        ("发展新路子。 记者 景静", ["发展新路子。", "记者 景静"]),
        ("纳入市级培育库。记者 景静", ["纳入市级培育库。", "记者 景静"]),
        # a kicker printed right above its title stays a line of its own
        (
            "党建引领网格化治理\n“党建+网格化”共绘社区治理“同心圆”\n\n本报讯 正文。",
            ["党建引领网格化治理", "“党建+网格化”共绘社区治理“同心圆”", "本报讯正文。"],
        ),
        # Markdown headings keep their level and never join
        ("## 标题\n正文。", ["标题", "正文。"]),
    ],
)
def test_line_repair(page: str, expected: list[str]) -> None:
    assert _texts(page) == expected


def test_seed_000_blank_lines_inside_sentences_are_joined() -> None:
    lines = _seed("000")
    joined = "\n".join(lines)
    assert "1315个事项实现“一网通办”和“最多跑一次”，率先实现150个事项" in joined
    assert "服务群众89.5万人次，群众满意率达99.38%。" in joined
    assert "社区党组织助力“红色办事格”，带领多方参与空中电缆改造" in joined
    assert "解决居民“急难愁盼”17件" in joined
    assert len([line for line in lines if line.startswith("本报讯")]) == 4
    assert all(line.endswith("。") or line.startswith("记者") for line in lines)


def test_seed_001_low_carbon_is_one_word() -> None:
    assert any("健康服务业、低碳科技型工业等工作专班" in line for line in _seed("001"))


def test_seed_002_section_headings_and_captions_stay_alone() -> None:
    lines = _seed("002")
    for short in (
        "打造一个品牌",
        "走访群众",
        "了解实际困难，解决问题、化解矛盾",
        "慰问社区群众",
        "从“名声在外”到声名远扬",
        "集体企业发展好了，村民也受益了",
    ):
        assert short in lines
    assert any(
        line.startswith("“政企码”规范执法服务。建立实行“政企码”扫码入企制度") for line in lines
    )


WRAPPED_PAGE = """本报讯 近日，二七区人社局人才
政策宣讲帮帮团来到大学生开放
日活动现场，积极发挥引才、育
才、留才作用，为即将来郑留郑

的应届毕业生宣讲人才政策。
记者 景静

社区治理添新活力

饮马池社区积极组建办事格，将
群众参与作为社区治理的核心要
素，开启基层治理新模式。
"""


def test_wrapped_page_headline_after_byline_stays_a_headline() -> None:
    assert _texts(WRAPPED_PAGE) == [
        "本报讯近日，二七区人社局人才政策宣讲帮帮团来到大学生开放日活动现场，积极发挥引才、"
        "育才、留才作用，为即将来郑留郑的应届毕业生宣讲人才政策。",
        "记者 景静",
        "社区治理添新活力",
        "饮马池社区积极组建办事格，将群众参与作为社区治理的核心要素，开启基层治理新模式。",
    ]


def test_spaced_dateline_byline_keeps_its_spaces() -> None:
    assert _texts("本报讯 记者 张三 通讯员 李四 近日，二七区\n开展活动。") == [
        "本报讯(记者 张三 通讯员 李四)近日，二七区开展活动。"
    ]


def test_wrapped_page_headline_with_colon_after_byline() -> None:
    page = (
        "各救援队伍迅速集结，开展人员转\n移、物资调运等科目，检验了各部\n门的协同作战能力。\n"
        "记者 王磊\n\n登封市：小杂粮做成大产业\n\n"
        "近年来，登封市大力发展特色种\n植，打造区域品牌，带动农户增\n收。\n"
    )
    assert _texts(page)[2:] == [
        "登封市：小杂粮做成大产业",
        "近年来，登封市大力发展特色种植，打造区域品牌，带动农户增收。",
    ]


# A column nine characters wide, long enough for its width to be measured.
NARROW = (
    "近日，二七区人社局\n人才政策宣讲帮帮团\n来到开放日活动现场\n"
    "积极发挥引才、育才\n留才作用，宣讲政策\n。\n"
)

LEAD = (
    "近日，二七区人社局人才政策宣讲帮帮团来到开放日活动现场积极发挥引才、育才留才作用，宣讲政策。"
)


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        # no blank lines at all: a headline after a finished paragraph, its body right below
        (
            "第一篇的最后一段写完了，再也没有别的内容需要补充。\n"
            "登封赵庄村:发展产业为基 助力乡村振兴\n"
            "“我们始终把为群众办实事作为落脚点。”日前，在登封市石道乡赵庄村，学员参观了合作社。\n",
            [
                "第一篇的最后一段写完了，再也没有别的内容需要补充。",
                "登封赵庄村:发展产业为基 助力乡村振兴",
                "“我们始终把为群众办实事作为落脚点。”日前，在登封市石道乡赵庄村，学员参观了合作社。",
            ],
        ),
        # a narrow column: a headline wider than the column is not a wrapped line
        (
            NARROW
            + "\n惠济区43条重点道路忙施工\n\n"
            + "本报讯 近日，惠济区\n杨柳街市政道路施工\n现场机器轰鸣。\n",
            [
                LEAD,
                "惠济区43条重点道路忙施工",
                "本报讯近日，惠济区杨柳街市政道路施工现场机器轰鸣。",
            ],
        ),
        # a Markdown headline wrapped at the column keeps its whole text
        (
            NARROW + "\n## 二七经开区位居全省先\n进制造业开发区第二档\n\n正文开头一句话。\n",
            [
                LEAD,
                "二七经开区位居全省先进制造业开发区第二档",
                "正文开头一句话。",
            ],
        ),
        # a stray blank line cut the last characters of a wrapped headline off
        (
            NARROW
            + "\n以营商环境之优助推项\n目建设跑出加速度的新\n\n篇章\n\n"
            + "营商环境是企业发展\n的“土壤”。\n",
            [
                LEAD,
                "以营商环境之优助推项目建设跑出加速度的新篇章",
                "营商环境是企业发展的“土壤”。",
            ],
        ),
        # a quote left open is closed after a stray blank line: one headline
        (
            NARROW + "\n“就近办”“网上办”“掌上\n\n办” 便民服务中心更便民\n\n本报讯 正文。\n",
            [
                LEAD,
                "“就近办”“网上办”“掌上办” 便民服务中心更便民",
                "本报讯正文。",
            ],
        ),
        # a dateline never ends a paragraph; a number broken by the wrap gets no space
        (
            NARROW + "\n本报讯(记者 王译博)2\n\n1日上午，印发《关于202\n3年度考核结果的通报》。\n",
            [
                LEAD,
                "本报讯(记者 王译博)21日上午，印发《关于2023年度考核结果的通报》。",
            ],
        ),
        # mid-sentence at the column's end: a short piece between stray blanks goes on
        (
            NARROW
            + "\n为扎实推进大众创业、\n万众创新工作。城东路\n\n街道从\n\n"
            + "企业实际出发，了解\n企业经营需求。\n",
            [
                LEAD,
                "为扎实推进大众创业、万众创新工作。城东路街道从企业实际出发，了解企业经营需求。",
            ],
        ),
        # no paragraph starts with a closing quote, even after a blank line
        (
            NARROW + "\n“企业也将注入新鲜血\n液。\n\n”\n\n活动现场还设立了咨询台。\n",
            [LEAD, "“企业也将注入新鲜血液。”", "活动现场还设立了咨询台。"],
        ),
        # a glued byline wrapped inside a name, or at the space between two names
        (
            NARROW + "\n计划加紧施工中。 记者 杨丽\n萍 通讯员 蔡素芳\n\n\n上街区举行招才引智大会\n",
            [LEAD, "计划加紧施工中。", "记者 杨丽萍 通讯员 蔡素芳", "上街区举行招才引智大会"],
        ),
        (
            NARROW + "\n新增高技能人才1.26万人。 记者 刘伟平\n 朱翔宇\n\n\n八卦庙社区：党建引领\n",
            [LEAD, "新增高技能人才1.26万人。", "记者 刘伟平 朱翔宇", "八卦庙社区：党建引领"],
        ),
        # a bracketed byline wrapped at a space between two names keeps them apart
        (
            NARROW + "\n本报讯(记者 郭涛 通讯员\n 朱海鑫 李伟峰)怎样提高\n服务质量？\n",
            [LEAD, "本报讯(记者 郭涛 通讯员 朱海鑫 李伟峰)怎样提高服务质量？"],
        ),
    ],
)
def test_line_repair_in_other_layouts(page: str, expected: list[str]) -> None:
    assert _texts(page) == expected
