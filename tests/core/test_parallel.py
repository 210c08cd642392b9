"""The suite runs on several pytest-xdist workers at once (scripts/stack.py test): each worker, and every
process its tests start, has its own test database, media and backup directories and Celery keys in the
shared test Redis, so no worker reads another's rows or files or takes another's tasks."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.processes import child_database_url, child_env

ROOT = Path(__file__).resolve().parents[2]

SHOW_SETTINGS = """
import json, django; django.setup()
from django.conf import settings
options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {})
print(json.dumps({"media": str(settings.MEDIA_ROOT), "backups": str(settings.BACKUP_DIR),
                  "redis": options.get("global_keyprefix", "")}))
"""


def _settings_of(worker: str | None) -> dict:
    env = {k: v for k, v in child_env().items() if k not in ("PYTEST_XDIST_WORKER", "MEDIA_ROOT", "BACKUP_DIR")}
    if worker:
        env["PYTEST_XDIST_WORKER"] = worker
    result = subprocess.run([sys.executable, "-c", SHOW_SETTINGS], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_each_worker_has_its_own_media_backups_and_redis_keys():
    one, two, alone = _settings_of("gw0"), _settings_of("gw1"), _settings_of(None)
    assert one == {"media": "/tmp/frontdesk-test-media-gw0", "backups": str(ROOT / "var" / "backups-test-gw0"),
                   "redis": "gw0:"}
    assert two == {"media": "/tmp/frontdesk-test-media-gw1", "backups": str(ROOT / "var" / "backups-test-gw1"),
                   "redis": "gw1:"}
    assert alone == {"media": "/tmp/frontdesk-test-media", "backups": str(ROOT / "var" / "backups-test"), "redis": ""}


@pytest.mark.django_db
def test_this_worker_and_the_processes_it_starts_use_its_own_database():
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    name = connection.settings_dict["NAME"]
    assert name.startswith("test_")
    assert child_database_url().split("?")[0].endswith(f"/{name}")
    if worker:  # pytest-django's per-worker database; the settings' per-worker keys
        assert name.endswith(f"_{worker}")
        assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["global_keyprefix"] == f"{worker}:"
        assert child_env()["PYTEST_XDIST_WORKER"] == worker


def test_the_tests_that_start_servers_are_grouped_on_one_worker_by_their_real_paths():
    from tests.conftest import PROCESS_TESTS

    assert PROCESS_TESTS and all((ROOT / path).is_file() for path in PROCESS_TESTS)  # a rename must not ungroup one
