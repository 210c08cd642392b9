"""Thin tasks of the billing app: the work is in ``billing.services``."""

from celery import shared_task
from django.db import InterfaceError, OperationalError


@shared_task(autoretry_for=(OperationalError, InterfaceError), retry_backoff=5, max_retries=3)
def bill_run(run_id: int) -> int:
    """Generate a queued bill run (``billing.services.runs``); progress is on the ``BillRun`` row."""
    from .services.runs import bill_run_execute

    return bill_run_execute(run_id).bills_created


@shared_task(expires=3000)
def overdue_reminders() -> int:
    """Hourly (beat): send each unit's due overdue-fee reminder step once; a step missed while the
    worker or Redis was down is caught up once, at the next run."""
    from .services.reminders import reminders_sweep

    return reminders_sweep()
