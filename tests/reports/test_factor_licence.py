"""A study's factor table prints each factor's source and licence note; a factor whose licence
forbids redistribution prints its value and source only (docs/factor-library.md)."""

from __future__ import annotations

import re

import pytest

from footprint.models import EmissionFactor
from footprint.reports import html as report_html
from footprint.services.report_prose.narrative import default_narratives

pytestmark = pytest.mark.django_db


def _factor_rows(html: str) -> dict[str, str]:
    table = html.split('class="factors long"')[1].split("</table>")[0]
    rows = re.findall(r"<tr><td>(.*?)</td>(.*?)</tr>", table, re.S)
    return {code: rest for code, rest in rows}


def test_licence_notes_are_printed_and_a_restricted_factor_shows_value_and_source_only(seed_study):
    # As an imported library would have set them (the seed study's own factor versions).
    EmissionFactor.objects.filter(code="CN-GRID-2022").update(licence_note="公开发布，可引用")
    EmissionFactor.objects.filter(code="CN-DIESEL").update(
        licence_note="CLCD 许可：不得转载明细", redistribution_allowed=False)
    html = report_html.render_study_html(seed_study)
    rows = _factor_rows(html)
    grid, diesel = rows["CN-GRID-2022"], rows["CN-DIESEL"]
    # an open factor: everything, and its licence note under the source
    assert "全国电力平均二氧化碳排放因子" in grid and "0.5366" in grid and "2022" in grid
    assert "关于发布2022年电力二氧化碳排放因子的公告" in grid and "许可：公开发布，可引用" in grid
    # the restricted one: value (with its unit), source and licence note; no name, gas, year,
    # region or derivation parameters
    cells = re.findall(r"<td[^>]*>(.*?)</td>", diesel, re.S)
    assert cells[0] == "—" and cells[1] == "3.145" and cells[2] == "kg/kg"
    assert cells[3:6] == ["—", "—", "—"]
    assert "《工业其他行业企业温室气体排放核算方法与报告指南（试行）》缺省值" in cells[6]
    assert "许可：CLCD 许可：不得转载明细" in cells[6] and "按许可要求，仅列出因子值和来源。" in cells[6]
    assert "43.330" not in diesel and "柴油" not in diesel and "20.20" not in diesel


def test_english_report_prints_the_licence_in_english_words(seed_study):
    EmissionFactor.objects.filter(code="CN-DIESEL").update(
        licence_note="licensed extract", redistribution_allowed=False)
    html = report_html.render_study_html(seed_study, language="en")
    diesel = _factor_rows(html)["CN-DIESEL"]
    assert "Licence: licensed extract" in diesel
    assert "only the value and source are listed" in diesel


def test_no_other_part_of_the_report_prints_what_a_restricted_factors_licence_holds_back(seed_study):
    """Findings (6.3), the sensitivity table (chapter 5) and the default data-quality paragraph
    name a restricted factor by code and value only: no calorific value, no year, no region,
    no name — for the study's factors and the library's alike."""
    names = [n for n in EmissionFactor.objects.values_list("name_zh", flat=True) if len(n) > 4]
    before = report_html.render_study_html(seed_study)
    # what the open report prints, and the restricted one must not
    assert "43.330 GJ/t" in before and "2021 年的 CN-GRID-2021" in before
    assert re.search(r"改用 CN-GRID-20\d\d（20\d\d 年，", before)
    default = default_narratives(study=seed_study, language="zh-hans")["data_quality"]
    assert "所用排放因子的数据年份为" in default and "排放因子的地域为" in default

    EmissionFactor.objects.update(redistribution_allowed=False)
    html = report_html.render_study_html(seed_study)
    assert "43.330" not in html and "43.33 MJ" not in html
    assert "乘以该燃料的低位发热量后与声明值相符" in html  # the cause, without the number
    assert "年的 CN-GRID" not in html and "因子库中的 CN-GRID-2021（0.5568 kg/kWh）能得到该值" in html
    assert not re.search(r"改用 CN-GRID-20\d\d（20\d\d 年", html)
    assert re.search(r"改用 CN-GRID-20\d\d（0\.\d+ kg/kWh）", html)
    assert [n for n in names if n in html] == []
    default = default_narratives(study=seed_study, language="zh-hans")["data_quality"]
    assert "所用排放因子的数据年份为" not in default and "排放因子的地域为" not in default
