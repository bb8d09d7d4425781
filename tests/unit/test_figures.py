"""Key figures pulled from article text: sentences from the seed pages, line breaks repaired."""

from __future__ import annotations

import pytest

from archive.figures import Figure, extract_figures

# (sentence, figures expected in it as (value, label, kind), in order)
CASES = [
    (
        "受理各类行政审批及公共服务事项65万件，服务群众89.5万人次，群众满意率达99.38%。",
        [
            ("65万件", "受理各类行政审批及公共服务事项", "count"),
            ("89.5万人次", "服务群众", "count"),
            ("99.38%", "群众满意率", "percent"),
        ],
    ),
    (
        "目前联合走访企业1200余次，协调解决问题321个。",
        [("1200余次", "联合走访企业", "count"), ("321个", "协调解决问题", "count")],
    ),
    (
        "目前，通过“郑好融”平台帮助辖区中小微企业申请贷款3.3亿元，授信贷款额度2.9亿元。",
        [("3.3亿元", "申请贷款", "amount"), ("2.9亿元", "授信贷款额度", "amount")],
    ),
    ("目前已建成9家金融服务港湾。", [("9家", "金融服务港湾", "count")]),
    (
        "目前，共谋划产业项目142个，其中签约落地项目61个。",
        [("142个", "谋划产业项目", "count"), ("61个", "签约落地项目", "count")],
    ),
    (
        "深入开展“万人助万企”活动，解决企业诉求问题205条，解决率达98%。",
        [("205条", "解决企业诉求问题", "count"), ("98%", "解决率", "percent")],
    ),
    ("完成境外投资备案7241万美元。", [("7241万美元", "完成境外投资备案", "amount")]),
    ("意向签约2000余万元授信金额。", [("2000余万元", "授信金额", "amount")]),
    ("每月为60岁以上老人发放100元现金补助。", [("100元", "现金补助", "amount")]),
    (
        "区纪委监委设立“纪委监督岗”和18个“营商环境监测点”。",
        [("18个", "“营商环境监测点”", "count")],
    ),
    (
        "全市31个“一把手走流程”体验单位累计发现整改问题23项，征集整改意见建议63条。",
        [
            ("31个", "“一把手走流程”体验单位", "count"),
            ("23项", "发现整改问题", "count"),
            ("63条", "征集整改意见建议", "count"),
        ],
    ),
    (
        "力争2024年招引各类高端人才500人以上、急需紧缺人才50人以上，新增技能人才1.89万人。",
        [
            ("500人", "招引各类高端人才", "count"),
            ("50人", "急需紧缺人才", "count"),
            ("1.89万人", "新增技能人才", "count"),
        ],
    ),
    (
        "协助50余家用工企业招聘200余人。",
        [("50余家", "用工企业", "count"), ("200余人", "用工企业招聘", "count")],
    ),
    ("共有房源224套。", [("224套", "房源", "count")]),
    ("全市“万人助万企”收集交办问题302项，已办结187项，办结率62%。", None),
    (
        "占比高达51.79%，承诺时限比法定时限压缩了87%。",
        [
            ("51.79%", "占比", "percent"),
            ("87%", "承诺时限比法定时限压缩", "percent"),
        ],
    ),
    ("实际到位域外境内资金16.2亿元。", [("16.2亿元", "实际到位域外境内资金", "amount")]),
    ("城镇新增就业率达到百分之九十五。", [("百分之九十五", "城镇新增就业率", "percent")]),
    ("全区营业收入同比增长3.2个百分点。", [("3.2个百分点", "营业收入同比增长", "percent")]),
    # Two verbs sharing a character (落实+实现, 招引+引进): the label opens at the first.
    (
        "今年以来全市企业落实现代化改造资金3000万元。",
        [("3000万元", "落实现代化改造资金", "amount")],
    ),
    ("各乡镇积极招引进企业项目35个。", [("35个", "招引进企业项目", "count")]),
]

# Numbers that are no key figures: dates, years, durations, formulas, names, phone numbers.
NOT_FIGURES = [
    "2024年6月7日，二七区召开会议。",
    "制定了《二七区2024年“双轮驱动”产业发展攻坚实施方案》等系列文件。",
    "实施“1+1+N”（项目管家+项目单位联系人+N个行政部门）服务模式。",
    "构建“1+5+N”工作体系。",
    "做到“7×24”小时不打烊。",
    "拨打“12345”热线反映问题。",
    "咨询电话：0371-68812345，联系人张先生。",
    "二七经开区位居全省第2名。",
    "用3个月时间完成整改，承诺5个工作日内办结。",
    "二七经开区位居第二档（200亿至400亿元）。",
    "计划投资200亿 至 400亿元。",
    "工期为6 - 8月。",
    "建设5G３３个基站。",  # full-width digits glued to a code: none of them starts a figure
    "第一批5G基站已建成。",
]


@pytest.mark.parametrize(("sentence", "expected"), CASES)
def test_figures_with_what_they_count(sentence: str, expected: list | None) -> None:
    got = [(f.value, f.label, f.kind) for f in extract_figures(sentence)]
    if expected is None:  # the figure after 已办结 has no noun of its own: only the others
        assert got == [("302项", "收集交办问题", "count"), ("62%", "办结率", "percent")]
    else:
        assert got == expected


@pytest.mark.parametrize("sentence", NOT_FIGURES)
def test_dates_codes_names_and_phone_numbers_are_skipped(sentence: str) -> None:
    assert extract_figures(sentence) == ()


def test_each_figure_carries_its_own_sentence() -> None:
    text = "## 营商环境\n\n目前联合走访企业1200余次。群众满意率达99.38%！\n\n图为办事大厅。"
    figures = extract_figures(text)
    assert figures == (
        Figure("1200余次", "联合走访企业", "count", "目前联合走访企业1200余次。"),
        Figure("99.38%", "群众满意率", "percent", "群众满意率达99.38%！"),
    )


def test_repeated_figure_is_listed_once() -> None:
    text = "已建成9家金融服务港湾。截至目前，已建成9家金融服务港湾。"
    assert [f.value for f in extract_figures(text)] == ["9家"]


def test_spaces_left_by_pdf_extraction_do_not_change_the_value() -> None:
    (figure,) = extract_figures("受理各类行政审批及公共服务事项 65 万件。")
    assert (figure.value, figure.label) == ("65万件", "受理各类行政审批及公共服务事项")


def test_ideographic_and_no_break_spaces_are_taken_out_too() -> None:
    text = "受理各类行政审批及公共服务事项\u300065\u3000万件，服务群众89.5\xa0万人次。"
    figures = extract_figures(text)
    assert [(f.value, f.label) for f in figures] == [
        ("65万件", "受理各类行政审批及公共服务事项"),
        ("89.5万人次", "服务群众"),
    ]
