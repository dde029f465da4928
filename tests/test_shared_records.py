"""Companies and products that an issued study uses never change under it, on any path:
the import service, the import command, the web import, the API import, the product and
company forms, the narrative page (the company overview) and the admin (the product, the
company and its product inline). Each refusal names the issued study.

The issued study is issued_seed_study_tiny: its pages are not read.
"""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from footprint.models import Company, Product, Study
from footprint.services.interchange.document import Document
from footprint.services.interchange.exporting import study_to_document
from footprint.services.interchange.importing import ImportRejected, import_study

NUMBER = "202508175GHG"
COPY = "COPY-OF-ISSUED"


@pytest.fixture
def issued(issued_seed_study_tiny):
    return Study.objects.get(pk=issued_seed_study_tiny.pk)


def _product_state(study):
    return sorted(Product.objects.filter(company=study.company)
                  .values_list("code", "name", "functional_unit", "model"))


def _company_state(study):
    return Company.objects.filter(pk=study.company_id).values().get()


def _renaming_copy(study) -> dict:
    """The issued study exported, under a new report number, with its first product renamed
    and a new functional unit."""
    doc = study_to_document(study, for_licensee=True)
    doc["report_number"] = COPY
    doc["products"][0]["name"] = "改名后的产品"
    doc["products"][0]["functional_unit"] = "1 套（新）"
    return doc


def _assert_untouched(study, products, company):
    assert _product_state(study) == products
    assert _company_state(study) == company
    assert not Study.objects.filter(report_number=COPY).exists()


def test_an_unchanged_copy_of_an_issued_study_imports(issued):
    doc = study_to_document(issued, for_licensee=True)
    doc["report_number"] = COPY
    products = _product_state(issued)
    copy = import_study(Document(doc))
    assert copy.company_id == issued.company_id
    assert _product_state(issued) == products


def test_the_import_service_refuses_to_rename_a_product_of_an_issued_study(issued):
    products, company = _product_state(issued), _company_state(issued)
    with pytest.raises(ImportRejected) as refused:
        import_study(Document(_renaming_copy(issued)))
    [problem] = refused.value.problems
    assert problem.location == "products[0]"
    assert f"产品 LV 用于已签发或审阅中的报告 {NUMBER}，不能修改" in problem.message
    _assert_untouched(issued, products, company)


def test_the_import_service_refuses_to_change_the_company_of_an_issued_study(issued):
    products, company = _product_state(issued), _company_state(issued)
    doc = study_to_document(issued, for_licensee=True)
    doc["report_number"] = COPY
    doc["company"]["address"] = "新地址"
    with pytest.raises(ImportRejected) as refused:
        import_study(Document(doc))
    assert refused.value.problems[0].location == "company"
    assert NUMBER in refused.value.problems[0].message
    _assert_untouched(issued, products, company)


def test_the_import_command_refuses_it(issued, tmp_path, capsys):
    products, company = _product_state(issued), _company_state(issued)
    path = tmp_path / "copy.json"
    path.write_text(json.dumps(_renaming_copy(issued), ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_study", str(path))
    assert f"已签发或审阅中的报告 {NUMBER}" in capsys.readouterr().err
    _assert_untouched(issued, products, company)


def test_the_web_import_shows_the_refusal_and_cannot_confirm(client, demo_users, issued):
    products, company = _product_state(issued), _company_state(issued)
    client.force_login(demo_users["auditor"])
    content = json.dumps(_renaming_copy(issued), ensure_ascii=False).encode()
    response = client.post(reverse("study_import"), {
        "file": SimpleUploadedFile("copy.json", content, content_type="application/json")})
    html = response.content.decode()
    assert f"已签发或审阅中的报告 {NUMBER}" in html
    assert response.context["can_confirm"] is False
    _assert_untouched(issued, products, company)


def test_the_api_import_refuses_it(client, demo_users, issued):
    products, company = _product_state(issued), _company_state(issued)
    client.force_login(demo_users["auditor"])
    response = client.post(reverse("api_study_import"), json.dumps(_renaming_copy(issued)),
                           content_type="application/json")
    assert response.status_code == 400
    assert any(NUMBER in p for p in response.json()["problems"])
    _assert_untouched(issued, products, company)


def test_the_product_form_refuses_it(client, demo_users, issued):
    products = _product_state(issued)
    product = Product.objects.get(company=issued.company, code="LV")
    client.force_login(demo_users["auditor"])
    response = client.post(reverse("product_edit", args=[product.pk]), {
        "code": "LV", "name": product.name, "functional_unit": "1 套（新）"})
    assert response.status_code == 200
    assert f"已签发或审阅中的报告 {NUMBER}" in response.content.decode()
    assert _product_state(issued) == products


def test_the_company_form_refuses_it(client, demo_users, issued):
    company = _company_state(issued)
    client.force_login(demo_users["auditor"])
    data = {k: v for k, v in company.items() if k in (
        "name", "credit_code", "address", "legal_representative", "contact_name",
        "contact_phone", "overview")}
    data["name"] = "改名后的企业"
    response = client.post(reverse("company_edit", args=[issued.company_id]), data)
    assert response.status_code == 200
    assert f"已签发或审阅中的报告 {NUMBER}" in response.content.decode()
    assert _company_state(issued) == company


def test_the_narrative_of_another_study_cannot_change_the_shared_company_overview(issued, demo_users):
    from footprint.services.entry import studies as study_services
    from footprint.services.entry.studies import study_create
    from footprint.services.freeze import SharedRecordFrozenError

    draft = study_create(user=demo_users["auditor"], company=issued.company, fields={
        "report_number": "NEXT-1", "title": "下一份", "period_start": issued.period_start,
        "period_end": issued.period_end})
    company = _company_state(issued)
    with pytest.raises(SharedRecordFrozenError, match=NUMBER):
        study_services.study_narrative_update(study=draft, fields={"purpose": "目的"},
                                              company_overview="新的企业概况")
    assert _company_state(issued) == company
    draft.refresh_from_db()
    assert draft.purpose == ""  # nothing of the page was saved


def test_the_admin_refuses_to_change_a_product_of_an_issued_study(client, demo_users, issued):
    products = _product_state(issued)
    product = Product.objects.get(company=issued.company, code="LV")
    client.force_login(demo_users["admin"])
    url = reverse("admin:footprint_product_change", args=[product.pk])
    page = client.get(url)
    assert page.status_code == 200 and NUMBER in page.content.decode()
    response = client.post(url, {"company": issued.company_id, "code": "LV", "name": "改名",
                                 "functional_unit": "1 套", "model": "", "description": ""})
    assert response.status_code == 403
    assert _product_state(issued) == products


def test_the_admin_refuses_the_company_and_its_product_inline(client, demo_users, issued):
    products, company = _product_state(issued), _company_state(issued)
    product = Product.objects.get(company=issued.company, code="LV")
    client.force_login(demo_users["admin"])
    url = reverse("admin:footprint_company_change", args=[issued.company_id])
    page = client.get(url)
    assert page.status_code == 200 and NUMBER in page.content.decode()
    response = client.post(url, {
        "name": company["name"], "products-TOTAL_FORMS": "1", "products-INITIAL_FORMS": "1",
        "products-0-id": product.pk, "products-0-company": issued.company_id,
        "products-0-code": "LV", "products-0-name": "改名", "products-0-functional_unit": "1 套",
    })
    assert response.status_code == 403
    assert _product_state(issued) == products
    assert _company_state(issued) == company


def test_a_product_of_a_draft_only_company_still_changes(client, demo_users, demo):
    """The rule holds only what issued (or reviewed) studies use: drafts change freely."""
    product = Product.objects.get(company__studies__report_number=NUMBER, code="LV")
    client.force_login(demo_users["auditor"])
    response = client.post(reverse("product_edit", args=[product.pk]), {
        "code": "LV", "name": product.name, "functional_unit": "1 套（新）"})
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.functional_unit == "1 套（新）"
