"""Paid repairs' charges for billing. ``charge_source()`` is the ``billing.interface.ChargeSource`` repairs
registers: billing reads the pending charges and marks them billed through it, and imports nothing of
repairs. ``pending_charges`` and ``charge_mark_billed`` are the repairs side of it."""

import pghistory
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from billing import interface as billing
from core.text import clean_text

from .models import Charge

__all__ = ["charge_bill_now", "charge_mark_billed", "charge_source", "pending_charges"]

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
