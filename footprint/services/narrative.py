"""Default paragraphs for the narrative sections of a report, written from the study's data.

`default_narrative(key, study=..., language=...)` is offered in the narrative editor and used by
the report wherever a section was left empty. Each paragraph follows what ISO 14067:2018 §7.3
and GB/T 24067-2024 ask the report to state, filled with the study's own figures (products,
reference flow, allocation basis, data shares, uncertainty, hotspots), so it is specific to
the study rather than boilerplate.

The paragraphs are kept here in both report languages instead of in the gettext catalogue:
they are report content in the *study's* language (not the interface's), long, and must stay
consistent with the numbers inserted into them; an auditor edits the result as plain text.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..choices import STAGE_ORDER, Boundary, DataType, stages_in_boundary
from ..models import ActivityRecord, LifecycleStage, Study, StudyProduct
from .calculation import StudyResult

NARRATIVE_DEFAULT_KEYS: tuple[str, ...] = (
    "company_overview",  # stored on the company (Company.overview), not on the study
    "purpose",
    "product_function",
    "process_flow",
    "allocation",
    "cut_off",
    "assumptions",
    "data_quality",
    "uncertainty",
    "improvements",
)

_EN_STAGE = {
    "raw_material_acquisition": "raw material acquisition",
    "raw_material_transport": "raw material transport",
    "production": "production",
    "distribution": "distribution",
    "use": "use",
    "end_of_life": "end of life",
}
_ZH_STAGE = {
    "raw_material_acquisition": "原材料获取",
    "raw_material_transport": "原材料运输",
    "production": "生产",
    "distribution": "成品运输（分销）",
    "use": "使用",
    "end_of_life": "生命末期（处置）",
}
_GWP_TEXT = {
    "zh-hans": {"AR4": "IPCC 第四次评估报告（AR4）", "AR5": "IPCC 第五次评估报告（AR5）",
                "AR6": "IPCC 第六次评估报告（AR6）"},
    "en": {"AR4": "the IPCC Fourth Assessment Report (AR4)",
           "AR5": "the IPCC Fifth Assessment Report (AR5)",
           "AR6": "the IPCC Sixth Assessment Report (AR6)"},
}
# What a hotspot of each factor category can be reduced by.
_LEVERS = {
    "zh-hans": {
        "electricity": "提高用电设备能效、错峰和余热利用，并通过绿电交易、绿证或厂区光伏提高可再生电力比例",
        "fuel": "以电力替代燃油设备、优化燃烧和车辆调度，降低化石燃料消耗",
        "material": "优化结构设计减少材料用量，提高再生材料比例，优先选择提供产品碳足迹数据的低碳供应商",
        "transport": "就近采购、提高装载率，并由公路运输转向铁路或水路运输",
        "waste": "提高拆解回收率，减少填埋和焚烧",
        "process": "回收或替代工艺中使用的温室气体，加强泄漏检测",
        "other": "向供应商收集更准确的初级数据，找出可以削减的环节",
    },
    "en": {
        "electricity": "improving the efficiency of electrical equipment, load shifting and heat "
                       "recovery, and raising the renewable share through green power purchase, "
                       "certificates or on-site solar",
        "fuel": "electrifying fuel-fired equipment and optimising combustion and vehicle use",
        "material": "designing out material, raising recycled content and preferring suppliers "
                    "that provide product carbon footprint data",
        "transport": "sourcing closer to the plant, raising load factors and shifting from road "
                     "to rail or waterway",
        "waste": "raising dismantling and recycling rates and reducing landfill and incineration",
        "process": "recovering or substituting process gases and tightening leak detection",
        "other": "collecting better primary data from suppliers to find what can be reduced",
    },
}


@dataclass
class _Row:
    record_id: int
    product_id: int
    stage: str
    name: str
    data_type: str
    uncertainty_pct: float | None
    allocation: float
    basis: str
    factor_code: str
    factor_year: int | None
    factor_region: str
    factor_category: str


@dataclass
class _Facts:
    """Everything the paragraphs need, read once per study (three queries + one calculation)."""

    study: Study
    products: list[StudyProduct]
    stages: dict[int, dict[str, LifecycleStage]]
    rows: list[_Row]
    result: StudyResult
    kg_by_record: dict[int, float] = field(default_factory=dict)

    @classmethod
    def read(cls, study: Study, result: StudyResult | None) -> _Facts:
        if result is None:
            from .results import study_results

            result = study_results(study)
        products = list(
            StudyProduct.objects.filter(study=study).select_related("product").order_by("position", "id")
        )
        stages: dict[int, dict[str, LifecycleStage]] = {sp.pk: {} for sp in products}
        for stage in LifecycleStage.objects.filter(study_product__study=study):
            stages.setdefault(stage.study_product_id, {})[stage.stage] = stage
        rows = [
            _Row(pk, sp_id, stage, name, data_type,
                 None if unc is None else float(unc), float(alloc), basis, code, year,
                 region or "", category)
            for pk, sp_id, stage, name, data_type, unc, alloc, basis, code, year, region, category
            in ActivityRecord.objects.filter(stage__study_product__study=study)
            .order_by("position", "id")
            .values_list("id", "stage__study_product_id", "stage__stage", "name", "data_type",
                         "uncertainty_pct", "allocation", "basis", "factor__code", "factor__year",
                         "factor__region", "factor__category")
        ]
        kg = {a.record_id: a.kgco2e for p in result.products for a in p.activities}
        return cls(study=study, products=products, stages=stages, rows=rows, result=result,
                   kg_by_record=kg)

    def kg(self, row: _Row) -> float:
        return self.kg_by_record.get(row.record_id, 0.0)


# ------------------------------------------------------------------------------ helpers
def _num(value: float, decimals: int = 3) -> str:
    return f"{value:,.{decimals}f}"


def _plain(value) -> str:
    """281683.000000 → 281,683; 0.5 → 0.5."""
    text = f"{float(value):,.6f}".rstrip("0").rstrip(".")
    return text or "0"


def _join(items: list[str], language: str) -> str:
    items = [i for i in items if i]
    if language == "en":
        if len(items) <= 2:
            return " and ".join(items)
        return ", ".join(items[:-1]) + " and " + items[-1]
    return "、".join(items)


def _stage_name(stage: str, language: str) -> str:
    return (_EN_STAGE if language == "en" else _ZH_STAGE).get(stage, stage)


def _period(study: Study, language: str) -> str:
    if language == "en":
        return f"{study.period_start:%d %B %Y} to {study.period_end:%d %B %Y}"
    s, e = study.period_start, study.period_end
    return f"{s.year} 年 {s.month} 月 {s.day} 日至 {e.year} 年 {e.month} 月 {e.day} 日"


def _standards(study: Study, language: str) -> str:
    standards = list(study.standards or [])
    if not standards:
        return "ISO 14067:2018"
    return _join(standards, language)


def _product_names(facts: _Facts, language: str) -> str:
    return _join([sp.product.name for sp in facts.products], language)


def _boundary(study: Study, language: str) -> str:
    if language == "en":
        return "cradle-to-grave" if study.boundary == Boundary.CRADLE_TO_GRAVE else "cradle-to-gate"
    return "“摇篮到坟墓”" if study.boundary == Boundary.CRADLE_TO_GRAVE else "“摇篮到大门”"


def _lang(language: str) -> str:
    return "en" if (language or "").lower().startswith("en") else "zh-hans"


# ---------------------------------------------------------------------------- sections
def _company_overview(f: _Facts, lang: str) -> str:
    c = f.study.company
    products = _join([f"{sp.product.name}（{sp.product.code}）" if lang != "en"
                      else f"{sp.product.name} ({sp.product.code})" for sp in f.products], lang)
    if lang == "en":
        text = f"{c.name}"
        if c.address:
            text += f", located at {c.address}"
        if c.credit_code:
            text += f" (unified social credit code {c.credit_code})"
        text += ", is the producer of the products studied"
        text += f": {products}." if products else "."
        if c.legal_representative:
            text += f" Its legal representative is {c.legal_representative}."
        if c.contact_name:
            text += f" The company's contact for this study is {c.contact_name}."
        return text
    text = c.name
    if c.address:
        text += f"位于{c.address}"
    if c.credit_code:
        text += f"（统一社会信用代码 {c.credit_code}）"
    text += "，是本研究所评价产品的生产者" + (f"，涉及的产品为{products}。" if products else "。")
    if c.legal_representative:
        text += f"法定代表人为{c.legal_representative}。"
    if c.contact_name:
        text += f"本研究的企业联系人为{c.contact_name}。"
    return text


def _purpose(f: _Facts, lang: str) -> str:
    s = f.study
    if lang == "en":
        return (
            f"This study quantifies the carbon footprint of {_product_names(f, lang) or 'the products'} "
            f"made by {s.company.name}, in kgCO₂e per functional unit, for the reference period "
            f"{_period(s, lang)} within a {_boundary(s, lang)} system boundary, in accordance with "
            f"{_standards(s, lang)}. The results show in which life cycle stages and activities the "
            "greenhouse gas emissions arise, support low-carbon design, purchasing and production "
            "decisions, and are the basis for third-party verification and for communicating the "
            f"product carbon footprint. The intended audience is the management and the design, "
            f"purchasing and production staff of {s.company.name}, and external parties such as "
            "customers, the certification body and competent authorities. The study is not "
            "intended to support comparative assertions disclosed to the public."
        )
    return (
        f"本研究依据 {_standards(s, lang)}，量化{s.company.name}生产的{_product_names(f, lang) or '产品'}"
        f"在{_boundary(s, lang)}系统边界内、{_period(s, lang)}报告期的产品碳足迹，以每功能单位的 "
        "kgCO₂e 表示。研究结果用于识别温室气体排放集中在哪些生命周期阶段和活动，支持低碳设计、"
        "采购和生产决策，并作为第三方核查和对外沟通产品碳足迹的依据。报告的预期读者为"
        f"{s.company.name}的管理层及设计、采购和生产人员，以及客户、认证机构和主管部门等外部相关方。"
        "本研究不用于向公众发布的产品之间的比较性声明。"
    )


def _product_function(f: _Facts, lang: str) -> str:
    parts = []
    for sp in f.products:
        p = sp.product
        model = f"（{p.model}）" if p.model and lang != "en" else (f" ({p.model})" if p.model else "")
        if lang == "en":
            text = (
                f"{p.name}{model}: the functional unit is {p.functional_unit}. The reference flow "
                f"is the {_plain(sp.annual_output)} functional units produced in the reference "
                "period; activity data reported as annual totals are divided by this output to "
                "give values per functional unit."
            )
        else:
            text = (
                f"{p.name}{model}：功能单位为 {p.functional_unit}。参考流为报告期内生产的 "
                f"{_plain(sp.annual_output)} 个功能单位；按报告期总量填报的活动数据除以该产量，"
                "得到每功能单位的数值。"
            )
        if p.description:
            text += (" " if lang == "en" else "") + p.description.strip()
        parts.append(text)
    return "\n\n".join(parts)


def _process_flow(f: _Facts, lang: str) -> str:
    boundary_stages = stages_in_boundary(f.study.boundary)
    paragraphs = []
    for sp in f.products:
        lines = []
        for stage in boundary_stages:
            row = f.stages.get(sp.pk, {}).get(stage)
            included = (row.included.strip() if row else "")
            if not included:
                names = [r.name for r in f.rows if r.product_id == sp.pk and r.stage == stage][:4]
                included = _join(names, lang)
            if not included:
                reason = row.exclusion_reason.strip().rstrip("。.;；") if row else ""
                included = (f"not included ({reason})" if reason else "no activity data") if lang == "en" \
                    else (f"未纳入（{reason}）" if reason else "无活动数据")
            lines.append(f"{_stage_name(stage, lang)}{': ' if lang == 'en' else '：'}{included}")
        if lang == "en":
            paragraphs.append(f"{sp.product.name} — life cycle stages and processes: " + "; ".join(lines) + ".")
        else:
            paragraphs.append(f"{sp.product.name}的生命周期阶段和主要过程：" + "；".join(lines) + "。")
    return "\n\n".join(paragraphs)


def _allocation(f: _Facts, lang: str) -> str:
    annual = [r for r in f.rows if r.basis == "annual_total"]
    per_unit = [r for r in f.rows if r.basis != "annual_total"]
    shared = [r for r in f.rows if r.allocation < 1]
    multi = len(f.products) > 1
    if lang == "en":
        text = (
            "Allocation follows the order of ISO 14067:2018, 6.4.6: allocation is avoided by "
            "dividing processes where the data allow it, otherwise inputs are partitioned by a "
            "physical relationship, and only then by another relationship such as economic value. "
        )
        text += (
            f"{len(annual)} activity records are reported as totals for the reference period and are "
            "attributed to the functional unit by the physical relationship of production output: "
            "each is divided by the number of functional units the product's line produced in the "
            "period"
        )
        text += f", while {len(per_unit)} are measured per functional unit and need no allocation. " \
            if per_unit else ". "
        if shared:
            lo, hi = min(r.allocation for r in shared), max(r.allocation for r in shared)
            ratio = _plain(lo) if lo == hi else f"{_plain(lo)} to {_plain(hi)}"
            text += (
                f"{len(shared)} records are inputs shared with other products and are partitioned "
                f"with an allocation ratio of {ratio}."
            )
        else:
            text += (
                "Every record has an allocation ratio of 1: the quantities entered are already "
                "those consumed for the product concerned"
                + (" (plant-level data were split between the products before entry)." if multi else ".")
            )
        return text
    text = (
        "分配遵循 ISO 14067:2018 第 6.4.6 条的顺序：能通过细分过程避免分配的优先避免分配；"
        "无法避免时按物理关系分配；仅在物理关系无法建立时才采用经济价值等其他关系。"
    )
    text += (
        f"本研究中 {len(annual)} 项活动数据按报告期总量填报，以“产量”这一物理关系分配到功能单位："
        "每项数据除以该产品报告期内生产的功能单位数量"
    )
    text += f"；{len(per_unit)} 项直接按每功能单位计量，无需分配。" if per_unit else "。"
    if shared:
        lo, hi = min(r.allocation for r in shared), max(r.allocation for r in shared)
        ratio = _plain(lo) if lo == hi else f"{_plain(lo)}～{_plain(hi)}"
        text += f"另有 {len(shared)} 项为与其他产品共用的投入，按分配比例 {ratio} 分摊到本产品。"
    else:
        text += "所有活动的分配比例均为 1，即填报的数量已是该产品消耗的量" + (
            "（全厂数据已在填报前按产品拆分）。" if multi else "。"
        )
    return text


def _cut_off(f: _Facts, lang: str) -> str:
    excluded: list[str] = []
    for sp in f.products:
        for stage in STAGE_ORDER:
            row = f.stages.get(sp.pk, {}).get(stage)
            if row is None:
                continue
            bits = [b.strip().rstrip("。.;；") for b in (row.excluded, row.exclusion_reason)
                    if b and b.strip()]
            if bits:
                label = f"{sp.product.code} {_stage_name(stage, lang)}"
                excluded.append(f"{label}{': ' if lang == 'en' else '：'}{(' — ' if lang == 'en' else '，').join(bits)}")
    if lang == "en":
        text = (
            "A material or energy input may be left out when it is below 1 % of the product's total "
            "input mass or energy, provided that everything left out together stays below 5 % of "
            "the footprint; inputs with a significant greenhouse gas effect (fluorinated gases, "
            "high-emission materials) are kept whatever their mass. Following PAS 2050:2011, the "
            "manufacture of capital goods (buildings, production machinery) and employee commuting "
            "are outside the system boundary."
        )
        if excluded:
            text += " Processes not included, by product and stage: " + "; ".join(excluded) + "."
        return text
    text = (
        "单项物料或能源投入低于产品总投入质量或能量 1% 的可以舍去，但所有舍去部分合计不得超过产品碳足迹的 "
        "5%；对温室气体排放影响显著的投入（如含氟气体、高排放原材料）不论占比多少均予保留。按照 "
        "PAS 2050:2011，资本品（厂房、生产设备）的生产和员工通勤不在系统边界内。"
    )
    if excluded:
        text += "按产品和阶段未纳入的过程：" + "；".join(excluded) + "。"
    return text


def _electricity_factors(f: _Facts) -> list[str]:
    seen: list[str] = []
    for r in f.rows:
        if r.factor_category == "electricity":
            label = r.factor_code + (f" ({r.factor_year})" if r.factor_year else "")
            if label not in seen:
                seen.append(label)
    return seen


def _assumptions(f: _Facts, lang: str) -> str:
    grid = _electricity_factors(f)
    gwp = _GWP_TEXT[lang].get(f.study.gwp_set, f.study.gwp_set)
    in_boundary = stages_in_boundary(f.study.boundary)
    scenario_stages = [s for s in ("distribution", "use", "end_of_life") if s in in_boundary]
    if lang == "en":
        items = [
            f"Production in the reference period {_period(f.study, lang)} represents the product's "
            "normal manufacturing: process, product design and energy mix did not change materially.",
            "Where plant-level data are attributed by production output, consumption per functional "
            "unit is assumed proportional to output.",
        ]
        if grid:
            items.append(
                "Purchased electricity is accounted with the average grid emission factor "
                f"({', '.join(grid)}), a location-based approach; no contractual instruments "
                "(green power, certificates) are claimed."
            )
        if scenario_stages:
            items.append(
                "The " + _join([_stage_name(s, lang) for s in scenario_stages], lang) +
                " stages are modelled with scenarios (transport distances and modes, use profile, "
                "end-of-life treatment) stated with their activity data, not with measured data."
            )
        items.append(
            f"Greenhouse gases are characterised with the 100-year GWP values of {gwp}. "
            "Limitation: secondary data (emission factors from public sources) may differ from "
            "the actual supply chain."
        )
        return " ".join(f"({i}) {t}" for i, t in enumerate(items, start=1))
    items = [
        f"报告期（{_period(f.study, lang)}）内的生产代表该产品的正常生产状况，工艺、产品结构和能源结构没有重大变化。",
        "全厂层面数据按产量分摊时，假定单位产品的消耗与产量成正比。",
    ]
    if grid:
        items.append(
            f"外购电力采用电网平均排放因子（{'、'.join(grid)}）计算，即基于位置的方法，"
            "未采用绿电交易、绿证等合同工具。"
        )
    if scenario_stages:
        items.append(
            "、".join(_stage_name(s, lang) for s in scenario_stages) +
            "阶段采用情景假设（运输距离和方式、使用情景、废弃处置方式），其依据随活动数据注明，而非实测数据。"
        )
    items.append(
        f"温室气体按{gwp}的 100 年全球变暖潜势（GWP）折算为 CO₂ 当量。"
        "局限：次级数据（公开来源的排放因子）可能与实际供应链存在差异。"
    )
    return "".join(f"（{i}）{t}" for i, t in enumerate(items, start=1))


def _data_quality(f: _Facts, lang: str) -> str:
    primary = [r for r in f.rows if r.data_type == DataType.PRIMARY]
    secondary = [r for r in f.rows if r.data_type != DataType.PRIMARY]
    total = math.fsum(f.kg(r) for r in f.rows)
    primary_share = (math.fsum(f.kg(r) for r in primary) / total * 100) if total > 0 else 0.0
    years = sorted({r.factor_year for r in f.rows if r.factor_year})
    regions = sorted({r.factor_region for r in f.rows if r.factor_region})
    ref_year = f.study.period_end.year
    gap = max((abs(ref_year - y) for y in years), default=None)
    boundary = stages_in_boundary(f.study.boundary)
    covered = {(r.product_id, r.stage) for r in f.rows}
    missing = [
        f"{sp.product.code} {_stage_name(s, lang)}"
        for sp in f.products for s in boundary
        if (sp.pk, s) not in covered
        and not (f.stages.get(sp.pk, {}).get(s) and f.stages[sp.pk][s].exclusion_reason.strip())
    ]
    if lang == "en":
        text = (
            "Data quality is judged by time-related, geographical and technological coverage, "
            f"precision and completeness. Activity data: {len(primary)} records are primary data "
            f"measured by the company and {len(secondary)} are secondary data; primary data "
            f"account for {primary_share:.1f} % of the calculated emissions. "
            f"Time: activity data cover the reference period {_period(f.study, lang)}"
        )
        if years:
            yr = str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"
            text += f"; the emission factors are for {yr}, at most {gap} year(s) from the reference period"
        text += ". "
        if regions:
            text += f"Geography: the factors apply to {', '.join(regions)}. "
        text += (
            "Completeness: every stage within the boundary has activity data or a stated reason "
            "for its exclusion." if not missing else
            "Completeness: no activity data and no reason for exclusion yet for " + "; ".join(missing) + "."
        )
        return text
    text = (
        "数据质量从时间、地理和技术代表性、精确度和完整性几方面评价。活动数据："
        f"{len(primary)} 项为企业计量的初级数据，{len(secondary)} 项为次级数据；"
        f"初级数据贡献了计算排放量的 {primary_share:.1f}%。时间代表性：活动数据覆盖报告期"
        f"（{_period(f.study, lang)}）"
    )
    if years:
        yr = str(years[0]) if len(years) == 1 else f"{years[0]}～{years[-1]}"
        text += f"；排放因子的数据年份为 {yr} 年，与报告期最多相差 {gap} 年"
    text += "。"
    if regions:
        text += f"地理代表性：排放因子适用地区为 {'、'.join(regions)}。"
    text += (
        "完整性：系统边界内的每个阶段都有活动数据或说明了排除理由。" if not missing else
        "完整性：以下阶段尚无活动数据，也未说明排除理由：" + "；".join(missing) + "。"
    )
    return text


def _uncertainty(f: _Facts, lang: str) -> str:
    paragraphs = []
    for sp, pr in zip(f.products, f.result.products, strict=False):
        rows = [r for r in f.rows if r.product_id == sp.pk]
        total = pr.total_kgco2e
        with_u = [r for r in rows if r.uncertainty_pct is not None]
        covered = math.fsum(f.kg(r) for r in with_u)
        top = pr.top_contributors(1)
        top_share = (top[0].kgco2e / total * 100) if top and total > 0 else 0.0
        if with_u and total > 0:
            # Independent errors add in quadrature (GUM); each row's half-width is in kgCO₂e.
            combined = math.sqrt(math.fsum((f.kg(r) * r.uncertainty_pct / 100) ** 2 for r in with_u))
            pct = combined / total * 100
            share = covered / total * 100
            if lang == "en":
                paragraphs.append(
                    f"{sp.product.name}: combining the stated uncertainties of {len(with_u)} activity "
                    f"records (independent errors added in quadrature) gives ±{pct:.1f} % "
                    f"(±{_num(combined)} kgCO₂e on {_num(total)} kgCO₂e per {sp.product.functional_unit}); "
                    f"these records cover {share:.1f} % of the footprint."
                )
            else:
                paragraphs.append(
                    f"{sp.product.name}：对 {len(with_u)} 项给出不确定性的活动数据按独立误差平方和合成，"
                    f"产品碳足迹的不确定性约为 ±{pct:.1f}%（{_num(total)} ± {_num(combined)} kgCO₂e/"
                    f"{sp.product.functional_unit}），这些数据覆盖碳足迹的 {share:.1f}%。"
                )
        elif lang == "en":
            paragraphs.append(
                f"{sp.product.name}: no activity record states its uncertainty yet, so it is not "
                f"quantified. The largest single contributor accounts for {top_share:.1f} % of "
                f"{_num(total)} kgCO₂e per {sp.product.functional_unit}: an error of x % in its "
                f"activity data or factor changes the result by about {top_share / 100:.2f}·x %."
            )
        else:
            paragraphs.append(
                f"{sp.product.name}：活动数据尚未给出不确定性，因此未作定量合成。最大的单项排放源占 "
                f"{_num(total)} kgCO₂e/{sp.product.functional_unit} 的 {top_share:.1f}%：其活动数据或"
                f"排放因子偏差 x%，结果约变化 {top_share / 100:.2f}·x%。"
            )
    tail = (
        " The main sources of uncertainty are metering and statistical errors in the activity "
        "data, the allocation of plant-level data, and how well public emission factors represent "
        "the actual supply chain." if lang == "en" else
        "主要不确定性来源为活动数据的计量和统计误差、全厂数据的分摊，以及公开排放因子对实际供应链的代表性。"
    )
    return "\n\n".join(paragraphs) + ("\n\n" if paragraphs else "") + tail.strip()


def _improvements(f: _Facts, lang: str) -> str:
    category_of = {r.record_id: r.factor_category for r in f.rows}
    paragraphs = []
    for pr in f.result.products:
        total = pr.total_kgco2e
        if total <= 0:
            continue
        hot_stage = max(pr.stages, key=lambda s: s.kgco2e)
        tops = pr.top_contributors(3)
        levers: list[str] = []
        for a in tops:
            lever = _LEVERS[lang].get(category_of.get(a.record_id or -1, "other"), _LEVERS[lang]["other"])
            if lever not in levers:
                levers.append(lever)
        if lang == "en":
            names = "; ".join(f"{a.name} ({a.kgco2e / total * 100:.1f} %)" for a in tops)
            paragraphs.append(
                f"{pr.name}: the {_stage_name(hot_stage.stage, lang)} stage contributes "
                f"{hot_stage.share_pct} % of the footprint. The largest contributors are {names}. "
                "Reductions are most effective by " + "; and by ".join(levers) + "."
            )
        else:
            names = "；".join(f"{a.name}（{a.kgco2e / total * 100:.1f}%）" for a in tops)
            paragraphs.append(
                f"{pr.name}：{_stage_name(hot_stage.stage, lang)}阶段占碳足迹的 {hot_stage.share_pct}%，"
                f"最大的排放源为{names}。减排最有效的措施是：" + "；".join(levers) + "。"
            )
    tail = (
        "Keep metering energy by product line and collect supplier-specific data so that the next "
        "study rests on more primary data." if lang == "en" else
        "建议按产品线分表计量能源，并向主要供应商收集产品碳足迹数据，使下一次评价更多地基于初级数据。"
    )
    return "\n\n".join([*paragraphs, tail])


_SECTIONS = {
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


def default_narrative(
    key: str, *, study: Study, language: str, result: StudyResult | None = None
) -> str:
    """Our default paragraph for narrative section `key` of `study`, in `language`
    ("zh-hans" or "en"). Pass `result` when the study's results are already computed."""
    if key not in _SECTIONS:
        raise KeyError(key)
    return _SECTIONS[key](_Facts.read(study, result), _lang(language))


def default_narratives(
    *, study: Study, language: str, result: StudyResult | None = None
) -> dict[str, str]:
    """Every default paragraph at once, reading the study only once."""
    facts = _Facts.read(study, result)
    lang = _lang(language)
    return {key: section(facts, lang) for key, section in _SECTIONS.items()}

