"""Default paragraphs for the report's narrative sections, written from the study's own data.

A study's narrative field (purpose, allocation, …) is printed as the auditor wrote it; when it
is empty the report prints the paragraph composed here instead. The paragraphs state what
ISO 14067:2018 clause 7 / GB/T 24067-2024 ask the report to say about the study and fill in
this study's facts (products, boundary, excluded stages, data types, factor years, hotspots),
so that a default is never an empty formula.

`compose_narrative` is pure (the study's facts of `services/facts` and its calculation result
in, text out); `default_narrative` reads the facts of a study from the database first.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _

from ...choices import NARRATIVE_SECTIONS, Boundary, Stage, stages_in_boundary
from .. import formatting as F
from ..calculation.study import StudyResult, calculate_study
from ..facts.model import ActivityFacts, ProductFacts, StudyFacts
from ..facts.reading import study_facts
from ..results import study_calculation_input

# What the narrative editor offers a default for: the sections plus the company overview,
# which is stored on the company (Company.overview), not on the study.
NARRATIVE_DEFAULT_KEYS: tuple[str, ...] = ("company_overview", *NARRATIVE_SECTIONS)


# ------------------------------------------------------------------------------ public API
def default_narrative(key: str, *, study, language: str, result: StudyResult | None = None) -> str:
    """Our default paragraph for `key` of `study` in `language` (zh-hans or en)."""
    facts = study_facts(study)
    return compose_narrative(key, facts, result=_result(study, facts, result), language=language)


def default_narratives(*, study, language: str, result: StudyResult | None = None) -> dict[str, str]:
    """Every default paragraph at once (the narrative editor), reading the study once."""
    facts = study_facts(study)
    result = _result(study, facts, result)
    return {key: compose_narrative(key, facts, result=result, language=language)
            for key in NARRATIVE_DEFAULT_KEYS}


def compose_narrative(key: str, facts: StudyFacts, *, result: StudyResult | None,
                      language: str) -> str:
    """`facts` in the report language; `result` the calculation of the same study."""
    if key not in _COMPOSERS:
        raise KeyError(key)
    with translation.override(language):
        return _COMPOSERS[key](facts, result)


def _result(study, facts: StudyFacts, result: StudyResult | None) -> StudyResult | None:
    if result is None and facts.products:
        result = calculate_study(study_calculation_input(study, facts=facts))
    return result


# ------------------------------------------------------------------------------- helpers
def _join(items: list[str]) -> str:
    items = [i for i in items if i]
    if not items:
        return ""
    if translation.get_language().startswith("zh"):
        return "、".join(items)
    return ", ".join(items[:-1]) + (" and " if len(items) > 1 else "") + items[-1]


def _sentences(parts: list[str]) -> str:
    separator = "" if translation.get_language().startswith("zh") else " "
    return separator.join(p for p in parts if p)


def _stage(stage: str) -> str:
    return str(Stage(stage).label)


def _products(facts: StudyFacts) -> str:
    return _join([p.name for p in facts.products])


def _functional_units(facts: StudyFacts) -> str:
    return _join([f"{p.functional_unit} {p.name}" for p in facts.products])


def _standards(facts: StudyFacts) -> str:
    return _join(list(facts.standards)) or "GB/T 24067-2024/ISO 14067:2018"


def _boundary(facts: StudyFacts) -> str:
    return str(Boundary(facts.boundary).label) if facts.boundary in Boundary.values else facts.boundary


def _excluded_stages(facts: StudyFacts) -> list[tuple[str, str]]:
    """(stage label, reason) for stages in the boundary that have no activity data."""
    seen: dict[str, str] = {}
    boundary = stages_in_boundary(facts.boundary)
    for p in facts.products:
        for s in p.stages:
            if s.stage in boundary and s.activity_count == 0 and s.stage not in seen:
                seen[s.stage] = s.exclusion_reason.strip()
    return [(_stage(s), r) for s, r in seen.items()]


def _excluded_processes(facts: StudyFacts) -> list[str]:
    found: list[str] = []
    for p in facts.products:
        for s in p.stages:
            text = s.excluded.strip()
            if text and text not in found:
                found.append(text)
    return found


def _share_by(facts: StudyFacts, result: StudyResult | None, key) -> dict[str, dict[str, Decimal]]:
    """Per product: the calculation's display shares (%) summed by key(activity facts), so a
    sentence prints the same share as the tables (docs/numbers.md)."""
    out: dict[str, dict[str, Decimal]] = {}
    if result is None:
        return out
    for p in facts.products:
        product = result.product(p.code)
        if product is None:
            continue
        by_id = {a.record_id: a for a in p.activities}
        sums: dict[str, Decimal] = {}
        for a in product.activities:
            info = by_id.get(a.record_id)
            if info is not None:
                k = key(info)
                sums[k] = sums.get(k, Decimal("0.0")) + a.share_pct
        out[p.code] = sums
    return out


def _by_stage(product: ProductFacts) -> list[ActivityFacts]:
    """A product's activities stage by stage (in document order within a stage)."""
    order = {s.stage: i for i, s in enumerate(product.stages)}
    return sorted(product.activities, key=lambda a: order.get(a.stage, len(order)))


# ---------------------------------------------------------------------------- composers
def _company_overview(facts: StudyFacts, result: StudyResult | None) -> str:
    c = facts.company
    products = _join([f"{p.name}（{p.code}）" if translation.get_language().startswith("zh")
                      else f"{p.name} ({p.code})" for p in facts.products])
    parts = [
        _("%(company)s是本研究所评价产品的生产者。") % {"company": c.name},
        _("企业地址：%(address)s。") % {"address": c.address} if c.address else "",
        _("统一社会信用代码：%(code)s。") % {"code": c.credit_code} if c.credit_code else "",
        _("本研究评价的产品为%(products)s。") % {"products": products} if products else "",
        _("法定代表人为%(name)s。") % {"name": c.legal_representative} if c.legal_representative else "",
        _("本研究的企业联系人为%(name)s。") % {"name": c.contact_name} if c.contact_name else "",
    ]
    return _sentences(parts)


def _purpose(facts: StudyFacts, result: StudyResult | None) -> str:
    return _sentences([
        _("本研究依据 %(standards)s，量化%(company)s生产的%(products)s在报告期内的产品碳足迹（CFP），"
          "即产品系统在%(boundary)s边界内温室气体排放和清除的总和，以二氧化碳当量表示。")
        % {"standards": _standards(facts), "company": facts.company.name, "products": _products(facts),
           "boundary": _boundary(facts)},
        _("研究结果用于企业识别产品生命周期中的排放热点、制定减排措施，并向客户、认证机构和其他相关方"
          "提供经核查的产品碳足迹信息。"),
        _("预期读者为企业管理、设计、采购和生产人员，认证机构，以及客户、供应商和主管部门等外部相关方。"),
        _("本报告不构成与其他企业同类产品的比较声明；如需进行比较，应确保功能单位、系统边界、"
          "数据质量和计算规则一致。"),
    ])


def _product_function(facts: StudyFacts, result: StudyResult | None) -> str:
    parts = []
    for p in facts.products:
        model = _("（型号：%(model)s）") % {"model": p.model} if p.model else ""
        parts.append(
            _("%(name)s%(model)s是本研究的对象产品之一，其碳足迹以“%(unit)s%(name)s”为功能单位表示。")
            % {"name": p.name, "model": model, "unit": p.functional_unit}
        )
        if p.description:
            parts.append(p.description.strip())
    parts.append(_("产品的技术参数和用途以企业提供的产品说明为准。"))
    return _sentences(parts)


def _process_flow(facts: StudyFacts, result: StudyResult | None) -> str:
    parts = [_("产品生命周期按以下阶段划分，各阶段包含的主要过程如下：")]
    boundary = stages_in_boundary(facts.boundary)
    described: list[str] = []
    for stage in boundary:
        included = []
        for p in facts.products:
            for s in p.stages:
                if s.stage == stage and s.included.strip() and s.included.strip() not in included:
                    included.append(s.included.strip())
        if included:
            described.append(_("%(stage)s：%(processes)s。") % {
                "stage": _stage(stage), "processes": "；".join(included)
                if translation.get_language().startswith("zh") else "; ".join(included)})
    if not described:
        return _("企业尚未提供工艺流程说明。")
    return _sentences(parts + described)


def _allocation(facts: StudyFacts, result: StudyResult | None) -> str:
    allocated = [
        (p.name, a.name, float(a.allocation))
        for p in facts.products for a in _by_stage(p) if a.allocation < 1
    ]
    parts = [
        _("ISO 14067 要求优先通过细分过程或扩大系统边界来避免分配；无法避免时，按反映输入与产品之间"
          "物理关系的基准（如产量、质量）分配，最后才考虑经济价值等其他关系。"),
    ]
    if allocated:
        listed = _join([f"{product}/{name} {F.allocation(share)}{F.PERCENT}"
                        for product, name, share in allocated[:8]])
        parts.append(_("本研究中以下活动数据按分配比例计入产品：%(list)s。") % {"list": listed})
    else:
        parts.append(_("本研究的活动数据均已按产品计量或在录入前分摊到各产品，表中分配比例均为 100%。"))
    return _sentences(parts)


def _cut_off(facts: StudyFacts, result: StudyResult | None) -> str:
    parts = [
        _("对产品碳足迹贡献估计低于 1% 的单项输入可以不纳入，但被舍去输入的贡献合计不得超过 5%；"
          "已知温室气体排放强度高的输入不论数量多少都予以纳入。"),
    ]
    excluded = _excluded_processes(facts)
    if excluded:
        parts.append(_("据此未纳入的过程为：%(list)s。") % {
            "list": "；".join(excluded) if translation.get_language().startswith("zh")
            else "; ".join(excluded)})
    return _sentences(parts)


def _assumptions(facts: StudyFacts, result: StudyResult | None) -> str:
    parts = [
        _("以报告期总量表示的活动数据按产品在报告期内的产量折算到功能单位，即假定报告期内各单位产品的"
          "资源消耗相同。"),
        _("排放因子采用所列来源的公开数据，假定其能代表实际供应链的技术和地域条件。"),
    ]
    for label, reason in _excluded_stages(facts):
        if reason:
            parts.append(_("%(stage)s阶段未纳入：%(reason)s") % {"stage": label, "reason": reason})
        else:
            parts.append(_("%(stage)s阶段没有活动数据。") % {"stage": label})
    return _sentences(parts)


def _data_quality(facts: StudyFacts, result: StudyResult | None) -> str:
    parts = [
        _("数据质量按 ISO 14067 的要求从时间、地域和技术代表性，以及精确度、完整性、一致性和"
          "可重现性几方面评价；优先采用企业现场的初级数据，无法获得时采用公开发布的次级数据。"),
    ]
    shares = _share_by(facts, result, lambda a: a.data_type)
    for p in facts.products:
        product = result.product(p.code) if result is not None else None
        sums = shares.get(p.code, {})
        if product is not None and product.total_kgco2e > 0:
            parts.append(
                _("%(product)s的碳足迹中，%(primary)s 来自初级活动数据，%(secondary)s 来自次级活动数据。")
                % {"product": p.name, "primary": F.share_text(sums.get("primary", Decimal("0.0"))),
                   "secondary": F.share_text(sums.get("secondary", Decimal("0.0")))}
            )
    # years and regions of the factors whose licence lets them be printed (docs/factor-library.md)
    used = [facts.factors[a.factor_key] for p in facts.products for a in p.activities
            if facts.factors[a.factor_key].redistribution_allowed]
    years = sorted({f.year for f in used if f.year})
    if years:
        gap = facts.period_end.year - min(years)
        parts.append(
            _("所用排放因子的数据年份为 %(years)s，报告期为 %(year)s 年，时间差最多 %(gap)s 年。")
            % {"years": _join([str(y) for y in years]), "year": facts.period_end.year, "gap": max(gap, 0)}
        )
    regions = sorted({f.region for f in used if f.region})
    if regions:
        parts.append(_("排放因子的地域为 %(regions)s。") % {"regions": _join(regions)})
    return _sentences(parts)


def _uncertainty(facts: StudyFacts, result: StudyResult | None) -> str:
    return _sentences([
        _("结果的不确定性来自活动数据的计量和分摊、排放因子与实际供应链的差异，以及排除过程和假设。"),
        _("第 5 章用三种方式给出其大小：各项活动数据不确定度的合成（未给出不确定度的活动按数据类型取"
          "缺省值），蒙特卡洛模拟得到的结果分布及各输入对方差的贡献，以及主要参数改变时结果的变化"
          "（敏感性分析）。"),
    ])


def _improvements(facts: StudyFacts, result: StudyResult | None) -> str:
    if result is None or not result.products:
        return _("完成计算后，根据排放热点提出改进建议。")
    parts = []
    for p in result.products:
        if p.total_kgco2e <= 0:
            continue
        ranked = sorted(p.stages, key=lambda s: -s.kgco2e)
        top = [s for s in ranked if s.kgco2e > 0][:2]
        listed = _join([f"{_stage(s.stage)}（{F.share_text(s.share_pct)}）"
                        if translation.get_language().startswith("zh")
                        else f"{_stage(s.stage)} ({F.share_text(s.share_pct)})" for s in top])
        parts.append(_("%(product)s的排放主要来自%(stages)s。") % {"product": p.name, "stages": listed})
    parts.append(_("以下建议按对结果的影响从大到小排列，并给出相应活动减少 10% 时碳足迹的降低量。"))
    return _sentences(parts)


_COMPOSERS = {
    "company_overview": _company_overview,
    "purpose": _purpose,
    "product_function": _product_function,
    "process_flow": _process_flow,
    "allocation": _allocation,
    "cut_off": _cut_off,
    "assumptions": _assumptions,
    "data_quality": _data_quality,
    "uncertainty": _uncertainty,
    "improvements": _improvements,
}
