"""Login throttling: the login form, the password reset and the admin's unlock (django-axes
with footprint/throttling.py). The API's basic auth: tests/api/test_authentication.py."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from footprint.choices import Role
from footprint.models import User
from footprint.throttling import client_ip

pytestmark = pytest.mark.django_db
LIMIT = settings.AXES_FAILURE_LIMIT


@pytest.fixture
def alice(db):
    return User.objects.create_user(username="alice", password="right-password",
                                    email="alice@example.com", role=Role.AUDITOR)


def _login(client, password, username="alice", **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def _lock_out(client, username="alice", **extra):
    """LIMIT wrong passwords; the last one is answered with the lockout page."""
    for attempt in range(1, LIMIT + 1):
        response = _login(client, "wrong", username, **extra)
        expected = 429 if attempt == LIMIT else 200
        assert response.status_code == expected, f"attempt {attempt}: {response.status_code}"
    return response


def test_the_settings_lock_a_username_per_address_for_a_while():
    assert 3 <= LIMIT <= 10
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 15 * 60
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"


def test_wrong_passwords_lock_the_login_and_the_page_says_until_when(client, alice):
    response = _lock_out(client)
    html = response.content.decode()
    until = timezone.localtime(timezone.now() + timedelta(minutes=15))
    assert 'id="locked-out"' in html and "已暂时锁定" in html
    assert until.strftime("%H:%M") in html or (until - timedelta(minutes=1)).strftime("%H:%M") in html
    assert response["Retry-After"] == "900"
    # Now even the right password is refused, and nobody is logged in.
    response = _login(client, "right-password")
    assert response.status_code == 429 and not _logged_in(client)


def test_before_the_limit_the_right_password_still_works_and_clears_the_count(client, alice):
    for _ in range(LIMIT - 1):
        assert _login(client, "wrong").status_code == 200
    assert _login(client, "right-password").status_code == 302 and _logged_in(client)
    assert not AccessAttempt.objects.filter(username="alice").exists()


def test_the_lock_holds_for_that_address_only(client, alice):
    _lock_out(client)
    response = _login(client, "right-password", REMOTE_ADDR="192.0.2.7")
    assert response.status_code == 302 and _logged_in(client)


def test_the_lock_expires_after_the_cool_off(client, alice):
    _lock_out(client)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert _login(client, "right-password").status_code == 302 and _logged_in(client)


def test_the_admin_login_is_locked_too(client, alice):
    for _ in range(LIMIT):
        client.post(reverse("admin:login"), {"username": "alice", "password": "wrong"})
    assert _login(client, "right-password").status_code == 429


def test_the_lockout_page_is_translated(client, alice):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = _lock_out(client).content.decode()
    assert "Temporarily locked" in html and "Try again after" in html and "已暂时锁定" not in html


def test_an_administrator_sees_the_attempts_and_unlocks(client, alice):
    _lock_out(client)
    admin = User.objects.create_superuser(username="root", password="pw-root", email="r@example.com")
    staff = type(client)()
    staff.force_login(admin)
    changelist = reverse("admin:axes_accessattempt_changelist")
    page = staff.get(changelist)
    assert page.status_code == 200 and "alice" in page.content.decode()
    attempt = AccessAttempt.objects.get(username="alice")
    response = staff.post(changelist, {"action": "unlock", "_selected_action": [attempt.pk]})
    assert response.status_code == 302 and not AccessAttempt.objects.exists()
    assert _login(client, "right-password").status_code == 302 and _logged_in(client)


def test_password_reset_requests_are_throttled_per_address(client, alice, mailoutbox):
    url = reverse("password_reset")
    for _ in range(LIMIT - 1):
        assert client.post(url, {"email": "alice@example.com"}).status_code == 302
    assert len(mailoutbox) == LIMIT - 1
    response = client.post(url, {"email": "Alice@Example.com"})
    assert response.status_code == 429 and 'id="locked-out"' in response.content.decode()
    assert client.post(url, {"email": "alice@example.com"}).status_code == 429
    assert len(mailoutbox) == LIMIT - 1  # no mail while locked
    # Another address may still ask, and alice's own login is not affected.
    assert client.post(url, {"email": "alice@example.com"}, REMOTE_ADDR="192.0.2.7").status_code == 302
    assert _login(client, "right-password").status_code == 302


@pytest.mark.parametrize(("behind_proxy", "expected"), [(False, "10.0.0.2"), (True, "203.0.113.9")])
def test_the_client_address_comes_from_the_proxy_only_behind_one(settings, behind_proxy, expected):
    settings.BEHIND_HTTPS_PROXY = behind_proxy
    # The client claims 198.51.100.1; our proxy (10.0.0.2) appends the address it saw.
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2",
                                   HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.9")
    assert client_ip(request) == expected


def test_behind_a_proxy_without_the_header_the_connection_address_is_used(settings):
    settings.BEHIND_HTTPS_PROXY = True
    assert client_ip(RequestFactory().get("/", REMOTE_ADDR="10.0.0.2")) == "10.0.0.2"
