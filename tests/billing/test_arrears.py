"""Arrears with aging: the bucket rule, totals, filters, sort, export, query counts, scoping, dunning notices."""

import datetime
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from billing.models import Bill
from billing.selectors import arrears
from billing.services import corrections, payments
from core.models import Role
from tests.factories import EntranceFactory, OccupancyFactory, PersonFactory, UnitFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def bill(unit, fee_item, days_overdue, amount, *, period=None):
    """A bill due ``days_overdue`` days ago (negative: due in the future), entered at the counter."""
    due = TODAY - datetime.timedelta(days=days_overdue)
    amount = Decimal(str(amount))
    return Bill.objects.create(
        community_id=unit.community_id, building_id=unit.building_id, unit=unit, fee_item=fee_item,
        period=period or (due - datetime.timedelta(days=30)).replace(day=1), source=Bill.Source.MANUAL,
        quantity=Decimal("1"), unit_price=amount, amount=amount, outstanding=amount, due_date=due)


@pytest.fixture
def other_unit(unit_a):
    """3-1-0801 in the same building as unit_a, owner 李秀英."""
    unit = UnitFactory(entrance=EntranceFactory(building=unit_a.building, name="1"), number="0801")
    OccupancyFactory(unit=unit, person=PersonFactory(community=unit.community, name="李秀英"))
    return unit


@pytest.fixture
def aged(unit_a, fee_items):
    """unit_a: one bill in every bucket, each on its lower boundary, plus one not yet due."""
    fee = fee_items["property"]
    return {
        "future": bill(unit_a, fee, -5, "10.00"),
        "current": bill(unit_a, fee, 29, "20.00"),
        "m1_3": bill(unit_a, fee, 30, "30.00"),
        "m3_6": bill(unit_a, fee, 90, "40.00"),
        "m6_12": bill(unit_a, fee, 180, "50.00"),
        "m6_12_last": bill(unit_a, fee, 364, "60.00"),
        "m12": bill(unit_a, fee, 365, "70.00"),
    }


def test_bucket_boundaries():
    assert [arrears.bucket_of(d) for d in (-10, 0, 29, 30, 89, 90, 179, 180, 364, 365, 2000)] == [
        "current", "current", "current", "m1_3", "m1_3", "m3_6", "m3_6", "m6_12", "m6_12", "m12", "m12"]


def test_the_grouping_reads_only_what_the_covering_index_holds(clerk, unit_a, aged):
    """Every bill column the default list reads is in ``bill_open_by_unit_cov`` (community, unit; due date,
    outstanding), so PostgreSQL answers from the index alone: counting ``id`` read the table (190 → 41 ms a page
    for one community of the load data set, issue 14 §1)."""
    import re

    sql = str(arrears.arrears_units(clerk, arrears.ArrearsFilter(community_ids=[unit_a.community_id]), TODAY).query)
    assert set(re.findall(r'"billing_bill"\."(\w+)"', sql)) <= {"community_id", "unit_id", "due_date", "outstanding"}, sql


def test_a_units_bills_are_summed_per_bucket(clerk, unit_a, aged):
    rows = list(arrears.arrears_units(clerk, arrears.ArrearsFilter(), TODAY))
    assert len(rows) == 1
    row = rows[0]
    assert row["unit_id"] == unit_a.pk and row["bills"] == 7
    assert (row["current"], row["m1_3"], row["m3_6"], row["m6_12"], row["m12"]) == (
        Decimal("30.00"), Decimal("30.00"), Decimal("40.00"), Decimal("110.00"), Decimal("70.00"))
    assert row["total"] == Decimal("280.00")
    assert row["oldest_due"] == TODAY - datetime.timedelta(days=365)


def test_paid_and_waived_bills_leave_the_arrears(clerk, cashier, supervisor, unit_a, fee_items):
    old = bill(unit_a, fee_items["property"], 100, "250.00")
    older = bill(unit_a, fee_items["property"], 400, "100.00")
    payments.pay_at_counter(community=unit_a.community, unit=unit_a, bill_ids=[old.pk], amount="250.00",
                            method="cash", payer_name="张建国", cashier=cashier)
    request = corrections.correction_request(kind="waiver", community=unit_a.community, bill=older,
                                             amount=Decimal("100.00"), reason="开发商承担", actor=cashier)
    corrections.correction_decide(correction=request, approve=True, approver=supervisor)
    assert list(arrears.arrears_units(clerk, arrears.ArrearsFilter(), TODAY)) == []


def test_list_totals_filters_and_sort(client, clerk, unit_a, other_unit, fee_items, aged):
    bill(other_unit, fee_items["parking"], 45, "900.00")
    client.force_login(clerk)
    url = reverse("billing:arrears")
    response = client.get(url)
    totals = response.context["totals"]
    assert totals["units"] == 2 and totals["total"] == Decimal("1180.00")
    assert totals["m1_3"] == Decimal("930.00") and totals["m12"] == Decimal("70.00")
    assert [r["unit_id"] for r in response.context["page"].object_list] == [other_unit.pk, unit_a.pk]
    html = response.content.decode()
    assert "¥1,180.00" in html and "李秀英" in html and "张建国" in html

    oldest = client.get(url, {"sort": "oldest"}).context["page"].object_list
    assert [r["unit_id"] for r in oldest] == [unit_a.pk, other_unit.pk]
    only_old = client.get(url, {"bucket": "m12"}).context
    assert [r["unit_id"] for r in only_old["page"].object_list] == [unit_a.pk]
    assert only_old["totals"]["total"] == Decimal("280.00")  # the unit's whole arrears, filtered by the bucket
    assert [r["unit_id"] for r in client.get(url, {"min_amount": "500"}).context["page"].object_list] == [other_unit.pk]
    assert [r["unit_id"] for r in client.get(url, {"room": "1502"}).context["page"].object_list] == [unit_a.pk]
    assert client.get(url, {"building": str(unit_a.building_id)}).context["totals"]["units"] == 2

    bad = client.get(url, {"min_amount": "lots"})
    assert bad.status_code == 200 and "The minimum amount must be a number" in bad.content.decode()
    assert bad.context["totals"]["units"] == 2
    assert client.get(url, {"sort": "nonsense", "bucket": "x", "page": "abc"}).status_code == 200
    beyond = client.get(url, {"page": "99"}).context  # past the last page: the last page, with the totals
    assert beyond["page"].number == 1 and len(beyond["page"].object_list) == 2 and beyond["totals"]["units"] == 2
    room_sorted = client.get(url, {"sort": "room"}).context["page"].object_list
    assert [r["code"] for r in room_sorted] == sorted([unit_a.code, other_unit.code])


def test_export_has_one_row_per_unit(client, clerk, unit_a, other_unit, fee_items, aged):
    bill(other_unit, fee_items["parking"], 45, "900.00")
    client.force_login(clerk)
    response = client.get(reverse("billing:arrears"), {"export": "xlsx", "sort": "room"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(BytesIO(response.getvalue())).active.iter_rows(values_only=True))
    assert rows[0][1] == "Room" and len(rows) == 3
    by_room = {r[1]: r for r in rows[1:]}
    assert by_room[unit_a.code][2] == "张建国" and by_room[unit_a.code][8] == 280  # money is a number cell
    assert by_room[other_unit.code][4] == 900


def test_list_is_at_most_ten_queries_whatever_the_page_size(client, clerk, unit_a, fee_items,
                                                             django_assert_max_num_queries):
    client.force_login(clerk)
    url = reverse("billing:arrears")
    bill(unit_a, fee_items["property"], 40, "100.00")
    client.get(url)  # warm the session
    with django_assert_max_num_queries(10) as few:
        client.get(url)
    entrance = EntranceFactory(building=unit_a.building, name="5")
    for n in range(60):
        unit = UnitFactory(entrance=entrance, number=f"{n + 1:02d}01")
        OccupancyFactory(unit=unit)
        bill(unit, fee_items["property"], 40 + n, "100.00")
        bill(unit, fee_items["parking"], 400, "300.00")
    with django_assert_max_num_queries(10) as many:
        response = client.get(url)
    assert len(response.context["page"].object_list) == 50
    assert len(many.captured_queries) == len(few.captured_queries)


def test_another_communitys_arrears_are_not_listed(client, clerk_b, unit_a, unit_b, fee_items, aged):
    client.force_login(clerk_b)
    response = client.get(reverse("billing:arrears"))
    assert response.context["totals"]["units"] == 0
    assert client.get(reverse("billing:arrears_unit", args=[unit_a.pk])).status_code == 404
    assert client.get(reverse("billing:arrears"), {"building": str(unit_a.building_id)}).context["totals"]["units"] == 0


def test_unit_page_shows_aging_and_the_reminder_log(client, clerk, unit_a, aged):
    from billing.models import ReminderStep

    ReminderStep.objects.create(community=unit_a.community, unit=unit_a, anchor=aged["m12"].due_date, step=2,
                                due_on=TODAY, amount=Decimal("280.00"), channels=["in_app", "sms", "no_email"],
                                body="请缴费 3-2-1502")
    client.force_login(clerk)
    response = client.get(reverse("billing:arrears_unit", args=[unit_a.pk]))
    html = response.content.decode()
    assert [b.bucket for b in response.context["bills"]][:2] == ["m12", "m6_12"]
    assert "Over 12 months" in html and "请缴费 3-2-1502" in html and "E-mail not sent: no address" in html
    assert response.context["overdue_total"] == Decimal("270.00")  # the bill not yet due is outstanding, not overdue


def test_dunning_notice_pdf_for_a_unit_and_a_building(client, users, unit_a, other_unit, fee_items, aged):
    bill(other_unit, fee_items["parking"], -3, "900.00")  # not yet due: no notice for this unit
    client.force_login(users[Role.CASHIER])
    one = client.get(reverse("billing:dunning_pdf", args=[unit_a.pk]))
    assert one.status_code == 200 and one["Content-Type"] == "application/pdf" and one.content.startswith(b"%PDF")
    from billing.selectors.runs import notices
    from frontdesk.models import Unit

    overdue = notices(units_qs=Unit.objects.filter(building=unit_a.building), overdue_on=TODAY)
    assert [n.unit.pk for n in overdue] == [unit_a.pk]
    assert all(b.days_overdue > 0 for b in overdue[0].bills)
    batch = client.get(reverse("billing:dunning_batch", args=[unit_a.building_id]))
    assert batch.status_code == 200 and batch.content.startswith(b"%PDF")
    assert client.get(reverse("billing:dunning_pdf", args=[other_unit.pk])).status_code == 200  # "nothing past due"


def test_dunning_template_lists_only_overdue_bills(rf, users, unit_a, aged):
    from django.template.loader import render_to_string

    from billing.selectors.arrears import dunning_notice as _notice

    notice = _notice(unit_a, TODAY)
    assert aged["future"].pk not in [b.pk for b in notice["bills"]]
    assert notice["total"] == Decimal("270.00") and notice["total_upper"] == "贰佰柒拾元整"
    request = rf.get("/")
    request.user = users[Role.CASHIER]
    html = render_to_string("billing/pdf/dunning.html", {
        "notices": [notice], "community": unit_a.community, "today": TODAY, "printed_by": request.user,
        "pay_by": TODAY, "pdf_font_uri": ""}, request=request)
    assert "Dunning notice" in html and "贰佰柒拾元整" in html and "张建国" in html and html.count("<tr>") >= 6


def test_a_large_building_prints_in_parts(client, users, unit_a, other_unit, fee_items, aged, monkeypatch):
    """Beyond BATCH_PAGES units a batch is offered in parts (each PDF ready within the server's timeout)."""
    from billing import documents as batches

    bill(other_unit, fee_items["parking"], 40, "300.00")
    monkeypatch.setattr(batches, "BATCH_PAGES", 1)
    client.force_login(users[Role.CASHIER])
    url = reverse("billing:dunning_batch", args=[unit_a.building_id])
    parts = client.get(url)
    html = parts.content.decode()
    assert parts.status_code == 200 and "Part 1" in html and "Part 2" in html and "3-1-0801" in html
    for number in (1, 2):
        pdf = client.get(url, {"part": number})
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF") and f"{number}of2" in pdf["Content-Disposition"]
    notices = client.get(reverse("billing:notice_batch", args=[unit_a.building_id]), {"period": "2026-11"})
    assert notices.status_code == 200 and "Part 2" in notices.content.decode()
