"""Naming the lead verifier of a study that is already under review.

A study sent before its lead verifier was chosen would otherwise wait at approval for a return
to draft and a second confirmation by the company of the same data. Only the lead verifier
changes here: the data stays locked (services/freeze.py) and the rule of independence is the
team page's (services/team.people_problems).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ...access import can_assign_lead_under_review
from ...models import Study, User
from .team import people_problems


@transaction.atomic
def study_lead_verifier_assign(*, study: Study, lead_verifier: User | None, user) -> Study:
    """Set the lead verifier of a study under review (administrators). Raises PermissionDenied
    for anyone else or another status, ValidationError {"lead_verifier": [...]} for a choice
    the rule of independence refuses; changes nothing then."""
    locked = Study.objects.select_for_update().get(pk=study.pk)
    if not can_assign_lead_under_review(user, locked):
        raise PermissionDenied(_("只有管理员可以为审阅中的报告指定技术负责人。"))
    if lead_verifier is None:
        raise ValidationError({"lead_verifier": [_("请选择技术负责人。")]})
    errors = people_problems(study=locked, auditors=list(locked.auditors.all()),
                             lead_verifier=lead_verifier)
    if errors:
        raise ValidationError(errors)
    locked.lead_verifier = lead_verifier
    locked._history_user = user
    locked.save(update_fields=["lead_verifier", "updated_at"])
    return locked
