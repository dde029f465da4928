"""A figure's verification status and data-quality ratings through the API: the study's
auditors set them (verified names a file of the study), the company's contact only reads,
another company's contact finds nothing, an issued study refuses."""

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from footprint.models import ActivityRecord, Study
from footprint.services.evidence import storage
from tests.services.evidence.test_sniffing import PDF

NUMBER = "202508175GHG"
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def _first(study):
    return ActivityRecord.objects.filter(stage__study_product__study=study).order_by("id").first()


def _patch(client, study, activity, body):
    return client.patch(reverse("api_activity_verification", args=[study.report_number, activity.pk]),
                        json.dumps(body), content_type="application/json")


def test_the_auditor_verifies_a_figure_against_a_file_and_rates_it(client, demo_users, seed_study):
    activity = _first(seed_study)
    evidence = storage.evidence_add(study=seed_study, upload=PDF, filename="电费单.pdf", user=demo_users["auditor"])
    client.force_login(demo_users["auditor"])
    response = _patch(client, seed_study, activity, {
        "verification": "verified", "verified_evidence": evidence.pk, "dq_reliability": 1, "dq_temporal": 3})
    assert response.status_code == 200, response.content
    assert (response.json()["verification"], response.json()["verified_evidence"]) == ("verified", evidence.pk)
    activity.refresh_from_db()
    assert (activity.verification, activity.verified_evidence_id) == ("verified", evidence.pk)
    assert (activity.dq_reliability, activity.dq_temporal, activity.dq_completeness) == (1, 3, None)
    # Another status drops the file, as in the stage editor; a rating out of 1–5 is refused.
    assert _patch(client, seed_study, activity, {"verification": "sampled"}).json()["verified_evidence"] is None
    assert _patch(client, seed_study, activity, {"dq_geographical": 6}).status_code == 400
    activity.refresh_from_db()
    assert (activity.verification, activity.verified_evidence_id, activity.dq_geographical) == ("sampled", None, None)


def test_verified_needs_a_file_of_this_study(client, demo_users, seed_study):
    activity = _first(seed_study)
    client.force_login(demo_users["auditor"])
    response = _patch(client, seed_study, activity, {"verification": "verified"})
    assert response.status_code == 400
    assert response.json()["verified_evidence"] == ["“已对照证据核实”需要选择核实依据的证据文件。"]
    other = Study.objects.get(report_number="DEMO-2")
    elsewhere = storage.evidence_add(study=other, upload=PDF, filename="别处.pdf", user=demo_users["auditor"])
    response = _patch(client, seed_study, activity, {"verification": "verified", "verified_evidence": elsewhere.pk})
    assert response.status_code == 400 and response.json()["verified_evidence"] == ["所选证据文件不属于本报告。"]
    activity.refresh_from_db()
    assert (activity.verification, activity.verified_evidence_id) == ("not_verified", None)


def test_the_contact_reads_another_company_finds_nothing(client, demo_users, seed_study):
    activity = _first(seed_study)
    client.force_login(demo_users["client2"])
    url = reverse("api_activity_verification", args=[NUMBER, activity.pk])
    assert client.get(url).status_code == 404
    assert _patch(client, seed_study, activity, {"verification": "estimated"}).status_code == 404
    # The company's own contact, once the study is sent to them, reads it but may not set it.
    Study.objects.filter(pk=seed_study.pk).update(sent_to_client_at=timezone.now())
    client.force_login(demo_users["client"])
    assert client.get(url).json()["verification"] == "not_verified"
    assert _patch(client, seed_study, activity, {"verification": "estimated"}).status_code == 403
    activity.refresh_from_db()
    assert activity.verification == "not_verified"


def test_an_issued_study_refuses(client, demo_users, issued_seed_study_tiny):
    activity = _first(issued_seed_study_tiny)
    client.force_login(demo_users["auditor"])
    response = _patch(client, issued_seed_study_tiny, activity, {"verification": "estimated"})
    assert response.status_code == 409 and "detail" in response.json()
    activity.refresh_from_db()
    assert activity.verification == "not_verified"
