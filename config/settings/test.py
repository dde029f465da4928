"""Test settings: fast hashing, in-memory e-mail; DATABASE_URL still selects the database."""

from .base import *  # noqa: F403
from .base import BASE_DIR

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = BASE_DIR / "var" / "test-media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
# Tests never sign with a developer's key: the `signing` fixture creates a PKI in a tmp dir.
SIGNING_PKCS12_PATH = str(BASE_DIR / "var" / "no-pki-in-tests" / "signer.p12")
SIGNING_SEAL_IMAGE = ""
SIGNING_TIMESTAMP_URL = ""
