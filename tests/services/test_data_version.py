"""The study data version (services/data_version.py) moves with every write path that can change
what a report prints — web forms, the admin, the API, the importer, the commands, the ORM — and
only for the studies that print what changed; reading pages or logging in moves nothing."""

import json
from io import StringIO
from pathlib import Path

import lxml.html
import pytest
from django.core.management import call_command
from django.urls import reverse

from footprint.models import (
    ActivityRecord,
    Company,
    EmissionFactor,
    GwpValue,
    Study,
    StudyDataVersion,
    User,
)
from footprint.reports import draft_cache
from footprint.services import data_version

pytestmark = pytest.mark.django_db
SEED = "202508175GHG"
OTHER = "DEMO-2"
SEED_JSON = Path(__file__).resolve().parents[2] / "footprint" / "fixtures" / "demo" / "202508175GHG.json"


def _keys() -> dict[str, str]:
    return {s.report_number: draft_cache.draft_key(s, "zh-hans")
            for s in Study.objects.filter(report_number__in=(SEED, OTHER))}


def _moved(before: dict[str, str]) -> set[str]:
    after = _keys()
    return {number for number in before if after[number] != before[number]}


def _form(client, url, *, marker=None):
    """The fields a browser would post from the page's form (the one whose action or fields
    contain `marker`), as a dict of lists."""
    page = lxml.html.fromstring(client.get(url).content)
    forms = [f for f in page.forms if f.method.upper() == "POST"
             and "/i18n/" not in (f.action or "") and "logout" not in (f.action or "")]
    if marker is not None:
        forms = [f for f in forms if marker in (f.action or "") or any(marker in (n or "") for n in f.fields)]
    form = max(forms, key=lambda f: len(f.fields))
    data: dict[str, list] = {}
    for name, value in form.form_values():
        data.setdefault(name, []).append(value)
    return data


def _post(client, url, data, **changes):
    data = {**data, **{k: [v] for k, v in changes.items()}}
    response = client.post(url, data)
    assert response.status_code in (200, 302), response.status_code
    if response.status_code == 200:  # a form shown again has errors
        raise AssertionError(response.content.decode()[:3000])
    return response


@pytest.fixture
def as_user(client, demo_users):
    def login(name):
        client.force_login(demo_users[name])
        return client
    return login


# ------------------------------------------------------------------ web forms
def test_study_form(as_user):
    before = _keys()
    client = as_user("auditor")
    url = reverse("study_edit", args=[SEED])
    _post(client, url, _form(client, url), title="新的报告标题")
    assert _moved(before) == {SEED}


def test_stage_editor_save(as_user):
    from tests.views.test_activities import _post_data

    stage = ActivityRecord.objects.filter(stage__study_product__study__report_number=SEED).first().stage
    record = stage.activities.first()
    before = _keys()
    url = reverse("study_product_stages", args=[SEED, stage.study_product.product.code]) + f"?stage={stage.stage}"
    response = as_user("auditor").post(url, _post_data(stage, changes={record.pk: {"quantity": "123.5"}}))
    assert response.status_code == 302
    assert _moved(before) == {SEED}


def test_a_stage_page_posted_back_unchanged_moves_nothing(as_user):
    """The page's own values saved again (what the load benchmark's users do) change no row:
    the cached drafts stay valid."""
    stage = ActivityRecord.objects.filter(stage__study_product__study__report_number=SEED).first().stage
    url = reverse("study_product_stages", args=[SEED, stage.study_product.product.code]) + f"?stage={stage.stage}"
    client = as_user("auditor")
    data = _form(client, url, marker="act-TOTAL_FORMS")  # the stage form as the browser posts it
    before = _keys()
    assert client.post(url, data).status_code == 302
    assert _moved(before) == set()


def test_company_form_moves_every_study_of_the_company_and_no_other(as_user):
    seed = Study.objects.get(report_number=SEED)
    assert Study.objects.get(report_number=OTHER).company_id != seed.company_id
    before = _keys()
    client = as_user("auditor")
    url = reverse("company_edit", args=[seed.company_id])
    _post(client, url, _form(client, url), address="新地址 1 号")
    assert _moved(before) == {SEED}


def test_translation_form(as_user):
    before = _keys()
    client = as_user("auditor")
    url = reverse("study_translations", args=[SEED])
    data = _form(client, url)
    title = next(k for k in data if "title" in k)
    _post(client, url, data, **{title: "A renamed report"})
    assert _moved(before) == {SEED}


def test_image_upload(seed_study, settings, tmp_path):
    import io

    from PIL import Image

    from footprint.services.entry.images import study_image_add

    settings.MEDIA_ROOT = tmp_path
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
    before = _keys()
    study_image_add(study=seed_study, data=buffer.getvalue(), filename="产品照片.png")
    assert _moved(before) == {SEED}


def test_evidence_upload_and_delete(seed_study, demo_users, settings, tmp_path):
    """The report's annex lists the evidence files."""
    from footprint.services.evidence import storage

    settings.MEDIA_ROOT = tmp_path
    before = _keys()
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    evidence = storage.evidence_add(study=seed_study, upload=pdf, filename="电费单.pdf",
                                    user=demo_users["auditor"])
    assert _moved(before) == {SEED}
    before = _keys()
    storage.evidence_delete(evidence=evidence)
    assert _moved(before) == {SEED}


# ------------------------------------------------------------------ admin
def test_admin_user_name_moves_the_studies_that_print_the_person(client, demo_users):
    client.force_login(demo_users["admin"])
    auditor = demo_users["auditor"]
    assert Study.objects.filter(report_number=SEED, auditors=auditor).exists()
    before = _keys()
    url = reverse("admin:footprint_user_change", args=[auditor.pk])
    _post(client, url, _form(client, url, marker="username"), last_name="改名")
    assert SEED in _moved(before)


def test_admin_gwp_edition_moves_every_study(client, demo_users):
    """The sensitivity table prints every set's current edition: any study may print it."""
    from footprint.models import GwpSetVersion

    client.force_login(demo_users["admin"])
    edition = GwpSetVersion.objects.exclude(pk__in=Study.objects.values("gwp_version")).first()
    before = _keys()
    url = reverse("admin:footprint_gwpsetversion_change", args=[edition.pk])
    _post(client, url, _form(client, url, marker="gwp_set"), reason="更正说明")
    assert _moved(before) == {SEED, OTHER}
    value = GwpValue.objects.filter(set_version=edition).first()
    before = _keys()
    value.notes = "改"
    value.save()
    assert _moved(before) == {SEED, OTHER}


def test_admin_study_change(client, demo_users):
    client.force_login(demo_users["admin"])
    seed = Study.objects.get(report_number=SEED)
    before = _keys()
    url = reverse("admin:footprint_study_change", args=[seed.pk])
    _post(client, url, _form(client, url, marker="report_number"), cut_off="新的取舍准则")
    assert _moved(before) == {SEED}


def test_login_and_reading_pages_move_nothing(client, demo_users):
    before = _keys()
    response = client.post(reverse("login"), {"username": "auditor", "password": "auditor-demo"})
    assert response.status_code == 302  # logged in: last_login written
    for name in ("study_detail", "study_results", "study_workflow"):
        assert client.get(reverse(name, args=[SEED])).status_code == 200
    assert _moved(before) == set()


# ------------------------------------------------------------------ API, import, commands
def test_api_transition_and_import(client, demo_users):
    client.force_login(demo_users["auditor"])
    before = _keys()
    response = client.post(reverse("api_study_transition", args=[SEED]),
                           json.dumps({"action": "send_for_review"}), content_type="application/json")
    assert response.status_code == 200, response.content
    assert _moved(before) == {SEED}  # the status (and the timeline) is printed

    doc = json.loads(SEED_JSON.read_text())
    Study.objects.filter(report_number=SEED).update(status="draft")  # back to draft to replace it
    data_version.touch_studies(Study.objects.filter(report_number=SEED).values_list("pk", flat=True))
    before = _keys()
    response = client.post(reverse("api_study_import") + "?replace=true", json.dumps(doc),
                           content_type="application/json")
    assert response.status_code == 201, response.content
    assert _moved(before) == {SEED}


def test_import_command_with_replace(demo):
    before = _keys()
    call_command("import_study", str(SEED_JSON), "--replace", stdout=StringIO())
    assert _moved(before) == {SEED}


# ------------------------------------------------------------------ the ORM and shared records
def test_a_factor_saved_moves_the_studies_using_it_only(seed_study):
    used_by_seed = set(ActivityRecord.objects.filter(stage__study_product__study=seed_study)
                       .values_list("factor_id", flat=True))
    used_by_other = set(ActivityRecord.objects.filter(stage__study_product__study__report_number=OTHER)
                        .values_list("factor_id", flat=True))
    only_seed = EmissionFactor.objects.get(pk=sorted(used_by_seed - used_by_other)[0])
    before = _keys()
    only_seed.notes = "更正备注"
    only_seed.save()
    assert _moved(before) == {SEED}
    unused = EmissionFactor.objects.exclude(pk__in=used_by_seed | used_by_other).first()
    before = _keys()
    unused.notes = "无人使用"
    unused.save()
    assert _moved(before) == set()


def test_deleting_an_activity_and_changing_auditors(seed_study, demo_users):
    before = _keys()
    ActivityRecord.objects.filter(stage__study_product__study=seed_study).first().delete()
    assert _moved(before) == {SEED}
    before = _keys()
    seed_study.auditors.remove(demo_users["auditor"])
    assert _moved(before) == {SEED}
    before = _keys()
    demo_users["lead"].assigned_studies.add(seed_study)  # from the other side of the relation
    assert _moved(before) == {SEED}


def test_a_batch_changes_the_token_once(seed_study):
    records = list(ActivityRecord.objects.filter(stage__study_product__study=seed_study))
    data_version.study_token(seed_study)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries, data_version.batch():
        for record in records:
            record.save()
    updates = [q for q in queries.captured_queries if "studydataversion" in q["sql"].lower()]
    assert len(records) > 3 and len(updates) == 1


def test_a_study_without_a_row_gets_a_new_token(seed_study):
    first = data_version.study_token(seed_study)
    StudyDataVersion.objects.filter(study=seed_study).delete()
    assert data_version.study_token(seed_study) not in ("", first)


def test_company_update_without_signal_is_not_seen_which_is_why_services_touch(seed_study):
    """QuerySet.update() sends no signal: the code paths that use it touch explicitly
    (importer, revisions, reference loader, demo seed). This documents the rule."""
    before = _keys()
    Company.objects.filter(pk=seed_study.company_id).update(address="x")
    assert _moved(before) == set()
    data_version.touch("company", [seed_study.company_id])
    assert _moved(before) == {SEED}


def test_user_login_fields_do_not_move(seed_study, demo_users):
    before = _keys()
    user = User.objects.get(pk=demo_users["auditor"].pk)
    user.set_password("another-pass")
    user.save(update_fields=["password"])
    assert _moved(before) == set()


def test_a_stage_page_that_changes_the_exclusion_reason_saves_it_and_moves_the_version(as_user):
    """The boundary fields are compared with the stored row: the bound form has already put the
    posted values on the instance, so comparing with it would save nothing."""
    from tests.views.test_activities import _post_data

    stage = ActivityRecord.objects.filter(stage__study_product__study__report_number=SEED).first().stage
    before = _keys()
    url = reverse("study_product_stages", args=[SEED, stage.study_product.product.code]) + f"?stage={stage.stage}"
    data = _post_data(stage)
    data["stage-exclusion_reason"] = "部分过程由供应商完成，不在本次研究范围内。"
    assert as_user("auditor").post(url, data).status_code == 302
    stage.refresh_from_db()
    assert stage.exclusion_reason == "部分过程由供应商完成，不在本次研究范围内。"
    assert _moved(before) == {SEED}
