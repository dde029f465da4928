"""Password reset, throttled like the login form (footprint/throttling.py)."""

from __future__ import annotations

from django.contrib.auth import views as auth_views

from ..throttling import lockout_response, reset_request_allowed


class ThrottledPasswordResetView(auth_views.PasswordResetView):
    """Each request counts against its e-mail address + client address; once that pair is
    locked no mail is sent and the lockout page says when to try again."""

    def form_valid(self, form):
        if not reset_request_allowed(self.request, form.cleaned_data["email"]):
            return lockout_response(self.request)
        return super().form_valid(form)
