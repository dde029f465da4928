"""The workflow page queues the issue and shows its progress; the user may leave and return.
The tests that issue sign the one-page report of `tiny_issued_report`: they check the job and
the page, not the report's pages (tests/reports/ reads those)."""

import pytest
from django.urls import reverse

from footprint.choices import JobStatus
from footprint.models import BackgroundJob, Study
from footprint.services import jobs
from footprint.services.workflow import issue_jobs

NUMBER = "202508175GHG"
pytestmark = pytest.mark.django_db


@pytest.fixture
def queue_only(monkeypatch):
    queued = []
    monkeypatch.setattr(jobs, "job_enqueue", lambda job, task: queued.append(job.pk))
    return queued


def _issue(client, user):
    client.force_login(user)
    return client.post(reverse("study_transition", args=[NUMBER]), {"action": "issue", "comment": "签发"},
                       follow=True)


def test_issuing_queues_a_job_and_the_page_follows_it(client, approved, demo_users, queue_only,
                                                     tiny_issued_report):
    page = _issue(client, demo_users["lead"]).content.decode()
    job = BackgroundJob.objects.get()
    assert queue_only == [job.pk]
    assert "已排队签发" in page
    assert 'id="issue-job"' in page and 'data-job-status="queued"' in page
    poll = reverse("study_issue_job", args=[NUMBER, job.pk])
    assert f'hx-get="{poll}"' in page and 'hx-trigger="every 2s"' in page

    # The worker picks it up while the user is away; coming back, the page says what happens.
    jobs.job_progress(job.pk, JobStatus.SIGNING)
    fragment = client.get(poll).content.decode()
    assert 'data-job-status="signing"' in fragment and "正在用认证机构的证书签名" in fragment

    issue_jobs.issue_job(job.pk)
    fragment = client.get(poll).content.decode()
    assert 'data-job-status="done"' in fragment and "hx-get" not in fragment  # polling stops
    assert Study.objects.get(pk=approved.pk).status == "issued"
    page = client.get(reverse("study_workflow", args=[NUMBER])).content.decode()
    assert 'id="issue-job"' not in page and 'id="issued-pdf-link"' in page


def test_the_job_of_a_study_the_user_may_not_see_is_404(client, approved, demo_users, queue_only):
    _issue(client, demo_users["lead"])
    job = BackgroundJob.objects.get()
    client.force_login(demo_users["client"])  # the company contact sees the study ...
    assert client.get(reverse("study_issue_job", args=[NUMBER, job.pk])).status_code == 200
    client.force_login(demo_users["auditor"])
    assert client.get(reverse("study_issue_job", args=["DEMO-2", job.pk])).status_code == 404


def test_a_wrong_role_cannot_queue_an_issue(client, approved, demo_users, queue_only):
    client.force_login(demo_users["auditor"])
    response = client.post(reverse("study_transition", args=[NUMBER]), {"action": "issue"})
    assert response.status_code == 403
    assert not BackgroundJob.objects.exists() and queue_only == []


@pytest.mark.pdf
def test_with_eager_jobs_the_click_issues_at_once(client, approved, demo_users, tiny_issued_report):
    page = _issue(client, demo_users["lead"]).content.decode()
    assert "现在的状态：已签发" in page
    assert BackgroundJob.objects.get().status == JobStatus.DONE


def test_a_down_queue_is_said_on_the_page_and_the_study_stays_approved(client, approved, demo_users,
                                                                     monkeypatch):
    from kombu.exceptions import OperationalError

    from footprint import tasks

    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.issue_study, "delay", refuse)
    page = _issue(client, demo_users["lead"]).content.decode()
    assert "后台任务队列暂时不可用" in page and "没有做任何更改" in page
    assert Study.objects.get(pk=approved.pk).status == "approved"
    assert 'data-action="issue"' in page  # the button is there to try again
