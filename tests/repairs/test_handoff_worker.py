"""The e-mail to the provider through a real Celery worker on Redis: delivered once, with the application PDF
attached, even when the delivery task is queued again and the worker is restarted."""

import time
import uuid
from unittest import mock

import pytest
from django.core import mail

from core.models import OutboundMessage, Role
from repairs.services import handoffs
from tests.repairs.matrix_handoffs import file_handoff, network_provider

QUEUE = f"test-repairs-handoffs-{uuid.uuid4().hex[:8]}"  # our own queue: other runs' workers must not take it


def _wait(check, seconds=20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not check():
        time.sleep(0.2)
    return check()


@pytest.mark.django_db(transaction=True)
def test_the_provider_gets_one_e_mail_with_the_pdf_across_a_worker_restart(unit_a, users):
    from celery.contrib.testing.worker import start_worker

    from config.celery import app
    from core import tasks
    from core.tasks import deliver_outbound

    results = []  # what each delivery task did (the worker runs in a thread of this process)
    real = tasks.outbound_deliver

    def spy(**kwargs):
        results.append(real(**kwargs))
        return results[-1]

    clerk = users[Role.CLERK]
    network_provider(unit_a.community, actor=users[Role.SUPERVISOR])
    ticket = file_handoff(unit_a, actor=clerk)
    to_our_queue = mock.patch("core.tasks.deliver_outbound.delay",
                              side_effect=lambda pk: deliver_outbound.apply_async(args=[pk], queue=QUEUE))
    spying = mock.patch("core.tasks.outbound_deliver", side_effect=spy)
    with to_our_queue, spying, start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10,
                                            queues=[QUEUE]):
        handoff = handoffs.handoff_forward(ticket=ticket, actor=clerk)
        message = handoff.forward_message
        assert _wait(lambda: OutboundMessage.objects.get(pk=message.pk).status == OutboundMessage.Status.SENT)
        deliver_outbound.apply_async(args=[message.pk], queue=QUEUE)  # queued again (e.g. a lost acknowledgement)
        assert _wait(lambda: results == ["sent", "skipped"])
    # the worker restarts and the task comes again (redelivered after the restart): skipped
    with mock.patch("core.tasks.outbound_deliver", side_effect=spy), \
            start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10, queues=[QUEUE]):
        deliver_outbound.apply_async(args=[message.pk], queue=QUEUE)
        assert _wait(lambda: results == ["sent", "skipped", "skipped"])
    message.refresh_from_db()
    assert message.attempts == 1 and message.status == OutboundMessage.Status.SENT
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["kaihu@wangtong.example.com"] and ticket.number in sent.subject
    assert sent.attachments[0][0] == f"handoff-{ticket.number}.pdf" and sent.attachments[0][1][:5] == b"%PDF-"
    assert sent.attachments[0][2] == "application/pdf"
