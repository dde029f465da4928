"""The API's issue action queues a job and answers 202 with the job's URL; the job URL says
how it goes; it is scoped like the study; a queue that is down is a 503 that changes nothing.
The tests that issue sign the one-page report of `tiny_issued_report`: they check the job, not
the report's pages (tests/reports/ reads those)."""

import json

import pytest
from django.urls import reverse

from footprint.choices import JobStatus
from footprint.models import BackgroundJob, Study
from footprint.services import jobs
from footprint.services.jobs import JobNotQueued
from footprint.services.workflow import issue_jobs

NUMBER = "202508175GHG"
pytestmark = pytest.mark.django_db


def _issue(client, user):
    client.force_login(user)
    return client.post(reverse("api_study_transition", args=[NUMBER]),
                       json.dumps({"action": "issue", "comment": "签发"}), content_type="application/json")


def test_issue_answers_202_with_the_job_url_and_the_job_follows(client, approved, demo_users, monkeypatch,
                                                                tiny_issued_report):
    queued = []
    monkeypatch.setattr(jobs, "job_enqueue", lambda job, task: queued.append(job.pk))
    response = _issue(client, demo_users["lead"])
    assert response.status_code == 202, response.content
    body = response.json()
    job = BackgroundJob.objects.get()
    assert queued == [job.pk] and body["id"] == job.pk and body["kind"] == "issue"
    assert body["status"] == "queued" and body["study"] == NUMBER
    assert body["job_url"].endswith(reverse("api_job", args=[job.pk])) and response["Location"] == body["job_url"]
    assert Study.objects.get(pk=approved.pk).status == "approved"  # nothing issued yet

    again = _issue(client, demo_users["lead"])  # a second request: the same job
    assert again.status_code == 202 and again.json()["id"] == job.pk and queued == [job.pk]

    issue_jobs.issue_job(job.pk)  # the worker
    polled = client.get(reverse("api_job", args=[job.pk]))
    assert polled.status_code == 200
    assert polled.json()["status"] == "done" and polled.json()["result"] == NUMBER
    assert Study.objects.get(pk=approved.pk).status == "issued"


def test_eager_jobs_answer_202_with_the_job_done(client, approved, demo_users, tiny_issued_report):
    response = _issue(client, demo_users["lead"])
    assert response.status_code == 202 and response.json()["status"] == JobStatus.DONE
    assert Study.objects.get(pk=approved.pk).status == "issued"


def test_a_failed_job_says_why(client, approved, demo_users, settings):
    settings.SIGNING_PKCS12_PATH = "/nonexistent/signer.p12"
    response = _issue(client, demo_users["lead"])
    assert response.status_code == 202
    body = client.get(response.json()["job_url"]).json()
    assert body["status"] == "failed" and body["reason"]
    assert Study.objects.get(pk=approved.pk).status == "approved"


def test_roles_and_scope_of_the_issue_action(client, approved, demo_users, monkeypatch):
    queued = []
    monkeypatch.setattr(jobs, "job_enqueue", lambda job, task: queued.append(job.pk))
    assert _issue(client, demo_users["auditor"]).status_code == 403  # auditors never issue
    assert _issue(client, demo_users["client2"]).status_code == 404  # another company's study
    client.logout()
    response = client.post(reverse("api_study_transition", args=[NUMBER]), json.dumps({"action": "issue"}),
                           content_type="application/json")
    assert response.status_code in (401, 403)
    # The refusals changed nothing (and the queries after them run: see api/authentication.py).
    assert queued == [] and not BackgroundJob.objects.exists()
    assert Study.objects.get(pk=approved.pk).status == "approved"


def test_the_job_url_is_scoped_like_the_study(client, approved, demo_users, monkeypatch):
    monkeypatch.setattr(jobs, "job_enqueue", lambda job, task: None)
    job = BackgroundJob.objects.get(pk=_issue(client, demo_users["lead"]).json()["id"])
    client.force_login(demo_users["client"])  # the study's company may follow it
    assert client.get(reverse("api_job", args=[job.pk])).status_code == 200
    client.force_login(demo_users["client2"])
    assert client.get(reverse("api_job", args=[job.pk])).status_code == 404


def test_the_queue_down_is_a_503_and_nothing_changes(client, approved, demo_users, monkeypatch):
    def down(**kwargs):
        raise JobNotQueued("队列不可用")

    monkeypatch.setattr(issue_jobs, "issue_request", down)
    response = _issue(client, demo_users["lead"])
    assert response.status_code == 503 and "队列不可用" in response.json()["detail"]
    assert Study.objects.get(pk=approved.pk).status == "approved"


def test_other_actions_still_answer_the_study(client, seed_study, demo_users):
    client.force_login(demo_users["auditor"])
    response = client.post(reverse("api_study_transition", args=[NUMBER]),
                           json.dumps({"action": "send_for_review"}), content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "client_review"
