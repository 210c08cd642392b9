"""Corrections, never deletions: a void 作废, a waiver or discount 减免, a refund 退款 of a prepaid
balance, or a deposit refund. The cashier asks, with a reason; a supervisor approves or rejects.
Approval writes the effect as new rows (a ``ReceiptVoid``; a numbered ``Voucher``; balance entries;
a ``DepositRefund``) and changes the bill totals under a row lock; nothing is deleted or edited.

Waiver rule: the waiver reduces what is outstanding first; if the bill was already paid beyond its new
amount, the excess becomes prepaid balance (which a refund can pay out)."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.money import format_money, to_money
from core.text import clean_text

from ..models import BalanceEntry, Bill, Correction, Deposit, DepositRefund, Method, Receipt, ReceiptVoid, Voucher
from ..selectors.counter import balance as prepaid_balance
from ..selectors.deposits import HELD, deposit_state
from . import payments
from .numbers import locked_business_date, next_number

K = Correction.Kind
ZERO = Decimal("0.00")


def _amount(value, field="amount") -> Decimal:
    try:
        amount = to_money(value)
    except (TypeError, ValueError):
        raise ValidationError({field: _("Enter an amount, e.g. 120.50.")}) from None
    return amount


@transaction.atomic
def correction_request(*, kind: str, community, actor, reason: str, receipt: Receipt | None = None,
                       bill: Bill | None = None, deposit: Deposit | None = None, unit=None, amount=None,
                       deduction=None, method: str = "", reference: str = "") -> Correction:
    """Record a request. Checks what can be checked now (the approval checks again under locks)."""
    reason = clean_text(reason or "")
    if len(reason) < 2:
        raise ValidationError({"reason": _("Give the reason.")})
    fields = {"community": community, "kind": kind, "reason": reason[:300], "requested_by": actor,
              "method": method or "", "reference": clean_text(reference or "")[:60]}
    if kind == K.VOID:
        if receipt is None:
            raise ValidationError(_("Choose the receipt to void."))
        if ReceiptVoid.objects.filter(receipt=receipt).exists():
            raise ValidationError(_("Receipt %(number)s is already void.") % {"number": receipt.number})
        if Correction.objects.filter(receipt=receipt, kind=K.VOID, status=Correction.Status.PENDING).exists():
            raise ValidationError(_("A void of receipt %(number)s is already waiting for approval.")
                                  % {"number": receipt.number}, code="pending")
        fields.update(receipt=receipt, unit=receipt.unit, amount=receipt.amount)
    elif kind == K.WAIVER:
        if bill is None:
            raise ValidationError(_("Choose the bill to waive."))
        amount = _amount(amount)
        if amount <= 0 or amount > bill.amount - bill.waived:
            raise ValidationError({"amount": _("The waiver must be more than zero and at most %(max)s.")
                                             % {"max": format_money(bill.amount - bill.waived)}})
        fields.update(bill=bill, unit=bill.unit, amount=amount)
    elif kind == K.REFUND:
        amount = _amount(amount)
        balance = prepaid_balance(unit)
        if amount <= 0 or amount > balance:
            raise ValidationError({"amount": _("A refund is paid from the prepaid balance: at most %(max)s.")
                                             % {"max": format_money(balance)}})
        if method not in payments.COUNTER_METHODS:
            raise ValidationError({"method": _("Choose how the money is paid back.")})
        fields.update(unit=unit, amount=amount)
    elif kind == K.DEPOSIT_REFUND:
        if deposit is None:
            raise ValidationError(_("Choose the deposit."))
        deduction = _amount(deduction or 0, "deduction")
        if deduction < 0 or deduction > deposit.amount:
            raise ValidationError({"deduction": _("The deduction must be between 0 and %(max)s.")
                                                % {"max": format_money(deposit.amount)}})
        if deposit_state(deposit) != HELD:
            raise ValidationError(_("This deposit is not held any more."))
        if Correction.objects.filter(deposit=deposit, status=Correction.Status.PENDING).exists():
            raise ValidationError(_("A refund of this deposit is already waiting for approval."))
        if method not in payments.COUNTER_METHODS and deduction < deposit.amount:
            raise ValidationError({"method": _("Choose how the money is paid back.")})
        fields.update(deposit=deposit, unit=deposit.unit, amount=deposit.amount - deduction, deduction=deduction)
    else:  # pragma: no cover - guarded by choices
        raise ValueError(kind)
    return Correction.objects.create(**fields)


@transaction.atomic
def correction_decide(*, correction: Correction, approver, approve: bool, note: str = "", now=None) -> Correction:
    """Approve (write the effect) or reject a pending request. The one asking cannot approve their own.
    The one writer of ``Correction.status`` (``Correction.TRANSITIONS``: decided once)."""
    now = now or timezone.now()
    correction = Correction.objects.select_for_update().get(pk=correction.pk)
    to = Correction.Status.APPROVED if approve else Correction.Status.REJECTED
    if to not in Correction.TRANSITIONS[correction.status]:
        raise ValidationError(_("This request has already been decided (%(status)s by %(who)s).")
                              % {"status": correction.get_status_display(), "who": correction.decided_by},
                              code="decided")
    if approve and correction.requested_by_id == approver.pk and not approver.is_superuser:
        raise ValidationError(_("A request must be approved by someone other than the one who asked."),
                              code="own")
    note = clean_text(note or "")[:300]
    if approve:
        _EFFECTS[correction.kind](correction, approver, now)
    elif not note:
        raise ValidationError({"note": _("Say why the request is rejected.")})
    correction.status = to
    correction.decided_by, correction.decided_at, correction.decision_note = approver, now, note
    correction.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    return correction


def _voucher(correction: Correction, kind: str, approver, now, **fields) -> Voucher:
    cashier = correction.requested_by
    day = locked_business_date(community=correction.community, cashier=cashier, kind=kind, now=now)
    seq, number = next_number(community=correction.community, kind=kind, year=day.year)
    return Voucher.objects.create(
        community=correction.community, kind=kind, year=day.year, seq=seq, number=number, correction=correction,
        unit=correction.unit, amount=correction.amount, reason=correction.reason, requested_by=cashier,
        approved_by=approver, business_date=day, **fields)


def _void(correction, approver, now):
    payments.receipt_void_apply(receipt=correction.receipt, correction=correction, approver=approver, now=now)


def _waiver(correction, approver, now):
    bill = Bill.objects.select_for_update().get(pk=correction.bill_id)
    amount = correction.amount
    if amount > bill.amount - bill.waived:
        raise ValidationError(_("The bill has changed: at most %(max)s can be waived now.")
                              % {"max": format_money(bill.amount - bill.waived)}, code="changed")
    from_outstanding = min(amount, bill.outstanding)
    from_paid = amount - from_outstanding
    account = payments.account_for_update(bill.unit) if from_paid else None
    Bill.objects.filter(pk=bill.pk).update(waived=F("waived") + amount, outstanding=F("outstanding") - from_outstanding,
                                           paid=F("paid") - from_paid)
    voucher = _voucher(correction, Voucher.Kind.WAIVER, approver, now, bill=bill)
    if from_paid:
        payments._balance_change(account, kind=BalanceEntry.Kind.WAIVER, amount=from_paid, actor=approver,
                                 bill=bill, voucher=voucher, bill_period=bill.period, building_id=bill.building_id)


def _refund(correction, approver, now):
    account = payments.account_for_update(correction.unit)
    if correction.amount > account.balance:
        raise ValidationError(_("The prepaid balance is now %(balance)s: the refund cannot be more.")
                              % {"balance": format_money(account.balance)}, code="changed")
    voucher = _voucher(correction, Voucher.Kind.REFUND, approver, now, method=correction.method,
                       reference=correction.reference)
    payments._balance_change(account, kind=BalanceEntry.Kind.REFUND, amount=-correction.amount, actor=approver,
                             voucher=voucher)


def _deposit_refund(correction, approver, now):
    deposit = Deposit.objects.select_for_update().get(pk=correction.deposit_id)
    if deposit_state(deposit) != HELD:
        raise ValidationError(_("This deposit is not held any more."), code="changed")
    voucher = None
    if correction.amount > 0:
        voucher = _voucher(correction, Voucher.Kind.REFUND, approver, now, method=correction.method,
                           reference=correction.reference)
    DepositRefund.objects.create(deposit=deposit, voucher=voucher, refunded=correction.amount,
                                 deduction=correction.deduction or ZERO,
                                 deduction_reason=correction.reason if correction.deduction else "",
                                 approved_by=approver)


_EFFECTS = {K.VOID: _void, K.WAIVER: _waiver, K.REFUND: _refund, K.DEPOSIT_REFUND: _deposit_refund}


__all__ = ["Method", "correction_decide", "correction_request"]
