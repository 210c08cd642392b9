"""The counter's lookup box: one query string read as rooms, people and vehicles."""

import re

from django.db.models import Case, IntegerField, Prefetch, Q, Value, When
from django.db.models.functions import Upper

from frontdesk.models import NameGrams, Occupancy, Unit
from frontdesk.validators import PLATE_PROVINCES, normalise_plate

from .people import current_occupancies, people_for
from .search import ROOM_PREFIX_RE, ROOM_RE, name_matches, normalise_query
from .units import units_for
from .vehicles import vehicles_for

LOOKUP_LIMIT = 8
PLATE_RE = re.compile(rf"[{PLATE_PROVINCES}]?[A-Z][A-Z0-9]{{0,6}}|[A-Z0-9]{{3,7}}")


def classify(q: str) -> dict:
    """What the clerk probably typed. A query may be several things at once (1502: a room or a phone tail)."""
    kinds = {}
    room = ROOM_RE.fullmatch(q)
    if room:
        kinds["room"] = room.groupdict()
    elif prefix := ROOM_PREFIX_RE.fullmatch(q):  # 3-2-: the rooms of building 3 entrance 2
        kinds["room_prefix"] = Unit.make_code(prefix["b"], prefix["e"], "") + "-"
        room = prefix
    compact = re.sub(r"[\s\-]", "", q)
    if compact.isdigit() and not room:
        kinds["unit_number"] = compact
        if len(compact) == 4:
            kinds["phone_tail"] = compact
        elif len(compact) >= 5:
            kinds["phone"] = compact
        if 3 <= len(compact) <= 6:  # the last characters of a plate (粤B74257 from 4257)
            kinds["plate"] = compact
    elif q and PLATE_RE.fullmatch(normalise_plate(q)) and any(c.isdigit() for c in q):
        kinds["plate"] = normalise_plate(q)
    if not compact.isdigit() and not room:
        kinds["name"] = q
        if q[:1] in PLATE_PROVINCES:
            kinds["plate"] = normalise_plate(q)
    return kinds


def lookup(*, user, q: str, limit: int = LOOKUP_LIMIT) -> dict:
    """The counter's lookup: units, people and vehicles matching one box. At most 5 queries."""
    q = normalise_query(q)[:50]
    result = {"q": q, "units": [], "people": [], "vehicles": [], "ambiguous": False}
    if not q:
        return result
    kinds = classify(q)

    unit_filter = Q()
    if "room" in kinds:
        room = kinds["room"]
        if room["e"]:  # 3-2-150 lists 3-2-1501 … as well: the code as typed is a prefix
            unit_filter |= Q(code__startswith=Unit.make_code(room["b"], room["e"], room["n"]))
        else:
            unit_filter |= Q(building__name=room["b"], number=room["n"]) | Q(code=f"{room['b']}-{room['n']}")
    if "room_prefix" in kinds:
        unit_filter |= Q(code__startswith=kinds["room_prefix"])
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
        # The same room code in two of the user's communities: the clerk chooses, nothing is opened for them.
        codes = [unit.code for unit in result["units"]]
        result["ambiguous"] = len(set(codes)) < len(codes)

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
            .prefetch_related(current_occupancies("unit__building,unit__entrance"))
            .order_by("rank", "name", "id")[:limit]
        )

    if "plate" in kinds:
        result["vehicles"] = list(
            vehicles_for(user).filter(is_active=True, plate__contains=kinds["plate"]).order_by("plate")[:limit]
        )
    return result
