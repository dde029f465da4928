"""Review comments on a study or on one of its activity records, resolved or not.

Anyone who can see a study may comment on it (company contacts included) until it is issued.
A comment is resolved by the study's auditors, its lead verifier, or its author.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ...access import can_comment, can_resolve_comment
from ...models import ActivityRecord, Comment, Study
from .transitions import WorkflowError, WorkflowPermissionDenied

MAX_COMMENT_LENGTH = 5000


def _ensure_open(study: Study) -> None:
    if study.is_frozen:
        raise WorkflowError(
            _("报告 %(number)s 已签发，不能再添加或修改审阅意见。") % {"number": study.report_number}
        )


# The rules live in footprint/access.py; the name stays for the workflow page.
can_resolve = can_resolve_comment


@transaction.atomic
def comment_create(
    *, study: Study, user, text: str, activity: ActivityRecord | None = None
) -> Comment:
    if not can_comment(user, study):
        raise WorkflowPermissionDenied(_("您不能对这份报告发表意见。"))
    _ensure_open(study)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("请填写意见内容。")})
    if len(text) > MAX_COMMENT_LENGTH:
        raise ValidationError({"text": _("意见不能超过 %(n)s 个字符。") % {"n": MAX_COMMENT_LENGTH}})
    if activity is not None and activity.stage.study_product.study_id != study.pk:
        raise ValidationError({"activity": _("这条活动数据不属于该报告。")})
    comment = Comment(study=study, activity=activity, author=user, text=text)
    comment.full_clean()
    comment.save()
    return comment


@transaction.atomic
def comment_set_resolved(*, comment: Comment, user, resolved: bool) -> Comment:
    comment = Comment.objects.select_for_update().select_related("study").get(pk=comment.pk)
    _ensure_open(comment.study)
    if not can_resolve(user, comment):
        raise WorkflowPermissionDenied(_("只有意见的作者、报告的核查员或技术负责人可以处理这条意见。"))
    comment.resolved = resolved
    comment.resolved_by = user if resolved else None
    comment.resolved_at = timezone.now() if resolved else None
    comment.full_clean()
    comment.save()
    return comment


def comment_resolve(*, comment: Comment, user) -> Comment:
    return comment_set_resolved(comment=comment, user=user, resolved=True)


def comment_reopen(*, comment: Comment, user) -> Comment:
    return comment_set_resolved(comment=comment, user=user, resolved=False)
