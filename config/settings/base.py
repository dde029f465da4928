"""Settings shared by every environment.

Everything that varies between machines is read from the environment here, in one place
(django-environ fails loudly on malformed values). local/test/production only switch behaviour.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A .env file is optional; the process environment always wins.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env.str("SECRET_KEY", default="insecure-local-development-key-change-me")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# DATABASE_URL selects the database; the default is an embedded SQLite file for `make demo`.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
# Persistent connections: opening a PostgreSQL connection per request cost more than most
# pages (docs/performance.md). The health check at the start of each request replaces a
# connection the server dropped (restart, failover) instead of failing the request with it.
# SQLite opens a file, not a connection worth keeping: 0 there.
DATABASES["default"]["CONN_MAX_AGE"] = env.int(
    "CONN_MAX_AGE", default=0 if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" else 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default serves a threaded server: writers queue (IMMEDIATE transactions,
    # up to 20 s) instead of failing with "database is locked" when two requests overlap.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"timeout": 20, "transaction_mode": "IMMEDIATE"})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "simple_history",
    "rest_framework",
    "drf_spectacular",
    "axes",
    "csp",
    "footprint",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "footprint.middleware.ChosenLanguageMiddleware",
    "footprint.middleware.RejectNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last: turns a lockout noticed during authentication into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "footprint.context_processors.inbox",
            ],
        },
    },
]

AUTH_USER_MODEL = "footprint.User"
# Axes first: it refuses a locked-out username+address before any password is checked, for
# the login form, the admin's login and the API's basic auth alike (all call authenticate()).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

# Chinese is the default language of the UI and of reports; English must work too.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Every file the application keeps (issued and draft PDFs, import uploads) goes through
# Django's storage API: local disk under MEDIA_ROOT by default, S3-compatible object storage
# (django-storages) when STORAGE_S3_BUCKET is set, which several web and worker machines
# share. Credentials: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or the machine's role.
if env.str("STORAGE_S3_BUCKET", default=""):
    DEFAULT_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("STORAGE_S3_BUCKET"),
            "endpoint_url": env.str("STORAGE_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("STORAGE_S3_REGION", default="") or None,
            "location": env.str("STORAGE_S3_PREFIX", default=""),
            "default_acl": "private",
            "querystring_auth": True,  # files are served by the application, never public
            "file_overwrite": False,
        },
    }
else:
    DEFAULT_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": DEFAULT_STORAGE,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Largest study file (.json or .xlsx) imported, on the web page and through the API alike.
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=10 * 1024 * 1024)
# Uploads waiting for confirmation are removed after this many hours (and by cleanup_uploads).
IMPORT_PENDING_MAX_AGE_HOURS = env.int("IMPORT_PENDING_MAX_AGE_HOURS", default=24)
# A confirmed web import of at least this many activity records is written by a background job
# (the page follows it); smaller ones in the request (services/interchange/import_jobs.py).
IMPORT_JOB_MIN_ACTIVITIES = env.int("IMPORT_JOB_MIN_ACTIVITIES", default=1000)
# Pages keep a study's calculated results in the cache under its data version
# (services/results.cached_study_results); 0 recomputes on every request.
STUDY_RESULTS_CACHE_SECONDS = env.int("STUDY_RESULTS_CACHE_SECONDS", default=600)
# A request body read into memory (the API's JSON import is one): never below the import cap.
DATA_UPLOAD_MAX_MEMORY_SIZE = max(10 * 1024 * 1024, IMPORT_MAX_BYTES + 64 * 1024)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
# A real mail server for workflow notices and password resets, e.g.
# EMAIL_URL=smtp+tls://user:password@mail.example.com:587 (sets backend, host, port, TLS, login).
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="pcf@localhost")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        # Basic auth that answers 429 with the time to try again while the account is locked.
        "footprint.api.authentication.LockoutAwareBasicAuthentication",
    ],
    # Keeps axes' record of a failed basic-auth login despite ATOMIC_REQUESTS (see there).
    "EXCEPTION_HANDLER": "footprint.api.authentication.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # JSON that nests too deep is a 400, not a RecursionError (footprint/api/parsers.py).
    "DEFAULT_PARSER_CLASSES": [
        "footprint.api.parsers.SafeJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "PCF studies API",
    "VERSION": "1.0.0",
    # Several models have a `status` field with their own choices: each gets a named enum.
    "ENUM_NAME_OVERRIDES": {
        "StudyStatusEnum": "footprint.choices.StudyStatus",
        "JobStatusEnum": "footprint.choices.JobStatus",
        "DataRequestStatusEnum": "footprint.choices.DataRequestStatus",
        "DataRowStatusEnum": "footprint.choices.DataRowStatus",
        "VerificationStatusEnum": "footprint.choices.VerificationStatus",
    },
}

# The certification body that issues reports, and the key it signs them with (PKCS#12).
CERTIFICATION_BODY_NAME = env.str("CERTIFICATION_BODY_NAME", default="示例国际检测认证有限公司")
CERTIFICATION_BODY_NAME_EN = env.str(
    "CERTIFICATION_BODY_NAME_EN", default="Example International Testing & Certification Co., Ltd."
)
SIGNING_PKCS12_PATH = env.str("SIGNING_PKCS12_PATH", default=str(BASE_DIR / "var" / "pki" / "signer.p12"))
SIGNING_PKCS12_PASSPHRASE = env.str("SIGNING_PKCS12_PASSPHRASE", default="demo-passphrase")
SIGNING_TIMESTAMP_URL = env.str("SIGNING_TIMESTAMP_URL", default="")
# PEM file with the TSA's root certificate(s): the timestamp's chain is validated and its
# validation data embedded too (PAdES B-LT). Without it a configured TSA cannot be used.
SIGNING_TIMESTAMP_ROOTS = env.str("SIGNING_TIMESTAMP_ROOTS", default="")
# The CA's CRL (DER) to embed; by default the demo CA's, beside the PKCS#12 file.
SIGNING_CRL_PATH = env.str("SIGNING_CRL_PATH", default="")
SIGNING_IS_DEMO = env.bool("SIGNING_IS_DEMO", default=True)
# The seal image drawn in the visible signature (PNG); `create_demo_pki` draws a demo one.
SIGNING_SEAL_IMAGE = env.str("SIGNING_SEAL_IMAGE", default=str(BASE_DIR / "var" / "pki" / "seal.png"))
SIGNING_LOCATION = env.str("SIGNING_LOCATION", default="")
# A folder where the signature stamp's font subsets are kept between processes (each subset of
# the 16 MB CJK face costs about a second); empty: each process makes its own.
SIGNING_FONT_CACHE_DIR = env.str("SIGNING_FONT_CACHE_DIR", default="")
# Largest PDF the public verification page accepts.
VERIFY_UPLOAD_MAX_BYTES = env.int("VERIFY_UPLOAD_MAX_BYTES", default=20 * 1024 * 1024)
# Product images of a study (report section 2.3), per uploaded file.
STUDY_IMAGE_MAX_BYTES = env.int("STUDY_IMAGE_MAX_BYTES", default=5 * 1024 * 1024)
# Evidence files (bills, invoices, bills of materials…; docs/evidence.md): each file, and all
# of a study's files together.
EVIDENCE_MAX_BYTES = env.int("EVIDENCE_MAX_BYTES", default=20 * 1024 * 1024)
EVIDENCE_STUDY_MAX_BYTES = env.int("EVIDENCE_STUDY_MAX_BYTES", default=200 * 1024 * 1024)
# Largest study rendered as a report (PDF or preview): about 6 ms of rendering per activity
# record (docs/performance.md), so 2,000 records stay within a worker's 30 s. Larger studies
# are refused with a message before rendering starts.
REPORT_MAX_ACTIVITIES = env.int("REPORT_MAX_ACTIVITIES", default=2000)
# What renders the issued report for the issuing step (services do not import the report layer).
REPORT_RENDERER = "footprint.reports.pdf.render_issued_pdf"
PUBLIC_BASE_URL = env.str("PUBLIC_BASE_URL", default="http://127.0.0.1:8000")

# Behind a reverse proxy that terminates HTTPS (docker-compose's `proxy` service), the proxy's
# X-Forwarded-Proto and X-Forwarded-For are trusted. Off by default: with gunicorn reachable
# directly, any client could send those headers and pass for HTTPS or for another address.
BEHIND_HTTPS_PROXY = env.bool("BEHIND_HTTPS_PROXY", default=False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_HTTPS_PROXY else None

# Failed logins (login form, admin, API basic auth) and password-reset requests are counted
# per username + client address (django-axes, in the database). After AXES_FAILURE_LIMIT
# within the cool-off, that pair is locked until AXES_COOLOFF_MINUTES after its last attempt;
# an administrator unlocks earlier in the admin (Axes → Access attempts → 解除锁定). A username
# attacked from many addresses is not locked for its owner at their own address.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "footprint.throttling.lockout_response"
AXES_CLIENT_IP_CALLABLE = "footprint.throttling.client_ip"
AXES_HTTP_RESPONSE_CODE = 429

# Content-Security-Policy on every response (django-csp): scripts, styles, fonts and images
# only from our own origin, no inline script or style (templates carry none: behaviour is in
# static/js/app.js, styles in static/css/app.css; tests/test_security_headers.py checks both).
# data: images: Bootstrap's CSS draws small icons (select arrow, close button) as data: SVG.
# The HTML preview of a report sets its own policy: no script at all, inline styles allowed
# for the report's own stylesheet (footprint/views/reports.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}

# Background jobs (issuing, draft PDFs, e-mail): Celery on Redis. Workers run
# `celery -A config worker`; docs/deployment.md. A task's message is acknowledged only when it
# ends, and a worker that dies mid-task hands it back to the queue (issuing is idempotent:
# footprint/services/issuing.py). Redis redelivers a message nobody acknowledged after the
# visibility timeout: longer than any task may run.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="redis://127.0.0.1:6379/0")
# Installations (or a benchmark) sharing one Redis keep their jobs apart by queue name.
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=600)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
}
# Job state lives in BackgroundJob rows, not in Celery results.
CELERY_TASK_IGNORE_RESULT = True
# A broker that is down must not hold the user's request: fail fast, the page says so.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2,
                                    "interval_max": 0.5}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Run tasks inside the calling process instead of queueing them (tests; `make demo`).
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
# With eager tasks, run them in a thread of the web process so that a request that queues a
# render returns at once (the embedded `make demo` server has no worker).
JOBS_IN_THREAD = env.bool("JOBS_IN_THREAD", default=False)
# Periodic tasks, for a `celery -A config beat` process (or cron running the management command
# of the same name): data requests past their due date are notified once a day.
CELERY_BEAT_SCHEDULE = {
    "notify-overdue-requests": {"task": "footprint.notify_overdue_requests", "schedule": 24 * 3600.0},
}
