"""Tests: same PostgreSQL and Redis as development (scripts/stack.py starts them), fast hashing."""

import os

from .base import *  # noqa: F401,F403
from .base import BASE_DIR, env

# pytest-xdist (scripts/stack.py test runs two workers): pytest-django gives each worker its own test
# database (test_frontdesk_gw0, ...); here each also gets its own media and backup directories and its own
# keys in the shared Redis (Celery's queues, bindings and unacknowledged messages under a "gw0:" prefix).
# The processes a test starts inherit PYTEST_XDIST_WORKER (tests/processes.child_env), so they agree.
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
_PER_WORKER = f"-{XDIST_WORKER}" if XDIST_WORKER else ""

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
MEDIA_ROOT = env.path("MEDIA_ROOT", default=f"/tmp/frontdesk-test-media{_PER_WORKER}")
BACKUP_DIR = env.path("BACKUP_DIR", default=str(BASE_DIR / "var" / f"backups-test{_PER_WORKER}"))
if XDIST_WORKER:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"global_keyprefix": f"{XDIST_WORKER}:"}
# runserver and pytest's live_server serve static files themselves; WhiteNoise is for production.
MIDDLEWARE = [m for m in MIDDLEWARE if m != "whitenoise.middleware.WhiteNoiseMiddleware"]  # noqa: F405
# manage.py restore_check points this alias at its scratch database; the backup tests ask for it.
DATABASES["restore_check"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}  # noqa: F405
