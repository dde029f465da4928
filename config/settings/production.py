"""Production: secrets are required, never defaulted; HTTPS only.

`python manage.py check --deploy --fail-level WARNING` must pass with these settings (CI runs
it, .ci/run); docs/security.md lists the environment a deployment sets.
"""

from .base import *  # noqa: F403
from .base import DEFAULT_STORAGE, env

DEBUG = False
SECRET_KEY = env.str("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
DATABASES = {"default": env.db_url("DATABASE_URL")}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=True)
SIGNING_PKCS12_PASSPHRASE = env.str("SIGNING_PKCS12_PASSPHRASE")
SIGNING_IS_DEMO = env.bool("SIGNING_IS_DEMO", default=False)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)

# Plain HTTP is redirected to HTTPS. Whether a request came in over HTTPS is known from the
# connection itself, or from X-Forwarded-Proto only when BEHIND_HTTPS_PROXY says a proxy that
# sets it is in front (base.py). The container's health check asks gunicorn over plain HTTP on
# loopback, so /healthz/ is not redirected.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
# HSTS: browsers that saw the site once use only HTTPS for a year, subdomains included.
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
# "preload" lets anyone submit the whole registered domain to the browsers' built-in HSTS list,
# which is hard to undo and binds every other site of the domain: the operator of the domain
# decides (SECURE_HSTS_PRELOAD=true), so its reminder (security.W021) is silenced until then.
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
if not SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS = ["security.W021"]

STORAGES = {
    "default": DEFAULT_STORAGE,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
