"""The recorded fixtures (tests/snapshots.py): a replay leaves exactly the rows and files the
real build left, and nothing is replayed onto a database that is not where it was recorded."""

import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction

from tests import snapshots
from tests.snapshots import Tracker, replay_or_build
from tests.workflow_steps import approve


def _never():
    raise AssertionError("built although a recording should have been replayed")


def _issue_seed_study():
    from footprint.models import Study, User
    from footprint.services.workflow import issuing

    seed = Study.objects.get(report_number="202508175GHG")
    u = {user.username: user for user in User.objects.all()}
    approve(seed, u)
    return issuing.study_issue(study=seed, user=u["lead"]).pk


def test_a_replay_leaves_the_rows_and_files_of_the_real_build(db, signing, monkeypatch, tiny_issued_report):
    """The issue signs the one-page report: the rows and files an issue writes are the same
    with either renderer (it writes nothing itself), and this test compares those."""
    from footprint.services.demo.seed import load_demo

    monkeypatch.setattr(snapshots, "_recordings", {})
    media = Path(settings.MEDIA_ROOT)
    before = snapshots._dump()

    savepoint = transaction.savepoint()
    built = Tracker()
    with connection.execute_wrapper(built):  # as the autouse fixture does
        replay_or_build("demo", load_demo, built)
        pk = replay_or_build("issued", _issue_seed_study, built)
    assert built.applied == ["demo", "issued"]
    real, real_files = snapshots._dump(), snapshots._files(media)
    transaction.savepoint_rollback(savepoint)
    shutil.rmtree(media)
    assert snapshots._dump() == before and snapshots._files(media) == {}

    replayed = Tracker()
    with connection.execute_wrapper(replayed):
        replay_or_build("demo", _never, replayed)
        assert replay_or_build("issued", _never, replayed) == pk
    assert replayed.applied == ["demo", "issued"]
    assert snapshots._dump() == real
    assert snapshots._files(media) == real_files
    assert any(name.endswith(".pdf") for name in real_files)
    # the recorded rows are more than a handful: the whole demo, the workflow, the history
    assert sum(len(change.insert) for change in snapshots._recordings["demo", ()].tables.values()) > 100
    issued = snapshots._recordings["issued", ("demo",)]
    assert "footprint_studytransition" in issued.tables


def _record_demo(monkeypatch):
    from footprint.services.demo.seed import load_demo

    monkeypatch.setattr(snapshots, "_recordings", {})
    savepoint = transaction.savepoint()
    replay_or_build("demo", load_demo, Tracker())
    transaction.savepoint_rollback(savepoint)


def test_nothing_is_replayed_after_another_write(db, monkeypatch):
    from footprint.models import Company

    _record_demo(monkeypatch)
    tracker = Tracker()
    with connection.execute_wrapper(tracker):
        Company.objects.create(name="先写的企业")
    assert tracker.other_writes
    with pytest.raises(AssertionError, match="built although"):
        replay_or_build("demo", _never, tracker)


def test_nothing_is_replayed_onto_other_rows_or_other_settings(db, settings, monkeypatch):
    from footprint.models import EmissionFactor

    _record_demo(monkeypatch)
    # rows removed without the tracker seeing it (as another test's flush would)
    EmissionFactor.objects.all().delete()
    with pytest.raises(AssertionError, match="built although"):
        replay_or_build("demo", _never, Tracker())

    _record_demo(monkeypatch)
    settings.SIGNING_LOCATION = "别处"
    with pytest.raises(AssertionError, match="built although"):
        replay_or_build("demo", _never, Tracker())


def test_the_tracker_sees_writes_and_not_reads(db):
    from footprint.models import Company

    tracker = Tracker()
    with connection.execute_wrapper(tracker):
        list(Company.objects.all())
        assert not tracker.other_writes
        Company.objects.filter(name="无").update(name="无此企业")
    assert tracker.other_writes


def test_a_build_that_wrote_nothing_is_replayed_without_changing_what_comes_after(db, monkeypatch):
    from footprint.services.demo.seed import load_demo

    monkeypatch.setattr(snapshots, "_recordings", {})
    savepoint = transaction.savepoint()
    first = Tracker()
    assert replay_or_build("nothing", lambda: 42, first) == 42
    replay_or_build("demo", load_demo, first)
    assert first.applied == ["demo"]
    transaction.savepoint_rollback(savepoint)

    second = Tracker()
    with connection.execute_wrapper(second):
        assert replay_or_build("nothing", _never, second) == 42
        replay_or_build("demo", _never, second)  # the recording made after it, or before it
    assert second.applied == ["demo"]
    assert list(snapshots._recordings) == [("nothing", ()), ("demo", ())]
