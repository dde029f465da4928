"""Sending the events we owe PACT clients to their events endpoint.

The client's host issues us credentials (`PactClient.events_client_id` / `_secret`): we take a
token at `<events_url>/auth/token` (OAuth 2 client credentials) and POST the CloudEvent to
`<events_url>/3/events`. Only the registered endpoint is ever called — never an address taken
from an incoming event. A failed delivery is retried with doubling pauses and abandoned after
72 hours (the specification's rule); `manage.py send_pact_events` sends what is due.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import logging
import urllib.error
import urllib.parse
import urllib.request

from django.db import close_old_connections, transaction
from django.utils import timezone

from ...models import PactOutboundEvent

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 10
ABANDON_AFTER = dt.timedelta(hours=72)
FIRST_PAUSE = dt.timedelta(minutes=1)
MAX_RESPONSE_BYTES = 64 * 1024


class DeliveryError(Exception):
    pass


def _post(url: str, body: bytes, headers: dict) -> tuple[int, bytes]:
    if not url.lower().startswith(("https://", "http://")):
        raise DeliveryError(f"not an http(s) URL: {url}")
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            return response.status, response.read(MAX_RESPONSE_BYTES)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(MAX_RESPONSE_BYTES) if exc.fp else b""
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise DeliveryError(str(exc)) from exc


def _token(client) -> str:
    credentials = f"{client.events_client_id}:{client.events_client_secret}".encode()
    status, body = _post(
        client.events_url.rstrip("/") + "/auth/token",
        urllib.parse.urlencode({"grant_type": "client_credentials"}).encode(),
        {"Authorization": "Basic " + base64.b64encode(credentials).decode(),
         "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"},
    )
    if status != 200:
        raise DeliveryError(f"token endpoint answered {status}")
    try:
        return json.loads(body)["access_token"]
    except (ValueError, KeyError, TypeError) as exc:
        raise DeliveryError("token endpoint sent no access_token") from exc


def send(event: PactOutboundEvent) -> None:
    client = event.client
    status, _body = _post(
        client.events_url.rstrip("/") + "/3/events",
        json.dumps(event.event).encode(),
        {"Authorization": f"Bearer {_token(client)}",
         "Content-Type": "application/cloudevents+json; charset=UTF-8"},
    )
    if not 200 <= status < 300:
        raise DeliveryError(f"events endpoint answered {status}")


def deliver(event_pk: int) -> bool:
    """Try to send one event now; True when it was delivered."""
    with transaction.atomic():
        event = (PactOutboundEvent.objects.select_for_update().select_related("client")
                 .filter(pk=event_pk, delivered_at=None, abandoned=False).first())
        if event is None:
            return False
        now = timezone.now()
        event.attempts += 1
        try:
            send(event)
        except DeliveryError as exc:
            event.last_error = str(exc)[:2000]
            event.abandoned = now - event.created_at >= ABANDON_AFTER
            event.next_attempt_at = now + FIRST_PAUSE * 2 ** (event.attempts - 1)
            logger.warning("PACT event %s to %s not delivered: %s", event.pk,
                           event.client.client_id, exc)
        else:
            event.delivered_at = now
            event.last_error = ""
        event.save()
        return event.delivered_at is not None


def deliver_in_thread(event_pk: int) -> None:
    """The target of a background thread: its own database connection, closed afterwards."""
    try:
        deliver(event_pk)
    except Exception:  # the event stays queued for send_pact_events
        logger.exception("PACT event %s: delivery failed", event_pk)
    finally:
        close_old_connections()


def deliver_due() -> int:
    """Send every event whose time has come; the number delivered."""
    due = PactOutboundEvent.objects.filter(delivered_at=None, abandoned=False,
                                           next_attempt_at__lte=timezone.now())
    return sum(deliver(pk) for pk in due.values_list("pk", flat=True))
