"""Evidence files: upload (limits, type from the content, SHA-256), delete, read for serving.

Files go through Django's storage API (`default_storage`: local disk or an S3-compatible
bucket) under a generated name, evidence/<study id>/<uuid>.<ext>; the uploaded name is kept
only as data, never as a path. Everything is checked before anything is written, so a refused
upload leaves nothing stored; if the row cannot be saved after the file was, the file is
removed again. Who may upload, delete or download is access.py's question (the views and the
API ask it); whether the study may change now is services/freeze.py's, asked here.

A revision of an issued study starts with the issued study's evidence rows pointing at the
same stored files (`copy_study_evidence`); a stored file is removed only when no row names it.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from ...models import ActivityRecord, EvidenceFile, Study
from ..freeze import ensure_study_editable
from .sniffing import CONTENT_TYPES, EXTENSIONS, download_name, sniff

NAME_MAX_LENGTH = 255


def max_file_bytes() -> int:
    return int(getattr(settings, "EVIDENCE_MAX_BYTES", 20 * 1024 * 1024))


def max_study_bytes() -> int:
    return int(getattr(settings, "EVIDENCE_STUDY_MAX_BYTES", 200 * 1024 * 1024))


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.1f}".rstrip("0").rstrip(".")


def study_evidence_bytes(study: Study) -> int:
    return EvidenceFile.objects.filter(study=study).aggregate(total=Sum("size"))["total"] or 0


def _clean_name(filename: str) -> str:
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    name = "".join(c for c in name if c.isprintable())
    if not name:
        raise ValidationError({"file": [_("文件没有名称。")]})
    if len(name) > NAME_MAX_LENGTH:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: NAME_MAX_LENGTH - len(ext) - 1] + dot + ext) if dot and len(ext) < 10 else name[:NAME_MAX_LENGTH]
    return name


def _read(upload) -> bytes:
    """The upload's bytes (bytes, or a Django File/UploadedFile), refused when over the limit
    before it is read."""
    limit = max_file_bytes()
    too_large = ValidationError({"file": [_("文件不能超过 %(mb)s MB。") % {"mb": _mb(limit)}]},
                                code="too_large")
    if isinstance(upload, bytes | bytearray):
        data = bytes(upload)
    else:
        size = getattr(upload, "size", None)
        if size is not None and size > limit:
            raise too_large
        if hasattr(upload, "seek"):
            upload.seek(0)
        data = upload.read(limit + 1)
    if len(data) > limit:
        raise too_large
    return data


@transaction.atomic
def evidence_add(*, study: Study, upload, filename: str, user=None,
                 activity: ActivityRecord | None = None, description: str = "") -> EvidenceFile:
    """Store an evidence file for the study (or one of its activities).

    Raises ValidationError keyed "file" (size, type, the study's total) or "activity"; the
    freeze guard's StudyFrozenError when the study is not a draft."""
    # The issuing step locks the same row: no evidence changes while a study is being issued,
    # and two uploads to one study count its total one after the other.
    study = Study.objects.select_for_update().get(pk=study.pk)
    ensure_study_editable(study)
    if activity is not None and activity.stage.study_product.study_id != study.pk:
        raise ValidationError({"activity": [_("该活动数据不属于本报告。")]})
    name = _clean_name(filename or getattr(upload, "name", ""))
    data = _read(upload)
    try:
        kind = sniff(data)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from exc
    total_limit = max_study_bytes()
    used = study_evidence_bytes(study)
    if used + len(data) > total_limit:
        raise ValidationError({"file": [
            _("本报告的证据文件总量不能超过 %(limit)s MB（已用 %(used)s MB，本文件 %(size)s MB）。")
            % {"limit": _mb(total_limit), "used": _mb(used), "size": _mb(len(data))}]}, code="study_total")
    evidence = EvidenceFile(
        study=study, activity=activity, original_name=name, kind=kind, size=len(data),
        sha256=hashlib.sha256(data).hexdigest(), description=(description or "").strip()[:300],
        uploaded_by=user if user is not None and user.is_authenticated else None,
    )
    if evidence.uploaded_by is not None:
        evidence._history_user = evidence.uploaded_by  # the audit trail names them outside a request too
    evidence.file.save(f"{uuid.uuid4().hex}{EXTENSIONS[kind]}", ContentFile(data), save=False)
    try:
        evidence.full_clean()
        evidence.save()
        study.save(update_fields=["updated_at"])
    except Exception:
        # Nothing is kept of a refused upload: the file goes with the row that failed.
        default_storage.delete(evidence.file.name)
        raise
    return evidence


def evidence_deletion_refusal(evidence: EvidenceFile) -> str:
    """Why the file may not be deleted now ("" if it may): it verifies a figure."""
    names = list(evidence.verified_activities.values_list("name", flat=True)[:5])
    if not names:
        return ""
    return _("文件“%(name)s”是以下活动数据的核实依据，请先更改其核实状态：%(activities)s") % {
        "name": evidence.original_name, "activities": "、".join(names)}


@transaction.atomic
def evidence_delete(*, evidence: EvidenceFile) -> None:
    """Remove an evidence file (the stored file too, once no row names it)."""
    study = Study.objects.select_for_update().get(pk=evidence.study_id)
    ensure_study_editable(study)
    reason = evidence_deletion_refusal(evidence)
    if reason:
        raise ValidationError({"file": [reason]})
    stored = evidence.file.name
    evidence.delete()
    study.save(update_fields=["updated_at"])

    def remove():
        if not EvidenceFile.objects.filter(file=stored).exists():
            default_storage.delete(stored)

    transaction.on_commit(remove)


@transaction.atomic
def evidence_attach(*, evidence: EvidenceFile, activity: ActivityRecord | None) -> EvidenceFile:
    """Attach the file to one of the study's activities, or (None) to the study as a whole."""
    study = Study.objects.select_for_update().get(pk=evidence.study_id)
    ensure_study_editable(study)
    if activity is not None and activity.stage.study_product.study_id != study.pk:
        raise ValidationError({"activity": [_("该活动数据不属于本报告。")]})
    evidence.activity = activity
    evidence.save(update_fields=["activity"])
    study.save(update_fields=["updated_at"])
    return evidence


class EvidenceIntegrityError(Exception):
    """The stored file no longer has the SHA-256 recorded when it was uploaded."""


@dataclass(frozen=True)
class EvidenceDownload:
    data: bytes
    content_type: str
    filename: str


def evidence_download(evidence: EvidenceFile) -> EvidenceDownload:
    """The file's bytes as uploaded, its content type (from what it is) and the name to
    download it under. Raises EvidenceIntegrityError if the bytes changed in storage."""
    with default_storage.open(evidence.file.name, "rb") as handle:
        data = handle.read()
    if hashlib.sha256(data).hexdigest() != evidence.sha256:
        raise EvidenceIntegrityError(evidence.file.name)
    return EvidenceDownload(data, CONTENT_TYPES[evidence.kind],
                            download_name(evidence.original_name, evidence.kind))


def copy_study_evidence(*, source: Study, target: Study,
                        activities: dict[int, ActivityRecord] | None = None) -> dict[int, EvidenceFile]:
    """Give a revision the evidence of the study it revises: new rows naming the same stored
    files (nothing is copied in storage), attached to the revision's copies of the activities
    (`activities`: source activity id → its copy). Returns source file id → its copy."""
    from simple_history.utils import bulk_create_with_history

    activities = activities or {}
    sources = list(EvidenceFile.objects.filter(study=source).order_by("pk"))
    rows = [
        EvidenceFile(study=target, activity=activities.get(e.activity_id), original_name=e.original_name,
                     file=e.file.name, kind=e.kind, size=e.size, sha256=e.sha256,
                     description=e.description, uploaded_by_id=e.uploaded_by_id, uploaded_at=e.uploaded_at)
        for e in sources
    ]
    created = bulk_create_with_history(rows, EvidenceFile)
    return {e.pk: copy for e, copy in zip(sources, created, strict=True)}
