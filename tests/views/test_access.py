"""Every URL of the web application: it works for the auditor; a contact of another company
gets 404 for the seed company's objects and 403 for staff-only pages; a contact of the
company itself may read a study sent to them but never edit it."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

SEED = "202508175GHG"


@pytest.fixture
def objects(demo):
    from footprint.models import EmissionFactor, Product, Study

    study = Study.objects.get(report_number=SEED)
    product = Product.objects.get(company=study.company, code="LV")
    factor = EmissionFactor.objects.get(code="CN-GRID-2022")
    return {"study": study, "company": study.company, "product": product, "factor": factor}


# (name, args builder, method) — the seed company's objects: outsiders get 404.
SCOPED = [
    ("study_detail", lambda o: [SEED], "get"),
    ("study_edit", lambda o: [SEED], "get"),
    ("study_results", lambda o: [SEED], "get"),
    ("study_narrative", lambda o: [SEED], "get"),
    ("study_export", lambda o: [SEED, "json"], "get"),
    ("study_export", lambda o: [SEED, "xlsx"], "get"),
    ("study_product_stages", lambda o: [SEED, "LV"], "get"),
    ("study_product_add", lambda o: [SEED], "post"),
    ("study_product_output", lambda o: [SEED, "LV"], "post"),
    ("study_product_remove", lambda o: [SEED, "LV"], "post"),
    ("company_detail", lambda o: [o["company"].pk], "get"),
    ("company_edit", lambda o: [o["company"].pk], "get"),
    ("product_create", lambda o: [o["company"].pk], "get"),
    ("product_edit", lambda o: [o["product"].pk], "get"),
]
# Pages of the certification body's staff: company contacts get 403.
STAFF_ONLY = [
    ("company_create", lambda o: [], "get"),
    ("study_create", lambda o: [], "get"),
    ("study_import", lambda o: [], "get"),
    ("study_import_confirm", lambda o: [], "post"),
    ("factor_list", lambda o: [], "get"),
    ("factor_detail", lambda o: [o["factor"].pk], "get"),
    ("factor_create", lambda o: [], "get"),
    ("factor_new_version", lambda o: [o["factor"].pk], "get"),
    ("factor_picker", lambda o: [], "get"),
    ("unit_check", lambda o: [], "get"),
]
OPEN = [
    ("dashboard", lambda o: [], "get"),
    ("company_list", lambda o: [], "get"),
    ("password_change", lambda o: [], "get"),
]


def _request(client, name, args, method):
    url = reverse(name, args=args)
    return client.post(url) if method == "post" else client.get(url)


def _statuses(client, objects, cases):
    """{(name, args): status} for every case; one test per persona keeps the demo loaded once
    while each URL still shows up by name in a failure."""
    return {(name, tuple(args(objects))): _request(client, name, args(objects), method).status_code
            for name, args, method in cases}


def test_every_url_works_for_the_assigned_auditor(auditor_client, objects):
    statuses = _statuses(auditor_client, objects, SCOPED + STAFF_ONLY + OPEN)
    expected = {(name, tuple(args(objects))): (200,) if method == "get" else (200, 302)
                for name, args, method in SCOPED + STAFF_ONLY + OPEN}
    wrong = {key: code for key, code in statuses.items() if code not in expected[key]}
    assert not wrong


def test_a_contact_of_another_company_gets_404_for_the_seed_companys_objects(outsider_client, objects):
    wrong = {k: c for k, c in _statuses(outsider_client, objects, SCOPED).items() if c != 404}
    assert not wrong


def test_a_company_contact_gets_403_on_staff_pages(outsider_client, objects):
    wrong = {k: c for k, c in _statuses(outsider_client, objects, STAFF_ONLY).items() if c != 403}
    assert not wrong


def test_anonymous_users_are_sent_to_the_login_page(client, objects):
    for name, args, method in SCOPED + STAFF_ONLY + OPEN:
        response = _request(client, name, args(objects), method)
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("login")), name


def test_the_outsiders_dashboard_and_company_list_do_not_show_the_seed(outsider_client, objects):
    assert SEED.encode() not in outsider_client.get(reverse("dashboard")).content
    assert objects["company"].name.encode() not in outsider_client.get(reverse("company_list")).content


@pytest.fixture
def sent_to_client(objects):
    from django.utils import timezone

    from footprint.choices import StudyStatus
    from footprint.models import Study

    Study.objects.filter(pk=objects["study"].pk).update(
        status=StudyStatus.CLIENT_REVIEW, sent_to_client_at=timezone.now())
    return objects


@pytest.fixture
def own_contact_client(client, demo):
    from footprint.models import User

    client.force_login(User.objects.get(username="client"))
    return client


def test_the_companys_own_contact_reads_a_study_sent_to_them_but_may_not_edit_it(
    own_contact_client, sent_to_client
):
    for name in ("study_detail", "study_results", "study_export"):
        args = [SEED, "json"] if name == "study_export" else [SEED]
        assert own_contact_client.get(reverse(name, args=args)).status_code == 200, name
    for name, args, method in [
        ("study_edit", [SEED], "get"),
        ("study_narrative", [SEED], "get"),
        ("study_product_stages", [SEED, "LV"], "get"),
        ("study_product_stages", [SEED, "LV"], "post"),
        ("study_product_add", [SEED], "post"),
        ("study_product_output", [SEED, "LV"], "post"),
        ("study_product_remove", [SEED, "LV"], "post"),
    ]:
        assert _request(own_contact_client, name, args, method).status_code == 403, name


def test_the_own_contact_may_read_but_not_edit_their_company(own_contact_client, objects):
    assert own_contact_client.get(reverse("company_detail", args=[objects["company"].pk])).status_code == 200
    assert own_contact_client.get(reverse("company_edit", args=[objects["company"].pk])).status_code == 403
    assert own_contact_client.get(reverse("product_edit", args=[objects["product"].pk])).status_code == 403


def test_a_draft_is_hidden_from_the_companys_own_contact(own_contact_client, objects):
    assert own_contact_client.get(reverse("study_results", args=[SEED])).status_code == 404


def test_an_auditor_not_assigned_to_a_study_may_read_it_but_not_edit_it(client, auditor, objects):
    client.force_login(auditor)
    assert client.get(reverse("study_detail", args=[SEED])).status_code == 200
    assert client.get(reverse("study_results", args=[SEED])).status_code == 200
    assert client.get(reverse("study_edit", args=[SEED])).status_code == 403
    assert client.get(reverse("study_product_stages", args=[SEED, "LV"])).status_code == 403
