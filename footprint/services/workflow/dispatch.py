"""Run a transition by its name: the views and the API post the action's name."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ...models import Study
from .issuing import study_issue
from .revisions import study_revise
from .transitions import (
    WorkflowError,
    study_approve,
    study_confirm,
    study_request_changes,
    study_resume_editing,
    study_return_to_auditor,
    study_send_for_review,
    study_submit_for_technical_review,
    study_withdraw,
)


def perform(action: str, *, study: Study, user, comment: str = "") -> Study:
    """Run the named transition (the views and the API post the action's name)."""
    services = {
        "send_for_review": study_send_for_review,
        "withdraw": study_withdraw,
        "request_changes": study_request_changes,
        "confirm": study_confirm,
        "resume_editing": study_resume_editing,
        "submit_for_technical_review": study_submit_for_technical_review,
        "return_to_auditor": study_return_to_auditor,
        "approve": study_approve,
        "issue": study_issue,
        "revise": study_revise,
    }
    if action not in services:
        raise WorkflowError(_("未知的操作：%(action)s") % {"action": action})
    return services[action](study=study, user=user, comment=comment)
