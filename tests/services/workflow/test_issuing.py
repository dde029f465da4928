"""Issuing (services/workflow/issuing.py): the signed file, its hash and snapshot, and what
stops an issue without changing anything."""

import hashlib

import pytest

from footprint.choices import StudyStatus as S
from footprint.models import Study
from footprint.services.workflow import issuing, transitions
from tests.services.workflow.steps import to_technical_review


def test_the_whole_round_records_a_timeline_and_issues_a_signed_file(issued_seed_study, demo_users):
    study = Study.objects.get(pk=issued_seed_study.pk)
    assert study.status == S.ISSUED
    steps = [(t.from_status, t.to_status, t.user.username) for t in study.transitions.all()]
    assert steps == [
        (S.DRAFT, S.CLIENT_REVIEW, "auditor"),
        (S.CLIENT_REVIEW, S.CLIENT_CONFIRMED, "client"),
        (S.CLIENT_CONFIRMED, S.TECHNICAL_REVIEW, "auditor"),
        (S.TECHNICAL_REVIEW, S.APPROVED, "lead"),
        (S.APPROVED, S.ISSUED, "lead"),
    ]
    assert study.transitions.last().comment == "签发"
    data = study.issued_pdf.read()
    assert data.startswith(b"%PDF-")
    assert hashlib.sha256(data).hexdigest() == study.issued_sha256
    assert issuing.issued_pdf_bytes(study) == data
    assert len(study.verification_code) >= 24
    assert study.issue_date is not None and study.issued_at is not None


def test_the_snapshot_holds_data_factor_versions_gwp_and_results(issued_seed_study):
    snap = Study.objects.get(pk=issued_seed_study.pk).issued_snapshot
    assert snap["document"]["report_number"] == "202508175GHG"
    assert snap["factor_versions"] == ["CN-DIESEL@1", "CN-GRID-2022@1"]
    assert snap["gwp"]["set"] == "AR5"
    totals = {p["code"]: round(p["total_kgco2e"], 3) for p in snap["results"]["products"]}
    # recomputed totals of the seed report (README): LV 212.852, HV 226.496 kgCO2e per unit
    assert totals == {"LV": 212.852, "HV": 226.496}


def test_issuing_needs_the_signing_key(seed_study, demo_users, settings, tmp_path):
    settings.SIGNING_PKCS12_PATH = str(tmp_path / "missing.p12")
    to_technical_review(seed_study, demo_users)
    transitions.study_approve(study=seed_study, user=demo_users["lead"])
    with pytest.raises(transitions.WorkflowError, match="create_demo_pki"):
        issuing.study_issue(study=seed_study, user=demo_users["lead"])
    study = Study.objects.get(pk=seed_study.pk)
    assert study.status == S.APPROVED and not study.issued_sha256


def test_the_stored_file_is_refused_when_it_no_longer_matches_its_hash(issued_seed_study):
    study = Study.objects.get(pk=issued_seed_study.pk)
    path = study.issued_pdf.path
    with open(path, "r+b") as handle:
        handle.seek(100)
        byte = handle.read(1)
        handle.seek(100)
        handle.write(bytes([byte[0] ^ 1]))
    with pytest.raises(issuing.IssuedFileMissing):
        issuing.issued_pdf_bytes(study)


def test_a_failing_timestamp_server_leaves_the_study_approved(seed_study, demo_users, signing, settings):
    settings.SIGNING_TIMESTAMP_URL = "http://127.0.0.1:9/tsa"  # nothing listens on the discard port
    to_technical_review(seed_study, demo_users)
    transitions.study_approve(study=seed_study, user=demo_users["lead"])
    with pytest.raises(transitions.WorkflowError, match="签名失败"):
        issuing.study_issue(study=seed_study, user=demo_users["lead"])
    study = Study.objects.get(pk=seed_study.pk)
    assert study.status == S.APPROVED and not study.issued_sha256 and not study.issued_pdf


def test_issuing_a_study_too_large_for_a_report_is_refused_and_changes_nothing(seed_study, demo_users, signing, settings):
    from footprint.services.workflow import issuing, transitions

    u = demo_users
    transitions.study_send_for_review(study=seed_study, user=u["auditor"])
    transitions.study_confirm(study=seed_study, user=u["client"])
    transitions.study_submit_for_technical_review(study=seed_study, user=u["auditor"])
    transitions.study_approve(study=seed_study, user=u["lead"])
    settings.REPORT_MAX_ACTIVITIES = 9
    with pytest.raises(transitions.WorkflowError, match="超过报告生成的上限 9 条"):
        issuing.study_issue(study=seed_study, user=u["lead"])
    seed_study.refresh_from_db()
    assert seed_study.status == "approved" and not seed_study.issued_pdf
