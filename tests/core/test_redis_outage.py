"""Issue 14 §3: Redis stopped. A write that queues a task (an e-mail or SMS, a ticket's clock) still succeeds
— the work is recorded in PostgreSQL and the lost prompt is logged, not raised into the page — and once
Redis is back the sweeps queue it again and it is delivered exactly once. The outage is real: the writer
is a separate Django process whose broker address is a port nobody listens on."""

import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

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

SWEEP_TWICE = """
import django; django.setup()
import datetime
from django.utils import timezone
from core.notifications import outbound_requeue
later = timezone.now() + datetime.timedelta(minutes=5)
print(outbound_requeue(now=later), outbound_requeue(now=later))
"""


def test_a_message_recorded_while_redis_is_down_is_delivered_once_after():
    env = child_env(REDIS_URL=f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-c", WRITE_WHILE_REDIS_IS_DOWN], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]  # the write succeeded: no exception reached the caller
    assert "Redis unreachable" in result.stderr  # the lost prompt is logged
    assert time.monotonic() - started < 60
    message = OutboundMessage.objects.get(pk=int(result.stdout.split()[-1]))
    assert message.status == OutboundMessage.Status.PENDING

    # Redis is back: the beat's sweep runs twice (both prompts reach the worker) and a real worker process
    # delivers the message — once. Both are processes of their own on a queue of their own.
    queue_env = child_env(CELERY_QUEUE=f"test-redis-outage-{uuid.uuid4().hex[:8]}")
    worker = subprocess.Popen([sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo",
                               "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "info"],
                              cwd=ROOT, env=queue_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        result = subprocess.run([sys.executable, "-c", SWEEP_TWICE], cwd=ROOT, env=queue_env,
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr[-3000:]
        assert result.stdout.split() == ["1", "1"]  # queued again by each sweep
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            message.refresh_from_db()
            if message.status == OutboundMessage.Status.SENT:
                break
            time.sleep(0.3)
        time.sleep(2)  # the second prompt has had its turn
    finally:
        worker.terminate()
        log = worker.communicate(timeout=30)[0].decode(errors="replace")
    message.refresh_from_db()
    assert message.status == OutboundMessage.Status.SENT and message.attempts == 1, log[-3000:]
    assert log.count("core.tasks.deliver_outbound") >= 2  # both prompts were delivered to the worker
