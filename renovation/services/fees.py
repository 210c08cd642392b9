"""Fees and the deposit of an application, through billing's interface only.

Each fee kind (装修管理费, 垃圾清运费, renovation water and electricity) is a billing charge source of its own
(one fee item each, priced by the community's rates on billing's set-up pages; a kind without a rate is not
charged). On the manager's approval the fees are created and billed at once, so the cashier takes them at
the counter (billing's unit page); the 装修押金 is taken with ``billing.interface.deposit_collect`` under the
application's ``source_ref``. The permit is issued only when both are paid (``services.permits``)."""

import pghistory
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from billing import interface as billing
from core.text import clean_text

from ..models import Renovation, RenovationFee

K = RenovationFee.Kind
REF_PREFIX = "renovation-fee:"
FEE_ITEMS = {  # kind -> (charge source key, the community's fee item code, its name)
    K.MANAGEMENT: ("renovation_management", "reno_management", gettext_lazy("Renovation management fee")),
    K.RUBBISH: ("renovation_rubbish", "reno_rubbish", gettext_lazy("Rubbish removal fee")),
    K.WATER: ("renovation_water", "reno_water", gettext_lazy("Renovation water")),
    K.ELECTRICITY: ("renovation_electricity", "reno_electricity", gettext_lazy("Renovation electricity")),
}
SOURCE_KINDS = {source_key: kind for kind, (source_key, _code, _name) in FEE_ITEMS.items()}


def deposit_ref(renovation) -> str:
    """The key the application's deposit carries in billing (``Deposit.source_ref``)."""
    return f"renovation:{renovation.pk}"


def fee_ref(fee) -> str:
    return f"{REF_PREFIX}{fee.pk}"


@transaction.atomic
def fees_create(*, renovation: Renovation, actor, now=None) -> list[RenovationFee]:
    """The application's fees at the community's rates, each billed at once (idempotent: a kind charged once)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    created = []
    existing = set(renovation.fees.values_list("kind", flat=True))
    for kind, (source_key, _code, _name) in FEE_ITEMS.items():
        if kind in existing:
            continue
        price = billing.charge_price(source_key=source_key, community=renovation.community, unit=renovation.unit,
                                     on=today)
        if not price or price <= 0:
            continue
        fee = RenovationFee.objects.create(
            renovation=renovation, community_id=renovation.community_id, kind=kind, amount=price,
            description=f"{renovation.number} {K(kind).label}", created_by=actor, created_at=now)
        billing.charge_bill_now(source_key=source_key, ref=fee_ref(fee), community=renovation.community, actor=actor,
                                now=now)
        created.append(fee)
    return created


@transaction.atomic
def fee_mark_billed(*, fee: RenovationFee, bill_reference: str, actor, now=None) -> RenovationFee:
    """Billing put ``fee`` on bill ``bill_reference``. Idempotent for the same bill; another bill is refused."""
    reference = clean_text(bill_reference)
    if not reference:
        raise ValidationError({"bill_reference": _("Give the bill reference.")})
    fee = RenovationFee.objects.select_for_update().get(pk=fee.pk)
    if fee.billed_at:
        if fee.bill_reference == reference:
            return fee
        raise ValidationError(_("This fee is already on bill %(reference)s.") % {"reference": fee.bill_reference})
    fee.billed_at = now or timezone.now()
    fee.bill_reference = reference[:50]
    with pghistory.context(billed_by=getattr(actor, "pk", None)):
        fee.save(update_fields=["billed_at", "bill_reference"])
    return fee


def _pending(kind):
    def pending(*, community):
        fees = (RenovationFee.objects.filter(community=community, kind=kind, billed_at__isnull=True)
                .select_related("renovation__unit").order_by("created_at", "id"))
        return [billing.PendingCharge(ref=fee_ref(f), unit_id=f.renovation.unit_id,
                                      building_id=f.renovation.unit.building_id, amount=f.amount,
                                      description=f.description) for f in fees]

    return pending


def _mark_billed(*, ref: str, bill_reference: str, actor, now=None):
    fee = RenovationFee.objects.get(pk=int(ref.removeprefix(REF_PREFIX)))
    return fee_mark_billed(fee=fee, bill_reference=bill_reference, actor=actor, now=now)


def charge_sources() -> list:
    """One billing charge source per fee kind (registered by ``extensions.register``)."""
    return [billing.ChargeSource(key=source_key, label=name, fee_item_code=code, fee_item_name=name,
                                 fee_item_kind="one_off", pending=_pending(kind), mark_billed=_mark_billed)
            for kind, (source_key, code, name) in FEE_ITEMS.items()]


@transaction.atomic
def deposit_take(*, renovation: Renovation, amount, payer_name: str, method: str, reference: str = "", cashier,
                 now=None):
    """Take the 装修押金 at the counter through billing (a numbered receipt), once per application."""
    renovation = Renovation.objects.select_for_update().get(pk=renovation.pk)
    if renovation.status != Renovation.Status.PAYMENT:
        raise ValidationError(_("The deposit is taken after the manager's approval, before the permit is issued."))
    held = [d for d in billing.deposits_for(community=renovation.community, source_ref=deposit_ref(renovation))
            if d.state == "held"]
    if held:
        raise ValidationError(_("The deposit was already taken: receipt %(number)s.")
                              % {"number": held[0].receipt_number})
    payer = clean_text(payer_name)[:50]
    if not payer:
        raise ValidationError({"payer_name": _("Who pays the deposit?")})
    return billing.deposit_collect(
        community=renovation.community, unit=renovation.unit, kind="renovation", amount=amount, payer_name=payer,
        method=method, reference=reference, cashier=cashier, source_ref=deposit_ref(renovation),
        description=_("Renovation deposit %(number)s") % {"number": renovation.number}, now=now)
