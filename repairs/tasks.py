"""Thin tasks of the repairs app: a clock's ETA moment, and the sweeper that catches missed ones."""

from celery import shared_task
from django.db import InterfaceError, OperationalError


@shared_task(autoretry_for=(OperationalError, InterfaceError), retry_backoff=5, max_retries=5)
def clock_fire(clock_id: int, what: str) -> str:
    """ETA task at a clock's warning or deadline. Idempotent: the service checks and stamps under a lock
    (an early or stale firing does nothing; the sweeper catches what is still due)."""
    from .services.escalation import clock_fire as fire

    return fire(clock_id=clock_id, what=what)


@shared_task(expires=55)
def clock_sweep() -> int:
    """Every minute (beat): warn and breach every due clock the ETA tasks missed."""
    from .services.escalation import sweep

    return sweep()


@shared_task
def callback_reminders() -> int:
    """Every 15 minutes (beat): remind the clerk on duty of callbacks coming due (once each)."""
    from .services.callbacks import callback_reminders_sweep

    return callback_reminders_sweep()
