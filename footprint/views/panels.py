"""The study page's side panels (workflow, report) as plain data, built once per request.

The view computes the calculation result and passes it in; the completeness check and the
workflow blockers read that same result, so the page runs the calculation once. The template
tags in templatetags/ only present what is built here."""

from __future__ import annotations

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from ..access import (
    can_assign_lead_under_review,
    can_assign_team,
    can_edit_study_data,
    is_staff_role,
    is_study_contact,
)
from ..choices import NARRATIVE_SECTIONS, StudyStatus
from ..models import EmissionFactor, Product, Study
from ..selectors import study_transitions
from ..services.calculation.study import StudyResult
from ..services.facts.model import StudyFacts
from ..services.workflow import transitions
from ..services.workflow.completeness import Missing, study_completeness
from ..services.workflow.issuing import LANGUAGE_NAMES, issued_files, missing_language_reason

_TEAM_FIELDS = {"team": "#team", "study.auditors": "#people", "study.lead_verifier": "#people"}
# The panel shows the latest transitions; the workflow page shows them all.
RECENT_TRANSITIONS = 5


def _lookups(study: Study, missing: list[Missing]) -> tuple[dict[str, int], dict[tuple[str, str], int]]:
    """Primary keys of the products and factors the items name: one query each, whatever the
    number of items (none when no item needs them)."""
    product_codes, factor_keys = set(), set()
    for m in missing:
        parts = m.field.split(":")
        if parts[0] == "product" and len(parts) == 3 and parts[2] == "functional_unit":
            product_codes.add(parts[1])
        elif parts[0] == "factor" and len(parts) == 2:
            code, _at, version = parts[1].rpartition("@")
            if version.isdigit():
                factor_keys.add((code, str(int(version))))
    products = dict(Product.objects.filter(company_id=study.company_id, code__in=product_codes)
                    .values_list("code", "pk")) if product_codes else {}
    factors = {}
    if factor_keys:
        for code, version, pk in EmissionFactor.objects.filter(
                code__in={c for c, _v in factor_keys}).values_list("code", "version", "pk"):
            if (code, str(version)) in factor_keys:
                factors[(code, str(version))] = pk
    return products, factors


def completeness_urls(study: Study, missing: list[Missing]) -> list[str | None]:
    """Where each completeness item is filled in (None: no page for it), in the items' order.

    `missing.field` is the stable key of services/workflow/completeness.py: "company.<attr>",
    "study.<field>", "products", "product:<code>:<what>", "stage:<code>:<stage>",
    "factor:<code>@<version>", "team", "translations.<language>"."""
    products, factors = _lookups(study, missing)
    return [_url(study, m.field, products, factors) for m in missing]


def completeness_url(study: Study, missing: Missing) -> str | None:
    """Where one completeness item is filled in (None: no page for it)."""
    return completeness_urls(study, [missing])[0]


def _url(study: Study, field: str, products: dict, factors: dict) -> str | None:
    number = study.report_number
    detail = reverse("study_detail", args=[number])
    if field in _TEAM_FIELDS:
        return reverse("study_team", args=[number]) + _TEAM_FIELDS[field]
    kind, _sep, rest = field.partition(".")
    if kind == "company" and rest:
        return (reverse("company_edit", args=[study.company_id]) + "?"
                + urlencode({"next": detail}) + f"#id_{rest}")
    if kind == "study" and rest in NARRATIVE_SECTIONS:
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
        if what == "functional_unit" and code in products:
            return reverse("product_edit", args=[products[code]]) + "?" + urlencode({"next": detail})
        return detail + "#study-products"
    if parts[0] == "factor" and len(parts) == 2:
        code, _at, version = parts[1].rpartition("@")
        key = (code, str(int(version))) if version.isdigit() else None
        if key in factors:
            return reverse("factor_detail", args=[factors[key]])
    return None


def action_items(study: Study, user, actions) -> list[dict]:
    """The allowed workflow actions as the page shows them: each blocker with a link to where
    it is fixed, for whoever may fix it there now (services/readiness.py names the place)."""
    fields = {getattr(b, "field", "") for a in actions for b in a.blockers} - {""}
    linked = bool(fields) and study.status == StudyStatus.DRAFT and can_edit_study_data(user, study)
    products, factors = _lookups(study, [Missing("", "", "", f) for f in fields]) if linked else ({}, {})
    # asked only when a blocker is fixed on the team page (one query less on most pages)
    team_linked = bool(fields & set(_TEAM_FIELDS)) and (
        can_assign_team(user, study) or can_assign_lead_under_review(user, study))
    items = []
    for available in actions:
        blockers = []
        for blocker in available.blockers:
            field = getattr(blocker, "field", "")
            url = None
            if field and (linked or (team_linked and field in _TEAM_FIELDS)):
                url = _url(study, field, products, factors)
            blockers.append({"text": str(blocker), "url": url})
        items.append({"action": available.action, "enabled": available.enabled, "blockers": blockers,
                      "warnings": list(available.warnings)})
    return items


def report_panel(study: Study, user, *, missing: list[Missing]) -> dict:
    """What the report panel shows: downloads, and what is missing with where to fix it."""
    # Links only for those who may change the study, and only while it can be changed.
    linked = study.status == StudyStatus.DRAFT and can_edit_study_data(user, study)
    issued = study.is_frozen and bool(study.issued_sha256)
    # What the report still lacks is the certification body's work, not the company's; and
    # an issued report lacks nothing any more: it is the signed file.
    if issued or not is_staff_role(user):
        missing = []
    urls = completeness_urls(study, missing) if linked else [None] * len(missing)
    return {
        "study": study,
        "missing": missing,
        "blocking_count": sum(1 for m in missing if m.blocking),
        "items": [{"m": m, "url": url} for m, url in zip(missing, urls, strict=True)],
        "issued": issued,
        **(_signed_files(study) if issued else {}),
        "internal": is_staff_role(user),
        **_pact_panel(study, user),
    }


def signed_files(study: Study) -> list[dict]:
    """An issued study's signed files, one download each, labelled by their language's own
    name ("签名报告（中文）", "签名报告（English）")."""
    files = []
    for file in issued_files(study):
        url = (reverse("issued_pdf", args=[study.report_number]) if file.primary
               else reverse("issued_pdf_language", args=[study.report_number, file.language]))
        files.append({"language": file.language, "label": file.label, "sha256": file.sha256,
                      "url": url, "primary": file.primary})
    return files


def _signed_files(study: Study) -> dict:
    """The signed files, and for a language issued without one: why, and its unsigned draft
    (watermarked "草稿 / DRAFT", never under a signed label)."""
    missing = missing_language_reason(study)
    draft = None
    if missing is not None:
        language = missing[0]
        draft = {"language": language, "label": LANGUAGE_NAMES.get(language, language),
                 "url": reverse("report_pdf", args=[study.report_number]) + f"?lang={language}"}
    return {"signed_files": signed_files(study),
            "missing_language_reason": missing[1] if missing else "", "unsigned_draft": draft}


def _pact_panel(study: Study, user) -> dict:
    """An issued study's PACT data: the download, and the products that have none, and why."""
    from ..selectors import products_lacking_pact_particulars
    from ..services.pact.publishing import PUBLISHED_STATUSES, missing_message, study_footprints

    if study.status not in PUBLISHED_STATUSES:
        # In draft: the products whose PACT particulars are still empty, for those who
        # enter them (the footprint is published only with them).
        todo = []
        if study.status == StudyStatus.DRAFT and can_edit_study_data(user, study):
            todo = [{"code": code, "url": reverse("study_product_pact", args=[study.report_number, code])}
                    for code in products_lacking_pact_particulars(study)]
        return {"pact_available": False, "pact_missing": [], "pact_todo": todo}
    items = study_footprints(study)
    return {"pact_available": any(i.data is not None for i in items),
            "pact_missing": [missing_message(i) for i in items if i.missing]}


def asked_of(study: Study, user) -> str:
    """What the study asks of a company contact now, in words ("" for the other roles)."""
    if not is_study_contact(user, study):
        return ""
    if study.status == StudyStatus.CLIENT_REVIEW:
        return _("请核对报告中的企业信息、产品和活动数据：无误请点击“确认数据”；"
                 "需要更正请说明原因并点击“要求修改”。意见可以针对某一条活动数据。")
    if study.status in (StudyStatus.DRAFT, StudyStatus.CHANGES_REQUESTED):
        return _("核查员正在修改报告；修改完成后会再次发送给贵公司审阅。")
    if study.status in (StudyStatus.CLIENT_CONFIRMED, StudyStatus.TECHNICAL_REVIEW, StudyStatus.APPROVED):
        return _("贵公司已确认数据；报告正在技术评审和签发，签发后可在此下载已签名的 PDF。")
    if study.status == StudyStatus.ISSUED:
        return _("报告已签发：可下载已签名的 PDF，并在公开验证页面核对其真伪。")
    return ""


def workflow_panel(study: Study, user, *, result: StudyResult, missing: list[Missing]) -> dict:
    """What the workflow panel shows: status, allowed actions with their blockers, recent
    transitions and the open comment count."""
    unresolved = transitions.unresolved_comment_count(study)
    return {
        "asked": asked_of(study, user),
        "study": study,
        "actions": action_items(study, user, transitions.available_actions(
            study, user, result=result, missing=missing, unresolved=unresolved)),
        "transitions": study_transitions(study)[-RECENT_TRANSITIONS:],
        "unresolved_count": unresolved,
        "signed_files": signed_files(study),
    }


def study_panels(study: Study, user, *, result: StudyResult, facts: StudyFacts | None = None) -> dict:
    """Both panels of the study page from one calculation result and one completeness check."""
    missing = study_completeness(study, result=result, facts=facts)
    return {
        "workflow_panel": workflow_panel(study, user, result=result, missing=missing),
        "report_panel": report_panel(study, user, missing=missing),
    }
