"""Revisions of an issued study (services/workflow/revisions.py)."""

import pytest

from footprint.choices import StudyStatus as S
from footprint.models import ActivityRecord, Study
from footprint.selectors import studies_visible_to
from footprint.services.workflow import issuing, revisions, transitions
from tests.services.workflow.steps import to_technical_review


def test_revising_copies_the_data_and_issuing_the_revision_supersedes_the_original(
    issued_seed_study, demo_users
):
    u = demo_users
    original = Study.objects.get(pk=issued_seed_study.pk)
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

    to_technical_review(revision, u)
    transitions.study_approve(study=revision, user=u["lead"])
    issuing.study_issue(study=revision, user=u["lead"])
    original.refresh_from_db()
    assert original.status == S.SUPERSEDED
    assert original.transitions.last().to_status == S.SUPERSEDED
    second = revisions.study_revise(study=Study.objects.get(pk=revision.pk), user=u["lead"])
    assert second.report_number == "202508175GHG-R2"


def test_report_numbers_of_revisions():
    study = Study(report_number="ABC-R3", revision=3)
    assert revisions.revision_report_number(study, 4) == "ABC-R4"
    assert revisions.revision_report_number(Study(report_number="X1"), 1) == "X1-R1"
