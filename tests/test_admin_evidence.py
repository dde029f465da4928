"""Evidence files in the admin: listed read-only, never added or changed there (uploads go
through the service's content checks), deleted only from a study that can still change."""

from django.core.files.base import ContentFile
from django.urls import reverse

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _upload(study, user, name="电费单.pdf"):
    from footprint.services.evidence.storage import evidence_add

    return evidence_add(study=study, upload=ContentFile(PDF, name=name), filename=name, user=user)


def test_listed_read_only_and_deleted_through_the_service(client, demo_users, seed_study, settings, tmp_path,
                                                          django_capture_on_commit_callbacks):
    from django.core.files.storage import default_storage

    from footprint.models import EvidenceFile

    settings.MEDIA_ROOT = str(tmp_path)
    evidence = _upload(seed_study, demo_users["auditor"])
    client.force_login(demo_users["admin"])
    page = client.get(reverse("admin:footprint_evidencefile_changelist"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "电费单.pdf" in text and evidence.sha256 in text and seed_study.report_number in text
    assert client.get(reverse("admin:footprint_evidencefile_add")).status_code == 403
    change = reverse("admin:footprint_evidencefile_change", args=[evidence.pk])
    assert client.get(change).status_code == 200  # the view page
    assert client.post(change, {"original_name": "改名.pdf"}).status_code == 403
    evidence.refresh_from_db()
    assert evidence.original_name == "电费单.pdf"

    stored = evidence.file.name
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:footprint_evidencefile_delete", args=[evidence.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not EvidenceFile.objects.filter(pk=evidence.pk).exists()
    assert not default_storage.exists(stored)


def test_a_file_a_figure_is_verified_against_is_not_deleted(client, demo_users, seed_study, settings, tmp_path):
    from footprint.models import ActivityRecord

    settings.MEDIA_ROOT = str(tmp_path)
    evidence = _upload(seed_study, demo_users["auditor"])
    record = ActivityRecord.objects.filter(stage__study_product__study=seed_study).order_by("id").first()
    ActivityRecord.objects.filter(pk=record.pk).update(verification="verified", verified_evidence=evidence)
    client.force_login(demo_users["admin"])
    assert client.post(reverse("admin:footprint_evidencefile_delete", args=[evidence.pk]),
                       {"post": "yes"}).status_code == 403
    evidence.refresh_from_db()  # still there


def test_delete_refused_on_an_issued_study(client, demo_users, issued_seed_study_tiny, settings, tmp_path):
    from footprint.models import EvidenceFile

    settings.MEDIA_ROOT = str(tmp_path)
    # Put there behind the service's back: the service itself refuses an issued study.
    evidence = EvidenceFile.objects.create(study=issued_seed_study_tiny, original_name="发票.pdf",
                                           file=ContentFile(PDF, name="发票.pdf"), kind="pdf",
                                           size=len(PDF), sha256="0" * 64)
    client.force_login(demo_users["admin"])
    delete = reverse("admin:footprint_evidencefile_delete", args=[evidence.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    client.post(reverse("admin:footprint_evidencefile_changelist"),
                {"action": "delete_selected", "_selected_action": [evidence.pk], "post": "yes"})
    assert EvidenceFile.objects.filter(pk=evidence.pk).exists()
