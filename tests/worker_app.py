"""The Celery app as a test worker runs it (`celery -A tests.worker_app worker`), with one
change: the first signing of a run announces itself in TEST_WORKER_MARKER (the worker
process's pid) and then hangs like a timestamp server that does not answer, so that the
test can kill that process mid-issue. Later signings go through."""

import os
import time
from pathlib import Path

os.environ["DJANGO_SETTINGS_MODULE"] = "tests.worker_settings"

import django  # noqa: E402

django.setup()

from config.celery import app  # noqa: E402
from footprint.services.workflow import signing  # noqa: E402

_real_sign = signing.sign_pdf


def _hanging_first_sign(*args, **kwargs):
    marker = Path(os.environ["TEST_WORKER_MARKER"])
    if not marker.exists():
        marker.write_text(str(os.getpid()))
        time.sleep(120)
    return _real_sign(*args, **kwargs)


signing.sign_pdf = _hanging_first_sign

__all__ = ["app"]
