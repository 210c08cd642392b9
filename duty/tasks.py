"""Thin Celery tasks of the duty app. Scheduled by ``CELERY_BEAT_SCHEDULE`` (config/settings/base.py),
which django-celery-beat's database scheduler copies into its tables when beat starts."""

from celery import shared_task
from django.utils import timezone


@shared_task(bind=True, max_retries=3, default_retry_delay=300)
def roster_reminders(self) -> int:
    """Daily: remind supervisors of next month's roster on the 20th and the 24th (once each; missed days caught up)."""
    from .services.roster import roster_reminders_send

    try:
        return len(roster_reminders_send(today=timezone.localdate()))
    except Exception as exc:
        if self.request.called_directly:
            raise
        raise self.retry(exc=exc) from exc
