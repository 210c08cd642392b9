"""The engineer's work order (维修单): accept, arrive, hold, resume, complete with the work done,
materials, labour, the charge of a paid repair, photos and the owner's confirmation.

Every move goes through ``tickets.ticket_set_status``. Completing a ticket also records the charge
(``Charge``, for billing through ``repairs.charges``) and opens the callback, in the same transaction."""

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import Role
from core.money import to_money
from core.text import clean_text

from ..charges import charge_bill_now
from ..models import Charge, Ticket, TicketPhoto
from .callbacks import callback_open_for
from .tickets import ticket_set_status

S = Ticket.Status
# A signature drawn on the canvas, stored as an SVG path: moves and lines with numbers only.
SIGNATURE_RE = re.compile(r"^[ML0-9 .]+$")
SIGNATURE_MAX = 20000


def ticket_accept(*, ticket: Ticket, actor, now=None) -> Ticket:
    """Dispatched → accepted. A ticket sent to a team is taken by the engineer who accepts it."""
    fields = {}
    if ticket.assignee_id is None and actor.role == Role.ENGINEER:
        fields["assignee"] = actor
    return ticket_set_status(ticket=ticket, to=S.ACCEPTED, actor=actor, now=now, **fields)


def ticket_arrive(*, ticket: Ticket, actor, now=None) -> Ticket:
    return ticket_set_status(ticket=ticket, to=S.ON_SITE, actor=actor, now=now)


def ticket_hold(*, ticket: Ticket, reason: str, actor, now=None) -> Ticket:
    """On hold (waiting for parts or the owner): the clocks pause."""
    reason = clean_text(reason)
    if len(reason) < 2:
        raise ValidationError({"reason": _("Say why the work is on hold.")})
    return ticket_set_status(ticket=ticket, to=S.ON_HOLD, actor=actor, note=reason, now=now, hold_reason=reason[:200])


def ticket_resume(*, ticket: Ticket, actor, now=None) -> Ticket:
    """Back from hold to where the work was: on site if the engineer had arrived, else accepted."""
    to = S.ON_SITE if ticket.arrived_at else S.ACCEPTED
    return ticket_set_status(ticket=ticket, to=to, actor=actor, now=now, hold_reason="")


def ticket_photos_add(*, ticket: Ticket, stage: str, files, actor) -> list[TicketPhoto]:
    photos = []
    for upload in files or []:
        photo = TicketPhoto(ticket=ticket, stage=stage, image=upload, uploaded_by=actor)
        photo.full_clean()
        photo.save()
        photos.append(photo)
    return photos


def _check_completion(ticket: Ticket, *, work_done, charge_amount, owner_confirmation, owner_signature):
    errors = {}
    if not work_done:
        errors["work_done"] = _("Describe the work done.")
    if ticket.is_paid and charge_amount is None:
        errors["charge_amount"] = _("This is a paid repair: give the charge (0 if nothing is charged).")
    elif charge_amount is not None and charge_amount < 0:
        errors["charge_amount"] = _("The charge cannot be negative.")
    if owner_signature and (len(owner_signature) > SIGNATURE_MAX or not SIGNATURE_RE.match(owner_signature)):
        errors["owner_signature"] = _("The signature could not be read; please sign again.")
    if ticket.unit_id and not (owner_confirmation or owner_signature):
        errors["owner_confirmation"] = _("The owner confirms the work: type their name or let them sign.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def ticket_complete(*, ticket: Ticket, actor, work_done: str, materials: str = "", labour_minutes=None,
                    charge_amount=None, owner_confirmation: str = "", owner_signature: str = "",
                    photos_before=(), photos_after=(), now=None) -> Ticket:
    """On site → completed, with the work order. A charge above 0 (on a repair marked paid at intake, or for
    extra work found on site, which makes it a paid repair) records a ``Charge`` and bills it at once, so the
    cashier can take it before the next bill run; the callback opens with its clock. All in one transaction."""
    now = now or timezone.now()
    work_done, materials = clean_text(work_done), clean_text(materials)
    owner_confirmation, owner_signature = clean_text(owner_confirmation), (owner_signature or "").strip()
    charge_amount = None if charge_amount in (None, "") else to_money(charge_amount)
    _check_completion(ticket, work_done=work_done, charge_amount=charge_amount,
                      owner_confirmation=owner_confirmation, owner_signature=owner_signature)
    is_paid = ticket.is_paid or bool(charge_amount and charge_amount > 0)
    if not is_paid:
        charge_amount = None  # a free repair with 0 typed stays free
    ticket = ticket_set_status(
        ticket=ticket, to=S.COMPLETED, actor=actor, now=now, note=work_done[:200],
        work_done=work_done, materials=materials, labour_minutes=labour_minutes, charge_amount=charge_amount,
        owner_confirmation=owner_confirmation[:50], owner_signature=owner_signature, is_paid=is_paid)
    ticket_photos_add(ticket=ticket, stage=TicketPhoto.Stage.BEFORE, files=photos_before, actor=actor)
    ticket_photos_add(ticket=ticket, stage=TicketPhoto.Stage.AFTER, files=photos_after, actor=actor)
    if ticket.is_paid and charge_amount and charge_amount > 0:
        charge_bill_now(charge=_charge_record(ticket=ticket, amount=charge_amount), actor=actor, now=now)
    callback_open_for(ticket, actor=actor, now=now)
    return ticket


def _charge_record(*, ticket: Ticket, amount) -> Charge:
    """One charge per ticket. A ticket completed again after a reopen keeps its charge if already
    billed; an unbilled one takes the new amount (the change is in the history)."""
    if ticket.kind == Ticket.Kind.SERVICE and ticket.service_item_id:
        description = _("Paid service %(number)s: %(service)s × %(quantity)s") % {
            "number": ticket.number, "service": ticket.service_item.name, "quantity": ticket.service_quantity}
    else:
        description = _("Repair %(number)s: %(category)s") % {"number": ticket.number, "category": ticket.category.name}
    charge = Charge.objects.select_for_update().filter(ticket=ticket).first()
    if charge is None:
        charge = Charge(ticket=ticket, community_id=ticket.community_id, unit_id=ticket.unit_id, amount=amount,
                        description=description[:200])
        charge.full_clean()
        charge.save()
    elif charge.billed_at is None and charge.amount != amount:
        charge.amount = amount
        charge.save(update_fields=["amount"])
    return charge
