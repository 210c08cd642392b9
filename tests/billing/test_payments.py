"""The counter's core: allocation oldest first, prepayment, gapless numbers, voids and corrections."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.utils import InternalError

from billing.models import BalanceEntry, Bill, Correction, Receipt, ReceiptVoid, UnitAccount, Voucher
from billing.services import corrections, payments

pytestmark = pytest.mark.django_db


def pay(unit, bills, amount, cashier, **kw):
    return payments.pay_at_counter(community=unit.community, unit=unit, bill_ids=[b.pk for b in bills],
                                   amount=amount, method=kw.pop("method", "cash"), payer_name="张建国",
                                   cashier=cashier, **kw)


def test_partial_payment_pays_oldest_first(unit_a, bills_a, cashier):
    aug, sep, oct_, parking = bills_a
    receipt = pay(unit_a, [parking, oct_, aug], "400.00", cashier)
    for bill in bills_a:
        bill.refresh_from_db()
    assert (aug.paid, oct_.paid, parking.paid) == (Decimal("250.00"), Decimal("150.00"), Decimal("0.00"))
    assert oct_.outstanding == Decimal("100.00") and sep.paid == 0
    assert [line.bill_id for line in receipt.lines.all()] == [aug.pk, oct_.pk]
    assert receipt.number == f"SJ{receipt.business_date.year}-000001"


def test_money_in_messages_reads_as_everywhere_else(unit_a, bills_a, cashier):
    """Issue 15 (3): ¥12496.62 in the overpay message, unlike ¥12,496.62 on every page."""
    with pytest.raises(ValidationError) as refused:
        pay(unit_a, bills_a[:1], "12496.62", cashier)
    message = " ".join(refused.value.messages)
    assert "¥12,496.62" in message and "¥250.00" in message and "12496" not in message


def test_more_than_due_needs_prepay_and_then_goes_to_balance(unit_a, bills_a, cashier):
    with pytest.raises(ValidationError, match="more than the chosen bills"):
        pay(unit_a, bills_a[:1], "300", cashier)
    assert not Receipt.objects.exists()
    receipt = pay(unit_a, bills_a[:1], "300", cashier, prepay_rest=True)
    # the 50.00 left is prepaid, and applied at once to the unit's next oldest bill (September)
    sep = Bill.objects.get(pk=bills_a[1].pk)
    assert sep.paid == Decimal("50.00")
    assert UnitAccount.objects.get(unit=unit_a).balance == 0
    kinds = list(BalanceEntry.objects.filter(unit=unit_a).order_by("id").values_list("kind", "amount"))
    assert kinds == [("prepay", Decimal("50.00")), ("apply", Decimal("-50.00"))]
    assert receipt.lines.count() == 2


def test_a_paid_bill_cannot_be_paid_again(unit_a, bills_a, cashier):
    pay(unit_a, bills_a[:1], "250", cashier)
    with pytest.raises(ValidationError, match="paid or changed meanwhile"):
        pay(unit_a, bills_a[:1], "250", cashier)


def test_transfer_needs_a_reference(unit_a, bills_a, cashier):
    with pytest.raises(ValidationError) as error:
        pay(unit_a, bills_a[:1], "250", cashier, method="wechat")
    assert "reference" in error.value.message_dict


def test_void_keeps_the_number_and_reopens_the_bills(unit_a, bills_a, cashier, supervisor):
    receipt = pay(unit_a, bills_a[:2], "500", cashier)
    request = corrections.correction_request(kind="void", community=unit_a.community, actor=cashier,
                                             reason="收错户", receipt=receipt)
    with pytest.raises(ValidationError, match="other than the one who asked"):
        corrections.correction_decide(correction=request, approver=cashier, approve=True)
    corrections.correction_decide(correction=request, approver=supervisor, approve=True)
    assert ReceiptVoid.objects.get(receipt=receipt).approved_by == supervisor
    assert Receipt.objects.filter(number=receipt.number).exists()
    assert [b.outstanding for b in Bill.objects.filter(pk__in=[b.pk for b in bills_a[:2]])] == [Decimal("250.00")] * 2
    second = pay(unit_a, bills_a[:1], "250", cashier)
    assert second.seq == receipt.seq + 1


def test_waiver_of_a_paid_bill_credits_the_balance_and_a_refund_pays_it_out(unit_a, bills_a, cashier, supervisor):
    pay(unit_a, bills_a[:1], "250", cashier)
    waiver = corrections.correction_request(kind="waiver", community=unit_a.community, actor=cashier,
                                            reason="业主委员会决议减免", bill=bills_a[0], amount="50")
    corrections.correction_decide(correction=waiver, approver=supervisor, approve=True)
    bill = Bill.objects.get(pk=bills_a[0].pk)
    assert (bill.paid, bill.waived, bill.outstanding) == (Decimal("200.00"), Decimal("50.00"), Decimal("0.00"))
    assert UnitAccount.objects.get(unit=unit_a).balance == Decimal("50.00")
    refund = corrections.correction_request(kind="refund", community=unit_a.community, actor=cashier,
                                            reason="退还多缴", unit=unit_a, amount="50", method="cash")
    corrections.correction_decide(correction=refund, approver=supervisor, approve=True)
    assert UnitAccount.objects.get(unit=unit_a).balance == 0
    numbers = sorted(Voucher.objects.values_list("number", flat=True))
    assert [n[:2] for n in numbers] == ["JM", "TK"]


def test_rejection_needs_a_reason_and_changes_nothing(unit_a, bills_a, cashier, supervisor):
    receipt = pay(unit_a, bills_a[:1], "250", cashier)
    request = corrections.correction_request(kind="void", community=unit_a.community, actor=cashier,
                                             reason="重复收费", receipt=receipt)
    with pytest.raises(ValidationError):
        corrections.correction_decide(correction=request, approver=supervisor, approve=False)
    corrections.correction_decide(correction=request, approver=supervisor, approve=False, note="并未重复")
    assert Correction.objects.get(pk=request.pk).status == "rejected"
    assert not ReceiptVoid.objects.exists()


def test_receipts_and_lines_refuse_update_and_delete_at_the_database(unit_a, bills_a, cashier):
    receipt = pay(unit_a, bills_a[:1], "250", cashier)
    for sql in ("UPDATE billing_receipt SET amount = 1 WHERE id = %s", "DELETE FROM billing_receipt WHERE id = %s",
                "UPDATE billing_receiptline SET amount = 1 WHERE receipt_id = %s"):
        with pytest.raises(InternalError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [receipt.pk])


def test_a_part_payment_line_is_chinese_with_the_money_format(unit_a, bills_a, cashier, monkeypatch):
    """Issue 15, 1.4: the receipt line of a part payment read "2025-11 物业服务费 (part 1.00/528.96)"."""
    from django.utils import translation
    from django.utils.translation import trans_real

    monkeypatch.setattr(translation, "activate", trans_real.activate)  # undo the English of english_messages

    aug = bills_a[0]
    with translation.override("zh-hans"):
        receipt = pay(unit_a, [aug], "1.00", cashier)
    line = receipt.lines.get()
    assert "part" not in line.description and "部分" in line.description
    assert "¥1.00" in line.description and f"¥{aug.amount:,.2f}" in line.description
