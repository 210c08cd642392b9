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


@shared_task(expires=20 * 3600)
def collection_totals_verify() -> int:
    """Nightly (beat): the collection rate's running totals against the bills and moves themselves. A difference
    is logged at ERROR, loudly, with the first keys (``manage.py collection_totals --rebuild`` repairs it);
    returns the number of differences."""
    import logging

    from .selectors.collection import totals_differences

    differences = totals_differences()
    if differences:
        logging.getLogger("billing.collection_totals").error(
            "Collection totals differ from the bills on %d keys (first: %s); the collection rate is wrong until "
            "`manage.py collection_totals --rebuild`", len(differences), differences[:5])
    return len(differences)
