"""Frontdesk's Celery tasks (the registers' clocks): thin, one service call each. Scheduled by
``CELERY_BEAT_SCHEDULE`` (config/settings/base.py)."""

from celery import shared_task


# ---- slips (issue 11) ----
@shared_task
def slips_expire():
    """Nightly (and at start-up of beat after an outage): open release slips whose day has passed → expired."""
    from .services.slips import slips_expire as expire

    return expire()


# ---- visitors (issue 11) ----
@shared_task
def visitor_no_shows() -> int:
    """Hourly (beat): expected visitors whose expected day is over become "did not come" (catches up)."""
    from .services.visitors import visitor_no_shows_sweep

    return visitor_no_shows_sweep()


@shared_task
def visitor_sweeps() -> int:
    """Daily at ``VISITOR_SWEEP_AT`` (beat): record the visitors never checked out, once per community."""
    from .services.visitors import visitor_sweeps_run

    return visitor_sweeps_run()


# ---- parcels (issue 11) ----
@shared_task(expires=600)
def parcels_sweep() -> dict:
    """Every 15 minutes (beat): remind the owner of each parcel waiting N days (once), record the return to the
    sender after M days, queue lost messages again."""
    from .services.parcels import parcels_sweep as sweep

    return sweep()


# ---- the daily summary (issue 13) ----
@shared_task(expires=540)
def summary_sweep() -> dict:
    """Every 10 minutes (beat): freeze each community's day once its freeze time has passed (and the days
    missed, up to 7 back), e-mail each frozen day's PDF to every manager once, queue lost e-mails again."""
    from .services.summary import summary_sweep as sweep

    return sweep()


# ---- notices (issue 12 §4) ----
@shared_task(expires=3600)
def notices_take_down() -> int:
    """Hourly (beat): remind the desk once per notice whose posting period is over with a copy still up."""
    from .services.notices import notices_take_down_reminders

    return notices_take_down_reminders()


@shared_task(bind=True)
def notice_sms(self, notice_id: int) -> dict:
    """Queued on approval: one batch of a notice's SMS to the owners; the next batch is queued a minute later
    (throttled). A repeat or a retry sends nobody twice (each owner's row is claimed before sending)."""
    from .services.notices import notice_sms_batch

    result = notice_sms_batch(notice_id=notice_id)
    if result["remaining"]:
        self.apply_async(args=[notice_id], countdown=60)
    return result
