"""A study without every stage is a partial CFP per declared unit, and says so on the cover, in
the summary and in chapter 3; excluded stages print "未纳入", never 0.000 / 0.0 %; the boundary
diagram draws them outside the frame; the limitations name what the data lacks."""

from __future__ import annotations

import re

from footprint.choices import Stage
from footprint.models import ActivityRecord, Study
from footprint.reports.context import build_report_context
from footprint.reports.inputs import load_report_inputs


def build(study, language="zh-hans"):
    return build_report_context(load_report_inputs(study, language=language, asset_urls={}))


def test_the_seed_without_its_use_stage_is_a_partial_cfp_everywhere(seed_study):
    ctx = build(seed_study)
    assert ctx["cover"]["kind_of_result"] == (
        "部分碳足迹（ISO 14067:2018，3.1.1.2），按声明单位表示；未纳入的阶段：使用")
    assert ctx["sections"]["ch3_2"]["label"] == "3.2 声明单位和基准流"
    assert ctx["chapter3"]["declared_unit_note"].startswith("本研究未纳入使用阶段，量化的是部分碳足迹")
    assert "声明单位：" in ctx["summary"]["scope"] and "部分碳足迹" in ctx["summary"]["scope"]
    use = next(r for r in ctx["summary"]["tables"][0]["rows"] if r["stage"] == "使用")
    assert [(c["kg"], c["share"]) for c in use["cells"]] == [("未纳入", "—")] * 2
    for product in ctx["chapter5"]["results"]:
        row = next(r for r in product["rows"] if r["stage"] == "使用")
        assert (row["kg"], row["share"]) == ("未纳入", "—")
        assert "未纳入" in product["figure"]["svg"] and "0.000 (0.0" not in product["figure"]["svg"]


def test_the_limitations_state_what_the_checks_and_data_find(seed_study):
    limitations = build(seed_study)["chapter3"]["limitations"]
    assert any(t.startswith("结果是部分碳足迹：使用阶段的排放未计入") for t in limitations)
    assert any("使用阶段未纳入" in t for t in limitations)  # switchgear uses energy
    assert any(t.startswith("原材料获取阶段只以供应商的能源消耗") for t in limitations)


def test_a_cradle_to_gate_study_lists_the_stages_beyond_the_gate(demo):
    ctx = build(Study.objects.get(report_number="DEMO-2"))
    assert ctx["cover"]["kind_of_result"].endswith("未纳入的阶段：成品运输（分销）、使用、生命末期（处置）")
    scenarios = {s["label"]: s["text"] for s in ctx["chapter3"]["scenarios"]}
    assert scenarios == {"使用阶段情景": "未纳入：系统边界为摇篮到大门。",
                         "生命末期情景": "未纳入：系统边界为摇篮到大门。"}


def test_with_data_for_every_stage_the_result_is_a_full_cfp(seed_study):
    for template in ActivityRecord.objects.filter(stage__study_product__study=seed_study,
                                                  stage__stage=Stage.PRODUCTION):
        use = template.stage.study_product.stages.get(stage=Stage.USE)
        ActivityRecord.objects.create(stage=use, name="使用阶段电能损耗", quantity=1000, unit="kWh",
                                      factor=template.factor, position=1)
    ctx = build(seed_study)
    assert ctx["cover"]["kind_of_result"] == "产品碳足迹（完整生命周期），按功能单位表示"
    assert ctx["sections"]["ch3_2"]["label"] == "3.2 功能单位和基准流"
    assert ctx["chapter3"]["declared_unit_note"] == ""
    assert not any("部分碳足迹" in t for t in ctx["chapter3"]["limitations"])
    assert ">系统边界外" not in str(ctx["chapter3"]["boundary_figure"]["svg"])


def _rects(svg: str) -> list[tuple[float, float, float, float]]:
    return [tuple(float(v) for v in m.groups()) for m in re.finditer(
        r'<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"', svg)]


def test_the_boundary_diagram_draws_excluded_stages_outside_the_frame(seed_study):
    svg = str(build(seed_study)["chapter3"]["boundary_figure"]["svg"])
    frame, *boxes = _rects(svg)
    inside = [b for b in boxes if b[1] < frame[1] + frame[3]]
    outside = [b for b in boxes if b[1] > frame[1] + frame[3]]
    assert len(inside) == 5 and len(outside) == 1
    assert all(frame[0] <= b[0] and b[0] + b[2] <= frame[0] + frame[2] for b in inside)
    # the one outside is the use stage, dashed and grey
    assert svg.index(">使用<") > svg.index("系统边界外")


def test_chapter3_says_what_iso_14067_7_3_asks_even_when_the_answer_is_none(seed_study):
    ch3 = build(seed_study)["chapter3"]
    assert ch3["pcr"].startswith("本研究未采用产品类别规则（PCR）")
    assert ch3["allocation_sensitivity"].startswith("活动数据均按分配比例 1 录入，本报告没有可重新计算的分配")
    assert "生物源碳含量未量化" in ch3["biogenic"]
    assert "未按数据质量指标" in ch3["data_quality_statement"]
    scenarios = {s["label"]: s["text"] for s in ch3["scenarios"]}
    assert scenarios["使用阶段情景"].startswith("未纳入：开关设备使用阶段的电能损耗")
    assert scenarios["生命末期情景"] == "报废产品的拆解及外壳、铜导体回收处理用电"


def test_allocation_sensitivity_recomputes_without_allocation(seed_study):
    record = ActivityRecord.objects.filter(stage__study_product__study=seed_study,
                                           stage__stage=Stage.PRODUCTION).first()
    before = build(seed_study)
    product = next(p for p in before["chapter5"]["results"] if p["code"] == record.stage.study_product.product.code)
    ActivityRecord.objects.filter(pk=record.pk).update(allocation="0.5")
    text = build(seed_study)["chapter3"]["allocation_sensitivity"]
    # without allocation the product's total goes back to what it was with the whole quantity
    assert text.startswith("分配的敏感性：若不分配")
    assert f"{product['product']} {product['total']} kgCO₂e/" in text


def test_missing_pictures_are_named_not_silently_left_out(seed_study):
    ch2 = build(seed_study)["chapter2"]
    assert ch2["images"] == []
    assert ch2["images_missing"] == "未提供产品图片：核查资料中没有上传产品照片。"
    assert ch2["flow_figure_missing"].startswith("未提供工艺流程图")
