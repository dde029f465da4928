"""The auditor's start page: the studies they may see, with each product's recomputed total."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from ..forms.dashboard import DashboardFilterForm
from ..selectors import companies_visible_to, dashboard_studies, study_calculation_inputs
from ..services.calculation.study import calculate_study

PAGE_SIZE = 25


@login_required
def dashboard(request):
    form = DashboardFilterForm(request.GET or None, companies=companies_visible_to(request.user))
    filters = form.cleaned_data if form.is_valid() else {}
    studies = dashboard_studies(
        request.user,
        q=(filters.get("q") or "").strip(),
        status=filters.get("status") or "",
        company_id=filters["company"].pk if filters.get("company") else None,
    )
    page = Paginator(studies, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    # One batched read for the whole page, then the pure calculation per study.
    inputs = study_calculation_inputs(rows)
    results = {pk: calculate_study(study_input) for pk, study_input in inputs.items()}
    entries = [{"study": s, "result": results[s.pk]} for s in rows]
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "footprint/dashboard.html", {
        "form": form,
        "page": page,
        "entries": entries,
        "query": query.urlencode(),
        "filtered": any(filters.values()) if filters else False,
    })
