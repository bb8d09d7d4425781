"""The page's year, as precise as the text supports and never beyond it."""

from __future__ import annotations

import pytest

from archive.errors import ArchiveError
from archive.importer.dates import check_date, infer_date


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("近日，郑州市委、市政府通报 2023年度综合考评结果，二七区获评先进单位。", "2024"),
        ("河南省印发《关于2023年度全省开发区高质量发展综合考核评价结果的通报》。", "2024"),
        ("二七区下发2024年度优化营商环境攻坚工作方案。", "2024"),
        ("2023年8月，社区成立了党支部。今年以来，累计上报事件63件。", "2023"),
        ("上街区2021年“万人助万企”大会举行。这是2019年才落地的项目。", "2021"),
        ("力争2024年底550个事项“免证可办”。", "2024"),
        ("2023年营业收入400万元。力争到2025年突破1000万元。", "2023"),
        ("今年以来，社区开展活动30余场。", None),
        # a page header printing only a date gives the day; a date inside a sentence only the year
        ("2024年6月7日 星期五\n\n本报讯 2023年度考核结果公布。", "2024-06-07"),
        ("2024年6月7日，二七区举行活动。", "2024"),
        ("20世纪八九十年代，乡镇企业多。", None),
    ],
)
def test_infer_year(text: str, year: str | None) -> None:
    assert infer_date(text).date == year


@pytest.mark.parametrize("value", ["2024", "2024-06", "2024-06-07"])
def test_date_option_accepts_three_precisions(value: str) -> None:
    assert check_date(value) == value


@pytest.mark.parametrize("value", ["24", "2024-13", "2024-6-7", "2024/06", "2024-02-30x"])
def test_date_option_rejects_other_forms(value: str) -> None:
    with pytest.raises(ArchiveError, match="YYYY"):
        check_date(value)
