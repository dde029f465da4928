"""Chapter 5: the calculation — method, results, main contributors, results by gas and
emission type, uncertainty and sensitivity.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from ...choices import GwpSet
from ...services import formatting as F
from ...services.calculation import sensitivity as S
from .. import partial_cfp, scope_statements
from ..analysis import emission_type
from ..charts import contributors_chart, stage_chart
from ..uncertainty import number_contributions
from ..uncertainty import report_section as monte_carlo_section
from .base import Report, choice_label, gas_label, stage_label
from .summary import stage_cells


def chapter5(r: Report) -> dict:
    o = r.outline
    s = r.i.study
    o.section("ch5", "5", _("碳足迹计算"))
    o.section("ch5_1", "5.1", _("计算方法"), level=2)
    o.section("ch5_2", "5.2", _("计算结果"), level=2)
    results = []
    for p in r.i.result.products:
        table = o.table("5", _("%(product)s各生命周期阶段的碳足迹") % {"product": p.name})
        figure = o.figure("5", _("%(product)s各生命周期阶段的碳足迹") % {"product": p.name})
        rows = [{"stage": stage_label(sr.stage), **stage_cells(r, p.code, sr),
                 "excluded": sr.not_included} for sr in p.stages]
        chart = stage_chart(
            [(stage_label(sr.stage), None, partial_cfp.not_included_text()) if sr.not_included
             else (stage_label(sr.stage), sr.kgco2e, F.share(sr.share_pct)) for sr in p.stages],
            unit=r.fu(p), chart_id=f"stages-{p.code}")
        results.append({"product": p.name, "code": p.code, "unit": r.fu(p), "rows": rows,
                        "total": F.kg(p.total_kgco2e), "table": table,
                        "figure": {**figure, "svg": mark_safe(chart)}})
    o.section("ch5_3", "5.3", _("主要贡献来源"), level=2)
    contributors = []
    for p in r.i.result.products:
        top = [a for a in p.top_contributors(5) if a.kgco2e > 0]
        if not top:
            continue
        table = o.table("5", _("%(product)s的主要排放来源") % {"product": p.name})
        figure = o.figure("5", _("%(product)s的主要排放来源") % {"product": p.name})
        # The calculation's display shares: an activity's share adds up with the others of
        # its stage to the stage's share, so a stage's only activity shows the stage's share.
        rows = [{"rank": n + 1, "name": a.name, "stage": stage_label(a.stage), "kg": F.kg(a.kgco2e),
                 "share": F.share(a.share_pct)}
                for n, a in enumerate(top)]
        chart = contributors_chart([(a.name, a.kgco2e) for a in top], unit=r.fu(p),
                                   chart_id=f"contrib-{p.code}")
        contributors.append({"product": p.name, "unit": r.fu(p), "rows": rows, "table": table,
                             "figure": {**figure, "svg": mark_safe(chart)}})
    o.section("ch5_4", "5.4", _("按温室气体和排放类型的结果"), level=2)
    by_type_table = o.table("5", _("按排放类型分列的结果"))
    by_gas_table = o.table("5", _("按温室气体分列的结果"))
    o.section("ch5_5", "5.5", _("不确定性和敏感性分析"), level=2)
    uncertainty = {**uncertainty_table(r), **o.table("5", _("活动数据的合成不确定度（95% 置信水平）"))}
    monte_carlo = monte_carlo_section(r.i.uncertainty, o, stage_label=stage_label,
                                      unit_of=lambda code: r.fu(r.results[code]))
    sensitivity = sensitivity_table(r)
    monte_carlo = number_contributions(monte_carlo, o)
    return {
        "stages": [stage_label(st.stage) for st in (r.i.result.products[0].stages
                                                     if r.i.result.products else ())],
        "gwp_set": choice_label(GwpSet, s.gwp_set),
        "results": results,
        "contributors": contributors,
        "by_type_table": by_type_table,
        "by_type": by_type(r),
        "by_gas_table": by_gas_table,
        "by_gas": by_gas(r),
        "uncertainty_narrative": r.narrative("uncertainty"),
        "uncertainty": uncertainty,
        "monte_carlo": monte_carlo,
        "sensitivity": sensitivity,
    }


def by_type(r: Report) -> dict:
    kinds = [("fossil", _("化石源温室气体排放")), ("biogenic", _("生物源温室气体排放")),
             ("aircraft", _("航空运输温室气体排放")), ("luc", _("土地利用变化（dLUC）温室气体排放"))]
    products = list(r.i.result.products)
    sums = {p.code: dict.fromkeys([k for k, _l in kinds], 0.0) for p in products}
    for p in products:
        for a in p.activities:
            if a.ok:
                sums[p.code][emission_type(r.factor(a.factor_key))] += a.kgco2e
    rows = [{"label": label, "cells": [F.kg(sums[p.code][k]) for p in products]} for k, label in kinds]
    zero = [label for k, label in kinds if all(sums[p.code][k] == 0 for p in products)]
    return {"products": [{"name": p.name, "unit": r.fu(p)} for p in products], "rows": rows,
            "totals": [F.kg(p.total_kgco2e) for p in products],
            "zero_note": _("本研究的活动数据中没有%(kinds)s，其数值为零。") % {
                "kinds": ("、" if r.zh else ", ").join(zero)} if zero else ""}


def by_gas(r: Report) -> dict:
    products = list(r.i.result.products)
    gases: list[str] = []
    sums: dict[str, dict[str, float]] = {p.code: {} for p in products}
    for p in products:
        for a in p.activities:
            if a.ok:
                if a.gas not in gases:
                    gases.append(a.gas)
                sums[p.code][a.gas] = sums[p.code].get(a.gas, 0.0) + a.kgco2e
    rows = [{"gas": gas_label(g), "cells": [F.kg(sums[p.code].get(g, 0.0)) for p in products]} for g in gases]
    return {"products": [{"name": p.name, "unit": r.fu(p)} for p in products], "rows": rows,
            "totals": [F.kg(p.total_kgco2e) for p in products]}


def uncertainty_table(r: Report) -> dict:
    uncertainty_by_record = {
        rid: (float(a.uncertainty_pct) / 100 if a.uncertainty_pct is not None else None)
        for rid, a in r.activity_facts.items()
    }
    data_types = {rid: a.data_type for rid, a in r.activity_facts.items()}
    rows = []
    for u in S.combined_uncertainty(r.i.result, uncertainty_by_record=uncertainty_by_record,
                                    data_type_by_record=data_types):
        p = r.results[u.product]
        rows.append({
            "product": p.name, "unit": r.fu(p), "total": F.kg(p.total_kgco2e),
            "half_width": F.kg(u.half_width), "relative": F.percent(u.relative),
            "low": F.kg(p.total_kgco2e - u.half_width), "high": F.kg(p.total_kgco2e + u.half_width),
            "entered": u.entered, "defaulted": u.defaulted,
        })
    return {
        "rows": rows,
        "defaults": _("未给出不确定度的活动按数据类型取缺省值：初级数据 ±%(p)s%%，次级数据 ±%(s)s%%。") % {
            "p": F.percent(S.DEFAULT_UNCERTAINTY["primary"], decimals=0),
            "s": F.percent(S.DEFAULT_UNCERTAINTY["secondary"], decimals=0)},
    }


def sensitivity_table(r: Report) -> dict:
    study_input = r.i.calculation_input
    result = r.i.result
    products = list(result.products)
    base = {p.code: p.total_kgco2e for p in products}

    def cells(totals: Mapping[str, float], *, base_case: bool = False) -> list[dict]:
        if base_case:
            return [{"total": F.kg(base[p.code]), "change": "—"} for p in products]
        return [{"total": F.kg(totals.get(p.code, 0.0)),
                 "change": F.percent((totals.get(p.code, 0.0) / base[p.code] - 1) if base[p.code] else None,
                                     signed=True)} for p in products]

    rows = [{"label": _("基准情景（本报告结果）"), "cells": cells(base, base_case=True), "is_base": True}]
    for sc in S.grid_factor_scenarios(study_input):
        f = sc.factor
        assert f is not None
        values = {"old": sc.replaces, "code": f.code, "year": f.year or "—",
                  "value": F.factor_value(f.value, f.value_decimals), "unit": f.unit}
        # a factor whose licence forbids redistribution is named by code and value only
        label = (_("%(old)s 改用 %(code)s（%(value)s %(unit)s）") if f.restricted
                 else _("%(old)s 改用 %(code)s（%(year)s 年，%(value)s %(unit)s）")) % values
        rows.append({"label": label, "cells": cells(sc.totals), "is_base": False})
    for sc in S.gwp_set_scenarios(study_input, r.i.gwp_values):
        rows.append({"label": _("GWP 改用 %(set)s") % {"set": sc.label}, "cells": cells(sc.totals),
                     "is_base": False})
    stage_rows = []
    for sc in S.stage_scenarios(study_input, result):
        stage_rows.append({
            "label": _("%(stage)s阶段活动数据 ±10%%") % {"stage": stage_label(sc.label)},
            "cells": [{"low": F.kg((sc.low_totals or {}).get(p.code, 0.0)),
                       "high": F.kg(sc.totals.get(p.code, 0.0)),
                       "change": F.percent((sc.totals.get(p.code, 0.0) / base[p.code] - 1)
                                           if base[p.code] else None)}
                      for p in products],
        })
    o = r.outline
    return {
        "products": [{"name": p.name, "unit": r.fu(p)} for p in products],
        "factor_rows": rows,
        "factor_table": o.table("5", _("排放因子和 GWP 版本的敏感性")) if len(rows) > 1 else None,
        "stage_rows": stage_rows,
        "gwp_note": scope_statements.gwp_sensitivity_note(r.i),
        "stage_table": o.table("5", _("各阶段活动数据变化 ±10% 时的结果")) if stage_rows else None,
    }
