"""Report panel on the study page (issue 4 fills it in): completeness check and downloads."""

from django import template

register = template.Library()


@register.inclusion_tag("footprint/report/_panel.html", takes_context=True)
def report_panel(context, study):
    return {"study": study, "user": context["user"], "request": context.get("request")}
