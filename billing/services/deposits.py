"""押金: taking a deposit at the counter (a numbered receipt with one deposit line, the deposit held) and
asking for its refund (a correction a supervisor approves). The renovation app reaches these through
``billing.interface``; billing's own deposit pages call the same functions."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.money import to_money
from core.text import clean_text

from ..models import Deposit, ReceiptLine
from ..selectors.deposits import DepositInfo, deposit_info
from . import corrections, payments


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
    return deposit_info(deposit)


@transaction.atomic
def deposits_collect(*, count: int, **fields) -> list[DepositInfo]:
    """``count`` deposits of the same kind and amount (e.g. five worker passes), one receipt each, all or
    none."""
    return [deposit_collect(**fields) for _i in range(count)]


def deposit_refund_request(*, deposit_id: int, actor, reason: str, deduction="0", method: str = "",
                           reference: str = "") -> int:
    """Ask for a deposit to be refunded (``deduction`` kept back, with ``reason``); a supervisor approves
    it in billing's corrections list. Returns the request's id."""
    deposit = Deposit.objects.select_related("receipt").get(pk=deposit_id)
    correction = corrections.correction_request(kind=corrections.K.DEPOSIT_REFUND, community=deposit.community,
                                                actor=actor, reason=reason, deposit=deposit, deduction=deduction,
                                                method=method, reference=reference)
    return correction.pk
