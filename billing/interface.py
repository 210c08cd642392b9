"""The one interface other apps use to reach billing. Nothing outside billing reads or writes billing's
tables; the renovation app (deposits) and the repairs app's charges go through these functions.

    from billing import interface as billing
    deposit = billing.deposit_collect(community=c, unit=u, kind="renovation", amount="2000", payer_name="王五",
                                      method="cash", cashier=user, source_ref="renovation:12")
    billing.deposits_for(community=c, source_ref="renovation:12")   # [DepositInfo(...)]
    billing.deposit_refund_request(deposit_id=..., deduction="200", reason="墙面损坏", actor=user, method="cash")
"""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.money import to_money
from core.text import clean_text

from .models import Bill, Deposit, FeeItem, ReceiptLine
from .services import corrections, payments

__all__ = ["DepositInfo", "charges_to_bills", "deposit_collect", "deposit_refund_request", "deposits_for"]


@dataclass(frozen=True)
class DepositInfo:
    id: int
    kind: str
    amount: Decimal
    payer_name: str
    receipt_number: str
    state: str  # "held", "refunded" or "void"
    refunded: Decimal | None
    deduction: Decimal | None


@transaction.atomic
def deposit_collect(*, community, unit, kind: str, amount, payer_name: str, method: str, cashier,
                    reference: str = "", description: str = "", source_ref: str = "", now=None) -> DepositInfo:
    """Take a deposit at the counter: a numbered receipt with one deposit line, and the deposit held."""
    amount = to_money(amount)
    if amount <= 0:
        raise ValidationError({"amount": _("The amount must be more than zero.")})
    if kind not in Deposit.Kind.values:
        raise ValidationError({"kind": _("Choose the kind of deposit.")})
    description = clean_text(description)[:200] or str(Deposit.Kind(kind).label)
    receipt = payments.receipt_issue(community=community, unit=unit, payer_name=payer_name, method=method,
                                     reference=reference, amount=amount, cashier=cashier, now=now)
    payments.receipt_line(receipt, kind=ReceiptLine.Kind.DEPOSIT, amount=amount, description=description).save()
    deposit = Deposit.objects.create(community=community, unit=unit, kind=kind, payer_name=receipt.payer_name,
                                     description=description, amount=amount, receipt=receipt,
                                     source_ref=source_ref[:60])
    return _info(deposit)


def _info(deposit: Deposit) -> DepositInfo:
    refund = getattr(deposit, "refund", None) if deposit.pk else None
    return DepositInfo(id=deposit.pk, kind=deposit.kind, amount=deposit.amount, payer_name=deposit.payer_name,
                       receipt_number=deposit.receipt.number, state=corrections.deposit_state(deposit),
                       refunded=refund.refunded if refund else None, deduction=refund.deduction if refund else None)


def deposits_for(*, community, source_ref: str) -> list[DepositInfo]:
    deposits = (Deposit.objects.filter(community=community, source_ref=source_ref)
                .select_related("receipt", "refund").order_by("id"))
    return [_info(d) for d in deposits]


def deposit_refund_request(*, deposit_id: int, actor, reason: str, deduction="0", method: str = "",
                           reference: str = ""):
    """Ask for a deposit to be refunded (``deduction`` kept back, with ``reason``); a supervisor approves
    it in billing's corrections list. Returns the request's id."""
    deposit = Deposit.objects.select_related("receipt").get(pk=deposit_id)
    correction = corrections.correction_request(kind=corrections.K.DEPOSIT_REFUND, community=deposit.community,
                                                actor=actor, reason=reason, deposit=deposit, deduction=deduction,
                                                method=method, reference=reference)
    return correction.pk


@transaction.atomic
def charges_to_bills(*, community, actor, now=None) -> list[Bill]:
    """Turn the paid repairs' charges of ``community`` into bills (fee item of kind "repair", created on
    first use), once each: the bill is unique per charge, and the charge is marked billed with the bill's
    reference through ``repairs.charges`` — the only part of repairs billing uses."""
    from django.utils import timezone

    from repairs import charges as repair_charges

    today = timezone.localdate(now or timezone.now())
    item, _created = FeeItem.objects.get_or_create(
        community=community, code="repair",
        defaults={"name": _("Paid repair"), "kind": FeeItem.Kind.REPAIR, "basis": FeeItem.Basis.FIXED,
                  "due_days": 0, "sort_order": 90})
    created = []
    for charge in repair_charges.pending_charges(community=community):
        if charge.unit_id is None:
            continue  # common-area repairs are not billed to a unit
        bill, made = Bill.objects.get_or_create(
            community=community, source=Bill.Source.CHARGE, source_ref=f"repair-charge:{charge.pk}",
            defaults={"building_id": charge.unit.building_id, "unit": charge.unit, "fee_item": item,
                      "period": today.replace(day=1), "description": f"{charge.ticket.number} {charge.description}"[:200],
                      "quantity": Decimal("1"), "unit_price": charge.amount, "amount": charge.amount,
                      "outstanding": charge.amount, "due_date": today})
        repair_charges.charge_mark_billed(charge=charge, bill_reference=bill.reference, actor=actor, now=now)
        if made:
            created.append(bill)
    return created
