"""Local development and `make demo`: SQLite by default, debug on."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
# `make demo` runs with DEBUG=false (no debug page, no settings shown to anyone): WhiteNoise
# then serves the static files straight from static/ and the apps, without collectstatic.
WHITENOISE_USE_FINDERS = True
