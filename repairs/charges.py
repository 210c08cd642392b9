"""The one interface billing uses to take paid repairs' charges. Billing calls these two functions
and nothing else of the repairs app; repairs never imports billing."""

import pghistory
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.text import clean_text

from .models import Charge

__all__ = ["charge_mark_billed", "pending_charges"]


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
