"""Upload a `pcf-study/1` workbook or JSON: preview everything (and every problem) first,
then import it whole on confirmation, or nothing."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ..access import can_import, get_job_for_user, require
from ..choices import Boundary, GwpSet, JobKind, JobStatus, Language, Role
from ..forms.importing import ImportForm
from ..forms.team import StudyPeopleForm
from ..models import BackgroundJob, Study
from ..services.facts.reading import default_certification_body
from ..services.interchange import import_jobs, preview_jobs
from ..services.interchange.document import FormatError
from ..services.interchange.import_assignment import import_file_with_people
from ..services.interchange.import_dry_run import import_dry_run
from ..services.interchange.importing import (
    ImportRejected,
    StudyExists,
    preview_file,
)
from ..services.jobs import JobNotQueued
from . import pending_uploads

SESSION_KEY = "pending_imports"
MAX_PENDING = 5


# Outside the request's transaction: a large upload's preview job is committed before it is
# queued (a worker would not see it otherwise).
@transaction.non_atomic_requests
@login_required
def study_import(request):
    require(can_import(request.user))
    if request.method == "POST" and _declared_length(request) > settings.IMPORT_MAX_BYTES + 2**20:
        # Refused from the declared length, before the body is parsed and spooled to disk.
        messages.error(request, ImportForm.too_large_message())
        return render(request, "footprint/import/upload.html", {"form": ImportForm(), "jobs": []}, status=413)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        replace = form.cleaned_data["replace"]
        if preview_jobs.preview_runs_as_job(preview_jobs.STUDY, upload.name, content):
            return _queue_preview(request, upload.name, content, replace=replace)
        try:
            summary = preview_jobs.study_preview(upload.name, content, user=request.user, replace=replace)
        except FormatError as exc:
            form.add_error("file", str(exc))
        else:
            token = _remember(request, upload.name, content)
            return render(request, "footprint/import/preview.html", _preview_context(
                request, summary, token=token, name=upload.name, replace=replace))
    return render(request, "footprint/import/upload.html", {"form": form, "jobs": _recent_jobs(request.user)})


def _recent_jobs(user):
    """The user's import and study preview jobs of the last day, to come back to."""
    since = timezone.now() - dt.timedelta(days=1)
    ours = Q(kind=JobKind.IMPORT) | Q(kind=JobKind.PREVIEW, payload__what=preview_jobs.STUDY)
    return list(BackgroundJob.objects.filter(ours, user=user, created_at__gte=since)
                .order_by("-created_at")[:5])


def _queue_preview(request, name: str, content: bytes, *, replace: bool):
    """A large file: kept as a pending upload, previewed by a background job; the user follows
    the job on its page, which then shows the preview."""
    token = _remember(request, name, content)
    path = pending_uploads.get(request, session_key=SESSION_KEY, token=token)["path"]
    return _request_preview(request, path=path, name=name, token=token, replace=replace)


def _request_preview(request, *, path: str, name: str, token: str, replace: bool):
    job, refused = preview_jobs.preview_queued(what=preview_jobs.STUDY, path=path, name=name, token=token,
                                               user=request.user, language=get_language(), replace=replace)
    if refused:  # the job's page says why and offers to try again: the upload is kept
        messages.error(request, refused)
    return redirect("study_import_preview", job_id=job.pk)


@transaction.non_atomic_requests
@login_required
def study_import_preview(request, job_id):
    """A large upload's preview job: queued, reading, then the preview itself (as an in-request
    preview shows it) or why it failed. htmx polls it while under way; POST queues it again
    (after the queue was down, the upload still kept)."""
    require(can_import(request.user))
    job = get_job_for_user(request.user, job_id)
    if job.kind != JobKind.PREVIEW or job.payload.get("what") != preview_jobs.STUDY:
        raise Http404
    p = job.payload
    if request.method == "POST":
        if job.status == JobStatus.FAILED and default_storage.exists(p["path"]):
            pending_uploads.keep_job_upload(request, job, session_key=SESSION_KEY, limit=MAX_PENDING)
            return _request_preview(request, path=p["path"], name=p["name"], token=p["token"],
                                    replace=p["replace"])
        return redirect("study_import_preview", job_id=job.pk)
    if job.status != JobStatus.DONE or request.headers.get("HX-Request"):
        return pending_uploads.preview_job_page(
            request, job, poll_url=reverse("study_import_preview", args=[job.pk]),
            upload_url=reverse("study_import"))
    summary = preview_jobs.summary_load(job)
    if summary is None:
        messages.error(request, _("上传的文件已过期，请重新上传。"))
        return redirect("study_import")
    pending_uploads.keep_job_upload(request, job, session_key=SESSION_KEY, limit=MAX_PENDING)
    return render(request, "footprint/import/preview.html", _preview_context(
        request, summary, token=p["token"], name=p["name"], replace=p["replace"],
        uploaded_by=pending_uploads.others_upload(request, job)))


# Outside the request's transaction: a large import's job is committed before it is queued (a
# worker would not see it otherwise); a small import writes in its own transaction.
@transaction.non_atomic_requests
@login_required
@require_POST
def study_import_confirm(request):
    require(can_import(request.user))
    token = request.POST.get("token", "")
    pending = request.session.get(SESSION_KEY, {}).get(token)
    if not pending or not default_storage.exists(pending["path"]):
        messages.error(request, _("上传的文件已过期，请重新上传。"))
        return redirect("study_import")
    replace = request.POST.get("replace") == "1"
    previewed = preview_jobs.summary_of_upload(pending["path"])
    if previewed is not None and previewed["clean"] is not None \
            and import_jobs.runs_as_job(previewed["clean"]["activity_count"]):
        return _confirm_previewed(request, previewed, token=token, pending=pending, replace=replace)
    with default_storage.open(pending["path"], "rb") as fh:
        content = fh.read()
    preview = preview_file(pending["name"], content, user=request.user)
    summary = preview_jobs.study_preview_summary(preview)
    refusal = _refusal(request, preview.existing_study, replace)
    if refusal or not preview.ok:
        if refusal:
            messages.error(request, refusal)
        return render(request, "footprint/import/preview.html", _preview_context(
            request, summary, token=token, name=pending["name"], replace=replace))
    people = _people_form(request, summary, preview.existing_study, data=request.POST)
    if not people.is_valid():
        return render(request, "footprint/import/preview.html", _preview_context(
            request, _with_dry_run(request, preview, pending["name"], content, replace), token=token,
            name=pending["name"], replace=replace, people=people))
    if import_jobs.runs_as_job(preview.clean.activity_count):
        return _queue_import(request, summary, people, token=token, pending=pending, replace=replace,
                             activity_count=preview.clean.activity_count, existing=preview.existing_study)
    try:
        study = import_file_with_people(
            pending["name"], content, replace=replace, user=request.user,
            auditors=people.cleaned_data["auditors"], lead_verifier=people.cleaned_data["lead_verifier"],
            certification_body=people.cleaned_data["certification_body"])
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            people.add_error(field if field in people.fields else None, errors)
        return render(request, "footprint/import/preview.html", _preview_context(
            request, _with_dry_run(request, preview, pending["name"], content, replace), token=token,
            name=pending["name"], replace=replace, people=people))
    except (StudyExists, ImportRejected, FormatError) as exc:
        messages.error(request, str(exc) if not isinstance(exc, ImportRejected)
                       else " ".join([_("导入被拒绝，未保存任何数据。"), *map(str, exc.problems)]))
        return render(request, "footprint/import/preview.html", _preview_context(
            request, summary, token=token, name=pending["name"], replace=replace))
    _forget(request, token)
    messages.success(request, _("报告 %(number)s 已导入（%(n)s 条活动数据）。") % {
        "number": study.report_number, "n": preview.clean.activity_count})
    return redirect("study_detail", report_number=study.report_number)


def _confirm_previewed(request, summary: dict, *, token: str, pending: dict, replace: bool):
    """The confirmation of a large file a preview job has read: its summary stands in for
    reading and validating it again in this request (the import job validates it whole before
    writing, and fails saying why if the library or the studies have changed meanwhile)."""
    existing = Study.objects.filter(report_number=summary["clean"]["study"]["report_number"]).first()
    refusal = _refusal(request, existing, replace)
    if refusal or not summary["ok"]:
        if refusal:
            messages.error(request, refusal)
        return render(request, "footprint/import/preview.html", _preview_context(
            request, summary, token=token, name=pending["name"], replace=replace))
    people = _people_form(request, summary, existing, data=request.POST)
    if not people.is_valid():
        return render(request, "footprint/import/preview.html", _preview_context(
            request, summary, token=token, name=pending["name"], replace=replace, people=people))
    return _queue_import(request, summary, people, token=token, pending=pending, replace=replace,
                         activity_count=summary["clean"]["activity_count"], existing=existing)


def _queue_import(request, summary, people, *, token: str, pending: dict, replace: bool,
                  activity_count: int, existing):
    """A large file: the write is a background job; the user follows it on its page."""
    try:
        job = import_jobs.import_request(
            path=pending["path"], name=pending["name"], replace=replace, user=request.user,
            auditors=people.cleaned_data["auditors"], lead_verifier=people.cleaned_data["lead_verifier"],
            certification_body=people.cleaned_data["certification_body"],
            activity_count=activity_count, existing=existing, language=get_language())
    except JobNotQueued as exc:
        messages.error(request, str(exc))
        return render(request, "footprint/import/preview.html", _preview_context(
            request, summary, token=token, name=pending["name"], replace=replace, people=people))
    # The job owns the upload now (it removes it when imported): out of the session, kept on disk.
    pending_uploads.take(request, session_key=SESSION_KEY, token=token)
    return redirect("study_import_job", job_id=job.pk)


@login_required
@require_GET
def study_import_job(request, job_id):
    """An import job's page: queued, importing, done (a link to the study) or failed (why).
    htmx polls it for its fragment while the job is under way; the user may leave and return."""
    require(can_import(request.user))
    job = get_job_for_user(request.user, job_id)
    if job.kind != JobKind.IMPORT:
        raise Http404
    template = ("footprint/import/_job.html" if request.headers.get("HX-Request")
                else "footprint/import/job.html")
    return render(request, template, {"job": job})


@login_required
@require_POST
def study_import_cancel(request):
    """Drop an upload that is not going to be imported (the preview's cancel button)."""
    require(can_import(request.user))
    _forget(request, request.POST.get("token", ""))
    return redirect("study_import")


def _declared_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _refusal(request, existing, replace: bool) -> str | None:
    """Why this user may not import this file as asked, or None."""
    return preview_jobs.import_refusal(request.user, existing, replace)


def _with_dry_run(request, preview, name: str, content: bytes, replace: bool) -> dict:
    """The preview's summary with the results the import would give, when it may go ahead
    (services/import_dry_run.py)."""
    dry_run = None
    if preview.ok and not _refusal(request, preview.existing_study, replace):
        dry_run = import_dry_run(name, content, replace=replace, user=request.user)
    return preview_jobs.study_preview_summary(preview, dry_run)


def _people_form(request, summary: dict, existing, *, data=None) -> StudyPeopleForm:
    """Who works on the imported study: a file names none of this installation's people, so
    the preview asks (an imported study must not reach the company without a lead verifier)."""
    study = summary["clean"]["study"] if summary["clean"] is not None else {}
    language = study.get("language")
    initial = {"certification_body": study.get("certification_body") or ""}
    if existing is not None:
        initial.update(auditors=list(existing.auditors.all()), lead_verifier=existing.lead_verifier)
        initial["certification_body"] = initial["certification_body"] or existing.certification_body
    elif getattr(request.user, "role", None) == Role.AUDITOR:  # the importer works on it
        initial["auditors"] = [request.user]
    return StudyPeopleForm(data, initial=initial,
                           default_body=default_certification_body(language or settings.LANGUAGE_CODE))


def _preview_context(request, summary: dict, *, token: str, name: str, replace: bool, people=None,
                     uploaded_by: str | None = None) -> dict:
    """The preview page's context from a preview's summary (services/interchange/preview_jobs.py),
    made in this request or stored by a preview job. `uploaded_by`: whose upload it is when not
    the viewer's (an administrator's look: only its owner confirms it)."""
    clean = summary["clean"]
    existing = (Study.objects.filter(report_number=summary["existing"]).first()
                if summary["existing"] else None)
    refusal = _refusal(request, existing, replace) if clean is not None else None
    return {
        "preview": summary,
        "clean": clean,
        "labels": _labels(clean),
        "products": summary["products"],
        "result": summary["result"],
        "people_form": people or (_people_form(request, summary, existing) if summary["ok"] else None),
        "token": token,
        "name": name,
        "replace": replace,
        "refusal": refusal,
        "uploaded_by": uploaded_by,
        "can_confirm": summary["ok"] and refusal is None and not uploaded_by,
    }


def _labels(clean) -> dict:
    """The file's codes as the user reads them (AR5 → IPCC 第五次评估报告 …)."""
    if clean is None:
        return {}
    study = clean["study"]
    return {
        "gwp_set": _label(GwpSet, study.get("gwp_set")),
        "boundary": _label(Boundary, study.get("boundary")),
        "language": _label(Language, study.get("language")),
    }


def _label(choices, code) -> str:
    try:
        return str(choices(code).label)
    except ValueError:
        return str(code or "")


def _remember(request, name: str, content: bytes) -> str:
    return pending_uploads.remember(request, session_key=SESSION_KEY, limit=MAX_PENDING,
                                    name=name, content=content)


def _forget(request, token: str) -> None:
    pending_uploads.forget(request, session_key=SESSION_KEY, token=token)
