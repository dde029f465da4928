"""Test settings: fast hashing, in-memory e-mail; DATABASE_URL still selects the database."""

import os

from .base import *  # noqa: F403
from .base import BASE_DIR, DATABASES

# SQLite tests use a file, not memory: Django's live server shares one in-memory connection
# between its request threads, and a browser's concurrent requests then break each other's
# transactions ("cannot commit - no transaction is active"). With a file every thread has its
# own connection. One file per test process, so that two suites may run side by side; it is
# deleted when the run ends.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    (BASE_DIR / "var").mkdir(exist_ok=True)
    DATABASES["default"].setdefault("TEST", {})["NAME"] = str(BASE_DIR / "var" / f"test-db-{os.getpid()}.sqlite3")

if DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql"):
    # A test database is thrown away at the end of the run: its commits (browser tests, the
    # live server, migrations) need not wait for the disk — 2.7 ms each here, 0.2 without.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = " ".join(filter(None, [options.get("options"), "-c synchronous_commit=off"]))

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# One folder per pytest-xdist worker (`make test` runs several): none removes another's files.
MEDIA_ROOT = BASE_DIR / "var" / "test-media" / os.environ.get("PYTEST_XDIST_WORKER", "main")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
# Tests never sign with a developer's key: the `signing` fixture creates a PKI in a tmp dir.
SIGNING_PKCS12_PATH = str(BASE_DIR / "var" / "no-pki-in-tests" / "signer.p12")
SIGNING_SEAL_IMAGE = ""
# The stamp's font subsets are made once for all test processes (and later runs).
SIGNING_FONT_CACHE_DIR = str(BASE_DIR / "var" / "test-cache" / "stamp-fonts")
SIGNING_TIMESTAMP_URL = ""
# Jobs run inline, to completion, in the request that queues them; tests/test_worker.py runs a
# real worker against Redis.
CELERY_TASK_ALWAYS_EAGER = True
# Many tests change rows with QuerySet.update(), which no signal sees (services/data_version.py):
# pages recompute in tests; tests/views/test_results_cache.py turns the cache on.
STUDY_RESULTS_CACHE_SECONDS = 0
JOBS_IN_THREAD = False
