"""The PACT pages (footprint/views/pact.py): the issued study's JSON download, a product's
PACT particulars, a company's grants — each tried by the wrong users too."""

import json

import pytest

from footprint.models import PactClient, PactGrant, Study, StudyProduct
from tests.api.test_pact_api import _issue_without_pdf
from tests.pact_schema import assert_valid

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo2(demo):
    return _issue_without_pdf(Study.objects.get(report_number="DEMO-2"))


def login(client, demo_users, name):
    client.force_login(demo_users[name])
    return client


def test_the_issued_study_offers_its_pact_json(client, demo_users, demo2):
    login(client, demo_users, "client2")
    page = client.get(f"/studies/{demo2.report_number}/")
    assert b'id="pact-json"' in page.content
    response = client.get(f"/studies/{demo2.report_number}/pact.json")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="DEMO-2-pact.json"'
    (fp,) = json.loads(response.content)["data"]
    assert_valid(fp)
    # 165 + 47.1768374 + 110 + SF6 3.6 kg × 25,200 (AR6 edition 2) / 1,200 units = 397.7768374
    assert fp["pcf"]["pcfExcludingBiogenicUptake"] == "397.777"


def test_pact_json_follows_the_study_scope(client, demo_users, demo2):
    assert client.get("/studies/DEMO-2/pact.json").status_code == 302  # log in first
    login(client, demo_users, "client")  # the other company's contact
    assert client.get("/studies/DEMO-2/pact.json").status_code == 404


def test_a_draft_has_no_pact_json_and_the_page_says_what_is_missing(client, demo_users, demo):
    login(client, demo_users, "auditor")
    assert client.get("/studies/202508175GHG/pact.json").status_code == 404
    seed = Study.objects.get(report_number="202508175GHG")
    StudyProduct.objects.filter(study=seed).update(mass_per_unit_kg=None)
    _issue_without_pdf(seed)
    StudyProduct.objects.filter(study=seed).update(mass_per_unit_kg=None)
    page = client.get("/studies/202508175GHG/").content.decode()
    assert 'id="pact-json"' not in page
    assert "产品 LV 缺少 PACT 必填信息：productMassPerDeclaredUnit。" in page
    response = client.get("/studies/202508175GHG/pact.json")
    assert response.status_code == 409
    assert response.content.decode().splitlines() == [
        "产品 LV 缺少 PACT 必填信息：productMassPerDeclaredUnit。",
        "产品 HV 缺少 PACT 必填信息：productMassPerDeclaredUnit。"]


def test_the_auditor_enters_the_particulars_of_a_draft(client, demo_users, demo):
    login(client, demo_users, "auditor")
    url = "/studies/202508175GHG/products/LV/pact/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"mass_per_unit_kg": "680", "fossil_carbon_kg": "18.2",
                                 "biogenic_carbon_kg": "", "exempted_emissions_pct": "1"})
    assert response.status_code == 302
    sp = StudyProduct.objects.get(study__report_number="202508175GHG", product__code="LV")
    assert (str(sp.mass_per_unit_kg), sp.biogenic_carbon_kg) == ("680.000000", None)
    bad = client.post(url, {"mass_per_unit_kg": "-1", "fossil_carbon_kg": "x"})
    assert bad.status_code == 200  # the form again, with its errors; nothing saved
    sp.refresh_from_db()
    assert str(sp.mass_per_unit_kg) == "680.000000"


@pytest.mark.parametrize("who", ["lead", "client"])
def test_others_cannot_change_the_particulars(client, demo_users, demo, who):
    from footprint.services.workflow import transitions

    seed = Study.objects.get(report_number="202508175GHG")
    transitions.study_send_for_review(study=seed, user=demo_users["auditor"])  # the contact sees it
    login(client, demo_users, who)
    response = client.post("/studies/202508175GHG/products/LV/pact/", {"mass_per_unit_kg": "1"})
    assert response.status_code == 403
    assert StudyProduct.objects.get(study=seed, product__code="LV").mass_per_unit_kg is None


def test_issued_particulars_never_change(client, demo_users, demo2):
    login(client, demo_users, "admin")
    client.post("/studies/DEMO-2/products/RMU/pact/", {"mass_per_unit_kg": "1", "fossil_carbon_kg": "1",
                                                       "exempted_emissions_pct": "1"})
    assert str(StudyProduct.objects.get(study=demo2).mass_per_unit_kg) == "700.000000"  # as issued


def test_the_companys_contact_grants_and_revokes(client, demo_users, demo2):
    other = PactClient.objects.create(client_id="customer-x", name="Customer X", secret_hash="!")
    login(client, demo_users, "client2")
    company = demo2.company
    page = client.get(f"/companies/{company.pk}/pact/")
    assert page.status_code == 200
    assert b'data-client="customer-x"' in page.content
    client.post(f"/companies/{company.pk}/pact/{other.pk}/", {"grant": "1"})
    grant = PactGrant.objects.get(client=other, company=company)
    assert grant.granted_by == demo_users["client2"]
    client.post(f"/companies/{company.pk}/pact/{other.pk}/", {"grant": "0"})
    assert not PactGrant.objects.filter(client=other, company=company).exists()


@pytest.mark.parametrize(("who", "status"), [("client", 404), ("auditor", 403), ("lead", 403)])
def test_nobody_else_grants_a_companys_footprints(client, demo_users, demo2, who, status):
    from footprint.services.workflow import transitions

    seed = Study.objects.get(report_number="202508175GHG")
    transitions.study_send_for_review(study=seed, user=demo_users["auditor"])
    other = PactClient.objects.create(client_id="customer-x", name="Customer X", secret_hash="!")
    login(client, demo_users, who)
    company = demo2.company
    assert client.post(f"/companies/{company.pk}/pact/{other.pk}/", {"grant": "1"}).status_code in (status, 404)
    assert not PactGrant.objects.filter(client=other).exists()


def test_the_draft_page_says_which_products_still_need_pact_particulars(client, demo_users, demo):
    login(client, demo_users, "auditor")
    StudyProduct.objects.filter(study__report_number="202508175GHG", product__code="LV").update(
        mass_per_unit_kg="680", fossil_carbon_kg="18.2")
    page = client.get("/studies/202508175GHG/").content.decode()
    todo = page.split('id="pact-todo"')[1].split("</p>")[0]
    assert 'href="/studies/202508175GHG/products/HV/pact/"' in todo
    assert "/products/LV/pact/" not in todo
    login(client, demo_users, "lead")  # reviewers do not enter data: not shown to them
    assert 'id="pact-todo"' not in client.get("/studies/202508175GHG/").content.decode()
