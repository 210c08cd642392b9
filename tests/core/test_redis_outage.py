"""Issue 14 §3: Redis stopped. A write that queues a task (an e-mail or SMS, a ticket's clock) still succeeds
— the work is recorded in PostgreSQL and the lost prompt is logged, not raised into the page — and once
Redis is back the sweeps queue it again and it is delivered exactly once. The outage is real: the writer
is a separate Django process whose broker address is a port nobody listens on."""

import subprocess
import sys
import time
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from django.utils import timezone

from core.models import OutboundMessage
from tests.processes import child_env, free_port

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True)

WRITE_WHILE_REDIS_IS_DOWN = """
import django; django.setup()
from django.db import transaction
from core.notifications import send_outbound
with transaction.atomic():
    message = send_outbound(channel="email", recipient="owner@example.com", subject="停水通知", body="明日停水")
print("recorded", message.pk)
"""


def test_a_message_recorded_while_redis_is_down_is_delivered_once_after(mailoutbox, monkeypatch):
    env = child_env(REDIS_URL=f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-c", WRITE_WHILE_REDIS_IS_DOWN], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]  # the write succeeded: no exception reached the caller
    assert "Redis unreachable" in result.stderr  # the lost prompt is logged
    assert time.monotonic() - started < 60
    message = OutboundMessage.objects.get(pk=int(result.stdout.split()[-1]))
    assert message.status == OutboundMessage.Status.PENDING

    # Redis is back (this process's broker): the sweep queues it, a real worker delivers it — once,
    # although the sweep runs twice and both prompts reach the worker
    from config.celery import app
    from core.notifications import outbound_requeue
    from core.tasks import deliver_outbound

    later = timezone.now() + timezone.timedelta(minutes=5)
    queue = "test_core_outbound_sweep"
    # the task's own queue for this test (the app's router is built once per process, so not task_routes)
    monkeypatch.setattr(deliver_outbound, "queue", queue, raising=False)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10, queues=[queue]):
        assert outbound_requeue(now=later) == 1
        assert outbound_requeue(now=later) == 1
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            message.refresh_from_db()
            if message.status == OutboundMessage.Status.SENT and len(mailoutbox) >= 1:
                break
            time.sleep(0.2)
        time.sleep(1)  # let the second prompt run too
    message.refresh_from_db()
    assert message.status == OutboundMessage.Status.SENT and message.attempts == 1
    assert [m.subject for m in mailoutbox] == ["停水通知"]
