"""Thin tasks: load by id, call one service, idempotent."""

from celery import shared_task
from celery.exceptions import MaxRetriesExceededError
from django.utils import timezone

from .notifications import DeliveryFailed, outbound_deliver, outbound_requeue


@shared_task(bind=True, max_retries=5, default_retry_delay=30)
def deliver_outbound(self, message_id: int) -> str:
    """Deliver a recorded message once; a message already sent is never sent again. A failure is retried."""
    try:
        return outbound_deliver(message_id=message_id)
    except DeliveryFailed as failure:
        if self.request.called_directly:
            return "failed"
        try:
            raise self.retry(exc=failure.__cause__ or failure)
        except MaxRetriesExceededError:
            return "failed"


@shared_task
def outbound_sweep() -> int:
    """Queue again the messages whose queueing was lost (Redis down at the commit)."""
    return outbound_requeue(now=timezone.now())


@shared_task
def export_run(job_id: str) -> str:
    """Build a large export's .xlsx (``core.services.exports.job_run``); a second prompt does nothing."""
    from .services.exports import job_run

    return job_run(job_id)


@shared_task
def exports_sweep() -> dict:
    """Queue again the export jobs whose prompt was lost; clear the files of expired ones."""
    from .services.exports import jobs_sweep

    return jobs_sweep(now=timezone.now())
