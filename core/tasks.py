"""Thin tasks: load by id, call one function, idempotent."""

from celery import shared_task
from celery.exceptions import MaxRetriesExceededError
from django.db import transaction
from django.utils import timezone

from .models import OutboundMessage
from .notifications import deliver


@shared_task(bind=True, max_retries=5, default_retry_delay=30)
def deliver_outbound(self, message_id: int) -> str:
    """Deliver a recorded message once; a message already sent is never sent again."""
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
    if failure is None:
        return "sent"
    if self.request.called_directly:
        return "failed"
    try:
        raise self.retry(exc=failure)
    except MaxRetriesExceededError:
        return "failed"
