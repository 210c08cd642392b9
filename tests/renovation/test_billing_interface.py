"""The small additions to billing's interface renovation uses: a source's price for a unit (the most
specific rate in force; None when not set) and the state of the bills made for its charges."""

import datetime
from decimal import Decimal

import pytest

from billing import interface as billing
from billing.models import FeeItem, FeeRate
from core.models import Role

pytestmark = pytest.mark.django_db


def test_charge_price_takes_the_most_specific_rate_in_force(unit_a, users):
    manager = users[Role.MANAGER]
    on = datetime.date(2026, 6, 1)
    assert billing.charge_price(source_key="renovation_management", community=unit_a.community, unit=unit_a,
                                on=on) is None  # not set: not charged
    billing.charge_fee_item_rate(source_key="renovation_management", community=unit_a.community, price="300",
                                 valid_from=datetime.date(2026, 1, 1), actor=manager)
    billing.charge_fee_item_rate(source_key="renovation_management", community=unit_a.community, price="300",
                                 valid_from=datetime.date(2026, 1, 1), actor=manager)  # idempotent
    item = FeeItem.objects.get(community=unit_a.community, code="reno_management")
    assert item.basis == FeeItem.Basis.FIXED and item.rates.count() == 1
    FeeRate.objects.create(fee_item=item, building=unit_a.building, valid_from=datetime.date(2026, 3, 1),
                           price=Decimal("450"))
    FeeRate.objects.create(fee_item=item, valid_from=datetime.date(2026, 9, 1), price=Decimal("999"))  # not yet
    price = billing.charge_price(source_key="renovation_management", community=unit_a.community, unit=unit_a, on=on)
    assert price == Decimal("450.00")
    assert billing.charge_price(source_key="nope", community=unit_a.community, unit=unit_a, on=on) is None


def test_charge_bills_reads_the_bills_of_the_refs(unit_a, users):
    assert billing.charge_bills(community=unit_a.community, refs=[]) == {}
    assert billing.charge_bills(community=unit_a.community, refs=["renovation-fee:999"]) == {}
