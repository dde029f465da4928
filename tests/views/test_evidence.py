"""The evidence page and the stage editor's evidence: upload, download headers, delete,
verification status; scoping (another company's contact gets 404), roles (403)."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from footprint.choices import StudyStatus, VerificationStatus
from footprint.models import ActivityRecord, EvidenceFile, Study, User
from footprint.services.evidence import storage
from tests.services.evidence.test_sniffing import PDF, png

pytestmark = pytest.mark.django_db

SEED = "202508175GHG"
PAGE = reverse("study_evidence", args=[SEED])


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


def stored(media):
    return sorted(p.name for p in media.rglob("*") if p.is_file()) if media.exists() else []


@pytest.fixture
def sent(seed_study):
    """The seed study as its company's contact sees it: sent for review once, back in draft."""
    Study.objects.filter(pk=seed_study.pk).update(sent_to_client_at=timezone.now())
    seed_study.refresh_from_db()
    return seed_study


def _first_activity(study):
    return ActivityRecord.objects.filter(stage__study_product__study=study).order_by("pk").first()


def test_the_auditor_uploads_to_an_activity_and_downloads_it_as_an_attachment(auditor_client, seed_study, media):
    activity = _first_activity(seed_study)
    response = auditor_client.post(PAGE, {"file": SimpleUploadedFile("电费单 2024.pdf", PDF),
                                          "activity": activity.pk, "description": "全年电费"})
    assert response.status_code == 302 and response["Location"] == PAGE
    evidence = EvidenceFile.objects.get()
    assert (evidence.activity, evidence.kind, evidence.description) == (activity, "pdf", "全年电费")
    html = auditor_client.get(PAGE).content.decode()
    download = reverse("evidence_download", args=[SEED, evidence.pk])
    assert download in html and "电费单 2024.pdf" in html and evidence.sha256[:14] in html
    response = auditor_client.get(download)
    assert response.status_code == 200 and response.content == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''%E7%94%B5" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


def test_a_refused_file_is_explained_next_to_the_field_and_nothing_is_kept(auditor_client, seed_study, media):
    response = auditor_client.post(PAGE, {"file": SimpleUploadedFile("invoice.pdf", b"MZ\x90\x00" + b"\x00" * 99)})
    assert response.status_code == 400
    assert "只能上传 PDF、PNG、JPEG、XLSX 或 CSV 文件" in response.content.decode()
    assert stored(media) == [] and not EvidenceFile.objects.exists()


def test_the_company_contact_uploads_sees_and_deletes_only_their_own(client, sent, media):
    auditor_file = storage.evidence_add(study=sent, upload=PDF, filename="auditor.pdf",
                                        user=User.objects.get(username="auditor"))
    contact = User.objects.get(username="client")
    client.force_login(contact)
    response = client.post(PAGE, {"file": SimpleUploadedFile("meter.png", png())})
    assert response.status_code == 302
    own = EvidenceFile.objects.get(uploaded_by=contact)
    html = client.get(PAGE).content.decode()
    assert "auditor.pdf" in html and "meter.png" in html
    assert client.get(reverse("evidence_download", args=[SEED, auditor_file.pk])).status_code == 200
    # Not the auditor's file…
    assert client.post(reverse("evidence_delete", args=[SEED, auditor_file.pk])).status_code == 403
    # …their own.
    assert client.post(reverse("evidence_delete", args=[SEED, own.pk])).status_code == 302
    assert list(EvidenceFile.objects.values_list("original_name", flat=True)) == ["auditor.pdf"]


def test_another_companys_contact_gets_404_for_the_page_the_file_and_the_delete(client, sent, media):
    evidence = storage.evidence_add(study=sent, upload=PDF, filename="secret.pdf")
    client.force_login(User.objects.get(username="client2"))
    for url in (PAGE, reverse("evidence_download", args=[SEED, evidence.pk])):
        assert client.get(url).status_code == 404
    assert client.post(reverse("evidence_delete", args=[SEED, evidence.pk])).status_code == 404
    assert client.post(PAGE, {"file": SimpleUploadedFile("x.pdf", PDF)}).status_code == 404
    # Their own study's URL with this file's id: not found either (the file is not DEMO-2's).
    demo2 = Study.objects.get(report_number="DEMO-2")
    Study.objects.filter(pk=demo2.pk).update(sent_to_client_at=timezone.now())
    assert client.get(reverse("evidence_download", args=["DEMO-2", evidence.pk])).status_code == 404
    assert EvidenceFile.objects.count() == 1


def test_a_lead_verifier_sees_but_does_not_upload(client, seed_study, media):
    client.force_login(User.objects.get(username="lead"))
    assert client.get(PAGE).status_code == 200
    assert client.post(PAGE, {"file": SimpleUploadedFile("x.pdf", PDF)}).status_code == 403
    assert not EvidenceFile.objects.exists()


def test_an_issued_study_keeps_its_evidence(auditor_client, seed_study, media):
    evidence = storage.evidence_add(study=seed_study, upload=PDF, filename="a.pdf")
    Study.objects.filter(pk=seed_study.pk).update(status=StudyStatus.ISSUED)
    response = auditor_client.post(PAGE, {"file": SimpleUploadedFile("b.pdf", PDF)})
    assert response.status_code == 302
    auditor_client.post(reverse("evidence_delete", args=[SEED, evidence.pk]))
    assert list(EvidenceFile.objects.values_list("original_name", flat=True)) == ["a.pdf"]
    html = auditor_client.get(PAGE).content.decode()
    assert "已签发" in html and 'id="evidence-upload-form"' not in html


def _editor(study, activity):
    product = activity.stage.study_product.product.code
    return reverse("study_product_stages", args=[study.report_number, product]) + f"?stage={activity.stage.stage}"


def _posted_rows(html):
    """Every input and select of the stage form, as the browser would post them."""
    from tests.views.test_url_access import _form_fields

    return dict(_form_fields(html, form_id="stage-form"))


def test_the_stage_editor_uploads_to_a_row_and_records_its_verification(auditor_client, seed_study, media):
    activity = _first_activity(seed_study)
    editor = _editor(seed_study, activity)
    html = auditor_client.get(editor).content.decode()
    assert f'id="evidence-upload-{activity.pk}"' in html
    response = auditor_client.post(PAGE, {"file": SimpleUploadedFile("bill.pdf", PDF), "activity": activity.pk,
                                          "next": editor})
    assert response.status_code == 302 and response["Location"] == editor
    evidence = EvidenceFile.objects.get(activity=activity)
    html = auditor_client.get(editor).content.decode()
    assert reverse("evidence_download", args=[SEED, evidence.pk]) in html
    data = _posted_rows(html)
    prefix = next(k[: -len("-id")] for k, v in data.items() if k.endswith("-id") and v == str(activity.pk))
    # "verified" without a file is refused next to the field
    data[f"{prefix}-verification"] = VerificationStatus.VERIFIED
    data[f"{prefix}-verified_evidence"] = ""
    response = auditor_client.post(editor, data)
    assert "需要选择核实依据的证据文件" in response.content.decode()
    activity.refresh_from_db()
    assert activity.verification == VerificationStatus.NOT_VERIFIED
    data[f"{prefix}-verified_evidence"] = str(evidence.pk)
    response = auditor_client.post(editor, data)
    assert response.status_code == 302
    activity.refresh_from_db()
    assert (activity.verification, activity.verified_evidence) == (VerificationStatus.VERIFIED, evidence)
    # Another study's file cannot be named.
    other = storage.evidence_add(study=Study.objects.get(report_number="DEMO-2"), upload=PDF, filename="x.pdf")
    data[f"{prefix}-verified_evidence"] = str(other.pk)
    response = auditor_client.post(editor, data)
    assert "所选证据文件不属于本报告" in response.content.decode()
    activity.refresh_from_db()
    assert activity.verified_evidence == evidence
    assert re.search(r"verified", str(activity.history.first().verification))


def test_the_results_page_summarises_verification_and_data_quality(auditor_client, seed_study, media):
    activities = list(ActivityRecord.objects.filter(stage__study_product__study=seed_study,
                                                    stage__study_product__product__code="LV"))
    evidence = storage.evidence_add(study=seed_study, upload=PDF, filename="bill.pdf", activity=activities[0])
    ActivityRecord.objects.filter(pk=activities[0].pk).update(verification="verified", verified_evidence=evidence)
    ActivityRecord.objects.filter(pk__in=[a.pk for a in activities]).update(
        dq_reliability=2, dq_completeness=2, dq_temporal=2, dq_geographical=2, dq_technological=2)
    html = auditor_client.get(reverse("study_results", args=[SEED])).content.decode()
    card = html[html.index('id="verification-LV"'):html.index('id="product-HV"')]
    assert '<strong data-dqr>2.0</strong>' in card
    n = len(activities)
    assert re.search(r'data-status="verified"><td>[^<]+</td><td class="num">1</td><td class="num">'
                     + re.escape(f"{100 / n:.1f} %"), card)
    listed = card[card.index("data-without-evidence"):]
    assert listed.count("<li>") == n - 1 and activities[0].name not in listed
