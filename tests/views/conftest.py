"""Fixtures for view tests: the demo data, logged-in clients per persona, a large study."""

import pytest


@pytest.fixture
def demo_auditor(demo):
    """The demo auditor, assigned to both demo studies."""
    from footprint.models import User

    return User.objects.get(username="auditor")


@pytest.fixture
def other_contact(demo):
    """The contact of DEMO-2's company: an outsider to the seed study's company."""
    from footprint.models import User

    return User.objects.get(username="client2")


@pytest.fixture
def auditor_client(client, demo_auditor):
    client.force_login(demo_auditor)
    return client


@pytest.fixture
def outsider_client(client, other_contact):
    client.force_login(other_contact)
    return client


def make_large_study(report_number: str, activities: int, products: int = 2):
    """A generated study of `activities` rows (through the real importer)."""
    from footprint.services.demo.synthetic import synthetic_study_document
    from footprint.services.interchange.document import Document
    from footprint.services.interchange.importing import import_study

    return import_study(Document(synthetic_study_document(
        report_number=report_number, activities=activities, products=products)))


# The import pages' tests (importing, import jobs, preview jobs).
@pytest.fixture
def seed(demo):
    """The seed study 202508175GHG."""
    from footprint.models import Study

    return Study.objects.get(report_number="202508175GHG")


@pytest.fixture
def large(settings):
    """Uploads of 5 activity records or more are imported (and previewed) by a job: the seed
    study's file, with its 10 records, is a large one."""
    settings.IMPORT_JOB_MIN_ACTIVITIES = 5


@pytest.fixture
def queue_only(monkeypatch):
    """The broker takes the task; no worker runs it yet. The queued job ids."""
    from footprint.services import jobs

    queued = []
    monkeypatch.setattr(jobs, "job_enqueue", lambda job, task: queued.append(job.pk))
    return queued
