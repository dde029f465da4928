"""Access helpers: objects outside a user's scope answer 404, actions outside a role 403."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from ..choices import Role
from ..models import Study
from ..selectors import is_staff_role, studies_visible_to


def get_study_for_user(user, report_number: str) -> Study:
    """The study, if the user may see it; 404 otherwise (never reveal that it exists)."""
    return get_object_or_404(studies_visible_to(user), report_number=report_number)


def require_staff(user) -> None:
    """Auditors, lead verifiers and administrators only; company contacts get 403."""
    if not is_staff_role(user):
        raise PermissionDenied


def can_edit_study(user, study: Study) -> bool:
    """Auditors edit the studies assigned to them; lead verifiers and administrators any.
    (Whether the study is frozen is a separate question: services.freeze.)"""
    if not user.is_authenticated:
        return False
    if user.is_superuser or user.role in (Role.ADMINISTRATOR, Role.LEAD_VERIFIER):
        return True
    if user.role == Role.AUDITOR:
        return study.created_by_id == user.pk or study.auditors.filter(pk=user.pk).exists()
    return False


def get_study_for_edit(user, report_number: str) -> Study:
    """404 if the user may not see the study, 403 if they may see but not edit it."""
    study = get_study_for_user(user, report_number)
    if not can_edit_study(user, study):
        raise PermissionDenied
    return study
