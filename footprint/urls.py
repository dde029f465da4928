from django.urls import path

from .views import dashboard, reports

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    # The report (issue 4). ?lang=en|zh-hans selects the language.
    path("studies/<str:report_number>/report.pdf", reports.report_pdf, name="report_pdf"),
    path("studies/<str:report_number>/report/", reports.report_preview, name="report_preview"),
]
