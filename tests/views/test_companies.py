"""Companies and products created and edited in the browser."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_an_auditor_creates_a_company_and_its_product(auditor_client):
    from footprint.models import Company, Product

    response = auditor_client.post(reverse("company_create"), {
        "name": "华东电气", "credit_code": "91310000MA1FL0XX1A", "address": "上海"})
    company = Company.objects.get(name="华东电气")
    assert response["Location"] == reverse("company_detail", args=[company.pk])
    response = auditor_client.post(reverse("product_create", args=[company.pk]), {
        "code": "KYN28", "name": "铠装开关柜", "functional_unit": "1 台"})
    assert Product.objects.filter(company=company, code="KYN28").exists()
    assert "KYN28" in auditor_client.get(reverse("company_detail", args=[company.pk])).content.decode()


def test_a_bad_credit_code_is_explained_next_to_the_field_and_the_input_kept(auditor_client):
    from footprint.models import Company

    response = auditor_client.post(reverse("company_create"), {"name": "保留的名称", "credit_code": "123"})
    html = response.content.decode()
    assert response.status_code == 200 and not Company.objects.filter(name="保留的名称").exists()
    assert "统一社会信用代码应为 18 位数字或大写字母" in html and 'value="保留的名称"' in html


def test_a_product_code_is_unique_within_its_company(auditor_client, demo):
    from footprint.models import Company

    company = Company.objects.get(studies__report_number="202508175GHG")
    response = auditor_client.post(reverse("product_create", args=[company.pk]), {
        "code": "LV", "name": "重复", "functional_unit": "1 台"})
    assert response.status_code == 200
    assert "该企业已有代码为 LV 的产品" in response.content.decode()


def test_product_create_returns_to_the_study_it_came_from(auditor_client, demo):
    from footprint.models import Company

    company = Company.objects.get(studies__report_number="202508175GHG")
    back = reverse("study_detail", args=["202508175GHG"])
    response = auditor_client.post(reverse("product_create", args=[company.pk]) + f"?next={back}", {
        "code": "NEW", "name": "新", "functional_unit": "1 台", "next": back})
    assert response["Location"] == back
    response = auditor_client.post(reverse("product_create", args=[company.pk]), {
        "code": "NEW2", "name": "新", "functional_unit": "1 台", "next": "https://evil.example/"})
    assert response["Location"] == reverse("company_detail", args=[company.pk])


def test_a_product_in_an_issued_study_is_not_changed(auditor_client, demo):
    from footprint.choices import StudyStatus
    from footprint.models import Product, Study

    Study.objects.filter(report_number="202508175GHG").update(status=StudyStatus.ISSUED)
    product = Product.objects.get(code="LV")
    response = auditor_client.post(reverse("product_edit", args=[product.pk]), {
        "code": "LV", "name": "改名", "functional_unit": "1 套"}, follow=True)
    assert "已签发，数据已冻结" in response.content.decode()
    product.refresh_from_db()
    assert product.functional_unit == "1 台"


def test_a_product_is_marked_as_using_energy_in_use_from_its_form(auditor_client, demo):
    from footprint.models import Product

    seed_lv = Product.objects.get(code="LV")
    form = auditor_client.get(reverse("product_edit", args=[seed_lv.pk])).content.decode()
    assert 'name="energy_using"' in form and "使用阶段耗能" in form
    rmu = Product.objects.create(company=seed_lv.company, code="RMU", name="环网柜")
    assert rmu.energy_using is False
    auditor_client.post(reverse("product_edit", args=[rmu.pk]), {
        "code": "RMU", "name": "环网柜", "functional_unit": "1 台", "energy_using": "on"})
    assert Product.objects.get(pk=rmu.pk).energy_using is True
    auditor_client.post(reverse("product_edit", args=[rmu.pk]), {
        "code": "RMU", "name": "环网柜", "functional_unit": "1 台"})
    assert Product.objects.get(pk=rmu.pk).energy_using is False
