"""Chapter 4: data collection — activity data and emission factors."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from ...choices import Basis, DataType, FactorCategory, Stage
from ...services import formatting as F
from .base import Report, choice_label, gas_label, stage_label


def chapter4(r: Report) -> dict:
    o = r.outline
    s = r.i.study
    o.section("ch4", "4", _("数据收集"))
    o.section("ch4_1", "4.1", _("数据收集说明"), level=2)
    output_table = o.table("4", _("报告期产量"))
    o.section("ch4_2", "4.2", _("活动数据"), level=2)
    activity_tables = []
    stage_order = {st: n for n, st in enumerate(Stage.values)}
    for p in r.i.products:
        result = r.results.get(p.code)
        kg_by_id = {a.record_id: a for a in (result.activities if result else ())}
        # A column that has the same value in every row becomes a note under the table:
        # fewer cells read better and render faster (hundreds of rows in large studies).
        bases = {a.basis for a in p.activities}
        allocations = {a.allocation for a in p.activities}
        show_basis = len(bases) > 1
        show_allocation = allocations != {Decimal(1)} and bool(allocations)
        groups: list[dict] = []
        for a in sorted(p.activities, key=lambda a: stage_order.get(a.stage, 99)):
            label = stage_label(a.stage)
            if not groups or groups[-1]["stage"] != label:
                groups.append({"stage": label, "rows": []})
            factor = r.factor(a.factor_key)
            ar = kg_by_id.get(a.record_id)
            groups[-1]["rows"].append({
                "name": a.name,
                "source": a.source,
                "quantity": F.quantity(a.quantity),
                "unit": a.unit,
                "basis": choice_label(Basis, a.basis),
                "allocation": F.allocation(a.allocation),
                "data_type": choice_label(DataType, a.data_type),
                "factor": factor.code if factor else a.factor_key,
                "kg": F.kg(ar.kgco2e) if ar and ar.ok else "—",
            })
        notes = []
        if not show_basis and bases:
            notes.append(_("全部活动数据均为“%(basis)s”。") % {"basis": choice_label(Basis, next(iter(bases)))})
        if not show_allocation and p.activities:
            notes.append(_("全部活动数据的分配比例均为 100%。"))
        activity_tables.append({
            "product": p.name, "unit": f"kgCO₂e/{p.functional_unit}", "groups": groups,
            "show_basis": show_basis, "show_allocation": show_allocation,
            "columns": 5 + show_basis + show_allocation,
            "note": "".join(notes),
            **o.table("4", _("%(product)s活动数据") % {"product": p.name}),
        })
    o.section("ch4_3", "4.3", pgettext("plural", "排放因子"), level=2)
    factor_table = o.table("4", _("本研究使用的排放因子"))
    factors = []
    for key in r.used_factor_keys():
        f = r.factor(key)
        if f is None:
            continue
        value = F.factor_value(f.value, f.value_decimals)
        if not f.redistribution_allowed:
            # The licence allows the value and its source only: no name, year, region,
            # publication date or derivation parameters of the licensed database.
            factors.append({
                "code": f.code if f.version == 1 else f"{f.code} v{f.version}", "name": "—",
                "value": value, "unit": f.unit, "gas": "—", "year": "—", "region": "—",
                "source": f.source, "published": "", "derivation": "", "licence": f.licence_note,
                "restricted": True, "category": "",
            })
            continue
        derivation = ""
        if f.stated_value is None and f.ncv:
            derivation = _("由低位发热量 %(ncv)s × 单位热值含碳量 %(cc)s × 碳氧化率 %(ox)s × 44/12 推导") % {
                "ncv": f.ncv, "cc": f.carbon_content, "ox": F.plain(f.oxidation_rate)}
        factors.append({
            "code": f.code if f.version == 1 else f"{f.code} v{f.version}",
            "name": r.factor_name(f), "value": value, "unit": f.unit,
            "gas": gas_label(f.gas), "year": str(f.year) if f.year else "—", "region": f.region or "—",
            "source": f.source, "published": f.published, "derivation": derivation,
            "licence": f.licence_note, "restricted": False,
            "category": choice_label(FactorCategory, f.category),
        })
    return {
        "period": F.period(s.period_start, s.period_end, r.language),
        "output_table": output_table,
        "outputs": [{"product": p.name, "output": F.integer(p.annual_output), "unit": p.functional_unit}
                    for p in r.i.products],
        "activity_tables": activity_tables,
        "factor_table": factor_table,
        "factors": factors,
        "team_organisation": s.certification_body,
    }
