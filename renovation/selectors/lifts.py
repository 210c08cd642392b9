"""Reads of the lifts and their bookings: the manager's list, the bookings list, the day board."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404

from core.dates import day_bounds
from frontdesk.models import Building, Occupancy, Person
from frontdesk.scoping import scope

from ..models import Lift, LiftBooking, LiftBookingStatusChange


def lifts_for(user):
    return scope(Lift.objects.all(), user)


def bookings_for(user):
    return scope(LiftBooking.objects.all(), user)


def buildings_with_lifts(*, user, community_id):
    """The community's buildings with their lifts (two queries)."""
    return (scope(Building.objects.filter(community_id=community_id), user)
            .prefetch_related(Prefetch("lifts", queryset=Lift.objects.order_by("name")))
            .order_by("sort_order", "name"))


def building_of(*, user, pk) -> Building:
    return get_object_or_404(scope(Building.objects.select_related("community"), user), pk=pk)


def lift_of(*, user, pk) -> Lift:
    return get_object_or_404(lifts_for(user).select_related("building"), pk=pk)


def unit_lifts(unit):
    """The lifts and staircases in use of the room's building."""
    return Lift.objects.filter(building_id=unit.building_id, is_active=True).order_by("name")


def unit_owners(unit):
    return Person.objects.filter(occupancies__unit=unit, occupancies__kind=Occupancy.Kind.OWNER,
                                 occupancies__end_date__isnull=True).distinct().order_by("name")


def booking_list(*, user, community=None, status=None, day: datetime.date | None = None, q: str = ""):
    qs = bookings_for(user).select_related("lift__building", "unit")
    if community:
        qs = qs.filter(community_id=community)
    if status:
        qs = qs.filter(status=status)
    if day:
        start, end = day_bounds(day)
        qs = qs.filter(starts_at__lt=end, ends_at__gt=start)
    if q:
        qs = qs.filter(Q(unit__code__icontains=q) | Q(applicant_name__icontains=q) | Q(lift__name__icontains=q))
    return qs.order_by("-starts_at", "-id")


def booking_detail(*, user, pk) -> LiftBooking:
    return get_object_or_404(bookings_for(user).select_related(
        "lift__building", "unit", "renovation", "created_by", "engineering_by").prefetch_related(
        Prefetch("status_changes", queryset=LiftBookingStatusChange.objects.select_related("actor"))), pk=pk)


def booking_of(*, user, pk) -> LiftBooking:
    return get_object_or_404(bookings_for(user), pk=pk)


@dataclass
class BoardRow:
    lift: Lift
    bookings: list = field(default_factory=list)


def day_board(*, user, community_id, day: datetime.date, building_id=None) -> list[BoardRow]:
    """One row per lift in use of the community (or one building), with that day's held slots
    (under review or booked) in time order. Two queries whatever the number of lifts."""
    start, end = day_bounds(day)
    lifts = lifts_for(user).filter(community_id=community_id, is_active=True).select_related("building")
    if building_id:
        lifts = lifts.filter(building_id=building_id)
    lifts = lifts.prefetch_related(Prefetch(
        "bookings", to_attr="day_bookings",
        queryset=LiftBooking.objects.filter(status__in=LiftBooking.HOLDING_STATUSES, starts_at__lt=end,
                                            ends_at__gt=start).select_related("unit").order_by("starts_at")))
    return [BoardRow(lift=lift, bookings=lift.day_bookings)
            for lift in lifts.order_by("building__sort_order", "building__name", "name")]
