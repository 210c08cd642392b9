"""Eight cashiers paying at once on PostgreSQL, with real threads and one connection each: the committed
receipts are numbered 1..N with no gap and no duplicate, even when some transactions roll back after
their receipt was written. Two cashiers paying the same bill at once: one wins, the other is told."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from billing.models import Bill, DocumentCounter, Receipt, ReceiptLine
from billing.services import payments
from core.models import Role
from tests.factories import UnitFactory

THREADS = 8
PAYMENTS_EACH = 6


class Rollback(Exception):
    """Raised inside a payment's transaction after its receipt is written: everything is undone."""


def run_threads(target, count):
    barrier = threading.Barrier(count)
    errors = []

    def wrapped(index):
        try:
            barrier.wait(timeout=30)
            target(index)
        except Exception as exc:  # noqa: BLE001 - reported by the test below
            errors.append(exc)
        finally:
            connection.close()  # each thread had its own connection

    threads = [threading.Thread(target=wrapped, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a thread hung (deadlock?)"
    return errors


@pytest.mark.django_db(transaction=True)
def test_eight_cashiers_gapless_numbers_with_rollbacks(unit_a, fee_items, make_bill, make_user):
    community = unit_a.community
    cashiers = [make_user(role=Role.CASHIER, communities=[community], username=f"cashier{i}")
                for i in range(THREADS)]
    units = [unit_a] + [UnitFactory(entrance=unit_a.entrance, number=f"{1601 + i}") for i in range(THREADS - 1)]
    bills = [make_bill(units[i], fee_items["property"], datetime.date(2026, 10, 1), "1000.00")
             for i in range(THREADS)]
    committed, rolled_back = [], []
    lock = threading.Lock()

    def cashier_at_work(i):
        for j in range(PAYMENTS_EACH):
            try:
                with transaction.atomic():
                    receipt = payments.pay_at_counter(
                        community=community, unit=units[i], bill_ids=[bills[i].pk], amount="10.00",
                        method="cash", payer_name="业主", cashier=cashiers[i])
                    assert receipt.pk and receipt.seq
                    if (i + j) % 3 == 0:
                        raise Rollback
                with lock:
                    committed.append(receipt.seq)
            except Rollback:
                with lock:
                    rolled_back.append(receipt.seq)

    errors = run_threads(cashier_at_work, THREADS)
    assert not errors, errors
    total = THREADS * PAYMENTS_EACH
    assert len(committed) + len(rolled_back) == total and rolled_back, "some transactions must roll back"

    seqs = sorted(Receipt.objects.filter(community=community).values_list("seq", flat=True))
    assert seqs == list(range(1, len(committed) + 1)), "receipt numbers must be 1..N: no gaps, no duplicates"
    assert sorted(committed) == seqs
    numbers = list(Receipt.objects.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers))
    assert DocumentCounter.objects.get(community=community, kind="receipt").last == len(committed)
    # the money adds up: every committed receipt paid 10.00 on its cashier's bill, nothing of the rolled back
    for i, bill in enumerate(bills):
        bill.refresh_from_db()
        paid_here = Receipt.objects.filter(cashier=cashiers[i]).count() * Decimal("10.00")
        assert bill.paid == paid_here and bill.outstanding == Decimal("1000.00") - paid_here
    assert ReceiptLine.objects.count() == len(committed)


@pytest.mark.django_db(transaction=True)
def test_two_cashiers_paying_the_same_bill_one_wins(unit_a, fee_items, make_bill, make_user):
    community = unit_a.community
    cashiers = [make_user(role=Role.CASHIER, communities=[community], username=f"cashier{i}") for i in range(2)]
    bill = make_bill(unit_a, fee_items["property"], datetime.date(2026, 10, 1), "250.00")
    outcomes = []

    def pay(i):
        from django.utils import translation

        translation.activate("en")  # a thread starts with the default language (Chinese)
        try:
            receipt = payments.pay_at_counter(community=community, unit=unit_a, bill_ids=[bill.pk], amount="250.00",
                                              method="cash", payer_name="张建国", cashier=cashiers[i])
            outcomes.append(("paid", receipt.number))
        except ValidationError as exc:
            outcomes.append(("refused", " ".join(exc.messages)))

    errors = run_threads(pay, 2)
    assert not errors, errors
    assert sorted(kind for kind, _text in outcomes) == ["paid", "refused"]
    refused = next(text for kind, text in outcomes if kind == "refused")
    assert "paid or changed meanwhile" in refused
    bill = Bill.objects.get(pk=bill.pk)
    assert (bill.paid, bill.outstanding) == (Decimal("250.00"), Decimal("0.00"))
    assert Receipt.objects.count() == 1 and Receipt.objects.get().seq == 1
