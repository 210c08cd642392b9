"""Every write to the archive. Keyword-only, takes the acting user, validates, never deletes."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.text import clean_text

from .models import Building, Entrance, Occupancy, ParkingSpace, Person, TenantAuthorization, Unit, Vehicle
from .validators import birth_date_from_id, clean_id_document, clean_phone, clean_plate


def _refuse_duplicate(queryset, obj, field: str, message: str) -> None:
    """The duplicate check, at the field the clerk typed (the unique constraint remains the guarantee)."""
    if queryset.exclude(pk=obj.pk).exists() if obj.pk else queryset.exists():
        raise ValidationError({field: message})


def _save(obj, duplicate_message: str, field: str, update_fields: list[str] | None = None):
    """full_clean + save; a race that slips past the checks still ends as a clear message at the field."""
    obj.full_clean()
    try:
        with transaction.atomic():
            if update_fields is None:
                obj.save(force_insert=True)
            else:
                obj.save(update_fields=update_fields)
    except IntegrityError as exc:
        raise ValidationError({field: duplicate_message}) from exc
    return obj


def clean_without_queries(obj) -> None:
    """What ``full_clean()`` checks without the database: field values and ``clean()``. For a batch
    that checks related rows, duplicates and constraints against what it loaded once (the import);
    the database's constraints remain the last guarantee."""
    relations = [f.name for f in obj._meta.concrete_fields if f.is_relation]
    obj.full_clean(exclude=relations, validate_unique=False, validate_constraints=False)


# --- the property tree -------------------------------------------------------------------------

def building_new(*, community, name: str) -> Building:
    """An unsaved building as ``building_get_or_create`` makes it (name normalised, numbered buildings in order)."""
    name = clean_text(name).upper()
    return Building(community=community, name=name, sort_order=int(name) if name.isdigit() and len(name) < 6 else 0)


def building_get_or_create(*, community, name: str, actor) -> Building:
    new = building_new(community=community, name=name)
    building = Building.objects.filter(community=community, name=new.name).first()
    if building is None:
        building = _save(new, _("A building with this name already exists in this community."), "name")
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
        entrance = _save(new, _("This entrance already exists in this building."), "name")
    return entrance


# --- units ---------------------------------------------------------------------------------------

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
    _refuse_duplicate(Unit.objects.filter(community_id=unit.community_id, code=unit.code), unit, "number", message)
    return _save(unit, message, "number")


def unit_update(*, unit: Unit, actor, area=None, usage=None, floor=None, notes=None, is_active=None) -> Unit:
    changed = []
    for field, value in (("area", area), ("usage", usage), ("floor", floor), ("notes", notes), ("is_active", is_active)):
        if value is not None and getattr(unit, field) != value:
            setattr(unit, field, value)
            changed.append(field)
    if changed:
        _save(unit, _("This room already exists."), "number", update_fields=changed)
    return unit


# --- people --------------------------------------------------------------------------------------

def _normalise_person(person: Person) -> None:
    errors = {}
    person.name = clean_text(person.name)
    for field in ("phone", "phone_alt"):
        try:
            setattr(person, field, clean_phone(getattr(person, field)))
        except ValidationError as exc:
            errors[field] = exc.messages
    try:
        person.id_number = clean_id_document(person.id_type, person.id_number)
    except ValidationError as exc:
        errors["id_number"] = exc.messages
    if person.id_type == "resident_id" and person.id_number and "id_number" not in errors:
        person.birth_date = birth_date_from_id(person.id_number)
    if not person.name:
        errors["name"] = [_("Enter the person's name.")]
    if errors:
        raise ValidationError(errors)


def _duplicate_person_message():
    return _("A person with this ID number is already in the archive of this community.")


def _save_person(person: Person, update_fields: list[str] | None = None) -> Person:
    if person.id_number:
        same_id = Person.objects.filter(community_id=person.community_id, id_type=person.id_type, id_number=person.id_number)
        _refuse_duplicate(same_id, person, "id_number", _duplicate_person_message())
    return _save(person, _duplicate_person_message(), "id_number", update_fields=update_fields)


def person_new(*, community, name: str, id_type: str = "resident_id", id_number: str = "", phone: str = "",
               phone_alt: str = "", email: str = "", notes: str = "") -> Person:
    """An unsaved person, normalised and checked (ID document, phones, birth date from a resident ID)."""
    person = Person(community=community, name=name, id_type=id_type, id_number=id_number, phone=phone,
                    phone_alt=phone_alt, email=email, notes=notes)
    _normalise_person(person)
    return person


def person_create(*, community, name: str, id_type: str = "resident_id", id_number: str = "", phone: str = "",
                  phone_alt: str = "", email: str = "", notes: str = "", actor) -> Person:
    person = person_new(community=community, name=name, id_type=id_type, id_number=id_number, phone=phone,
                        phone_alt=phone_alt, email=email, notes=notes)
    return _save_person(person)


PERSON_FIELDS = ("name", "id_type", "id_number", "phone", "phone_alt", "email", "notes")


def person_update(*, person: Person, actor, **values) -> Person:
    unknown = set(values) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"Unknown fields: {unknown}")
    for field, value in values.items():
        setattr(person, field, value)
    _normalise_person(person)
    return _save_person(person, update_fields=[*values.keys(), "birth_date", "updated_at"])


def person_find_or_create(*, community, name: str, id_type: str = "resident_id", id_number: str = "",
                          phone: str = "", actor) -> tuple[Person, bool]:
    """The clerk types the details from the ID card: reuse the archive's person if it is there."""
    probe = person_new(community=community, name=name, id_type=id_type, id_number=id_number, phone=phone)
    existing = None
    if probe.id_number:
        existing = Person.objects.filter(community=community, id_type=probe.id_type, id_number=probe.id_number).first()
    elif probe.phone:
        existing = Person.objects.filter(community=community, name=probe.name, phone=probe.phone).first()
    if existing := person_reuse(probe=probe, existing=existing):
        return existing, False
    return person_create(community=community, name=probe.name, id_type=probe.id_type, id_number=probe.id_number,
                         phone=probe.phone, actor=actor), True


def person_reuse(*, probe: Person, existing: Person | None) -> Person | None:
    """The archive's person found for ``probe`` (by ID document, else by name and phone), if it may be
    reused: an ID number given for someone else's name is refused."""
    if existing is not None and probe.id_number and existing.name != probe.name:
        raise ValidationError({"id_number": _("This ID number belongs to %(name)s in the archive.") % {"name": existing.name}})
    return existing


# --- occupancies (move-in / move-out) ------------------------------------------------------------

@transaction.atomic
def occupancy_start(*, unit: Unit, person: Person, kind: str, start_date: datetime.date, actor,
                    share: Decimal | None = None, relationship: str = "") -> Occupancy:
    unit = Unit.objects.select_for_update().get(pk=unit.pk)  # serialises share checks per unit
    held = 0
    if kind == Occupancy.Kind.OWNER:
        held = Occupancy.objects.filter(unit=unit, kind=kind, end_date__isnull=True).aggregate(s=Sum("share"))["s"] or 0
    occupancy = occupancy_new(unit=unit, person=person, kind=kind, start_date=start_date, share=share,
                              relationship=relationship, held=held, actor=actor)
    if Occupancy.objects.filter(unit=unit, person=person, kind=kind, end_date__isnull=True).exists():
        raise ValidationError(_("%(name)s is already recorded in this role for this unit.") % {"name": person.name})
    return _save(occupancy, _("%(name)s is already recorded in this role for this unit.") % {"name": person.name}, "kind")


def occupancy_new(*, unit: Unit, person: Person, kind: str, start_date: datetime.date, held, actor,
                  share: Decimal | None = None, relationship: str = "") -> Occupancy:
    """An unsaved occupancy. ``held``: the shares the unit's current owners hold (locked by the caller).
    Owners hold 100 % unless told otherwise, and never more than 100 % together; others hold none."""
    if person.community_id != unit.community_id:
        raise ValidationError(_("This person belongs to another community's archive."))
    if kind == Occupancy.Kind.OWNER:
        share = share if share is not None else Decimal("100")
        if held + share > 100:
            raise ValidationError({"share": _("The owners' shares would exceed 100%% (already %(held)s%%).") % {"held": held}})
    else:
        share = None
    return Occupancy(community_id=unit.community_id, unit=unit, person=person, kind=kind, share=share,
                     relationship=relationship, start_date=start_date, created_by=actor)


@transaction.atomic
def occupancy_end(*, occupancy: Occupancy, end_date: datetime.date, reason: str, actor) -> Occupancy:
    """Move-out: the relation ends, the record stays. A tenant's authorisations end with the tenancy."""
    occupancy = Occupancy.objects.select_for_update().get(pk=occupancy.pk)
    if occupancy.end_date is not None:
        raise ValidationError(_("This person has already moved out (on %(date)s).") % {"date": occupancy.end_date})
    if end_date < occupancy.start_date:
        raise ValidationError({"end_date": _("The move-out date cannot be before the move-in date.")})
    occupancy.end_date = end_date
    occupancy.end_reason = clean_text(reason)
    occupancy.ended_by = actor
    occupancy.ended_at = timezone.now()
    occupancy.full_clean()
    occupancy.save(update_fields=["end_date", "end_reason", "ended_by", "ended_at"])
    for authorization in occupancy.authorizations.filter(revoked_at__isnull=True):
        authorization_revoke(authorization=authorization, reason=_("Tenancy ended"), actor=actor)
    return occupancy


def occupant_add(*, unit: Unit, kind: str, name: str, id_type: str, id_number: str, phone: str,
                 start_date: datetime.date, actor, share: Decimal | None = None, relationship: str = "") -> Occupancy:
    with transaction.atomic():
        person, _created = person_find_or_create(community=unit.community, name=name, id_type=id_type,
                                                 id_number=id_number, phone=phone, actor=actor)
        return occupancy_start(unit=unit, person=person, kind=kind, start_date=start_date, share=share,
                               relationship=relationship, actor=actor)


# --- tenant authorisations -----------------------------------------------------------------------

@transaction.atomic
def authorization_grant(*, tenancy: Occupancy, owner: Person, valid_from: datetime.date, valid_to: datetime.date,
                        scopes: list[str], document_ref: str = "", actor) -> TenantAuthorization:
    if tenancy.kind != Occupancy.Kind.TENANT or tenancy.end_date is not None:
        raise ValidationError(_("Only a current tenancy can be authorised."))
    if not Occupancy.objects.filter(unit_id=tenancy.unit_id, person=owner, kind=Occupancy.Kind.OWNER,
                                    end_date__isnull=True).exists():
        raise ValidationError({"owner": _("Only a current owner of this unit can authorise a tenant.")})
    if valid_to < valid_from:
        raise ValidationError({"valid_to": _("The end date cannot be before the start date.")})
    if not scopes:
        raise ValidationError({"scopes": _("Choose at least one thing the tenant may do.")})
    authorization = TenantAuthorization(community_id=tenancy.community_id, tenancy=tenancy, owner=owner,
                                        valid_from=valid_from, valid_to=valid_to, scopes=list(scopes),
                                        document_ref=clean_text(document_ref), created_by=actor)
    return _save(authorization, _("This authorisation could not be saved."), "scopes")


@transaction.atomic
def authorization_revoke(*, authorization: TenantAuthorization, reason: str, actor) -> TenantAuthorization:
    authorization = TenantAuthorization.objects.select_for_update().get(pk=authorization.pk)
    if authorization.revoked_at is None:
        authorization.revoked_at = timezone.now()
        authorization.revoked_by = actor
        authorization.revoke_reason = clean_text(str(reason))[:200]
        authorization.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    return authorization


def tenant_may_act(*, tenancy: Occupancy, scope: str, on: datetime.date | None = None) -> bool:
    """May this tenant act for the unit in this matter today (owner's authorisation in force)?"""
    on = on or timezone.localdate()
    return tenancy.authorizations.filter(
        revoked_at__isnull=True, valid_from__lte=on, valid_to__gte=on, scopes__contains=[scope]
    ).exists()


# --- vehicles and parking ------------------------------------------------------------------------

def _save_vehicle(vehicle: Vehicle, update_fields: list[str] | None = None) -> Vehicle:
    message = _("The plate %(plate)s is already registered in this community.") % {"plate": vehicle.plate}
    if vehicle.is_active:
        same = Vehicle.objects.filter(community_id=vehicle.community_id, plate=vehicle.plate, is_active=True)
        _refuse_duplicate(same, vehicle, "plate", message)
    return _save(vehicle, message, "plate", update_fields=update_fields)


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


def parking_space_save(*, community, code: str, kind: str, actor, unit: Unit | None = None,
                       vehicle: Vehicle | None = None, notes: str = "", space: ParkingSpace | None = None) -> ParkingSpace:
    space = space or ParkingSpace(community=community)
    space.code, space.kind, space.unit, space.vehicle, space.notes = clean_text(code).upper(), kind, unit, vehicle, clean_text(notes)
    message = _("Parking space %(code)s already exists.") % {"code": space.code}
    _refuse_duplicate(ParkingSpace.objects.filter(community=community, code=space.code), space, "code", message)
    return _save(space, message, "code", update_fields=["code", "kind", "unit", "vehicle", "notes"] if space.pk else None)
