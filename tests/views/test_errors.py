"""A database outage answers a 503 page that says so, in the user's language (not a bare 500)."""

import pytest
from django.db import InterfaceError, OperationalError, connection

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_down(monkeypatch):
    """Every new cursor fails as it does while PostgreSQL restarts: connection refused."""

    def refuse(*args, **kwargs):
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')

    monkeypatch.setattr(connection, "cursor", refuse)
    monkeypatch.setattr(connection, "ensure_connection", refuse)


@pytest.fixture
def page_client(client):
    client.raise_request_exception = False
    return client


def test_an_outage_answers_503_with_the_outage_page_in_chinese(page_client, auditor, database_down):
    # The dashboard needs the session and the user: both are in the database.
    page_client.cookies["sessionid"] = "any-session"
    response = page_client.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    text = response.content.decode()
    assert "数据库暂时不可用" in text
    assert "已保存的数据不受影响" in text
    assert "Server Error" not in text


def test_the_outage_page_speaks_english_when_chosen(page_client, settings, database_down):
    page_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = page_client.get("/companies/")
    assert response.status_code == 503
    assert "The database is briefly unavailable" in response.content.decode()


def test_other_errors_stay_a_500(page_client, monkeypatch):
    monkeypatch.setattr("footprint.views.health.JsonResponse",
                        lambda *a, **k: (_ for _ in ()).throw(ValueError("a bug")))
    response = page_client.get("/healthz/")
    assert response.status_code == 500
    assert "数据库暂时不可用" not in response.content.decode()


def test_outage_is_recognised_through_wrapping_exceptions():
    from footprint.views.errors import is_database_outage

    try:
        try:
            raise InterfaceError("connection already closed")
        except InterfaceError as inner:
            raise RuntimeError("while rendering") from inner
    except RuntimeError as outer:
        assert is_database_outage(outer)
    assert not is_database_outage(ValueError("x"))
