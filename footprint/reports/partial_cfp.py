"""What the study's result really is: a full CFP per functional unit, or a partial CFP per
declared unit (ISO 14067:2018 3.1.1.2, 6.3.3, 7.3) — and the major limitations it has.

A result is partial when the boundary stops at the gate, or when a stage of the boundary has no
activity data (its emissions are not in the result, whatever the reason). The cover, the
summary and chapter 3 say so with the same words from here; excluded stages print as "not
included", never as 0.000 / 0.0 %. Pure: works on the report's facts.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from ..choices import STAGE_ORDER, Boundary, FactorCategory, Stage
from ..services.calculation import checks as C
from .facts import ReportInputs


def stage_label(stage: str) -> str:
    return str(Stage(stage).label) if stage in Stage.values else stage


def not_included_text() -> str:
    """What an excluded stage prints where a number would be."""
    return _("未纳入")


def excluded_stages(inputs: ReportInputs) -> list[str]:
    """Stages of the life cycle whose emissions are in no product's result, in report order:
    outside a cradle-to-gate boundary, or in the boundary without activity data."""
    out = []
    for stage in STAGE_ORDER:
        counted = False
        for product in inputs.result.products:
            sr = next((s for s in product.stages if s.stage == stage), None)
            if sr is not None and not sr.not_included:
                counted = True
        if not counted:
            out.append(stage)
    return out


def is_partial(inputs: ReportInputs) -> bool:
    return inputs.study.boundary == Boundary.CRADLE_TO_GATE or bool(excluded_stages(inputs))


def _join(items, *, zh: bool) -> str:
    return ("、" if zh else ", ").join(items)


def _zh(inputs: ReportInputs) -> bool:
    return inputs.language.startswith("zh")


def kind_of_result(inputs: ReportInputs) -> str:
    """The cover's and summary's one-line statement of what the figures are."""
    if not is_partial(inputs):
        return _("产品碳足迹（完整生命周期），按功能单位表示")
    return _("部分碳足迹（ISO 14067:2018，3.1.1.2），按声明单位表示；未纳入的阶段：%(stages)s") % {
        "stages": _join((stage_label(s) for s in excluded_stages(inputs)), zh=_zh(inputs))}


def declared_unit_note(inputs: ReportInputs) -> str:
    """Chapter 3.2: why the unit of the results is a declared unit."""
    if not is_partial(inputs):
        return ""
    return _("本研究未纳入%(stages)s阶段，量化的是部分碳足迹（ISO 14067:2018，3.1.1.2）。按 ISO 14067:2018 "
             "6.3.3，部分碳足迹按声明单位表示，而不是功能单位：下表的单位即声明单位，本报告中的“功能单位”"
             "均指声明单位，结果不能用于按功能比较产品。") % {
        "stages": _join((stage_label(s) for s in excluded_stages(inputs)), zh=_zh(inputs))}


def _raw_materials_only_energy(inputs: ReportInputs) -> bool:
    """The raw-material stage has data, but none of it is a material: only energy (typically
    suppliers' electricity), so the materials' own production is not in the result."""
    rows = [a for p in inputs.products for a in p.activities
            if a.stage == Stage.RAW_MATERIAL_ACQUISITION]
    if not rows:
        return False
    # plain strings: a TextChoices member hashes by its name, not its value
    categories = {str(inputs.factors[a.factor_key].category) for a in rows if a.factor_key in inputs.factors}
    energy = {FactorCategory.ELECTRICITY.value, FactorCategory.FUEL.value}
    return bool(categories) and categories <= energy


def major_limitations(inputs: ReportInputs) -> list[str]:
    """The limitations the checks and the data show, in plain words (chapter 3.6)."""
    zh = _zh(inputs)
    out = []
    excluded = excluded_stages(inputs)
    if excluded:
        out.append(_("结果是部分碳足迹：%(stages)s阶段的排放未计入（理由见 3.3 节），结果不代表产品完整生命周期的"
                     "碳足迹，不能用于按功能比较产品。") % {
            "stages": _join((stage_label(s) for s in excluded), zh=zh)})
    codes = {c.code for c in inputs.result.all_checks}
    if C.USE_STAGE_EXCLUDED in codes:
        out.append(_("产品在使用中消耗能源，但使用阶段未纳入；对耗能产品，使用阶段的排放往往是最大的一项。"))
    if _raw_materials_only_energy(inputs):
        out.append(_("原材料获取阶段只以供应商的能源消耗（如用电量）建模，没有材料的质量和材料排放因子：钢、铜、"
                     "塑料等材料本身生产的排放未计入。"))
    missing = [c.stage for c in inputs.result.all_checks if c.code == C.STAGE_MISSING and c.stage]
    if missing:
        out.append(_("以下阶段没有活动数据，也没有写明排除理由：%(stages)s。") % {
            "stages": _join(dict.fromkeys(stage_label(s) for s in missing), zh=zh)})
    return out
