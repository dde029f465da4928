"""Evidence uploads: limits, type from the content, SHA-256, storage, freeze, deletion."""

import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from footprint.choices import EvidenceKind, StudyStatus, VerificationStatus
from footprint.models import ActivityRecord, EvidenceFile, Study, User
from footprint.services.evidence import storage
from footprint.services.freeze import StudyFrozenError, StudyLockedError

from .test_sniffing import PDF, png

pytestmark = pytest.mark.django_db


@pytest.fixture
def stored_names(settings, tmp_path):
    """The storage is a fresh folder: whatever is in it was stored by the test."""
    settings.MEDIA_ROOT = str(tmp_path / "media")

    def names():
        root = tmp_path / "media"
        return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []

    return names


def _auditor():
    return User.objects.get(username="auditor")


def test_upload_is_stored_under_a_generated_name_with_its_hash(seed_study, stored_names):
    activity = ActivityRecord.objects.filter(stage__study_product__study=seed_study).first()
    upload = SimpleUploadedFile("../../etc/电费单.pdf", PDF, content_type="image/gif")
    evidence = storage.evidence_add(study=seed_study, upload=upload, filename=upload.name,
                                    user=_auditor(), activity=activity)
    assert evidence.original_name == "电费单.pdf"
    assert evidence.kind == EvidenceKind.PDF  # the content, not the browser's word
    assert evidence.sha256 == hashlib.sha256(PDF).hexdigest() and evidence.size == len(PDF)
    assert evidence.uploaded_by.username == "auditor" and evidence.activity == activity
    [name] = stored_names()
    assert name.startswith(f"evidence/{seed_study.pk}/") and name.endswith(".pdf")
    assert "电费单" not in name
    download = storage.evidence_download(evidence)
    assert (download.data, download.content_type, download.filename) == (PDF, "application/pdf", "电费单.pdf")
    assert evidence.history.count() == 1


def test_a_pdf_name_with_png_content_is_a_png(seed_study, stored_names):
    evidence = storage.evidence_add(study=seed_study, upload=png(), filename="bill.pdf", user=_auditor())
    assert evidence.kind == EvidenceKind.PNG
    assert stored_names()[0].endswith(".png")
    assert storage.evidence_download(evidence).filename == "bill.pdf.png"
    assert storage.evidence_download(evidence).content_type == "image/png"


def test_an_exe_renamed_pdf_is_refused_and_nothing_is_stored(seed_study, stored_names):
    with pytest.raises(ValidationError) as refused:
        storage.evidence_add(study=seed_study, upload=b"MZ\x90\x00" + b"\x00" * 500,
                             filename="invoice.pdf", user=_auditor())
    assert "PDF、PNG、JPEG、XLSX 或 CSV" in refused.value.message_dict["file"][0]
    assert stored_names() == [] and not EvidenceFile.objects.exists()


def test_oversize_is_refused_before_anything_is_stored(seed_study, stored_names, settings):
    settings.EVIDENCE_MAX_BYTES = 1000
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * 1000)
    with pytest.raises(ValidationError) as refused:
        storage.evidence_add(study=seed_study, upload=big, filename="big.pdf", user=_auditor())
    assert "文件不能超过" in refused.value.message_dict["file"][0]
    assert stored_names() == [] and not EvidenceFile.objects.exists()


def test_the_study_total_is_limited(seed_study, stored_names, settings):
    settings.EVIDENCE_STUDY_MAX_BYTES = 2 * len(PDF) + 10
    storage.evidence_add(study=seed_study, upload=PDF, filename="a.pdf", user=_auditor())
    storage.evidence_add(study=seed_study, upload=PDF, filename="b.pdf", user=_auditor())
    with pytest.raises(ValidationError) as refused:
        storage.evidence_add(study=seed_study, upload=PDF, filename="c.pdf", user=_auditor())
    assert "总量" in refused.value.message_dict["file"][0]
    assert len(stored_names()) == 2 and EvidenceFile.objects.count() == 2
    # Another study has its own total.
    other = Study.objects.get(report_number="DEMO-2")
    storage.evidence_add(study=other, upload=PDF, filename="c.pdf", user=_auditor())


def test_an_activity_of_another_study_is_refused(seed_study, stored_names):
    foreign = ActivityRecord.objects.filter(stage__study_product__study__report_number="DEMO-2").first()
    with pytest.raises(ValidationError) as refused:
        storage.evidence_add(study=seed_study, upload=PDF, filename="a.pdf", activity=foreign)
    assert "activity" in refused.value.message_dict
    assert stored_names() == []


@pytest.mark.parametrize("status, error", [(StudyStatus.ISSUED, StudyFrozenError),
                                           (StudyStatus.CLIENT_REVIEW, StudyLockedError)])
def test_no_upload_or_delete_outside_draft(seed_study, stored_names, status, error):
    evidence = storage.evidence_add(study=seed_study, upload=PDF, filename="a.pdf")
    Study.objects.filter(pk=seed_study.pk).update(status=status)
    seed_study.refresh_from_db()
    with pytest.raises(error):
        storage.evidence_add(study=seed_study, upload=PDF, filename="b.pdf")
    with pytest.raises(error):
        storage.evidence_delete(evidence=evidence)
    assert len(stored_names()) == 1 and EvidenceFile.objects.count() == 1


def test_delete_removes_the_file_unless_it_verifies_a_figure(seed_study, stored_names, django_capture_on_commit_callbacks):
    activity = ActivityRecord.objects.filter(stage__study_product__study=seed_study).first()
    evidence = storage.evidence_add(study=seed_study, upload=PDF, filename="a.pdf", activity=activity)
    ActivityRecord.objects.filter(pk=activity.pk).update(
        verification=VerificationStatus.VERIFIED, verified_evidence=evidence)
    with pytest.raises(ValidationError, match="核实依据"):
        storage.evidence_delete(evidence=evidence)
    ActivityRecord.objects.filter(pk=activity.pk).update(
        verification=VerificationStatus.SAMPLED, verified_evidence=None)
    with django_capture_on_commit_callbacks(execute=True):
        storage.evidence_delete(evidence=evidence)
    assert stored_names() == [] and not EvidenceFile.objects.exists()


def test_a_changed_file_is_not_served(seed_study, stored_names):
    evidence = storage.evidence_add(study=seed_study, upload=PDF, filename="a.pdf")
    with default_storage.open(evidence.file.name, "wb") as handle:
        handle.write(PDF + b"tampered")
    with pytest.raises(storage.EvidenceIntegrityError):
        storage.evidence_download(evidence)


def test_refusals_are_translated(seed_study, stored_names, settings):
    from django.utils import translation

    settings.EVIDENCE_MAX_BYTES = 3 * 1024 * 1024
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        storage.evidence_add(study=seed_study, upload=b"x" * (4 * 1024 * 1024), filename="a.csv")
    assert refused.value.message_dict["file"] == ["A file cannot be larger than 3 MB."]
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        storage.evidence_add(study=seed_study, upload=b"MZ\x90\x00" + b"\x00" * 99, filename="a.pdf")
    assert refused.value.message_dict["file"][0].startswith("Only PDF, PNG, JPEG, XLSX or CSV files")
    assert stored_names() == []


def test_a_revision_starts_with_the_evidence_and_its_own_verifying_files(seed_study, stored_names,
                                                                        django_capture_on_commit_callbacks):
    from footprint.services.workflow import revisions

    activity = ActivityRecord.objects.filter(stage__study_product__study=seed_study).order_by("pk").first()
    evidence = storage.evidence_add(study=seed_study, upload=PDF, filename="bill.pdf", activity=activity)
    ActivityRecord.objects.filter(pk=activity.pk).update(verification=VerificationStatus.VERIFIED,
                                                         verified_evidence=evidence)
    copy = revisions._copy_study(seed_study, report_number="202508175GHG-R1", revision=1, user=_auditor())
    [copied] = EvidenceFile.objects.filter(study=copy)
    assert copied.pk != evidence.pk and copied.file.name == evidence.file.name  # the same stored file
    assert copied.activity.stage.study_product.study == copy and copied.activity.name == activity.name
    verified = ActivityRecord.objects.get(stage__study_product__study=copy, verified_evidence__isnull=False)
    assert verified.verified_evidence == copied
    # Deleting the revision's row keeps the file the issued study still names.
    ActivityRecord.objects.filter(pk=verified.pk).update(verification="sampled", verified_evidence=None)
    with django_capture_on_commit_callbacks(execute=True):
        storage.evidence_delete(evidence=copied)
    assert len(stored_names()) == 1 and storage.evidence_download(evidence).data == PDF
