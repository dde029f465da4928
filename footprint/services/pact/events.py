"""PACT events (CloudEvents, structured JSON): the answers to a client's RequestCreated
(RequestFulfilled / RequestRejected) and the Published events of newly issued footprints.
They are queued (`PactOutboundEvent`) and sent after the commit, in the background
(`delivery.py`); `manage.py send_pact_events` retries what failed."""

from __future__ import annotations

import datetime as dt
import logging
import uuid

from django.db import transaction
from django.utils import timezone

from ...models import PactClient, PactOutboundEvent, Study
from .publishing import client_footprints, ensure_footprint_ids, study_footprints

logger = logging.getLogger(__name__)

PUBLISHED_EVENT = "org.wbcsd.pact.ProductFootprint.PublishedEvent.3"
REQUEST_CREATED_EVENT = "org.wbcsd.pact.ProductFootprint.RequestCreatedEvent.3"
REQUEST_FULFILLED_EVENT = "org.wbcsd.pact.ProductFootprint.RequestFulfilledEvent.3"
REQUEST_REJECTED_EVENT = "org.wbcsd.pact.ProductFootprint.RequestRejectedEvent.3"


def _event(kind: str, data: dict, source: str) -> dict:
    return {"type": kind, "specversion": "1.0", "id": str(uuid.uuid4()), "source": source,
            "time": timezone.now().astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), "data": data}


def queue_event(client: PactClient, kind: str, data: dict, *, source: str) -> PactOutboundEvent | None:
    """Keep an event for a client with an events endpoint; it is sent after the commit."""
    if not client.events_url:
        logger.info("PACT client %s has no events endpoint; %s not sent", client.client_id, kind)
        return None
    event = PactOutboundEvent.objects.create(client=client, event=_event(kind, data, source))
    transaction.on_commit(lambda: _deliver_soon(event.pk))
    return event


def answer_request(client: PactClient, request_event: dict, *, source: str) -> PactOutboundEvent | None:
    """RequestCreated → RequestFulfilled with the matching footprints the client may see, or
    RequestRejected (NotFound) when there are none."""
    from .filters import FilterError, filter_footprints

    criteria = request_event.get("data") or {}
    try:
        matches = filter_footprints(client_footprints(client), criteria)
    except FilterError as exc:
        return queue_event(client, REQUEST_REJECTED_EVENT, {
            "requestEventId": request_event["id"],
            "error": {"code": "BadRequest", "message": str(exc)}}, source=source)
    if not matches:
        return queue_event(client, REQUEST_REJECTED_EVENT, {
            "requestEventId": request_event["id"],
            "error": {"code": "NotFound", "message": "The requested footprint could not be found."}},
            source=source)
    return queue_event(client, REQUEST_FULFILLED_EVENT,
                       {"requestEventId": request_event["id"], "pfs": matches}, source=source)


def study_published(study: Study, *, source: str) -> None:
    """A study was issued (its footprints are new) and the one it revises deprecated: tell
    every client granted the company, with the ids of both."""
    ids = [item.id for item in study_footprints(study) if item.data is not None]
    if study.supersedes_id:
        ids += [item.id for item in study_footprints(study.supersedes) if item.data is not None]
    if not ids:
        return
    for client in PactClient.objects.filter(is_active=True, grants__company=study.company_id):
        queue_event(client, PUBLISHED_EVENT, {"pfIds": ids}, source=source)


def _deliver_soon(event_pk: int) -> None:
    """Send in the background so the request that caused it is answered first (the spec's
    asynchronous answer); what fails stays queued for `send_pact_events`."""
    import threading

    from .delivery import deliver_in_thread

    threading.Thread(target=deliver_in_thread, args=(event_pk,), daemon=True).start()


def study_issued(study: Study) -> None:
    """Called as a study is issued: its footprints get their ids, and the clients granted
    its company hear of them (and of the footprints they replace)."""
    from django.conf import settings

    # The signed report is issued whatever happens here: a failure is logged, the ids are
    # then made on first export, and no event is sent.
    try:
        with transaction.atomic():
            ensure_footprint_ids(study)
            study_published(study, source=f"{settings.PUBLIC_BASE_URL.rstrip('/')}/3/events")
    except Exception:
        logger.exception("PACT footprints of %s not published", study.report_number)
