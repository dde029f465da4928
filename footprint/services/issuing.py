"""Issuing a study: render the final PDF, sign it, then record it in one short transaction.

The slow part (rendering and signing, seconds) runs without any lock or open transaction;
only the final step locks the study, checks that it is still approved and unchanged, writes
the signed file, verifies it and saves the row. So:

- a worker killed mid-issue leaves the study approved: nothing was saved yet (at most the
  signed file of that attempt, which the retry of the same job replaces);
- a retry runs the whole job again and completes it; a message delivered twice, or a retry of
  a job that completed, finds the job done and does nothing;
- two clicks make one job (BackgroundJob's unique constraint on active jobs), and a second
  issue of the same study finds it issued under the lock;
- a failed transaction removes the file it wrote, and the file is read back and compared
  with its SHA-256 before the row says "issued".

`issue_request` is what the page calls: it checks role and status at once, then queues the
job (the job checks the blockers) (footprint/tasks.py); `issue_job` is the task's body; `study_issue_now` does
both steps inline (the API, `load_demo`, tests).
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ..choices import JobKind, JobStatus, StudyStatus
from ..models import BackgroundJob, Study
from . import jobs, workflow

logger = logging.getLogger(__name__)
S = StudyStatus


@dataclass
class PreparedIssue:
    """A signed report not yet recorded: the study as it was read, and what issuing sets."""

    study: Study
    signed: bytes
    snapshot: dict
    updated_at: object


class StudyChangedWhileIssuing(Exception):
    """The study changed between rendering and recording: render again."""


def issue_prepare(*, study: Study, user, on_signing=None) -> PreparedIssue:
    """Render and sign the final report of an approved study; writes nothing."""
    from ..reports.inputs import certification_body
    from ..reports.pdf import ReportTooLarge, render_study_pdf
    from ..selectors import gwp_version_of
    from .signing import SigningUnavailable, sign_pdf

    study = Study.objects.select_related("company").get(pk=study.pk)
    if study.status != S.APPROVED:
        raise workflow.WorkflowError(
            _("报告 %(number)s 处于“%(status)s”状态，不能执行“%(action)s”。")
            % {"number": study.report_number, "status": study.get_status_display(),
               "action": workflow.ACTIONS["issue"].label})
    updated_at = study.updated_at
    now = timezone.now()
    study.issued_at = now
    study.issue_date = timezone.localdate(now)
    study.verification_code = study.verification_code or workflow.new_verification_code()
    if study.gwp_version_id is None:
        # Issued means pinned: the edition it is signed with, whatever comes later.
        study.gwp_version = gwp_version_of(study)
    with translation.override(study.language):
        try:
            pdf = render_study_pdf(study, final=True)
        except ReportTooLarge as exc:
            raise workflow.WorkflowError(str(exc)) from exc
        if on_signing is not None:
            on_signing()
        try:
            signed = sign_pdf(pdf, signer_name=user.display_name,
                              reason=workflow._signature_reason(study), location=settings.SIGNING_LOCATION)
        except SigningUnavailable:
            raise
        except Exception as exc:  # pyHanko, the timestamp server: say so, change nothing
            logger.exception("signing %s failed", study.report_number)
            raise workflow.WorkflowError(_("签名失败，报告未签发：%(error)s") % {"error": exc}) from exc
        snapshot = workflow.issue_snapshot(study)
    snapshot["issued_at"] = now.isoformat()
    snapshot["issued_by"] = user.display_name
    # The body the report names, as printed (the verification page shows it).
    snapshot["certification_body"] = certification_body(study, study.language)
    return PreparedIssue(study=study, signed=signed, snapshot=snapshot, updated_at=updated_at)


def _same_data(locked: Study, prepared: PreparedIssue) -> bool:
    """Nothing the report printed changed since it was rendered (`locked` carries the
    issue's own fields already, as the rendered copy did)."""
    if locked.updated_at != prepared.updated_at:
        return False
    now = workflow.issue_snapshot(locked)
    return (now["document"], now["results"]) == (prepared.snapshot["document"], prepared.snapshot["results"])


def _write_verified(study: Study, name: str, data: bytes) -> str:
    """Store the signed file under `name` (replacing a killed attempt's) and read it back."""
    storage = study.issued_pdf.storage
    full_name = study.issued_pdf.field.generate_filename(study, name)
    if storage.exists(full_name):
        storage.delete(full_name)
    study.issued_pdf.save(name, ContentFile(data), save=False)
    with storage.open(study.issued_pdf.name, "rb") as handle:
        if hashlib.sha256(handle.read()).hexdigest() != study.issued_sha256:
            storage.delete(study.issued_pdf.name)
            raise OSError(_("签发文件写入后校验失败，报告未签发。"))
    return study.issued_pdf.name


def issue_commit(prepared: PreparedIssue, *, user, comment: str = "", file_name: str = "") -> Study:
    """Record a prepared issue: lock, re-check, write the file, save. Returns the study; if it
    was issued meanwhile (a second click, a redelivered task), returns it unchanged."""
    action = workflow.ACTIONS["issue"]
    with transaction.atomic():
        study = workflow._locked(prepared.study)
        if study.status == S.ISSUED and study.issued_sha256:
            return study
        # Role and status again (a lead verifier removed, a study sent back meanwhile); the
        # blockers were checked when the job was queued and rendering found none new.
        if not action.allowed(user, study) or study.status not in action.sources:
            workflow._check(action, study, user)
        p = prepared.study
        study.issued_at, study.issue_date = p.issued_at, p.issue_date
        study.verification_code, study.gwp_version = p.verification_code, p.gwp_version
        if not _same_data(study, prepared):
            raise StudyChangedWhileIssuing(study.report_number)
        study.issued_sha256 = hashlib.sha256(prepared.signed).hexdigest()
        study.issued_snapshot = prepared.snapshot
        study.status = S.ISSUED
        stored_name = _write_verified(study, file_name or f"{study.report_number}.pdf", prepared.signed)
        # The file is written before the row: if anything below fails, remove it again.
        try:
            study.full_clean()
            workflow._attribute(study, user)
            study.save()
            transition = workflow._record(study, from_status=S.APPROVED, to_status=S.ISSUED, user=user,
                                          comment=comment)
            superseded = workflow._supersede_previous(study, user=user)
        except Exception:
            study.issued_pdf.storage.delete(stored_name)
            raise
        transaction.on_commit(lambda: jobs.queue_notice(transition))
        if superseded is not None:
            transaction.on_commit(lambda: jobs.queue_notice(superseded))
    return study


def study_issue_now(*, study: Study, user, comment: str = "") -> Study:
    """Check, render, sign and record in the calling process."""
    with transaction.atomic():
        workflow._check(workflow.ACTIONS["issue"], workflow._locked(study), user)
    for attempt in range(2):
        prepared = issue_prepare(study=study, user=user)
        try:
            return issue_commit(prepared, user=user, comment=comment)
        except StudyChangedWhileIssuing:
            if attempt:
                raise workflow.WorkflowError(
                    _("报告 %(number)s 在签发过程中被修改，请重新签发。") % {"number": study.report_number}
                ) from None
    raise AssertionError("unreachable")


# ------------------------------------------------------------------------------ the job
def issue_request(*, study: Study, user, comment: str = "") -> BackgroundJob:
    """Check that `user` may issue `study` (WorkflowPermissionDenied / WorkflowError say why
    not) and queue the job, or return the one already queued. JobNotQueued: the queue
    is down, nothing changed."""
    from ..tasks import issue_study

    action = workflow.ACTIONS["issue"]
    with transaction.atomic():
        locked = workflow._locked(study)
        # Role and status here, at once; the blockers (a calculation, the signing key) cost
        # hundreds of milliseconds and are checked by the job, which fails with them. The
        # page shows them beside the button before anyone clicks.
        if not action.allowed(user, locked) or locked.status not in action.sources:
            workflow._check(action, locked, user)
        job, created = jobs.job_open(kind=JobKind.ISSUE, study=locked, user=user,
                                     payload={"comment": comment})
    if created:
        jobs.job_enqueue(job, issue_study)
    return job


def issue_job(job_id: int) -> None:
    """The task: issue the job's study. Safe to run again after a crash or a redelivery."""
    job = jobs.job_claim(job_id)
    if job is None:
        return
    study, user = job.study, job.user
    if study.status == S.ISSUED and study.issued_sha256:
        jobs.job_done(job.pk, result=study.report_number)
        return
    if user is None:
        jobs.job_fail(job.pk, _("发起签发的用户已不存在。"))
        return
    from .signing import SigningUnavailable

    with translation.override(study.language):
        try:
            with transaction.atomic():
                workflow._check(workflow.ACTIONS["issue"], workflow._locked(study), user)
            for attempt in range(2):
                jobs.job_progress(job.pk, JobStatus.RENDERING)
                prepared = issue_prepare(
                    study=study, user=user,
                    on_signing=lambda: jobs.job_progress(job.pk, JobStatus.SIGNING))
                try:
                    issue_commit(prepared, user=user, comment=job.payload.get("comment", ""),
                                 file_name=f"{study.report_number}-job{job.pk}.pdf")
                    break
                except StudyChangedWhileIssuing:
                    if attempt:
                        raise workflow.WorkflowError(
                            _("报告 %(number)s 在签发过程中被修改，请重新签发。")
                            % {"number": study.report_number}) from None
        except (workflow.WorkflowError, SigningUnavailable, OSError) as exc:
            # WorkflowPermissionDenied too: the user lost the role since the click.
            jobs.job_fail(job.pk, str(exc))
            return
    jobs.job_done(job.pk, result=study.report_number)


def latest_issue_job(study: Study) -> BackgroundJob | None:
    """The issue job the workflow page shows: the one under way, or the last one that failed
    while the study is still waiting to be issued."""
    job = study.jobs.filter(kind=JobKind.ISSUE).order_by("-created_at", "-id").first()
    if job is None or job.status == JobStatus.DONE:
        return None
    if job.status == JobStatus.FAILED and study.status != S.APPROVED:
        return None
    return job
