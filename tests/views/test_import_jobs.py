"""A large import is written by a background job: the confirmation queues it, its page shows
queued → importing → done (a link to the study) or failed (why); the user may leave and come
back (the upload page lists the jobs). Small files are imported in the request as before."""

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from footprint.choices import JobKind, JobStatus
from footprint.models import BackgroundJob, Study
from footprint.services.interchange import import_jobs, preview_jobs
from footprint.services.jobs import JobNotQueued

from .test_importing import _document, _token, _upload

pytestmark = pytest.mark.django_db
SEED = "202508175GHG"


def _previewed(client, doc, queued=None) -> str:
    """Upload a large file: its preview is a job too (run here as the worker would, when only
    queued); the preview page it leads to."""
    response = _upload(client, doc)
    job = BackgroundJob.objects.filter(kind=JobKind.PREVIEW).latest("pk")
    assert response["Location"] == reverse("study_import_preview", args=[job.pk])
    if queued is not None:
        queued.remove(job.pk)
        preview_jobs.preview_job(job.pk)
    return client.get(response["Location"]).content.decode()


def _confirm(client, html):
    return client.post(reverse("study_import_confirm"), {"token": _token(html), "replace": "0"})


def test_a_large_import_is_queued_and_its_page_follows_it(auditor_client, demo_auditor, seed, large,
                                                          queue_only):
    html = _previewed(auditor_client, _document(seed, report_number="BIG-1"), queue_only)
    response = _confirm(auditor_client, html)
    job = BackgroundJob.objects.get(kind=JobKind.IMPORT)
    assert response.status_code == 302 and response["Location"] == reverse("study_import_job", args=[job.pk])
    assert queue_only == [job.pk] and not Study.objects.filter(report_number="BIG-1").exists()
    assert default_storage.exists(job.payload["path"])  # the job reads the upload later

    page = auditor_client.get(response["Location"]).content.decode()
    assert 'data-job-status="queued"' in page and 'hx-trigger="every 2s"' in page and "活动数据 10 条" in page
    # The user leaves; the upload page lists the job to come back to.
    listing = auditor_client.get(reverse("study_import")).content.decode()
    assert 'id="import-jobs"' in listing and reverse("study_import_job", args=[job.pk]) in listing

    import_jobs.import_job(job.pk)  # the worker
    fragment = auditor_client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert 'data-job-status="done"' in fragment and "hx-get" not in fragment
    assert reverse("study_detail", args=["BIG-1"]) in fragment
    study = Study.objects.get(report_number="BIG-1")
    assert demo_auditor in study.auditors.all()
    assert sum(sp.stages.all().count() for sp in study.study_products.all()) == 12
    assert not default_storage.exists(job.payload["path"])  # the upload is removed once imported
    import_jobs.import_job(job.pk)  # delivered twice: nothing happens
    assert Study.objects.filter(report_number="BIG-1").count() == 1


def test_eager_jobs_import_in_the_request_and_the_page_links_the_study(auditor_client, seed, large):
    html = _previewed(auditor_client, _document(seed, report_number="BIG-2"))
    page = auditor_client.get(_confirm(auditor_client, html)["Location"]).content.decode()
    assert 'data-job-status="done"' in page and Study.objects.filter(report_number="BIG-2").exists()


def test_a_failed_import_says_why_and_writes_nothing(auditor_client, seed, large, queue_only):
    html = _previewed(auditor_client, _document(seed, report_number="BIG-3"), queue_only)
    job = BackgroundJob.objects.get(pk=(_confirm(auditor_client, html), queue_only[0])[1])
    # Meanwhile someone imports a study of the same number: the job's import is refused.
    Study.objects.filter(report_number=SEED).update(report_number="BIG-3")
    import_jobs.import_job(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "BIG-3" in job.reason
    page = auditor_client.get(reverse("study_import_job", args=[job.pk])).content.decode()
    assert 'data-job-status="failed"' in page and 'id="import-job-reason"' in page


def test_a_worker_that_dies_mid_import_leaves_nothing_and_the_retry_imports(auditor_client, seed, large,
                                                                           queue_only, monkeypatch):
    html = _previewed(auditor_client, _document(seed, report_number="BIG-4"), queue_only)
    _confirm(auditor_client, html)
    job = BackgroundJob.objects.get(pk=queue_only[0])

    def dies(*args, **kwargs):
        raise SystemExit("worker killed")  # like the process going away mid-transaction

    from footprint.services.interchange import import_assignment

    real = import_assignment.study_team_update
    monkeypatch.setattr(import_assignment, "study_team_update", dies)
    with pytest.raises(SystemExit):
        import_jobs.import_job(job.pk)
    assert not Study.objects.filter(report_number="BIG-4").exists()
    assert BackgroundJob.objects.get(pk=job.pk).is_active  # redelivered to the next worker
    monkeypatch.setattr(import_assignment, "study_team_update", real)
    import_jobs.import_job(job.pk)
    assert BackgroundJob.objects.get(pk=job.pk).status == JobStatus.DONE
    assert Study.objects.filter(report_number="BIG-4").exists()


def test_a_small_import_stays_in_the_request(auditor_client, seed, settings):
    settings.IMPORT_JOB_MIN_ACTIVITIES = 11
    html = _upload(auditor_client, _document(seed, report_number="SMALL-1")).content.decode()
    assert _confirm(auditor_client, html)["Location"] == reverse("study_detail", args=["SMALL-1"])
    assert not BackgroundJob.objects.filter(kind=JobKind.IMPORT).exists()


def test_the_queue_down_keeps_the_preview_and_the_upload(auditor_client, seed, large, monkeypatch):
    def down(**kwargs):
        raise JobNotQueued("后台任务队列暂时不可用")

    monkeypatch.setattr(import_jobs, "import_request", down)
    html = _previewed(auditor_client, _document(seed, report_number="BIG-5"))
    response = _confirm(auditor_client, html)
    assert response.status_code == 200 and "后台任务队列暂时不可用" in response.content.decode()
    assert 'id="confirm-import"' in response.content.decode()  # confirm again later
    assert not Study.objects.filter(report_number="BIG-5").exists()


def test_another_users_import_job_is_404(client, auditor_client, seed, large, queue_only, auditor):
    html = _previewed(auditor_client, _document(seed, report_number="BIG-6"), queue_only)
    _confirm(auditor_client, html)
    client.force_login(auditor)  # another auditor: the job has no study yet
    assert client.get(reverse("study_import_job", args=[queue_only[0]])).status_code == 404
