from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from . import views

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("studies/", views.study_list, name="api_study_list"),
    path("studies/import/", views.study_import, name="api_study_import"),
    path("studies/<str:report_number>/", views.study_detail, name="api_study_detail"),
    path("studies/<str:report_number>/export/", views.study_export, name="api_study_export"),
    path("studies/<str:report_number>/transitions/", views.study_transition, name="api_study_transition"),
    path("studies/<str:report_number>/comments/", views.study_comments_view, name="api_study_comments"),
]
