"""Paid home services (有偿服务, seed 003 篇5 流程 9–10): the dated price list, booking, the time confirmed
to the owner within two hours (the ``confirm`` clock) as the service is dispatched, and completion with the
charge (price × quantity from the price list), billed at once so the cashier can take it at the counter.

A service is a ``Ticket`` of kind ``service``: every status move goes through ``tickets.ticket_set_status``;
the worker's phone view, the callback (same day) and the charge source are the repairs ones."""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.money import to_money
from core.text import clean_text

from ..models import Category, Clock, ServiceItem, ServicePrice, Ticket
from ..selectors.home_services import price_on
from . import clocks, intake, work
from .dispatch import _check_assignee, _check_seen, _lock, _reason
from .tickets import ticket_set_status

S = Ticket.Status
SERVICE_CATEGORY = "有偿服务"  # the category every paid service is filed under (a ticket needs one)
MAX_QUANTITY = Decimal("9999")
MAX_WORKERS = 20


# --- the price list ---------------------------------------------------------------------------------

def _price(value, field="price") -> Decimal:
    try:
        price = to_money(value)
    except (ValueError, TypeError, InvalidOperation):
        raise ValidationError({field: _("Enter an amount such as 80 or 120.50.")}) from None
    if price < 0:
        raise ValidationError({field: _("The price cannot be negative.")})
    if price >= 10 ** 8:
        raise ValidationError({field: _("This amount is too large.")})
    return price


@transaction.atomic
def service_item_add(*, community, name: str, unit_of_charge: str, price, valid_from: datetime.date,
                     actor) -> ServiceItem:
    """A new line of the price list with its first price."""
    name, unit_of_charge = clean_text(name), clean_text(unit_of_charge)
    errors = {}
    if not name:
        errors["name"] = _("Give the service.")
    if not unit_of_charge:
        errors["unit_of_charge"] = _("Give the unit of charge (hour, time, m²…).")
    if errors:
        raise ValidationError(errors)
    price = _price(price)
    if ServiceItem.objects.filter(community=community, name=name).exists():
        raise ValidationError({"name": _("This service is already on the price list.")})
    try:
        with transaction.atomic():
            item = ServiceItem.objects.create(community=community, name=name[:50], unit_of_charge=unit_of_charge[:20],
                                              created_by=actor)
    except IntegrityError:
        raise ValidationError({"name": _("This service is already on the price list.")}) from None
    ServicePrice.objects.create(item=item, price=price, valid_from=valid_from, created_by=actor)
    return item


@transaction.atomic
def service_price_add(*, item: ServiceItem, price, valid_from: datetime.date, actor) -> ServicePrice:
    """A new price from ``valid_from``; the earlier prices stay as they were (a price is never edited)."""
    item = ServiceItem.objects.select_for_update().get(pk=item.pk)
    price = _price(price)
    if item.prices.filter(valid_from=valid_from).exists():
        raise ValidationError({"valid_from": _("A price for this service already starts on this day.")})
    try:
        with transaction.atomic():
            return ServicePrice.objects.create(item=item, price=price, valid_from=valid_from, created_by=actor)
    except IntegrityError:
        raise ValidationError({"valid_from": _("A price for this service already starts on this day.")}) from None


@transaction.atomic
def service_item_set_active(*, item: ServiceItem, is_active: bool, actor) -> ServiceItem:
    """Take a service off the price list (no more bookings) or put it back; its prices stay."""
    item = ServiceItem.objects.select_for_update().get(pk=item.pk)
    item.is_active = is_active
    item.save(update_fields=["is_active"])
    return item


# --- booking ----------------------------------------------------------------------------------------

def _service_category(community) -> Category:
    category, _created = Category.objects.get_or_create(community=community, name=SERVICE_CATEGORY,
                                                        defaults={"sort_order": 90})
    return category


def _quantity(value, field="quantity") -> Decimal:
    try:
        quantity = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError({field: _("Give the quantity as a number.")}) from None
    if quantity <= 0:
        raise ValidationError({field: _("The quantity must be more than 0.")})
    if quantity > MAX_QUANTITY:
        raise ValidationError({field: _("This quantity is too large.")})
    return quantity


@transaction.atomic
def service_book(*, unit, item: ServiceItem, quantity, workers: int, wanted_at: datetime.datetime, contact_name: str,
                 contact_phone: str, description: str = "", channel: str = Ticket.Channel.PHONE, actor,
                 now=None) -> Ticket:
    """Book a paid service for ``unit`` (the price was told to the owner from the price list). The clerk
    then has ``confirm_minutes`` (2 hours) to agree the time with the team lead and confirm it to the owner."""
    now = now or timezone.now()
    errors = {}
    if item.community_id != unit.community_id:
        errors["item"] = _("This service is not on this community's price list.")
    elif not item.is_active or price_on(item=item, day=timezone.localdate(now)) is None:
        errors["item"] = _("This service has no price today: it cannot be booked.")
    try:
        quantity = _quantity(quantity)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if workers is None or not 1 <= int(workers) <= MAX_WORKERS:
        errors["workers"] = _("Give the number of workers (1 to %(max)s).") % {"max": MAX_WORKERS}
    if wanted_at is None:
        errors["wanted_at"] = _("Give the time the owner wants.")
    elif wanted_at < now - datetime.timedelta(minutes=5):
        errors["wanted_at"] = _("This time has passed.")
    if errors:
        raise ValidationError(errors)
    description = clean_text(description) or item.name
    ticket = intake.ticket_create(
        community=unit.community, kind=Ticket.Kind.SERVICE, channel=channel, unit=unit, contact_name=contact_name,
        contact_phone=contact_phone, category=_service_category(unit.community), description=description,
        is_paid=True, actor=actor, now=now)
    Ticket.objects.filter(pk=ticket.pk).update(service_item=item, service_quantity=quantity,
                                               service_workers=int(workers), service_wanted_at=wanted_at)
    ticket.refresh_from_db()
    cfg = clocks.clock_settings(unit.community)
    clocks.clock_start(ticket=ticket, kind=Clock.Kind.CONFIRM,
                       due_at=now + datetime.timedelta(minutes=cfg.confirm_minutes), now=now)
    return ticket


# --- the time confirmed to the owner, as the service is dispatched ----------------------------------

@transaction.atomic
def service_confirm(*, ticket: Ticket, start: datetime.datetime, end: datetime.datetime, assignee=None, team=None,
                    note: str = "", actor, seen: str | None = None, now=None) -> Ticket:
    """The time agreed with the team lead and told to the owner: the service is dispatched to the worker
    (or the team), the ``confirm`` clock is met and the appointment clock runs to the end of the window.
    A service already dispatched is moved to another worker or time with a reason."""
    now = now or timezone.now()
    locked = _lock(ticket)
    _check_seen(locked, seen)
    if locked.kind != Ticket.Kind.SERVICE:
        raise ValidationError(_("Only a paid service has its time confirmed here."))
    if locked.status not in (S.NEW, S.REOPENED, S.DISPATCHED, S.ACCEPTED):
        raise ValidationError(_("A ticket that is “%(from)s” cannot become “%(to)s”.") % {
            "from": locked.get_status_display(), "to": S.DISPATCHED.label}, code="bad_move")
    _check_assignee(locked, assignee, team)
    errors = {}
    if start is None:
        errors["start"] = _("Give the confirmed time.")
    if end is None:
        errors["end"] = _("Give the end of the appointment window.")
    elif start is not None and end <= start:
        errors["end"] = _("The appointment must end after it starts.")
    if errors:
        raise ValidationError(errors)
    if locked.status in (S.DISPATCHED, S.ACCEPTED):
        note = _reason(note)
    note = clean_text(note) or _("Time confirmed to the owner: %(start)s–%(end)s") % {
        "start": f"{timezone.localtime(start):%m-%d %H:%M}", "end": f"{timezone.localtime(end):%H:%M}"}
    Clock.objects.filter(ticket=locked, kind=Clock.Kind.APPOINTMENT, met_at__isnull=True,
                         cancelled_at__isnull=True).update(cancelled_at=now)
    ticket = ticket_set_status(ticket=locked, to=S.DISPATCHED, actor=actor, note=note, now=now, assignee=assignee,
                               team=team, appointment_start=start, appointment_end=end)
    clocks.clocks_meet(ticket=ticket, kinds=[Clock.Kind.CONFIRM], now=now)
    clocks.clock_start(ticket=ticket, kind=Clock.Kind.APPOINTMENT, due_at=end, now=now)
    return ticket


# --- completion --------------------------------------------------------------------------------------

def service_charge(*, ticket: Ticket, quantity, day: datetime.date) -> Decimal:
    """Price × quantity, at the price valid on ``day`` (the day the work was done)."""
    price = price_on(item=ticket.service_item, day=day)
    if price is None:
        raise ValidationError({"quantity": _("This service has no price on that day.")})
    return to_money(price.price * _quantity(quantity))


@transaction.atomic
def service_complete(*, ticket: Ticket, actor, quantity, work_done: str, owner_confirmation: str = "",
                     owner_signature: str = "", materials: str = "", labour_minutes=None, photos_before=(),
                     photos_after=(), now=None) -> Ticket:
    """The worker's order: the work done, the quantity (hours, times, m²…) and the owner's confirmation.
    The charge is the price list's (price × quantity), billed at once; the same-day callback opens."""
    now = now or timezone.now()
    if ticket.kind != Ticket.Kind.SERVICE or ticket.service_item_id is None:
        raise ValidationError(_("This is not a paid service."))
    quantity = _quantity(quantity)
    amount = service_charge(ticket=ticket, quantity=quantity, day=timezone.localdate(now))
    Ticket.objects.filter(pk=ticket.pk).update(service_quantity=quantity)
    ticket.service_quantity = quantity
    return work.ticket_complete(ticket=ticket, actor=actor, work_done=work_done, materials=materials,
                                labour_minutes=labour_minutes, charge_amount=amount,
                                owner_confirmation=owner_confirmation, owner_signature=owner_signature,
                                photos_before=photos_before, photos_after=photos_after, now=now)
