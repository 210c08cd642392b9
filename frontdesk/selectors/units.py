"""Rooms and buildings, scoped to the user's communities: the lists and the unit page (360° view)."""

from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404

from frontdesk.models import Building, Occupancy, ParkingSpace, TenantAuthorization, Unit, Vehicle
from frontdesk.scoping import scope

from .search import normalise_query


def units_for(user):
    return scope(Unit.objects.select_related("building", "entrance", "community"), user)


def buildings_for(user, community=None):
    qs = scope(Building.objects.select_related("community"), user)
    if community:
        qs = qs.filter(community_id=community)
    return qs.order_by("community__name", "sort_order", "name")


def unit_detail(*, user, pk: int, annotations: dict | None = None) -> Unit:
    """The 360° view's own data in a constant number of queries (panels add their own, or their
    ``annotations`` to the unit's row: ``frontdesk.registry.unit_panel_annotations``)."""
    occupancies = Prefetch(
        "occupancies",
        queryset=Occupancy.objects.select_related("person").prefetch_related(
            Prefetch(
                "authorizations",
                queryset=TenantAuthorization.objects.select_related("owner").order_by("-valid_from"),
            )
        ).order_by("end_date", "kind", "start_date", "id"),
        to_attr="all_occupancies",
    )
    vehicles = Prefetch(
        "vehicles", queryset=Vehicle.objects.select_related("owner").order_by("-is_active", "plate"), to_attr="all_vehicles"
    )
    spaces = Prefetch(
        "parking_spaces", queryset=ParkingSpace.objects.select_related("vehicle").order_by("code"), to_attr="all_spaces"
    )
    qs = units_for(user).prefetch_related(occupancies, vehicles, spaces)
    if annotations:
        qs = qs.annotate(**annotations)
    return get_object_or_404(qs, pk=pk)


def unit_list(*, user, community=None, building=None, usage=None, q=None):
    owners = Prefetch(
        "occupancies",
        queryset=Occupancy.objects.filter(end_date__isnull=True, kind=Occupancy.Kind.OWNER).select_related("person"),
        to_attr="current_owners",
    )
    qs = units_for(user).prefetch_related(owners)
    if community:
        qs = qs.filter(community_id=community)
    if building:
        qs = qs.filter(building_id=building)
    if usage:
        qs = qs.filter(usage=usage)
    if q:
        q = normalise_query(q)
        qs = qs.filter(Q(code__startswith=q) | Q(number=q))
    return qs.order_by("community__name", "building__sort_order", "code")
