"""The report as PDF download and as HTML preview, in the study's language or ?lang=."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils.encoding import escape_uri_path
from django.views.decorators.http import require_GET

from ..access import get_study_for_user
from ..choices import StudyStatus
from ..reports.inputs import report_language
from ..reports.pdf import ReportTooLarge, render_study_html, render_study_pdf
from ..services.workflow.issuing import issued_pdf_bytes


def _language(request, study) -> str:
    return report_language(study, request.GET.get("lang"))


def report_filename(study, language: str, *, draft: bool) -> str:
    """e.g. 202508175GHG_碳足迹报告_草稿_zh-hans.pdf — the report number first so files sort."""
    kind = "PCF-report" if language == "en" else "碳足迹报告"
    state = ("draft" if language == "en" else "草稿") if draft else ""
    parts = [study.report_number, kind]
    if study.revision:
        parts.append(f"rev{study.revision}")
    if state:
        parts.append(state)
    parts.append(language)
    return "_".join(parts) + ".pdf"


@login_required
@require_GET
def report_pdf(request, report_number):
    study = get_study_for_user(request.user, report_number)
    language = _language(request, study)
    issued = study.status == StudyStatus.ISSUED and bool(study.issued_pdf)
    if issued and language == study.language:
        # The issued, signed file is the document of record: serve it unchanged.
        # issued_pdf_bytes refuses a stored file whose hash no longer matches the record.
        content = issued_pdf_bytes(study)
    else:
        try:
            content = render_study_pdf(study, language=language, final=False)
        except ReportTooLarge as exc:
            return _too_large(exc)
        issued = False
    response = HttpResponse(content, content_type="application/pdf")
    filename = report_filename(study, language, draft=not issued)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{escape_uri_path(filename)}"
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def report_preview(request, report_number):
    study = get_study_for_user(request.user, report_number)
    try:
        html = render_study_html(study, language=_language(request, study), final=False)
    except ReportTooLarge as exc:
        return _too_large(exc)
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    # The preview is our own markup with escaped user text; forbid anything else anyway.
    response["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "frame-ancestors 'self'"
    )
    return response


def _too_large(exc: ReportTooLarge) -> HttpResponse:
    # Plain text: the study page's download button shows it under the button (app.js).
    return HttpResponse(str(exc), status=422, content_type="text/plain; charset=utf-8")
