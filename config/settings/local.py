"""Local development and `make demo`: SQLite by default, debug on."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
# `make demo` runs with DEBUG=false (no debug page, no settings shown to anyone): WhiteNoise
# then serves the static files straight from static/ and the apps, without collectstatic.
WHITENOISE_USE_FINDERS = True
# `make demo` needs no Redis and no worker: jobs run in a thread of the server, so a render or
# an issue never holds other users' requests. Set CELERY_BROKER_URL and
# CELERY_TASK_ALWAYS_EAGER=false (and start `celery -A config worker`) to use the queue.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
JOBS_IN_THREAD = env.bool("JOBS_IN_THREAD", default=CELERY_TASK_ALWAYS_EAGER)
