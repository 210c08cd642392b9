"""Fee items and rates (manager), one-off charges at the counter."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from billing.models import Bill, FeeItem, FeeRate
from billing.services import setup
from core.models import Role
from tests.factories import BuildingFactory

NOV = datetime.date(2026, 11, 1)


@pytest.fixture
def manager(users):
    return users[Role.MANAGER]


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


def test_feeitem_create_and_edit(manager_client, community_a):
    response = manager_client.post(reverse("billing:feeitem_create") + f"?community={community_a.pk}", {
        "community_pk": community_a.pk, "name": "电梯使用费", "code": "Lift", "kind": "lift", "basis": "unit",
        "usages": ["residential"], "due_days": 15, "sort_order": 3, "is_active": "on"})
    item = FeeItem.objects.get(community=community_a, code="lift")
    assert response.status_code == 302 and response["Location"] == reverse("billing:rate_list", args=[item.pk])
    assert item.usages == ["residential"] and item.due_days == 15
    response = manager_client.post(reverse("billing:feeitem_edit", args=[item.pk]), {
        "name": "电梯费", "code": "lift", "kind": "lift", "basis": "unit", "due_days": 20, "sort_order": 3})
    item.refresh_from_db()
    assert response.status_code == 302 and item.name == "电梯费" and item.usages == [] and not item.is_active


def test_feeitem_list_shows_names_not_codes(manager_client, community_a, fee_items):
    """Issue 15 (3): the set-up page showed the codes (property, parking, lift …) next to the names."""
    html = manager_client.get(reverse("billing:feeitem_list") + f"?community={community_a.pk}").content.decode()
    assert "物业服务费" in html and "停车费" in html
    assert "property ·" not in html and "parking ·" not in html and "water ·" not in html


def test_feeitem_checks(manager_client, community_a, fee_items, make_bill, unit_a, manager):
    response = manager_client.post(reverse("billing:feeitem_create") + f"?community={community_a.pk}", {
        "community_pk": community_a.pk, "name": "水费2", "code": "water", "kind": "water", "basis": "area",
        "due_days": 30, "sort_order": 0})
    assert response.status_code == 200
    content = response.content.decode()
    assert "Water and electricity are charged by meter usage" in content and 'value="水费2"' in content
    make_bill(unit_a, fee_items["property"], NOV, "100")
    with pytest.raises(ValidationError, match="has bills"):
        setup.feeitem_save(community=community_a, actor=manager, item=fee_items["property"], code="property",
                           name="物业服务费", kind="property", basis="unit")
    with pytest.raises(ValidationError, match="already used"):
        setup.feeitem_save(community=community_a, actor=manager, code="water", name="x", kind="other", basis="fixed")


def test_rate_add_from_a_month_and_history(manager_client, fee_items, community_a):
    item = fee_items["property"]
    url = reverse("billing:rate_create", args=[item.pk])
    response = manager_client.post(url, {"valid_from": "2026-12-15", "price": "3.00"})
    assert response.status_code == 200 and "first day of a month" in response.content.decode()
    response = manager_client.post(url, {"valid_from": "2026-12", "price": "3.00"})
    assert response.status_code == 302
    assert list(FeeRate.objects.filter(fee_item=item).values_list("valid_from", "price")) == [
        (datetime.date(2026, 12, 1), Decimal("3.0000")), (datetime.date(2026, 1, 1), Decimal("2.5000"))]
    page = manager_client.get(reverse("billing:rate_list", args=[item.pk])).content.decode()
    assert "2026-12" in page and "2026-01" in page
    # the same scope and month twice is refused with a message, not a 500
    response = manager_client.post(url, {"valid_from": "2026-12", "price": "3.50"})
    assert response.status_code == 200 and "already starts on this date" in response.content.decode()


def test_rate_scope_by_building_and_usage(manager, fee_items, community_a, community_b):
    building = BuildingFactory(community=community_a)
    rate = setup.rate_add(item=fee_items["property"], actor=manager, valid_from=NOV, price="2.8", building=building,
                          usage="shop")
    assert rate.building == building and rate.usage == "shop" and rate.price == Decimal("2.8000")
    with pytest.raises(ValidationError, match="not in this community"):
        setup.rate_add(item=fee_items["property"], actor=manager, valid_from=NOV, price="1",
                       building=BuildingFactory(community=community_b))
    with pytest.raises(ValidationError, match="usage"):
        setup.rate_add(item=fee_items["parking"], actor=manager, valid_from=NOV, price="1", usage="shop")
    parking = setup.rate_add(item=fee_items["parking"], actor=manager, valid_from=NOV, price="80", usage="owned")
    assert parking.usage == "owned"


def test_meter_tiers_are_checked(manager, manager_client, fee_items):
    water = fee_items["water"]
    response = manager_client.post(reverse("billing:rate_create", args=[water.pk]), {
        "valid_from": "2026-12", "price": "5.00", "tiers": "10 3.00\n20，4.00"})
    assert response.status_code == 302
    assert FeeRate.objects.get(fee_item=water, valid_from=datetime.date(2026, 12, 1)).tiers == [
        {"up_to": "10.00", "price": "3.0000"}, {"up_to": "20.00", "price": "4.0000"}]
    with pytest.raises(ValidationError, match="go up"):
        setup.rate_add(item=water, actor=manager, valid_from=datetime.date(2027, 1, 1), price="5",
                       tiers=[{"up_to": "20", "price": "3"}, {"up_to": "10", "price": "4"}])
    with pytest.raises(ValidationError, match="Only meter fees"):
        setup.rate_add(item=fee_items["property"], actor=manager, valid_from=datetime.date(2027, 1, 1), price="5",
                       tiers=[{"up_to": "20", "price": "3"}])


def test_a_rate_used_by_bills_cannot_be_edited(manager_client, fee_items, unit_a, make_bill):
    item = fee_items["property"]
    future = FeeRate.objects.create(fee_item=item, valid_from=datetime.date(2027, 1, 1), price=Decimal("3"))
    url = reverse("billing:rate_edit", args=[future.pk])
    assert manager_client.post(url, {"valid_from": "2027-02", "price": "3.20"}).status_code == 302
    future.refresh_from_db()
    assert future.valid_from == datetime.date(2027, 2, 1) and future.price == Decimal("3.2000")
    used = FeeRate.objects.get(fee_item=item, valid_from=datetime.date(2026, 1, 1))
    make_bill(unit_a, item, NOV, "223.75")
    page = manager_client.get(reverse("billing:rate_edit", args=[used.pk])).content.decode()
    assert "cannot change" in page
    response = manager_client.post(reverse("billing:rate_edit", args=[used.pk]), {"valid_from": "2026-01",
                                                                                  "price": "9"})
    assert response.status_code == 200 and "add a new rate from a later month" in response.content.decode()
    used.refresh_from_db()
    assert used.price == Decimal("2.5000")


def test_one_off_charge_at_the_counter(client, users, community_a, unit_a):
    cashier = users[Role.CASHIER]
    card = FeeItem.objects.create(community=community_a, code="card", name="工本费", kind="one_off", basis="fixed",
                                  due_days=0)
    FeeRate.objects.create(fee_item=card, valid_from=datetime.date(2026, 1, 1), price=Decimal("5"))
    client.force_login(cashier)
    url = reverse("billing:charge_add", args=[unit_a.pk])
    assert "工本费" in client.get(url).content.decode()
    response = client.post(url, {"fee_item": card.pk, "quantity": "2", "price": "", "description": "门禁卡补办"})
    assert response.status_code == 302 and response["Location"] == reverse("billing:unit", args=[unit_a.pk])
    bill = Bill.objects.get(unit=unit_a)
    assert bill.source == Bill.Source.MANUAL and bill.amount == bill.outstanding == Decimal("10.00")
    assert bill.unit_price == Decimal("5.0000") and bill.description == "门禁卡补办"
    # a recurring fee cannot be added as a one-off charge
    with pytest.raises(ValidationError):
        setup.charge_add(unit=unit_a, item=FeeItem.objects.create(community=community_a, code="p", name="物业",
                                                                  kind="property", basis="area"), actor=cashier)
    # no rate and no price: a clear message
    other = FeeItem.objects.create(community=community_a, code="reconnect", name="复电费", kind="one_off",
                                   basis="fixed")
    response = client.post(url, {"fee_item": other.pk, "quantity": "1", "price": ""})
    assert response.status_code == 200 and "give the price" in response.content.decode()


def test_feeitem_list_query_count_is_constant(manager_client, community_a, django_assert_max_num_queries):
    def add(n):
        for i in range(n):
            item = FeeItem.objects.create(community=community_a, code=f"f{FeeItem.objects.count()}", name=f"费{i}",
                                          kind="other", basis="unit")
            for month in (1, 6, 12):
                FeeRate.objects.create(fee_item=item, valid_from=datetime.date(2026, month, 1), price=Decimal(month))

    add(2)
    url = reverse("billing:feeitem_list") + f"?community={community_a.pk}"
    manager_client.get(url)
    with django_assert_max_num_queries(12) as small:
        assert manager_client.get(url).status_code == 200
    add(10)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert manager_client.get(url).status_code == 200


def test_rate_list_query_count_is_constant(manager_client, fee_items, unit_a, make_bill,
                                           django_assert_max_num_queries):
    item = fee_items["property"]
    url = reverse("billing:rate_list", args=[item.pk])
    manager_client.get(url)
    with django_assert_max_num_queries(12) as small:
        manager_client.get(url)
    for month in range(2, 12):
        FeeRate.objects.create(fee_item=item, valid_from=datetime.date(2026, month, 1), price=Decimal(month),
                               building=unit_a.building if month % 2 else None)
        make_bill(unit_a, item, datetime.date(2026, month, 1), "1")
    with django_assert_max_num_queries(len(small.captured_queries)):
        manager_client.get(url)
