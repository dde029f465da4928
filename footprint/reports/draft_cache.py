"""Draft PDFs, rendered once per content: a repeat download serves the stored file.

The cache key is a SHA-256 over everything a draft prints, without reading it:
- the study's data version (services/data_version.py): a token that every write to what the
  report prints changes — the study, its products, stages, activities, claims, team and
  people, its company, the factors it uses, the GWP tables, its images — through model
  signals, so the forms, admin, API, importer and commands all change it;
- the language;
- the code and templates that turn facts into pages, the report assets and the compiled
  translations (`code_version`, hashed once per process: a deployment changes it);
- the settings a report prints (certification body, public address, time zone, demo signer).
A repeat download reads one row for the key (the report's inputs, the calculation and the
Monte Carlo analysis are built only to render), so it costs what a small page costs.
Any change that would alter a page changes the key, so no entry is ever stale; an unused
entry is removed when the next draft of the same study and language is stored.

Files live in the default storage under drafts/<report number>/<language>-<key>.pdf, shared
by every web and worker machine. Rendering is a job (footprint/tasks.py).
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from ..choices import JobKind, JobStatus
from ..models import BackgroundJob, Study
from ..services import data_version, jobs

DRAFT_DIR = "drafts"
# The sources whose change alters a rendered page (relative to BASE_DIR).
_CODE_GLOBS = ("footprint/**/*.py", "templates/reports/**/*", "static/reports/**/*", "locale/**/*.mo")


@lru_cache(maxsize=1)
def code_version() -> str:
    """A hash of the code, templates, report assets and compiled translations."""
    base = Path(settings.BASE_DIR)
    digest = hashlib.sha256()
    files = sorted({p for pattern in _CODE_GLOBS for p in base.glob(pattern) if p.is_file()})
    for path in files:
        digest.update(str(path.relative_to(base)).encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


# Settings that a report prints (the certification body's name, the verification address,
# dates in the local time zone, the demo signer's warning).
_PRINTED_SETTINGS = ("CERTIFICATION_BODY_NAME", "CERTIFICATION_BODY_NAME_EN", "PUBLIC_BASE_URL",
                     "TIME_ZONE", "SIGNING_IS_DEMO")


def draft_key(study: Study, language: str) -> str:
    """The cache key of the study's draft PDF in `language` (see the module's docstring).
    One query: the study's data version."""
    digest = hashlib.sha256()
    printed = repr([getattr(settings, name, None) for name in _PRINTED_SETTINGS])
    for part in (code_version(), language, str(study.pk), study.report_number,
                 data_version.study_token(study), printed):
        digest.update(part.encode("utf-8"))
        digest.update(b"\x00")
    return digest.hexdigest()


def _name(report_number: str, language: str, key: str) -> str:
    return f"{DRAFT_DIR}/{report_number}/{language}-{key}.pdf"


def cached_draft(study: Study, language: str, key: str) -> bytes | None:
    """The stored draft for this key, or None. A file cut short (a writer that died, a
    reader that came too early) is not a hit."""
    name = _name(study.report_number, language, key)
    try:
        with default_storage.open(name, "rb") as handle:
            data = handle.read()
    except (FileNotFoundError, OSError):
        return None
    if not data.startswith(b"%PDF") or b"%%EOF" not in data[-1024:]:
        return None
    return data


def store_draft(study: Study, language: str, key: str, data: bytes) -> str:
    """Store a rendered draft and remove the study's older drafts in that language."""
    name = _name(study.report_number, language, key)
    if default_storage.exists(name):
        default_storage.delete(name)
    stored = default_storage.save(name, ContentFile(data))
    folder = f"{DRAFT_DIR}/{study.report_number}"
    _dirs, files = default_storage.listdir(folder)
    for other in files:
        if other.startswith(f"{language}-") and f"{folder}/{other}" != stored:
            default_storage.delete(f"{folder}/{other}")
    return stored


def draft_request(*, study: Study, user, language: str, key: str) -> BackgroundJob:
    """Queue the rendering of a draft (or return the job already rendering it)."""
    from ..tasks import render_draft_pdf

    job, created = jobs.job_open(kind=JobKind.DRAFT_PDF, study=study, user=user, key=key,
                                 payload={"language": language})
    if created:
        jobs.job_enqueue(job, render_draft_pdf)
    return job


def render_draft_job(job_id: int) -> None:
    """The task: render the draft, store it under the key of what was rendered."""
    from ..services.report_size import ReportTooLarge
    from .pdf import render_study_pdf

    job = jobs.job_claim(job_id)
    if job is None:
        return
    study, language = job.study, job.payload.get("language") or job.study.language
    jobs.job_progress(job.pk, JobStatus.RENDERING)
    try:
        # The key of the data as rendered: if it changed between the request and now, the
        # file is stored under the new key (the next download finds it) and this job ends.
        before = draft_key(study, language)
        pdf = render_study_pdf(study, language=language, final=False)
        if draft_key(study, language) != before:  # changed while rendering: not cacheable
            jobs.job_fail(job.pk, "")
            return
    except ReportTooLarge as exc:
        jobs.job_fail(job.pk, str(exc))
        return
    jobs.job_done(job.pk, result=store_draft(study, language, before, pdf))
