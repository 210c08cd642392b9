"""The duty section of the daily summary 前台日报 and the duty cards of the "today" pages.

Every figure is defined once, in the docstring of the function that counts it (or of the selector it
shares with the duty pages: ``review.unsigned_days``, ``handover.late_handovers``, the spot checks' weekly
rule). The duty pages show one community at a time, so a drill-down URL is given when the summary is of
one community. ``figures`` runs three queries whatever the number of communities, ``today_cards`` at most
three."""

import datetime
from collections import Counter
from urllib.parse import urlencode

from django.db.models import Count, IntegerField, OuterRef, Subquery, Value, Window
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import Role
from frontdesk.models import Community
from frontdesk.registry import CARD_ITEMS, Figure, TodayCard, TodayItem

from ..models import DutyLogEntry, Handover, ShiftChangeRequest, SpotCheck
from .handover import late_handovers
from .log import CALLS_AND_VISITS, day_bounds
from .review import unsigned_days
from .spotcheck import WEEKLY_MINIMUM, week_start, week_warning

UNSIGNED_WINDOW_DAYS = 31  # the days before the summary's day that are looked at for a missing sign-off


def page_url(name: str, community_ids, *args, **params) -> str:
    """A duty page of the one community of the summary (the duty pages show one community at a time);
    empty for a summary of several communities."""
    if len(community_ids) != 1:
        return ""
    pairs = [("community", community_ids[0])]
    for k, v in params.items():
        pairs += [(k, x) for x in (v if isinstance(v, list | tuple) else [v]) if x not in (None, "")]
    query = urlencode(pairs)
    return f"{reverse(name, args=args)}?{query}"


def unsigned_window(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The days looked at for ``duty.unsigned_days``: the 31 days before ``day`` (``day`` itself is not over)."""
    return day - datetime.timedelta(days=UNSIGNED_WINDOW_DAYS), day - datetime.timedelta(days=1)


def _count_of(qs, community_field: str = "community"):
    """A correlated count of ``qs`` per community (0 when none), for one query over the communities."""
    counted = (qs.filter(**{community_field: OuterRef("pk")}).order_by().values(community_field)
               .annotate(n=Count("id")).values("n"))
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def spot_check_moment(day: datetime.date, now: datetime.datetime) -> datetime.datetime:
    """When the weekly pace is judged for ``day``: now for today, else the last moment of that day."""
    return min(now, day_bounds(day)[1] - datetime.timedelta(microseconds=1))


def spot_checks_behind(checks_by_community: dict, at) -> tuple[int, dict]:
    """Spot checks behind 抽查落后: for each community whose week (Monday to ``at``) has fewer than 3 spot
    checks while more than half of the week has gone (``spotcheck.week_warning``, the supervisor's red
    counter), the checks still missing to reach 3; summed. Returns (sum, {community: missing})."""
    behind = {c: WEEKLY_MINIMUM - n for c, n in checks_by_community.items() if week_warning(n, at)}
    return sum(behind.values()), behind


def entries_by_staff(rows) -> tuple[int, tuple]:
    """Log entries 值班记录: the entries of the day's duty log (by when they happened, local time), corrections
    included; by author."""
    parts = Counter()
    for r in rows:
        parts[r["author__full_name"] or r["author__username"]] += r["n"]
    return sum(parts.values()), tuple(sorted(parts.items(), key=lambda p: (-p[1], p[0])))


def calls_visits(rows) -> tuple[int, tuple]:
    """Calls and visits in the duty log 来电来访: the day's log entries of the kinds "phone call" and "visit"
    (``log.CALLS_AND_VISITS``); by kind."""
    labels = dict(DutyLogEntry.Kind.choices)
    parts = Counter()
    for r in rows:
        if r["kind"] in CALLS_AND_VISITS:
            parts[str(labels[r["kind"]])] += r["n"]
    return sum(parts.values()), tuple(sorted(parts.items(), key=lambda p: (-p[1], p[0])))


def figures(community_ids, day) -> list[Figure]:
    """The duty section of ``day`` for ``community_ids``: three queries."""
    community_ids = list(community_ids)
    if not community_ids:
        return []
    now = timezone.now()
    start, end = day_bounds(day)
    at = spot_check_moment(day, now)
    entries = list(DutyLogEntry.objects.filter(community_id__in=community_ids, occurred_at__gte=start,
                                               occurred_at__lt=end)
                   .values("author__full_name", "author__username", "kind").annotate(n=Count("id")).order_by())
    since, until = unsigned_window(day)
    unsigned = list(unsigned_days(community_ids=community_ids, since=since, until=until).order_by())
    communities = list(Community.objects.filter(pk__in=community_ids).annotate(
        late=_count_of(late_handovers(community_ids=community_ids, day=day)),
        checks=_count_of(SpotCheck.objects.filter(checked_at__gte=week_start(at), checked_at__lte=at)),
    ).order_by("name").values("pk", "name", "late", "checks"))
    names = {c["pk"]: c["name"] for c in communities}
    n_entries, by_staff = entries_by_staff(entries)
    n_calls, calls_by_kind = calls_visits(entries)
    per_community = Counter(names.get(r["community_id"], "") for r in unsigned)
    n_late = sum(c["late"] for c in communities)
    n_behind, behind = spot_checks_behind({c["pk"]: c["checks"] for c in communities}, at)
    several = len(community_ids) > 1
    exception = {"exception": True, "better": "down", "group": _("Exceptions")}
    return [
        Figure(key="duty.unsigned_days", label=_("Duty log days not signed (last 31 days)"), value=len(unsigned),
               alert=bool(unsigned), additive=False,
               breakdown=tuple(sorted(per_community.items())) if several else (),
               url=page_url("duty:signoff_days", community_ids, date_from=since.isoformat(),
                            date_to=until.isoformat()), **exception),
        Figure(key="duty.late_handovers", label=_("Late handovers"), value=n_late, alert=n_late > 0,
               breakdown=tuple((c["name"], c["late"]) for c in communities if c["late"]) if several else (),
               url=page_url("duty:handover_list", community_ids, day=day.isoformat(), late=1), **exception),
        Figure(key="duty.spot_checks_behind", label=_("Spot checks missing this week (3 a week)"), value=n_behind,
               alert=n_behind > 0, additive=False,
               breakdown=tuple((names[pk], n) for pk, n in behind.items()) if several else (),
               url=reverse("duty:supervisor"), **exception),
        Figure(key="duty.entries", label=_("Duty log entries"), value=n_entries,
               url=page_url("duty:today", community_ids, date=day.isoformat()), better=""),
        Figure(key="duty.calls_visits", label=_("Calls and visits in the duty log"), value=n_calls,
               breakdown=calls_by_kind, better="",
               url=page_url("duty:today", community_ids, date=day.isoformat(), kind=CALLS_AND_VISITS)),
        Figure(key="duty.entries.by_staff", label=_("Duty log entries by staff"), value=n_entries, breakdown=by_staff,
               url=page_url("duty:today", community_ids, date=day.isoformat()), better="", group=_("Reports")),
    ]


# --- the "today" cards -------------------------------------------------------------------------------

def today_cards(user, community_ids, day, now=None) -> list[TodayCard]:
    """The duty cards of ``user``'s "today" page: a clerk's handover in progress; a supervisor's days to sign,
    spot checks of this week and leave/swap requests to decide. At most three queries."""
    community_ids = list(community_ids)
    if not community_ids:
        return []
    cards = []
    if user.role == Role.CLERK:
        handovers = list(Handover.objects.filter(community_id__in=community_ids, status=Handover.Status.OPEN)
                         .select_related("outgoing", "incoming", "community").order_by("started_at")[:CARD_ITEMS])
        cards.append(TodayCard(
            key="duty.handover", title=_("Handover pending"), count=len(handovers), order=30,
            roles=frozenset({Role.CLERK}), url=page_url("duty:handover_list", community_ids) or reverse(
                "duty:handover_list"),
            items=tuple(TodayItem(
                text=_("%(outgoing)s → %(incoming)s · started %(time)s") % {
                    "outgoing": h.outgoing.display_name, "incoming": h.incoming.display_name,
                    "time": f"{timezone.localtime(h.started_at):%H:%M}"},
                # its start, not a deadline: a handover in progress is never "overdue" by the time it began
                url=reverse("duty:handover_detail", args=[h.pk]),
                urgent=user.pk in (h.outgoing_id, h.incoming_id)) for h in handovers)))
    elif user.role == Role.SUPERVISOR:
        now = now or timezone.now()
        communities = list(Community.objects.filter(pk__in=community_ids).annotate(
            checks=_count_of(SpotCheck.objects.filter(checked_at__gte=week_start(now), checked_at__lte=now)),
        ).order_by("name").values("pk", "name", "checks"))
        names = {c["pk"]: c["name"] for c in communities}
        since, until = unsigned_window(day)
        unsigned = sorted(unsigned_days(community_ids=community_ids, since=since, until=until).order_by(),
                          key=lambda r: (r["day"], names.get(r["community_id"], "")))
        cards.append(TodayCard(
            key="duty.signoff", title=_("Days to sign"), count=len(unsigned), order=20,
            roles=frozenset({Role.SUPERVISOR}), url=page_url("duty:signoff_days", community_ids) or reverse(
                "duty:signoff_days"),
            items=tuple(TodayItem(
                text=f"{names.get(r['community_id'], '')} {r['day']:%Y-%m-%d} · "
                     + _("%(n)s entries") % {"n": r["entries"]},
                url=f"{reverse('duty:signoff_day', args=[r['day'].isoformat()])}?community={r['community_id']}",
                urgent=bool(r["important"])) for r in unsigned[:CARD_ITEMS])))
        cards.append(TodayCard(
            key="duty.spot_checks", title=_("Spot checks this week"), count=sum(c["checks"] for c in communities),
            order=30, roles=frozenset({Role.SUPERVISOR}), url=reverse("duty:supervisor"),
            items=tuple(TodayItem(
                text=f"{c['name']} · {c['checks']}/{WEEKLY_MINIMUM}",
                url=f"{reverse('duty:spotcheck_create')}?community={c['pk']}",
                urgent=week_warning(c["checks"], now)) for c in communities[:CARD_ITEMS])))
        requests = list(ShiftChangeRequest.objects.filter(community_id__in=community_ids,
                                                          status=ShiftChangeRequest.Status.PENDING)
                        .select_related("requester", "assignment__shift").annotate(total=Window(Count("id")))
                        .order_by("assignment__date", "created_at")[:CARD_ITEMS])
        kinds = dict(ShiftChangeRequest.Kind.choices)
        cards.append(TodayCard(
            key="duty.requests", title=_("Leave and swap requests"), count=requests[0].total if requests else 0,
            order=35, roles=frozenset({Role.SUPERVISOR}), url=reverse("duty:request_list"),
            items=tuple(TodayItem(
                text=f"{kinds[r.kind]} · {r.requester.display_name} · {r.assignment.date:%m-%d} "
                     f"{r.assignment.shift.name}",
                url=reverse("duty:request_decide", args=[r.pk])) for r in requests)))
    return cards
