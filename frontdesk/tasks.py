"""Thin tasks of the front desk's registers: ids in, one service call."""

from celery import shared_task


# ---- parcels (issue 11) ----
@shared_task(expires=600)
def parcels_sweep() -> dict:
    """Every 15 minutes (beat): remind the owner of each parcel waiting N days (once), record the return to the
    sender after M days, queue lost messages again."""
    from .services.parcels import parcels_sweep as sweep

    return sweep()
