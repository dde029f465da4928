"""The recorded fixtures (tests/snapshots.py): a replay leaves exactly the rows and files the
real build left, and nothing is replayed onto a database that is not where it was recorded."""

import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test import override_settings

from tests import shared_run, snapshots
from tests.snapshots import Tracker, replay_or_build
from tests.workflow_steps import approve


@pytest.fixture(autouse=True)
def _this_process_only(monkeypatch):
    """These tests compare a replay with a real build: no recording of another process of the
    run may stand in for the build (test_a_recording_is_shared_by_the_processes_of_a_run sets
    its own folder)."""
    monkeypatch.setattr(shared_run, "_folder", {})


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


def test_a_recording_is_shared_by_the_processes_of_a_run(db, monkeypatch, tmp_path):
    """One process records into the run's folder; another (here: this one with its recordings
    forgotten) replays the file instead of building, and gets the real build's rows."""
    from footprint.services.demo.seed import load_demo

    shared_run.share_in(tmp_path)
    monkeypatch.setattr(snapshots, "_recordings", {})
    before = snapshots._dump()
    savepoint = transaction.savepoint()
    replay_or_build("demo", load_demo, Tracker())
    real = snapshots._dump()
    transaction.savepoint_rollback(savepoint)
    assert [p.name.startswith("recording-demo-") for p in tmp_path.glob("*.pickle")] == [True]

    monkeypatch.setattr(snapshots, "_recordings", {})  # another process
    replayed = Tracker()
    with connection.execute_wrapper(replayed):
        replay_or_build("demo", _never, replayed)
    assert replayed.applied == ["demo"] and snapshots._dump() == real != before

    # from another starting state, the file is not used: that process builds for real
    transaction.savepoint_rollback(savepoint)
    monkeypatch.setattr(snapshots, "_recordings", {})
    with override_settings(SIGNING_LOCATION="别处"), \
            pytest.raises(AssertionError, match="built although"):
        replay_or_build("demo", _never, Tracker())


def test_a_build_that_cannot_be_replayed_is_built_by_every_process(db, monkeypatch, tmp_path):
    from django.core import mail

    def build_sending_mail():
        mail.send_mail("记录", "正文", None, ["a@example.com"])  # a side effect a replay lacks
        return 1

    shared_run.share_in(tmp_path)
    monkeypatch.setattr(snapshots, "_recordings", {})
    assert replay_or_build("mails", build_sending_mail, Tracker()) == 1
    monkeypatch.setattr(snapshots, "_recordings", {})  # another process
    with pytest.raises(AssertionError, match="built although"):
        replay_or_build("mails", _never, Tracker())
