"""Collection rate (收费率): current and past-due per building and community, month and half-year, voids,
waivers, prepaid balance, scoping, export, query count."""

import datetime
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from billing.models import Bill
from billing.selectors import collection
from billing.services import corrections, payments
from core.models import Role
from tests.factories import BuildingFactory, EntranceFactory, UnitFactory

pytestmark = pytest.mark.django_db

AUG = datetime.date(2026, 8, 1)


def at(day: datetime.date):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))


def pay(unit, bills, amount, cashier, day, **kw):
    return payments.pay_at_counter(community=unit.community, unit=unit, bill_ids=[b.pk for b in bills], amount=amount,
                                   method="cash", payer_name="张建国", cashier=cashier, now=at(day), **kw)


def approve(kind, cashier, supervisor, day, **fields):
    request = corrections.correction_request(kind=kind, community=cashier.communities.first(), actor=cashier,
                                             reason="核实后处理", **fields)
    return corrections.correction_decide(correction=request, approver=supervisor, approve=True, now=at(day))


@pytest.fixture
def scenario(unit_a, fee_items, make_bill, cashier):
    """unit_a (building 3): May, Jul, Aug property fees (250 each) and Aug parking (300).
    Paid: May on Aug 10, Aug property on Aug 12, Jul on Sep 5."""
    prop, parking = fee_items["property"], fee_items["parking"]
    may = make_bill(unit_a, prop, datetime.date(2026, 5, 1), "250.00")
    jul = make_bill(unit_a, prop, datetime.date(2026, 7, 1), "250.00")
    aug = make_bill(unit_a, prop, AUG, "250.00")
    aug_parking = make_bill(unit_a, parking, AUG, "300.00")
    pay(unit_a, [may], "250.00", cashier, datetime.date(2026, 8, 10))
    aug_receipt = pay(unit_a, [aug], "250.00", cashier, datetime.date(2026, 8, 12))
    pay(unit_a, [jul], "250.00", cashier, datetime.date(2026, 9, 5))
    return {"may": may, "jul": jul, "aug": aug, "aug_parking": aug_parking, "aug_receipt": aug_receipt}


def report(community, month=AUG):
    return collection.collection_report(community_ids=[community.pk], month=month)


def test_month_and_half_year_current_and_past_due(community_a, scenario):
    r = report(community_a)
    assert (r.month, r.half_start, r.half_end) == (AUG, datetime.date(2026, 7, 1), datetime.date(2027, 1, 1))
    m, h = r.total.month, r.total.half
    # August: billed 550, collected 250; earlier bills (May, Jul) owed 500 on Aug 1, 250 of it paid in August
    assert (m.billed, m.paid, m.current_rate) == (Decimal("550.00"), Decimal("250.00"), Decimal("45.5"))
    assert (m.past_base, m.past_collected, m.past_rate) == (Decimal("500.00"), Decimal("250.00"), Decimal("50.0"))
    # Jul–Dec: billed 800 (Jul, Aug), collected 500; May owed 250 on Jul 1 and was paid in the half-year
    assert (h.billed, h.paid, h.current_rate) == (Decimal("800.00"), Decimal("500.00"), Decimal("62.5"))
    assert (h.past_base, h.past_collected, h.past_rate) == (Decimal("250.00"), Decimal("250.00"), Decimal("100.0"))
    assert m.below_target() and not h.below_target("past_rate")
    assert [row.name for row in r.rows] == ["3"] and r.communities[0].month.billed == Decimal("550.00")


def test_a_voided_receipt_lowers_the_rate(community_a, scenario, cashier, supervisor):
    approve("void", cashier, supervisor, datetime.date(2026, 9, 20), receipt=scenario["aug_receipt"])
    m = report(community_a).total.month
    assert (m.paid, m.current_rate) == (Decimal("0.00"), Decimal("0.0"))
    may_receipt = Bill.objects.get(pk=scenario["may"].pk).receipt_lines.get().receipt
    approve("void", cashier, supervisor, datetime.date(2026, 9, 21), receipt=may_receipt)
    m = report(community_a).total.month
    # May is owed again: still owed at the start of August, and nothing was collected on it in August
    assert (m.past_base, m.past_collected) == (Decimal("500.00"), Decimal("0.00"))


def test_waivers_reduce_what_is_billed_and_balance_payments_count(community_a, unit_a, scenario, cashier,
                                                                  supervisor, fee_items, make_bill):
    approve("waiver", cashier, supervisor, datetime.date(2026, 8, 20), bill=scenario["aug_parking"],
            amount=Decimal("100.00"))
    m = report(community_a).total.month
    assert (m.billed, m.paid) == (Decimal("450.00"), Decimal("250.00"))
    # a prepayment in August pays the old June bill from the prepaid balance, the same day
    june = make_bill(unit_a, fee_items["water"], datetime.date(2026, 6, 1), "80.00")
    pay(unit_a, [], "80.00", cashier, datetime.date(2026, 8, 25), prepay_rest=True)
    june.refresh_from_db()
    assert june.paid == Decimal("80.00")
    m = report(community_a).total.month
    # the balance application is dated today (when it happened), not in August: owed at the start, not collected then
    assert m.past_base == Decimal("580.00")


def test_past_due_waiver_after_the_start_counts_in_the_base(community_a, unit_a, fee_items, make_bill, cashier,
                                                            supervisor):
    old = make_bill(unit_a, fee_items["property"], datetime.date(2026, 3, 1), "250.00")
    approve("waiver", cashier, supervisor, datetime.date(2026, 8, 3), bill=old, amount=Decimal("50.00"))
    m = report(community_a).total.month
    assert (m.past_base, m.past_collected) == (Decimal("250.00"), Decimal("0.00"))


def test_per_building_and_scoping(community_a, community_b, unit_a, unit_b, scenario, fee_items, make_bill, cashier):
    tower = BuildingFactory(community=community_a, name="5", sort_order=9)
    unit5 = UnitFactory(entrance=EntranceFactory(building=tower, name="1"), number="101")
    paid = make_bill(unit5, fee_items["property"], AUG, "1000.00")
    pay(unit5, [paid], "1000.00", cashier, datetime.date(2026, 8, 2))
    from billing.models import FeeItem

    fee_b = FeeItem.objects.create(community=community_b, code="p", name="物业服务费", kind="property", basis="area")
    make_bill(unit_b, fee_b, AUG, "999.00")
    r = report(community_a)
    assert [(row.name, row.month.current_rate) for row in r.rows] == [("3", Decimal("45.5")), ("5", Decimal("100.0"))]
    assert r.total.month.billed == Decimal("1550.00")
    assert report(community_b).total.month.billed == Decimal("999.00")


def test_page_export_and_bad_month(client, users, community_a, scenario, django_assert_max_num_queries):
    client.force_login(users[Role.CASHIER])
    url = reverse("billing:collection")
    with django_assert_max_num_queries(13):
        response = client.get(url, {"month": "2026-08"})
    html = response.content.decode()
    assert response.status_code == 200 and "45.5%" in html and "below target" in html and "chart-collection" in html
    assert response.context["chart"]["month"] == [45.5]
    bad = client.get(url, {"month": "August"})
    assert bad.status_code == 200 and "Give a month like 2026-11 (between 2000 and 2100)" in bad.content.decode()
    assert bad.context["report"].month == timezone.localdate().replace(day=1)
    export = client.get(url, {"month": "2026-08", "export": "xlsx"})
    rows = list(load_workbook(BytesIO(export.getvalue())).active.iter_rows(values_only=True))
    assert rows[1][0] == "2026-08" and rows[2][1] == "3" and rows[2][2] == 550 and rows[2][4] == 45.5
    assert any(row[0] == "2026-07 – 2026-12" for row in rows)


def test_query_count_does_not_grow_with_bills(client, users, community_a, unit_a, fee_items, make_bill,
                                              django_assert_max_num_queries):
    client.force_login(users[Role.MANAGER])
    url = reverse("billing:collection")
    client.get(url, {"month": "2026-08"})
    with django_assert_max_num_queries(13) as few:
        client.get(url, {"month": "2026-08"})
    for n in range(6):
        building = BuildingFactory(community=community_a, name=f"B{n}")
        unit = UnitFactory(entrance=EntranceFactory(building=building, name="1"), number="101")
        for month in (5, 6, 7, 8):
            make_bill(unit, fee_items["property"], datetime.date(2026, month, 1), "100.00")
    with django_assert_max_num_queries(13) as many:
        assert len(client.get(url, {"month": "2026-08"}).context["report"].rows) == 6
    assert len(many.captured_queries) == len(few.captured_queries)


def test_cards_and_table_colour_a_rate_by_one_rule(client, users, community_a, scenario):
    """Issue 15, 1.10: the past-due cards were never red while the same rates in the table were. One rule:
    below the target red, at or above green, no rate grey — the cards and the table cells alike."""
    import re

    client.force_login(users[Role.CASHIER])
    html = client.get(reverse("billing:collection"), {"month": "2026-08"}).content.decode()

    def classes(element_id):
        return re.search(rf'class="([^"]*)" id="{element_id}"', html).group(1).split()

    assert "text-danger" in classes("rate-past-month")  # 50.0 % < 85 %
    assert "text-success" in classes("rate-past-half")  # 100.0 %
    assert "text-danger" in classes("rate-month")  # 45.5 %
    # the table's past-due cell of the total row (50.0 %) has the card's colour
    cells = re.findall(r'<td class="text-end ([^"]*)">50\.0%</td>', html)
    assert cells and all("text-danger" in c for c in cells)
    cells = re.findall(r'<td class="text-end ([^"]*)">100\.0%</td>', html)
    assert cells and all("text-success" in c for c in cells)
