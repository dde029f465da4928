"""The review workflow's transitions: by the right role only, from the right status, with
their blockers (comments, calculation errors, incompleteness), and the review lock."""

import pytest

from footprint.choices import StudyStatus as S
from footprint.models import ActivityRecord, LifecycleStage, Study
from footprint.selectors import studies_visible_to
from footprint.services.freeze import StudyFrozenError, StudyLockedError, ensure_study_editable
from footprint.services.workflow import dispatch, transitions
from footprint.services.workflow.comments import comment_create, comment_resolve
from tests.services.workflow.steps import to_client_confirmed, to_technical_review


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
        to_client_confirmed(seed_study, u)
    elif setup == "technical":
        to_technical_review(seed_study, u)
    before = Study.objects.get(pk=seed_study.pk).status
    with pytest.raises(transitions.WorkflowPermissionDenied):
        dispatch.perform(action, study=seed_study, user=u[who])
    assert Study.objects.get(pk=seed_study.pk).status == before


def test_a_lead_verifier_who_audited_the_study_cannot_approve_it(seed_study, demo_users):
    u = demo_users
    seed_study.auditors.add(u["lead"])
    to_technical_review(seed_study, u)
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


def test_calculation_errors_block_approval(seed_study, demo_users):
    # electricity in kg cannot be converted for a kg/kWh factor: a blocking calculation error
    ActivityRecord.objects.filter(stage__study_product__study=seed_study, name="生产用电").update(unit="kg")
    to_technical_review(seed_study, demo_users)
    with pytest.raises(transitions.WorkflowError, match="单位"):
        transitions.study_approve(study=seed_study, user=demo_users["lead"])
    assert Study.objects.get(pk=seed_study.pk).status == S.TECHNICAL_REVIEW


def test_incompleteness_blocks_approval(seed_study, demo_users):
    # a stage of the boundary with neither data nor a reason for leaving it out
    stage = LifecycleStage.objects.get(study_product__study=seed_study,
                                       study_product__product__code="LV", stage="distribution")
    stage.activities.all().delete()
    LifecycleStage.objects.filter(pk=stage.pk).update(exclusion_reason="")
    to_technical_review(seed_study, demo_users)
    with pytest.raises(transitions.WorkflowError, match="排除理由"):
        transitions.study_approve(study=seed_study, user=demo_users["lead"])


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


def test_issued_studies_refuse_comments_and_every_transition_but_revise(issued_seed_study, demo_users):
    study = Study.objects.get(pk=issued_seed_study.pk)
    with pytest.raises(StudyFrozenError):
        ensure_study_editable(study)
    with pytest.raises(transitions.WorkflowError, match="已签发"):
        comment_create(study=study, user=demo_users["client"], text="还能评论吗？")
    for action in transitions.ACTIONS:
        with pytest.raises(transitions.WorkflowError):
            dispatch.perform(action, study=study, user=demo_users["lead"])
    assert [a.action.name for a in transitions.available_actions(study, demo_users["lead"])] == []


def test_blockers_use_what_the_page_already_computed(seed_study, demo_users, monkeypatch):
    """The study page passes its result, completeness items and open comment count: the
    blockers then neither recompute nor count again, and say the same as when they do."""
    from footprint.services import results
    from footprint.services.workflow.completeness import Missing

    u = demo_users
    to_technical_review(seed_study, u)
    study = Study.objects.get(pk=seed_study.pk)
    computed = transitions.available_actions(study, u["lead"])
    assert [a.action.name for a in computed] == ["return_to_auditor", "approve"]
    result = results.study_results(study)

    def refuse(_study):
        raise AssertionError("recomputed")

    monkeypatch.setattr(transitions, "study_results", refuse)
    missing = [Missing("x", "缺少某项。", "w", "team")]
    given = transitions.available_actions(study, u["lead"], result=result, missing=missing, unresolved=2)
    approve = next(a for a in given if a.action.name == "approve")
    # two open comments and the one blocking item given, no calculation error in the seed
    assert list(approve.blockers) == ["还有 2 条未解决的审阅意见。", "缺少某项。"]
    assert not approve.enabled
