"""The report panel of the study page: downloads, preview link and what is missing."""

from django.template import Context, Template
from django.test import RequestFactory
from django.utils import translation

from footprint.models import VerificationTeamMember
from footprint.services.results import study_results
from footprint.views.panels import study_panels

PANEL = Template("{% load report_tags %}{% report_panel report_panel %}")


def render(study, user):
    request = RequestFactory().get("/")
    request.user = user
    panels = study_panels(study, user, result=study_results(study))
    return PANEL.render(Context({"user": user, "request": request, **panels}))


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
    from footprint.services.workflow.completeness import Missing
    from footprint.views.panels import completeness_url, completeness_urls

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
    # All at once, in the items' order.
    items = [Missing("x", "m", "w", field) for field in expected]
    assert completeness_urls(seed_study, items) == list(expected.values())


def test_the_links_of_many_missing_items_cost_one_query_per_kind(
    seed_study, django_assert_num_queries
):
    from footprint.models import EmissionFactor
    from footprint.services.workflow.completeness import Missing
    from footprint.views.panels import completeness_urls

    factors = list(EmissionFactor.objects.order_by("pk")[:30])
    items = [Missing("x", "m", "w", f"factor:{f.key}") for f in factors]
    items += [Missing("x", "m", "w", f"product:{code}:functional_unit") for code in ("HV", "LV", "NOPE")]
    items += [Missing("x", "m", "w", "team")] * 20
    # One query for the products, one for the factors, whatever the number of items.
    with django_assert_num_queries(2):
        urls = completeness_urls(seed_study, items)
    n = len(factors)
    assert n > 5
    assert urls[:n] == [f"/factors/{f.pk}/" for f in factors]
    assert urls[n].startswith("/products/") and urls[n + 1].startswith("/products/")
    assert urls[n + 2] == "/studies/202508175GHG/#study-products"
    with django_assert_num_queries(0):
        assert completeness_urls(seed_study, [Missing("x", "m", "w", "team")]) == [
            "/studies/202508175GHG/team/#team"]


def test_links_are_for_editors_of_a_draft(seed_study, demo_users):
    VerificationTeamMember.objects.filter(study=seed_study).delete()
    assert 'href="/studies/202508175GHG/team/#team"' in render(seed_study, demo_users["auditor"])
    seed_study.status = "client_review"
    assert "data-fix-link" not in render(seed_study, demo_users["auditor"])


def _issued(study, *, english: bool):
    import hashlib

    from django.core.files.base import ContentFile

    study.status = "issued"
    study.verification_code = "code-seed"
    study.issued_sha256 = hashlib.sha256(b"zh").hexdigest()
    study.issued_pdf.save("202508175GHG.pdf", ContentFile(b"zh"), save=False)
    study.issued_snapshot = {"files": {"zh-hans": study.issued_sha256}}
    if english:
        study.issued_alt_language, study.issued_alt_sha256 = "en", hashlib.sha256(b"en").hexdigest()
        study.issued_alt_pdf.save("202508175GHG_en.pdf", ContentFile(b"en"), save=False)
    else:
        study.issued_snapshot["files_absent"] = {"en": {"untranslated": 4}}
    study.save()
    return study


def test_an_issued_study_offers_its_signed_files_by_language_never_a_draft_label(seed_study, auditor, settings,
                                                                                 tmp_path):
    settings.MEDIA_ROOT = tmp_path
    html = render(_issued(seed_study, english=True), auditor)
    assert "签名报告（中文）" in html and "签名报告（English）" in html
    assert 'href="/studies/202508175GHG/issued.pdf"' in html
    assert 'href="/studies/202508175GHG/issued-en.pdf"' in html
    assert seed_study.issued_sha256 in html and seed_study.issued_alt_sha256 in html
    assert "草稿" not in html and "report.pdf" not in html and 'id="missing-language"' not in html
    with translation.override("en"):
        html = render(seed_study, auditor)
    assert "Signed report (中文)" in html and "Signed report (English)" in html and "draft" not in html.lower()


def test_an_issued_study_without_english_says_why_and_labels_the_draft_unsigned(seed_study, auditor, settings,
                                                                                tmp_path):
    settings.MEDIA_ROOT = tmp_path
    html = render(_issued(seed_study, english=False), auditor)
    assert "签名报告（中文）" in html and "签名报告（English）" not in html
    assert "没有签发英文版：签发时还有 4 处文字没有英文译文，因此只签发了中文版。" in html
    assert "未签名草稿（English，带“草稿”水印，不是签发文件）" in html
    assert 'href="/studies/202508175GHG/report.pdf?lang=en"' in html
    assert "report.pdf?lang=zh-hans" not in html  # the Chinese report is the signed file only
