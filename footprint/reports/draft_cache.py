"""Draft PDFs, rendered once per content: a repeat download serves the stored file.

The cache key is a SHA-256 over everything a draft prints:
- the report's facts as the renderer receives them (`load_report_inputs`: the study, its
  products, activities, factors, GWP values, narratives, translations, team, timeline,
  completeness list, in the report language), without the "generated at" time;
- the study's images (name, size, modification time);
- the code and templates that turn facts into pages, the report assets and the compiled
  translations (`code_version`, hashed once per process: a deployment changes it).
Any change that would alter a page changes the key, so no entry is ever stale; an unused
entry is removed when the next draft of the same study and language is stored.

Files live in the default storage under drafts/<report number>/<language>-<key>.pdf, shared
by every web and worker machine. Rendering is a job (footprint/tasks.py).
"""

from __future__ import annotations

import dataclasses
import hashlib
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import translation

from ..choices import JobKind, JobStatus
from ..models import BackgroundJob, Study
from ..services import jobs
from ..services.entry.images import study_image_names, study_images_folder
from . import assets

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


def _images_fingerprint(report_number: str) -> list[tuple[str, int, str]]:
    folder = study_images_folder(report_number)
    return [(name, default_storage.size(f"{folder}/{name}"),
             default_storage.get_modified_time(f"{folder}/{name}").isoformat())
            for name in study_image_names(report_number)]


def draft_key(study: Study, language: str) -> str:
    """The cache key of the study's draft PDF in `language` (see the module's docstring)."""
    from .inputs import load_report_inputs
    from .pdf import ASSET_NAMES

    asset_urls = {key: assets.asset_url(name) for key, name in ASSET_NAMES.items()}
    with translation.override(language):
        inputs = load_report_inputs(study, language=language, final=False, asset_urls=asset_urls,
                                    image_url=lambda name: assets.media_url(study.report_number, name))
    facts = repr(dataclasses.replace(inputs, generated_at=None))
    digest = hashlib.sha256()
    for part in (code_version(), language, facts, repr(_images_fingerprint(study.report_number)),
                 settings.CERTIFICATION_BODY_NAME, settings.CERTIFICATION_BODY_NAME_EN):
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
