"""The report's content built from the demo study: every number is the calculation's."""

from __future__ import annotations

import math
import re

import pytest
from django.utils import translation

from footprint.choices import StudyStatus
from footprint.models import ActivityRecord, StudyTransition, User
from footprint.reports.context import build_report_context
from footprint.reports.inputs import load_report_inputs
from footprint.services import formatting as F
from footprint.services.results import study_results

LV_OUTPUT = 281683
LV_KWH = 94594493.664 + 384893 + 5890655.266
LV_DIESEL_KG = 909500.622 + 944161.06
# 43.330 GJ/t × 20.20 t C/TJ × 0.98 × 44/12, in kg CO₂ per kg of diesel
DIESEL = 43.330e-3 * 20.20e-3 * 0.98 * 44 / 12 * 1000


def build(study, language="zh-hans", final=False):
    return build_report_context(load_report_inputs(study, language=language, final=final, asset_urls={}))


@pytest.fixture
def ctx(seed_study):
    return build(seed_study)


def test_summary_prints_the_calculation_results(seed_study, ctx):
    result = study_results(seed_study)
    table = ctx["summary"]["tables"][0]
    assert [p["name"] for p in table["products"]] == [p.name for p in result.products]
    for row, stage in zip(table["rows"], result.products[0].stages, strict=True):
        if stage.activity_count == 0:  # a stage left out says so, it is not a zero
            assert (row["cells"][0]["kg"], row["cells"][0]["share"]) == ("未纳入", "—")
            continue
        assert row["cells"][0]["kg"] == F.kg(stage.kgco2e)
        assert row["cells"][0]["share"] == F.share(stage.share_pct)
    assert [t["kg"] for t in table["totals"]] == ["212.852", "226.496"]


def test_grid_factor_sensitivity_is_recomputed_by_hand(ctx):
    rows = ctx["chapter5"]["sensitivity"]["factor_rows"]
    assert rows[0]["is_base"] and rows[0]["cells"][0]["total"] == "212.852"
    row_2021 = next(r for r in rows if "CN-GRID-2021" in r["label"])
    expected = (LV_KWH * 0.5568 + LV_DIESEL_KG * DIESEL) / LV_OUTPUT
    assert row_2021["cells"][0]["total"] == F.kg(expected)
    assert row_2021["cells"][0]["change"] == F.percent(expected / 212.852456 - 1, signed=True)
    row_2023 = next(r for r in rows if "CN-GRID-2023" in r["label"])
    assert row_2023["cells"][0]["total"] == F.kg((LV_KWH * 0.5306 + LV_DIESEL_KG * DIESEL) / LV_OUTPUT)
    # CO₂ only: no GWP-set scenario, it would change nothing
    assert not any("GWP" in r["label"] for r in rows)


def test_stage_sensitivity_moves_the_total_by_a_tenth_of_the_stage(seed_study, ctx):
    lv = study_results(seed_study).products[0]
    raw = lv.stage("raw_material_acquisition").kgco2e
    row = ctx["chapter5"]["sensitivity"]["stage_rows"][0]
    assert row["cells"][0]["high"] == F.kg(lv.total_kgco2e + 0.1 * raw)
    assert row["cells"][0]["low"] == F.kg(lv.total_kgco2e - 0.1 * raw)
    # the excluded use stage (zero) has no scenario
    assert len(ctx["chapter5"]["sensitivity"]["stage_rows"]) == 5


def test_combined_uncertainty_uses_entered_values_and_stated_defaults(seed_study):
    lv = study_results(seed_study).products[0]
    kg = {a.name: a.kgco2e for a in lv.activities}
    # end of life is secondary data (±20 %), the rest primary (±5 %)
    expected = math.sqrt(sum((v * (0.20 if n == "报废拆解回收用电" else 0.05)) ** 2 for n, v in kg.items()))
    row = build(seed_study)["chapter5"]["uncertainty"]["rows"][0]
    assert row["half_width"] == F.kg(expected) and (row["entered"], row["defaulted"]) == (0, 5)

    ActivityRecord.objects.filter(stage__study_product__study=seed_study, name="原辅料获取及加工用电") \
        .update(uncertainty_pct=2)
    entered = dict(kg)
    expected = math.sqrt(sum(
        (v * {"原辅料获取及加工用电": 0.02, "报废拆解回收用电": 0.20}.get(n, 0.05)) ** 2
        for n, v in entered.items()))
    row = build(seed_study)["chapter5"]["uncertainty"]["rows"][0]
    assert row["half_width"] == F.kg(expected) and (row["entered"], row["defaulted"]) == (1, 4)


def test_improvements_follow_the_hotspots_with_their_effect(ctx):
    suggestions = ctx["chapter7"]["suggestions"]
    first = suggestions[0]
    assert first["title"].startswith("原材料获取")
    assert "原辅料获取及加工用电" in first["activities"]
    assert "18.020" in first["effects"][0]      # 10 % of 180.200 kgCO₂e (LV)
    assert "17.245" in first["effects"][1]      # 10 % of 172.451 kgCO₂e (HV)
    assert "供应商" in first["measure"]
    # transport hotspots get transport measures, end of life notes its secondary data
    transport = next(s for s in suggestions if s["title"].startswith("成品运输"))
    assert "运输路线" in transport["measure"]
    end_of_life = next(s for s in suggestions if s["title"].startswith("生命末期"))
    assert end_of_life["data_note"]
    assert ctx["chapter7"]["mismatch_note"]


def test_fossil_biogenic_aircraft_and_land_use_change_are_stated_with_zeros(ctx):
    by_type = ctx["chapter5"]["by_type"]
    fossil, biogenic, aircraft, luc = by_type["rows"]
    assert fossil["cells"] == ["212.852", "226.496"]
    assert biogenic["cells"] == aircraft["cells"] == luc["cells"] == ["0.000", "0.000"]
    assert "生物源" in by_type["zero_note"] and "航空" in by_type["zero_note"]


def test_claimed_versus_recomputed_table(ctx):
    groups = ctx["chapter6"]["claims"]
    assert [len(g["rows"]) for g in groups] == [5, 5]
    differing = [(g["product"], r["activity"]) for g in groups for r in g["rows"] if r["differs"]]
    assert len(differing) == 6 and ctx["chapter6"]["differing"] == 6
    raw = groups[0]["rows"][0]
    assert (raw["claimed"], raw["computed"], raw["deviation"]) == ("186.984", "180.200", "+3.76")
    assert raw["implied"] == "0.5568" and raw["suggested"] == "CN-GRID-2021"
    assert groups[0]["total"]["claimed"] == "220.101" and groups[1]["total"]["claimed"] == "234.371"


def test_tables_and_figures_are_numbered_in_order_per_chapter(ctx):
    numbers = []

    def collect(value):
        if isinstance(value, dict):
            if "caption" in value and "number" in value:
                numbers.append(value["number"])
            for v in value.values():
                collect(v)
        elif isinstance(value, list):
            for v in value:
                collect(v)

    for key in ("chapter2", "chapter3", "chapter4", "chapter5", "chapter6", "annexes"):
        collect(ctx[key])
    tables = [n for n in numbers if n.startswith("表")]
    assert len(tables) == len(set(tables))
    by_chapter: dict[str, list[int]] = {}
    for n in tables:
        chapter, index = re.match(r"表 (.+)-(\d+)", n).groups()
        by_chapter.setdefault(chapter, []).append(int(index))
    assert len(by_chapter) >= 3, tables  # the tables were found, not an empty pass
    for indexes in by_chapter.values():
        assert sorted(indexes) == list(range(1, len(indexes) + 1))
    assert "图 5-1" in numbers and "图 3-1" in numbers


def test_signatures_are_blank_until_the_workflow_dates_them(seed_study):
    blank = build(seed_study)["annexes"]["signatures"]
    assert [s["role"] for s in blank] == ["编制", "企业确认", "技术审核", "批准", "签发"]
    assert [s["date"] for s in blank] == [""] * 5 and [s["signature"] for s in blank] == [""] * 5
    assert blank[0]["name"] == "张明远" and blank[2]["name"] == blank[4]["name"] == "陈静"
    assert blank[1]["name"] == "肖飞"  # the company's contact, until a person confirms
    lead = User.objects.get(username="lead")
    StudyTransition.objects.create(study=seed_study, from_status=StudyStatus.CLIENT_CONFIRMED,
                                   to_status=StudyStatus.TECHNICAL_REVIEW, user=lead)
    dated = build(seed_study)["annexes"]["signatures"]
    assert dated[0]["date"] and not dated[1]["date"] and not dated[3]["date"]
    assert dated[0]["signature"] == "本人在系统中确认（工作流记录）"


def test_english_context_has_english_labels(seed_study):
    ctx = build(seed_study, language="en")
    assert ctx["html_lang"] == "en"
    assert ctx["sections"]["ch3_3"]["label"] == "3.3 System boundary"
    assert ctx["page"]["before"] == '"Page "' and ctx["page"]["after"] == '""'
    assert ctx["summary"]["tables"][0]["rows"][0]["stage"] == "Raw material acquisition"


def test_a_draft_lists_what_is_missing_and_an_issued_report_does_not(seed_study):
    assert [m["message"] for m in build(seed_study)["missing"]] == ["缺少企业的统一社会信用代码。"]
    assert build(seed_study, final=True)["missing"] == []


def test_reading_a_report_takes_the_same_queries_whatever_the_number_of_activities(seed_study):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            build(seed_study)
        return len(captured)

    queries()  # first read warms per-process caches (content types, the unit registry …)
    before = queries()
    template = ActivityRecord.objects.filter(stage__study_product__study=seed_study).first()
    ActivityRecord.objects.bulk_create([
        ActivityRecord(stage=template.stage, name=f"extra {n}", quantity=n + 1, unit="kWh",
                       factor=template.factor, position=100 + n)
        for n in range(30)
    ])
    assert queries() == before


def test_the_seed_report_states_its_result_as_a_partial_cfp(ctx):
    # Energy-using switchgear with the use stage left out: the check list warns, the summary says so.
    warnings = [c for c in ctx["chapter6"]["checks"] if "ISO 14067:2018" in c["message"]]
    assert [(c["product"], c["severity_label"]) for c in warnings] == [
        ("低压成套开关设备", "警告"), ("高压成套开关设备", "警告")]
    assert "使用阶段没有活动数据" in warnings[0]["message"]
    assert ctx["summary"]["scope"].endswith(
        "因此，本报告的结果是部分碳足迹（ISO 14067:2018，3.1.1.2），不是完整生命周期的产品碳足迹。")
    # cradle to grave without the use stage is still a partial CFP: a declared unit (6.3.3)
    assert ctx["chapter3"]["unit_label"] == "声明单位" and ctx["chapter3"]["declared_unit_note"]
    assert ctx["summary"]["scope"].startswith("声明单位：")


def test_a_cradle_to_gate_report_labels_its_unit_as_declared_unit(demo):
    from footprint.models import Study

    ctx = build(Study.objects.get(report_number="DEMO-2"))
    assert ctx["chapter3"]["unit_label"] == "声明单位"
    assert "声明单位" in ctx["chapter3"]["declared_unit_note"]
    assert ctx["chapter3"]["functional_units"][0]["reference_flow"].startswith("1 个声明单位的产品")
    assert ctx["summary"]["scope"].startswith("声明单位：")
    assert "部分碳足迹" in ctx["summary"]["scope"]
    codes = [c["message"] for c in ctx["chapter6"]["checks"]]
    assert any("按声明单位表示" in m for m in codes)
    assert any(m.startswith("系统边界为摇篮到大门，以下阶段不在研究范围内") for m in codes)


# ------------------------------------------------------------------ hotspots (chapter 7)
def _group(**kg_by_product):
    return {"products": {code: {"kg": kg} for code, kg in kg_by_product.items()},
            "max_share": max(kg / 100 for kg in kg_by_product.values())}


def test_hotspots_are_the_largest_groups_making_up_80_percent_of_a_product_at_least_three():
    from types import SimpleNamespace

    from footprint.reports.analysis import hotspot_groups

    a = SimpleNamespace(code="A", total_kgco2e=100.0)
    b = SimpleNamespace(code="B", total_kgco2e=100.0)
    # A: 50 + 25 = 75 % < 80 %, + 10 = 85 %: g1..g3; g4 (8 %) is not needed to reach 80 %.
    # B: g5 alone is 90 %.
    groups = {"g1": _group(A=50), "g2": _group(A=25), "g3": _group(A=10), "g4": _group(A=8),
              "g5": _group(A=7, B=90), "g6": _group(B=10)}
    for key, g in groups.items():
        g["key"] = key
    assert [g["key"] for g in hotspot_groups(groups, [a, b])] == ["g5", "g1", "g2", "g3"]
    # One dominant source (95 %): the three largest groups are still suggested.
    c = SimpleNamespace(code="C", total_kgco2e=100.0)
    groups = {"g1": _group(C=95), "g2": _group(C=3), "g3": _group(C=1.5), "g4": _group(C=0.5)}
    for key, g in groups.items():
        g["key"] = key
    assert [g["key"] for g in hotspot_groups(groups, [c])] == ["g1", "g2", "g3"]


def test_the_seed_report_suggests_the_groups_that_make_up_80_percent(seed_study, ctx):
    # LV: raw materials 84.7 % alone; HV: raw materials 76.1 % + end of life 10.3 % = 86.4 %.
    # Distribution is the third largest; raw material transport (HV 5.6 %) is not a hotspot.
    titles = [s["title"] for s in ctx["chapter7"]["suggestions"]]
    assert titles == ["原材料获取 · 电力", "生命末期（处置） · 电力", "成品运输（分销） · 燃料"]
    # HV's raw material electricity divided by 10: HV is 71.290 kg, end of life 23.284 (32.7 %),
    # raw materials 17.245, distribution 16.138 add up to 79.5 % < 80 %, so raw material
    # transport (12.745) is needed too; production (1.878, 2.6 %) is not.
    for a in ActivityRecord.objects.filter(stage__study_product__study=seed_study,
                                           stage__study_product__product__code="HV",
                                           stage__stage="raw_material_acquisition"):
        a.quantity = a.quantity / 10
        a.save()
    titles = [s["title"] for s in build(seed_study)["chapter7"]["suggestions"]]
    assert titles == ["原材料获取 · 电力", "生命末期（处置） · 电力", "成品运输（分销） · 燃料",
                      "原材料运输 · 燃料"]


# ------------------------------------------------------ electricity treatment (chapter 3.8)
def test_the_electricity_paragraph_says_location_based_when_every_factor_is(ctx):
    ch3 = ctx["chapter3"]
    assert ch3["electricity_treatment"].startswith("外购电力的排放按电网平均排放因子计算，即基于位置的方法")
    assert {e["method"] for e in ch3["electricity"]} == {"基于位置（电网平均）"}
    assert "外购电力按电网平均排放因子计算（基于位置的方法）。" in ch3["value_choices"]


def _use_residual_mix(study, **filters):
    from footprint.models import EmissionFactor

    residual = EmissionFactor.objects.filter(code="CN-GRID-RESIDUAL-2021").order_by("-version").first()
    assert residual is not None
    return ActivityRecord.objects.filter(stage__study_product__study=study,
                                         factor__category="electricity", **filters).update(factor=residual)


def test_the_electricity_paragraph_names_the_activities_under_each_method(seed_study):
    assert _use_residual_mix(seed_study, name="报废拆解回收用电") == 2
    ch3 = build(seed_study)["chapter3"]
    assert ch3["electricity_treatment"].startswith(
        "外购电力的排放按两种方法计算：原辅料获取及加工用电、生产用电按电网平均排放因子计算，即基于位置的方法；"
        "报废拆解回收用电按剩余电力组合等基于市场的排放因子计算，即基于市场的方法。")
    assert {e["code"]: e["market_based"] for e in ch3["electricity"]} == {
        "CN-GRID-2022": False, "CN-GRID-RESIDUAL-2021": True}
    assert any("两种方法" in v for v in ch3["value_choices"])
    # The same activity under both methods is named with its product.
    _use_residual_mix(seed_study, name="生产用电", stage__study_product__product__code="LV")
    text = build(seed_study)["chapter3"]["electricity_treatment"]
    assert "原辅料获取及加工用电、高压成套开关设备的生产用电按电网平均" in text
    assert "低压成套开关设备的生产用电、报废拆解回收用电按剩余电力组合" in text


def test_the_electricity_paragraph_says_market_based_when_every_factor_is(seed_study):
    _use_residual_mix(seed_study)
    ch3 = build(seed_study)["chapter3"]
    assert ch3["electricity_treatment"].startswith(
        "外购电力的排放按剩余电力组合等基于市场的排放因子计算，即基于市场的方法（原辅料获取及加工用电、生产用电、报废拆解回收用电）")
    assert "基于位置的方法" not in ch3["electricity_treatment"].split("。")[0]
    assert "外购电力按基于市场的排放因子计算（剩余电力组合）。" in ch3["value_choices"]
    with translation.override("en"):
        text = build(seed_study, language="en")["chapter3"]["electricity_treatment"]
    assert "market-based" in text and "location-based method" not in text
