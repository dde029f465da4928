"""The report panel of the study page: downloads, preview link and what is missing."""

from django.template import Context, Template
from django.test import RequestFactory
from django.utils import translation

from footprint.models import VerificationTeamMember

PANEL = Template("{% load report_tags %}{% report_panel study %}")


def render(study, user):
    request = RequestFactory().get("/")
    request.user = user
    return PANEL.render(Context({"study": study, "user": user, "request": request}))


def test_it_offers_both_languages_and_the_preview(seed_study, auditor):
    html = render(seed_study, auditor)
    assert "/studies/202508175GHG/report.pdf?lang=zh-hans" in html
    assert "/studies/202508175GHG/report.pdf?lang=en" in html
    assert "/studies/202508175GHG/report/" in html


def test_it_lists_what_is_missing(seed_study, auditor):
    VerificationTeamMember.objects.filter(study=seed_study).delete()
    html = render(seed_study, auditor)
    assert 'data-code="company_credit_code"' in html and 'data-code="team"' in html
    assert "没有填写核查组成员。" in html


def test_it_is_translated(seed_study, auditor):
    with translation.override("en"):
        html = render(seed_study, auditor)
    assert "Download PDF (draft, English)" in html and "1 missing" in html


def test_each_kind_of_missing_element_links_to_the_page_that_fills_it(seed_study):
    from django.urls import reverse

    from footprint.models import EmissionFactor
    from footprint.services.completeness import Missing
    from footprint.templatetags.report_tags import completeness_url

    n = seed_study.report_number
    detail = reverse("study_detail", args=[n])
    product = seed_study.study_products.get(product__code="HV").product
    factor = EmissionFactor.objects.filter(code="CN-GRID-2022").order_by("version").first()
    expected = {
        "team": reverse("study_team", args=[n]) + "#team",
        "study.auditors": reverse("study_team", args=[n]) + "#people",
        "study.lead_verifier": reverse("study_team", args=[n]) + "#people",
        "company.address": reverse("company_edit", args=[seed_study.company_id])
        + "?next=%2Fstudies%2F202508175GHG%2F#id_address",
        "study.process_flow": reverse("study_narrative", args=[n]) + "#id_process_flow",
        "study.standards": reverse("study_edit", args=[n]),
        "products": detail + "#study-products",
        "stage:HV:use": reverse("study_product_stages", args=[n, "HV"]) + "?stage=use",
        "product:HV:activities": reverse("study_product_stages", args=[n, "HV"]),
        "product:HV:annual_output": detail + "#study-products",
        "product:HV:functional_unit": reverse("product_edit", args=[product.pk])
        + "?next=%2Fstudies%2F202508175GHG%2F",
        f"factor:{factor.key}": reverse("factor_detail", args=[factor.pk]),
        "factor:NOPE@1": None,
        "something.else": None,
    }
    for field, url in expected.items():
        assert completeness_url(seed_study, Missing("x", "m", "w", field)) == url, field


def test_links_are_for_editors_of_a_draft(seed_study, demo_users):
    VerificationTeamMember.objects.filter(study=seed_study).delete()
    assert 'href="/studies/202508175GHG/team/#team"' in render(seed_study, demo_users["auditor"])
    seed_study.status = "client_review"
    assert "data-fix-link" not in render(seed_study, demo_users["auditor"])
