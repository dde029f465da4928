"""Persistent database connections survive a PostgreSQL restart (CONN_HEALTH_CHECKS).

The request goes through Django's real WSGI handler, which closes or checks connections at
request start and end (the test client switches that off). Killing the connection from the
server side is what a PostgreSQL restart or failover does to every open connection.
"""

import psycopg2
import pytest
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.test import RequestFactory


def _get(path: str) -> tuple[str, bytes]:
    environ = RequestFactory().get(path).environ
    status = []
    response = WSGIHandler()(environ, lambda s, headers, exc_info=None: status.append(s))
    try:
        body = b"".join(response)
    finally:
        response.close()  # request_finished: Django decides whether the connection is kept
    return status[0], body


def test_settings_keep_connections_with_health_checks():
    db = settings.DATABASES["default"]
    assert db["CONN_HEALTH_CHECKS"] is True
    if db["ENGINE"].endswith("postgresql"):
        assert db["CONN_MAX_AGE"] >= 60


@pytest.mark.skipif(not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
                    reason="a server-side connection kill needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_the_next_request_after_a_server_restart_succeeds(monkeypatch):
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 600)
    monkeypatch.setitem(connection.settings_dict, "CONN_HEALTH_CHECKS", True)
    connection.close()
    assert _get("/healthz/")[0].startswith("200")
    pid = connection.connection.info.backend_pid  # kept open after the request
    # Another session terminates ours, as a restart does (only this test's own connection).
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    other = psycopg2.connect(**params)
    other.autocommit = True
    with other.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    other.close()

    status, body = _get("/healthz/")
    assert status.startswith("200"), body
    assert connection.connection.info.backend_pid != pid  # a new connection replaced the dead one
