"""Revising an issued study: a draft copy of all its data with the next revision number.
The issued study stays valid until the revision is issued (issuing.py supersedes it then).
"""

from __future__ import annotations

import re

from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from ...access import can_start_revision
from ...choices import Role, StudyStatus
from ...models import (
    ActivityRecord,
    Study,
    StudyClaim,
    StudyGwpChange,
    StudyProduct,
    VerificationTeamMember,
)
from .. import data_version
from .transitions import (
    WorkflowError,
    WorkflowPermissionDenied,
    attribute_to,
    locked_study,
    record_transition,
)

S = StudyStatus


_REVISION_SUFFIX = re.compile(r"-R\d+$")


def revision_report_number(study: Study, revision: int) -> str:
    return f"{_REVISION_SUFFIX.sub('', study.report_number)}-R{revision}"


def study_revise(*, study: Study, user, comment: str = "") -> Study:
    """Start a revision of an issued study: a draft copy of all its data with the next
    revision number. The issued study stays valid until the revision is issued; then it is
    marked superseded."""
    with transaction.atomic():
        original = locked_study(study)
        if not can_start_revision(user, original):
            raise WorkflowPermissionDenied(_("您的角色不能创建修订版。"))
        if original.status != S.ISSUED:
            raise WorkflowError(_("只有已签发的报告可以修订。"))
        if Study.objects.filter(supersedes=original).exists():
            raise WorkflowError(
                _("报告 %(number)s 已有修订版。") % {"number": original.report_number}
            )
        revision = original.revision + 1
        number = revision_report_number(original, revision)
        if Study.objects.filter(report_number=number).exists():
            raise WorkflowError(_("报告编号 %(number)s 已存在。") % {"number": number})
        copy = _copy_study(original, report_number=number, revision=revision, user=user)
        record_transition(copy, from_status=S.ISSUED, to_status=S.DRAFT, user=user,
                comment=comment.strip() or _("基于 %(number)s 创建修订版。") % {"number": original.report_number})
    return copy


_RESET_ON_REVISION = {
    "status": S.DRAFT, "sent_to_client_at": None, "issue_date": None, "issued_at": None,
    "verification_code": None, "issued_pdf": "", "issued_sha256": "", "issued_snapshot": None,
    "issued_alt_language": "", "issued_alt_pdf": "", "issued_alt_sha256": "",
}


@data_version.batched
def _copy_study(original: Study, *, report_number: str, revision: int, user) -> Study:
    auditors = list(original.auditors.all())
    copy = Study.objects.get(pk=original.pk)
    copy.pk = None
    copy.id = None
    copy._state.adding = True
    copy.report_number = report_number
    copy.revision = revision
    copy.supersedes = original
    copy.created_by = user if user.role == Role.AUDITOR else original.created_by
    for field, value in _RESET_ON_REVISION.items():
        setattr(copy, field, value)
    # A revision is a new draft: it is computed with the current GWP edition, and its study
    # page says what moving from the issued study's edition changed.
    from ...selectors import current_gwp_version

    issued_version, current = copy.gwp_version, current_gwp_version(copy.gwp_set)
    if current is not None:
        copy.gwp_version = current
    copy.full_clean()
    attribute_to(copy, user)
    copy.save()
    if issued_version is not None and current is not None and issued_version.pk != current.pk:
        StudyGwpChange.objects.create(study=copy, from_version=issued_version, to_version=current)
    copy.auditors.set(auditors)
    claims = list(StudyClaim.objects.filter(study=original))
    new_product: dict[int, StudyProduct] = {}
    new_activity: dict[int, ActivityRecord] = {}  # original activity id → its copy
    for sp in StudyProduct.objects.filter(study=original).prefetch_related("stages__activities"):
        stages = list(sp.stages.all())
        old_pk = sp.pk
        new_product[old_pk] = sp
        sp.pk = None
        sp.study = copy
        sp.save()
        for stage in stages:
            activities = list(stage.activities.all())
            stage.pk = None
            stage.study_product = sp
            stage.save()
            originals = [activity.pk for activity in activities]
            for activity in activities:
                activity.pk = None
                activity.stage = stage
            bulk_create_with_history(activities, ActivityRecord, batch_size=1000)
            new_activity.update(zip(originals, activities, strict=True))
    for member in VerificationTeamMember.objects.filter(study=original):
        member.pk = None
        member.study = copy
        member.save()
    for claim in claims:
        claim.pk = None
        claim.study = copy
        claim.study_product = new_product.get(claim.study_product_id) if claim.study_product_id else None
        claim.save()
    # The product images live under the report number: the revision starts with copies.
    from ..entry.images import copy_study_images

    copy_study_images(source=original, target=copy)
    # The evidence too (the same stored files), and each verified figure names the copy of its
    # file, never the issued study's.
    from ..evidence.storage import copy_study_evidence

    new_evidence = copy_study_evidence(source=original, target=copy, activities=new_activity)
    verified = [a for a in new_activity.values() if a.verified_evidence_id]
    for activity in verified:
        activity.verified_evidence = new_evidence[activity.verified_evidence_id]
    ActivityRecord.objects.bulk_update(verified, ["verified_evidence"])
    data_version.touch_studies([copy.pk])  # bulk_create sends no signal
    return copy
