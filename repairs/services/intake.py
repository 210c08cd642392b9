"""Intake: a new ticket with its number and clocks and the photos it came with; "log and dispatch" in one step."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms import ModelChoiceField
from django.utils import timezone
from django.utils.translation import gettext as _

from core import uploads
from frontdesk.validators import clean_phone

from ..models import Category, Clock, Ticket, TicketPhoto
from . import clocks, dispatch, tickets
from .manage import categories_ensure

PHOTO_MAX_BYTES = 8 * 1024 * 1024
PHOTO_MAX_COUNT = 6


def photo_check(upload) -> None:
    """Refuse a file that is not a JPEG/PNG/WebP image of at most ``PHOTO_MAX_BYTES`` (``core.uploads``)."""
    uploads.photo_check(upload, max_bytes=PHOTO_MAX_BYTES)


def photos_check(photos, *, max_count: int | None = PHOTO_MAX_COUNT) -> None:
    """Each photo as ``photo_check`` (all the refusals together), and at most ``max_count`` (None: any number)."""
    uploads.photos_check(photos, max_count=max_count, check=photo_check)


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


@transaction.atomic
def ticket_intake(*, community, kind, category, assignee=None, team=None, actor, now=None, **values) -> Ticket:
    """The intake form's one step: log the ticket (``ticket_create``'s arguments) and, when an engineer
    or a team is given, dispatch it (a repair) or assign it (a complaint) in the same transaction: a
    refused dispatch logs nothing (the refusal is the ``dispatch_to`` field's error). A category not
    saved yet (a community's default, offered before its first ticket) is created with the defaults."""
    if category is not None and category.pk is None:
        categories_ensure(community=category.community)
        category = Category.objects.filter(community=category.community_id, name=category.name, is_active=True).first()
        if category is None:  # renamed or put out of use since the form was shown
            raise ValidationError({"category": ModelChoiceField.default_error_messages["invalid_choice"]})
    ticket = ticket_create(community=community, kind=kind, category=category, actor=actor, now=now, **values)
    if assignee is None and team is None:
        return ticket
    try:
        if kind in (Ticket.Kind.COMPLAINT, Ticket.Kind.SUGGESTION):
            return dispatch.complaint_assign(ticket=ticket, team=team, assignee=assignee, actor=actor)
        if kind == Ticket.Kind.REPAIR:
            return dispatch.ticket_dispatch(ticket=ticket, assignee=assignee, team=team, actor=actor)
        raise ValidationError(_("An enquiry is answered, not dispatched: leave “Dispatch to” empty."))
    except ValidationError as exc:
        raise ValidationError({"dispatch_to": exc.messages}) from exc
