"""The report as PDF download and as HTML preview, in the study's language or ?lang=."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.encoding import escape_uri_path
from django.views.decorators.http import require_GET

from ..access import get_study_for_user
from ..choices import JobStatus
from ..reports import draft_cache
from ..reports.html import render_study_html
from ..reports.inputs import report_language
from ..services.jobs import JobNotQueued
from ..services.report_size import ReportTooLarge, check_report_size
from ..services.workflow.issuing import issued_file, issued_pdf_bytes


def _language(request, study) -> str:
    return report_language(study, request.GET.get("lang"))


def report_filename(study, language: str, *, draft: bool) -> str:
    """e.g. 202508175GHG_碳足迹报告_草稿_zh-hans.pdf — the report number first so files sort.
    A draft of an issued study says it is not the signed file: …_unsigned-draft_en.pdf."""
    kind = "PCF-report" if language == "en" else "碳足迹报告"
    state = ""
    if draft and study.is_frozen:
        state = "unsigned-draft" if language == "en" else "未签名草稿"
    elif draft:
        state = "draft" if language == "en" else "草稿"
    parts = [study.report_number, kind]
    if study.revision:
        parts.append(f"rev{study.revision}")
    if state:
        parts.append(state)
    parts.append(language)
    return "_".join(parts) + ".pdf"


# Outside the request's transaction: a render job is committed before it is queued, and a
# render in this process (eager jobs) holds no transaction open meanwhile.
@transaction.non_atomic_requests
@login_required
@require_GET
def report_pdf(request, report_number):
    study = get_study_for_user(request.user, report_number)
    language = _language(request, study)
    signed = issued_file(study, language) if study.is_frozen else None
    issued = signed is not None
    if issued:
        # The issued, signed file of that language is the document of record: serve it
        # unchanged. issued_pdf_bytes refuses a stored file whose hash no longer matches.
        content = issued_pdf_bytes(study, language)
    else:
        # A draft (watermarked, unsigned, named "draft"), also of an issued study in a
        # language it was not issued in.
        try:
            check_report_size(study)
        except ReportTooLarge as exc:
            return _too_large(exc)
        content = _draft(request, study, language)
        if isinstance(content, HttpResponse):
            return content
    response = HttpResponse(content, content_type="application/pdf")
    filename = report_filename(study, language, draft=not issued)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{escape_uri_path(filename)}"
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _draft(request, study, language: str) -> bytes | HttpResponse:
    """The cached draft, or the render job's answer: 202 while it renders (the page asks
    again), the reason when it failed or could not be queued."""
    key = draft_cache.draft_key(study, language)
    content = draft_cache.cached_draft(study, language, key)
    if content is not None:
        return content
    try:
        job = draft_cache.draft_request(study=study, user=request.user, language=language, key=key)
    except JobNotQueued as exc:
        return HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")
    job.refresh_from_db()
    if job.status == JobStatus.DONE:  # rendered in this request (eager jobs)
        content = draft_cache.cached_draft(study, language, key)
        if content is not None:
            return content
    elif job.status == JobStatus.FAILED and job.reason:
        return HttpResponse(job.reason, status=422, content_type="text/plain; charset=utf-8")
    response = render(request, "footprint/report/rendering.html", {"study": study}, status=202)
    response["Cache-Control"] = "no-store"
    response["Retry-After"] = "2"
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
