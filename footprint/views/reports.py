"""The report as PDF and as HTML preview (issue 4). Placeholders until the report lands."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse

from .access import get_study_for_user


@login_required
def report_pdf(request, report_number):
    get_study_for_user(request.user, report_number)
    return HttpResponse("not implemented yet", status=501)


@login_required
def report_preview(request, report_number):
    get_study_for_user(request.user, report_number)
    return HttpResponse("not implemented yet", status=501)
