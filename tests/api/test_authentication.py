"""The API's basic auth is locked like the login form, and says until when (429)."""

import base64

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.urls import reverse

from footprint.choices import Role
from footprint.models import User

pytestmark = pytest.mark.django_db
LIMIT = settings.AXES_FAILURE_LIMIT


@pytest.fixture
def alice(db):
    return User.objects.create_user(username="alice", password="right-password", role=Role.AUDITOR)


def _get(client, password, **extra):
    token = base64.b64encode(f"alice:{password}".encode()).decode()
    return client.get(reverse("api_study_list"), HTTP_AUTHORIZATION=f"Basic {token}", **extra)


def test_the_right_password_works(client, alice):
    assert _get(client, "right-password").status_code == 200


def test_wrong_passwords_lock_basic_auth_until_the_cool_off_ends(client, alice):
    for attempt in range(1, LIMIT):
        # 403, not 401: session auth comes first, and DRF then sends no WWW-Authenticate
        assert _get(client, "wrong").status_code == 403, attempt
    # The failures were recorded although DRF rolls back the request's transaction on errors.
    assert AccessAttempt.objects.get(username="alice").failures_since_start == LIMIT - 1
    response = _get(client, "wrong")
    assert response.status_code == 429 and response["Retry-After"] == "900"
    assert "已暂时锁定" in response.json()["detail"]
    locked = _get(client, "right-password")
    assert locked.status_code == 429 and "已暂时锁定" in locked.json()["detail"]
    # Only for this address: the same account from elsewhere still works.
    assert _get(client, "right-password", REMOTE_ADDR="192.0.2.7").status_code == 200


def test_a_locked_web_login_locks_basic_auth_too(client, alice):
    for _ in range(LIMIT):
        client.post(reverse("login"), {"username": "alice", "password": "wrong"})
    assert _get(client, "right-password").status_code == 429
