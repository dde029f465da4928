"""Issuing a study: render the final report, sign it, store it with its SHA-256 and a
snapshot of what it was computed from, freeze the study; and serving the signed file back
byte for byte.
"""

from __future__ import annotations

import hashlib
import logging
import secrets

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ...choices import StudyStatus
from ...models import (
    ActivityRecord,
    Study,
    StudyTransition,
)
from ..calculation.study import StudyResult, result_to_dict
from ..results import study_results
from .notifications import notify
from .transitions import (
    ACTIONS,
    WorkflowError,
    attribute_to,
    check_action,
    locked_study,
    record_transition,
)

S = StudyStatus
logger = logging.getLogger(__name__)


def new_verification_code() -> str:
    """Unguessable: 144 random bits, URL-safe."""
    return secrets.token_urlsafe(18)


def _signature_reason(study: Study) -> str:
    reason = _("%(body)s 批准签发产品碳足迹报告 %(number)s") % {
        "body": settings.CERTIFICATION_BODY_NAME, "number": study.report_number,
    }
    if settings.SIGNING_IS_DEMO:
        reason += " — " + _("演示签名：使用演示 CA 签发的证书，不具法律效力 (DEMO signature, demo CA)")
    return reason


def issue_snapshot(study: Study, *, result: StudyResult | None = None) -> dict:
    """Everything the issued report was computed from and what it said: the pcf-study/1
    document (data and every factor version), the GWP values and the results."""
    from ...selectors import gwp_values, gwp_version_of
    from ..interchange.exporting import study_to_document

    if result is None:
        result = study_results(study)
    version = gwp_version_of(study)
    document = study_to_document(study)
    factor_keys = sorted({
        f"{a.factor.code}@{a.factor.version}"
        for a in ActivityRecord.objects.filter(stage__study_product__study=study).select_related("factor")
    })
    return {
        "format": "pcf-issued-snapshot/1",
        "report_number": study.report_number,
        "document": document,
        "factor_versions": factor_keys,
        "gwp": {"set": study.gwp_set, "version": version.version if version else None,
                "source": version.source if version else "", "values": gwp_values(version)},
        "results": result_to_dict(result),
    }


def study_issue(*, study: Study, user, comment: str = "") -> Study:
    """Render the final PDF, sign it, store it with its SHA-256 and a snapshot of the data,
    and freeze the study. A revision's issue supersedes the study it revises."""
    from ...reports.pdf import ReportTooLarge, render_issued_pdf
    from .signing import SigningUnavailable, sign_pdf

    action = ACTIONS["issue"]
    with transaction.atomic():
        study = locked_study(study)
        check_action(action, study, user)
        now = timezone.now()
        study.issued_at = now
        study.issue_date = timezone.localdate(now)
        study.verification_code = study.verification_code or new_verification_code()
        if study.gwp_version_id is None:
            # Issued means pinned: the edition it is signed with, whatever comes later.
            from ...selectors import gwp_version_of

            study.gwp_version = gwp_version_of(study)
        with translation.override(study.language):
            try:
                rendering = render_issued_pdf(study, issued_by=user.display_name)
            except ReportTooLarge as exc:
                raise WorkflowError(str(exc)) from exc
            try:
                signed = sign_pdf(rendering.pdf, box=rendering.signature_box, signer_name=user.display_name,
                                  reason=_signature_reason(study), location=settings.SIGNING_LOCATION)
            except SigningUnavailable:
                raise
            except Exception as exc:  # pyHanko, the timestamp server: say so, change nothing
                logger.exception("signing %s failed", study.report_number)
                raise WorkflowError(_("签名失败，报告未签发：%(error)s") % {"error": exc}) from exc
            snapshot = issue_snapshot(study)
        snapshot["issued_at"] = now.isoformat()
        snapshot["issued_by"] = user.display_name
        # The body the report names, as printed (the verification page shows it).
        from ...reports.inputs import certification_body

        snapshot["certification_body"] = certification_body(study, study.language)
        study.issued_sha256 = hashlib.sha256(signed).hexdigest()
        study.issued_snapshot = snapshot
        study.status = S.ISSUED
        study.issued_pdf.save(f"{study.report_number}.pdf", ContentFile(signed), save=False)
        stored_name = study.issued_pdf.name
        # The file is written before the row: if anything below fails, remove it again.
        try:
            study.full_clean()
            attribute_to(study, user)
            study.save()
            transition = record_transition(study, from_status=S.APPROVED, to_status=S.ISSUED, user=user,
                                 comment=comment)
            superseded = _supersede_previous(study, user=user)
        except Exception:
            study.issued_pdf.storage.delete(stored_name)
            raise
        transaction.on_commit(lambda: notify(transition))
        if superseded is not None:
            transaction.on_commit(lambda: notify(superseded))
    return study


def _supersede_previous(study: Study, *, user) -> StudyTransition | None:
    if study.supersedes_id is None:
        return None
    previous = Study.objects.select_for_update().get(pk=study.supersedes_id)
    if previous.status != S.ISSUED:
        return None
    previous.status = S.SUPERSEDED
    attribute_to(previous, user)
    previous.save(update_fields=["status"])
    return record_transition(
        previous, from_status=S.ISSUED, to_status=S.SUPERSEDED, user=user,
        comment=_("被修订版 %(number)s 替代。") % {"number": study.report_number},
    )


# -------------------------------------------------------------------------- issued files
class IssuedFileMissing(Exception):
    """The stored signed PDF is missing or no longer matches its recorded SHA-256."""


def issued_pdf_bytes(study: Study) -> bytes:
    """The signed PDF exactly as issued; refuses to return a file whose hash changed."""
    if not study.issued_pdf or not study.issued_sha256:
        raise IssuedFileMissing(_("报告 %(number)s 没有签发的 PDF。") % {"number": study.report_number})
    with study.issued_pdf.open("rb") as handle:
        data = handle.read()
    if hashlib.sha256(data).hexdigest() != study.issued_sha256:
        raise IssuedFileMissing(
            _("报告 %(number)s 的签发文件与记录的 SHA-256 不符，已拒绝提供。") % {"number": study.report_number}
        )
    return data
