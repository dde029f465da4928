"""Report panel on the study page: downloads (zh/en), HTML preview and the completeness check."""

from django import template

from ..choices import StudyStatus
from ..services.completeness import study_completeness

register = template.Library()


@register.inclusion_tag("footprint/report/_panel.html", takes_context=True)
def report_panel(context, study, result=None):
    """`result`: pass the study page's calculation result to avoid computing it twice."""
    return {
        "study": study,
        "user": context["user"],
        "request": context.get("request"),
        "missing": study_completeness(study, result=result),
        "issued": study.status == StudyStatus.ISSUED and bool(study.issued_pdf),
    }
