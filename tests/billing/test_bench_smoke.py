"""The billing benchmarks on a tiny scale (50 units × 3 months), so they cannot rot: the generator's SQL
loads consistent data (receipts = their lines, bills paid = their lines on receipts not voided, gapless
numbers with the counter at the highest), a bill run on top bills the next month exactly like a generated
month and a rerun creates nothing, and the counter bench's cleanup undoes real payments."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection

from bench import billing_counter, billing_generate, billing_run
from billing.models import Bill, BillRun, DocumentCounter, Receipt, ReceiptLine
from billing.services.payments import pay_at_counter
from frontdesk.models import ParkingSpace
from tests.factories import BuildingFactory, CommunityFactory, EntranceFactory, OccupancyFactory, UnitFactory

LAST = datetime.date(2026, 11, 1)
MONTHS = 3


@pytest.fixture
def small_estate(db):
    """One community, three buildings (one of them, by its id, with a lift rate), 50 units: 40 with an
    owner, 10 with a rented parking space."""
    community = CommunityFactory(name="基准小区", code="BM")
    buildings = [BuildingFactory(community=community, name=str(i + 1)) for i in range(3)]
    units = []
    for i in range(50):
        b = buildings[i % 3]
        unit = UnitFactory(entrance=EntranceFactory(building=b, name=str(i // 3 + 1)), number=f"{i + 1:02d}01")
        units.append(unit)
        if i < 40:
            OccupancyFactory(unit=unit, start_date=datetime.date(2020, 5, 1))
        if i % 5 == 0:
            ParkingSpace.objects.create(community=community, code=f"B1-{i:03d}", kind="rented", unit=unit)
    return community, buildings, units


def _month_bills(buildings, units):
    lift = [b for b in buildings if b.pk % 3 == 0]
    return len(units) + len([u for u in units if u.parking_spaces.exists()]) + len(
        [u for u in units if u.building in lift])


def test_generator_loads_consistent_data_and_a_run_bills_the_same(small_estate):
    community, buildings, units = small_estate
    counts = billing_generate.load(connection, months=MONTHS, last_period=LAST, today=datetime.date(2026, 11, 22),
                                   log=lambda *_a: None)
    per_month = _month_bills(buildings, units)
    assert counts["billing_bill"] == Bill.objects.count() == per_month * MONTHS
    assert BillRun.objects.filter(status="done").count() == MONTHS
    assert Receipt.objects.exists() and Bill.objects.filter(outstanding__gt=0).exists()
    assert billing_generate.check(connection) == []
    for counter in DocumentCounter.objects.filter(kind="receipt"):
        seqs = sorted(Receipt.objects.filter(community_id=counter.community_id, year=counter.year)
                      .values_list("seq", flat=True))
        assert seqs == list(range(1, counter.last + 1))
    # the indexes dropped for the load are back
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM pg_indexes WHERE tablename = 'billing_bill' "
                    "AND indexname = 'bill_open_by_unit'")
        assert cur.fetchone()[0] == 1

    cashier = billing_generate.staff([community])[0]
    period = datetime.date(2026, 12, 1)
    _seconds, per = billing_run.run_all([community], period, cashier)
    assert per[0]["bills"] == per_month
    _seconds, again = billing_run.run_all([community], period, cashier)
    assert again[0]["bills"] == 0


def test_counter_bench_cleanup_undoes_payments(small_estate):
    community, _buildings, units = small_estate
    billing_generate.load(connection, months=MONTHS, last_period=LAST, today=datetime.date(2026, 11, 22),
                          log=lambda *_a: None)
    cashier = billing_generate.staff([community])[0]
    before = list(Bill.objects.order_by("id").values_list("id", "paid", "outstanding"))
    last = DocumentCounter.objects.get(community=community, kind="receipt", year=2026).last
    receipts = Receipt.objects.count()
    marks = billing_counter.Marks()
    paid = 0
    for unit in units:
        open_bills = list(Bill.objects.filter(unit=unit, outstanding__gt=0))
        if open_bills and paid < 3:
            pay_at_counter(community=community, unit=unit, bill_ids=[b.pk for b in open_bills],
                           amount=sum((b.outstanding for b in open_bills), Decimal("0")), method="cash",
                           payer_name="基准业主", cashier=cashier)
            paid += 1
    assert paid == 3 and Receipt.objects.count() == receipts + 3
    marks.cleanup(cashier)
    assert list(Bill.objects.order_by("id").values_list("id", "paid", "outstanding")) == before
    assert Receipt.objects.count() == receipts
    assert DocumentCounter.objects.get(community=community, kind="receipt", year=2026).last == last
    assert not ReceiptLine.objects.filter(receipt_id__gt=marks.ids["billing_receipt"]).exists()
    assert billing_generate.check(connection) == []
