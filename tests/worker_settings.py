"""Settings of the real Celery worker that tests/test_worker.py starts: the test settings,
the test run's database, PKI, media and report renderer, and a queue of its own."""

import os

from config.settings.test import *  # noqa: F403

CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_DEFAULT_QUEUE = os.environ["TEST_WORKER_QUEUE"]
SIGNING_PKCS12_PATH = os.environ["TEST_SIGNING_PKCS12_PATH"]
SIGNING_PKCS12_PASSPHRASE = os.environ["TEST_SIGNING_PKCS12_PASSPHRASE"]
SIGNING_SEAL_IMAGE = os.environ["TEST_SIGNING_SEAL_IMAGE"]
MEDIA_ROOT = os.environ["TEST_MEDIA_ROOT"]
REPORT_RENDERER = os.environ["TEST_REPORT_RENDERER"]
