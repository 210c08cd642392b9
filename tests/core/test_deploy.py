"""Deployment wiring: production settings pass Django's deploy checks, and the service URLs that
scripts/stack.py exports (embedded or external) work for Django, pg_trgm and Celery."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def _production_env(**overrides) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),  # 67 characters, many distinct
        DJANGO_ALLOWED_HOSTS="frontdesk.example.com,www.frontdesk.example.com",
        DJANGO_CSRF_TRUSTED_ORIGINS="https://frontdesk.example.com,https://www.frontdesk.example.com",
        DATABASE_URL=os.environ.get("DATABASE_URL", "postgres://frontdesk:secret@db.internal:5432/frontdesk"),
        REDIS_URL=os.environ.get("REDIS_URL", "redis://redis.internal:6379/0"),
        SITE_URL="https://frontdesk.example.com",
    )
    env.update(overrides)
    return {k: v for k, v in env.items() if v is not None}


def _manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_settings_pass_deploy_check():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=_production_env())
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = _production_env()
    del env["DJANGO_SECRET_KEY"]
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_database_url_connects_and_pg_trgm_splits_chinese():
    # The embedded server's socket URL (postgres://postgres@/frontdesk?host=/dir) must reach Django.
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        # With a C/POSIX ctype, pg_trgm makes no trigrams of Chinese characters and search finds nothing.
        cursor.execute("SELECT show_trgm(%s)", ["张建国"])
        (trigrams,) = cursor.fetchone()
    assert len(trigrams) == 4


def test_redis_url_works_for_the_celery_broker():
    from kombu import Connection

    with Connection(settings.CELERY_BROKER_URL, connect_timeout=5) as conn:
        conn.ensure_connection(max_retries=1)
        with conn.SimpleQueue("frontdesk-deploy-test") as queue:
            queue.put({"ping": "pong"})
            message = queue.get(timeout=5)
            assert message.payload == {"ping": "pong"}
            message.ack()
