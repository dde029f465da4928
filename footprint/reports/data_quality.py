"""Verification and data quality as pages and reports print them (results page, report 3.9):
per product the verification shares by count and by kgCO₂e, the data quality rating (DQR),
its five criteria and the primary data share, and what the auditor should still look at
(unverified hotspots, figures without evidence). Numbers from the pure
services/calculation/verification.py, printed through services/formatting.py."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from ..choices import VerificationStatus
from ..services import formatting as F
from ..services.calculation.study import StudyInput, StudyResult
from ..services.calculation.verification import (
    DQR_DECIMALS,
    HOTSPOT_SHARE,
    pact_v2_scale,
    product_verification,
)
from .chapters.base import stage_label


def criterion_labels() -> dict[str, str]:
    return {"reliability": _("可靠性"), "completeness": _("完整性"), "temporal": _("时间相关性"),
            "geographical": _("地理相关性"), "technological": _("技术相关性")}


def _score(value: float | None) -> str:
    return F.fixed(value, DQR_DECIMALS) if value is not None else F.DASH


def present_verification(study_input: StudyInput, result: StudyResult) -> list[dict]:
    """One dict per product of the result (same order)."""
    inputs = {p.code: p for p in study_input.products}
    labels = criterion_labels()
    out = []
    for product in result.products:
        v = product_verification(inputs[product.code], product)
        q = v.quality
        out.append({
            "code": product.code,
            "name": product.name,
            "functional_unit": product.functional_unit,
            "activity_count": v.activity_count,
            "rows": [{"status": s.status, "label": str(VerificationStatus(s.status).label),
                      "count": s.count, "count_pct": F.share_text(s.count_pct),
                      "kg": F.kg(s.kgco2e), "kg_pct": F.share_text(s.kg_pct)} for s in v.shares],
            "verified_kg_pct": F.share_text(v.shares[0].kg_pct),
            "verified_count_pct": F.share_text(v.shares[0].count_pct),
            "dqr": _score(q.dqr),
            "dqr_pact_v2": _score(pact_v2_scale(q.dqr)) if q.dqr is not None else F.DASH,
            "rated": q.dqr is not None,
            "criteria": [{"label": labels[name], "score": _score(value)} for name, value in q.criteria],
            "rated_share": F.percent_text(q.rated_share),
            "primary_share": F.percent_text(q.primary_share) if q.primary_share is not None else F.DASH,
            "hotspots": [{"name": h.name, "stage": stage_label(h.stage),
                          "share": (F.share_text(h.share_pct) if h.share_pct is not None
                                    else F.percent_text(h.share)),
                          "status": str(VerificationStatus(h.status).label), "record_id": h.record_id}
                         for h in v.unverified_hotspots],
            "without_evidence": [{"name": h.name, "stage": stage_label(h.stage), "record_id": h.record_id}
                                 for h in v.without_evidence],
            "hotspot_threshold": F.percent_text(HOTSPOT_SHARE, decimals=0),
            # Anything recorded at all: a verification status, a rating, a file.
            "recorded": (any(s.count for s in v.shares[:-1]) or any(c is not None for _, c in q.criteria)
                         or len(v.without_evidence) < v.activity_count),
        })
    return out


def data_quality_statement(product: dict) -> str:
    """The sentence report 3.9 prints for one product (ISO 14067:2018 7.3 j)."""
    if product["rated"]:
        quality = _("%(product)s：数据质量评级（DQR，谱系矩阵 1 最好 … 5 最差，按排放量加权）为 %(dqr)s"
                    "（%(criteria)s），初级数据占排放量的 %(primary)s。") % {
            "product": product["name"], "dqr": product["dqr"], "primary": product["primary_share"],
            "criteria": pgettext("list separator", "、").join(f"{c['label']} {c['score']}" for c in product["criteria"])}
    else:
        quality = _("%(product)s：活动数据未全部按数据质量指标评分，没有给出数据质量评级；初级数据占排放量的 %(primary)s。") % {
            "product": product["name"], "primary": product["primary_share"]}
    verified = _("按排放量计，%(kg)s 的数据已对照证据核实（按活动数 %(count)s）。") % {
        "kg": product["verified_kg_pct"], "count": product["verified_count_pct"]}
    from django.utils.translation import get_language

    return quality + ("" if (get_language() or "zh").startswith("zh") else " ") + verified
