"""The visitor register's reads: the on-site-now board, the log with its filters, a visitor's page, the unit
page's panel, the handover's lines, and the day's figures (functions of ``(community_ids, day)``, for the
manager's summary)."""

import datetime

from django.db.models import Count, Q, Sum
from django.db.models.functions import Upper
from django.shortcuts import get_object_or_404
from django.utils import timezone

from core.dates import day_bounds
from frontdesk.models import Visitor, VisitorSweep, VisitorSweepItem
from frontdesk.scoping import scope
from frontdesk.selectors.search import room_code
from frontdesk.validators import normalise_plate

S = Visitor.Status
UNIT_JOINS = ("unit__building", "unit__entrance")
BOARD_LIMIT = 60  # rows of each kind on the board (a desk has a few dozen); beyond it the board says how many more
HANDOVER_LIMIT = 200  # visitors still on site listed in a handover


def visitors_for(user):
    """Visitors of the user's communities (a foreign one is a 404)."""
    return scope(Visitor.objects.all(), user)


def visitor_detail(*, user, pk: int) -> Visitor:
    qs = visitors_for(user).select_related(*UNIT_JOINS, "community", "created_by", "answered_by", "time_in_by",
                                           "time_out_by")
    return get_object_or_404(qs, pk=pk)


def unit_contacts(unit) -> list:
    """Whom the clerk calls about an unexpected visitor: the room's current owners first, then residents
    and tenants (one query)."""
    from django.db.models import Case, IntegerField, Value, When

    from frontdesk.models import Occupancy

    order = Case(When(kind=Occupancy.Kind.OWNER, then=Value(0)), When(kind=Occupancy.Kind.RESIDENT, then=Value(1)),
                 default=Value(2), output_field=IntegerField())
    return list(Occupancy.objects.filter(unit=unit, end_date__isnull=True).select_related("person")
                .annotate(rank=order).order_by("rank", "id"))


def visitor_status_changes(visitor: Visitor) -> list:
    return list(visitor.status_changes.select_related("actor").order_by("at", "id"))


def desk_board(*, community_ids: list[int], now=None) -> dict:
    """The on-site-now board of the desk: who is inside (oldest time in first), who is awaited today, whose
    owner is being asked — the first ``BOARD_LIMIT`` of each, with the totals (and the people on site)
    counted in one more query. Four queries whatever the numbers."""
    now = now or timezone.now()
    start, end = day_bounds(timezone.localdate(now))
    base = Visitor.objects.filter(community_id__in=community_ids).select_related(*UNIT_JOINS, "time_in_by")
    expecting = Q(status=S.EXPECTED, expected_at__lt=end)
    on_site = list(base.filter(status=S.ON_SITE).order_by("time_in", "id")[:BOARD_LIMIT])
    expected = list(base.filter(expecting).order_by("expected_at", "id")[:BOARD_LIMIT])
    consulting = list(base.filter(status=S.CONSULTING).order_by("created_at", "id")[:BOARD_LIMIT])
    totals = Visitor.objects.filter(community_id__in=community_ids,
                                    status__in=(S.ON_SITE, S.EXPECTED, S.CONSULTING)).aggregate(
        on_site_total=Count("id", filter=Q(status=S.ON_SITE)),
        on_site_people=Sum("people_count", filter=Q(status=S.ON_SITE), default=0),
        expected_total=Count("id", filter=expecting),
        consulting_total=Count("id", filter=Q(status=S.CONSULTING)))
    return {"on_site": on_site, "expected": expected, "consulting": consulting, **totals}


def on_site_now(*, community_ids: list[int]):
    """The visitors inside now (time in recorded, no time out), oldest time in first."""
    return (Visitor.objects.filter(community_id__in=community_ids, status=S.ON_SITE)
            .select_related(*UNIT_JOINS, "time_in_by").order_by("time_in", "id"))


def visitor_log(*, user, community=None, date_from=None, date_to=None, building="", room="", name="", plate="",
                status="", phone="", let_in_on=None, registered_on=None, not_out_on=None):
    """The register, newest first, filtered. ``room`` as typed at the counter (3-2-1502), ``building`` a
    building name (3), ``name`` a fragment, ``plate`` a fragment (spaces and dots ignored). ``not_out_on``: the
    visitors still inside at the end of that day (the daily summary's ``visitors_not_checked_out``)."""
    qs = visitors_for(user).select_related(*UNIT_JOINS, "community")
    if community:
        qs = qs.filter(community_id=community)
    if date_from:
        qs = qs.filter(created_at__gte=day_bounds(date_from)[0])
    if date_to:
        qs = qs.filter(created_at__lt=day_bounds(date_to)[1])
    if registered_on:  # the daily summary's "registered": that day, voided entries left out (``visitors_registered``)
        start, end = day_bounds(registered_on)
        qs = qs.filter(created_at__gte=start, created_at__lt=end).exclude(status=S.VOID)
    if let_in_on:  # the daily summary's "let in": time in that day, voided entries left out (``visitors_let_in``)
        start, end = day_bounds(let_in_on)
        qs = qs.filter(time_in__gte=start, time_in__lt=end).exclude(status=S.VOID)
    if not_out_on:
        qs = qs.filter(_inside_at(day_bounds(not_out_on)[1])).exclude(status=S.VOID)
    if building:
        qs = qs.filter(unit__building__name=building)
    if room:
        code, _match = room_code(room)
        qs = qs.filter(Q(unit__code=code) | Q(unit__number=room))
    if name:
        qs = qs.annotate(upper_name=Upper("name")).filter(upper_name__contains=name.upper())
    if plate:
        qs = qs.filter(plate__contains=normalise_plate(plate))
    if phone:
        qs = qs.filter(phone__endswith=phone)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-id")


def unit_visitors(*, unit, limit: int = 8) -> list:
    """The unit page's panel: the unit's latest visitors (today's first, then recent), one query."""
    return list(Visitor.objects.filter(unit=unit).exclude(status=S.VOID)
                .select_related("unit__building", "unit__entrance").order_by("-created_at", "-id")[:limit])


def recent_sweeps(*, community_ids: list[int], limit: int = 10) -> list:
    """The latest end-of-shift sweeps with the visitors each found (two queries)."""
    sweeps = list(VisitorSweep.objects.filter(community_id__in=community_ids).select_related("by", "community")
                  .order_by("-at", "-id")[:limit])
    items = (VisitorSweepItem.objects.filter(sweep__in=sweeps)
             .select_related("visitor__unit__building", "visitor__unit__entrance").order_by("visitor__time_in"))
    by_sweep: dict[int, list] = {}
    for item in items:
        by_sweep.setdefault(item.sweep_id, []).append(item.visitor)
    for sweep in sweeps:
        sweep.found = by_sweep.get(sweep.pk, [])
    return sweeps


def _masked_name(name: str) -> str:
    """张建国 -> 张**: the handover sheet names a visitor as the example line does."""
    return name[:1] + "*" * max(len(name) - 1, 1) if name else ""


def handover_lines(community) -> list:
    """The duty handover's "visitors still on site": one line each, two queries."""
    from django.utils.translation import gettext as _

    from frontdesk.registry import HandoverLine

    visitors = list(on_site_now(community_ids=[community.pk])[:HANDOVER_LIMIT])
    swept = set(VisitorSweepItem.objects.filter(visitor__in=visitors).values_list("visitor_id", flat=True))
    lines = []
    for v in visitors:
        text = _("%(room)s visitor %(name)s, %(count)d people, in at %(time)s") % {
            "room": v.unit.label, "name": _masked_name(v.name),
            "count": v.people_count, "time": timezone.localtime(v.time_in).strftime("%m-%d %H:%M")}
        if v.plate:
            text += " " + v.plate
        if v.pk in swept:
            text += " " + _("(not checked out at the end-of-shift sweep)")
        lines.append(HandoverLine(text=text, url=v.get_absolute_url()))
    return lines


# -- figures for the manager's summary ----------------------------------------------------------------------

def visitors_registered_qs(community_ids: list[int], day: datetime.date):
    """Visitor entries registered on ``day`` (voided ones not counted)."""
    start, end = day_bounds(day)
    return (Visitor.objects.filter(community_id__in=community_ids, created_at__gte=start, created_at__lt=end)
            .exclude(status=S.VOID))


def visitors_registered(community_ids: list[int], day: datetime.date) -> int:
    """Visitor entries registered on ``day`` (voided ones not counted): ``visitors_registered_qs``."""
    return visitors_registered_qs(community_ids, day).count()


def visitors_let_in_qs(community_ids: list[int], day: datetime.date):
    """Visitor entries let in on ``day`` (time in that day; voided ones not counted)."""
    start, end = day_bounds(day)
    return Visitor.objects.filter(community_id__in=community_ids, time_in__gte=start, time_in__lt=end).exclude(
        status=S.VOID)


def visitors_let_in(community_ids: list[int], day: datetime.date) -> dict:
    """Visitors let in on ``day``: entries and people (an entry may be a group)."""
    qs = visitors_let_in_qs(community_ids, day)
    row = qs.aggregate(people=Sum("people_count"))
    return {"entries": qs.count(), "people": row["people"] or 0}


def visitors_turned_away(community_ids: list[int], day: datetime.date) -> int:
    """Unexpected visitors turned away on ``day`` (the owner refused or could not be reached)."""
    start, end = day_bounds(day)
    return Visitor.objects.filter(community_id__in=community_ids, status=S.REFUSED, answered_at__gte=start,
                                  answered_at__lt=end).count()


def visitors_no_show(community_ids: list[int], day: datetime.date) -> int:
    """Expected visitors of ``day`` who never came."""
    start, end = day_bounds(day)
    return Visitor.objects.filter(community_id__in=community_ids, status=S.NO_SHOW, expected_at__gte=start,
                                  expected_at__lt=end).count()


def visitors_not_checked_out(community_ids: list[int], day: datetime.date) -> int:
    """Visitors let in on or before ``day`` who were still on site at the end of ``day`` (no time out by
    then; voided entries not counted)."""
    return visitors_not_checked_out_qs(community_ids, day).count()


def _inside_at(moment) -> Q:
    """Let in before ``moment`` and not out by then (a voided entry is excluded by the caller)."""
    return Q(time_in__lt=moment) & (Q(time_out__isnull=True) | Q(time_out__gte=moment))


def visitors_not_checked_out_qs(community_ids: list[int], day: datetime.date):
    """The visitors of ``visitors_not_checked_out``."""
    return (Visitor.objects.filter(community_id__in=community_ids).filter(_inside_at(day_bounds(day)[1]))
            .exclude(status=S.VOID))
