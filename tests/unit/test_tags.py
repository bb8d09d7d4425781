"""Tagger: districts (with their traps), programmes (known and new), places; the seeds' gold."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.importer.tags import Tagger, make_tagger
from archive.segment import make_segmenter
from archive.taxonomy import load_taxonomy, programme_key

ROOT = Path(__file__).resolve().parents[2]
TAXONOMY = ROOT / "content" / "taxonomy"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="module")
def taxonomy():
    return load_taxonomy(TAXONOMY)


@pytest.fixture(scope="module")
def segmenter(taxonomy):
    return make_segmenter(taxonomy)


@pytest.fixture(scope="module")
def tagger(taxonomy, segmenter) -> Tagger:
    return make_tagger(taxonomy, segmenter)


@pytest.fixture(scope="module")
def blank_tagger(tmp_path_factory, segmenter) -> Tagger:
    """The real districts with programmes.yaml emptied: every programme is new to it."""
    folder = tmp_path_factory.mktemp("taxonomy")
    shutil.copy(TAXONOMY / "districts.yaml", folder / "districts.yaml")
    (folder / "programmes.yaml").write_text("programmes: []\n", encoding="utf-8")
    return make_tagger(load_taxonomy(folder), segmenter)


DISTRICT_CASES = [
    # (title, body, districts)
    ("", "近日，二七经开区位居全省先进制造业开发区第二档，二七经开区管委会表示", ["二七区"]),
    ("经开区公租房首次自动配租", "在经开区纪委的监督下，郑州公租房业务开始执行新政策", ["经开区"]),
    ("", "郑州经开区潮河街道开展活动", ["经开区"]),
    ("", "管城区城东路街道工作人员帮店主分析形势", ["管城回族区"]),
    ("", "今年以来，一马路街道饮马池社区积极组建队伍", ["二七区"]),
    ("", "在侯寨街道，记者看到道路宽阔", ["二七区"]),
    ("", "10月21日，郑东新区商都路办事处海马公园社区开展书画活动", ["郑东新区"]),
    ("", "中原区城市废弃物处置中心举办技能比武", ["中原区"]),
    ("", "推动中原区域协调发展，中原地区经济持续向好", []),
    ("", "郑州高新区枫杨街道开展活动", ["高新区"]),
    ("", "二七区南阳路小学开展活动，二七区教育局参加", ["二七区"]),
    ("", "二七区和金水区联合举办招聘会", ["二七区", "金水区"]),
    (
        "二七区举办文化活动",
        "二七区文化馆联合金水区举办，二七区相关负责人表示，二七区将继续开展。",
        ["二七区"],
    ),
    ("", "中牟县郑庵镇便民服务中心强化工作部署", ["中牟县"]),
    ("", "登封市石道乡赵庄村发展产业", ["登封市"]),
    # Short names inside words: 聚焦作风 is not 焦作, 创新郑州 not 新郑, 新乡村 not 新乡.
    ("", "二七区聚焦作风建设，二七区纪委监委参加", ["二七区"]),
    ("", "建设创新郑州，金水区科技局表示", ["金水区"]),
    ("", "惠济区推动新乡村建设", ["惠济区"]),
    ("", "新郑市龙湖镇开展活动", ["新郑市"]),
    ("", "游客从新郑国际机场出发", ["航空港区"]),
    # A district named once in a city-wide item is an example, not the subject.
    ("郑州市召开营商环境大会", "郑州市委、郑州市政府表示，郑州将持续优化环境，金水区作发言", []),
    # Another city's page: its own 高新区 and streets are not Zhengzhou's.
    ("", "洛阳市高新区丰华路街道开展活动。高新区负责人表示，高新区将继续推进。", []),
    ("", "开封市龙亭区北道门街道联合郑州市金水区开展活动，开封市民踊跃参与，龙亭区表示", []),
    ("", "洛阳高新区举办招聘会，洛阳市民踊跃参与", []),
    # A Zhengzhou item naming a partner city stays Zhengzhou's.
    ("二七区与海淀区签约", "二七区与北京市海淀区签约，二七区一马路街道参加", ["二七区"]),
]


@pytest.mark.parametrize(("title", "body", "expected"), DISTRICT_CASES)
def test_districts(tagger: Tagger, title: str, body: str, expected: list[str]) -> None:
    assert list(tagger.tag(title, body).districts) == expected


KNOWN_PROGRAMME_CASES = [
    ("持续擦亮“二七帮 易企办”服务品牌", "二七帮·易企办"),
    ("持续擦亮“二七帮·易企办”服务品牌", "二七帮·易企办"),
    ("二七区大力实施“12345”优商攻坚行动", "12345优商攻坚行动"),
    ("“一把手”走流程 为群众办实事", "一把手走流程"),
    ("以“党建+网格化”治理为基础", "党建+网格化"),
]


@pytest.mark.parametrize(("text", "expected"), KNOWN_PROGRAMME_CASES)
def test_known_programmes(tagger: Tagger, text: str, expected: str) -> None:
    tags = tagger.tag("", text)
    assert expected in tags.programmes
    assert expected not in tags.proposed


NEW_PROGRAMME_CASES = [
    # (text, names proposed): the taxonomy knows none of them
    ("通过“郑好融”平台，帮助中小微企业申请贷款", ["郑好融"]),
    ("二七区大力实施“12345”优商攻坚行动，以优化环境助推发展", ["12345优商攻坚行动"]),
    ("二七区将每月27日定为“美好政务爱企日”，建立问题反馈机制", ["美好政务爱企日"]),
    ("节目均来自文化惠民工程《草根大舞台》和《京索大舞台》", ["草根大舞台", "京索大舞台"]),
    ("上街区2021年“万人助万企·金秋招聘月”招才引智大会举行", ["万人助万企"]),
    ("如何将“两企三新”有效融入基层治理", ["两企三新"]),
    ("结合“我为群众办实事”和“万人助万企”活动，拓展活动形式", ["我为群众办实事", "万人助万企"]),
    ("“双轮驱动”工作领导小组由区委书记任组长", ["双轮驱动"]),
    ("为方便老年人办事，二七区在全省率先开展“免申即享”，实行上门服务", ["免申即享"]),
    ("管城区推行“河长制”“林长制”，实现全覆盖", ["河长制", "林长制"]),
    ("郑东新区实施“绿城使者”行动", ["绿城使者"]),
    ("登封市实施“文旅兴市”战略", ["文旅兴市"]),
    (
        "持续推动“涉企告知承诺制”“容缺受理”“免证办”等多种办事模式落地实施",
        ["涉企告知承诺制", "容缺受理"],
    ),
    ("惠济区深化“互联网+政务服务”，优化审批流程", ["互联网+政务服务"]),
    ("依托“i郑州”APP开展宣传", ["i郑州"]),
    ("推行“１＋５＋Ｎ”工作模式", ["1+5+N工作模式"]),
    ("以“党建＋网格化”治理为基础", ["党建+网格化"]),
    # Quotes that are not initiatives: images, slogans, speech, roles, places, documents.
    ("航空港区跑出项目建设“港区速度”", []),
    ("推出“少林功夫”研学游，实现“零跑腿”", []),
    ("营商环境是企业生存发展的“土壤”，是区域竞争的重要“软实力”", []),
    ("以营商环境之优 助推项目建设“加速度”", []),
    ("他感慨道：“跑单时遇到有需要帮助的群众，我会尽力援手。”", []),
    ("党建引领激活社区发展“一池春水”", []),
    ("社区打破“坐等上门”的服务模式，组织党员主动深入楼院", []),
    ("选聘50多名专业人士作为营商环境“监督员”", []),
    ("八卦庙社区，因村里千年老庙“八卦庙”得名", []),
    ("二七经开区安排专人开展“一对一”全周期服务", []),
    ("河南省印发《关于2023年度全省开发区高质量发展综合考核评价结果的通报》", []),
    ("打造“家门口”的服务站点", []),
    ("他们“千方百计”解决难题，“郑重承诺”按时完工", []),
    # Words that describe, not name: a model's recipe said once, a way of doing, a focus,
    # an ordinary event, a term made of one common word.
    ("形成全时段的“线上+线下”立体化帮办代办模式", []),
    ("通过“基地+电商”“电商扶贫+农产品+农户”等模式拓宽销售渠道", []),
    ("扎实推进政务服务“就近办”“网上办”“掌上办”，通过“就近办”减少跑动", []),
    ("探索“帮办云平台”，以“一老一小”为切入点", ["帮办云平台"]),
    ("来到“大学生开放日活动”现场。此次“大学生开放日活动”是企业举办的", []),
    ("“自组织”联情。社区大力培育“自组织”", []),
]


@pytest.mark.parametrize(("text", "expected"), NEW_PROGRAMME_CASES)
def test_new_programmes(blank_tagger: Tagger, text: str, expected: list[str]) -> None:
    tags = blank_tagger.tag("", text)
    assert [programme_key(p) for p in tags.proposed] == [programme_key(p) for p in expected]
    assert tags.programmes == tags.proposed


def test_known_names_are_not_proposed(tagger: Tagger) -> None:
    tags = tagger.tag("", "通过“郑好融”平台和“郑好办”APP，推行“柔性执法”")
    assert tags.programmes[:2] == ("郑好融", "郑好办")
    assert "郑好融" not in tags.proposed and "柔性执法" in tags.programmes


PLACE_CASES = [
    ("走进大学路街道祥和社区党群服务中心", ["大学路街道", "祥和社区"]),
    ("在登封市石道乡赵庄村，学员参观了合作社", ["石道乡", "赵庄村"]),
    ("郑东新区商都路办事处海马公园社区开展活动", ["商都路街道", "海马公园社区"]),
    ("京城路、索河街道和豫龙镇综合文化服务中心承办", ["京城路街道", "索河街道", "豫龙镇"]),
    ("荥阳市京城路、索河街道承办", ["京城路街道", "索河街道"]),
    # unknown to the taxonomy, but anchored after a known street or named twice
    ("走进二七区侯寨街道云杉里社区。", ["侯寨街道", "云杉里社区"]),
    ("。云杉里社区位于城区南部。云杉里社区组建了志愿服务队", ["云杉里社区"]),
    ("开封市龙亭区北道门街道开展活动", ["北道门街道"]),
    # words, not places
    ("熟人社区“共治融合”，商业力量成为社区发展动力", []),
    ("以创建美丽乡村示范村为依托", []),
    ("社区网格员积极响应居民诉求,联合社区民警化解纠纷", []),
    ("枫杨街道在西湖社区建成长者食堂", ["枫杨街道", "西湖社区"]),
    ("住在阳光花园社区的王阿姨来到北关街道办事处", ["阳光花园社区", "北关街道"]),
    ("在新型社区建设中，在乡镇、在农村、在多个社区推广", []),
    ("曾是侯寨街道离市区最近的村", ["侯寨街道"]),
    ("今年元宵节，二七区贾鲁水镇龙年灯会游园人数远超预期", []),
]


@pytest.mark.parametrize(("text", "expected"), PLACE_CASES)
def test_places(tagger: Tagger, text: str, expected: list[str]) -> None:
    assert list(tagger.tag("", text).places) == expected


def seed_items() -> list[tuple[str, dict, str, str]]:
    """Each gold item of the seeds with its text: the page cut at the gold `starts`."""
    gold = yaml.safe_load((SHARED / "gold" / "seeds.yaml").read_text(encoding="utf-8"))
    items = []
    for page, spec in gold["pages"].items():
        flat = re.sub(r"\s+", "", (SHARED / "seeds" / page).read_text(encoding="utf-8"))
        starts = [flat.index(re.sub(r"\s+", "", item["starts"])) for item in spec["items"]]
        ends = [
            _title_start(flat, item, start)
            for item, start in zip(spec["items"], starts, strict=True)
        ]
        for index, item in enumerate(spec["items"]):
            end = ends[index + 1] if index + 1 < len(ends) else len(flat)
            items.append(
                (f"{page}#{index + 1}", item, item.get("title") or "", flat[starts[index] : end])
            )
    return items


def _title_start(flat: str, item: dict, start: int) -> int:
    """Where an item's printed headline begins (the previous item ends there)."""
    title = re.sub(r"\s+", "", item.get("title") or "")
    found = flat.rfind(title[:8], 0, start) if title else -1
    return found if found >= 0 else start


SEEDS = seed_items() if (SHARED / "gold" / "seeds.yaml").exists() else []


@pytest.mark.parametrize(("where", "item", "title", "body"), SEEDS, ids=[s[0] for s in SEEDS])
def test_seed_item_districts(tagger: Tagger, where: str, item: dict, title: str, body: str) -> None:
    tags = tagger.tag(title, body)
    assert list(tags.districts) == item["districts"], where
    assert not set(tags.districts) & set(item.get("not_districts") or [])
    missing = {programme_key(p) for p in item["programmes"]} - {
        programme_key(p) for p in tags.programmes
    }
    assert not missing, where


def test_seed_programme_recall_without_taxonomy(blank_tagger: Tagger) -> None:
    """New-programme recognition alone finds the seeds' programmes (recall >= 0.95)."""
    wanted = found = 0
    for _where, item, title, body in SEEDS:
        have = {programme_key(p) for p in blank_tagger.tag(title, body).programmes}
        wanted += len(item["programmes"])
        found += sum(programme_key(p) in have for p in item["programmes"])
    assert SEEDS and found / wanted >= 0.95, (found, wanted)


MESSY = st.text(
    alphabet=st.sampled_from(
        list("二七区郑州市经开区高新区社区村街道镇乡办事处“”‘’《》「」\"'·+＋ \u3000\n，。、；：")
        + list("（）()12345ABC一二两三四五行动计划平台品牌的在和洛阳焦作新郑中原区域饮马池侯寨")
    ),
    max_size=200,
)


@settings(max_examples=300, deadline=None)
@given(title=MESSY, body=MESSY)
def test_any_text_tags_without_error(tagger: Tagger, title: str, body: str) -> None:
    """Messy text never crashes the tagger; new names are always among the programmes."""
    tags = tagger.tag(title, body)
    assert all(name and name.strip() == name for name in tags.districts + tags.places)
    assert set(tags.proposed) <= set(tags.programmes)
    assert len(set(tags.districts)) == len(tags.districts)
