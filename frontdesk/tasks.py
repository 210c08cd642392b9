"""Frontdesk's Celery tasks: thin, one service call each."""

from celery import shared_task


# ---- slips (issue 11) ----
@shared_task
def slips_expire():
    """Nightly (and at start-up of beat after an outage): open release slips whose day has passed → expired."""
    from .services.slips import slips_expire as expire

    return expire()
