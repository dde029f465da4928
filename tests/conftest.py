"""Shared fixtures: the reference library, the demo studies and one persona per role.

The expensive ones (reference library, demo, issued seed study) are built for real by the first
test that asks and replayed from a recording in later tests (tests/snapshots.py).
"""

import gc
from contextlib import contextmanager
from pathlib import Path

import pytest

from footprint.choices import Role

from . import shared_run
from .snapshots import Tracker, replay_or_build
from .workflow_steps import approve

SEED_JSON = Path(__file__).resolve().parent.parent / "footprint" / "fixtures" / "demo" / "202508175GHG.json"


def pytest_collection_finish(session):
    """Python's collector, left at its defaults, ran some 4,300 times in tests/views and
    tests/api and rescanned the modules, Django, WeasyPrint's and pint's tables each time it
    reached the oldest generation: 5.5 s of 75. What is loaded by now lives as long as the
    process, so it is frozen out of every later collection, and young objects are collected
    less often (a test allocates freely; cycles are still collected): 2.8 s. The older
    generations wait longer too: (10,000, 10, 10) spent 11.1 s of a whole run's CPU in the
    collector, 4 of them in 15 full collections; (10,000, 20, 100) 8.0 s (docs/performance.md)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 20, 100)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    with _emptied_by_delete():  # a test that committed is emptied in its teardown
        yield
    if "_django_db_helper" in item.fixturenames:
        _vacuumed_now_and_then()


# PostgreSQL keeps the rows a test inserted and rolled back (some 300 for each replay of the
# demo) until a VACUUM, and the CI machine's server runs without autovacuum: over a run every
# COUNT(*), scan and index lookup of a study's tables read through tens of thousands of dead
# rows (the recorded fixtures' fingerprint query took 11 ms instead of 0.45 ms; PostgreSQL's
# execution time over a run was 26-29 s, 10 s with this). A VACUUM of the test database every
# 20 database tests keeps the tables small.
_VACUUM_EVERY = 20
_vacuum = {"tests since": 0, "blocker": None}


@pytest.fixture(scope="session", autouse=True)
def _vacuum_access(django_db_blocker):
    _vacuum["blocker"] = django_db_blocker


def _vacuumed_now_and_then() -> None:
    from django.db import connection

    _vacuum["tests since"] += 1
    if (_vacuum["tests since"] < _VACUUM_EVERY or connection.vendor != "postgresql"
            or connection.connection is None or connection.in_atomic_block):
        return
    _vacuum["tests since"] = 0
    # between tests the connection is in autocommit, where VACUUM must run; the application's
    # tables only (2-6 ms, where the system catalogues as well took 15-80)
    with _vacuum["blocker"].unblock(), connection.cursor() as cursor:
        tables = [t.name for t in connection.introspection.get_table_list(cursor) if t.type == "t"]
        cursor.execute("VACUUM " + ", ".join(connection.ops.quote_name(t) for t in tables))


@contextmanager
def _emptied_by_delete():
    """Django empties the database after a test that commits with one TRUNCATE of every table:
    on PostgreSQL that is new files for each of the 57 tables and their indexes, about 2 s here
    (with synchronous_commit off as well). A test that commits (browser, worker, backup) leaves
    a few thousand rows at most: DELETE takes a tenth of a second. The same end (every table
    empty, sequences where they were); foreign keys are checked at commit, as Django declares
    them deferrable."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    truncate = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or allow_cascade or not tables:
            return truncate(self, style, tables, reset_sequences=reset_sequences,
                            allow_cascade=allow_cascade)
        return ["SET CONSTRAINTS ALL DEFERRED;\n" + "\n".join(
            f"DELETE FROM {self.quote_name(table)};" for table in tables)]

    DatabaseOperations.sql_flush = sql_flush
    try:
        yield
    finally:
        DatabaseOperations.sql_flush = truncate


@pytest.fixture(scope="session", autouse=True)
def _shared_between_processes(tmp_path_factory):
    """The folder where the processes of a pytest-xdist run share what they make once
    (tests/shared_run.py): recordings, the test PKI."""
    shared_run.share_in(shared_run.run_folder(tmp_path_factory))
    yield
    shared_run.share_in(None)


@pytest.fixture(autouse=True)
def snapshot_tracker():
    """Sees every statement of the test, so that a recorded fixture is replayed only onto the
    database it was recorded on (tests/snapshots.py)."""
    from django.db import connection

    tracker = Tracker()
    with connection.execute_wrapper(tracker):
        yield tracker


@pytest.fixture
def reference_data(db, snapshot_tracker):
    from footprint.services.reference.loading import load_reference_data

    replay_or_build("reference_data", lambda: bool(load_reference_data()), snapshot_tracker)


@pytest.fixture
def demo(db, snapshot_tracker):
    """The full demo: seed study 202508175GHG, DEMO-2 and the demo users."""
    from footprint.services.demo.seed import load_demo

    replay_or_build("demo", lambda: bool(load_demo()), snapshot_tracker)


@pytest.fixture
def seed_study(demo):
    from footprint.models import Study

    return Study.objects.get(report_number="202508175GHG")


def _user(username, role, company=None, **extra):
    from footprint.models import User

    user = User.objects.create_user(username=username, password="pw-" + username, role=role,
                                    company=company, **extra)
    return user


@pytest.fixture
def auditor(db):
    return _user("alice", Role.AUDITOR)


@pytest.fixture
def lead_verifier(db):
    return _user("victor", Role.LEAD_VERIFIER)


@pytest.fixture
def company_a(db):
    from footprint.models import Company

    return Company.objects.create(name="Company A")


@pytest.fixture
def company_b(db):
    from footprint.models import Company

    return Company.objects.create(name="Company B")


@pytest.fixture
def contact_a(company_a):
    return _user("bob", Role.COMPANY_CONTACT, company=company_a)


@pytest.fixture
def contact_b(company_b):
    return _user("charlie", Role.COMPANY_CONTACT, company=company_b)


# ------------------------------------------------------------------ review and signing (issue 5)
PKI_PASSPHRASE = "test-passphrase"


def _create_test_pki(directory: Path) -> None:
    from footprint.services.demo.pki import create_demo_pki

    create_demo_pki(pkcs12_path=directory / "signer.p12", passphrase=PKI_PASSPHRASE,
                    body_name="测试认证机构", seal_path=directory / "seal.png")


@pytest.fixture(scope="session")
def demo_pki_dir(tmp_path_factory):
    """A demo CA and signer, created once per test run in a tmp dir (never var/)."""
    shared = shared_run.run_folder(tmp_path_factory)
    if shared is None:
        directory = tmp_path_factory.mktemp("pki")
        _create_test_pki(directory)
        return directory
    # One PKI for the run's processes: a file issued (recorded) by one is signed by the CA the
    # others trust, and the signing settings, which recordings compare, are the same.
    shared.mkdir(parents=True, exist_ok=True)
    directory = shared / "pki"
    with shared_run.exclusive(directory):
        if not (directory / "done").exists():
            directory.mkdir(exist_ok=True)
            _create_test_pki(directory)
            (directory / "done").touch()
    return directory


@pytest.fixture
def signing(settings, demo_pki_dir, tmp_path):
    """Settings pointing at the test PKI; issued files go to a tmp MEDIA_ROOT."""
    settings.SIGNING_PKCS12_PATH = str(demo_pki_dir / "signer.p12")
    settings.SIGNING_PKCS12_PASSPHRASE = PKI_PASSPHRASE
    settings.SIGNING_SEAL_IMAGE = str(demo_pki_dir / "seal.png")
    settings.SIGNING_TIMESTAMP_URL = ""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return demo_pki_dir


TINY_ISSUED_REPORT = "tests.tiny_report.render_issued_pdf"


@pytest.fixture
def tiny_issued_report(settings):
    """For tests of what issuing does around the report (jobs, PACT footprints, revisions),
    not of its pages: a one-page real PDF, signed for real, instead of the full report
    (tests/tiny_report.py says why). Ask for it after the recorded fixtures (demo, seed_study,
    issued_seed_study): a recording replays only under the settings it was made with, so
    changed first it would make them build for real."""
    settings.REPORT_RENDERER = TINY_ISSUED_REPORT


@pytest.fixture
def demo_users(demo):
    from footprint.models import User

    return {u.username: u for u in User.objects.all()}


@pytest.fixture
def approved(seed_study, demo_users, signing, snapshot_tracker):
    """The seed study approved by the demo users, ready to be issued (settings for signing).
    Recorded and replayed like `demo`: four transitions, each with its readiness checks."""
    from footprint.models import Study

    return Study.objects.get(pk=replay_or_build(
        "approved", lambda: approve(seed_study, demo_users).pk, snapshot_tracker))


def _issue_seed_study(seed_study, users, name, tracker):
    from footprint.models import Study
    from footprint.services.workflow import issuing

    def issue():
        approve(seed_study, users)
        return issuing.study_issue(study=seed_study, user=users["lead"], comment="签发").pk

    return Study.objects.get(pk=replay_or_build(name, issue, tracker))


@pytest.fixture
def issued_seed_study(seed_study, demo_users, signing, snapshot_tracker):
    """The seed study taken through the whole workflow by the demo users: issued and signed."""
    return _issue_seed_study(seed_study, demo_users, "issued_seed_study", snapshot_tracker)


@pytest.fixture
def issued_seed_study_tiny(seed_study, demo_users, signing, snapshot_tracker, settings):
    """issued_seed_study for tests of what an issued study does, not of its report's pages:
    issued the same way, both languages signed for real, but with the one-page report of
    tiny_issued_report (which stays set for the rest of the test). Recorded and replayed
    like issued_seed_study, under a name of its own."""
    settings.REPORT_RENDERER = TINY_ISSUED_REPORT
    return _issue_seed_study(seed_study, demo_users, "issued_seed_study_tiny", snapshot_tracker)


@pytest.fixture(scope="session")
def live_server(django_db_setup, django_db_blocker, live_server):
    """pytest-django's live server, torn down before the test database. A request thread of
    the server can end with its PostgreSQL connection still open, and PostgreSQL refuses to
    drop a database in use; so end such orphaned sessions first."""
    yield live_server
    from django.db import connection

    if connection.vendor == "postgresql":
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the default language (Chinese) and leaves it so, whatever a
    previous test activated: messages rendered by services follow the active language."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
