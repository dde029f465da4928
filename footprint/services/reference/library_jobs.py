"""A large factor library's import as a background job (issue 14): the confirmation queues it
(`library_import_request`), a worker imports it (`library_import_job`, footprint/tasks.py), the
page follows the job. The same threshold as the preview's (services/interchange/preview_jobs.py):
a library previewed by a job is imported by one.

All or nothing, as in the request: import_library's transaction holds the rows and the job's
"done", so a worker that dies mid-import leaves nothing and the redelivered task imports again;
a task delivered twice finds the job done. Rejected rows (the library changed since the preview)
fail the job with the reason, nothing imported.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import translation

from ...choices import JobKind
from ...models import BackgroundJob
from .. import jobs
from ..interchange.document import FormatError
from ..interchange.importing import pending_upload_delete
from .library_import import LibraryRejected, import_library

REASONS_SHOWN = 20  # rejected rows named in a failed job's reason


def library_import_request(*, path: str, name: str, user, language: str) -> BackgroundJob:
    """Queue the import of the pending upload at `path` (or return the job already importing
    it). JobNotQueued: the queue is down, nothing changed (the upload stays)."""
    from ...tasks import import_factor_library

    job, created = jobs.job_open(kind=JobKind.LIBRARY_IMPORT, user=user, key=path[-64:], payload={
        "path": path, "name": name, "language": language})
    if created:
        jobs.job_enqueue(job, import_factor_library)
    return job


def library_import_job(job_id: int) -> None:
    """The task: import the job's library whole, or nothing. Safe to run again."""
    job = jobs.job_claim(job_id)
    if job is None:
        return
    p = job.payload
    with translation.override(p.get("language") or settings.LANGUAGE_CODE):
        content = jobs.job_upload(job, needs_user=False)
        if content is None:
            return
        try:
            with transaction.atomic():
                done = import_library(files=[(p["name"], content)], user=job.user)
                counts = {"new": len(done.new), "changed": len(done.changed), "unchanged": len(done.unchanged)}
                # Done in the same transaction as the rows: never imported twice.
                BackgroundJob.objects.filter(pk=job.pk).update(payload={**p, "counts": counts})
                jobs.job_done(job.pk)
        except LibraryRejected as exc:
            jobs.job_fail(job.pk, " ".join([str(exc), *map(str, exc.preview.rejected[:REASONS_SHOWN])]))
            return
        except FormatError as exc:
            jobs.job_fail(job.pk, str(exc))
            return
    pending_upload_delete(path=p["path"])
