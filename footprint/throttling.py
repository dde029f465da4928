"""Login throttling (django-axes): who the client is, and what a locked-out client is told.

Axes counts failed logins per username + client address and refuses that pair for
AXES_COOLOFF_TIME after AXES_FAILURE_LIMIT failures (settings/base.py). This module gives it
the client's address (the proxy's X-Forwarded-For only when BEHIND_HTTPS_PROXY is set) and
the lockout answer, which says when to try again. Password-reset requests are counted the
same way (`reset_request_allowed`), so nobody can flood an address with reset mails.
"""

from __future__ import annotations

from datetime import datetime

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _


def client_ip(request) -> str | None:
    """The client's address. Behind our proxy it is the last X-Forwarded-For entry — the one
    the proxy itself wrote; earlier entries come from the client and prove nothing."""
    if settings.BEHIND_HTTPS_PROXY:
        last = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip()
        if last:
            return last
    return request.META.get("REMOTE_ADDR")


def locked_until(request) -> datetime:
    """A lockout is answered at a failed attempt, and each attempt restarts the cool-off."""
    return timezone.localtime(timezone.now() + get_cool_off(request))


def lockout_message(until: datetime) -> str:
    return _("尝试次数过多，已暂时锁定。请在 %(time)s 之后再试，或请管理员解除锁定。") % {
        "time": until.strftime("%H:%M")
    }


def lockout_response(request, original_response=None, credentials=None):
    """429 with the time to try again: a page for browsers, JSON for scripts."""
    cool_off = get_cool_off(request)
    until = locked_until(request)
    if request.path.startswith("/api/") or request.headers.get("x-requested-with") == "XMLHttpRequest":
        response = JsonResponse({"detail": lockout_message(until)},
                                status=settings.AXES_HTTP_RESPONSE_CODE)
    else:
        context = {
            "locked_until": until,
            "minutes": max(1, round(cool_off.total_seconds() / 60)),
            "failure_limit": settings.AXES_FAILURE_LIMIT,
        }
        response = render(request, "registration/locked_out.html", context,
                          status=settings.AXES_HTTP_RESPONSE_CODE)
    response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response


def reset_request_allowed(request, email: str) -> bool:
    """Count a password-reset request like a failed login of `email` from this address.

    False once that pair is locked: the request is then not carried out (the last counted
    request is refused too, as the login form refuses the attempt that reaches the limit)."""
    credentials = {"username": email.strip().lower()}
    if AxesProxyHandler.is_locked(request, credentials):
        return False
    AxesProxyHandler.user_login_failed(sender=reset_request_allowed, credentials=credentials,
                                       request=request)
    return not getattr(request, "axes_locked_out", False)
