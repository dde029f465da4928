"""Bringing a factor library in (upload → preview → confirm, all or nothing) and taking it out
(docs/factor-library.md). The rows' checks, versions and the transaction are
services/reference/library_import.py's; this only keeps the upload between the two requests."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ..access import can_import_factors, can_manage_factors, get_job_for_user, require
from ..choices import JobKind, JobStatus
from ..forms.factors import FactorLibraryImportForm
from ..models import BackgroundJob
from ..services.interchange import preview_jobs
from ..services.interchange.document import FormatError
from ..services.jobs import JobNotQueued
from ..services.reference.library_import import (
    LibraryRejected,
    import_library,
    library_export,
    library_preview_summary,
)
from ..services.reference.library_jobs import library_import_request
from . import pending_uploads

SESSION_KEY = "pending_factor_libraries"
MAX_PENDING = 3
SHOWN = 200  # rows listed per part of the preview; the counts are always whole


# Outside the request's transaction: a large upload's preview job is committed before it is
# queued (a worker would not see it otherwise).
@transaction.non_atomic_requests
@login_required
def factor_import(request):
    require(can_import_factors(request.user))
    if request.method == "POST" and _declared_length(request) > settings.IMPORT_MAX_BYTES + 2**20:
        # Refused from the declared length, before the body is parsed and spooled to disk.
        messages.error(request, FactorLibraryImportForm.too_large_message())
        return render(request, "footprint/factors/import.html",
                      {"form": FactorLibraryImportForm()}, status=413)
    form = FactorLibraryImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        if preview_jobs.preview_runs_as_job(preview_jobs.LIBRARY, upload.name, content):
            return _queue_preview(request, upload.name, content)
        try:
            summary = preview_jobs.library_preview(upload.name, content, shown=SHOWN)
        except FormatError as exc:
            form.add_error("file", str(exc))
        else:
            token = _remember(request, upload.name, content)
            return render(request, "footprint/factors/import_preview.html",
                          _context(summary, token=token, name=upload.name))
    return render(request, "footprint/factors/import.html", {"form": form, "jobs": _recent_jobs(request.user)})


def _recent_jobs(user):
    """The user's factor library preview and import jobs of the last day, to come back to."""
    since = timezone.now() - dt.timedelta(days=1)
    ours = Q(kind=JobKind.PREVIEW, payload__what=preview_jobs.LIBRARY) | Q(kind=JobKind.LIBRARY_IMPORT)
    return list(BackgroundJob.objects.filter(ours, user=user, created_at__gte=since)
                .order_by("-created_at")[:5])


def _queue_preview(request, name: str, content: bytes):
    """A large library (50,000 rows): kept as a pending upload, sorted by a background job; the
    user follows the job on its page, which then shows the preview."""
    token = _remember(request, name, content)
    path = pending_uploads.get(request, session_key=SESSION_KEY, token=token)["path"]
    return _request_preview(request, path=path, name=name, token=token)


def _request_preview(request, *, path: str, name: str, token: str):
    job, refused = preview_jobs.preview_queued(what=preview_jobs.LIBRARY, path=path, name=name, token=token,
                                               user=request.user, language=get_language(), shown=SHOWN)
    if refused:  # the job's page says why and offers to try again: the upload is kept
        messages.error(request, refused)
    return redirect("factor_import_preview", job_id=job.pk)


@transaction.non_atomic_requests
@login_required
def factor_import_preview(request, job_id):
    """A large library's preview job: queued, reading, then the preview itself (as an in-request
    preview shows it) or why it failed. POST queues it again (after the queue was down)."""
    require(can_import_factors(request.user))
    job = get_job_for_user(request.user, job_id)
    if job.kind != JobKind.PREVIEW or job.payload.get("what") != preview_jobs.LIBRARY:
        raise Http404
    p = job.payload
    if request.method == "POST":
        if job.status == JobStatus.FAILED and default_storage.exists(p["path"]):
            pending_uploads.keep_job_upload(request, job, session_key=SESSION_KEY, limit=MAX_PENDING)
            return _request_preview(request, path=p["path"], name=p["name"], token=p["token"])
        return redirect("factor_import_preview", job_id=job.pk)
    if job.status != JobStatus.DONE or request.headers.get("HX-Request"):
        return pending_uploads.preview_job_page(
            request, job, poll_url=reverse("factor_import_preview", args=[job.pk]),
            upload_url=reverse("factor_import"), factors=True)
    summary = preview_jobs.summary_load(job)
    if summary is None:
        messages.error(request, _("上传的文件已过期，请重新上传。"))
        return redirect("factor_import")
    pending_uploads.keep_job_upload(request, job, session_key=SESSION_KEY, limit=MAX_PENDING)
    return render(request, "footprint/factors/import_preview.html", _context(
        summary, token=p["token"], name=p["name"], uploaded_by=pending_uploads.others_upload(request, job)))


# Outside the request's transaction: a large library's import job is committed before it is
# queued; import_library has its own transaction.
@transaction.non_atomic_requests
@login_required
@require_POST
def factor_import_confirm(request):
    require(can_import_factors(request.user))
    token = request.POST.get("token", "")
    pending = request.session.get(SESSION_KEY, {}).get(token)
    if not pending or not default_storage.exists(pending["path"]):
        messages.error(request, _("上传的文件已过期，请重新上传。"))
        return redirect("factor_import")
    with default_storage.open(pending["path"], "rb") as fh:
        content = fh.read()
    if preview_jobs.preview_runs_as_job(preview_jobs.LIBRARY, pending["name"], content):
        return _queue_import(request, token=token, pending=pending)
    try:
        done = import_library(files=[(pending["name"], content)], user=request.user)
    except LibraryRejected as exc:
        messages.error(request, str(exc))
        return render(request, "footprint/factors/import_preview.html",
                      _context(library_preview_summary(exc.preview, shown=SHOWN), token=token,
                               name=pending["name"]))
    except FormatError as exc:
        messages.error(request, str(exc))
        return redirect("factor_import")
    _forget(request, token)
    messages.success(request, _(
        "因子库已导入：新增 %(new)s 个因子，%(changed)s 个因子创建了新版本，%(unchanged)s 个未变。"
        "使用旧版本的报告数值不变。") % {
        "new": len(done.new), "changed": len(done.changed), "unchanged": len(done.unchanged)})
    return redirect("factor_list")


def _queue_import(request, *, token: str, pending: dict):
    """A large library: the import is a background job (it checks every row again and writes
    all or nothing); the user follows it on its page."""
    try:
        job = library_import_request(path=pending["path"], name=pending["name"], user=request.user,
                                     language=get_language())
    except JobNotQueued as exc:
        messages.error(request, str(exc))
        summary = preview_jobs.summary_of_upload(pending["path"])
        if summary is None:  # previewed in the request (the threshold changed): read it again
            summary = preview_jobs.library_preview(pending["name"], _read(pending["path"]), shown=SHOWN)
        return render(request, "footprint/factors/import_preview.html",
                      _context(summary, token=token, name=pending["name"]))
    # The job owns the upload now (it removes it when imported): out of the session, kept.
    pending_uploads.take(request, session_key=SESSION_KEY, token=token)
    return redirect("factor_import_job", job_id=job.pk)


def _read(path: str) -> bytes:
    with default_storage.open(path, "rb") as fh:
        return fh.read()


@login_required
@require_GET
def factor_import_job(request, job_id):
    """A factor library import job's page: queued, importing, done (what was imported) or
    failed (why; nothing imported). htmx polls its fragment while the job is under way."""
    require(can_import_factors(request.user))
    job = get_job_for_user(request.user, job_id)
    if job.kind != JobKind.LIBRARY_IMPORT:
        raise Http404
    if request.headers.get("HX-Request"):
        return render(request, "footprint/factors/_import_job.html", {"job": job})
    return render(request, "footprint/factors/import_job.html", {"job": job})


@login_required
@require_POST
def factor_import_cancel(request):
    require(can_import_factors(request.user))
    _forget(request, request.POST.get("token", ""))
    return redirect("factor_import")


@login_required
def factor_export(request):
    """The library's current versions as one workbook, in the import format."""
    require(can_manage_factors(request.user))
    name = f"factor-library-{timezone.localdate():%Y%m%d}.xlsx"
    [(name, content)] = library_export(name).items()
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _context(summary: dict, *, token: str, name: str, uploaded_by: str | None = None) -> dict:
    """The preview page's context from a preview's summary (library_preview_summary), made in
    this request or stored by a preview job. `uploaded_by`: whose upload it is when not the
    viewer's (an administrator's look: only its owner confirms it)."""
    return {
        "preview": summary, "token": token, "name": name, "shown": SHOWN, "uploaded_by": uploaded_by,
        "can_confirm": summary["ok"] and not uploaded_by,
        "new": summary["new"], "changed": summary["changed"],
        "unchanged": summary["unchanged"], "rejected": summary["rejected"],
    }


def _declared_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _remember(request, name: str, content: bytes) -> str:
    return pending_uploads.remember(request, session_key=SESSION_KEY, limit=MAX_PENDING,
                                    name=name, content=content)


def _forget(request, token: str) -> None:
    pending_uploads.forget(request, session_key=SESSION_KEY, token=token)
