"""The API's basic auth under the same lockout as the login form (django-axes).

`authenticate()` goes through AxesStandaloneBackend, which counts each failure and refuses a
locked-out username + address before the password is checked. Two things DRF would get wrong
on its own: a locked-out client would only hear "invalid username/password" (401), and DRF
rolls back the request's transaction (ATOMIC_REQUESTS) on every API error — which would
also roll back axes' record of the failure, so basic auth could be guessed forever.
"""

from __future__ import annotations

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from django.db import connections
from rest_framework import exceptions
from rest_framework.authentication import BasicAuthentication

from ..throttling import locked_until, lockout_message


class LoginFailed(exceptions.AuthenticationFailed):
    keeps_login_record = True


class LockedOut(exceptions.Throttled):
    keeps_login_record = True

    def __init__(self, request):
        super().__init__(wait=get_cool_off(request).total_seconds(),
                         detail=lockout_message(locked_until(request)))


class LockoutAwareBasicAuthentication(BasicAuthentication):
    def authenticate_credentials(self, userid, password, request=None):
        try:
            return super().authenticate_credentials(userid, password, request)
        except exceptions.AuthenticationFailed as exc:
            if request is not None and (
                getattr(request, "axes_locked_out", False)
                or AxesProxyHandler.is_locked(request, {"username": userid})
            ):
                raise LockedOut(request) from exc
            raise LoginFailed(exc.detail) from exc


def exception_handler(exc, context):
    """DRF's handler, except that a failed or locked-out login keeps axes' record of it.

    Authentication runs before the view, so the transaction holds nothing else to undo.
    A view outside the request's transaction (`non_atomic_requests`: the issue action, which
    commits its job before queuing it) has no request transaction for DRF to mark: an atomic
    block open around it is someone else's (a test's), and stays usable."""
    # Imported here: rest_framework.views imports the authentication classes (this module).
    from rest_framework.views import exception_handler as drf_exception_handler

    response = drf_exception_handler(exc, context)
    keeps = getattr(exc, "keeps_login_record", False)
    match = getattr(getattr(context.get("request"), "_request", None), "resolver_match", None)
    non_atomic = getattr(getattr(match, "func", None), "_non_atomic_requests", set())
    for connection in connections.all(initialized_only=True):
        if connection.settings_dict["ATOMIC_REQUESTS"] and connection.in_atomic_block and (
                keeps or connection.alias in non_atomic):
            connection.set_rollback(False)
    return response
