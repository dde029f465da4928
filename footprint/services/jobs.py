"""Background jobs: open one (or find the one already under way), queue it, record progress.

A job is a BackgroundJob row plus a Celery task that carries only the row's id. The row is
committed before the task is queued, so a worker always finds it; the task updates the row as
it goes, and the page reads the row (the user can leave and come back).

If the broker cannot take the task, the job is marked failed with the reason and JobNotQueued
says so to the user: nothing else was changed, so nothing is lost and the user can try again.
"""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.db import IntegrityError, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as BrokerUnavailable

from ..choices import JobStatus
from ..models import BackgroundJob, Study

logger = logging.getLogger(__name__)


class JobNotQueued(Exception):
    """The task queue cannot take the job now (the broker is unreachable). `job`: the job it
    refused, marked failed (its page says so and may offer to try again)."""

    def __init__(self, message: str, *, job: BackgroundJob | None = None):
        super().__init__(message)
        self.job = job


def job_open(*, kind: str, study: Study | None = None, user=None, key: str = "",
             payload: dict | None = None) -> tuple[BackgroundJob, bool]:
    """The active job of this kind for this study and key, or a new one (True when new).

    The unique constraint on active jobs decides between two requests that arrive together."""
    same = {"kind": kind, "study": study, "key": key, "status__in": BackgroundJob.ACTIVE}
    existing = BackgroundJob.objects.filter(**same).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            job = BackgroundJob.objects.create(kind=kind, study=study, key=key, payload=payload or {},
                                               user=user if user is not None and user.pk else None)
    except IntegrityError:
        return BackgroundJob.objects.get(**same), False
    return job, True


def job_enqueue(job: BackgroundJob, task) -> None:
    """Hand the job to the queue (after the transaction that created it has committed)."""
    if settings.CELERY_TASK_ALWAYS_EAGER and settings.JOBS_IN_THREAD:
        threading.Thread(target=_run_in_thread, args=(task, job.pk), daemon=True,
                         name=f"job-{job.pk}").start()
        return
    try:
        task.delay(job.pk)
    except BrokerUnavailable as exc:
        logger.warning("job %s not queued: %s", job.pk, exc)
        job_fail(job.pk, _("后台任务队列暂时不可用，任务未能排队，没有做任何更改。请稍后再试。"))
        raise JobNotQueued(_("后台任务队列暂时不可用，“%(kind)s”未能排队，没有做任何更改。请稍后再试。")
                           % {"kind": job.get_kind_display()}, job=job) from exc


def _run_in_thread(task, job_id: int) -> None:
    try:
        task.apply(args=[job_id])
    finally:
        # A thread's connections are its own: close them, the request cycle will not.
        connections.close_all()


def job_progress(job_id: int, status: str) -> None:
    """Record a step (rendering, signing) at once, visible to the page polling it."""
    changes = {"status": status}
    if status == JobStatus.RENDERING:
        changes["started_at"] = timezone.now()
    BackgroundJob.objects.filter(pk=job_id, status__in=BackgroundJob.ACTIVE).update(**changes)


def job_done(job_id: int, *, result: str = "") -> None:
    BackgroundJob.objects.filter(pk=job_id).update(status=JobStatus.DONE, result=result, reason="",
                                                   finished_at=timezone.now())


def job_fail(job_id: int, reason: str) -> None:
    BackgroundJob.objects.filter(pk=job_id).update(status=JobStatus.FAILED, reason=str(reason)[:2000],
                                                   finished_at=timezone.now())


def job_claim(job_id: int) -> BackgroundJob | None:
    """The job, counted as one more attempt, if it is still to be done; None when it has
    finished already (a message delivered twice, a retry of a job that completed)."""
    with transaction.atomic():
        job = BackgroundJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or not job.is_active:
            return None
        job.attempts += 1
        job.save(update_fields=["attempts"])
    return job


def job_upload(job: BackgroundJob, *, needs_user: bool = True) -> bytes | None:
    """The pending upload a claimed import or preview job works on (payload["path"], through
    the storage API), marked as being worked on; None when the job cannot go on, failed here
    with the reason (its user is gone, the upload has expired). Call it in the job's language:
    the reason is shown to the user."""
    if needs_user and job.user is None:
        job_fail(job.pk, _("发起导入的用户已不存在。"))
        return None
    from django.core.files.storage import default_storage

    try:
        with default_storage.open(job.payload["path"], "rb") as handle:
            content = handle.read()
    except (FileNotFoundError, OSError):
        job_fail(job.pk, _("上传的文件已过期，请重新上传。"))
        return None
    job_progress(job.pk, JobStatus.RENDERING)
    return content


def queue_notice(transition) -> None:
    """E-mail the people concerned by a transition from a worker; if the queue is down, send
    from here rather than not at all."""
    from ..tasks import send_transition_notice
    from .workflow.notifications import notify

    try:
        send_transition_notice.delay(transition.pk)
    except BrokerUnavailable:
        logger.warning("notice of transition %s sent inline: the queue is down", transition.pk)
        notify(transition)
