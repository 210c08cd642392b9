"""Every non-trivial read of the archive, scoped to the user's communities, with its joins decided here."""

import re
import unicodedata

from django.db.models import Case, Count, IntegerField, Prefetch, Q, Value, When

from .scoping import scope
from core.text import clean_text

from django.db.models.functions import Upper

from .models import (Building, Community, NameGrams, Occupancy, ParkingSpace, Person, TenantAuthorization, Unit,
                     Vehicle)
from .validators import PLATE_PROVINCES, normalise_plate

LOOKUP_LIMIT = 8

# 3-2-1502, 3栋2单元1502, 3#2-1502, 3-1502, A座1502室
ROOM_RE = re.compile(
    r"(?P<b>[0-9A-Z]{1,5})\s*(?:栋|幢|号楼|座|#|-|/)\s*"
    r"(?:(?P<e>[0-9A-Z]{1,3})\s*(?:单元|-|/)\s*)?"
    r"(?P<n>[0-9A-Z]{1,6})\s*(?:室|号)?"
)
PLATE_RE = re.compile(rf"[{PLATE_PROVINCES}]?[A-Z][A-Z0-9]{{0,6}}|[A-Z0-9]{{3,7}}")


def communities_for(user):
    return scope(Community.objects.all(), user, field="id").order_by("name")


def units_for(user):
    return scope(Unit.objects.select_related("building", "entrance", "community"), user)


def people_for(user):
    return scope(Person.objects.select_related("community"), user)


def vehicles_for(user):
    return scope(Vehicle.objects.select_related("unit__building", "unit__entrance", "owner", "community"), user)


def _current_occupancies(select="person"):
    return Prefetch(
        "occupancies",
        queryset=Occupancy.objects.filter(end_date__isnull=True).select_related(*select.split(",")).order_by("kind", "id"),
        to_attr="current_occupancies",
    )


def normalise_query(q: str) -> str:
    return unicodedata.normalize("NFKC", clean_text(q or "")).strip().upper()


def classify(q: str) -> dict:
    """What the clerk probably typed. A query may be several things at once (1502: a room or a phone tail)."""
    kinds = {}
    room = ROOM_RE.fullmatch(q)
    if room:
        kinds["room"] = room.groupdict()
    compact = re.sub(r"[\s\-]", "", q)
    if compact.isdigit() and not room:
        kinds["unit_number"] = compact
        if len(compact) == 4:
            kinds["phone_tail"] = compact
        elif len(compact) >= 5:
            kinds["phone"] = compact
    elif q and PLATE_RE.fullmatch(normalise_plate(q)) and any(c.isdigit() for c in q):
        kinds["plate"] = normalise_plate(q)
    if not compact.isdigit() and not room:
        kinds["name"] = q
        if q[:1] in PLATE_PROVINCES:
            kinds["plate"] = normalise_plate(q)
    return kinds


def name_matches(fragment: str) -> Q:
    """People whose name contains ``fragment``; needs ``.alias(name_grams=NameGrams(Upper("name")))``.
    Under 3 characters pg_trgm cannot narrow the search: the 1-/2-character index does."""
    condition = Q(name__icontains=fragment)
    if len(fragment) < 3:
        condition &= Q(name_grams__contains=[fragment.upper()])
    return condition


def lookup(*, user, q: str, limit: int = LOOKUP_LIMIT) -> dict:
    """The counter's lookup: units, people and vehicles matching one box. At most 5 queries."""
    q = normalise_query(q)[:50]
    result = {"q": q, "units": [], "people": [], "vehicles": []}
    if not q:
        return result
    kinds = classify(q)

    unit_filter = Q()
    if "room" in kinds:
        room = kinds["room"]
        if room["e"]:
            unit_filter |= Q(code=Unit.make_code(room["b"], room["e"], room["n"]))
        else:
            unit_filter |= Q(building__name=room["b"], number=room["n"]) | Q(code=f"{room['b']}-{room['n']}")
    if "unit_number" in kinds:
        unit_filter |= Q(number=kinds["unit_number"])
    if unit_filter:
        owners = Prefetch(
            "occupancies",
            queryset=Occupancy.objects.filter(end_date__isnull=True, kind=Occupancy.Kind.OWNER)
            .select_related("person")
            .order_by("id"),
            to_attr="current_owners",
        )
        result["units"] = list(units_for(user).filter(unit_filter).prefetch_related(owners).order_by("code")[:limit])

    person_filter = Q()
    if "phone_tail" in kinds:
        person_filter |= Q(phone__endswith=kinds["phone_tail"]) | Q(phone_alt__endswith=kinds["phone_tail"])
    if "phone" in kinds:
        person_filter |= Q(phone__contains=kinds["phone"]) | Q(phone_alt__contains=kinds["phone"])
    if "name" in kinds:
        person_filter |= name_matches(kinds["name"])
    if person_filter:
        rank = Case(
            When(name__iexact=q, then=Value(0)),
            When(name__istartswith=q, then=Value(1)),
            When(phone=q, then=Value(0)),
            default=Value(2),
            output_field=IntegerField(),
        )
        result["people"] = list(
            people_for(user)
            .alias(name_grams=NameGrams(Upper("name")))
            .filter(person_filter)
            .annotate(rank=rank)
            .prefetch_related(_current_occupancies("unit__building,unit__entrance"))
            .order_by("rank", "name", "id")[:limit]
        )

    if "plate" in kinds:
        result["vehicles"] = list(
            vehicles_for(user).filter(is_active=True, plate__contains=kinds["plate"]).order_by("plate")[:limit]
        )
    return result


def unit_detail(*, user, pk: int) -> Unit:
    """The 360° view's own data in a constant number of queries (panels add their own)."""
    from django.shortcuts import get_object_or_404

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
    return get_object_or_404(units_for(user).prefetch_related(occupancies, vehicles, spaces), pk=pk)


def person_detail(*, user, pk: int) -> Person:
    from django.shortcuts import get_object_or_404

    occupancies = Prefetch(
        "occupancies",
        queryset=Occupancy.objects.select_related("unit__building", "unit__entrance").order_by("end_date", "start_date"),
        to_attr="all_occupancies",
    )
    vehicles = Prefetch("vehicles", queryset=Vehicle.objects.select_related("unit").order_by("plate"), to_attr="all_vehicles")
    return get_object_or_404(people_for(user).prefetch_related(occupancies, vehicles), pk=pk)


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


def person_list(*, user, community=None, kind=None, q=None):
    qs = people_for(user).prefetch_related(_current_occupancies("unit__building,unit__entrance"))
    if community:
        qs = qs.filter(community_id=community)
    if kind:
        qs = qs.filter(occupancies__kind=kind, occupancies__end_date__isnull=True).distinct()
    if q:
        q = normalise_query(q)
        qs = qs.alias(name_grams=NameGrams(Upper("name"))).filter(name_matches(q) | Q(phone__contains=q) | Q(id_number=q))
    return qs.order_by("name", "id")


def vehicle_list(*, user, community=None, active=True, new_energy=None, q=None):
    qs = vehicles_for(user)
    if community:
        qs = qs.filter(community_id=community)
    if active is not None:
        qs = qs.filter(is_active=active)
    if new_energy is not None:
        qs = qs.filter(is_new_energy=new_energy)
    if q:
        qs = qs.filter(plate__contains=normalise_plate(q))
    return qs.order_by("plate")


def buildings_for(user, community=None):
    qs = scope(Building.objects.select_related("community"), user)
    if community:
        qs = qs.filter(community_id=community)
    return qs.order_by("community__name", "sort_order", "name")


def desk_summary(*, user) -> dict:
    """Counts for the home page: one query each, scoped."""
    units = units_for(user).filter(is_active=True).aggregate(n=Count("id"))["n"]
    people = people_for(user).aggregate(n=Count("id"))["n"]
    vehicles = vehicles_for(user).filter(is_active=True).aggregate(n=Count("id"))["n"]
    return {"units": units, "people": people, "vehicles": vehicles}
