"""People in a community's archive: normalised, checked, found again by ID document or name and phone."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.db import save_unique
from core.text import clean_text
from frontdesk.models import Person
from frontdesk.validators import birth_date_from_id, clean_id_document, clean_phone

from .checks import refuse_duplicate


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
        refuse_duplicate(same_id, person, "id_number", _duplicate_person_message())
    return save_unique(person, field="id_number", message=_duplicate_person_message(), update_fields=update_fields)


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
