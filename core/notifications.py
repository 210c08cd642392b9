"""Notifications: the in-app centre and the one outbound sender interface every reminder uses.

``notify()`` writes in-app notifications; ``send_outbound()`` records an e-mail or SMS and hands it
to Celery after the transaction commits. Delivery goes through the channel's sender: Django's mail
settings for e-mail, the SMS gateway adapter named by ``settings.SMS_GATEWAY`` for SMS.
"""

import datetime
import json
import logging
import urllib.request

from django.conf import settings
from django.core.mail import EmailMessage, send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import Notification, OutboundAttachment, OutboundMessage
from .privacy import mask_phone

logger = logging.getLogger(__name__)


def notify(*, users, title: str, body: str = "", url: str = "", group: str = "") -> list[Notification]:
    """Put a notification in each user's in-app centre. With ``group`` (e.g. ``"ticket:12:clock"``), a user's
    unread notification of that group is updated in place (new title, body, link and time) instead of adding one."""
    return notifications_put([Notification(user=user, title=title[:200], body=body, url=url, group=group)
                              for user in users])


def notifications_put(rows: list[Notification]) -> list[Notification]:
    """Write many notifications at once (one read and at most two writes, whatever their number): a grouped one
    replaces the user's unread notification of the same group (the last of a batch wins); the rest are added."""
    now = timezone.now()
    latest: dict = {}
    plain = []
    for row in rows:
        if row.group:
            latest[(row.user_id, row.group)] = row
        else:
            plain.append(row)
    changed = []
    if latest:
        existing = {(n.user_id, n.group): n for n in Notification.objects.filter(
            user_id__in={user for user, _group in latest}, group__in={group for _user, group in latest},
            read_at__isnull=True).order_by("created_at", "id")}
        for key in [key for key in latest if key in existing]:
            row, current = latest.pop(key), existing[key]
            current.title, current.body, current.url, current.created_at = row.title, row.body, row.url, now
            changed.append(current)
        if changed:
            Notification.objects.bulk_update(changed, ["title", "body", "url", "created_at"])
    created = Notification.objects.bulk_create(plain + list(latest.values()), batch_size=2000)
    return created + changed


def notification_mark_read(*, user, notification_id: int | None = None) -> int:
    """Mark one (or, with no id, all) of the user's notifications read. Returns how many changed."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_id is not None:
        qs = qs.filter(pk=notification_id)
    return qs.update(read_at=timezone.now())


def unread_count(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def send_outbound(*, channel: str, recipient: str, body: str, subject: str = "",
                  attachments=()) -> OutboundMessage:
    """Record an outbound message and queue its delivery once the surrounding transaction commits.
    ``attachments``: (file name, bytes, content type) triples, e-mail only; stored with the message, so a
    retried delivery sends the same files."""
    attachments = list(attachments)
    if attachments and channel != OutboundMessage.Channel.EMAIL:
        raise ValueError("Only an e-mail carries attachments.")
    message = OutboundMessage.objects.create(channel=channel, recipient=recipient, subject=subject, body=body)
    OutboundAttachment.objects.bulk_create(  # in the database: rolled back with the message, kept in backups
        OutboundAttachment(message=message, content=bytes(content), filename=filename[:120],
                           content_type=content_type[:100]) for filename, content, content_type in attachments)
    from .queueing import enqueue_on_commit
    from .tasks import deliver_outbound

    enqueue_on_commit(deliver_outbound, message.pk)  # Redis down: the outbound sweep queues it later
    return message


class LoggingSmsGateway:
    """Default SMS gateway: writes the message to the log, the number masked (a log is read by whoever runs
    the server). For development and demos."""

    def send(self, *, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", mask_phone(phone), text)


class HttpSmsGateway:
    """A JSON-over-HTTP SMS gateway (``SMS_GATEWAY_URL`` / ``SMS_GATEWAY_TOKEN``)."""

    timeout = 10

    def send(self, *, phone: str, text: str) -> None:
        payload = json.dumps({"phone": phone, "text": text}).encode()
        request = urllib.request.Request(
            settings.SMS_GATEWAY_URL,
            data=payload,
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {settings.SMS_GATEWAY_TOKEN}"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 (configured URL)
            if response.status >= 300:
                raise RuntimeError(f"SMS gateway answered {response.status}")


def sms_gateway():
    return import_string(settings.SMS_GATEWAY)()


def deliver(message: OutboundMessage) -> None:
    """Send one recorded message through its channel. Raises on failure (the task retries)."""
    if message.channel == OutboundMessage.Channel.EMAIL:
        attachments = list(message.attachments.all())
        if not attachments:
            send_mail(message.subject, message.body, settings.DEFAULT_FROM_EMAIL, [message.recipient])
            return
        email = EmailMessage(message.subject, message.body, settings.DEFAULT_FROM_EMAIL, [message.recipient])
        for attachment in attachments:
            email.attach(attachment.filename, bytes(attachment.content), attachment.content_type)
        email.send()
    elif message.channel == OutboundMessage.Channel.SMS:
        sms_gateway().send(phone=message.recipient, text=message.body)
    else:  # pragma: no cover - guarded by choices
        raise ValueError(f"Unknown channel {message.channel}")


class DeliveryFailed(Exception):
    """The channel refused a message; the failure is recorded on it (the task retries). ``__cause__`` is the
    channel's own error."""


def outbound_requeue(*, now, older_than=datetime.timedelta(minutes=2), messages=None, what="messages") -> int:
    """Queue again every message still pending some minutes after it was recorded (its queueing was lost,
    e.g. Redis was down when the transaction committed); ``messages`` narrows it to an app's own (a queryset
    of ``OutboundMessage``). Delivery is idempotent: a message queued twice is sent once. Redis still down:
    logged, the rest wait for the next sweep."""
    from .queueing import BROKER_DOWN
    from .tasks import deliver_outbound

    pending = messages if messages is not None else OutboundMessage.objects.all()
    ids = list(pending.filter(status=OutboundMessage.Status.PENDING, created_at__lte=now - older_than)
               .order_by("pk").values_list("pk", flat=True)[:5000])
    for count, pk in enumerate(ids):
        try:
            deliver_outbound.delay(pk)
        except BROKER_DOWN:
            logger.warning("Redis is unreachable: %s %s wait for the next sweep", len(ids) - count, what)
            return count
    return len(ids)


def outbound_deliver(*, message_id: int) -> str:
    """Deliver a recorded message once, under a row lock: "skipped" for a message already sent (or gone),
    "sent" once delivered. A failed attempt is recorded (status, error, attempts) and raises DeliveryFailed."""
    failure = None
    with transaction.atomic():
        message = OutboundMessage.objects.select_for_update().filter(pk=message_id).first()
        if message is None or message.status == OutboundMessage.Status.SENT:
            return "skipped"
        message.attempts += 1
        try:
            deliver(message)
        except Exception as exc:  # noqa: BLE001 - any gateway failure is recorded, then retried
            failure = exc
            message.status = OutboundMessage.Status.FAILED
            message.error = str(exc)[:2000]
            message.save(update_fields=["attempts", "status", "error"])
        else:
            message.status = OutboundMessage.Status.SENT
            message.sent_at = timezone.now()
            message.error = ""
            message.save(update_fields=["attempts", "status", "sent_at", "error"])
    if failure is not None:
        raise DeliveryFailed(str(failure)) from failure
    return "sent"
