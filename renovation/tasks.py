"""Thin Celery tasks of the renovation app: ids in, one service call."""

from celery import shared_task


# ---- hotwork (R4) ----
@shared_task(expires=55)
def hotwork_sweep() -> dict:
    """Every minute (beat): remind the desk once before a hot-work window ends, expire the permits whose
    window has ended (catches up after an outage: everything ended by now)."""
    from .services.hotwork import hotwork_sweep as sweep

    return sweep()
# ---- end hotwork (R4) ----
