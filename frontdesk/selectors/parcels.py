"""Parcels and mail (邮件包裹): the lists, a parcel's page, the unit panel, the handover lines and the
figures the manager's summary reads (functions of ``(community_ids, day)``)."""

import datetime

from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.dates import day_bounds
from frontdesk.models import Occupancy, Parcel, ParcelNotice, ParcelSettings, ParcelStatusChange, Person, Unit
from frontdesk.scoping import scope

from .lookup import lookup

PANEL_LIMIT = 10
HANDOVER_HIGH_VALUE_LINES = 20


def parcels_for(user):
    return scope(Parcel.objects.all(), user)


def settings_for(community_ids) -> dict[int, tuple[int, int]]:
    """(remind after, return after) days per community; the defaults where none is set (one query)."""
    found = {s.community_id: (s.remind_after_days, s.return_after_days)
             for s in ParcelSettings.objects.filter(community_id__in=list(community_ids))}
    default = (ParcelSettings.DEFAULT_REMIND_AFTER, ParcelSettings.DEFAULT_RETURN_AFTER)
    return {pk: found.get(pk, default) for pk in community_ids}


def _within(field: str, day: datetime.date) -> Q:
    """``field`` on the local ``day``, as a range its index can answer (``__date`` casts every row)."""
    start, end = day_bounds(day)
    return Q(**{f"{field}__gte": start, f"{field}__lt": end})


def _overdue_filter(settings: dict, now) -> Q:
    """Waiting longer than the community's reminder days."""
    overdue = Q(pk__in=[])
    for community_id, (remind_after, _return_after) in settings.items():
        overdue |= Q(community_id=community_id, arrived_at__lte=now - datetime.timedelta(days=remind_after))
    return overdue


def parcel_list(*, user, community_ids, status=None, overdue=False, q=None, unit=None, carrier=None, now=None,
                arrived_on=None, picked_up_on=None, overdue_at=None):
    """The register: waiting parcels by default (newest first), or the chosen status; ``q`` is a tracking
    number (or its last digits), a pickup code, a room code (3-2-1502) or a room number. ``arrived_on``: the
    parcels registered that day (voided entries left out, as ``parcels_arrived`` counts them, unless the void
    status is chosen); ``picked_up_on``: those handed over that day (``parcels_picked_up``); ``overdue_at``: a
    past moment, the parcels waiting too long then (``parcels_overdue_at``, whatever their status now).
    Joins decided here (the page is ≤ 10 queries)."""
    now = now or timezone.now()
    # Only what a row shows is joined (the room's code, the community); the addressee comes in one query for
    # the page's rows: joining the people table made the planner hash it whole before the LIMIT.
    qs = (parcels_for(user).filter(community_id__in=community_ids).select_related("unit", "community")
          .prefetch_related(Prefetch("addressee", queryset=Person.objects.only("id", "name"))))
    if overdue_at is not None:
        status = "all"
        qs = qs.filter(pk__in=parcels_overdue_at(community_ids, settings_for(community_ids), overdue_at).values("pk"))
    status = status or Parcel.Status.WAITING
    if status != "all":
        qs = qs.filter(status=status)
    if overdue:
        qs = qs.filter(status=Parcel.Status.WAITING).filter(_overdue_filter(settings_for(community_ids), now))
    if arrived_on:
        qs = qs.filter(_within("arrived_at", arrived_on))
        if status != Parcel.Status.VOID:
            qs = qs.exclude(status=Parcel.Status.VOID)
    if picked_up_on:
        qs = qs.filter(_within("picked_up_at", picked_up_on))
    if unit:
        qs = qs.filter(unit_id=unit)
    if carrier:
        qs = qs.filter(carrier=carrier)
    if q:
        # One OR across the unit join made the planner scan every room: the rooms are a subquery on the
        # (community, code) index, and the parcel's own columns are filtered on the parcel rows.
        text = q.strip().upper()
        # A room is its full code or its number (both indexed; a LIKE prefix cannot use the code index).
        rooms = Unit.objects.filter(Q(code=q.strip()) | Q(number=q.strip()), community_id__in=community_ids).values("id")
        match = Q(tracking_no=text) | Q(unit_id__in=rooms)
        if text.isdigit() and len(text) == 6:
            match |= Q(pickup_code=text)
        elif len(text) >= 4 and status != "all":
            match |= Q(tracking_no__endswith=text)
        qs = qs.filter(match)
    reminded = Exists(ParcelNotice.objects.filter(parcel=OuterRef("pk"), kind=ParcelNotice.Kind.REMINDER))
    return qs.annotate(reminded=reminded).order_by("-arrived_at", "-id")


def parcel_detail(*, user, pk: int) -> Parcel:
    changes = Prefetch("status_changes", queryset=ParcelStatusChange.objects.select_related("by").order_by("at", "id"),
                       to_attr="history")
    notices = Prefetch("notices", queryset=ParcelNotice.objects.select_related("message").order_by("created_at", "id"),
                       to_attr="notice_list")
    return get_object_or_404(
        parcels_for(user).select_related("unit__building", "unit__entrance", "community", "addressee", "received_by",
                                         "handed_over_by", "voided_by").prefetch_related(changes, notices), pk=pk)


def waiting_for_pickup(*, user, community_ids, code=None, unit=None, units=None):
    """The waiting parcels a pick-up can hand over: by code (one parcel) or by unit (all of the unit's)."""
    qs = (parcels_for(user).filter(community_id__in=community_ids, status=Parcel.Status.WAITING)
          .select_related("unit__building", "unit__entrance", "addressee"))
    if code:
        return list(qs.filter(pickup_code=code).order_by("arrived_at", "id"))
    if unit:
        return list(qs.filter(unit_id=unit).order_by("arrived_at", "id"))
    if units:
        return list(qs.filter(unit__in=units).order_by("unit__code", "arrived_at", "id"))
    return []


def resolve_unit(*, user, text: str, community_ids=None):
    """The rooms a typed room code means, as the lookup reads it (its room part): ``(units, exact)`` where
    ``exact`` is the one unit when the text names exactly one room."""
    text = (text or "").strip()[:50]
    if not text:
        return [], None
    units = [u for u in lookup(user=user, q=text)["units"]
             if community_ids is None or u.community_id in community_ids]
    exact = [u for u in units if u.code == text or u.code == text.replace(" ", "")]
    if len(units) == 1:
        return units, units[0]
    if len(exact) == 1:
        return units, exact[0]
    return units, None


def unit_occupants(unit_ids) -> dict[int, list[Occupancy]]:
    """Current occupants of the units (the addressee choices), one query."""
    result: dict[int, list[Occupancy]] = {}
    for occupancy in (Occupancy.objects.filter(unit_id__in=list(unit_ids), end_date__isnull=True)
                      .select_related("person").order_by("unit_id", "kind", "id")):
        result.setdefault(occupancy.unit_id, []).append(occupancy)
    return result


def unit_panel(request, unit) -> dict:
    """The unit page's panel: the waiting parcels (count and the newest few). One query."""
    waiting = list(Parcel.objects.filter(unit=unit, status=Parcel.Status.WAITING)
                   .order_by("-arrived_at", "-id")[:PANEL_LIMIT + 1])
    return {"unit": unit, "parcels": waiting[:PANEL_LIMIT], "more": len(waiting) > PANEL_LIMIT,
            "count": len(waiting) if len(waiting) <= PANEL_LIMIT else None}


# -- figures (the handover and the manager's summary) --------------------------------------------------------

def parcels_waiting(community_ids, day: datetime.date | None = None) -> int:
    """Parcels waiting at the desk at the end of ``day`` (now, for today or no day): arrived by then and not
    picked up, returned or voided by then."""
    return parcels_waiting_qs(community_ids, day).count()


def parcels_waiting_qs(community_ids, day: datetime.date | None = None):
    """The parcels of ``parcels_waiting``."""
    if day is None or day >= timezone.localdate():
        return Parcel.objects.filter(community_id__in=list(community_ids), status=Parcel.Status.WAITING)
    end = timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time()))
    left = ParcelStatusChange.objects.filter(parcel=OuterRef("pk"), from_status=Parcel.Status.WAITING, at__lt=end)
    return Parcel.objects.filter(community_id__in=list(community_ids), arrived_at__lt=end).exclude(Exists(left))


def parcels_arrived_qs(community_ids, day: datetime.date):
    """Parcels registered on ``day`` (voided entries not counted)."""
    return (Parcel.objects.filter(_within("arrived_at", day), community_id__in=list(community_ids))
            .exclude(status=Parcel.Status.VOID))


def parcels_arrived(community_ids, day: datetime.date) -> int:
    """``parcels_arrived_qs`` counted."""
    return parcels_arrived_qs(community_ids, day).count()


def parcels_picked_up_qs(community_ids, day: datetime.date):
    """Parcels handed over to their addressee or a proxy on ``day``."""
    return Parcel.objects.filter(_within("picked_up_at", day), community_id__in=list(community_ids))


def parcels_picked_up(community_ids, day: datetime.date) -> int:
    """``parcels_picked_up_qs`` counted."""
    return parcels_picked_up_qs(community_ids, day).count()


def parcels_overdue_qs(community_ids, settings: dict | None = None, now=None):
    """Parcels waiting now for longer than their community's reminder days (``settings``: ``settings_for``)."""
    now = now or timezone.now()
    settings = settings if settings is not None else settings_for(community_ids)
    return (Parcel.objects.filter(community_id__in=list(community_ids), status=Parcel.Status.WAITING)
            .filter(_overdue_filter(settings, now)))


def parcels_overdue_at(community_ids, settings: dict, at: datetime.datetime):
    """Parcels that were waiting at the past moment ``at`` for longer than their community's reminder days:
    arrived by then, neither picked up nor returned before it (a voided entry never counts: it was a mistake)."""
    # waiting then = waiting now, or picked up or returned since (each branch has its index; a parcel that is
    # waiting now was neither picked up nor returned)
    return (Parcel.objects.filter(community_id__in=list(community_ids), arrived_at__lt=at)
            .filter(Q(status=Parcel.Status.WAITING) | Q(picked_up_at__gte=at) | Q(returned_at__gte=at))
            .exclude(status=Parcel.Status.VOID)
            .filter(_overdue_filter(settings, at)))


def parcels_overdue_on(community_ids, settings: dict, day: datetime.date):
    """The summary's 包裹滞留: today the parcels waiting too long now (``parcels_overdue_qs``); a day that is over,
    those waiting too long at its end (``parcels_overdue_at``)."""
    end = day_bounds(day)[1]
    now = timezone.now()
    return parcels_overdue_at(community_ids, settings, end) if end <= now else parcels_overdue_qs(community_ids, settings, now)


def parcels_overdue(community_ids, day: datetime.date | None = None) -> int:
    """Parcels waiting now for longer than their community's reminder days."""
    return parcels_overdue_qs(community_ids).count()


def parcels_returned(community_ids, day: datetime.date) -> int:
    """Parcels recorded as returned to the sender on ``day`` (not collected within the community's M days)."""
    return Parcel.objects.filter(_within("returned_at", day), community_id__in=list(community_ids)).count()


def handover_lines(community) -> list:
    """The duty handover's "parcels waiting": the count (overdue, high value) and each high-value parcel.
    Three queries whatever the number of parcels."""
    from frontdesk.registry import HandoverLine

    settings = settings_for([community.pk])
    now = timezone.now()
    waiting = Parcel.objects.filter(community=community, status=Parcel.Status.WAITING)
    figures = waiting.aggregate(total=Count("pk"), overdue=Count("pk", filter=_overdue_filter(settings, now)),
                                high_value=Count("pk", filter=Q(high_value=True)))
    if not figures["total"]:
        return []
    url = reverse("frontdesk:parcel_list")
    lines = [HandoverLine(text=_("%(total)s parcels waiting (%(overdue)s overdue, %(high)s high value)") % {
        "total": figures["total"], "overdue": figures["overdue"], "high": figures["high_value"]}, url=url)]
    for parcel in (waiting.filter(high_value=True).select_related("unit")
                   .order_by("arrived_at", "id")[:HANDOVER_HIGH_VALUE_LINES]):
        local = timezone.localtime(parcel.arrived_at)
        lines.append(HandoverLine(
            text=_("High value: %(unit)s %(carrier)s …%(tail)s, shelf %(shelf)s, since %(at)s") % {
                "unit": parcel.unit.code, "carrier": parcel.carrier_label, "tail": parcel.tracking_no[-4:],
                "shelf": parcel.shelf or "—", "at": f"{local:%m-%d %H:%M}"},
            url=parcel.get_absolute_url()))
    return lines

