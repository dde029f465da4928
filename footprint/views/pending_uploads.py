"""Uploaded files kept between a preview and its confirmation (a browser cannot post a file
twice): stored through services/interchange (`pending_upload_store`), remembered in the session
under a token, the oldest dropped beyond `limit`. Used by the study import, the factor library
import and the data request workbook pages; and the pages of preview jobs (a large upload is
previewed by a background job: services/interchange/preview_jobs.py)."""

from __future__ import annotations

import uuid

from django.core.files.storage import default_storage
from django.shortcuts import render
from django.utils.translation import gettext

from ..choices import JobStatus
from ..services.interchange.importing import pending_upload_delete, pending_upload_store


def remember(request, *, session_key: str, limit: int, name: str, content: bytes,
             extra: dict | None = None) -> str:
    """Store the upload and remember it under a new token; `extra` is kept with it (the data
    request it answers, say)."""
    token = uuid.uuid4().hex
    path = pending_upload_store(name=name, content=content)
    pending = dict(request.session.get(session_key, {}))
    pending[token] = {"path": path, "name": name, **(extra or {})}
    while len(pending) > limit:
        pending_upload_delete(path=pending.pop(next(iter(pending)))["path"])
    request.session[session_key] = pending
    return token


def keep_job_upload(request, job, *, session_key: str, limit: int) -> None:
    """Remember a preview job's upload under the job's token (the user who started the job
    came back in another session: the confirmation finds it)."""
    p = job.payload
    pending = dict(request.session.get(session_key, {}))
    if job.user_id != request.user.pk or p["token"] in pending:
        return
    pending[p["token"]] = {"path": p["path"], "name": p["name"]}
    while len(pending) > limit:
        pending_upload_delete(path=pending.pop(next(iter(pending)))["path"])
    request.session[session_key] = pending


def others_upload(request, job) -> str | None:
    """Whose upload a preview job is, when it is not the viewer's (an administrator may look;
    only its owner confirms it): the name shown, or None for the viewer's own."""
    if job.user_id == request.user.pk:
        return None
    return job.user.display_name if job.user else gettext("（已删除的用户）")


def get(request, *, session_key: str, token: str) -> dict | None:
    return request.session.get(session_key, {}).get(token) if token else None


def take(request, *, session_key: str, token: str) -> dict | None:
    """Out of the session, the file kept: its reader (a job, a confirmation) removes it."""
    pending = dict(request.session.get(session_key, {}))
    entry = pending.pop(token, None)
    request.session[session_key] = pending
    return entry


def forget(request, *, session_key: str, token: str) -> None:
    entry = take(request, session_key=session_key, token=token)
    if entry:
        pending_upload_delete(path=entry["path"])


def preview_job_page(request, job, *, poll_url: str, upload_url: str, factors: bool = False):
    """A large upload's preview job under way, or failed (why; and a button to queue it again
    when the upload is still kept): the page, or htmx's fragment while it polls. Once the job
    is done the fragment asks htmx to load the page again, which then shows the preview."""
    context = {"job": job, "poll_url": poll_url, "upload_url": upload_url, "factors": factors,
               "kept": job.status == JobStatus.FAILED and default_storage.exists(job.payload["path"])}
    if request.headers.get("HX-Request"):
        response = render(request, "footprint/import/_preview_job.html", context)
        if job.status == JobStatus.DONE:
            response["HX-Refresh"] = "true"
        return response
    return render(request, "footprint/import/preview_job.html", context)
