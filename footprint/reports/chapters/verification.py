"""Chapter 6: verification notes — consistency checks and claimed against recomputed values."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ...services import formatting as F
from ...services.calculation import checks as C
from ...services.calculation.study import claimed_activities
from ..analysis import claimed_totals
from .base import Report, stage_label


def chapter6(r: Report) -> dict:
    o = r.outline
    o.section("ch6", "6", _("核查说明"))
    o.section("ch6_1", "6.1", _("一致性检查"), level=2)
    checks = []
    for p in r.i.result.products:
        for c in p.checks:
            # Row claims are tabled in 6.2, the source report's other figures in 6.3.
            if c.code == C.CLAIMED_MISMATCH or c.code in C.CLAIM_CODES:
                continue
            checks.append({"product": p.name, "severity": c.severity,
                           "severity_label": {C.ERROR: _("错误"), C.WARNING: _("警告")}.get(c.severity, _("提示")),
                           "message": c.message})
    performed = [
        _("每项活动的单位与排放因子单位可以换算（量纲一致）。"),
        _("各阶段之和等于产品合计，各阶段占比之和为 100.0%。"),
        _("系统边界内每个阶段都有活动数据或写明了排除理由。"),
        _("同一因子族没有混用不同年份或版本。"),
        _("原报告声明值与由活动数据重新计算的结果一致（容差 0.1%）。"),
    ]
    o.section("ch6_2", "6.2", _("声明值与重新计算值对比"), level=2)
    claims = []
    totals = {t["code"]: t for t in claimed_totals(r.i.result)}
    for p in r.i.result.products:
        rows = []
        for a, check in claimed_activities(p):
            implied = check.params.get("implied_value") if check else None
            factor = r.factor(a.factor_key)
            rows.append({
                "activity": a.name, "stage": stage_label(a.stage),
                "claimed": F.kg(a.claimed_kgco2e), "computed": F.kg(a.kgco2e),
                "deviation": F.deviation(a.deviation),
                "factor": f"{factor.code} = {F.factor_value(factor.value, factor.value_decimals)}"
                          if factor else a.factor,
                # Printed like the factor it is compared with (its decimals, ≥ 4 digits).
                "implied": F.implied_factor(implied, factor.value_decimals if factor else None),
                "suggested": (check.suggested_factor or "—") if check else "—",
                "differs": check is not None,
            })
        if rows:
            claims.append({"product": p.name, "rows": rows, "total": totals.get(p.code)})
    claims_table = o.table("6", _("原报告声明值与重新计算值")) if claims else None
    contradictions = [
        {"product": p.name, "rows": [C.claim_finding(c) for c in p.checks if c.code in C.CLAIM_CODES]}
        for p in r.i.result.products
    ]
    contradictions = [g for g in contradictions if g["rows"]]
    has_claims = bool(r.i.calculation_input.claims)
    if has_claims:
        performed.append(_("原报告各处印出的产品合计、阶段数值、占比和排放因子彼此一致，并与重新计算结果一致。"))
    contradictions_table = o.table("6", _("原报告中的矛盾及可能原因")) if contradictions else None
    return {
        "has_claims": has_claims, "contradictions": contradictions,
        "contradictions_table": contradictions_table,
        "contradiction_count": sum(len(g["rows"]) for g in contradictions),
        "checks": checks, "performed": performed, "claims": claims, "claims_table": claims_table,
        "claimed_totals": claimed_totals(r.i.result),
        "differing": sum(1 for g in claims for c in g["rows"] if c["differs"]),
    }
