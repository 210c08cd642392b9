"""Vehicles: registered with a normalised plate, edited, removed (deactivated; the record is kept)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.db import save_unique
from core.text import clean_text
from frontdesk.models import Person, Unit, Vehicle
from frontdesk.validators import clean_plate

from .checks import refuse_duplicate


def _save_vehicle(vehicle: Vehicle, update_fields: list[str] | None = None) -> Vehicle:
    message = _("The plate %(plate)s is already registered in this community.") % {"plate": vehicle.plate}
    if vehicle.is_active:
        same = Vehicle.objects.filter(community_id=vehicle.community_id, plate=vehicle.plate, is_active=True)
        refuse_duplicate(same, vehicle, "plate", message)
    return save_unique(vehicle, field="plate", message=message, update_fields=update_fields)


def vehicle_new(*, community, plate: str, unit: Unit | None = None, owner: Person | None = None,
                description: str = "") -> Vehicle:
    """An unsaved vehicle: plate normalised (new-energy flag from the plate), unit and owner of this community."""
    try:
        plate, new_energy = clean_plate(plate)
    except ValidationError as exc:
        raise ValidationError({"plate": exc.messages}) from exc
    for related, field in ((unit, "unit"), (owner, "owner")):
        if related is not None and related.community_id != community.pk:
            raise ValidationError({field: _("This belongs to another community.")})
    return Vehicle(community=community, plate=plate, is_new_energy=new_energy, unit=unit, owner=owner,
                   description=clean_text(description))


def vehicle_register(*, community, plate: str, actor, unit: Unit | None = None, owner: Person | None = None,
                     description: str = "") -> Vehicle:
    vehicle = vehicle_new(community=community, plate=plate, unit=unit, owner=owner, description=description)
    return _save_vehicle(vehicle)


def vehicle_update(*, vehicle: Vehicle, actor, plate: str, unit: Unit | None, owner: Person | None,
                   description: str) -> Vehicle:
    try:
        vehicle.plate, vehicle.is_new_energy = clean_plate(plate)
    except ValidationError as exc:
        raise ValidationError({"plate": exc.messages}) from exc
    vehicle.unit, vehicle.owner, vehicle.description = unit, owner, clean_text(description)
    return _save_vehicle(vehicle, update_fields=["plate", "is_new_energy", "unit", "owner", "description"])


def vehicle_deactivate(*, vehicle: Vehicle, reason: str, actor) -> Vehicle:
    if not vehicle.is_active:
        raise ValidationError(_("This vehicle is already removed."))
    vehicle.is_active = False
    vehicle.deactivated_reason = clean_text(reason)[:200]
    vehicle.save(update_fields=["is_active", "deactivated_reason"])
    return vehicle
