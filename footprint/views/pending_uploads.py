"""Uploaded files kept between a preview and its confirmation (a browser cannot post a file
twice): stored through services/interchange (`pending_upload_store`), remembered in the session
under a token, the oldest dropped beyond `limit`. Used by the study import and the factor
library import pages."""

from __future__ import annotations

import uuid

from ..services.interchange.importing import pending_upload_delete, pending_upload_store


def remember(request, *, session_key: str, limit: int, name: str, content: bytes) -> str:
    token = uuid.uuid4().hex
    path = pending_upload_store(name=name, content=content)
    pending = dict(request.session.get(session_key, {}))
    pending[token] = {"path": path, "name": name}
    while len(pending) > limit:
        pending_upload_delete(path=pending.pop(next(iter(pending)))["path"])
    request.session[session_key] = pending
    return token


def forget(request, *, session_key: str, token: str) -> None:
    pending = dict(request.session.get(session_key, {}))
    entry = pending.pop(token, None)
    if entry:
        pending_upload_delete(path=entry["path"])
    request.session[session_key] = pending
