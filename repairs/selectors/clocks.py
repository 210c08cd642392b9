"""How clocks read (``clock_state``, the one function for the board, the ticket page and the unit
panel), the overdue list and the clock of "the owner was informed"."""

import datetime

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _

from core import durations
from frontdesk.scoping import scope

from ..models import Clock

BADGE = {"late": "text-bg-danger", "warn": "text-bg-warning", "paused": "text-bg-secondary", "ok": "text-bg-light border",
         "met": "text-bg-light border"}


def clock_state(clock: Clock, now: datetime.datetime | None = None) -> dict:
    """How a clock reads (pure: no queries). ``state`` is "ok", "warn" (amber: inside the warning share),
    "late" (red: deadline passed), "paused" (on hold) or "met" (met or cancelled: no longer running).
    ``seconds_left`` is the time to the deadline: negative when late; frozen while paused; for a met
    clock, how early (positive) or late (negative) it was met (the badge tells it by ``core.durations``).
    ``late``, ``days``, ``hours``, ``mins`` and ``minutes`` split it for a caller that needs the parts."""
    now = now or timezone.now()
    if clock.met_at or clock.cancelled_at:
        state, left = "met", int((clock.due_at - (clock.met_at or clock.cancelled_at)).total_seconds())
    elif clock.paused_at:
        state, left = "paused", int((clock.due_at - clock.paused_at).total_seconds())
    else:
        left = int((clock.due_at - now).total_seconds())
        state = "late" if (left <= 0 or clock.breached_at) else ("warn" if now >= clock.warn_at else "ok")
    minutes = abs(left) // 60
    return {"clock": clock, "state": state, "seconds_left": left, "late": left <= 0, "minutes": minutes,
            "hours": minutes // 60, "mins": minutes % 60, "days": minutes // 1440}


def clock_badges(clocks, now: datetime.datetime | None = None, *, kind_labels: dict | None = None) -> list[dict]:
    """``clock_state`` of each clock with its badge: colour, text ("Dispatch 2 min left") and title
    (kind and deadline); the time left or over is told by ``core.durations`` like every deadline ("还剩 3 小时
    20 分钟", "已超时 10 天"; paused: how it stood when paused). ``kind_labels``: the clock kinds' labels, when
    the caller has them already."""
    now = now or timezone.now()
    kind_labels = kind_labels or {k: str(v) for k, v in Clock.Kind.choices}
    due, paused = _("due"), _("paused")
    badges = []
    for clock in clocks:
        c = clock_state(clock, now)
        label = kind_labels.get(clock.kind, clock.kind)
        left = durations.seconds_text(c["seconds_left"])  # as the "today" page: "已超时 10 天", "即将到期"
        text = " ".join(x for x in (label, paused if c["state"] == "paused" else "", left) if x)
        title = f"{label} · {due} {date_format(timezone.localtime(clock.due_at), 'm-d H:i')}"
        badges.append({**c, "badge": BADGE[c["state"]], "text": text, "title": title})
    return badges


def breached_running():
    """Clocks past their deadline and still running: breached, neither met nor cancelled. The one definition
    of "overdue" for the overdue list and the daily summary (``repairs.overdue``)."""
    return Clock.objects.filter(breached_at__isnull=False, met_at__isnull=True, cancelled_at__isnull=True)


def overdue_clocks(*, user, kind: str | None = None, owner_pending: bool = False, community_ids=None):
    """Breached clocks still running (not met, not cancelled) in the user's communities, oldest deadline
    first, with everything the overdue list shows (a constant number of queries)."""
    qs = scope(breached_running(), user)
    if community_ids:
        qs = qs.filter(community_id__in=community_ids)
    if kind in Clock.Kind.values:
        qs = qs.filter(kind=kind)
    if owner_pending:
        qs = qs.filter(kind__in=Clock.INFORM_OWNER_KINDS, owner_informed_at__isnull=True)
    return (qs.select_related("ticket__community", "ticket__unit__building", "ticket__unit__entrance",
                              "ticket__assignee", "ticket__team", "owner_informed_by")
            .order_by("due_at", "pk"))


def clock_to_inform(*, user, pk: int) -> Clock:
    """A missed dispatch / on-site / appointment deadline of the user's communities (else a 404)."""
    return get_object_or_404(
        scope(Clock.objects.select_related("ticket__unit__building", "ticket__unit__entrance", "ticket__community",
                                           "owner_informed_by"), user),
        pk=pk, kind__in=Clock.INFORM_OWNER_KINDS, breached_at__isnull=False)


def ticket_open_clocks(ticket) -> list[Clock]:
    return list(ticket.clocks.filter(met_at__isnull=True, cancelled_at__isnull=True))
