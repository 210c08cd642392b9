import json
import time
from unittest import mock

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse

from core.models import Notification, OutboundMessage
from core.notifications import HttpSmsGateway, LoggingSmsGateway, notify, send_outbound, unread_count
from core.tasks import deliver_outbound


def test_notification_centre_unread_count_and_mark_read(client, clerk, users):
    notify(users=[clerk], title="回访提醒", body="3-2-1502", url="/frontdesk/units/")
    notify(users=[clerk], title="欠费提醒")
    client.force_login(clerk)
    html = client.get(reverse("home")).content.decode()
    assert 'id="unread-count">2<' in html
    first = Notification.objects.filter(user=clerk).order_by("id").first()
    response = client.post(reverse("core:notification_read", args=[first.pk]))
    assert response["Location"] == "/frontdesk/units/"
    assert unread_count(clerk) == 1
    client.post(reverse("core:notifications_read_all"))
    assert unread_count(clerk) == 0


def test_cannot_mark_someone_elses_notification(client, clerk, users):
    other = users["supervisor"]
    note = notify(users=[other], title="x")[0]
    client.force_login(clerk)
    client.post(reverse("core:notification_read", args=[note.pk]))
    note.refresh_from_db()
    assert note.read_at is None


def test_outbound_is_queued_on_commit(db, django_capture_on_commit_callbacks):
    with mock.patch.object(deliver_outbound, "delay") as delay:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            message = send_outbound(channel="sms", recipient="13812345678", body="您有一个包裹待领取")
        assert len(callbacks) == 1
        delay.assert_called_once_with(message.pk)


def test_email_goes_through_django_mail(db):
    message = OutboundMessage.objects.create(channel="email", recipient="owner@example.com", subject="缴费通知", body="请缴费")
    assert deliver_outbound(message.pk) == "sent"
    assert mail.outbox[0].subject == "缴费通知"
    message.refresh_from_db()
    assert message.status == "sent" and message.sent_at
    assert deliver_outbound(message.pk) == "skipped"  # never sent twice
    assert len(mail.outbox) == 1


def test_sms_through_the_http_gateway_only_the_http_call_is_mocked(db, settings):
    settings.SMS_GATEWAY = "core.notifications.HttpSmsGateway"
    settings.SMS_GATEWAY_URL = "https://sms.example.invalid/send"
    message = OutboundMessage.objects.create(channel="sms", recipient="13812345678", body="维修已完成")
    response = mock.MagicMock(status=200)
    response.__enter__.return_value = response
    with mock.patch("core.notifications.urllib.request.urlopen", return_value=response) as urlopen:
        assert deliver_outbound(message.pk) == "sent"
    sent = urlopen.call_args.args[0]
    assert json.loads(sent.data) == {"phone": "13812345678", "text": "维修已完成"}
    assert HttpSmsGateway.timeout == urlopen.call_args.kwargs["timeout"]


def test_the_development_gateway_logs_the_number_masked(caplog):
    """The default gateway writes to the server's log, which whoever runs the server reads: never a full number."""
    with caplog.at_level("INFO", logger="core.notifications"):
        LoggingSmsGateway().send(phone="13812345678", text="您的快递已到，取件码 123456")
    assert "138****5678" in caplog.text and "取件码 123456" in caplog.text
    assert "13812345678" not in caplog.text


def test_a_gateway_failure_is_recorded(db, settings):
    settings.SMS_GATEWAY = "core.notifications.HttpSmsGateway"
    settings.SMS_GATEWAY_URL = "https://sms.example.invalid/send"
    message = OutboundMessage.objects.create(channel="sms", recipient="13812345678", body="x")
    with mock.patch("core.notifications.urllib.request.urlopen", side_effect=OSError("gateway down")):
        assert deliver_outbound(message.pk) == "failed"
    message.refresh_from_db()
    assert message.status == "failed" and "gateway down" in message.error and message.attempts == 1


@pytest.mark.django_db(transaction=True)
def test_a_real_celery_worker_delivers_after_commit():
    from unittest import mock

    from celery.contrib.testing.worker import start_worker

    from config.celery import app
    from core.tasks import deliver_outbound

    # Its own queue: on a shared Redis the default queue may hold other runs' tasks (or their workers).
    queue = "test_core_outbound"
    with (mock.patch("core.tasks.deliver_outbound.delay",
                     side_effect=lambda pk: deliver_outbound.apply_async(args=[pk], queue=queue)),
          start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10, queues=[queue])):
        with transaction.atomic():
            message = send_outbound(channel="email", recipient="owner@example.com", subject="通知", body="您好")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            message.refresh_from_db()
            if message.status == OutboundMessage.Status.SENT:
                break
            time.sleep(0.2)
    assert message.status == OutboundMessage.Status.SENT


def test_an_e_mail_carries_its_attachments_stored_with_the_message(db, django_capture_on_commit_callbacks):
    from django.core import mail

    from core.models import OutboundMessage
    from core.notifications import outbound_deliver, send_outbound

    with django_capture_on_commit_callbacks(execute=False):
        message = send_outbound(channel="email", recipient="a@example.com", subject="申请", body="见附件",
                                attachments=[("申请表.pdf", b"%PDF-1.4 x", "application/pdf"),
                                             ("id.png", b"\x89PNG\r\n\x1a\n", "image/png")])
    stored = list(message.attachments.all())
    assert [a.filename for a in stored] == ["申请表.pdf", "id.png"]
    assert bytes(stored[0].content) == b"%PDF-1.4 x"  # in the database: rolled back with the message
    assert outbound_deliver(message_id=message.pk) == "sent"
    assert outbound_deliver(message_id=message.pk) == "skipped"
    sent = mail.outbox[-1]
    assert sent.attachments == [("申请表.pdf", b"%PDF-1.4 x", "application/pdf"),
                                ("id.png", b"\x89PNG\r\n\x1a\n", "image/png")]
    assert OutboundMessage.objects.get(pk=message.pk).status == "sent"
    with pytest.raises(ValueError):
        send_outbound(channel="sms", recipient="13812345678", body="x", attachments=[("a.pdf", b"x", "application/pdf")])
