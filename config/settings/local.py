"""Development: DEBUG on, console e-mail; the embedded PostgreSQL and Redis come from scripts/stack.py."""

from .base import *  # noqa: F401,F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# runserver and pytest's live_server serve static files themselves; WhiteNoise is for production.
MIDDLEWARE = [m for m in MIDDLEWARE if m != "whitenoise.middleware.WhiteNoiseMiddleware"]  # noqa: F405
# A wrong address shows the project's Chinese 404 page, not Django's list of URL patterns.
MIDDLEWARE.insert(0, "core.errorpages.FriendlyNotFoundMiddleware")
