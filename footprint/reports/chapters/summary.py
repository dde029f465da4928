"""The summary: scope, basis, stage tables, the largest sources and claimed totals."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ...choices import Boundary, DataType, GwpSet
from ...services import formatting as F
from ...services.calculation import checks as C
from .. import partial_cfp
from ..analysis import claimed_totals
from .base import Report, choice_label, stage_label
from .front import products_text


def stage_matrix(r: Report) -> list[dict]:
    """Stage × product tables, three products per table."""
    products = list(r.i.result.products)
    groups = [products[n:n + 3] for n in range(0, len(products), 3)] or [[]]
    tables = []
    for group in groups:
        stages = [s.stage for s in group[0].stages] if group else []
        rows = []
        for stage in stages:
            cells = []
            for p in group:
                sr = p.stage(stage)
                cells.append(stage_cells(r, p.code, sr))
            rows.append({"stage": stage_label(stage), "cells": cells,
                         "excluded": r.stage_is_excluded(group[0].code, stage)})
        totals = [{"kg": F.kg(p.total_kgco2e), "share": "100.0"} for p in group]
        tables.append({
            "products": [{"name": p.name, "unit": r.fu(p)} for p in group],
            "rows": rows, "totals": totals,
        })
    return tables

def stage_cells(r: Report, product_code: str, sr) -> dict:
    """A stage's kgCO₂e and share, or "not included" for a stage left out (never 0.000)."""
    if r.stage_is_excluded(product_code, sr.stage):
        return {"kg": partial_cfp.not_included_text(), "share": "—"}
    return {"kg": F.kg(sr.kgco2e), "share": F.share(sr.share_pct)}

def hotspot_sentences(r: Report) -> list[str]:
    out = []
    for p in r.i.result.products:
        if p.total_kgco2e <= 0:
            continue
        top = max(p.stages, key=lambda s: s.kgco2e)
        out.append(_("%(product)s：碳足迹为 %(total)s kgCO₂e/%(unit)s，其中%(stage)s阶段 %(kg)s kgCO₂e，"
                     "占 %(share)s，是最大的排放来源。") % {
            "product": p.name, "total": F.kg(p.total_kgco2e), "unit": p.functional_unit,
            "stage": stage_label(top.stage), "kg": F.kg(top.kgco2e), "share": F.share_text(top.share_pct)})
    return out


def boundary_sentence(r: Report) -> str:
    s = r.i.study
    stages = [st.stage for st in (r.i.result.products[0].stages if r.i.result.products else ())]
    included = [st for st in stages
                if any(not r.stage_is_excluded(p.code, st) for p in r.i.result.products)]
    excluded = [st for st in stages if st not in included]
    sep = "、" if r.zh else ", "
    text = _("系统边界为“%(boundary)s”，包括以下阶段：%(stages)s。") % {
        "boundary": choice_label(Boundary, s.boundary),
        "stages": sep.join(stage_label(st) for st in included)}
    if excluded:
        text += (" " if not r.zh else "") + _("以下阶段没有活动数据：%(stages)s，排除理由见 3.3 节。") % {
            "stages": sep.join(stage_label(st) for st in excluded)}
    return text


def summary(r: Report) -> dict:
    s = r.i.study
    mismatches = [c for c in r.i.result.all_checks if c.code == C.CLAIMED_MISMATCH]
    joiner = "" if r.zh else " "
    unit_text = _("声明单位：%(units)s。") if r.declared_unit else _("功能单位：%(units)s。")
    functional_units = unit_text % {"units": ("、" if r.zh else "; ").join(
        f"{p.functional_unit} {p.name}" for p in r.i.products)}
    period = _("报告期：%(period)s。") % {"period": F.period(s.period_start, s.period_end, r.language)}
    gwp = _("特征化因子：%(set)s 的 100 年全球变暖潜势（GWP100）。") % {"set": choice_label(GwpSet, s.gwp_set)}
    return {
        "scope": joiner.join(t for t in [functional_units, boundary_sentence(r),
                                         r.partial_cfp_sentence()] if t),
        "basis": joiner.join([period, gwp, data_source_sentence(r)]),
        "intro": _("本报告依据 %(standards)s，以生命周期评价方法量化%(company)s生产的%(products)s的"
                   "产品碳足迹。") % {
            "standards": "、".join(s.standards) if r.zh else ", ".join(s.standards),
            "company": s.company.name, "products": products_text(r)},
        "tables": stage_matrix(r),
        "hotspots": hotspot_sentences(r),
        "claimed_totals": claimed_totals(r.i.result),
        "mismatch_count": len(mismatches),
        # Only the issued report states the verification conclusion; a draft is not verified.
        "conclusion": _("经核查，本研究的产品碳足迹量化和报告符合 %(standards)s 的要求，"
                        "报告中的结果由活动数据和排放因子重新计算得出。") % {
            "standards": "、".join(s.standards) if r.zh else ", ".join(s.standards)}
        if r.i.final else "",
    }


def data_source_sentence(r: Report) -> str:
    primary = sum(1 for p in r.i.products for a in p.activities if a.data_type == DataType.PRIMARY)
    total = sum(len(p.activities) for p in r.i.products)
    factors = len(r.used_factor_keys())
    return _("活动数据共 %(total)s 项，其中初级数据 %(primary)s 项；使用排放因子 %(factors)s 个，"
             "来源见第 4 章。") % {"total": total, "primary": primary, "factors": factors}
