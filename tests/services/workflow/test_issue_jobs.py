"""Issuing as a job: idempotent, crash-safe, one job for two clicks, nothing lost when the
queue is down. (tests/test_worker.py kills a real worker process mid-issue.)"""

import hashlib

import pytest
from django.core.files.storage import default_storage

from footprint.choices import JobKind, JobStatus
from footprint.models import BackgroundJob, Study, StudyTransition
from footprint.services import jobs
from footprint.services.workflow import issue_jobs, issuing, transitions

pytestmark = [pytest.mark.django_db, pytest.mark.pdf]


@pytest.fixture
def approved(approved, tiny_issued_report):
    """The seed study approved (tests/conftest.py). These tests check the issuing job, not the
    report's pages: a one-page report (tests/tiny_report.py), set after the recorded demo was
    replayed."""
    return approved


def _issued_transitions(study):
    return StudyTransition.objects.filter(study=study, to_status="issued").count()


@pytest.fixture
def queue_only(monkeypatch):
    """The broker takes the task; no worker runs it yet."""
    queued = []
    monkeypatch.setattr(jobs, "job_enqueue", lambda job, task: queued.append(job.pk))
    return queued


def test_two_clicks_make_one_job_and_one_issue(approved, demo_users, queue_only):
    lead = demo_users["lead"]
    first = issue_jobs.issue_request(study=approved, user=lead, comment="签发")
    second = issue_jobs.issue_request(study=approved, user=lead, comment="again")
    assert first.pk == second.pk and queue_only == [first.pk]
    assert BackgroundJob.objects.filter(kind=JobKind.ISSUE).count() == 1
    assert Study.objects.get(pk=approved.pk).status == "approved"  # queued, not issued yet

    issue_jobs.issue_job(first.pk)
    issue_jobs.issue_job(first.pk)  # the same message delivered twice
    study = Study.objects.get(pk=approved.pk)
    job = BackgroundJob.objects.get(pk=first.pk)
    assert study.status == "issued" and job.status == JobStatus.DONE and job.attempts == 1
    assert _issued_transitions(study) == 1
    assert StudyTransition.objects.get(study=study, to_status="issued").comment == "签发"
    data = issuing.issued_pdf_bytes(study)
    assert data.startswith(b"%PDF") and hashlib.sha256(data).hexdigest() == study.issued_sha256
    # A third click after the issue: refused, no new job.
    with pytest.raises(transitions.WorkflowError):
        issue_jobs.issue_request(study=study, user=lead)
    assert BackgroundJob.objects.count() == 1


def test_a_crash_before_the_row_is_saved_leaves_it_approved_and_no_file_then_a_retry_completes(
        approved, demo_users, queue_only, monkeypatch):
    job = issue_jobs.issue_request(study=approved, user=demo_users["lead"])
    real_record = issuing.record_transition

    def fail_once(*args, **kwargs):
        monkeypatch.setattr(issuing, "record_transition", real_record)
        raise RuntimeError("database went away")

    monkeypatch.setattr(issuing, "record_transition", fail_once)
    with pytest.raises(RuntimeError):
        issue_jobs.issue_job(job.pk)
    study = Study.objects.get(pk=approved.pk)
    assert study.status == "approved" and not study.issued_sha256 and not study.issued_pdf
    folder = "issued"
    left = default_storage.listdir(folder)[1] if default_storage.exists(folder) else []
    assert left == []  # the files of the failed attempt (both languages) were removed
    assert BackgroundJob.objects.get(pk=job.pk).is_active  # still to be done: the retry

    issue_jobs.issue_job(job.pk)
    study.refresh_from_db()
    assert study.status == "issued" and _issued_transitions(study) == 1
    assert sorted(default_storage.listdir(folder)[1]) == [
        f"{study.report_number}-job{job.pk}.pdf", f"{study.report_number}-job{job.pk}_en.pdf"]
    assert BackgroundJob.objects.get(pk=job.pk).attempts == 2


def test_a_study_changed_while_rendering_is_rendered_again(approved, demo_users, queue_only, monkeypatch):
    job = issue_jobs.issue_request(study=approved, user=demo_users["lead"])
    renders = []
    real_prepare = issuing.issue_prepare

    def prepare_then_edit(**kwargs):
        prepared = real_prepare(**kwargs)
        renders.append(1)
        if len(renders) == 1:  # an edit lands between rendering and recording
            Study.objects.filter(pk=approved.pk).update(title="新的标题")
        return prepared

    monkeypatch.setattr(issuing, "issue_prepare", prepare_then_edit)
    issue_jobs.issue_job(job.pk)
    study = Study.objects.get(pk=approved.pk)
    assert len(renders) == 2 and study.status == "issued"
    assert study.issued_snapshot["document"]["title"] == "新的标题"


def test_a_failure_is_recorded_with_its_reason_and_the_study_stays_approved(
        approved, demo_users, queue_only, settings):
    job = issue_jobs.issue_request(study=approved, user=demo_users["lead"])
    settings.REPORT_MAX_ACTIVITIES = 9
    issue_jobs.issue_job(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "超过报告生成的上限 9 条" in job.reason
    assert Study.objects.get(pk=approved.pk).status == "approved"
    assert issue_jobs.latest_issue_job(approved) == job  # the page shows why


def test_a_down_queue_says_so_and_changes_nothing(approved, demo_users, settings):
    from config.celery import app

    def use_broker(url, eager):
        # The app reads Django's settings under their CELERY_ names.
        settings.CELERY_TASK_ALWAYS_EAGER = eager
        app.conf.CELERY_BROKER_URL, app.conf.CELERY_TASK_ALWAYS_EAGER = url, eager
        app._pool = None
        app.amqp._producer_pool = None

    saved = app.conf.broker_url
    use_broker("redis://127.0.0.1:1/0", False)  # nothing listens on port 1
    try:
        with pytest.raises(jobs.JobNotQueued, match="后台任务队列暂时不可用"):
            issue_jobs.issue_request(study=approved, user=demo_users["lead"])
    finally:
        use_broker(saved, True)
    study = Study.objects.get(pk=approved.pk)
    assert study.status == "approved" and not study.issued_pdf
    job = BackgroundJob.objects.get()
    assert job.status == JobStatus.FAILED and "后台任务队列暂时不可用" in job.reason
    # Not active: the user can issue again once the queue is back (eager here).
    issued = issue_jobs.issue_request(study=study, user=demo_users["lead"])
    assert issued.pk != job.pk
    assert Study.objects.get(pk=approved.pk).status == "issued"


def test_the_issued_file_is_verified_after_writing(approved, demo_users, queue_only, monkeypatch):
    """A storage that corrupts what it stores: the issue fails, nothing says issued."""
    job = issue_jobs.issue_request(study=approved, user=demo_users["lead"])
    from django.core.files.storage import FileSystemStorage

    real_save = FileSystemStorage._save

    def corrupting(self, name, content):
        from django.core.files.base import ContentFile

        return real_save(self, name, ContentFile(content.read()[:-10]))

    monkeypatch.setattr(FileSystemStorage, "_save", corrupting)
    issue_jobs.issue_job(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "校验失败" in job.reason
    study = Study.objects.get(pk=approved.pk)
    assert study.status == "approved" and not study.issued_sha256


def test_a_blocker_is_found_by_the_job_and_said_as_its_reason(approved, demo_users, queue_only):
    """The click checks role and status only (fast); the job checks the blockers."""
    from footprint.services.workflow import comments

    job = issue_jobs.issue_request(study=approved, user=demo_users["lead"])
    comments.comment_create(study=approved, user=demo_users["lead"], text="请补充说明")
    issue_jobs.issue_job(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "未解决的审阅意见" in job.reason
    assert Study.objects.get(pk=approved.pk).status == "approved"
