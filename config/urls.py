from django.contrib import admin
from django.urls import include, path

from footprint.views.accounts import ThrottledPasswordResetView

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    # Before auth's own URLs: the reset form is throttled like the login form.
    path("accounts/password_reset/", ThrottledPasswordResetView.as_view(), name="password_reset"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/", include("footprint.api.urls")),
    # PACT v3 data exchange: the paths are fixed by the specification.
    path("", include("footprint.api.pact_urls")),
    path("", include("footprint.urls")),
]

# A database outage answers 503 with a page that says so (footprint/views/errors.py).
handler500 = "footprint.views.errors.server_error"
