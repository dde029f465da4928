"""One value, one printed form: the same figures of the seed study read back from the results
page, the PDF text, the check messages and the narrative (docs/numbers.md).

The seed study as loaded by the demo, with one change: LV's production row uses the East China
grid factor CN-GRID-EAST-2023, published as 0.5500 (a factor whose trailing zeros matter).

Hand-computed (diesel: 43.330 GJ/t × 20.20 t/TJ × 0.98 × 44/12 = 3.14512249 kg CO₂/kg;
LV output 281,683 units, HV output 84 units):

LV  raw materials  94,594,493.664 kWh × 0.5366 ÷ 281,683 = 180.200457 → 84.6526 %
    transport      909,500.622 kg × 3.14512249 ÷ 281,683 =  10.155000 →  4.7705 %
    production     384,893 kWh × 0.5500 ÷ 281,683         =   0.751523 →  0.3530 %
    distribution   944,161.060 kg × 3.14512249 ÷ 281,683 =  10.542000 →  4.9523 %
    end of life    5,890,655.266 kWh × 0.5366 ÷ 281,683   =  11.221570 →  5.2715 %
    total                                                  = 212.870550
  Tenths: 846 + 47 + 3 + 49 + 52 = 997; the 3 missing go to the largest remainders, end of
  life (.715), transport (.705) and production (.530): 84.6 / 4.8 / 0.4 / 4.9 / 5.3.
  Distribution prints 4.9 everywhere (alone it would round to 5.0).
  Production: claimed 0.776 ÷ 0.751523 − 1 = +3.2570 % → "+3.26 %"; implied factor
  0.5500 × 0.776 ÷ 0.751523 = 0.567914 → "0.5679" (the decimals of 0.5500).
  Raw materials: 186.984 ÷ 180.200457 − 1 = +3.76 %; implied 0.5568 (the 2021 factor).

HV  raw materials  26,995.711 kWh × 0.5366 ÷ 84 = 172.451173 → 76.1388 %
    transport 5.6270 %, production 0.8292 %, distribution 7.1251 %, end of life 10.2799 %
  Tenths: 761 + 56 + 8 + 71 + 102 = 998; the 2 missing go to end of life (.799) and raw
  materials (.388): 76.2 / 5.6 / 0.8 / 7.1 / 10.3. Raw materials prints 76.2 everywhere
  (alone it would round to 76.1).
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

pytestmark = pytest.mark.django_db

LV_DISTRIBUTION = "4.9"
HV_RAW = "76.2"
LV_PRODUCTION_DEVIATION = "+3.26"
GRID_2022 = "0.5366"
EAST = "0.5500"
EAST_IMPLIED = "0.5679"


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _absent(number: str, text: str) -> bool:
    """`number` does not occur as a number of its own (76.1 is not in 176.1 or 76.15)."""
    return re.search(rf"(?<![\d.]){re.escape(number)}(?![\d])", text) is None


@pytest.fixture
def study(seed_study):
    from footprint.models import ActivityRecord, EmissionFactor

    east = EmissionFactor.objects.get(code="CN-GRID-EAST-2023")
    assert east.value == Decimal("0.55") and east.value_decimals == 4
    ActivityRecord.objects.filter(
        stage__study_product__study=seed_study, stage__study_product__product__code="LV",
        stage__stage="production",
    ).update(factor=east)
    return seed_study


@pytest.fixture
def results_html(study, client):
    from footprint.models import User

    client.force_login(User.objects.get(username="auditor"))
    response = client.get(f"/studies/{study.report_number}/results/")
    assert response.status_code == 200
    return _squash(response.content.decode())


def _product_part(html: str, code: str) -> str:
    start = html.index(f'id="product-{code}"')
    following = [html.find(f'id="product-{c}"', start + 1) for c in ("LV", "HV")]
    ends = [i for i in following if i > start]
    return html[start:min(ends)] if ends else html[start:]


def _row(html: str, row_id: str) -> str:
    return re.search(rf'<tr id="{row_id}".*?</tr>', html).group(0)


def test_the_results_page_prints_the_display_shares(results_html):
    lv, hv = _product_part(results_html, "LV"), _product_part(results_html, "HV")
    # stage table and activity table agree
    assert f'<td>成品运输（分销）</td><td class="num">10.542</td><td class="num">{LV_DISTRIBUTION} %</td>' in lv
    assert f'<td class="num">{LV_DISTRIBUTION} %</td>' in _row(lv, "act-LV-3")
    assert f'<td>原材料获取</td><td class="num">172.451</td><td class="num">{HV_RAW} %</td>' in hv
    assert f'<td class="num">{HV_RAW} %</td>' in _row(hv, "act-HV-0")
    assert "5.0 %" not in lv and "76.1 %" not in hv


def test_the_results_page_prints_deviations_and_factors_like_the_messages(results_html):
    lv = _product_part(results_html, "LV")
    claims = lv[lv.index('id="claims-LV"'):]
    assert f"{LV_PRODUCTION_DEVIATION} %" in claims
    assert f"{EAST} kg/kWh" in claims and f"{EAST_IMPLIED} kg/kWh" in claims
    assert f"{GRID_2022} kg/kWh" in claims and "0.5568 kg/kWh" in claims
    # a row that follows its claim to 4e-10 prints an unsigned zero deviation
    assert "0.00 %" in claims and "−0.00" not in results_html and "-0.00" not in results_html
    # the check messages on the page are the same sentences as below
    assert f"相差 {LV_PRODUCTION_DEVIATION} %" in lv and f"实际使用 {EAST}）" in lv


def test_the_check_messages_print_like_the_tables(study):
    from footprint.services.calculation import checks as C
    from footprint.services.results import study_results

    lv = study_results(study).product("LV")
    messages = {lv.activities[c.activity].stage: c.message
                for c in lv.checks if c.code == C.CLAIMED_MISMATCH}
    assert messages["production"] == (
        f"声明值 0.776 与重新计算值 0.752 kgCO₂e 相差 {LV_PRODUCTION_DEVIATION} %；要得到声明值，"
        f"排放因子 CN-GRID-EAST-2023 应为 {EAST_IMPLIED} kg/kWh（实际使用 {EAST}）。")
    # kgCO₂e with three decimals, as the tables (not "180.200457")
    assert messages["raw_material_acquisition"].startswith(
        f"声明值 186.984 与重新计算值 180.200 kgCO₂e 相差 +3.76 %；要得到声明值，排放因子 "
        f"CN-GRID-2022 应为 0.5568 kg/kWh（实际使用 {GRID_2022}）。")


def test_the_narrative_prints_the_display_shares(study):
    from footprint.services.report_prose.narrative import default_narrative

    text = default_narrative("improvements", study=study, language="zh-hans")
    # LV raw materials: 84.6526 % prints as its display share 84.6, as in the tables
    assert "低压成套开关设备的排放主要来自原材料获取（84.6 %）、生命末期（处置）（5.3 %）。" in text
    assert f"高压成套开关设备的排放主要来自原材料获取（{HV_RAW} %）、生命末期（处置）（10.3 %）。" in text
    quality = default_narrative("data_quality", study=study, language="zh-hans")
    # LV primary = 84.6 + 4.8 + 0.4 + 4.9 = 94.7 (sums of display shares); secondary = 5.3
    assert "低压成套开关设备的碳足迹中，94.7 % 来自初级活动数据，5.3 % 来自次级活动数据。" in quality
    english = default_narrative("improvements", study=study, language="en")
    assert f"Raw material acquisition ({HV_RAW} %)" in english


@pytest.mark.pdf
def test_the_pdf_prints_the_same_forms(study):
    import io

    from pypdf import PdfReader

    from tests.reports.conftest import render_sections

    # the chapters read below, laid out as in the whole report (each starts on a new page)
    pdf = render_sections(study, "chapter-4", "chapter-5", "chapter-6", "chapter-7")
    text = _squash(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))
    # 5.2 stage table (LV and HV side by side in the summary), 5.3 contributors, chapter 7
    assert f"成品运输（分销） 10.542 {LV_DISTRIBUTION}" in text
    assert f"3 成品运输柴油 成品运输（分销） 10.542 {LV_DISTRIBUTION}" in text
    assert f"低压成套开关设备 {LV_DISTRIBUTION} %，该项活动减少 10% 可使碳足迹降低 1.054" in text
    assert f"原材料获取 172.451 {HV_RAW}" in text
    assert f"1 原辅料获取及加工用电 原材料获取 172.451 {HV_RAW}" in text
    assert f"高压成套开关设备 {HV_RAW} %，该项活动减少 10% 可使碳足迹降低 17.245" in text
    # the narrative of chapter 7, as composed above
    assert f"原材料获取（{HV_RAW} %）" in text
    assert _absent("76.1", text) and _absent("84.7", text)
    # 6.2: deviation, the factor with its published decimals, the implied factor like it
    assert f"0.776 0.752 {LV_PRODUCTION_DEVIATION} CN-GRID-EAST-2023 = {EAST} {EAST_IMPLIED}" in text
    assert f"186.984 180.200 +3.76 CN-GRID-2022 = {GRID_2022} 0.5568 CN-GRID-2021" in text
    # 4.3 factor table
    assert f"{EAST} kg/kWh" in text and f"{GRID_2022} kg/kWh" in text
    assert _absent("0.55", text.replace(EAST, "")) and "−0.0" not in text and "-0.00" not in text
