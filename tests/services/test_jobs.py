"""services/jobs.py: one active job per study and key; notices survive a down queue."""

import pytest
from django.core import mail
from django.db import IntegrityError

from footprint.choices import JobKind, JobStatus
from footprint.models import BackgroundJob
from footprint.services import jobs
from footprint.services.workflow import transitions

pytestmark = pytest.mark.django_db


def test_an_active_job_is_found_again_and_a_finished_one_is_not(seed_study, demo_users):
    first, created = jobs.job_open(kind=JobKind.DRAFT_PDF, study=seed_study, key="k1")
    again, created_again = jobs.job_open(kind=JobKind.DRAFT_PDF, study=seed_study, key="k1")
    other, created_other = jobs.job_open(kind=JobKind.DRAFT_PDF, study=seed_study, key="k2")
    assert created and not created_again and again.pk == first.pk
    assert created_other and other.pk != first.pk
    jobs.job_done(first.pk, result="drafts/k1.pdf")
    fresh, created = jobs.job_open(kind=JobKind.DRAFT_PDF, study=seed_study, key="k1")
    assert created and fresh.pk != first.pk


def test_the_database_refuses_a_second_active_job(seed_study):
    BackgroundJob.objects.create(kind=JobKind.ISSUE, study=seed_study)
    with pytest.raises(IntegrityError):
        BackgroundJob.objects.create(kind=JobKind.ISSUE, study=seed_study, status=JobStatus.SIGNING)


def test_a_claimed_job_counts_attempts_and_a_finished_one_is_not_claimed(seed_study):
    job = BackgroundJob.objects.create(kind=JobKind.ISSUE, study=seed_study)
    assert jobs.job_claim(job.pk).attempts == 1
    jobs.job_fail(job.pk, "x")
    assert jobs.job_claim(job.pk) is None


def test_a_notice_is_sent_even_when_the_queue_is_down(seed_study, demo_users, monkeypatch,
                                                    django_capture_on_commit_callbacks):
    from kombu.exceptions import OperationalError

    from footprint import tasks

    def refuse(*args, **kwargs):
        raise OperationalError("Connection refused")

    monkeypatch.setattr(tasks.send_transition_notice, "delay", refuse)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        transitions.study_send_for_review(study=seed_study, user=demo_users["auditor"])
    assert [m.to for m in mail.outbox] == [[demo_users["client"].email]]


def test_the_demo_runs_a_job_in_a_thread_and_returns_at_once(settings):
    """`make demo` (no broker, eager tasks): the request that queues a render returns while
    a thread of the server runs it."""
    import threading

    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.JOBS_IN_THREAD = True
    started, release, ran = threading.Event(), threading.Event(), []

    class SlowTask:
        def apply(self, args):
            started.set()
            release.wait(5)
            ran.append((threading.current_thread().name, args))

    jobs.job_enqueue(BackgroundJob(pk=41, kind=JobKind.DRAFT_PDF), SlowTask())
    assert started.wait(5) and ran == []  # job_enqueue returned while the task still runs
    thread = next(t for t in threading.enumerate() if t.name == "job-41")
    release.set()
    thread.join(5)
    assert ran == [("job-41", [41])]


def test_an_upload_job_reads_its_file_or_fails_with_the_reason(auditor, settings, tmp_path):
    """job_upload, the first step of every import and preview job: the pending file's bytes and
    the job marked as working; a user who is gone or an expired upload fail the job instead."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    settings.MEDIA_ROOT = str(tmp_path)
    path = default_storage.save("imports/pending/a.csv", ContentFile(b"code,value\n"))

    def claimed(user, file):
        job, _created = jobs.job_open(kind=JobKind.PREVIEW, user=user, key=file, payload={"path": file})
        return jobs.job_claim(job.pk)

    job = claimed(auditor, path)
    assert jobs.job_upload(job) == b"code,value\n"
    assert BackgroundJob.objects.get(pk=job.pk).status == JobStatus.RENDERING

    gone = claimed(None, "imports/pending/b.csv")
    assert jobs.job_upload(gone) is None
    assert BackgroundJob.objects.get(pk=gone.pk).reason == "发起导入的用户已不存在。"

    expired = claimed(auditor, "imports/pending/missing.csv")
    assert jobs.job_upload(expired) is None
    failed = BackgroundJob.objects.get(pk=expired.pk)
    assert failed.status == JobStatus.FAILED and failed.reason == "上传的文件已过期，请重新上传。"
    # a job that does not need its user (a factor library's import) reads the file without one
    nobody = claimed(None, path)
    assert jobs.job_upload(nobody, needs_user=False) == b"code,value\n"
