"""Intake: a new ticket with its number and clocks; the photos it came with. Also the desk's
configuration (categories, teams, clock durations), which managers keep per community."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from frontdesk.validators import clean_phone

from ..models import Category, Clock, ClockSettings, Team, Ticket, TicketPhoto
from . import clocks, tickets

# English source strings; shown through gettext when the row is created (names are data afterwards).
DEFAULT_CATEGORIES = [
    gettext_noop("Plumbing"), gettext_noop("Electrical"), gettext_noop("Doors and windows"), gettext_noop("Lift"),
    gettext_noop("Public facilities"), gettext_noop("Cleaning and environment"), gettext_noop("Noise"),
    gettext_noop("Security"), gettext_noop("Parking"), gettext_noop("Other"),
]

PHOTO_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
PHOTO_MAX_BYTES = 8 * 1024 * 1024
PHOTO_MAX_COUNT = 6


def categories_ensure(*, community) -> None:
    """The default categories, created once per community on first use."""
    if Category.objects.filter(community=community).exists():
        return
    Category.objects.bulk_create(
        [Category(community=community, name=_(name), sort_order=(i + 1) * 10) for i, name in enumerate(DEFAULT_CATEGORIES)],
        ignore_conflicts=True,
    )


def photo_check(upload) -> None:
    """Refuse a file that is not a JPEG/PNG/WebP image of at most 8 MB (checked by opening it)."""
    from PIL import Image, UnidentifiedImageError

    if upload.size > PHOTO_MAX_BYTES:
        raise ValidationError(_("“%(name)s” is larger than 8 MB.") % {"name": upload.name}, code="photo_size")
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            fmt = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(_("“%(name)s” is not a picture.") % {"name": upload.name}, code="photo_not_image")
    finally:
        upload.seek(0)
    if fmt not in PHOTO_TYPES:
        raise ValidationError(_("“%(name)s” must be a JPEG, PNG or WebP picture.") % {"name": upload.name},
                              code="photo_type")


def photos_check(photos) -> None:
    photos = list(photos)
    if len(photos) > PHOTO_MAX_COUNT:
        raise ValidationError(_("At most %(n)d photos.") % {"n": PHOTO_MAX_COUNT}, code="photo_count")
    errors = []
    for photo in photos:
        try:
            photo_check(photo)
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def ticket_create(*, community, kind, channel, unit=None, location="", contact_name, contact_phone, category,
                  description, urgency=Ticket.Urgency.NORMAL, appointment_start=None, appointment_end=None,
                  is_paid=False, photos=(), actor, now=None) -> Ticket:
    now = now or timezone.now()
    errors = {}
    location = (location or "").strip()
    if unit is not None and unit.community_id != community.pk:
        errors["unit"] = _("This room belongs to another community.")
    if unit is None and not location:
        errors["location"] = _("Give the room or the common-area location.")
    if category is not None and category.community_id != community.pk:
        errors["category"] = _("This category belongs to another community.")
    try:
        contact_phone = clean_phone(contact_phone)
    except ValidationError as exc:
        errors["contact_phone"] = exc.messages
    if appointment_start and appointment_end and appointment_end <= appointment_start:
        errors["appointment_end"] = _("The appointment must end after it starts.")
    if appointment_start and not appointment_end:
        errors["appointment_end"] = _("Give the end of the appointment window.")
    try:
        photos_check(photos)
    except ValidationError as exc:
        errors["photos"] = exc.messages
    if errors:
        raise ValidationError(errors)

    ticket = Ticket(
        community=community, number=tickets.next_number(community=community, kind=kind, now=now), kind=kind,
        channel=channel, unit=unit, location=location, building_id=unit.building_id if unit else None,
        contact_name=contact_name, contact_phone=contact_phone, category=category, description=description,
        urgency=urgency, appointment_start=appointment_start, appointment_end=appointment_end, is_paid=is_paid,
        status=Ticket.Status.NEW, created_by=actor, created_at=now, last_activity_at=now,
    )
    ticket.full_clean()
    ticket.save()
    cfg = clocks.clock_settings(community)
    if kind == Ticket.Kind.REPAIR:
        clocks.clock_start(ticket=ticket, kind=Clock.Kind.DISPATCH,
                           due_at=now + datetime.timedelta(minutes=cfg.dispatch_minutes), now=now)
    elif kind == Ticket.Kind.COMPLAINT:
        clocks.clock_start(ticket=ticket, kind=Clock.Kind.COMPLAINT,
                           due_at=now + datetime.timedelta(hours=cfg.complaint_hours), now=now)
    if appointment_end:
        clocks.clock_start(ticket=ticket, kind=Clock.Kind.APPOINTMENT, due_at=appointment_end, now=now)
    for photo in photos:
        TicketPhoto.objects.create(ticket=ticket, stage=TicketPhoto.Stage.INTAKE, image=photo, uploaded_by=actor)
    return ticket


# --- configuration (repairs.manage) ----------------------------------------------------------------

def category_save(*, community, category=None, name, sort_order=0, is_active=True, actor) -> Category:
    category = category or Category(community=community)
    category.name, category.sort_order, category.is_active = name, sort_order, is_active
    category.full_clean()
    category.save()
    return category


@transaction.atomic
def team_save(*, community, team=None, name, members=(), is_active=True, actor) -> Team:
    team = team or Team(community=community)
    team.name, team.is_active = name, is_active
    team.full_clean(validate_unique=False)
    if Team.objects.filter(community=community, name=name).exclude(pk=team.pk).exists():
        raise ValidationError({"name": _("A team with this name already exists.")})
    foreign = [m for m in members if not m.communities.filter(pk=community.pk).exists()]
    if foreign:
        raise ValidationError({"members": _("Members must work in this community.")})
    team.save()
    team.members.set(members)
    return team


def clock_settings_save(*, community, actor, **values) -> ClockSettings:
    row = clocks.clock_settings(community)
    for name, value in values.items():
        setattr(row, name, value)
    row.full_clean()
    row.save()
    return row
