"""Issuing as a background job: the page queues it (`issue_request`), a worker runs it
(`issue_job`, footprint/tasks.py), the page follows it (`latest_issue_job`).

Two clicks make one job (BackgroundJob's unique constraint on active jobs). The click checks
role and status at once; the job checks the blockers and fails with them as its reason. A
job's task is safe to run again: a message delivered twice, or redelivered after its worker
died, finds the job finished or the study issued (issuing.py).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from ...choices import JobKind, JobStatus, StudyStatus
from ...models import BackgroundJob, Study
from .. import jobs
from . import issuing
from .issuing import StudyChangedWhileIssuing
from .transitions import ACTIONS, WorkflowError, check_action, locked_study

S = StudyStatus


def issue_request(*, study: Study, user, comment: str = "") -> BackgroundJob:
    """Check that `user` may issue `study` (WorkflowPermissionDenied / WorkflowError say why
    not) and queue the job, or return the one already queued. JobNotQueued: the queue
    is down, nothing changed."""
    from ...tasks import issue_study

    action = ACTIONS["issue"]
    with transaction.atomic():
        locked = locked_study(study)
        # Role and status here, at once; the blockers (a calculation, the signing key) cost
        # hundreds of milliseconds and are checked by the job, which fails with them. The
        # page shows them beside the button before anyone clicks.
        if not action.allowed(user, locked) or locked.status not in action.sources:
            check_action(action, locked, user)
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
                check_action(ACTIONS["issue"], locked_study(study), user)
            for attempt in range(2):
                jobs.job_progress(job.pk, JobStatus.RENDERING)
                prepared = issuing.issue_prepare(
                    study=study, user=user,
                    on_signing=lambda: jobs.job_progress(job.pk, JobStatus.SIGNING))
                try:
                    issuing.issue_commit(prepared, user=user, comment=job.payload.get("comment", ""),
                                 file_name=f"{study.report_number}-job{job.pk}.pdf")
                    break
                except StudyChangedWhileIssuing:
                    if attempt:
                        raise WorkflowError(
                            _("报告 %(number)s 在签发过程中被修改，请重新签发。")
                            % {"number": study.report_number}) from None
        except (WorkflowError, SigningUnavailable, OSError) as exc:
            # WorkflowPermissionDenied too: the user lost the role since the click.
            jobs.job_fail(job.pk, str(exc))
            return
    jobs.job_done(job.pk, result=study.report_number)


def latest_issue_job(study: Study) -> BackgroundJob | None:
    """The issue job the workflow page shows: the one under way, or the last one that failed
    while the study is still waiting to be issued."""
    if study.status != S.APPROVED:  # no query: only an approved study has one to show
        return None
    job = study.jobs.filter(kind=JobKind.ISSUE).order_by("-created_at", "-id").first()
    if job is None or job.status == JobStatus.DONE:
        return None
    return job
