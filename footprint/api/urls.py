from django.urls import path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.permissions import IsAuthenticated

from . import schema, views  # noqa: F401  (schema registers the auth scheme's description)

urlpatterns = [
    # The schema describes the API to its users: logged in, like every other API call.
    path("schema/", SpectacularAPIView.as_view(permission_classes=[IsAuthenticated]), name="api_schema"),
    path("studies/", views.study_list, name="api_study_list"),
    path("studies/import/", views.study_import, name="api_study_import"),
    path("studies/<str:report_number>/", views.study_detail, name="api_study_detail"),
    path("studies/<str:report_number>/export/", views.study_export, name="api_study_export"),
    path("studies/<str:report_number>/openlca/", views.study_export_openlca, name="api_study_export_openlca"),
    path("studies/<str:report_number>/transitions/", views.study_transition, name="api_study_transition"),
    path("jobs/<int:job_id>/", views.job_detail, name="api_job"),
    path("studies/<str:report_number>/comments/", views.study_comments_view, name="api_study_comments"),
    path("requests/", views.data_request_list, name="api_data_request_list"),
    path("studies/<str:report_number>/requests/<int:request_id>/", views.data_request_detail,
         name="api_data_request_detail"),
    path("studies/<str:report_number>/requests/<int:request_id>/submit/", views.data_request_submit,
         name="api_data_request_submit"),
    path("studies/<str:report_number>/activities/<int:pk>/verification/", views.activity_verification,
         name="api_activity_verification"),
    path("studies/<str:report_number>/evidence/", views.evidence_list, name="api_evidence_list"),
    path("studies/<str:report_number>/evidence/<int:pk>/", views.evidence_detail, name="api_evidence_detail"),
    path("studies/<str:report_number>/evidence/<int:pk>/download/", views.evidence_download,
         name="api_evidence_download"),
]
