from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from ..selectors import studies_visible_to


@login_required
def dashboard(request):
    studies = studies_visible_to(request.user).order_by("-updated_at")
    return render(request, "footprint/dashboard.html", {"studies": studies})
