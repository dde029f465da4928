from django.urls import path, register_converter

from .views import (
    activities,
    companies,
    dashboard,
    factor_library,
    factors,
    health,
    importing,
    reports,
    results,
    studies,
    translations,
)


class ExportFormatConverter:
    regex = "json|xlsx"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(ExportFormatConverter, "exportfmt")

urlpatterns = [
    path("healthz/", health.healthz, name="healthz"),
    path("", dashboard.dashboard, name="dashboard"),
    # Companies and products
    path("companies/", companies.company_list, name="company_list"),
    path("companies/new/", companies.company_create, name="company_create"),
    path("companies/<int:pk>/", companies.company_detail, name="company_detail"),
    path("companies/<int:pk>/edit/", companies.company_edit, name="company_edit"),
    path("companies/<int:company_pk>/products/new/", companies.product_create, name="product_create"),
    path("products/<int:pk>/edit/", companies.product_edit, name="product_edit"),
    # Studies
    path("studies/new/", studies.study_create, name="study_create"),
    path("studies/import/", importing.study_import, name="study_import"),
    path("studies/import/confirm/", importing.study_import_confirm, name="study_import_confirm"),
    path("studies/import/cancel/", importing.study_import_cancel, name="study_import_cancel"),
    path("studies/import/jobs/<int:job_id>/", importing.study_import_job, name="study_import_job"),
    path("studies/import/previews/<int:job_id>/", importing.study_import_preview, name="study_import_preview"),
    path("studies/<str:report_number>/", studies.study_detail, name="study_detail"),
    path("studies/<str:report_number>/edit/", studies.study_edit, name="study_edit"),
    path("studies/<str:report_number>/results/", results.study_results_view, name="study_results"),
    path("studies/<str:report_number>/results/uncertainty/", results.study_results_uncertainty,
         name="study_results_uncertainty"),
    path("studies/<str:report_number>/narrative/", studies.study_narrative, name="study_narrative"),
    path("studies/<str:report_number>/english/", translations.study_translations, name="study_translations"),
    path("studies/<str:report_number>/export.<exportfmt:fmt>", studies.study_export, name="study_export"),
    path("studies/<str:report_number>/openlca.zip", studies.study_export_openlca, name="study_export_openlca"),
    path("studies/<str:report_number>/add-product/", studies.study_product_add, name="study_product_add"),
    path("studies/<str:report_number>/products/<str:product_code>/",
         activities.study_product_stages, name="study_product_stages"),
    path("studies/<str:report_number>/products/<str:product_code>/output/",
         studies.study_product_output, name="study_product_output"),
    path("studies/<str:report_number>/products/<str:product_code>/remove/",
         studies.study_product_remove, name="study_product_remove"),
    # Factor library
    path("factors/", factors.factor_list, name="factor_list"),
    path("factors/new/", factors.factor_create, name="factor_create"),
    path("factors/import/", factor_library.factor_import, name="factor_import"),
    path("factors/import/confirm/", factor_library.factor_import_confirm, name="factor_import_confirm"),
    path("factors/import/cancel/", factor_library.factor_import_cancel, name="factor_import_cancel"),
    path("factors/import/previews/<int:job_id>/", factor_library.factor_import_preview,
         name="factor_import_preview"),
    path("factors/import/jobs/<int:job_id>/", factor_library.factor_import_job, name="factor_import_job"),
    path("factors/export/", factor_library.factor_export, name="factor_export"),
    path("factors/picker/", activities.factor_picker, name="factor_picker"),
    path("factors/lookup/", activities.factor_lookup, name="factor_lookup"),
    path("factors/<int:pk>/", factors.factor_detail, name="factor_detail"),
    path("factors/<int:pk>/new-version/", factors.factor_new_version, name="factor_new_version"),
    path("units/check/", activities.unit_check, name="unit_check"),
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
    path("studies/<str:report_number>/workflow/issue-jobs/<int:job_id>/", workflow_views.study_issue_job,
         name="study_issue_job"),
    path("studies/<str:report_number>/comments/", workflow_views.comment_create, name="comment_create"),
    path("studies/<str:report_number>/comments/<int:comment_id>/resolve/",
         workflow_views.comment_resolve, name="comment_resolve"),
    path("studies/<str:report_number>/comments/<int:comment_id>/reopen/",
         workflow_views.comment_reopen, name="comment_reopen"),
    path("studies/<str:report_number>/history/", history_views.study_history_view, name="study_history"),
    path("studies/<str:report_number>/issued.pdf", workflow_views.issued_pdf, name="issued_pdf"),
    # The signed file in another report language (issued with it in the same step).
    path("studies/<str:report_number>/issued-<str:language>.pdf", workflow_views.issued_pdf,
         name="issued_pdf_language"),
    path("verify/", verify_views.verify_index, name="verify_index"),
    path("verify/<str:code>/", verify_views.verify_report, name="verify_report"),
]

# The study's people, verification team and product images; the user's own profile.
from .views import evidence as evidence_views  # noqa: E402
from .views import images as image_views  # noqa: E402
from .views import profile as profile_views  # noqa: E402
from .views import team as team_views  # noqa: E402

urlpatterns += [
    path("studies/<str:report_number>/team/", team_views.study_team, name="study_team"),
    path("studies/<str:report_number>/images/", image_views.study_images, name="study_images"),
    # Evidence files (docs/evidence.md).
    path("studies/<str:report_number>/evidence/", evidence_views.study_evidence_view, name="study_evidence"),
    path("studies/<str:report_number>/evidence/<int:pk>/download/", evidence_views.evidence_download,
         name="evidence_download"),
    path("studies/<str:report_number>/evidence/<int:pk>/delete/", evidence_views.evidence_delete,
         name="evidence_delete"),
    path("studies/<str:report_number>/images/<str:name>/", image_views.study_image_thumbnail,
         name="study_image_thumbnail"),
    path("studies/<str:report_number>/images/<str:name>/caption/", image_views.study_image_caption,
         name="study_image_caption"),
    path("studies/<str:report_number>/images/<str:name>/delete/", image_views.study_image_delete,
         name="study_image_delete"),
    path("profile/", profile_views.profile, name="profile"),
]

# PACT data exchange (docs/pact.md); the host API itself is in api/pact_urls.py.
from .views import pact as pact_views  # noqa: E402

urlpatterns += [
    path("studies/<str:report_number>/pact.json", pact_views.study_pact_json, name="study_pact_json"),
    path("studies/<str:report_number>/products/<str:product_code>/pact/",
         pact_views.study_product_pact, name="study_product_pact"),
    path("companies/<int:pk>/pact/", pact_views.company_pact_grants, name="company_pact_grants"),
    path("companies/<int:pk>/pact/<int:client_pk>/", pact_views.company_pact_grant,
         name="company_pact_grant"),
]

# Data requests to the company, its answers, the inbox, the company's contacts (issue 15).
from .views import data_requests as request_views  # noqa: E402

urlpatterns += [
    path("studies/<str:report_number>/requests/", request_views.study_data_requests_view,
         name="study_data_requests"),
    path("studies/<str:report_number>/requests/<int:request_id>/", request_views.data_request_detail,
         name="data_request_detail"),
    path("studies/<str:report_number>/requests/<int:request_id>/workbook.xlsx",
         request_views.data_request_workbook, name="data_request_workbook"),
    path("studies/<str:report_number>/requests/<int:request_id>/upload/", request_views.data_request_upload,
         name="data_request_upload"),
    path("studies/<str:report_number>/requests/<int:request_id>/evidence/<int:pk>/",
         request_views.data_request_evidence, name="data_request_evidence"),
    path("inbox/", request_views.inbox, name="inbox"),
    path("companies/<int:pk>/contacts/", request_views.company_contacts_view, name="company_contacts"),
]
