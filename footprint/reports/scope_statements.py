"""Chapter 3's statements that ISO 14067:2018 7.3 asks of every CFP study report, each said
even when the answer is "none" or "not made": the PCR used, the use-profile and end-of-life
scenarios, the allocation sensitivity, the biogenic carbon content and the data-quality
assessment. Pure: works on the report's facts and recomputes with the calculation service.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from ..choices import Boundary, FactorCategory, Stage
from ..services import formatting as F
from ..services.calculation import sensitivity as S
from .facts import ReportInputs
from .partial_cfp import stage_label

_PCR_WORDS = ("PCR", "产品种类规则", "产品类别规则", "Product Category Rules")


def pcr_statement(inputs: ReportInputs) -> str:
    pcrs = [s for s in inputs.study.standards if any(w.lower() in s.lower() for w in _PCR_WORDS)]
    if pcrs:
        return _("本研究采用的产品类别规则（PCR）：%(pcr)s。") % {
            "pcr": ("、" if inputs.language.startswith("zh") else "; ").join(pcrs)}
    return _("本研究未采用产品类别规则（PCR）：量化依据 %(standards)s 的一般要求。") % {
        "standards": ("、" if inputs.language.startswith("zh") else ", ").join(inputs.study.standards)}


def _scenario(inputs: ReportInputs, stage: str) -> str:
    texts: list[str] = []
    for product in inputs.products:
        facts = next((s for s in product.stages if s.stage == stage), None)
        has_data = any(a.stage == stage for a in product.activities)
        if has_data:
            text = (facts.included if facts and facts.included else
                    _("按活动数据中的%(stage)s阶段各项计算，见第 4 章。") % {"stage": stage_label(stage)})
        elif inputs.study.boundary == Boundary.CRADLE_TO_GATE:
            text = _("未纳入：系统边界为摇篮到大门。")
        else:
            reason = facts.exclusion_reason if facts else ""
            text = (_("未纳入：%(reason)s") % {"reason": reason}) if reason else _("未纳入，未说明理由。")
        if text not in texts:
            texts.append(text)
    return " ".join(texts)


def scenarios(inputs: ReportInputs) -> list[dict]:
    """The use profile and the end-of-life scenario (7.3 i, j), or why there is none."""
    return [
        {"label": _("使用阶段情景"), "text": _scenario(inputs, Stage.USE)},
        {"label": _("生命末期情景"), "text": _scenario(inputs, Stage.END_OF_LIFE)},
    ]


def allocation_sensitivity(inputs: ReportInputs) -> str:
    """How much the allocation matters: the results if nothing were allocated (6.4.6)."""
    scenario = S.allocation_scenario(inputs.calculation_input)
    if scenario is None:
        # Quantities may have been split before entry (the allocation statement says so):
        # then there is nothing to recompute here, and the report must not claim otherwise.
        return _("活动数据均按分配比例 1 录入，本报告没有可重新计算的分配；若数量在录入前已经分摊（见上文），"
                 "其他分配方式的影响未作敏感性分析。")
    parts = []
    for product in inputs.result.products:
        without = scenario.totals.get(product.code)
        if without is None or product.total_kgco2e <= 0:
            continue
        parts.append(_("%(product)s %(kg)s kgCO₂e/%(unit)s（%(change)s）") % {
            "product": product.name, "kg": F.kg(without), "unit": product.functional_unit,
            "change": F.deviation_text(without / product.total_kgco2e - 1)})
    return _("分配的敏感性：若不分配，即各产品承担共用量的全部（任何其他分配方式的上限），结果为：%(results)s。") % {
        "results": ("；" if inputs.language.startswith("zh") else "; ").join(parts)}


def biogenic_statement(inputs: ReportInputs) -> str:
    has_materials = any(
        inputs.factors[a.factor_key].category == FactorCategory.MATERIAL
        for p in inputs.products for a in p.activities if a.factor_key in inputs.factors)
    if has_materials:
        return _("产品中的生物源碳含量未量化；生物源温室气体的排放和清除在 5.4 节单独列出。")
    return _("本研究没有材料的质量数据，产品中的生物源碳含量未量化；生物源温室气体的排放和清除在 5.4 节单独列出。")


def data_quality_statement(inputs: ReportInputs) -> str:
    return _("本研究未按数据质量指标（时间、地理和技术代表性，精确度，完整性，一致性等，ISO 14067:2018 6.3.5）"
             "对各项数据逐项评分；每项数据的类型（初级或次级）、来源和不确定度见第 4 章和 5.5 节。")


def gwp_sensitivity_note(inputs: ReportInputs) -> str:
    """Said where the GWP-set scenarios would be when there are none: with CO₂ alone (GWP 1 in
    every IPCC set) another set changes nothing, and the report says so instead of silence."""
    study = inputs.calculation_input
    gases = {study.factors[a.factor_key].gas
             for p in study.products for a in p.activities if a.factor_key in study.factors}
    if not gases or not gases <= {"CO2", "CO2e"}:
        return ""
    if gases == {"CO2"}:
        return _("本研究的排放只有 CO₂，其 GWP 在 IPCC 各版本中均为 1：改用其他 GWP 版本，结果不变，因此没有列出 GWP 版本的情景。")
    return _("本研究的排放因子只涉及 CO₂ 或已按 CO₂e 给出：改用其他 GWP 版本不改变本报告的计算结果（以 CO₂e 给出的因子已含"
             "其来源采用的 GWP 值），因此没有列出 GWP 版本的情景。")
