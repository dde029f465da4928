"""Results of a study: per product the total, stages, charts, activities and checks.

Everything shown is recomputed by one call of the calculation service per request. Rows are
prepared here as plain, already formatted values: a results table of thousands of rows renders
several times faster from strings than through a filter per cell.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from ..access import can_edit_study_data, get_study_for_user
from ..models import EmissionFactor
from ..reports.charts import contributors_chart, stage_chart
from ..reports.data_quality import present_verification
from ..reports.uncertainty import present_uncertainty
from ..services import formatting as F
from ..services.calculation import checks as C
from ..services.calculation.study import ProductResult, calculate_study, claimed_activities
from ..services.facts.reading import study_facts
from ..services.results import cached_study_calculation, study_calculation_input
from ..services.study_uncertainty import study_uncertainty
from ..templatetags.pcf import kg_text, pct_text, plain_text, signed_pct_text, stage_label
from .activities import PAGE_SIZE

TOP_CONTRIBUTORS = 8


@login_required
def study_results_view(request, report_number):
    study = get_study_for_user(request.user, report_number)
    study_input, result = cached_study_calculation(study)
    # Links to the rows in the stage editor (read-only there while the study is not a draft).
    can_edit = can_edit_study_data(request.user, study)
    suggested_codes = {c.suggested_factor for c in result.all_checks if c.suggested_factor}
    factor_pks = dict(
        EmissionFactor.objects.filter(code__in=suggested_codes, is_current=True).values_list("code", "pk")
    ) if suggested_codes else {}
    editor_url = lambda code: reverse("study_product_stages", args=[study.report_number, code])  # noqa: E731
    products = [
        _present_product(p, editor_url(p.code) if can_edit else None, factor_pks)
        for p in result.products
    ]
    # Verification and data quality beside the numbers (docs/evidence.md).
    for presented, verification in zip(products, present_verification(study_input, result), strict=True):
        presented["verification"] = verification
    return render(request, "footprint/studies/results.html", {
        "study": study,
        "result": result,
        "products": products,
        "can_edit": can_edit,
        "may_edit": can_edit,
    })


@login_required
def study_results_uncertainty(request, report_number):
    """The results page's Monte Carlo cards, fetched by the page once it is shown (htmx), so
    that the page keeps its budget while an analysis runs; cached per data change
    (services/study_uncertainty.py), so later views read it."""
    study = get_study_for_user(request.user, report_number)
    facts = study_facts(study, people=False)  # one read for the calculation and the distributions
    study_input = study_calculation_input(study, facts=facts)
    result = calculate_study(study_input)
    uncertainty = present_uncertainty(
        study_uncertainty(study, study_input=study_input, result=result, facts=facts),
        stage_label=stage_label, unit_of=lambda code: _("kgCO₂e/%(unit)s") % {
            "unit": result.product(code).functional_unit}, chart_prefix="mc")
    return render(request, "footprint/studies/_uncertainty.html", {"uncertainty": uncertainty})


def _activity_rows_html(product: ProductResult, total: float, labels: dict, flagged: dict,
                        row_link) -> str:
    """The activity table's rows as one HTML string. Written here rather than in a template
    loop: a study of 2,000 rows rendered through the template engine took ~300 ms for this
    table alone (10 variable nodes per row); string formatting with escape() takes ~15 ms."""
    parts = []
    for a in product.activities:
        flag = flagged.get(a.index)
        link = row_link(a.index)
        name = escape(a.name)
        if link:
            name = f'<a href="{escape(link)}">{name}</a>'
        ok = a.ok
        parts.append(
            f'<tr id="act-{escape(product.code)}-{a.index}"'
            f'{f" class={chr(34)}table-{flag}{chr(34)}" if flag else ""}>'
            f'<td class="text-body-secondary small"><span id="record-{a.record_id}"></span>{a.index + 1}</td>'
            f'<td class="small">{escape(labels[a.stage])}</td>'
            f"<td>{name}</td>"
            f'<td class="num">{plain_text(a.quantity)}</td>'
            f"<td>{escape(a.unit)}</td>"
            f'<td class="font-monospace small">{escape(a.factor)}</td>'
            f'<td class="num fw-semibold">{kg_text(a.kgco2e) if ok else "—"}</td>'
            f'<td class="num">{pct_text(a.share_pct) if total > 0 and ok else "—"}</td>'
            f'<td class="num text-body-secondary">'
            f'{kg_text(a.claimed_kgco2e) if a.claimed_kgco2e is not None else "—"}</td></tr>'
        )
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped or a number


def _present_product(product: ProductResult, editor_url: str | None, factor_pks: dict) -> dict:
    total = product.total_kgco2e
    # Where each row sits in the stage editor (its stage and page), for "go to the row" links.
    position_in_stage: dict[int, int] = {}
    seen: dict[str, int] = {}
    for a in product.activities:
        position_in_stage[a.index] = seen.get(a.stage, 0)
        seen[a.stage] = seen.get(a.stage, 0) + 1

    def row_link(index: int | None) -> str | None:
        if editor_url is None or index is None:
            return None
        a = product.activities[index]
        page = position_in_stage[index] // PAGE_SIZE + 1
        return f"{editor_url}?stage={a.stage}&page={page}#row-{a.record_id}"

    flagged: dict[int, str] = {}
    for check in product.checks:
        if check.activity is not None:
            flagged[check.activity] = "danger" if check.is_error else "warning"

    labels = {key: stage_label(key) for key in {a.stage for a in product.activities}}
    activity_rows = _activity_rows_html(product, total, labels, flagged, row_link)
    checks = [
        {
            "severity": c.severity,
            "is_error": c.is_error,
            "message": c.message,
            "link": row_link(c.activity),
            "row": product.activities[c.activity].name if c.activity is not None else "",
            "anchor": f"act-{product.code}-{c.activity}" if c.activity is not None else "",
        }
        for c in sorted(product.checks, key=lambda c: (not c.is_error, c.activity or -1))
        # Contradictions of the source report have their own table below.
        if c.code not in C.CLAIM_CODES
    ]
    findings = [C.claim_finding(c) for c in product.checks if c.code in C.CLAIM_CODES]
    claims = []
    for a, check in claimed_activities(product):
        implied = check.params.get("implied_value") if check else None
        claims.append({
            "name": a.name,
            "stage": stage_label(a.stage),
            "claimed": kg_text(a.claimed_kgco2e),
            "computed": kg_text(a.kgco2e),
            "deviation": signed_pct_text(a.deviation),
            "follows": check is None,
            "factor": a.factor,
            # The factor with its published decimals; the implied value printed like it.
            "factor_value": f"{F.factor_value(check.params['factor_value'], check.params.get('factor_decimals'))}"
                            f" {F.unit(str(check.params['factor_unit']))}" if check else "",
            "implied": f"{F.implied_factor(implied, check.params.get('factor_decimals'))}"
                       f" {F.unit(str(check.params['factor_unit']))}" if check and implied else "",
            "suggested": check.suggested_factor if check else None,
            "suggested_pk": factor_pks.get(check.suggested_factor) if check and check.suggested_factor else None,
            "link": row_link(a.index),
        })
    stages = [
        {"label": stage_label(s.stage), "kg": kg_text(s.kgco2e), "share": pct_text(s.share_pct),
         "count": s.activity_count, "value": s.kgco2e, "share_pct": s.share_pct}
        for s in product.stages
    ]
    chart_stages = mark_safe(stage_chart(  # noqa: S308 - labels are escaped by the renderer
        [(s["label"], s["value"], s["share_pct"]) for s in stages],
        title=_("各阶段碳足迹"), unit=_("kgCO₂e/%(unit)s") % {"unit": product.functional_unit},
        chart_id=f"stages-{product.code}",
    ))
    top = product.top_contributors(TOP_CONTRIBUTORS)
    chart_top = mark_safe(contributors_chart(  # noqa: S308 - labels are escaped by the renderer
        [(a.name, a.kgco2e) for a in top],
        title=_("最大排放源"), unit=_("kgCO₂e/%(unit)s") % {"unit": product.functional_unit},
        chart_id=f"top-{product.code}",
    )) if top else ""
    return {
        "code": product.code,
        "name": product.name,
        "functional_unit": product.functional_unit,
        "annual_output": plain_text(product.annual_output),
        "total": kg_text(total),
        "stages": stages,
        "chart_stages": chart_stages,
        "chart_top": chart_top,
        "activity_rows": activity_rows,
        "activity_count": len(product.activities),
        "checks": checks,
        "error_count": sum(1 for c in checks if c["is_error"]),
        "warning_count": sum(1 for c in checks if not c["is_error"]) + len(findings),
        "findings": findings,
        "claims": claims,
        "editor_url": editor_url,
    }
