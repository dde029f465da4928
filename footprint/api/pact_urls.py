"""The PACT v3 host API, at the paths the specification fixes (docs/pact.md)."""

from django.urls import path

from . import pact

urlpatterns = [
    path("auth/token", pact.auth_token, name="pact_auth_token"),
    path("3/footprints", pact.footprint_list, name="pact_footprint_list"),
    path("3/footprints/<str:pf_id>", pact.footprint_detail, name="pact_footprint_detail"),
    path("3/events", pact.events, name="pact_events"),
]
