"""Upload a `pcf-study/1` workbook or JSON: preview everything (and every problem) first,
then import it whole on confirmation, or nothing."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ..access import can_edit_study_data, can_import, get_job_for_user, require
from ..choices import STAGE_ORDER, Boundary, GwpSet, JobKind, Language, Role
from ..forms.importing import ImportForm
from ..forms.team import StudyPeopleForm
from ..models import BackgroundJob
from ..services.facts.reading import default_certification_body
from ..services.freeze import StudyFrozenError, ensure_study_editable
from ..services.interchange import import_jobs
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
        try:
            preview = preview_file(upload.name, content, user=request.user)
        except FormatError as exc:
            form.add_error("file", str(exc))
        else:
            token = _remember(request, upload.name, content)
            replace = form.cleaned_data["replace"]
            return render(request, "footprint/import/preview.html", _preview_context(
                request, preview, token=token, name=upload.name, replace=replace,
                dry_run=_dry_run(request, preview, upload.name, content, replace),
            ))
    return render(request, "footprint/import/upload.html", {"form": form, "jobs": _recent_jobs(request.user)})


def _recent_jobs(user):
    """The user's import jobs of the last day, to come back to."""
    since = timezone.now() - dt.timedelta(days=1)
    return list(BackgroundJob.objects.filter(kind=JobKind.IMPORT, user=user, created_at__gte=since)
                .order_by("-created_at")[:5])


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
    with default_storage.open(pending["path"], "rb") as fh:
        content = fh.read()
    replace = request.POST.get("replace") == "1"
    preview = preview_file(pending["name"], content, user=request.user)
    refusal = _refusal(request, preview, replace)
    if refusal or not preview.ok:
        if refusal:
            messages.error(request, refusal)
        return render(request, "footprint/import/preview.html", _preview_context(
            request, preview, token=token, name=pending["name"], replace=replace))
    people = _people_form(request, preview, data=request.POST)
    if not people.is_valid():
        return render(request, "footprint/import/preview.html", _preview_context(
            request, preview, token=token, name=pending["name"], replace=replace, people=people,
            dry_run=_dry_run(request, preview, pending["name"], content, replace)))
    if import_jobs.runs_as_job(preview.clean.activity_count):
        return _queue_import(request, preview, people, token=token, pending=pending, replace=replace)
    try:
        study = import_file_with_people(
            pending["name"], content, replace=replace, user=request.user,
            auditors=people.cleaned_data["auditors"], lead_verifier=people.cleaned_data["lead_verifier"],
            certification_body=people.cleaned_data["certification_body"])
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            people.add_error(field if field in people.fields else None, errors)
        return render(request, "footprint/import/preview.html", _preview_context(
            request, preview, token=token, name=pending["name"], replace=replace, people=people,
            dry_run=_dry_run(request, preview, pending["name"], content, replace)))
    except (StudyExists, ImportRejected, FormatError) as exc:
        messages.error(request, str(exc) if not isinstance(exc, ImportRejected)
                       else " ".join([_("导入被拒绝，未保存任何数据。"), *map(str, exc.problems)]))
        return render(request, "footprint/import/preview.html", _preview_context(
            request, preview, token=token, name=pending["name"], replace=replace))
    _forget(request, token)
    messages.success(request, _("报告 %(number)s 已导入（%(n)s 条活动数据）。") % {
        "number": study.report_number, "n": preview.clean.activity_count})
    return redirect("study_detail", report_number=study.report_number)


def _queue_import(request, preview, people, *, token: str, pending: dict, replace: bool):
    """A large file: the write is a background job; the user follows it on its page."""
    try:
        job = import_jobs.import_request(
            path=pending["path"], name=pending["name"], replace=replace, user=request.user,
            auditors=people.cleaned_data["auditors"], lead_verifier=people.cleaned_data["lead_verifier"],
            certification_body=people.cleaned_data["certification_body"],
            activity_count=preview.clean.activity_count, existing=preview.existing_study,
            language=get_language())
    except JobNotQueued as exc:
        messages.error(request, str(exc))
        return render(request, "footprint/import/preview.html", _preview_context(
            request, preview, token=token, name=pending["name"], replace=replace, people=people))
    # The job owns the upload now (it removes it when imported): out of the session, kept on disk.
    pending_map = dict(request.session.get(SESSION_KEY, {}))
    pending_map.pop(token, None)
    request.session[SESSION_KEY] = pending_map
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


def _refusal(request, preview, replace: bool) -> str | None:
    """Why this user may not import this file as asked, or None."""
    existing = preview.existing_study
    if existing is None:
        return None
    if not replace:
        return _("报告 %(number)s 已存在。如要用文件内容替换它，请重新上传并勾选“替换同编号的已有报告”。") % {
            "number": existing.report_number}
    try:
        ensure_study_editable(existing)
    except StudyFrozenError as exc:
        return str(exc)
    if not can_edit_study_data(request.user, existing):
        return _("您没有修改报告 %(number)s 的权限，不能替换它。") % {"number": existing.report_number}
    return None


def _dry_run(request, preview, name: str, content: bytes, replace: bool):
    """The results the import would give, when it may go ahead (services/import_dry_run.py)."""
    if not preview.ok or _refusal(request, preview, replace):
        return None
    return import_dry_run(name, content, replace=replace, user=request.user)


def _people_form(request, preview, *, data=None) -> StudyPeopleForm:
    """Who works on the imported study: a file names none of this installation's people, so
    the preview asks (an imported study must not reach the company without a lead verifier)."""
    clean, existing = preview.clean, preview.existing_study
    language = clean.study.get("language") if clean is not None else None
    initial = {"certification_body": clean.study.get("certification_body", "") if clean else ""}
    if existing is not None:
        initial.update(auditors=list(existing.auditors.all()), lead_verifier=existing.lead_verifier)
        initial["certification_body"] = initial["certification_body"] or existing.certification_body
    elif getattr(request.user, "role", None) == Role.AUDITOR:  # the importer works on it
        initial["auditors"] = [request.user]
    return StudyPeopleForm(data, initial=initial,
                           default_body=default_certification_body(language or settings.LANGUAGE_CODE))


def _preview_context(request, preview, *, token: str, name: str, replace: bool, people=None,
                     dry_run=None) -> dict:
    clean = preview.clean
    result = dry_run.result if dry_run is not None else None
    products = []
    if clean is not None:
        for p in clean.products:
            counts = Counter(a.stage for a in p.activities)
            products.append({
                "code": p.code,
                "name": p.fields.get("name"),
                "functional_unit": p.fields.get("functional_unit"),
                "annual_output": p.annual_output,
                "activities": len(p.activities),
                # lifecycle order, as the study page and the report show them
                "by_stage": [(s, counts[s]) for s in STAGE_ORDER if counts.get(s)],
                "new": p.code in preview.new_products,
                "result": result.product(p.code) if result is not None else None,
            })
    refusal = _refusal(request, preview, replace) if clean is not None else None
    return {
        "preview": preview,
        "clean": clean,
        "labels": _labels(clean),
        "products": products,
        "result": result,
        "people_form": people or (_people_form(request, preview) if preview.ok else None),
        "token": token,
        "name": name,
        "replace": replace,
        "refusal": refusal,
        "can_confirm": preview.ok and refusal is None,
    }


def _labels(clean) -> dict:
    """The file's codes as the user reads them (AR5 → IPCC 第五次评估报告 …)."""
    if clean is None:
        return {}
    study = clean.study
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
