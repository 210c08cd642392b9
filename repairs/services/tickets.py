"""Ticket numbers and the one writer of ``Ticket.status``."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Clock, Ticket, TicketCounter, TicketStatusChange
from . import clocks

S = Ticket.Status


def next_number(*, community, kind: str, now=None) -> str:
    """BX-20261122-0007: per community, type and day, from a locked counter row (no gaps, no repeats)."""
    day = timezone.localdate(now or timezone.now())
    prefix = Ticket.PREFIX[kind]
    counter, _created = TicketCounter.objects.get_or_create(community=community, prefix=prefix, day=day)
    counter = TicketCounter.objects.select_for_update().get(pk=counter.pk)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{prefix}-{day:%Y%m%d}-{counter.last:04d}"


@transaction.atomic
def ticket_set_status(*, ticket: Ticket, to: str, actor, note: str = "", now=None, **fields) -> Ticket:
    """The only writer of ``Ticket.status``: lock, check the move, stamp times, record the change,
    keep the clocks in step. ``fields`` are saved with it (assignee, team, hold_reason, …)."""
    now = now or timezone.now()
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if to not in ticket.allowed_moves():
        raise ValidationError(
            _("A ticket that is “%(from)s” cannot become “%(to)s”.")
            % {"from": ticket.get_status_display(), "to": S(to).label},
            code="bad_move",
        )
    previous = ticket.status
    for name, value in fields.items():
        setattr(ticket, name, value)
    ticket.status = to
    ticket.last_activity_at = now
    stamp = {S.DISPATCHED: "dispatched_at", S.ACCEPTED: "accepted_at", S.ON_SITE: "arrived_at",
             S.COMPLETED: "completed_at", S.REPLIED: "replied_at", S.CLOSED: "closed_at"}.get(to)
    if stamp and (to != S.DISPATCHED or ticket.dispatched_at is None):
        setattr(ticket, stamp, now)
    if previous == S.ON_HOLD and to != S.ON_HOLD:
        ticket.on_hold_since = None
        clocks.clocks_resume(ticket=ticket, now=now)
    if to == S.ON_HOLD:
        ticket.on_hold_since = now
        clocks.clocks_pause(ticket=ticket, now=now)
    ticket.full_clean()
    ticket.save()
    TicketStatusChange.objects.create(ticket=ticket, from_status=previous, to_status=to, actor=actor, note=note, at=now)
    _clocks_follow(ticket, previous, to, now)
    return ticket


def _clocks_follow(ticket: Ticket, previous: str, to: str, now: datetime.datetime) -> None:
    K = Clock.Kind
    if to in (S.DISPATCHED, S.ASSIGNED):
        clocks.clocks_meet(ticket=ticket, kinds=[K.DISPATCH], now=now)
        if ticket.kind == Ticket.Kind.REPAIR and ticket.urgency == Ticket.Urgency.URGENT and previous != S.DISPATCHED:
            cfg = clocks.clock_settings(ticket.community)
            clocks.clock_start(ticket=ticket, kind=K.ON_SITE,
                               due_at=now + datetime.timedelta(minutes=cfg.onsite_urgent_minutes), now=now)
    if to == S.ON_SITE:
        clocks.clocks_meet(ticket=ticket, kinds=[K.ON_SITE, K.APPOINTMENT], now=now)
    if to in (S.COMPLETED, S.REPLIED):
        clocks.clocks_meet(ticket=ticket, kinds=[K.ON_SITE, K.APPOINTMENT, K.COMPLAINT, K.DISPATCH], now=now)
    if to == S.CALLBACK_DONE:
        clocks.clocks_meet(ticket=ticket, kinds=[K.CALLBACK], now=now)
    if to in (S.CANCELLED, S.CLOSED):
        clocks.clocks_cancel(ticket=ticket, now=now)
    if to != S.ON_HOLD:
        still_late = Clock.objects.filter(ticket=ticket, met_at__isnull=True, cancelled_at__isnull=True,
                                          breached_at__isnull=False).exists()
        if ticket.is_overdue != still_late:
            Ticket.objects.filter(pk=ticket.pk).update(is_overdue=still_late)
            ticket.is_overdue = still_late
