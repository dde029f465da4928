"""Chapter 3: goal and scope — purpose, functional unit, boundary, allocation, cut-off,
assumptions, gases and GWP, electricity, data quality, value choices.
"""

from __future__ import annotations

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from ...choices import Boundary, DataType, FactorCategory, Gas, GwpSet, Stage
from ...services import formatting as F
from .. import partial_cfp, scope_statements
from ..analysis import market_based
from ..charts import boundary_diagram
from ..data_quality import data_quality_statement, present_verification
from .base import Report, choice_label, gas_label, stage_label


def chapter3(r: Report) -> dict:
    o = r.outline
    s = r.i.study
    o.section("ch3", "3", _("目标与范围"))
    o.section("ch3_1", "3.1", _("评价目的和预期用途"), level=2)
    o.section("ch3_2", "3.2", _("声明单位和基准流") if r.declared_unit else _("功能单位和基准流"),
              level=2)
    fu_table = o.table("3", _("声明单位和基准流") if r.declared_unit else _("功能单位和基准流"))
    o.section("ch3_3", "3.3", _("系统边界"), level=2)
    boundary_tables = []
    for p in r.i.products:
        result = r.results.get(p.code)
        in_boundary = {st.stage for st in result.stages} if result else set()
        rows = []
        for st in p.stages:
            if st.stage not in in_boundary:
                continue
            excluded_stage = r.stage_is_excluded(p.code, st.stage)
            rows.append({
                "stage": stage_label(st.stage),
                "included": st.included or ("—" if excluded_stage else "/"),
                "excluded": st.excluded or "/",
                "reason": st.exclusion_reason if excluded_stage else "",
                "is_excluded": excluded_stage,
            })
        boundary_tables.append({"product": p.name, "rows": rows,
                                **o.table("3", _("%(product)s各阶段包含和未包含的过程") % {"product": p.name})})
    diagram = boundary_figure(r)
    o.section("ch3_4", "3.4", _("分配原则"), level=2)
    o.section("ch3_5", "3.5", _("取舍准则"), level=2)
    o.section("ch3_6", "3.6", _("假设和限制"), level=2)
    o.section("ch3_7", "3.7", _("影响类别、温室气体和 GWP"), level=2)
    gases = gases_considered(r)
    gas_table = o.table("3", _("纳入核算的温室气体及其 GWP"))
    o.section("ch3_8", "3.8", _("电力的处理"), level=2)
    electricity = electricity_rows(r)
    electricity_table = o.table("3", _("外购电力的排放因子")) if electricity else None
    o.section("ch3_9", "3.9", _("数据来源和数据质量要求"), level=2)
    verification = present_verification(r.i.calculation_input, r.i.result)
    verification_tables = [
        {**v, **o.table("3", _("%(product)s活动数据的核实情况") % {"product": v["name"]}),
         "statement": data_quality_statement(v)}
        # A study that recorded no verification, rating or evidence prints as it always did.
        for v in verification if v["activity_count"] and v["recorded"]]
    o.section("ch3_10", "3.10", _("价值选择"), level=2)
    return {
        "purpose": r.narrative("purpose"),
        "fu_table": fu_table,
        "functional_units": [
            {"product": p.name, "unit": p.functional_unit,
             "reference_flow": (_("1 个声明单位的产品（%(unit)s）") if r.declared_unit
                                else _("1 个功能单位的产品（%(unit)s）")) % {"unit": p.functional_unit},
             "output": F.integer(p.annual_output)}
            for p in r.i.products
        ],
        "unit_label": _("声明单位") if r.declared_unit else _("功能单位"),
        "declared_unit_note": partial_cfp.declared_unit_note(r.i),
        "kind_of_result": partial_cfp.kind_of_result(r.i),
        "limitations": partial_cfp.major_limitations(r.i),
        "pcr": scope_statements.pcr_statement(r.i),
        "scenarios": scope_statements.scenarios(r.i),
        "allocation_sensitivity": scope_statements.allocation_sensitivity(r.i),
        "biogenic": scope_statements.biogenic_statement(r.i),
        "data_quality_statement": ("" if any(v["rated"] for v in verification)
                                   else scope_statements.data_quality_statement(r.i)),
        "verification": verification_tables,
        "boundary_label": choice_label(Boundary, s.boundary),
        "boundary_tables": boundary_tables,
        "boundary_figure": {**o.figure("3", _("产品系统边界")), "svg": diagram},
        "allocation": r.narrative("allocation"),
        "allocated_rows": allocated_rows(r),
        "cut_off": r.narrative("cut_off"),
        "assumptions": r.narrative("assumptions"),
        "gwp_set": choice_label(GwpSet, s.gwp_set),
        "gas_table": gas_table,
        "gases": gases,
        "electricity": electricity,
        "electricity_table": electricity_table,
        "electricity_treatment": electricity_treatment(r),
        "gwp_set_code": s.gwp_set,
        "data_quality": r.narrative("data_quality"),
        "data_counts": data_counts(r),
        "value_choices": value_choices(r),
    }


def boundary_figure(r: Report) -> SafeString:
    # Every stage of the life cycle: the ones not in the result are drawn outside the frame.
    excluded = partial_cfp.excluded_stages(r.i)
    boxes = [(stage_label(st), st not in excluded) for st in Stage.values]
    return mark_safe(boundary_diagram(
        boxes, boundary_label=_("系统边界"), excluded_label=_("系统边界外：未纳入的阶段（理由见 3.3 节）"),
        chart_id="boundary",
    ))


def allocated_rows(r: Report) -> list[dict]:
    rows = []
    for p in r.i.products:
        for a in p.activities:
            if a.allocation < 1:
                rows.append({"product": p.name, "activity": a.name,
                             "allocation": F.allocation(a.allocation)})
    return rows


def gases_considered(r: Report) -> list[dict]:
    gwp = r.i.gwp_values.get(r.i.study.gwp_set, {})
    used = {a.gas for p in r.i.result.products for a in p.activities if a.ok}
    rows = []
    for gas in [g for g in Gas.values if g != Gas.CO2E]:
        if gas not in gwp:
            continue
        rows.append({"gas": gas_label(gas), "gwp": F.gwp(gwp[gas]),
                     "used": gas in used, "used_text": _("是") if gas in used else _("否")})
    return rows


def electricity_rows(r: Report) -> list[dict]:
    rows = []
    for key in r.used_factor_keys():
        f = r.factor(key)
        if f is None or f.category != FactorCategory.ELECTRICITY:
            continue
        market = market_based(f)
        # a licence that forbids redistribution: value and source only (as in table 4.3)
        shown = f.redistribution_allowed
        rows.append({
            "code": f.code, "name": r.factor_name(f) if shown else "—",
            "value": F.factor_value(f.value, f.value_decimals),
            "unit": f.unit, "year": str(f.year) if f.year and shown else "—",
            "region": (f.region or "—") if shown else "—",
            "source": f.source,
            "method": _("基于市场（剩余电力组合）") if market else _("基于位置（电网平均）"),
            "market_based": market,
            "year_gap": (r.i.study.period_end.year - f.year) if f.year and shown else None,
            "period_year": r.i.study.period_end.year,
        })
    return rows


def electricity_methods(r: Report) -> dict[str, list[str]]:
    """The activities whose electricity factor is location-based and those whose factor is
    market-based, in report order (the same test as the factor table). An activity is named
    alone, or with its product when the same name is under both methods."""
    uses: list[tuple[str, str, str]] = []  # (method, product, activity)
    for p in r.i.result.products:
        for a in p.activities:
            f = r.factor(a.factor_key)
            if f is not None and f.category == FactorCategory.ELECTRICITY:
                uses.append(("market" if market_based(f) else "location", p.name, a.name))
    methods_of: dict[str, set[str]] = {}
    for method, _product, name in uses:
        methods_of.setdefault(name, set()).add(method)
    names: dict[str, list[str]] = {"location": [], "market": []}
    for method, product, name in uses:
        label = name if len(methods_of[name]) == 1 else (
            _("%(product)s的%(activity)s") % {"product": product, "activity": name})
        if label not in names[method]:
            names[method].append(label)
    return names


def electricity_treatment(r: Report) -> str:
    """Chapter 3.8's paragraph: the method the study's electricity factors follow, naming the
    activities under each method when it uses both ("" when it buys no electricity)."""
    names = electricity_methods(r)
    sep = "、" if r.zh else ", "
    location, market = sep.join(names["location"]), sep.join(names["market"])
    if location and market:
        return _("外购电力的排放按两种方法计算：%(location)s按电网平均排放因子计算，即基于位置的方法；"
                 "%(market)s按剩余电力组合等基于市场的排放因子计算，即基于市场的方法。每项活动只按其中一种"
                 "方法计算，没有另行给出另一种方法的结果。所用电力排放因子如下：") % {
            "location": location, "market": market}
    if market:
        return _("外购电力的排放按剩余电力组合等基于市场的排放因子计算，即基于市场的方法（%(market)s）："
                 "电力排放取决于购电合同和市场化交易的电量。没有给出基于位置方法的结果。所用电力排放因子如下：") % {
            "market": market}
    if location:
        return _("外购电力的排放按电网平均排放因子计算，即基于位置的方法：电力排放取决于用电所在电网的发电"
                 "结构。计算中没有考虑绿色电力证书、购电协议等合同工具，因此没有给出基于市场方法的结果。"
                 "所用电力排放因子如下：")
    return ""


def electricity_value_choice(r: Report) -> str:
    """The value-choice line on electricity, agreeing with chapter 3.8."""
    names = electricity_methods(r)
    if names["market"] and names["location"]:
        return _("外购电力按基于位置（电网平均）和基于市场（剩余电力组合）两种方法计算，各项活动所用的方法见 3.8 节。")
    if names["market"]:
        return _("外购电力按基于市场的排放因子计算（剩余电力组合）。")
    return _("外购电力按电网平均排放因子计算（基于位置的方法）。")


def data_counts(r: Report) -> dict:
    acts = [a for p in r.i.products for a in p.activities]
    return {
        "primary": sum(1 for a in acts if a.data_type == DataType.PRIMARY),
        "secondary": sum(1 for a in acts if a.data_type == DataType.SECONDARY),
        "total": len(acts),
    }


def value_choices(r: Report) -> list[str]:
    s = r.i.study
    return [
        _("特征化采用 %(set)s 的 100 年全球变暖潜势（GWP100），不考虑其他时间尺度。") % {
            "set": choice_label(GwpSet, s.gwp_set)},
        electricity_value_choice(r),
        _("碳抵消和碳信用不计入产品碳足迹。"),
        _("不对结果进行加权或归一化，只报告气候变化一个影响类别。"),
    ]
