"""The Celery application: background jobs (footprint/tasks.py) on a Redis broker.

Run a worker with `celery -A config worker`. Settings come from Django's, prefixed CELERY_
(config/settings/base.py).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("pcf")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
