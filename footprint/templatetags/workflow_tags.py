"""Workflow panel on the study page (status, allowed actions, compact timeline, open comments)
and the status badge filters."""

from django import template

from ..choices import StudyStatus

register = template.Library()

_BADGES = {
    StudyStatus.DRAFT: "text-bg-secondary",
    StudyStatus.CLIENT_REVIEW: "text-bg-info",
    StudyStatus.CHANGES_REQUESTED: "text-bg-warning",
    StudyStatus.CLIENT_CONFIRMED: "text-bg-primary",
    StudyStatus.TECHNICAL_REVIEW: "text-bg-info",
    StudyStatus.APPROVED: "text-bg-success",
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
def workflow_panel(context, panel: dict):
    """`panel`: views.panels.workflow_panel(...) — study, actions, transitions, unresolved_count.
    The tag only presents; the view computes the actions and their blockers once."""
    return {**panel, "user": context.get("user"), "request": context.get("request"),
            "csrf_token": context.get("csrf_token")}
