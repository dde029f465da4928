"""Issuing freezes the evidence: the snapshot lists every file with its hash and activity."""

import hashlib

import pytest

from footprint.models import ActivityRecord
from footprint.services.evidence import storage
from footprint.services.workflow import issuing
from tests.services.evidence.test_sniffing import PDF, png

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def test_the_snapshot_lists_every_file_with_its_hash(seed_study):
    activity = ActivityRecord.objects.filter(stage__study_product__study=seed_study).order_by("pk").first()
    storage.evidence_add(study=seed_study, upload=PDF, filename="电费单.pdf", activity=activity)
    storage.evidence_add(study=seed_study, upload=png(), filename="meter.png")
    snapshot = issuing.issue_snapshot(seed_study)
    assert [(e["name"], e["kind"], e["sha256"]) for e in snapshot["evidence"]] == [
        ("电费单.pdf", "pdf", hashlib.sha256(PDF).hexdigest()),
        ("meter.png", "png", hashlib.sha256(png()).hexdigest()),
    ]
    first = snapshot["evidence"][0]["activity"]
    assert (first["product"], first["stage"], first["name"]) == (
        activity.stage.study_product.product.code, activity.stage.stage, activity.name)
    assert snapshot["evidence"][1]["activity"] is None


def test_a_file_added_after_rendering_is_seen_as_a_change(seed_study):
    before = issuing.issue_snapshot(seed_study)
    prepared = issuing.PreparedIssue(study=seed_study, signed=b"", snapshot=before,
                                     updated_at=seed_study.updated_at)
    assert issuing._same_data(seed_study, prepared)
    storage.evidence_add(study=seed_study, upload=PDF, filename="late.pdf")
    seed_study.refresh_from_db()
    prepared.updated_at = seed_study.updated_at  # even with the same timestamp, the list differs
    assert not issuing._same_data(seed_study, prepared)
