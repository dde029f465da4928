"""Workflow panel on the study page (issue 5 fills it in): status, timeline, actions, comments."""

from django import template

register = template.Library()


@register.inclusion_tag("footprint/workflow/_panel.html", takes_context=True)
def workflow_panel(context, study):
    return {"study": study, "user": context["user"], "request": context.get("request")}
