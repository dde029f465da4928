"""A real Celery worker on Redis (127.0.0.1:6379) issues a study; its process is killed with
SIGKILL mid-issue, the study stays approved, and the redelivered task completes the issue.
It also imports a study that the API queued (an import of IMPORT_JOB_MIN_ACTIVITIES rows).

The worker is started here (`celery -A tests.worker_app worker`) against this test run's
database, on a queue of its own; .ci/run starts Redis.
"""

import contextlib
import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

from footprint.choices import JobStatus
from footprint.models import BackgroundJob, Study, StudyTransition
from footprint.services.workflow import issue_jobs, issuing

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.pdf]
ROOT = Path(__file__).resolve().parent.parent


def _redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
        return True
    except OSError:
        return False


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _wait(condition, timeout: float, what: str, worker=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        if worker is not None and worker.poll() is not None:
            raise AssertionError(f"the worker exited ({worker.returncode}) while waiting for {what}")
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def queue(settings):
    """Queue this test's tasks on a queue of their own, through the real broker."""
    if not _redis_up():
        if os.environ.get("CI"):
            pytest.fail("Redis is not running on 127.0.0.1:6379 (.ci/run starts it)")
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    from config.celery import app

    name = f"pcf-test-{uuid.uuid4().hex[:8]}"

    def use(queue_name, eager):
        settings.CELERY_TASK_ALWAYS_EAGER = eager
        app.conf.CELERY_TASK_ALWAYS_EAGER = eager
        app.conf.CELERY_TASK_DEFAULT_QUEUE = queue_name
        app.amqp.queues = app.amqp.Queues(app.conf.task_queues, create_missing=True)
        app.amqp._producer_pool = None

    saved = app.conf.task_default_queue
    use(name, False)
    yield name
    use(saved, True)
    import redis

    broker = redis.Redis(host="127.0.0.1", port=6379)
    broker.delete(name, f"_kombu.binding.{name}", f"_kombu.binding_permanent.{name}")
    # A message the stopped worker had not acknowledged yet would come back to the queue an
    # hour later (kombu's visibility timeout): it goes with the queue.
    for tag, entry in broker.hgetall("unacked").items():
        if json.loads(entry)[-1] == name:
            broker.hdel("unacked", tag)
            broker.zrem("unacked_index", tag)


@pytest.fixture
def worker(queue, signing, settings, tmp_path):
    marker = tmp_path / "signing-started"
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "TEST_WORKER_QUEUE": queue,
        "TEST_WORKER_MARKER": str(marker),
        "TEST_SIGNING_PKCS12_PATH": settings.SIGNING_PKCS12_PATH,
        "TEST_SIGNING_PKCS12_PASSPHRASE": settings.SIGNING_PKCS12_PASSPHRASE,
        "TEST_SIGNING_SEAL_IMAGE": settings.SIGNING_SEAL_IMAGE,
        "TEST_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "TEST_REPORT_RENDERER": settings.REPORT_RENDERER,  # as this test has it
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "tests.worker_app", "worker", "--pool=prefork",
         "--concurrency=1", "-Q", queue, "--without-gossip", "--without-mingle", "--without-heartbeat",
         "--loglevel=WARNING"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,  # its own process group: the worker and its pool processes
    )
    process.marker = marker
    yield process
    # The test is over and waited for its jobs: stop the worker and its pool processes at once
    # (a warm or cold shutdown takes seconds and would change nothing the test checked).
    with contextlib.suppress(ProcessLookupError):  # all gone already
        os.killpg(process.pid, signal.SIGKILL)
    process.communicate()


def test_a_worker_killed_mid_issue_leaves_the_study_approved_and_the_retry_issues_it(
        approved, demo_users, tiny_issued_report, worker):
    # What is checked is the job, the study and the stored file's hash, not the report's
    # pages: the worker renders the one-page report (tiny_issued_report), twice (the killed
    # attempt and the retry), instead of the full one.
    lead = demo_users["lead"]
    job = issue_jobs.issue_request(study=approved, user=lead, comment="签发")
    assert issue_jobs.issue_request(study=approved, user=lead).pk == job.pk  # a second click

    # The worker renders, then starts signing: kill that process there.
    child = int(_wait(lambda: worker.marker.exists() and worker.marker.read_text(), 120,
                      "the worker to start signing", worker))
    assert child != worker.pid
    assert BackgroundJob.objects.get(pk=job.pk).status == JobStatus.SIGNING
    os.kill(child, signal.SIGKILL)

    study = Study.objects.get(pk=approved.pk)
    assert study.status == "approved" and not study.issued_sha256 and not study.issued_pdf

    # acks_late + reject_on_worker_lost: the message goes back to the queue, a new worker
    # process takes it and completes the issue.
    def finished():
        state = BackgroundJob.objects.get(pk=job.pk)
        return state if not state.is_active else None

    try:
        done = _wait(finished, 120, "the retried job", worker)
    except AssertionError:
        worker.kill()
        raise AssertionError(worker.communicate()[0][-3000:]) from None
    assert done.status == JobStatus.DONE, done.reason
    assert done.attempts == 2
    study.refresh_from_db()
    assert study.status == "issued"
    assert StudyTransition.objects.filter(study=study, to_status="issued").count() == 1
    data = issuing.issued_pdf_bytes(study)
    assert hashlib.sha256(data).hexdigest() == study.issued_sha256


def test_an_api_import_queued_for_the_worker_is_imported_by_it(client, seed_study, demo_users, worker, settings):
    """The API answers 202 without writing anything; the real worker reads the kept document
    from storage, imports it, and the job URL says done with the study's number."""
    from django.core.files.storage import default_storage
    from django.urls import reverse

    from footprint.models import ActivityRecord
    from footprint.services.interchange.exporting import study_to_document

    settings.IMPORT_JOB_MIN_ACTIVITIES = 10  # the seed study's 10 rows are a "large" import
    doc = study_to_document(seed_study, for_licensee=True)
    doc["report_number"] = "WORKER-IMPORT-1"
    client.force_login(demo_users["auditor"])
    response = client.post(reverse("api_study_import"), json.dumps(doc), content_type="application/json")
    assert response.status_code == 202, response.content
    job = BackgroundJob.objects.get(pk=response.json()["id"])
    assert job.kind == "import"

    def finished():
        state = BackgroundJob.objects.get(pk=job.pk)
        return state if not state.is_active else None

    try:
        done = _wait(finished, 90, "the import job", worker)
    except AssertionError:
        worker.kill()
        raise AssertionError(worker.communicate()[0][-3000:]) from None
    assert done.status == JobStatus.DONE, done.reason
    assert done.attempts == 1 and done.result == "WORKER-IMPORT-1"
    study = Study.objects.get(report_number="WORKER-IMPORT-1")
    assert done.study_id == study.pk
    assert ActivityRecord.objects.filter(stage__study_product__study=study).count() == 10
    assert list(study.auditors.all()) == [demo_users["auditor"]]
    assert not default_storage.exists(job.payload["path"])  # the worker removed the kept document
    polled = client.get(response["Location"]).json()
    assert polled["status"] == "done" and polled["study"] == "WORKER-IMPORT-1"
