"""Evidence through the API: scoped like the pages (404 outside scope, 403 outside role)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from footprint.models import EvidenceFile, Study
from footprint.services.evidence import storage
from tests.services.evidence.test_sniffing import PDF, png

NUMBER = "202508175GHG"
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def sent(demo_users):
    Study.objects.filter(report_number=NUMBER).update(sent_to_client_at=timezone.now())
    return Study.objects.get(report_number=NUMBER)


def test_upload_list_download_delete(client, demo_users, sent):
    client.force_login(demo_users["client"])
    url = reverse("api_evidence_list", args=[NUMBER])
    response = client.post(url, {"file": SimpleUploadedFile("meter.pdf", png()), "description": "电表"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["original_name"], body["kind"], body["uploaded_by"]) == ("meter.pdf", "png", "client")
    [listed] = client.get(url).json()
    assert listed["sha256"] == body["sha256"] and listed["download"] == reverse(
        "api_evidence_download", args=[NUMBER, body["id"]])
    download = client.get(listed["download"])
    assert download["Content-Type"] == "image/png" and download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"].startswith("attachment;") and "meter.pdf.png" in download["Content-Disposition"]
    bad = client.post(url, {"file": SimpleUploadedFile("x.pdf", b"MZ\x90\x00" + b"\x00" * 50)})
    assert bad.status_code == 400 and "file" in bad.json()
    detail = reverse("api_evidence_detail", args=[NUMBER, body["id"]])
    assert client.delete(detail).status_code == 204
    assert not EvidenceFile.objects.exists()


def test_another_companys_contact_cannot_list_read_download_or_delete(client, demo_users, sent):
    evidence = storage.evidence_add(study=sent, upload=PDF, filename="secret.pdf", user=demo_users["auditor"])
    client.force_login(demo_users["client2"])
    for name, args in (("api_evidence_list", [NUMBER]), ("api_evidence_detail", [NUMBER, evidence.pk]),
                       ("api_evidence_download", [NUMBER, evidence.pk])):
        assert client.get(reverse(name, args=args)).status_code == 404
    assert client.delete(reverse("api_evidence_detail", args=[NUMBER, evidence.pk])).status_code == 404
    assert client.post(reverse("api_evidence_list", args=[NUMBER]),
                       {"file": SimpleUploadedFile("x.pdf", PDF)}).status_code == 404
    # The file's id under their own study's number: not found either.
    Study.objects.filter(report_number="DEMO-2").update(sent_to_client_at=timezone.now())
    assert client.get(reverse("api_evidence_download", args=["DEMO-2", evidence.pk])).status_code == 404
    assert EvidenceFile.objects.count() == 1


def test_roles_and_freeze(client, demo_users, sent):
    evidence = storage.evidence_add(study=sent, upload=PDF, filename="a.pdf", user=demo_users["auditor"])
    client.force_login(demo_users["lead"])
    url = reverse("api_evidence_list", args=[NUMBER])
    assert client.get(url).status_code == 200
    assert client.post(url, {"file": SimpleUploadedFile("x.pdf", PDF)}).status_code == 403
    client.force_login(demo_users["client"])  # not their upload
    assert client.delete(reverse("api_evidence_detail", args=[NUMBER, evidence.pk])).status_code == 403
    Study.objects.filter(pk=sent.pk).update(status="issued")
    client.force_login(demo_users["auditor"])
    assert client.post(url, {"file": SimpleUploadedFile("x.pdf", PDF)}).status_code == 409
    assert client.delete(reverse("api_evidence_detail", args=[NUMBER, evidence.pk])).status_code == 409
    assert EvidenceFile.objects.count() == 1
