"""The start page: the studies a user may see, with each product's recomputed total.

It opens on what waits for the user where that is what their role comes for (the lead
verifier: the studies to review, approve and issue); "all" lists everything they may see."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from ..choices import Role
from ..forms.dashboard import DashboardFilterForm
from ..selectors import (
    companies_visible_to,
    dashboard_studies,
    is_staff_role,
    open_data_requests_for,
    studies_waiting_for,
)
from ..services.results import cached_study_results

PAGE_SIZE = 25
VIEWS = ("waiting", "all")


def _default_view(user) -> str:
    return "waiting" if user.role == Role.LEAD_VERIFIER else "all"


@login_required
def dashboard(request):
    form = DashboardFilterForm(request.GET or None, companies=companies_visible_to(request.user))
    filters = form.cleaned_data if form.is_valid() else {}
    view = request.GET.get("view")
    if view not in VIEWS:
        view = _default_view(request.user)
    studies = dashboard_studies(
        request.user,
        q=(filters.get("q") or "").strip(),
        status=filters.get("status") or "",
        company_id=filters["company"].pk if filters.get("company") else None,
    )
    waiting = studies_waiting_for(request.user, studies)
    waiting_count = waiting.count()
    if view == "waiting":
        studies = waiting
    page = Paginator(studies, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    # One batched read for the whole page, then the pure calculation per study.
    results = cached_study_results(rows)
    entries = [{"study": s, "result": results[s.pk]} for s in rows]
    query = request.GET.copy()
    query.pop("page", None)
    other = request.GET.copy()
    other.pop("page", None)
    other.pop("view", None)
    return render(request, "footprint/dashboard.html", {
        "form": form,
        "page": page,
        "entries": entries,
        "query": query.urlencode(),
        "filters_query": other.urlencode(),
        "view": view,
        "waiting_count": waiting_count,
        "internal": is_staff_role(request.user),
        # a company contact's data requests to fill (no query for the certification body)
        "open_requests": open_data_requests_for(request.user),
        "filtered": any(filters.values()) if filters else False,
    })
