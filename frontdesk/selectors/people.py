"""People in the archive, scoped to the user's communities: the list, the person page, a room's people."""

from django.db.models import Prefetch, Q
from django.db.models.functions import Upper
from django.shortcuts import get_object_or_404

from frontdesk.models import NameGrams, Occupancy, Person, Unit, Vehicle
from frontdesk.scoping import scope

from .search import name_matches, normalise_query


def people_for(user):
    return scope(Person.objects.select_related("community"), user)


def current_occupancies(select="person"):
    occupancies = Occupancy.objects.filter(end_date__isnull=True).order_by("kind", "id")
    return Prefetch(
        "occupancies",
        queryset=occupancies.select_related(*select.split(",")) if select else occupancies,
        to_attr="current_occupancies",
    )


def person_detail(*, user, pk: int) -> Person:
    occupancies = Prefetch(
        "occupancies",
        queryset=Occupancy.objects.select_related("unit__building", "unit__entrance").order_by("end_date", "start_date"),
        to_attr="all_occupancies",
    )
    vehicles = Prefetch("vehicles", queryset=Vehicle.objects.select_related("unit").order_by("plate"), to_attr="all_vehicles")
    return get_object_or_404(people_for(user).prefetch_related(occupancies, vehicles), pk=pk)


def person_list(*, user, community=None, kind=None, q=None, moved_in_on=None, moved_out_on=None):
    qs = people_for(user).prefetch_related(current_occupancies("unit__building,unit__entrance"))
    if moved_in_on:  # the people of the daily summary's move-ins (an occupancy started that day)
        qs = qs.filter(pk__in=Occupancy.objects.filter(start_date=moved_in_on).values("person_id"))
    if moved_out_on:  # … and move-outs (an occupancy ended that day)
        qs = qs.filter(pk__in=Occupancy.objects.filter(end_date=moved_out_on).values("person_id"))
    if community:
        qs = qs.filter(community_id=community)
    if kind:
        qs = qs.filter(occupancies__kind=kind, occupancies__end_date__isnull=True).distinct()
    if q:
        q = normalise_query(q)
        qs = qs.alias(name_grams=NameGrams(Upper("name"))).filter(name_matches(q) | Q(phone__contains=q) | Q(id_number=q))
    return qs.order_by("name", "id")


def person_export_list(*, user, **filters):
    """The people list for an export, read in chunks: each chunk's current occupancies, then their rooms with
    building and entrance, as two plain ``id = ANY(…)`` queries. (One query joining occupancies to rooms,
    buildings and entrances was planned as a nested loop over every room when the tables' statistics were
    stale — right after a bulk load — and took 15 s for 3,620 people; the split queries cannot go that way.)"""
    return person_list(user=user, **filters).prefetch_related(None).prefetch_related(
        current_occupancies(select=None),
        Prefetch("current_occupancies__unit", queryset=Unit.objects.select_related("building", "entrance")))


def unit_people(unit):
    """The room's current owners, residents and tenants, by name."""
    return Person.objects.filter(occupancies__unit=unit, occupancies__end_date__isnull=True).distinct().order_by("name")


def unit_owners(unit):
    """The room's current owners."""
    return Person.objects.filter(occupancies__unit=unit, occupancies__kind=Occupancy.Kind.OWNER,
                                 occupancies__end_date__isnull=True).distinct()


def vehicle_owner_choices(vehicle):
    """Whom a vehicle's owner may be: its room's current people, or (no room) the owner it has."""
    return unit_people(vehicle.unit) if vehicle.unit_id else Person.objects.filter(pk=vehicle.owner_id)
