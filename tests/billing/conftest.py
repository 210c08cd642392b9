"""Billing fixtures: community A's fee items with rates, three months of bills for unit_a (3-2-1502,
area from the factory), and the cashier and supervisor of community A. Messages are read in English
(the Chinese catalogue is checked by tests/core/test_i18n.py)."""

import datetime
from decimal import Decimal

import pytest

from billing.models import Bill, FeeItem, FeeRate
from core.models import Role


@pytest.fixture(autouse=True)
def english_everywhere(english_messages):
    """Every billing test reads messages in English (``english_messages`` in tests/conftest.py)."""


@pytest.fixture
def cashier(users):
    return users[Role.CASHIER]


@pytest.fixture
def supervisor(users):
    return users[Role.SUPERVISOR]


@pytest.fixture
def fee_items(community_a):
    """物业服务费 2.50/m²/month, 停车费 300/space/month, 水费 3.50/m³ — all valid from 2026-01-01."""
    property_fee = FeeItem.objects.create(community=community_a, code="property", name="物业服务费",
                                          kind=FeeItem.Kind.PROPERTY, basis=FeeItem.Basis.AREA, sort_order=1)
    parking = FeeItem.objects.create(community=community_a, code="parking", name="停车费",
                                     kind=FeeItem.Kind.PARKING, basis=FeeItem.Basis.SPACE, sort_order=2)
    water = FeeItem.objects.create(community=community_a, code="water", name="水费", kind=FeeItem.Kind.WATER,
                                   basis=FeeItem.Basis.METER, sort_order=3)
    start = datetime.date(2026, 1, 1)
    FeeRate.objects.create(fee_item=property_fee, valid_from=start, price=Decimal("2.50"))
    FeeRate.objects.create(fee_item=parking, valid_from=start, price=Decimal("300"))
    FeeRate.objects.create(fee_item=water, valid_from=start, price=Decimal("3.50"))
    return {"property": property_fee, "parking": parking, "water": water}


@pytest.fixture
def make_bill():
    def make(unit, fee_item, period, amount, **fields):
        amount = Decimal(str(amount))
        return Bill.objects.create(
            community_id=unit.community_id, building_id=unit.building_id, unit=unit, fee_item=fee_item,
            period=period, quantity=Decimal("1"), unit_price=amount, amount=amount, outstanding=amount,
            due_date=period + datetime.timedelta(days=30), **fields)

    return make


@pytest.fixture
def bills_a(unit_a, fee_items, make_bill):
    """Property fees of Aug, Sep, Oct 2026 (250.00 each) and parking for Oct (300.00) for unit_a."""
    months = [datetime.date(2026, m, 1) for m in (8, 9, 10)]
    bills = [make_bill(unit_a, fee_items["property"], m, "250.00") for m in months]
    bills.append(make_bill(unit_a, fee_items["parking"], months[-1], "300.00"))
    return bills
