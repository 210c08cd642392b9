"""Tests: same PostgreSQL and Redis as development (scripts/stack.py starts them), fast hashing."""

from .base import *  # noqa: F401,F403
from .base import env

DEBUG = False
SECRET_KEY = "test-only-secret-key-not-for-production-0123456789abcdef"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
AXES_FAILURE_LIMIT = 5
# 0: a new connection per request; a test of a database outage sets it as production does (tests/core/test_db_outage.py)
DATABASES["default"]["CONN_MAX_AGE"] = env.int("TEST_DB_CONN_MAX_AGE", default=0)  # noqa: F405
# Lets the test runner flush append-only tables between transactional tests (see core/db.py).
DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c frontdesk.allow_truncate=on"  # noqa: F405
CELERY_TASK_ALWAYS_EAGER = False
MEDIA_ROOT = env.path("MEDIA_ROOT", default="/tmp/frontdesk-test-media")
# runserver and pytest's live_server serve static files themselves; WhiteNoise is for production.
MIDDLEWARE = [m for m in MIDDLEWARE if m != "whitenoise.middleware.WhiteNoiseMiddleware"]  # noqa: F405
# manage.py restore_check points this alias at its scratch database; the backup tests ask for it.
DATABASES["restore_check"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}  # noqa: F405
