"""Creating a study, adding products with their output, editing, narrative and downloads."""

import io
import json
from decimal import Decimal

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

SEED = "202508175GHG"


@pytest.fixture
def company_with_product(demo):
    from footprint.models import Company, Product

    company = Company.objects.create(name="新企业")
    product = Product.objects.create(company=company, code="NP-1", name="新产品", functional_unit="1 kg")
    return company, product


def _study_form(company, **overrides):
    data = {
        "report_number": "NEW-1", "title": "新报告", "company": company.pk, "language": "zh-hans",
        "period_start": "2025-01-01", "period_end": "2025-12-31", "gwp_set": "AR6",
        "boundary": "cradle_to_gate", "certification_body": "认证机构",
        "standards": ["GB/T 24067-2024/ISO 14067:2018"], "other_standards": "企业内部规程 A\n",
    }
    data.update(overrides)
    return data


def test_an_auditor_creates_a_study_and_is_assigned_to_it(auditor_client, demo_auditor, company_with_product):
    from footprint.models import Study

    company, _product = company_with_product
    response = auditor_client.post(reverse("study_create"), _study_form(company))
    assert response.status_code == 302 and response["Location"] == reverse("study_detail", args=["NEW-1"])
    study = Study.objects.get(report_number="NEW-1")
    assert study.standards == ["GB/T 24067-2024/ISO 14067:2018", "企业内部规程 A"]
    assert study.created_by == demo_auditor and demo_auditor in study.auditors.all()
    assert study.status == "draft"


def test_a_period_that_ends_before_it_starts_is_refused_and_the_input_kept(auditor_client, company_with_product):
    from footprint.models import Study

    company, _product = company_with_product
    response = auditor_client.post(reverse("study_create"), _study_form(
        company, period_end="2024-01-01", title="保留的标题"))
    html = response.content.decode()
    assert response.status_code == 200 and not Study.objects.filter(report_number="NEW-1").exists()
    assert "报告期结束日期不能早于开始日期" in html and 'value="保留的标题"' in html


def test_reserved_or_duplicate_report_numbers_are_refused(auditor_client, company_with_product):
    company, _product = company_with_product
    for number in (SEED, "import", "new"):
        response = auditor_client.post(reverse("study_create"), _study_form(company, report_number=number))
        assert response.status_code == 200, number
        assert "is-invalid" in response.content.decode()


def test_adding_a_product_creates_its_six_stages_and_opens_the_stage_editor(auditor_client, company_with_product):
    from footprint.models import Study

    company, product = company_with_product
    auditor_client.post(reverse("study_create"), _study_form(company))
    response = auditor_client.post(reverse("study_product_add", args=["NEW-1"]),
                                   {"product": product.pk, "annual_output": "2500"})
    assert response["Location"] == reverse("study_product_stages", args=["NEW-1", "NP-1"])
    sp = Study.objects.get(report_number="NEW-1").study_products.get()
    assert sp.annual_output == Decimal("2500") and sp.stages.count() == 6


def test_a_product_of_another_company_cannot_be_added(auditor_client, company_with_product):
    from footprint.models import Product, StudyProduct

    _company, product = company_with_product
    auditor_client.post(reverse("study_product_add", args=[SEED]), {"product": product.pk, "annual_output": "1"})
    assert not StudyProduct.objects.filter(product=product).exists()
    other = Product.objects.get(code="RMU")
    auditor_client.post(reverse("study_product_add", args=[SEED]), {"product": other.pk, "annual_output": "1"})
    assert not StudyProduct.objects.filter(product=other, study__report_number=SEED).exists()


def test_changing_the_output_recomputes_the_total(auditor_client, demo):
    from footprint.models import StudyProduct

    sp = StudyProduct.objects.get(study__report_number=SEED, product__code="HV")
    auditor_client.post(reverse("study_product_output", args=[SEED, "HV"]),
                        {f"out-{sp.pk}-annual_output": "168"})
    sp.refresh_from_db()
    assert sp.annual_output == Decimal("168")
    html = auditor_client.get(reverse("study_detail", args=[SEED])).content.decode()
    assert "113.248" in html  # 226.496 / 2
    response = auditor_client.post(reverse("study_product_output", args=[SEED, "HV"]),
                                   {f"out-{sp.pk}-annual_output": "-5"}, follow=True)
    assert "报告期产量" in response.content.decode()
    sp.refresh_from_db()
    assert sp.annual_output == Decimal("168")


def test_removing_a_product_removes_its_activities(auditor_client, demo):
    from footprint.models import ActivityRecord

    auditor_client.post(reverse("study_product_remove", args=[SEED, "HV"]))
    assert not ActivityRecord.objects.filter(
        stage__study_product__study__report_number=SEED, stage__study_product__product__code="HV").exists()


def test_editing_keeps_the_report_number(auditor_client, demo):
    from footprint.models import Study

    study = Study.objects.get(report_number=SEED)
    data = _study_form(study.company, report_number="CHANGED", title="改过的标题", gwp_set="AR6",
                       boundary="cradle_to_grave")
    response = auditor_client.post(reverse("study_edit", args=[SEED]), data)
    assert response.status_code == 302
    study.refresh_from_db()
    assert study.report_number == SEED and study.title == "改过的标题" and study.gwp_set == "AR6"


def test_an_issued_study_cannot_be_edited(auditor_client, demo):
    from footprint.choices import StudyStatus
    from footprint.models import Study

    Study.objects.filter(report_number=SEED).update(status=StudyStatus.ISSUED)
    study = Study.objects.get(report_number=SEED)
    response = auditor_client.post(reverse("study_edit", args=[SEED]),
                                   _study_form(study.company, title="不应保存"), follow=True)
    assert "已签发，数据已冻结" in response.content.decode()
    study.refresh_from_db()
    assert study.title != "不应保存"
    auditor_client.post(reverse("study_product_remove", args=[SEED, "HV"]))
    assert study.study_products.count() == 2


def test_the_narrative_page_offers_defaults_and_saves_plain_text(auditor_client, demo):
    from footprint.models import Study

    html = auditor_client.get(reverse("study_narrative", args=[SEED])).content.decode()
    assert "插入默认文本" in html
    assert "表中分配比例均为 100%" in html  # the allocation default states the shares used
    data = {"company_overview": "新的企业概况", "allocation": "  我们自己的分配说明  ", "purpose": ""}
    response = auditor_client.post(reverse("study_narrative", args=[SEED]), data)
    assert response.status_code == 302
    study = Study.objects.get(report_number=SEED)
    assert study.allocation == "我们自己的分配说明" and study.purpose == ""
    assert study.company.overview == "新的企业概况"


def test_exports_are_the_pcf_study_documents(auditor_client, demo):
    from openpyxl import load_workbook

    from footprint.models import Study
    from footprint.services.interchange.exporting import study_to_json

    response = auditor_client.get(reverse("study_export", args=[SEED, "json"]))
    assert response["Content-Disposition"] == f'attachment; filename="{SEED}.json"'
    assert json.loads(response.content) == json.loads(study_to_json(Study.objects.get(report_number=SEED), for_licensee=True))
    response = auditor_client.get(reverse("study_export", args=[SEED, "xlsx"]))
    workbook = load_workbook(io.BytesIO(response.content))
    assert {"study", "factors", "products", "activities"} <= set(workbook.sheetnames)
    assert auditor_client.get(f"/studies/{SEED}/export.pdf").status_code == 404


def _restrict_the_seed_factors():
    """Both factors of the seed study under a licence that forbids redistribution (as the
    library's import would set them: docs/factor-library.md)."""
    from footprint.models import EmissionFactor

    EmissionFactor.objects.filter(code__in=["CN-GRID-2022", "CN-DIESEL"]).update(
        licence_note="CLCD 许可：不得转载明细", redistribution_allowed=False)


def test_a_company_contact_exports_restricted_factors_as_the_report_prints_them(client, demo_users):
    """The certification body holds the factor licence: its auditor downloads every field, the
    company's contact what table 4.3 prints — and their file still recomputes to the totals."""
    from openpyxl import load_workbook

    from footprint.models import Study
    from footprint.services.interchange.document import Document
    from footprint.services.interchange.importing import import_study
    from footprint.services.results import study_results
    from footprint.services.workflow import transitions

    _restrict_the_seed_factors()
    study = Study.objects.get(report_number=SEED)
    transitions.study_send_for_review(study=study, user=demo_users["auditor"])
    url = reverse("study_export", args=[SEED, "json"])
    client.force_login(demo_users["auditor"])
    full = {f["code"]: f for f in json.loads(client.get(url).content)["factors"]}
    assert full["CN-DIESEL"]["derived_from"]["ncv"] == "43.330 GJ/t" and full["CN-GRID-2022"]["year"] == 2022
    assert full["CN-GRID-2022"]["redistribution_allowed"] is False

    client.force_login(demo_users["client"])
    document = json.loads(client.get(url).content)
    factors = {f["code"]: f for f in document["factors"]}
    assert factors["CN-GRID-2022"] == {
        "code": "CN-GRID-2022", "name": "CN-GRID-2022", "category": "electricity", "value": 0.5366,
        "unit": "kg/kWh", "gas": "CO2", "source": full["CN-GRID-2022"]["source"],
        "licence_note": "CLCD 许可：不得转载明细", "redistribution_allowed": False}
    assert "derived_from" not in factors["CN-DIESEL"] and "name_en" not in factors["CN-DIESEL"]
    assert factors["CN-DIESEL"]["value"] == pytest.approx(3.1451, abs=5e-5)  # 43.330 × 20.20 × 0.98 × 44/12 / 1000
    workbook = load_workbook(io.BytesIO(client.get(reverse("study_export", args=[SEED, "xlsx"])).content))
    cells = {c for row in workbook["factors"].iter_rows(values_only=True) for c in row if c is not None}
    assert "CN-GRID-2022" in cells and "43.330 GJ/t" not in cells and 2022 not in cells

    # the contact's file, imported as a study of its own, gives the same totals to the gram
    document["report_number"] = "CONTACT-COPY"
    copy = import_study(Document(document))
    totals = lambda s: {p.code: round(p.total_kgco2e, 3) for p in study_results(s).products}  # noqa: E731
    assert totals(copy) == totals(study) == {"LV": 212.852, "HV": 226.496}
