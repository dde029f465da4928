"""What a request that failed answers: a database outage is a 503 page, not a bare 500.

Django calls `server_error` (config/urls.py `handler500`) for any uncaught exception, also
one raised by a middleware or while opening the request's transaction (ATOMIC_REQUESTS), which
is where a database that restarts or is unreachable fails first. The page reads neither the
session nor the user: both live in the database.
"""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.views import defaults

# Seconds after which a client (or a proxy) may try again: a PostgreSQL restart takes a few.
RETRY_AFTER_SECONDS = 10


def is_database_outage(exc: BaseException | None) -> bool:
    """OperationalError / InterfaceError: the connection failed, not the query (a query's own
    errors are ProgrammingError, IntegrityError, DataError)."""
    while exc is not None:
        if isinstance(exc, OperationalError | InterfaceError):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def database_unavailable(request) -> HttpResponse:
    response = HttpResponse(render_to_string("errors/database_unavailable.html", request=None),
                            status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def server_error(request):
    if is_database_outage(sys.exc_info()[1]):
        return database_unavailable(request)
    return defaults.server_error(request)
