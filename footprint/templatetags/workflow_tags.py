"""Workflow panel on the study page: status, allowed actions, compact timeline, open comments."""

from django import template

from ..choices import StudyStatus
from ..selectors import study_transitions
from ..services import workflow

register = template.Library()

_BADGES = {
    StudyStatus.DRAFT: "text-bg-secondary",
    StudyStatus.CLIENT_REVIEW: "text-bg-info",
    StudyStatus.CHANGES_REQUESTED: "text-bg-warning",
    StudyStatus.CLIENT_CONFIRMED: "text-bg-primary",
    StudyStatus.TECHNICAL_REVIEW: "text-bg-info",
    StudyStatus.APPROVED: "text-bg-primary",
    StudyStatus.ISSUED: "text-bg-success",
    StudyStatus.SUPERSEDED: "text-bg-dark",
}


@register.filter
def status_badge(status: str) -> str:
    """The Bootstrap badge class of a workflow status."""
    return _BADGES.get(status, "text-bg-secondary")


@register.filter
def status_label(status: str) -> str:
    try:
        return StudyStatus(status).label
    except ValueError:
        return status


@register.inclusion_tag("footprint/workflow/_panel.html", takes_context=True)
def workflow_panel(context, study):
    user = context["user"]
    return {
        "study": study,
        "user": user,
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
        "actions": workflow.available_actions(study, user),
        "transitions": study_transitions(study)[-5:],
        "unresolved_count": workflow.unresolved_comment_count(study),
    }
