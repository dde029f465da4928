"""Access helpers: objects outside a user's scope answer 404, actions outside a role 403."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from ..models import Study
from ..selectors import is_staff_role, studies_visible_to


def get_study_for_user(user, report_number: str) -> Study:
    """The study, if the user may see it; 404 otherwise (never reveal that it exists)."""
    return get_object_or_404(studies_visible_to(user), report_number=report_number)


def require_staff(user) -> None:
    """Auditors, lead verifiers and administrators only; company contacts get 403."""
    if not is_staff_role(user):
        raise PermissionDenied
