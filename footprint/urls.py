from django.urls import path

from .views import dashboard, reports

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    # The report (issue 4). ?lang=en|zh-hans selects the language.
    path("studies/<str:report_number>/report.pdf", reports.report_pdf, name="report_pdf"),
    path("studies/<str:report_number>/report/", reports.report_preview, name="report_preview"),
]

# Review, approval and signing (issue 5).
from .views import history as history_views  # noqa: E402
from .views import verify as verify_views  # noqa: E402
from .views import workflow as workflow_views  # noqa: E402

urlpatterns += [
    path("studies/<str:report_number>/workflow/", workflow_views.study_workflow, name="study_workflow"),
    path("studies/<str:report_number>/workflow/transition/", workflow_views.study_transition,
         name="study_transition"),
    path("studies/<str:report_number>/comments/", workflow_views.comment_create, name="comment_create"),
    path("studies/<str:report_number>/comments/<int:comment_id>/resolve/",
         workflow_views.comment_resolve, name="comment_resolve"),
    path("studies/<str:report_number>/comments/<int:comment_id>/reopen/",
         workflow_views.comment_reopen, name="comment_reopen"),
    path("studies/<str:report_number>/history/", history_views.study_history_view, name="study_history"),
    path("studies/<str:report_number>/issued.pdf", workflow_views.issued_pdf, name="issued_pdf"),
    path("verify/", verify_views.verify_index, name="verify_index"),
    path("verify/<str:code>/", verify_views.verify_report, name="verify_report"),
]
