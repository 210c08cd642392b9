"""Paid repairs' charges for billing. ``charge_source()`` is the ``billing.interface.ChargeSource`` repairs
registers: billing reads the pending charges and marks them billed through it, and imports nothing of
repairs. ``pending_charges`` and ``charge_mark_billed`` are the repairs side of it."""

from decimal import Decimal

import pghistory
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from billing import interface as billing
from core.text import clean_text

from .models import Charge

__all__ = ["charge_bill_now", "charge_mark_billed", "charge_source", "handoff_bill_now", "handoff_charge_source",
           "handoff_fee_withdraw", "pending_charges"]

REF_PREFIX = "repair-charge:"
SOURCE_KEY = "repairs"


def pending_charges(*, community):
    """Charges of ``community`` not yet on a bill, oldest first (with ticket, unit and category loaded)."""
    return (Charge.objects.filter(community=community, billed_at__isnull=True)
            .select_related("ticket", "ticket__category", "unit")
            .order_by("created_at", "id"))


@transaction.atomic
def charge_mark_billed(*, charge: Charge, bill_reference: str, actor, now=None) -> Charge:
    """Record that ``charge`` is on bill ``bill_reference``. Idempotent for the same reference; a charge
    already on another bill is refused (nothing changes). ``actor`` is recorded in the history context."""
    reference = clean_text(bill_reference)
    if not reference:
        raise ValidationError({"bill_reference": _("Give the bill reference.")})
    charge = Charge.objects.select_for_update().get(pk=charge.pk)
    if charge.billed_at:
        if charge.bill_reference == reference:
            return charge
        raise ValidationError(
            _("This charge is already on bill %(reference)s.") % {"reference": charge.bill_reference}, code="billed")
    charge.billed_at = now or timezone.now()
    charge.bill_reference = reference[:50]
    with pghistory.context(billed_by=getattr(actor, "pk", None)):
        charge.save(update_fields=["billed_at", "bill_reference"])
    return charge


def charge_bill_now(*, charge: Charge, actor, now=None):
    """Have billing bill ``charge`` at once (a completed paid repair is payable at the counter the same day);
    a charge without a unit (common areas) is not billed."""
    if charge.unit_id is None:
        return None
    return billing.charge_bill_now(source_key=SOURCE_KEY, ref=f"{REF_PREFIX}{charge.pk}", community=charge.community,
                                   actor=actor, now=now)


def _pending_for_billing(*, community) -> list:
    """The charges billing bills: those with a unit (a common-area repair is not billed to a unit)."""
    return [billing.PendingCharge(ref=f"{REF_PREFIX}{c.pk}", unit_id=c.unit_id, building_id=c.unit.building_id,
                                  amount=c.amount, description=f"{c.ticket.number} {c.description}")
            for c in pending_charges(community=community).filter(unit__isnull=False)]


def _mark_billed(*, ref: str, bill_reference: str, actor, now=None) -> Charge:
    charge = Charge.objects.get(pk=int(ref.removeprefix(REF_PREFIX)))
    return charge_mark_billed(charge=charge, bill_reference=bill_reference, actor=actor, now=now)


def charge_source():
    """Paid repairs as a billing charge source (fee item "repair", created on first use)."""
    return billing.ChargeSource(
        key=SOURCE_KEY, label=gettext_lazy("Paid repairs waiting to be billed"), fee_item_code="repair",
        fee_item_name=gettext_lazy("Paid repair"), fee_item_kind="repair", pending=_pending_for_billing,
        mark_billed=_mark_billed)


# ---- utility hand-offs: the fee collected on behalf of the provider (代收) ----
HANDOFF_REF_PREFIX = "handoff-fee:"
HANDOFF_SOURCE_KEY = "handoff"


def _handoff_pending(*, community) -> list:
    """Hand-offs with a fee not billed yet; a cancelled one is never billed."""
    from .models import Handoff, Ticket

    rows = (Handoff.objects.filter(community=community, billed_at__isnull=True, fee__gt=0)
            .exclude(ticket__status=Ticket.Status.CANCELLED).select_related("ticket__unit", "provider", "service").order_by("id"))
    return [billing.PendingCharge(ref=f"{HANDOFF_REF_PREFIX}{h.pk}", unit_id=h.ticket.unit_id,
                                  building_id=h.ticket.unit.building_id, amount=h.fee,
                                  description=f"{h.ticket.number} {h.provider.name} {h.service.name}")
            for h in rows]


@transaction.atomic
def _handoff_mark_billed(*, ref: str, bill_reference: str, actor, now=None):
    from .models import Handoff

    reference = clean_text(bill_reference)
    handoff = Handoff.objects.select_for_update().get(pk=int(ref.removeprefix(HANDOFF_REF_PREFIX)))
    if handoff.billed_at:
        if handoff.bill_reference == reference:
            return handoff
        raise ValidationError(_("This charge is already on bill %(reference)s.") % {"reference": handoff.bill_reference},
                              code="billed")
    handoff.billed_at, handoff.bill_reference = now or timezone.now(), reference[:50]
    with pghistory.context(billed_by=getattr(actor, "pk", None)):
        handoff.save(update_fields=["billed_at", "bill_reference"])
    return handoff


def handoff_bill_now(*, handoff, actor, now=None):
    """Bill a hand-off's fee at once, so the cashier takes it at the counter when the owner pays (代收)."""
    return billing.charge_bill_now(source_key=HANDOFF_SOURCE_KEY, ref=f"{HANDOFF_REF_PREFIX}{handoff.pk}",
                                   community=handoff.community, actor=actor, now=now)


def handoff_fee_withdraw(*, handoff, actor, reason: str):
    """A hand-off cancelled: ask for its unpaid 代收 fee to be waived (billing's waiver request, decided by a
    supervisor). Returns the amount asked (0: not billed, or nothing owed)."""
    if handoff.billed_at is None:
        return Decimal("0.00")
    return billing.charge_waiver_request(
        source_key=HANDOFF_SOURCE_KEY, ref=f"{HANDOFF_REF_PREFIX}{handoff.pk}", community=handoff.community,
        actor=actor, reason=_("Hand-off %(number)s cancelled: %(reason)s") % {"number": handoff.ticket.number,
                                                                            "reason": reason})


def handoff_charge_source():
    """Hand-off fees as a billing charge source: its own fee item, collected on behalf (代收) on receipts."""
    return billing.ChargeSource(
        key=HANDOFF_SOURCE_KEY, label=gettext_lazy("Utility hand-off fees collected on behalf"),
        fee_item_code="handoff", fee_item_name=gettext_lazy("Utility fees collected on behalf"),
        fee_item_kind="other", pending=_handoff_pending, mark_billed=_handoff_mark_billed, on_behalf=True)
