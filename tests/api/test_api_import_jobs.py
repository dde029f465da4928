"""The API import of IMPORT_JOB_MIN_ACTIVITIES rows or more is a background job (202 and the
job's URL, like the issue action); smaller documents are imported in the request (201); a
queue that is down is a 503 that imports nothing; the job is seen only by who started it."""

import json
from urllib.parse import urlencode

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from footprint.choices import JobKind, JobStatus
from footprint.models import ActivityRecord, BackgroundJob, Study
from footprint.services import jobs
from footprint.services.interchange import import_jobs
from footprint.services.interchange.exporting import study_to_document

SEED = "202508175GHG"
pytestmark = pytest.mark.django_db


@pytest.fixture
def document(demo):
    doc = study_to_document(Study.objects.get(report_number=SEED), for_licensee=True)  # 10 activity records
    doc["report_number"] = "API-BIG-1"
    return doc


@pytest.fixture
def large(settings):
    settings.IMPORT_JOB_MIN_ACTIVITIES = 10  # the seed study's 10 rows reach it


@pytest.fixture
def queue_only(monkeypatch):
    queued = []
    monkeypatch.setattr(jobs, "job_enqueue", lambda job, task: queued.append(job.pk))
    return queued


def _import(client, user, doc, query=""):
    client.force_login(user)
    return client.post(reverse("api_study_import"), json.dumps(doc), content_type="application/json",
                       QUERY_STRING=query)


def test_a_document_below_the_threshold_is_imported_in_the_request(client, demo_users, document, settings,
                                                                    queue_only):
    settings.IMPORT_JOB_MIN_ACTIVITIES = 11
    response = _import(client, demo_users["auditor"], document)
    assert response.status_code == 201 and response.json()["report_number"] == "API-BIG-1"
    assert not BackgroundJob.objects.exists() and queue_only == []


def test_a_large_document_answers_202_and_the_job_imports_it(client, demo_users, document, large, queue_only):
    u = demo_users
    response = _import(client, u["auditor"], document,
                       urlencode({"lead_verifier": u["lead"].username, "certification_body": "某认证机构"}))
    assert response.status_code == 202, response.content
    body = response.json()
    job = BackgroundJob.objects.get()
    assert queue_only == [job.pk] and body["id"] == job.pk and body["kind"] == JobKind.IMPORT
    assert body["status"] == "queued" and body["study"] is None
    assert body["job_url"].endswith(reverse("api_job", args=[job.pk])) and response["Location"] == body["job_url"]
    assert job.payload["activities"] == 10 and default_storage.exists(job.payload["path"])
    assert not Study.objects.filter(report_number="API-BIG-1").exists()  # nothing written yet

    import_jobs.import_job(job.pk)  # the worker
    polled = client.get(body["job_url"])
    assert polled.status_code == 200
    assert polled.json()["status"] == "done"
    assert polled.json()["study"] == polled.json()["result"] == "API-BIG-1"
    study = Study.objects.get(report_number="API-BIG-1")
    assert ActivityRecord.objects.filter(stage__study_product__study=study).count() == 10
    assert study.lead_verifier == u["lead"] and study.certification_body == "某认证机构"
    assert list(study.auditors.all()) == [u["auditor"]]
    assert not default_storage.exists(job.payload["path"])  # the job removed the upload

    # Another user of the certification body sees the study's job; a company user does not.
    client.force_login(u["client2"])
    assert client.get(body["job_url"]).status_code == 404


def test_the_job_is_the_starters_until_it_has_a_study(client, demo_users, document, large, queue_only):
    body = _import(client, demo_users["auditor"], document).json()
    for other in ("client", "client2", "lead"):
        client.force_login(demo_users[other])
        assert client.get(body["job_url"]).status_code == 404, other
    client.force_login(demo_users["auditor"])
    assert client.get(body["job_url"]).json()["status"] == "queued"


def test_an_invalid_large_document_fails_the_job_with_the_reasons(client, demo_users, document, large,
                                                                  queue_only):
    document["products"][0]["activities"][0]["quantity"] = "lots"
    body = _import(client, demo_users["auditor"], document).json()
    import_jobs.import_job(body["id"])
    polled = client.get(body["job_url"]).json()
    assert polled["status"] == "failed" and "导入被拒绝" in polled["reason"]
    assert not Study.objects.filter(report_number="API-BIG-1").exists()


def test_an_existing_study_without_replace_is_409_before_any_job(client, demo_users, document, large,
                                                                 queue_only):
    document["report_number"] = SEED
    response = _import(client, demo_users["auditor"], document)
    assert response.status_code == 409 and SEED in response.json()["detail"]
    assert not BackgroundJob.objects.exists() and queue_only == []


def test_the_queue_down_is_a_503_and_nothing_is_imported(client, demo_users, document, large, settings,
                                                        monkeypatch):
    from kombu.exceptions import OperationalError

    from footprint import tasks

    def refused(*args, **kwargs):
        raise OperationalError("Connection refused")

    settings.JOBS_IN_THREAD = False
    settings.CELERY_TASK_ALWAYS_EAGER = False
    monkeypatch.setattr(tasks.import_study_file, "delay", refused)
    response = _import(client, demo_users["auditor"], document)
    assert response.status_code == 503 and "后台任务队列暂时不可用" in response.json()["detail"]
    job = BackgroundJob.objects.get()
    assert job.status == JobStatus.FAILED
    assert not default_storage.exists(job.payload["path"])
    assert not Study.objects.filter(report_number="API-BIG-1").exists()
