"""Helpers for the tests that start real processes (gunicorn, Celery workers, beat, a Django script):
the address of the test database for their environment, and a free port."""

import os
import socket

from django.db import connection


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again at once: nothing listens there until someone binds it


def child_database_url() -> str:
    """DATABASE_URL of the test database (the child must write where the test reads)."""
    db = connection.settings_dict
    # the embedded server is reached by its socket directory, which django-environ puts in OPTIONS["host"]
    host = db.get("HOST") or db.get("OPTIONS", {}).get("host", "")
    if host.startswith("/"):
        return f"postgres://{db['USER']}@/{db['NAME']}?host={host}"
    return f"postgres://{db['USER']}@{host}:{db.get('PORT') or 5432}/{db['NAME']}"


def child_env(**overrides) -> dict:
    """The environment of a child process on the test settings and the test database."""
    return {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "DATABASE_URL": child_database_url(),
            **overrides}
