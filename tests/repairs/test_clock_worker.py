"""The clocks through a real Celery worker on Redis: the ETA task and the beat sweeper's task."""

import datetime
import time
import uuid
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

from core.models import Notification, OutboundMessage, Role
from repairs.models import Clock, Ticket
from tests.repairs.matrix_clocks import make_clock, make_ticket

# Its own queue: other test runs share the development Redis, and their workers must not take our tasks.
QUEUE = f"test-repairs-clocks-{uuid.uuid4().hex[:8]}"


def _wait(check, seconds=15):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not check():
        time.sleep(0.2)
    return check()


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_breaches_a_due_clock_once_and_emails_the_supervisor(community_a, users):
    from celery.contrib.testing.worker import start_worker

    from config.celery import app
    from core.tasks import deliver_outbound
    from repairs.tasks import clock_fire, clock_sweep

    clerk, supervisor = users[Role.CLERK], users[Role.SUPERVISOR]
    supervisor.email = "supervisor@example.com"
    supervisor.save(update_fields=["email"])
    past = timezone.now() - datetime.timedelta(minutes=10)
    by_eta = make_clock(make_ticket(community_a, actor=clerk, at=past), Clock.Kind.DISPATCH, started=past)
    by_sweep = make_clock(make_ticket(community_a, actor=clerk, at=past), Clock.Kind.COMPLAINT, started=past)

    def supervisor_told(clock):
        return Notification.objects.filter(user=supervisor, title__contains=clock.ticket.number).count()

    # the e-mail's delivery task goes to our queue too, so our worker sends it
    with (mock.patch("core.tasks.deliver_outbound.delay",
                     side_effect=lambda pk: deliver_outbound.apply_async(args=[pk], queue=QUEUE)),
          start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10, queues=[QUEUE])):
        clock_fire.apply_async(args=[by_eta.pk, "breach"], queue=QUEUE)
        clock_fire.apply_async(args=[by_eta.pk, "breach"], queue=QUEUE)  # fired twice (e.g. re-queued): once
        assert _wait(lambda: supervisor_told(by_eta) == 1 and OutboundMessage.objects.filter(status="sent").exists())
        clock_sweep.apply_async(queue=QUEUE)  # the beat's sweeper catches the other one
        assert _wait(lambda: supervisor_told(by_sweep) == 1 and OutboundMessage.objects.filter(status="sent").count() == 2)
        time.sleep(1)  # the second ETA firing has had its turn
    by_eta.refresh_from_db()
    by_sweep.refresh_from_db()
    assert by_eta.breached_at and by_sweep.breached_at
    assert supervisor_told(by_eta) == 1 and supervisor_told(by_sweep) == 1
    assert sorted(m.to[0] for m in mail.outbox) == ["supervisor@example.com"] * 2
    assert Ticket.objects.filter(is_overdue=True).count() == 2
    assert Notification.objects.filter(user=clerk, url__contains=f"/clocks/{by_eta.pk}/").count() == 1
