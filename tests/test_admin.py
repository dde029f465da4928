"""Every admin changelist and change page renders for the administrator."""

from decimal import Decimal

import pytest
from django.contrib import admin
from django.urls import reverse


@pytest.mark.parametrize("model", [m for m in admin.site._registry if m._meta.app_label == "footprint"],
                         ids=lambda m: m.__name__)
def test_admin_pages_render(demo, client, model, settings, tmp_path):
    from footprint.models import User

    settings.MEDIA_ROOT = str(tmp_path)
    client.force_login(User.objects.get(username="admin"))
    opts = model._meta
    assert client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")).status_code == 200
    obj = model.objects.first() or _one_of(model)
    # every change page is rendered: models the demo leaves empty get one row here
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    assert client.get(url).status_code == 200


def _one_of(model):
    from footprint.models import (
        Comment,
        EvidenceFile,
        PactClient,
        PactFootprint,
        PactOutboundEvent,
        Study,
        StudyTransition,
        User,
    )

    study = Study.objects.get(report_number="202508175GHG")
    auditor = User.objects.get(username="auditor")
    if model is Comment:
        return Comment.objects.create(study=study, author=auditor, text="请核对电力数据")
    if model is StudyTransition:
        return StudyTransition.objects.create(study=study, from_status="draft", to_status="client_review",
                                              user=auditor)
    if model is PactFootprint:
        return PactFootprint.objects.create(study_product=study.study_products.first())
    if model is PactOutboundEvent:
        return PactOutboundEvent.objects.create(client=PactClient.objects.get(client_id="pact-demo"),
                                                event={"type": "org.wbcsd.pact.ProductFootprint.PublishedEvent.3"})
    if model is EvidenceFile:
        from django.core.files.base import ContentFile

        return EvidenceFile.objects.create(study=study, original_name="电费单.pdf", kind="pdf", size=5,
                                           sha256="0" * 64, file=ContentFile(b"%PDF-", name="bill.pdf"))
    raise AssertionError(f"the demo has no {model.__name__}: add one here")


def test_admin_edit_of_used_factor_creates_version(demo, client):
    from footprint.models import EmissionFactor, User

    client.force_login(User.objects.get(username="admin"))
    factor = EmissionFactor.objects.get(code="CN-GRID-2022")
    url = reverse("admin:footprint_emissionfactor_change", args=[factor.pk])
    data = {
        "code": factor.code, "version": 1, "is_current": "on", "name_zh": factor.name_zh,
        "name_en": factor.name_en, "category": factor.category, "value": "0.6", "unit": factor.unit,
        "gas": factor.gas, "year": factor.year, "region": factor.region, "source": factor.source,
        "published": factor.published, "notes": factor.notes, "ncv": "", "carbon_content": "",
        "oxidation_rate": "",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content[:2000]
    factor.refresh_from_db()
    assert str(factor.value) == "0.5366000000"
    assert EmissionFactor.objects.get(code="CN-GRID-2022", version=2).value == Decimal("0.6")


def test_a_user_who_worked_on_a_study_is_deactivated_never_deleted(demo, client):
    """The delete page says why (the studies named) and deleting does nothing; the bulk
    action too. A user with no part in any study can be deleted."""
    from footprint.models import Study, User

    client.force_login(User.objects.get(username="admin"))
    lead = User.objects.get(username="lead")
    assert Study.objects.filter(lead_verifier=lead).exists()
    url = reverse("admin:footprint_user_delete", args=[lead.pk])
    page = client.get(url).content.decode()
    assert "只能停用" in page and "202508175GHG" in page
    client.post(url, {"post": "yes"})
    changelist = reverse("admin:footprint_user_changelist")
    client.post(changelist, {"action": "delete_selected", "_selected_action": [lead.pk], "post": "yes"})
    assert User.objects.filter(pk=lead.pk).exists()
    assert Study.objects.filter(lead_verifier=lead).count() == 2

    idle = User.objects.create_user(username="idle", password="x")
    response = client.post(reverse("admin:footprint_user_delete", args=[idle.pk]), {"post": "yes"})
    assert response.status_code == 302 and not User.objects.filter(pk=idle.pk).exists()


def test_the_claims_changelist_reads_its_rows_studies_and_products_in_a_fixed_number_of_queries(
        demo, client, django_assert_max_num_queries):
    from footprint.models import StudyClaim, User

    client.force_login(User.objects.get(username="admin"))
    # the demo's claims fill a page (100 rows): a query per row would be hundreds
    assert StudyClaim.objects.filter(study_product__isnull=False).count() > 30
    with django_assert_max_num_queries(10):  # 7 when written; 181 before list_select_related
        response = client.get(reverse("admin:footprint_studyclaim_changelist"))
    assert response.status_code == 200


def test_a_companys_page_asks_once_per_request_whether_an_issued_study_holds_it(demo, client, monkeypatch):
    """The admin asks for the change, add and delete permissions of the company and of its
    products' inline many times while drawing one page; the answer (queries each) is reused."""
    from footprint import admin as footprint_admin
    from footprint.models import Company, User

    asked = []
    real = footprint_admin.company_change_refusal
    monkeypatch.setattr(footprint_admin, "company_change_refusal",
                        lambda company: asked.append(company.pk) or real(company))
    client.force_login(User.objects.get(username="admin"))
    company = Company.objects.get(studies__report_number="202508175GHG")
    url = reverse("admin:footprint_company_change", args=[company.pk])
    assert client.get(url).status_code == 200
    assert asked == [company.pk]  # 21 times before
    asked.clear()
    assert client.get(url).status_code == 200 and asked  # a new request asks again


def test_the_studys_page_lists_only_its_own_products_for_its_claims_in_few_queries(
        demo, client, django_assert_max_num_queries):
    from footprint.models import Study, User

    client.force_login(User.objects.get(username="admin"))
    seed = Study.objects.get(report_number="202508175GHG")
    url = reverse("admin:footprint_study_change", args=[seed.pk])
    with django_assert_max_num_queries(120):  # 490 with two queries per option and claim row
        page = client.get(url)
    assert page.status_code == 200
    choices = page.context["inline_admin_formsets"][-1].formset.forms[0].fields["study_product"].queryset
    assert {sp.study.report_number for sp in choices} == {"202508175GHG"}
    assert choices.count() == seed.study_products.count() == 2


def test_a_claim_row_is_headed_by_its_stage_or_level_name_not_its_code(demo, client):
    from django.utils import translation

    from footprint.models import Study, StudyClaim, User

    seed = Study.objects.get(report_number="202508175GHG")
    stage_claim = StudyClaim.objects.filter(study=seed, level="stage").exclude(stage="").first()
    product_claim = StudyClaim.objects.filter(study=seed, level="product").first()
    assert stage_claim and product_claim
    with translation.override("en"):
        stage_name, level_name = str(stage_claim.get_stage_display()), str(product_claim.get_level_display())
        assert stage_name.isascii() and stage_name != stage_claim.stage  # the English name
        assert f": {stage_name} = " in str(stage_claim)
        assert level_name.isascii() and f": {level_name} = " in str(product_claim)
    client.force_login(User.objects.get(username="admin"))
    page = client.get(reverse("admin:footprint_study_change", args=[seed.pk])).content.decode()
    with translation.override("zh-hans"):
        assert f"{stage_claim.place}: {stage_claim.get_stage_display()} = " in page
        assert f"{product_claim.place}: 产品合计 = " in page
    assert f": {stage_claim.stage} = " not in page and ": product = " not in page
