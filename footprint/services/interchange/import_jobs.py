"""Large imports as background jobs: the confirmation queues the write (`import_request`), a
worker runs it (`import_job`, footprint/tasks.py), the page follows the job.

Small files (fewer activity records than settings.IMPORT_JOB_MIN_ACTIVITIES) are imported in
the request as before; a 10,000-row workbook takes seconds to write and would hold a web
worker meanwhile. The confirmed upload stays in the default storage (the pending upload of
the preview) until the job has read it, so any worker machine can run it.

Crash-safe: the import and the job's "done" are committed in one transaction. A worker that
dies mid-import leaves nothing written and the job active; the redelivered task imports
again. A task delivered twice finds the job done and does nothing.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from ...choices import JobKind
from ...models import BackgroundJob, Study, User
from .. import jobs
from .document import Document, FormatError
from .import_assignment import import_file_with_people
from .importing import ImportRejected, StudyExists, import_file, pending_upload_delete


def runs_as_job(activity_count: int) -> bool:
    """Whether an import of this size is queued rather than written in the request."""
    threshold = settings.IMPORT_JOB_MIN_ACTIVITIES
    return threshold is not None and activity_count >= threshold


def document_activity_count(doc: Document) -> int:
    """The activity records a parsed, not yet validated document holds (the API decides with
    it whether to queue: validating 10,000 rows is part of the work the job takes off the
    request). Odd shapes count as none; validation reports them."""
    products = doc.data.get("products") if isinstance(doc.data, dict) else None
    if not isinstance(products, list):
        return 0
    return sum(len(p["activities"]) for p in products
               if isinstance(p, dict) and isinstance(p.get("activities"), list))


def import_request(*, path: str, name: str, replace: bool, user, auditors, lead_verifier,
                   certification_body: str, activity_count: int, existing: Study | None,
                   language: str, with_people: bool = True) -> BackgroundJob:
    """Queue the import of the pending upload at `path` (already previewed and allowed), or
    return the job already importing it. JobNotQueued: the queue is down, nothing changed
    (the upload stays, the user can confirm again). `with_people=False` (an API import that
    names nobody) imports the file as it is, as `import_study` does, keeping a replaced
    study's team."""
    from ...tasks import import_study_file

    job, created = jobs.job_open(kind=JobKind.IMPORT, study=existing, user=user, key=path[-64:], payload={
        "path": path, "name": name, "replace": replace, "auditors": [a.pk for a in auditors],
        "lead_verifier": lead_verifier.pk if lead_verifier else None,
        "certification_body": certification_body, "activities": activity_count, "language": language,
        "with_people": with_people,
    })
    if created:
        jobs.job_enqueue(job, import_study_file)
    return job


def import_job(job_id: int) -> None:
    """The task: import the job's file. Safe to run again (see the module's docstring)."""
    job = jobs.job_claim(job_id)
    if job is None:
        return
    p = job.payload
    with translation.override(p.get("language") or settings.LANGUAGE_CODE):
        content = jobs.job_upload(job)
        if content is None:
            return
        people = {u.pk: u for u in User.objects.filter(pk__in=[*p["auditors"], p["lead_verifier"]])}
        try:
            with transaction.atomic():
                if p.get("with_people", True):
                    study = import_file_with_people(
                        p["name"], content, replace=p["replace"], user=job.user,
                        auditors=[people[pk] for pk in p["auditors"] if pk in people],
                        lead_verifier=people.get(p["lead_verifier"]),
                        certification_body=p["certification_body"])
                else:
                    study = import_file(p["name"], content, replace=p["replace"], user=job.user)
                # Done in the same transaction as the data: never imported twice.
                BackgroundJob.objects.filter(pk=job.pk).update(study=study)
                jobs.job_done(job.pk, result=study.report_number)
        except ImportRejected as exc:
            jobs.job_fail(job.pk, " ".join([_("导入被拒绝，未保存任何数据。"), *map(str, exc.problems)]))
            return
        except ValidationError as exc:
            jobs.job_fail(job.pk, " ".join([_("导入被拒绝，未保存任何数据。"), *exc.messages]))
            return
        except (StudyExists, FormatError) as exc:
            jobs.job_fail(job.pk, str(exc))
            return
    pending_upload_delete(path=p["path"])
