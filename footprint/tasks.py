"""Celery tasks. Each carries only a BackgroundJob id (or a transition id) and calls a
service; the services hold the logic and keep the job's status (services/jobs.py).

acks_late + reject_on_worker_lost (settings): a worker process that dies mid-task hands the
message back to the queue, and the task runs again; every task is safe to run twice.
"""

from celery import shared_task


@shared_task(name="footprint.issue_study")
def issue_study(job_id: int) -> None:
    from .services.workflow.issue_jobs import issue_job

    issue_job(job_id)


@shared_task(name="footprint.render_draft_pdf")
def render_draft_pdf(job_id: int) -> None:
    from .reports.draft_cache import render_draft_job

    render_draft_job(job_id)


@shared_task(name="footprint.import_study_file")
def import_study_file(job_id: int) -> None:
    from .services.interchange.import_jobs import import_job

    import_job(job_id)


@shared_task(name="footprint.preview_upload")
def preview_upload(job_id: int) -> None:
    from .services.interchange.preview_jobs import preview_job

    preview_job(job_id)


@shared_task(name="footprint.import_factor_library")
def import_factor_library(job_id: int) -> None:
    from .services.reference.library_jobs import library_import_job

    library_import_job(job_id)


@shared_task(name="footprint.send_transition_notice")
def send_transition_notice(transition_id: int) -> None:
    from .models import StudyTransition
    from .services.workflow.notifications import notify

    transition = StudyTransition.objects.select_related("study", "user").filter(pk=transition_id).first()
    if transition is not None:
        notify(transition)


@shared_task(name="footprint.send_data_request_notices")
def send_data_request_notices(notice_ids: list[int]) -> None:
    from .services.data_requests.notices import send_notice_emails

    send_notice_emails(notice_ids)


@shared_task(name="footprint.notify_overdue_requests")
def notify_overdue_requests() -> int:
    """Daily (Celery beat, or cron through the management command of the same name)."""
    from .services.data_requests.notices import notify_overdue_requests as notify

    return notify()
