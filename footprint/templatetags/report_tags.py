"""Report panel on the study page: downloads (zh/en), HTML preview and the completeness check,
each missing element linked to the page where it is filled in."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.http import urlencode

from ..access import can_edit_study_data
from ..choices import StudyStatus
from ..models import EmissionFactor, Product, Study
from ..services.completeness import Missing, study_completeness
from ..services.study_format import NARRATIVE_FIELDS

register = template.Library()

_TEAM_FIELDS = {"team": "#team", "study.auditors": "#people", "study.lead_verifier": "#people"}


def completeness_url(study: Study, missing: Missing) -> str | None:
    """Where the element a completeness item names is filled in (None: no page for it).

    `missing.field` is the stable key of services/completeness.py: "company.<attr>",
    "study.<field>", "products", "product:<code>:<what>", "stage:<code>:<stage>",
    "factor:<code>@<version>", "team", "translations.<language>"."""
    number = study.report_number
    detail = reverse("study_detail", args=[number])
    field = missing.field
    if field in _TEAM_FIELDS:
        return reverse("study_team", args=[number]) + _TEAM_FIELDS[field]
    kind, _sep, rest = field.partition(".")
    if kind == "company" and rest:
        return (reverse("company_edit", args=[study.company_id]) + "?"
                + urlencode({"next": detail}) + f"#id_{rest}")
    if kind == "study" and rest in NARRATIVE_FIELDS:
        return reverse("study_narrative", args=[number]) + f"#id_{rest}"
    if kind == "translations":
        return reverse("study_translations", args=[number])
    if kind == "study" and rest == "standards":
        return reverse("study_edit", args=[number])
    if field == "products":
        return detail + "#study-products"
    parts = field.split(":")
    if parts[0] == "stage" and len(parts) == 3:
        return reverse("study_product_stages", args=[number, parts[1]]) + "?" + urlencode({"stage": parts[2]})
    if parts[0] == "product" and len(parts) == 3:
        code, what = parts[1], parts[2]
        if what == "activities":
            return reverse("study_product_stages", args=[number, code])
        if what == "functional_unit":
            product = Product.objects.filter(company_id=study.company_id, code=code).only("pk").first()
            if product is not None:
                return reverse("product_edit", args=[product.pk]) + "?" + urlencode({"next": detail})
        return detail + "#study-products"
    if parts[0] == "factor" and len(parts) == 2:
        code, _at, version = parts[1].rpartition("@")
        factor = EmissionFactor.objects.filter(code=code, version=version).only("pk").first() \
            if version.isdigit() else None
        if factor is not None:
            return reverse("factor_detail", args=[factor.pk])
    return None


@register.inclusion_tag("footprint/report/_panel.html", takes_context=True)
def report_panel(context, study, result=None):
    """`result`: pass the study page's calculation result to avoid computing it twice."""
    user = context["user"]
    missing = study_completeness(study, result=result)
    # Links only for those who may change the study, and only while it can be changed.
    linked = study.status == StudyStatus.DRAFT and can_edit_study_data(user, study)
    return {
        "study": study,
        "user": user,
        "request": context.get("request"),
        "missing": missing,
        "items": [{"m": m, "url": completeness_url(study, m) if linked else None} for m in missing],
        "issued": study.status == StudyStatus.ISSUED and bool(study.issued_pdf),
    }
