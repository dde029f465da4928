"""`manage.py send_pact_events`: what is due is tried, failures wait longer each time, and an
event older than 72 hours is abandoned (the PACT specification's rule)."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from footprint.models import PactClient, PactOutboundEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def unreachable():
    # Port 9 (discard) on this machine: connection refused, at once.
    return PactClient.objects.create(client_id="c", name="C", secret_hash="!",
                                     events_url="http://127.0.0.1:9", events_client_id="x",
                                     events_client_secret="y")


def test_due_events_are_tried_and_wait_longer_each_time(unreachable):
    event = PactOutboundEvent.objects.create(client=unreachable, event={"type": "t"})
    out = StringIO()
    call_command("send_pact_events", stdout=out)
    assert out.getvalue().strip() == "0 PACT event(s) delivered."
    event.refresh_from_db()
    assert event.attempts == 1 and event.last_error
    first_wait = event.next_attempt_at - timezone.now()
    assert dt.timedelta(seconds=50) < first_wait <= dt.timedelta(minutes=1)
    call_command("send_pact_events", stdout=StringIO())  # not due yet: untouched
    event.refresh_from_db()
    assert event.attempts == 1
    PactOutboundEvent.objects.filter(pk=event.pk).update(next_attempt_at=timezone.now())
    call_command("send_pact_events", stdout=StringIO())
    event.refresh_from_db()
    assert event.attempts == 2
    assert event.next_attempt_at - timezone.now() > dt.timedelta(minutes=1, seconds=50)  # doubled


def test_events_older_than_72_hours_are_abandoned(unreachable):
    event = PactOutboundEvent.objects.create(client=unreachable, event={"type": "t"})
    PactOutboundEvent.objects.filter(pk=event.pk).update(
        created_at=timezone.now() - dt.timedelta(hours=72, minutes=1))
    call_command("send_pact_events", stdout=StringIO())
    event.refresh_from_db()
    assert event.abandoned
    call_command("send_pact_events", stdout=StringIO())
    event.refresh_from_db()
    assert event.attempts == 1  # never tried again
