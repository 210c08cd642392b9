"""Clock bookkeeping. A clock is started, paused/resumed with its ticket, met or cancelled by the
status writer (``tickets.ticket_set_status``); warned and breached by ``clock_warn`` / ``clock_breach``
(called by the ETA task and the sweeper, under a row lock: each happens once)."""

import datetime

from django.utils import timezone

from core.queueing import enqueue_on_commit

from ..models import Clock, ClockSettings, Ticket

K = Clock.Kind


def clock_settings(community) -> ClockSettings:
    """The community's durations for a write (the row is created with the defaults on first use)."""
    settings_row, _created = ClockSettings.objects.get_or_create(community=community)
    return settings_row


def _warn_at(started: datetime.datetime, due: datetime.datetime, percent: int) -> datetime.datetime:
    return due - (due - started) * (percent / 100)


def clock_start(*, ticket: Ticket, kind: str, due_at: datetime.datetime, now=None) -> Clock:
    """Open a clock (at most one open clock per kind and ticket); queue its ETA tasks after commit."""
    now = now or timezone.now()
    cfg = clock_settings(ticket.community)
    existing = Clock.objects.filter(ticket=ticket, kind=kind, met_at__isnull=True, cancelled_at__isnull=True).first()
    if existing:
        return existing
    clock = Clock.objects.create(ticket=ticket, community_id=ticket.community_id, kind=kind, started_at=now,
                                 due_at=due_at, warn_at=_warn_at(now, due_at, cfg.warn_before_percent))
    _schedule(clock)
    return clock


def _schedule(clock: Clock) -> None:
    from ..tasks import clock_fire

    # Redis down: the clock row is saved and the every-minute sweep fires it on time anyway
    enqueue_on_commit(clock_fire, clock.pk, "warn", eta=clock.warn_at)
    enqueue_on_commit(clock_fire, clock.pk, "breach", eta=clock.due_at)


def clocks_meet(*, ticket: Ticket, kinds, now=None) -> None:
    now = now or timezone.now()
    Clock.objects.filter(ticket=ticket, kind__in=list(kinds), met_at__isnull=True, cancelled_at__isnull=True).update(met_at=now)


def clocks_cancel(*, ticket: Ticket, now=None) -> None:
    now = now or timezone.now()
    Clock.objects.filter(ticket=ticket, met_at__isnull=True, cancelled_at__isnull=True).update(cancelled_at=now)


def clocks_pause(*, ticket: Ticket, now=None) -> None:
    now = now or timezone.now()
    Clock.objects.filter(ticket=ticket, met_at__isnull=True, cancelled_at__isnull=True,
                         paused_at__isnull=True).update(paused_at=now)


def clocks_resume(*, ticket: Ticket, now=None) -> None:
    """The clock stops while on hold: the time spent paused is added to the deadline."""
    now = now or timezone.now()
    for clock in Clock.objects.select_for_update().filter(ticket=ticket, met_at__isnull=True, cancelled_at__isnull=True,
                                                         paused_at__isnull=False):
        paused_for = now - clock.paused_at
        clock.due_at += paused_for
        clock.warn_at += paused_for
        clock.paused_at = None
        clock.save(update_fields=["due_at", "warn_at", "paused_at"])
        _schedule(clock)
