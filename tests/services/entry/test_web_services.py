"""Write services behind the web pages: studies, products in a study, stage rows, companies."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from footprint.choices import StudyStatus
from footprint.services.entry import activities as activity_services
from footprint.services.entry import companies as company_services
from footprint.services.entry import studies as study_services
from footprint.services.freeze import StudyFrozenError

pytestmark = pytest.mark.django_db


@pytest.fixture
def study(reference_data, auditor):
    company = company_services.company_create(fields={"name": "服务测试企业"})
    return study_services.study_create(user=auditor, company=company, fields={
        "report_number": "SVC-1", "title": "t", "period_start": dt.date(2025, 1, 1),
        "period_end": dt.date(2025, 12, 31), "gwp_set": "AR6", "boundary": "cradle_to_gate",
        "standards": ["ISO 14067:2018"],
    })


@pytest.fixture
def product(study):
    return company_services.product_create(company=study.company, fields={
        "code": "P", "name": "产品", "functional_unit": "1 台"})


def test_a_product_added_to_a_study_gets_six_stages(study, product):
    sp = study_services.study_product_add(study=study, product=product, annual_output=Decimal(10))
    assert sorted(sp.stages.values_list("stage", flat=True)) == sorted(
        ["raw_material_acquisition", "raw_material_transport", "production", "distribution", "use",
         "end_of_life"])
    with pytest.raises(ValidationError):
        study_services.study_product_add(study=study, product=product, annual_output=Decimal(10))


def test_new_rows_are_appended_and_units_must_fit_the_factor(study, product):
    from footprint.models import ActivityRecord, EmissionFactor

    sp = study_services.study_product_add(study=study, product=product, annual_output=Decimal(10))
    stage = sp.stages.get(stage="production")
    grid = EmissionFactor.objects.get(code="CN-GRID-2022")
    rows = [ActivityRecord(name=f"r{i}", quantity=Decimal(1), unit="kWh", factor=grid) for i in range(3)]
    activity_services.stage_activities_save(stage=stage, boundary={"included": "装配"}, new=rows)
    assert [r.position for r in ActivityRecord.objects.filter(stage=stage).order_by("id")] == [0, 1, 2]
    assert stage.included == "装配"
    bad = ActivityRecord(name="bad", quantity=Decimal(1), unit="kg", factor=grid)
    with pytest.raises(ValidationError) as exc:
        activity_services.stage_activities_save(stage=stage, new=[bad])
    assert "unit" in exc.value.message_dict
    assert ActivityRecord.objects.filter(stage=stage).count() == 3


def test_every_write_refuses_a_frozen_study(study, product):
    sp = study_services.study_product_add(study=study, product=product, annual_output=Decimal(10))
    study.status = StudyStatus.ISSUED
    study.save()
    stage = sp.stages.get(stage="production")
    with pytest.raises(StudyFrozenError):
        study_services.study_update(study=study, fields={"title": "x"})
    with pytest.raises(StudyFrozenError):
        study_services.study_product_update(study_product=sp, annual_output=Decimal(1))
    with pytest.raises(StudyFrozenError):
        study_services.study_product_remove(study_product=sp)
    with pytest.raises(StudyFrozenError):
        study_services.study_narrative_update(study=study, fields={"purpose": "x"})
    with pytest.raises(StudyFrozenError):
        activity_services.stage_activities_save(stage=stage, boundary={"included": "x"})
    with pytest.raises(StudyFrozenError):
        company_services.product_update(product=product, fields={"name": "x"})


def test_the_company_of_a_study_with_products_cannot_change(study, product):
    other = company_services.company_create(fields={"name": "另一家"})
    study_services.study_update(study=study, fields={}, company=other)
    assert study.company == other
    product_b = company_services.product_create(company=other, fields={
        "code": "Q", "name": "q", "functional_unit": "1 kg"})
    study_services.study_product_add(study=study, product=product_b, annual_output=Decimal(1))
    with pytest.raises(ValidationError):
        study_services.study_update(study=study, fields={}, company=product.company)


def test_a_study_sent_for_review_never_changes_company(study, auditor):
    """Even back in draft (withdrawn, changes requested), and even with no product in it."""
    from footprint.models import Study
    from footprint.services.workflow import transitions

    # Sent before (an incomplete study cannot be sent any more: services/workflow/readiness.py).
    Study.objects.filter(pk=study.pk).update(status="client_review", sent_to_client_at=timezone.now())
    transitions.study_withdraw(study=study, user=auditor)
    study.refresh_from_db()
    other = company_services.company_create(fields={"name": "另一家"})
    with pytest.raises(ValidationError) as refused:
        study_services.study_update(study=study, fields={}, company=other)
    assert "SVC-1 已发送给企业“服务测试企业”审阅，不能改为企业“另一家”" in refused.value.message_dict["company"][0]
    study.refresh_from_db()
    assert study.company.name == "服务测试企业"


def test_a_company_with_an_issued_study_keeps_its_particulars(study, product):
    from footprint.models import Study

    Study.objects.filter(pk=study.pk).update(status=StudyStatus.ISSUED)
    with pytest.raises(StudyFrozenError, match="SVC-1"):
        company_services.company_update(company=study.company, fields={"address": "新地址"})
    # saving the same values is not a change
    company_services.company_update(company=study.company, fields={"address": study.company.address})
    study.company.refresh_from_db()
    assert study.company.address == ""
