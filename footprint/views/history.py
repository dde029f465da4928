"""The readable audit trail of one study (everyone who can see the study can read it)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ..access import can_edit_study_data, get_study_for_user, sees_licensed_factors
from ..services.entry.history import study_history


@login_required
@require_GET
def study_history_view(request, report_number):
    study = get_study_for_user(request.user, report_number)
    entries = study_history(study, for_licensee=sees_licensed_factors(request.user))
    page = Paginator(entries, 100).get_page(request.GET.get("page"))
    return render(request, "footprint/workflow/history.html", {
        "study": study, "page": page, "may_edit": can_edit_study_data(request.user, study)})
