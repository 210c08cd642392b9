"""The billing demo: loads on a small frontdesk world, is idempotent, and has arrears of every age, a
closed day, deposits, corrections and a prepaid balance — all made through the real services."""

import datetime
import io

import pytest
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from billing import demo
from billing.models import (
    Bill,
    BillRun,
    DailyClose,
    Deposit,
    DepositRefund,
    FeeItem,
    FeeRate,
    MeterReading,
    Receipt,
    ReceiptVoid,
    ReminderPolicy,
    UnitAccount,
    Voucher,
)
from billing.selectors.arrears import BUCKET_KEYS, bucket_of
from billing.services.numbers import business_date
from core.models import Role
from frontdesk.demo import PASSWORD
from frontdesk.models import ParkingSpace
from tests.factories import BuildingFactory, CommunityFactory, EntranceFactory, OccupancyFactory, UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_user):
    communities = [CommunityFactory(code="CH", name="翠湖花园"), CommunityFactory(code="JX", name="锦绣家园")]
    for community in communities:
        for b in range(1, 4):
            entrance = EntranceFactory(building=BuildingFactory(community=community, name=str(b), sort_order=b),
                                       name="1")
            for n in range(12):
                unit = UnitFactory(entrance=entrance, number=f"{n // 2 + 1}0{n % 2 + 1}")
                if n != 11:  # one unsold unit per building: billed to the developer
                    OccupancyFactory(unit=unit, start_date=datetime.date(2020, 1, 1))
                if n < 3:
                    ParkingSpace.objects.create(community=community, code=f"B1-{b}{n}", unit=unit,
                                                kind="owned" if n else "rented")
    users = {name: make_user(role=role, communities=communities, username=name, password=make_password(PASSWORD))
             for name, role in (("cashier", Role.CASHIER), ("supervisor", Role.SUPERVISOR),
                                ("manager", Role.MANAGER), ("clerk", Role.CLERK))}
    return communities, users


def test_demo_loads_with_every_age_of_arrears(world):
    (ch, jx), users = world
    out = io.StringIO()
    demo.load(out)
    assert "loaded" in out.getvalue()
    today = timezone.localdate()
    for community in (ch, jx):
        codes = set(FeeItem.objects.filter(community=community).values_list("code", flat=True))
        assert {"property", "parking", "lift", "water", "electricity", "card", "deposit"} <= codes
        # 14 months of bills from the bill runs, all done
        periods = set(Bill.objects.filter(community=community, source="run").values_list("period", flat=True))
        assert len(periods) == demo.MONTHS
        assert BillRun.objects.filter(community=community).exclude(status="done").count() == 0
        # every age of arrears
        buckets = {bucket_of((today - due).days)
                   for due in Bill.objects.filter(community=community, outstanding__gt=0)
                   .values_list("due_date", flat=True)}
        assert buckets == set(BUCKET_KEYS), buckets
        # most units are paid up to last month
        units = Bill.objects.filter(community=community).values("unit").distinct().count()
        month_ago = today - datetime.timedelta(days=30)
        behind = Bill.objects.filter(community=community, outstanding__gt=0, due_date__lt=month_ago) \
            .values("unit").distinct().count()
        assert behind < units / 2
    # the rate change, meters, tiers, the parking kinds
    property_rates = FeeRate.objects.filter(fee_item__community=ch, fee_item__code="property")
    assert property_rates.values("valid_from").distinct().count() == 2
    assert MeterReading.objects.filter(community=ch).values("period").distinct().count() == 3
    assert Bill.objects.filter(community=ch, source="meter", fee_item__code="water").exists()
    parking = Bill.objects.filter(community=ch, fee_item__code="parking")
    assert set(parking.values_list("unit_price", flat=True)) >= {300, 80}
    # corrections, balance, deposits, the closed day
    assert ReceiptVoid.objects.filter(receipt__community=ch).count() == 1
    assert Voucher.objects.filter(community=ch, kind="waiver").exists()
    assert Voucher.objects.filter(community=ch, kind="refund").count() == 2  # balance refund + deposit refund
    assert UnitAccount.objects.filter(community=ch, balance__gt=0).exists()
    refund = DepositRefund.objects.get()
    assert refund.deduction > 0 and refund.refunded > 0
    assert Deposit.objects.filter(community=ch, kind="worker_pass").count() >= 3
    yesterday = today - datetime.timedelta(days=1)
    closed = DailyClose.objects.get(community=ch, cashier=users["cashier"])
    assert closed.business_date == yesterday and closed.difference == -10
    assert business_date(community=ch, cashier=users["cashier"]) == today
    assert Receipt.objects.filter(community=ch, business_date=today).exists()
    assert ReminderPolicy.objects.filter(community__in=[ch, jx]).count() == 2
    # receipt numbers gapless per community and year
    for community in (ch, jx):
        for year in set(Receipt.objects.filter(community=community).values_list("year", flat=True)):
            seqs = sorted(Receipt.objects.filter(community=community, year=year).values_list("seq", flat=True))
            assert seqs == list(range(1, len(seqs) + 1))


def test_demo_is_idempotent(world):
    demo.load(io.StringIO())
    def counts():
        return (Bill.objects.count(), Receipt.objects.count(), Deposit.objects.count(), DailyClose.objects.count())

    before = counts()
    out = io.StringIO()
    demo.load(out)
    assert "already" in out.getvalue()
    assert counts() == before


def test_demo_without_the_frontdesk_data_does_nothing(db):
    out = io.StringIO()
    demo.load(out)
    assert "skipped" in out.getvalue() and not FeeItem.objects.exists()
