"""Uploaded files kept between a preview and its confirmation (a browser cannot post a file
twice): stored through services/interchange (`pending_upload_store`), remembered in the session
under a token, the oldest dropped beyond `limit`. Used by the study import, the factor library
import and the data request workbook pages."""

from __future__ import annotations

import uuid

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


def remember_stored(request, *, session_key: str, limit: int, token: str, path: str, name: str) -> None:
    """Remember an upload already stored (a preview job's, when the user comes back in another
    session) under its token."""
    pending = dict(request.session.get(session_key, {}))
    if token in pending:
        return
    pending[token] = {"path": path, "name": name}
    while len(pending) > limit:
        pending_upload_delete(path=pending.pop(next(iter(pending)))["path"])
    request.session[session_key] = pending


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
