"""The preview of a large upload as a background job (issue 14): a study file of the study
import page, a factor library of the factor library import page.

The upload is kept as a pending upload (importing.pending_upload_store) before the job is
queued; the worker reads, validates and sorts it (and, for a study, runs the dry-run import)
and stores what the preview page shows as JSON beside the upload, through the default
storage: any worker machine can write it and any web machine read it, and it stays until the
upload is confirmed, cancelled or expires (the user may leave and come back). The page renders
the same summary an in-request preview renders, so both look exactly alike.

Small uploads (fewer rows than settings.IMPORT_JOB_MIN_ACTIVITIES, the confirmation's
threshold) are previewed in the request as before. The size is counted without reading the
values: a JSON study's activity records, a workbook's row count, a CSV's lines.

A failed job says why (a file that cannot be read, an upload that expired); nothing is written
by a preview, so nothing is lost.
"""

from __future__ import annotations

import io
import json
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import translation
from django.utils.translation import gettext as _

from ...access import can_edit_study_data
from ...choices import STAGE_ORDER, JobKind, JobStatus
from ...models import BackgroundJob, Study
from .. import jobs
from ..freeze import StudyFrozenError, ensure_study_editable
from ..reference.library_import import library_preview_summary, preview_library
from .document import FormatError
from .import_dry_run import import_dry_run
from .import_jobs import document_activity_count, runs_as_job
from .importing import PENDING_DIR, ImportPreview, preview_file
from .reading import read_file

STUDY = "study"
LIBRARY = "library"


# ------------------------------------------------------------------------------- sizing
def upload_rows(what: str, name: str, content: bytes) -> int | None:
    """The rows an upload holds, counted cheaply (None: cannot tell without reading it all).
    A study: its activity records; a factor library: its table rows."""
    lower = name.lower()
    if lower.endswith(".xlsx"):
        return _workbook_rows(content, "activities" if what == STUDY else None)
    if lower.endswith(".csv"):
        return content.count(b"\n")
    if lower.endswith(".json") and what == STUDY:
        try:
            return document_activity_count(read_file(name, content))
        except FormatError:
            return 0  # the in-request preview says why
    return 0


def _workbook_rows(content: bytes, sheet: str | None) -> int | None:
    """The rows a workbook's sheets claim (their <dimension>; none claimed: None)."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # not a workbook: the in-request preview says why
        return 0
    try:
        sheets = [wb[sheet]] if sheet and sheet in wb.sheetnames else wb.worksheets
        rows = [ws.max_row for ws in sheets]
    finally:
        wb.close()
    return None if any(r is None for r in rows) else sum(rows)


def preview_runs_as_job(what: str, name: str, content: bytes) -> bool:
    """Whether this upload is previewed by a background job rather than in the request."""
    if settings.IMPORT_JOB_MIN_ACTIVITIES is None:
        return False
    rows = upload_rows(what, name, content)
    return rows is None or runs_as_job(rows)


# ---------------------------------------------------------------------- the study summary
def import_refusal(user, existing: Study | None, replace: bool) -> str | None:
    """Why this user may not import over `existing` as asked, or None."""
    if existing is None:
        return None
    if not replace:
        return _("报告 %(number)s 已存在。如要用文件内容替换它，请重新上传并勾选“替换同编号的已有报告”。") % {
            "number": existing.report_number}
    try:
        ensure_study_editable(existing)
    except StudyFrozenError as exc:
        return str(exc)
    if not can_edit_study_data(user, existing):
        return _("您没有修改报告 %(number)s 的权限，不能替换它。") % {"number": existing.report_number}
    return None


def study_preview_summary(preview: ImportPreview, dry_run=None) -> dict:
    """What the study import preview shows, as JSON (services/interchange/importing.py's
    ImportPreview and the dry run's results, in the words of the current language)."""
    clean = preview.clean
    result = dry_run.result if dry_run is not None else None
    summary = {
        "ok": preview.ok,
        "problems": [{"location": p.location, "message": str(p.message)} for p in preview.problems],
        "existing": preview.existing_study.report_number if preview.existing_study else None,
        "company_exists": preview.company_exists,
        "new_factors": list(preview.new_factors),
        "reused_factors": list(preview.reused_factors),
        "clean": None,
        "products": [],
        "result": None,
    }
    if clean is None:
        return summary
    study = clean.study
    summary["clean"] = {
        "study": {key: _text(study.get(key)) for key in (
            "report_number", "title", "period_start", "period_end", "gwp_set", "boundary", "language",
            "certification_body")},
        "company": {"name": clean.company.get("name")},
        "activity_count": clean.activity_count,
        "claims": len(clean.claims),
    }
    for p in clean.products:
        counts: dict[str, int] = {}
        for a in p.activities:
            counts[a.stage] = counts.get(a.stage, 0) + 1
        product_result = result.product(p.code) if result is not None else None
        summary["products"].append({
            "code": p.code,
            "name": p.fields.get("name"),
            "functional_unit": p.fields.get("functional_unit"),
            "annual_output": _text(p.annual_output),
            "activities": len(p.activities),
            # lifecycle order, as the study page and the report show them
            "by_stage": [[s, counts[s]] for s in STAGE_ORDER if counts.get(s)],
            "new": p.code in preview.new_products,
            "result": {"total_kgco2e": product_result.total_kgco2e} if product_result else None,
        })
    if result is not None:
        summary["result"] = {
            "products": [{"code": p.code, "checks": [
                {"severity": c.severity, "is_error": c.is_error, "message": str(c.message)} for c in p.checks
            ]} for p in result.products],
            "all_checks": bool(result.all_checks),
        }
    return summary


def _text(value):
    """JSON for a value of the document (dates and decimals as the text they print as)."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def study_preview(name: str, content: bytes, *, user, replace: bool) -> dict:
    """Read, validate and dry-run a study file: the preview's summary. FormatError for a file
    that is not a study at all."""
    preview = preview_file(name, content, user=user)
    dry_run = None
    if preview.ok and import_refusal(user, preview.existing_study, replace) is None:
        dry_run = import_dry_run(name, content, replace=replace, user=user)
    return study_preview_summary(preview, dry_run)


def library_preview(name: str, content: bytes, *, shown: int) -> dict:
    """Read and sort a factor library file: the preview's summary. FormatError as above."""
    return library_preview_summary(preview_library([(name, content)]), shown=shown)


# ------------------------------------------------------------------------------- the job
def preview_request(*, what: str, path: str, name: str, token: str, user, language: str,
                    replace: bool = False, shown: int = 0) -> BackgroundJob:
    """Queue the preview of the pending upload at `path` (or return the job already doing it).
    JobNotQueued: the queue is down; the job is marked failed, nothing else changed."""
    from ...tasks import preview_upload

    job, created = jobs.job_open(kind=JobKind.PREVIEW, user=user, key=path[-64:], payload={
        "what": what, "path": path, "name": name, "token": token, "replace": replace,
        "language": language, "shown": shown,
    })
    if created:
        jobs.job_enqueue(job, preview_upload)
    return job


def preview_queued(**request) -> tuple[BackgroundJob, str]:
    """`preview_request(**request)` for a page: the job, and why it could not be queued ("" when
    it was). When the queue is down the job is the failed one, whose page says so and offers
    to try again with the upload that was kept."""
    try:
        return preview_request(**request), ""
    except jobs.JobNotQueued as exc:
        return exc.job, str(exc)


def preview_job(job_id: int) -> None:
    """The task: preview the job's upload and store the summary. Safe to run again."""
    job = jobs.job_claim(job_id)
    if job is None:
        return
    p = job.payload
    with translation.override(p.get("language") or settings.LANGUAGE_CODE):
        content = jobs.job_upload(job)
        if content is None:
            return
        try:
            if p["what"] == STUDY:
                summary = study_preview(p["name"], content, user=job.user, replace=p["replace"])
            else:
                summary = library_preview(p["name"], content, shown=p["shown"])
        except FormatError as exc:
            jobs.job_fail(job.pk, str(exc))
            return
    stored = summary_store(p["path"], summary)
    jobs.job_done(job.pk, result=stored)


def summary_path(upload_path: str) -> str:
    return f"{upload_path}.preview.json"


def summary_store(upload_path: str, summary: dict) -> str:
    """Keep a preview's summary beside its upload (removed with it); its storage name."""
    path = summary_path(upload_path)
    if default_storage.exists(path):  # a task delivered twice
        default_storage.delete(path)
    return default_storage.save(path, ContentFile(json.dumps(summary, ensure_ascii=False).encode()))


def summary_load(job: BackgroundJob) -> dict | None:
    """The summary a done preview job stored; None when it has expired with its upload."""
    if job.status != JobStatus.DONE or not job.result.startswith(f"{PENDING_DIR}/"):
        return None
    return _read_summary(job.result)


def summary_of_upload(upload_path: str) -> dict | None:
    """The summary a preview job stored for this pending upload, if one did."""
    return _read_summary(summary_path(upload_path))


def _read_summary(path: str) -> dict | None:
    try:
        with default_storage.open(path, "rb") as handle:
            return json.loads(handle.read())
    except (FileNotFoundError, OSError, ValueError):
        return None
