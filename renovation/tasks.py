"""Thin Celery tasks of the renovation app (beat schedule: ``CELERY_BEAT_SCHEDULE`` in config/settings/base.py)."""

from celery import shared_task
from django.db import InterfaceError, OperationalError


@shared_task(expires=14 * 60, autoretry_for=(OperationalError, InterfaceError), retry_backoff=5, max_retries=5)
def reminders_sweep() -> int:
    """Every 15 minutes (beat): every reminder due now (permits ending in 3 days, sites not inspected by
    16:00, acceptance overdue, and the sources other areas register), each sent once."""
    from .services.reminders import reminders_sweep as sweep

    return sweep()


@shared_task(expires=55)
def hotwork_sweep() -> dict:
    """Every minute (beat): remind the desk once before a hot-work window ends, expire the permits whose
    window has ended (catches up after an outage: everything ended by now)."""
    from .services.hotwork import hotwork_sweep as sweep

    return sweep()
