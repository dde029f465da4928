"""The review workflow: transitions by the right role only, blockers, timeline, e-mails,
issuing (signed file, hash, snapshot), revisions and the review lock.

The issued study is issued_seed_study_tiny: what issuing records (timeline, file, hash,
snapshot), not what the report prints (tests/reports/, test_issuing_languages).
"""

import hashlib

import pytest
from django.core import mail

from footprint.choices import StudyStatus as S
from footprint.models import ActivityRecord, LifecycleStage, Study
from footprint.selectors import studies_visible_to
from footprint.services.freeze import StudyFrozenError, StudyLockedError, ensure_study_editable
from footprint.services.workflow import dispatch, issuing, revisions, transitions
from footprint.services.workflow.comments import comment_create, comment_resolve
from tests.workflow_steps import approve


def _to_client_confirmed(study, u):
    transitions.study_send_for_review(study=study, user=u["auditor"])
    transitions.study_confirm(study=study, user=u["client"])


def _to_technical_review(study, u):
    _to_client_confirmed(study, u)
    transitions.study_submit_for_technical_review(study=study, user=u["auditor"])


def test_the_whole_round_records_a_timeline_and_issues_a_signed_file(issued_seed_study_tiny, demo_users):
    study = Study.objects.get(pk=issued_seed_study_tiny.pk)
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


def test_the_snapshot_holds_data_factor_versions_gwp_and_results(issued_seed_study_tiny):
    snap = Study.objects.get(pk=issued_seed_study_tiny.pk).issued_snapshot
    assert snap["document"]["report_number"] == "202508175GHG"
    assert snap["factor_versions"] == ["CN-DIESEL@1", "CN-GRID-2022@1"]
    assert snap["gwp"]["set"] == "AR5"
    totals = {p["code"]: round(p["total_kgco2e"], 3) for p in snap["results"]["products"]}
    # recomputed totals of the seed report (README): LV 212.852, HV 226.496 kgCO2e per unit
    assert totals == {"LV": 212.852, "HV": 226.496}


def test_each_step_emails_the_other_side(seed_study, demo_users, django_capture_on_commit_callbacks):
    u = demo_users

    def step(service, who, comment=""):
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            service(study=seed_study, user=u[who], comment=comment)
        return sorted(to for m in mail.outbox for to in m.to)

    assert step(transitions.study_send_for_review, "auditor", "请审阅") == ["client@example.com"]
    assert "请审阅" in mail.outbox[0].body
    assert step(transitions.study_request_changes, "client", "产量有误") == ["auditor@example.com"]
    assert "产量有误" in mail.outbox[0].body
    assert step(transitions.study_resume_editing, "auditor") == ["client@example.com"]
    step(transitions.study_send_for_review, "auditor")
    assert step(transitions.study_confirm, "client") == ["auditor@example.com"]
    assert step(transitions.study_submit_for_technical_review, "auditor") == ["lead@example.com"]
    assert step(transitions.study_approve, "lead") == ["auditor@example.com"]


@pytest.mark.parametrize(
    ("setup", "action", "who"),
    [
        (None, "send_for_review", "client"),
        (None, "send_for_review", "lead"),
        (None, "send_for_review", "alice"),  # an auditor not assigned to the study
        ("review", "confirm", "auditor"),
        ("review", "confirm", "client2"),  # contact of another company
        ("review", "request_changes", "lead"),
        ("confirmed", "submit_for_technical_review", "client"),
        ("technical", "approve", "auditor"),
        ("technical", "approve", "client"),
        ("technical", "approve", "admin"),
        ("technical", "approve", "victor"),  # a lead verifier, but not this study's
        ("technical", "return_to_auditor", "auditor"),
    ],
)
def test_wrong_role_transitions_are_refused(seed_study, demo_users, auditor, lead_verifier,
                                            setup, action, who):
    u = {**demo_users, "alice": auditor, "victor": lead_verifier}
    if setup == "review":
        transitions.study_send_for_review(study=seed_study, user=u["auditor"])
    elif setup == "confirmed":
        _to_client_confirmed(seed_study, u)
    elif setup == "technical":
        _to_technical_review(seed_study, u)
    before = Study.objects.get(pk=seed_study.pk).status
    with pytest.raises(transitions.WorkflowPermissionDenied):
        dispatch.perform(action, study=seed_study, user=u[who])
    assert Study.objects.get(pk=seed_study.pk).status == before


def test_a_lead_verifier_who_audited_the_study_cannot_approve_it(seed_study, demo_users):
    u = demo_users
    seed_study.auditors.add(u["lead"])
    _to_technical_review(seed_study, u)
    with pytest.raises(transitions.WorkflowPermissionDenied):
        transitions.study_approve(study=seed_study, user=u["lead"])


def test_transitions_from_the_wrong_status_are_refused(seed_study, demo_users):
    with pytest.raises(transitions.WorkflowError, match="草稿"):
        transitions.study_approve(study=seed_study, user=demo_users["lead"])
    with pytest.raises(transitions.WorkflowError):
        transitions.study_confirm(study=seed_study, user=demo_users["client"])


def test_unresolved_comments_block_technical_review(seed_study, demo_users):
    u = demo_users
    transitions.study_send_for_review(study=seed_study, user=u["auditor"])
    activity = ActivityRecord.objects.filter(stage__study_product__study=seed_study).first()
    comment = comment_create(study=seed_study, user=u["client"], text="这一行的电量？", activity=activity)
    transitions.study_confirm(study=seed_study, user=u["client"])
    with pytest.raises(transitions.WorkflowError, match="未解决"):
        transitions.study_submit_for_technical_review(study=seed_study, user=u["auditor"])
    blockers = transitions.available_actions(Study.objects.get(pk=seed_study.pk), u["auditor"])
    assert any(a.action.name == "submit_for_technical_review" and a.blockers for a in blockers)
    comment_resolve(comment=comment, user=u["auditor"])
    transitions.study_submit_for_technical_review(study=seed_study, user=u["auditor"])
    assert Study.objects.get(pk=seed_study.pk).status == S.TECHNICAL_REVIEW


def _break_units(study):
    # electricity in kg cannot be converted for a kg/kWh factor: a blocking calculation error
    ActivityRecord.objects.filter(stage__study_product__study=study, name="生产用电").update(unit="kg")


def _break_completeness(study):
    # a stage of the boundary with neither data nor a reason for leaving it out
    stage = LifecycleStage.objects.get(study_product__study=study,
                                       study_product__product__code="LV", stage="distribution")
    stage.activities.all().delete()
    LifecycleStage.objects.filter(pk=stage.pk).update(exclusion_reason="")


@pytest.mark.parametrize(("damage", "says"), [(_break_units, "单位"), (_break_completeness, "排除理由")])
def test_what_only_a_draft_can_fix_blocks_sending_to_the_company(seed_study, demo_users, damage, says):
    # The data locks when the study is sent: approval's blockers are asked for here, not at
    # approval, where nobody could fix them without a second confirmation by the company.
    damage(seed_study)
    actions = {a.action.name: a for a in transitions.available_actions(seed_study, demo_users["auditor"])}
    assert any(says in b for b in actions["send_for_review"].blockers)
    with pytest.raises(transitions.WorkflowError, match=says):
        transitions.study_send_for_review(study=seed_study, user=demo_users["auditor"])
    assert Study.objects.get(pk=seed_study.pk).status == S.DRAFT


def test_sending_to_the_company_needs_a_lead_verifier_with_a_link_to_fix_it(seed_study, demo_users):
    Study.objects.filter(pk=seed_study.pk).update(lead_verifier=None)
    study = Study.objects.get(pk=seed_study.pk)
    send = next(a for a in transitions.available_actions(study, demo_users["auditor"])
                if a.action.name == "send_for_review")
    assert not send.enabled
    lead = [b for b in send.blockers if "技术负责人" in b]
    assert lead and lead[0].field == "study.lead_verifier"
    with pytest.raises(transitions.WorkflowError, match="技术负责人"):
        transitions.study_send_for_review(study=study, user=demo_users["auditor"])


@pytest.mark.parametrize(("damage", "says"), [(_break_units, "单位"), (_break_completeness, "排除理由")])
def test_what_breaks_under_review_still_blocks_the_technical_review_and_approval(
        seed_study, demo_users, damage, says):
    _to_client_confirmed(seed_study, demo_users)
    damage(seed_study)  # behind the lock's back (a study sent before the rule, a database edit)
    with pytest.raises(transitions.WorkflowError, match=says):
        transitions.study_submit_for_technical_review(study=seed_study, user=demo_users["auditor"])
    Study.objects.filter(pk=seed_study.pk).update(status=S.TECHNICAL_REVIEW)
    with pytest.raises(transitions.WorkflowError, match=says):
        transitions.study_approve(study=seed_study, user=demo_users["lead"])
    assert Study.objects.get(pk=seed_study.pk).status == S.TECHNICAL_REVIEW


def test_issuing_needs_the_signing_key(seed_study, demo_users, settings, tmp_path, tiny_issued_report):
    settings.SIGNING_PKCS12_PATH = str(tmp_path / "missing.p12")
    _to_technical_review(seed_study, demo_users)
    transitions.study_approve(study=seed_study, user=demo_users["lead"])
    with pytest.raises(transitions.WorkflowError, match="create_demo_pki"):
        issuing.study_issue(study=seed_study, user=demo_users["lead"])
    study = Study.objects.get(pk=seed_study.pk)
    assert study.status == S.APPROVED and not study.issued_sha256


def test_contacts_see_a_study_once_sent_and_keep_seeing_it(seed_study, demo_users):
    u = demo_users
    client = u["client"]
    assert not studies_visible_to(client).filter(pk=seed_study.pk).exists()
    transitions.study_send_for_review(study=seed_study, user=u["auditor"])
    assert studies_visible_to(client).filter(pk=seed_study.pk).exists()
    transitions.study_request_changes(study=seed_study, user=client, comment="请修改")
    transitions.study_resume_editing(study=seed_study, user=u["auditor"])
    assert Study.objects.get(pk=seed_study.pk).status == S.DRAFT
    # the contact asked for the changes: the study stays visible while it is corrected
    assert studies_visible_to(client).filter(pk=seed_study.pk).exists()
    assert not studies_visible_to(u["client2"]).filter(pk=seed_study.pk).exists()


def test_data_is_locked_under_review_and_frozen_once_issued(seed_study, demo_users, signing):
    ensure_study_editable(seed_study)  # a draft may change
    transitions.study_send_for_review(study=seed_study, user=demo_users["auditor"])
    with pytest.raises(StudyLockedError, match="退回草稿"):
        ensure_study_editable(Study.objects.get(pk=seed_study.pk))
    transitions.study_withdraw(study=seed_study, user=demo_users["auditor"], comment="补充数据")
    ensure_study_editable(Study.objects.get(pk=seed_study.pk))


def test_revising_copies_the_data_and_issuing_the_revision_supersedes_the_original(
    issued_seed_study_tiny, demo_users
):
    u = demo_users
    original = Study.objects.get(pk=issued_seed_study_tiny.pk)
    revision = revisions.study_revise(study=original, user=u["auditor"], comment="更正电力因子")
    assert revision.report_number == "202508175GHG-R1"
    assert revision.revision == 1 and revision.status == S.DRAFT
    assert revision.supersedes_id == original.pk
    assert not revision.issued_sha256 and revision.verification_code is None
    count = ActivityRecord.objects.filter(stage__study_product__study=revision).count()
    assert count == ActivityRecord.objects.filter(stage__study_product__study=original).count() == 10
    # the claims of the source report come along, each on the revision's own product
    claims = revision.claims.exclude(study_product=None)
    assert revision.claims.count() == original.claims.count() == 59
    assert {c.study_product.study_id for c in claims} == {revision.pk}
    # the original stays valid until the revision is issued; the contact does not see the draft
    assert Study.objects.get(pk=original.pk).status == S.ISSUED
    assert not studies_visible_to(u["client"]).filter(pk=revision.pk).exists()
    with pytest.raises(transitions.WorkflowError, match="已有修订版"):
        revisions.study_revise(study=original, user=u["auditor"])

    _to_technical_review(revision, u)
    transitions.study_approve(study=revision, user=u["lead"])
    issuing.study_issue(study=revision, user=u["lead"])
    original.refresh_from_db()
    assert original.status == S.SUPERSEDED
    assert original.transitions.last().to_status == S.SUPERSEDED
    second = revisions.study_revise(study=Study.objects.get(pk=revision.pk), user=u["lead"])
    assert second.report_number == "202508175GHG-R2"


def test_issued_studies_refuse_comments_and_every_transition_but_revise(issued_seed_study_tiny, demo_users):
    study = Study.objects.get(pk=issued_seed_study_tiny.pk)
    with pytest.raises(StudyFrozenError):
        ensure_study_editable(study)
    with pytest.raises(transitions.WorkflowError, match="已签发"):
        comment_create(study=study, user=demo_users["client"], text="还能评论吗？")
    for action in transitions.ACTIONS:
        with pytest.raises(transitions.WorkflowError):
            dispatch.perform(action, study=study, user=demo_users["lead"])
    assert [a.action.name for a in transitions.available_actions(study, demo_users["lead"])] == []


def test_the_stored_file_is_refused_when_it_no_longer_matches_its_hash(issued_seed_study_tiny):
    study = Study.objects.get(pk=issued_seed_study_tiny.pk)
    path = study.issued_pdf.path
    with open(path, "r+b") as handle:
        handle.seek(100)
        byte = handle.read(1)
        handle.seek(100)
        handle.write(bytes([byte[0] ^ 1]))
    with pytest.raises(issuing.IssuedFileMissing):
        issuing.issued_pdf_bytes(study)


def test_report_numbers_of_revisions():
    study = Study(report_number="ABC-R3", revision=3)
    assert revisions.revision_report_number(study, 4) == "ABC-R4"
    assert revisions.revision_report_number(Study(report_number="X1"), 1) == "X1-R1"


def test_a_failing_timestamp_server_leaves_the_study_approved(seed_study, demo_users, signing, settings, tiny_issued_report):
    settings.SIGNING_TIMESTAMP_URL = "http://127.0.0.1:9/tsa"  # nothing listens on the discard port
    _to_technical_review(seed_study, demo_users)
    transitions.study_approve(study=seed_study, user=demo_users["lead"])
    with pytest.raises(transitions.WorkflowError, match="签名失败"):
        issuing.study_issue(study=seed_study, user=demo_users["lead"])
    study = Study.objects.get(pk=seed_study.pk)
    assert study.status == S.APPROVED and not study.issued_sha256 and not study.issued_pdf


def test_issuing_a_study_too_large_for_a_report_is_refused_and_changes_nothing(seed_study, demo_users, signing, settings):
    from footprint.services.workflow import issuing, transitions

    u = demo_users
    approve(seed_study, u)
    settings.REPORT_MAX_ACTIVITIES = 9
    with pytest.raises(transitions.WorkflowError, match="超过报告生成的上限 9 条"):
        issuing.study_issue(study=seed_study, user=u["lead"])
    seed_study.refresh_from_db()
    assert seed_study.status == "approved" and not seed_study.issued_pdf


def test_blockers_use_what_the_page_already_computed(seed_study, demo_users, monkeypatch):
    """The study page passes its result, completeness items and open comment count: the
    blockers then neither recompute nor count again, and say the same as when they do."""
    from footprint.services import results
    from footprint.services.workflow.completeness import Missing

    u = demo_users
    _to_technical_review(seed_study, u)
    study = Study.objects.get(pk=seed_study.pk)
    computed = transitions.available_actions(study, u["lead"])
    assert [a.action.name for a in computed] == ["return_to_auditor", "approve"]
    result = results.study_results(study)

    def refuse(_study):
        raise AssertionError("recomputed")

    monkeypatch.setattr(results, "study_results", refuse)  # where readiness.study_checks looks
    missing = [Missing("x", "缺少某项。", "w", "team")]
    given = transitions.available_actions(study, u["lead"], result=result, missing=missing, unresolved=2)
    approve = next(a for a in given if a.action.name == "approve")
    # two open comments and the one blocking item given, no calculation error in the seed
    assert list(approve.blockers) == ["还有 2 条未解决的审阅意见。", "缺少某项。"]
    assert not approve.enabled
