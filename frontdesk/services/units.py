"""The property tree: buildings, entrances and rooms."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.db import save_unique
from core.text import clean_text
from frontdesk.models import Building, Entrance, Unit

from .checks import refuse_duplicate


def building_new(*, community, name: str) -> Building:
    """An unsaved building as ``building_get_or_create`` makes it (name normalised, numbered buildings in order)."""
    name = clean_text(name).upper()
    return Building(community=community, name=name, sort_order=int(name) if name.isdigit() and len(name) < 6 else 0)


def building_get_or_create(*, community, name: str, actor) -> Building:
    new = building_new(community=community, name=name)
    building = Building.objects.filter(community=community, name=new.name).first()
    if building is None:
        building = save_unique(new, field="name",
                               message=_("A building with this name already exists in this community."))
    return building


def entrance_new(*, building: Building, name: str) -> Entrance | None:
    """An unsaved entrance (name normalised); None for buildings without entrances (empty name)."""
    name = clean_text(name or "").upper()
    return Entrance(building=building, name=name) if name else None


def entrance_get_or_create(*, building: Building, name: str, actor) -> Entrance | None:
    """The entrance of a building by name; None for buildings without entrances (empty name)."""
    new = entrance_new(building=building, name=name)
    if new is None:
        return None
    entrance = Entrance.objects.filter(building=building, name=new.name).first()
    if entrance is None:
        entrance = save_unique(new, field="name", message=_("This entrance already exists in this building."))
    return entrance


def unit_new(*, building: Building, entrance: Entrance | None, number: str, area: Decimal,
             usage: str = Unit.Usage.RESIDENTIAL, floor: int | None = None, notes: str = "") -> Unit:
    """An unsaved unit with its code (number normalised; the entrance must be the building's)."""
    number = clean_text(number).upper()
    if entrance is not None and entrance.building_id != building.pk:
        raise ValidationError({"entrance": _("This entrance belongs to another building.")})
    return Unit(
        community_id=building.community_id, building=building, entrance=entrance, number=number, area=area,
        usage=usage, floor=floor, notes=notes,
        code=Unit.make_code(building.name, entrance.name if entrance else None, number),
    )


def unit_create(*, building: Building, entrance: Entrance | None, number: str, area: Decimal,
                usage: str = Unit.Usage.RESIDENTIAL, floor: int | None = None, notes: str = "", actor) -> Unit:
    unit = unit_new(building=building, entrance=entrance, number=number, area=area, usage=usage, floor=floor,
                    notes=notes)
    message = _("This room already exists: %(code)s") % {"code": unit.code}
    refuse_duplicate(Unit.objects.filter(community_id=unit.community_id, code=unit.code), unit, "number", message)
    return save_unique(unit, field="number", message=message)


def unit_add(*, building: Building, entrance_name: str, number: str, area: Decimal,
             usage: str = Unit.Usage.RESIDENTIAL, floor: int | None = None, notes: str = "", actor) -> Unit:
    """A new room as the structure form gives it: the entrance by name, created when the building has
    none of that name yet (empty: a building without entrances)."""
    entrance = entrance_get_or_create(building=building, name=entrance_name, actor=actor)
    return unit_create(building=building, entrance=entrance, number=number, area=area, usage=usage, floor=floor,
                       notes=notes, actor=actor)


def unit_update(*, unit: Unit, actor, area=None, usage=None, floor=None, notes=None, is_active=None) -> Unit:
    changed = []
    for field, value in (("area", area), ("usage", usage), ("floor", floor), ("notes", notes), ("is_active", is_active)):
        if value is not None and getattr(unit, field) != value:
            setattr(unit, field, value)
            changed.append(field)
    if changed:
        save_unique(unit, field="number", message=_("This room already exists."), update_fields=changed)
    return unit
