"""The counter: receipts, how a payment is allocated to bills, prepaid balances, voids.

Allocation rule (stated to the cashier on the pay page and in docs/billing.md): the chosen bills are
paid oldest first (by month, then the fee item's order, then the bill); a payment smaller than their
total pays the older ones in full and leaves the rest of the last one it reaches outstanding. A
payment larger than the chosen bills is refused unless the cashier ticks "keep the rest as
prepayment" (预存); the rest then goes to the unit's prepaid balance, which pays the unit's bills
oldest first as soon as they are issued (``balance_apply``, called by bill runs and after a
prepayment).

Locks are always taken in the same order — bills (by id), the unit's account, the number counter
last — so concurrent cashiers cannot deadlock, and the counter row is held only for the insert.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.money import format_money, to_money
from core.text import clean_text

from ..models import COUNTER_METHODS, BalanceEntry, Bill, Method, Receipt, ReceiptLine, ReceiptPrint, ReceiptVoid, UnitAccount
from .numbers import locked_business_date, next_number

ZERO = Decimal("0.00")


def bill_order_key(bill: Bill):
    return (bill.period, bill.fee_item.sort_order, bill.fee_item_id, bill.pk)


def _check_method(method: str, reference: str) -> None:
    if method not in COUNTER_METHODS:
        raise ValidationError({"method": _("Choose how the money was paid.")})
    if method != Method.CASH and not reference:
        raise ValidationError({"reference": _("Give the payment reference (transaction or cheque number).")})


def receipt_issue(*, community, unit, payer_name: str, method: str, reference: str, amount: Decimal, cashier,
                  note: str = "", now=None) -> Receipt:
    """Number and write a receipt (its lines are the caller's). Inside the caller's transaction; call it
    after taking every other lock: the number counter is locked until the transaction ends."""
    now = now or timezone.now()
    payer_name, reference, note = clean_text(payer_name), clean_text(reference), clean_text(note)
    if not payer_name:
        raise ValidationError({"payer_name": _("Give the name of the person paying.")})
    _check_method(method, reference)
    day = locked_business_date(community=community, cashier=cashier, now=now)
    seq, number = next_number(community=community, kind="receipt", year=day.year)
    return Receipt.objects.create(
        community=community, unit=unit, year=day.year, seq=seq, number=number, payer_name=payer_name[:50],
        method=method, reference=reference[:60], amount=amount, note=note[:200], cashier=cashier,
        business_date=day)


def account_for_update(unit) -> UnitAccount:
    UnitAccount.objects.get_or_create(unit=unit, defaults={"community_id": unit.community_id})
    return UnitAccount.objects.select_for_update().get(unit=unit)


def _balance_change(account: UnitAccount, *, kind, amount: Decimal, actor=None, **refs) -> BalanceEntry:
    account.balance = account.balance + amount
    if account.balance < 0:
        raise ValidationError(_("The prepaid balance of this unit is not enough (%(balance)s).")
                              % {"balance": format_money(account.balance - amount)})
    account.save(update_fields=["balance"])
    return BalanceEntry.objects.create(community_id=account.community_id, unit_id=account.unit_id, kind=kind,
                                       amount=amount, balance_after=account.balance, created_by=actor, **refs)


def _bill_pay(bill: Bill, amount: Decimal) -> None:
    """Move ``amount`` of a locked bill from outstanding to paid, in memory (``_bills_save`` writes)."""
    bill.paid += amount
    bill.outstanding -= amount


def _bills_save(bills: list[Bill]) -> None:
    """One UPDATE for all the bills a payment touched (they are locked, so the totals are exact)."""
    if bills:
        Bill.objects.bulk_update(bills, ["paid", "outstanding"])


@transaction.atomic
def pay_at_counter(*, community, unit, bill_ids, amount, method: str, payer_name: str, cashier, reference: str = "",
                   prepay_rest: bool = False, note: str = "", now=None) -> Receipt:
    """Take ``amount`` for the chosen bills of ``unit`` (and, with ``prepay_rest``, keep the rest as
    prepayment); write the numbered receipt and its lines. Nothing is written if anything is wrong."""
    amount = to_money(amount)
    if amount <= 0:
        raise ValidationError({"amount": _("The amount must be more than zero.")})
    wanted = {int(pk) for pk in bill_ids}
    bills = list(Bill.objects.select_for_update(of=("self",)).select_related("fee_item")
                 .filter(unit=unit, community=community, pk__in=wanted, outstanding__gt=0).order_by("id"))
    if len(bills) != len(wanted):
        raise ValidationError(_("One of the chosen bills has been paid or changed meanwhile. "
                                "The list has been reloaded; check it and pay again."), code="stale")
    if not bills and not prepay_rest:
        raise ValidationError(_("Choose the bills to pay, or tick “keep as prepayment”."))
    bills.sort(key=bill_order_key)
    due = sum((b.outstanding for b in bills), ZERO)
    if amount > due and not prepay_rest:
        raise ValidationError({"amount": _("%(amount)s is more than the chosen bills (%(due)s). Tick “keep the "
                                           "rest as prepayment” or correct the amount.")
                               % {"amount": format_money(amount), "due": format_money(due)}})
    account = account_for_update(unit) if amount > due else None
    receipt = receipt_issue(community=community, unit=unit, payer_name=payer_name, method=method,
                            reference=reference, amount=amount, cashier=cashier, note=note, now=now)
    remaining = amount
    lines, touched = [], []
    for bill in bills:
        take = min(remaining, bill.outstanding)
        if take <= 0:
            break
        _bill_pay(bill, take)
        touched.append(bill)
        remaining -= take
        lines.append(receipt_line(receipt, kind=ReceiptLine.Kind.BILL, bill=bill, amount=take,
                                  description=bill_line_text(bill, take)))
    if remaining > 0:
        lines.append(receipt_line(receipt, kind=ReceiptLine.Kind.PREPAYMENT, amount=remaining,
                                  description=_("Prepayment")))
    _bills_save(touched)
    ReceiptLine.objects.bulk_create(lines)
    if account is not None:
        _balance_change(account, kind=BalanceEntry.Kind.PREPAY, amount=remaining, actor=cashier, receipt=receipt)
        balance_apply(unit=unit, actor=cashier, account=account)
    return receipt


def receipt_line(receipt: Receipt, *, kind: str, amount: Decimal, description: str, bill: Bill | None = None):
    """An unsaved line of ``receipt``, with the receipt's day and the bill's month and building copied on."""
    return ReceiptLine(receipt=receipt, kind=kind, bill=bill, amount=amount, description=description[:200],
                       community_id=receipt.community_id, business_date=receipt.business_date,
                       bill_period=bill.period if bill else None, building_id=bill.building_id if bill else None)


def bill_line_text(bill: Bill, amount: Decimal) -> str:
    text = f"{bill.period:%Y-%m} {bill.fee_item.name}"
    if bill.description:
        text = f"{text} · {bill.description}"
    if amount != bill.amount:
        part = _("(part payment %(paid)s of %(amount)s)") % {"paid": format_money(amount),
                                                             "amount": format_money(bill.amount)}
        text = f"{text[:199 - len(part)]} {part}"  # a long description is cut, never the part payment
    return text[:200]


@transaction.atomic
def balance_apply(*, unit, actor=None, account: UnitAccount | None = None) -> Decimal:
    """Pay the unit's outstanding bills from its prepaid balance, oldest first. Returns what was applied."""
    bills = list(Bill.objects.select_for_update(of=("self",)).select_related("fee_item")
                 .filter(unit=unit, outstanding__gt=0).order_by("id"))
    account = account or account_for_update(unit)
    applied, touched = ZERO, []
    for bill in sorted(bills, key=bill_order_key):
        take = min(account.balance, bill.outstanding)
        if take <= 0:
            break
        _bill_pay(bill, take)
        touched.append(bill)
        _balance_change(account, kind=BalanceEntry.Kind.APPLY, amount=-take, actor=actor, bill=bill,
                        bill_period=bill.period, building_id=bill.building_id)
        applied += take
    _bills_save(touched)
    return applied


def receipt_void_apply(*, receipt: Receipt, correction, approver, now=None) -> ReceiptVoid:
    """The effect of an approved void (called by ``corrections`` inside its transaction): the bills it
    paid are outstanding again, its prepayment leaves the balance, its deposits no longer count. The
    receipt keeps its number; a ``ReceiptVoid`` row says it is 作废, who approved and why."""
    from ..models import DepositRefund

    receipt = Receipt.objects.select_for_update().get(pk=receipt.pk)
    if ReceiptVoid.objects.filter(receipt=receipt).exists():
        raise ValidationError(_("Receipt %(number)s is already void.") % {"number": receipt.number}, code="void")
    lines = list(receipt.lines.select_related("bill").order_by("id"))
    bill_ids = sorted({line.bill_id for line in lines if line.bill_id})
    bills = {b.pk: b for b in Bill.objects.select_for_update().filter(pk__in=bill_ids).order_by("id")}
    if DepositRefund.objects.filter(deposit__receipt=receipt).exists():
        raise ValidationError(_("A deposit on this receipt has been refunded: it cannot be voided."), code="refunded")
    for line in lines:
        if line.kind == ReceiptLine.Kind.BILL:
            bill = bills[line.bill_id]
            if bill.paid < line.amount:
                raise ValidationError(
                    _("Bill %(bill)s has been waived or refunded since this payment: correct that first.")
                    % {"bill": bill.reference}, code="changed")
            Bill.objects.filter(pk=bill.pk).update(paid=F("paid") - line.amount,
                                                   outstanding=F("outstanding") + line.amount)
    prepaid = sum((line.amount for line in lines if line.kind == ReceiptLine.Kind.PREPAYMENT), ZERO)
    if prepaid:
        account = account_for_update(receipt.unit)
        _balance_change(account, kind=BalanceEntry.Kind.VOID, amount=-prepaid, actor=approver, receipt=receipt)
    day = locked_business_date(community=receipt.community, cashier=receipt.cashier, now=now)
    return ReceiptVoid.objects.create(receipt=receipt, correction=correction, reason=correction.reason,
                                      approved_by=approver, business_date=day)


@transaction.atomic
def receipt_print(*, receipt: Receipt, actor, request=None) -> bytes:
    """Print ``receipt``: record the print (the first is the original, every later one 补打) and render it
    (``documents.receipt_pdf``), in one transaction: the receipt row is locked so two first prints cannot
    both be originals, and a render that fails records no print."""
    from ..documents import receipt_pdf  # WeasyPrint is loaded by the first print, not at start-up

    Receipt.objects.select_for_update().filter(pk=receipt.pk).values_list("pk", flat=True).get()
    reprint = ReceiptPrint.objects.filter(receipt_id=receipt.pk).exists()
    printed = ReceiptPrint.objects.create(receipt_id=receipt.pk, printed_by=actor, is_reprint=reprint)
    return receipt_pdf(receipt, user=actor, reprint=reprint, printed_at=printed.printed_at, request=request)
