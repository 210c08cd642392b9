"""Bill runs: idempotent set-based generation, rates by date and specificity, proration, parking by space
kind, meter bills with tiers, preview, progress, the Celery task and the run pages."""

import datetime
import time
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from billing.models import Bill, BillRun, FeeItem, FeeRate, MeterReading, UnitAccount
from billing.selectors.runs import bill_run_preview
from billing.services import runs
from core.models import Role
from frontdesk.models import Occupancy, ParkingSpace
from tests.factories import BuildingFactory, EntranceFactory, OccupancyFactory, UnitFactory

NOV = datetime.date(2026, 11, 1)
DEC = datetime.date(2026, 12, 1)


@pytest.fixture
def manager(users):
    return users[Role.MANAGER]


def run_now(community, period, actor, building=None):
    run = BillRun.objects.create(community=community, period=period, building=building, created_by=actor)
    return runs.bill_run_execute(run.pk)


def bills(unit, item=None):
    qs = Bill.objects.filter(unit=unit)
    if item:
        qs = qs.filter(fee_item=item)
    return list(qs.order_by("period", "id"))


def test_run_bills_area_and_is_idempotent(unit_a, fee_items, manager):
    run = run_now(unit_a.community, NOV, manager)
    assert run.status == BillRun.Status.DONE
    assert run.bills_created == 1 and run.amount_created == Decimal("223.75")  # 89.50 m² × 2.50
    bill = bills(unit_a)[0]
    assert bill.amount == bill.outstanding == Decimal("223.75")
    assert bill.description == "89.50 m² × 2.5000"
    assert bill.due_date == NOV + datetime.timedelta(days=30)
    assert bill.bill_run_id == run.pk and bill.prorate_days is None
    again = run_now(unit_a.community, NOV, manager)
    assert again.bills_created == 0 and again.amount_created == 0
    assert Bill.objects.count() == 1
    # calling execute twice on the same run changes nothing
    assert runs.bill_run_execute(run.pk).bills_created == 1
    assert Bill.objects.count() == 1


def test_unit_added_later_is_billed_by_next_run(unit_a, fee_items, manager):
    run_now(unit_a.community, NOV, manager)
    late = UnitFactory(entrance=unit_a.entrance, number="1503", area=Decimal("100.00"))
    second = run_now(unit_a.community, NOV, manager)
    assert second.bills_created == 1 and bills(late)[0].amount == Decimal("250.00")


def test_proration_from_owner_move_in(unit_a, fee_items, manager):
    Occupancy.objects.filter(unit=unit_a).update(start_date=datetime.date(2026, 11, 16))
    run_now(unit_a.community, NOV, manager)
    bill = bills(unit_a)[0]
    # 223.75 × 15/30 = 111.875 → 111.88 (half-up)
    assert bill.prorate_days == 15 and bill.amount == Decimal("111.88")
    assert bill.description.endswith("× 15/30 days")
    # unit with no owner: billed in full; owner from next month: no bill
    unsold = UnitFactory(entrance=unit_a.entrance, number="1601")
    future = UnitFactory(entrance=unit_a.entrance, number="1602")
    OccupancyFactory(unit=future, start_date=DEC)
    inactive = UnitFactory(entrance=unit_a.entrance, number="1603", is_active=False)
    run_now(unit_a.community, NOV, manager)
    assert bills(unsold)[0].amount == Decimal("223.75") and bills(unsold)[0].prorate_days is None
    assert bills(future) == [] and bills(inactive) == []
    # earliest owner start counts: a second owner later changes nothing
    OccupancyFactory(unit=unit_a, start_date=datetime.date(2026, 11, 20))
    run_now(unit_a.community, DEC, manager)
    assert bills(unit_a)[-1].amount == Decimal("223.75")


def test_rate_change_applies_from_its_date_and_issued_bills_keep_their_price(unit_a, fee_items, manager):
    run_now(unit_a.community, NOV, manager)
    FeeRate.objects.create(fee_item=fee_items["property"], valid_from=DEC, price=Decimal("3.00"))
    run_now(unit_a.community, NOV, manager)  # rerun of November: nothing new, old price kept
    run_now(unit_a.community, DEC, manager)
    nov, dec = bills(unit_a)
    assert nov.unit_price == Decimal("2.5000") and nov.amount == Decimal("223.75")
    assert dec.unit_price == Decimal("3.0000") and dec.amount == Decimal("268.50")


def test_most_specific_rate_wins(unit_a, fee_items, manager):
    item = fee_items["property"]
    building = unit_a.building
    shop = UnitFactory(entrance=unit_a.entrance, number="101", usage="shop", area=Decimal("10.00"))
    other_building = BuildingFactory(community=unit_a.community, name="5")
    other = UnitFactory(entrance=EntranceFactory(building=other_building), number="101", area=Decimal("10.00"))
    other_shop = UnitFactory(entrance=other.entrance, number="102", usage="shop", area=Decimal("10.00"))
    FeeRate.objects.create(fee_item=item, valid_from=NOV, usage="shop", price=Decimal("5.00"))
    FeeRate.objects.create(fee_item=item, valid_from=datetime.date(2026, 6, 1), building=building,
                           price=Decimal("2.00"))  # older but more specific than the community rate
    FeeRate.objects.create(fee_item=item, valid_from=NOV, building=building, usage="shop", price=Decimal("8.00"))
    run_now(unit_a.community, NOV, manager)
    assert bills(unit_a)[0].unit_price == Decimal("2.0000")  # building > community
    assert bills(shop)[0].amount == Decimal("80.00")  # building + usage
    assert bills(other_shop)[0].amount == Decimal("50.00")  # usage > community
    assert bills(other)[0].amount == Decimal("25.00")  # community-wide


def test_fee_item_usages_and_missing_rates(unit_a, fee_items, manager):
    lift = FeeItem.objects.create(community=unit_a.community, code="lift", name="电梯使用费", kind="lift",
                                  basis=FeeItem.Basis.UNIT, usages=["residential"])
    FeeRate.objects.create(fee_item=lift, building=unit_a.building, valid_from=NOV, price=Decimal("30"))
    shop = UnitFactory(entrance=unit_a.entrance, number="101", usage="shop")
    no_lift = UnitFactory(entrance=EntranceFactory(building=BuildingFactory(community=unit_a.community)))
    run_now(unit_a.community, NOV, manager)
    assert [b.amount for b in bills(unit_a, lift)] == [Decimal("30.00")]
    assert bills(shop, lift) == [] and bills(no_lift, lift) == []
    assert len(bills(no_lift)) == 1  # property fee only


def test_parking_by_space_kind(unit_a, fee_items, manager):
    community = unit_a.community
    management = FeeItem.objects.create(community=community, code="space", name="车位管理费", kind="parking",
                                        basis=FeeItem.Basis.SPACE)
    FeeRate.objects.create(fee_item=management, valid_from=NOV, usage="owned", price=Decimal("80"))
    FeeRate.objects.create(fee_item=fee_items["parking"], valid_from=NOV, usage="owned", price=Decimal("0"))
    FeeRate.objects.filter(fee_item=fee_items["parking"], usage="").update(usage="rented")
    ParkingSpace.objects.create(community=community, code="B-001", kind="rented", unit=unit_a)
    ParkingSpace.objects.create(community=community, code="B-002", kind="rented", unit=unit_a)
    ParkingSpace.objects.create(community=community, code="B-003", kind="owned", unit=unit_a)
    ParkingSpace.objects.create(community=community, code="B-004", kind="rented")  # no unit: not billed
    run_now(community, NOV, manager)
    parking = bills(unit_a, fee_items["parking"])[0]
    assert parking.quantity == 3 and parking.amount == Decimal("600.00")  # 2 rented × 300 + owned × 0
    assert "B-001, B-002, B-003" in parking.description
    assert [b.amount for b in bills(unit_a, management)] == [Decimal("80.00")]


def test_meter_bills_flat_and_tiered(unit_a, fee_items, manager):
    community = unit_a.community
    electricity = FeeItem.objects.create(community=community, code="power", name="电费", kind="electricity",
                                         basis=FeeItem.Basis.METER)
    FeeRate.objects.create(fee_item=electricity, valid_from=NOV, price=Decimal("0.80"),
                           tiers=[{"up_to": "100", "price": "0.50"}, {"up_to": "200", "price": "0.60"}])
    MeterReading.objects.create(community=community, unit=unit_a, kind="water", period=NOV, reading=Decimal("112"),
                                previous=Decimal("100"), usage=Decimal("12"), recorded_by=manager)
    MeterReading.objects.create(community=community, unit=unit_a, kind="electricity", period=NOV,
                                reading=Decimal("1250"), previous=Decimal("1000"), usage=Decimal("250"),
                                recorded_by=manager)
    other = UnitFactory(entrance=unit_a.entrance, number="1701")
    MeterReading.objects.create(community=community, unit=other, kind="electricity", period=NOV,
                                reading=Decimal("80"), previous=Decimal("0"), usage=Decimal("80"), recorded_by=manager)
    run = run_now(community, NOV, manager)
    water = bills(unit_a, fee_items["water"])[0]
    assert water.source == Bill.Source.METER and water.quantity == 12 and water.amount == Decimal("42.00")
    assert water.description == "100.00 → 112.00 = 12.00 × 3.5000"
    power = bills(unit_a, electricity)[0]
    # 100 × 0.50 + 100 × 0.60 + 50 × 0.80 = 150.00
    assert power.amount == Decimal("150.00") and power.unit_price == Decimal("0.6000")
    assert bills(other, electricity)[0].amount == Decimal("40.00")
    assert run.bills_created == 5  # 2 property + water + 2 electricity
    assert run_now(community, NOV, manager).bills_created == 0


def test_preview_writes_nothing(unit_a, fee_items, manager, django_assert_max_num_queries):
    UnitFactory(entrance=unit_a.entrance, number="1503", area=Decimal("100.00"))
    from billing.interface import charge_sources

    # the preview's own queries, plus one per registered charge source (repairs, renovation's fees and passes)
    with django_assert_max_num_queries(7 + len(charge_sources())):
        rows = bill_run_preview(community=unit_a.community, period=NOV)
    assert Bill.objects.count() == 0
    prop = next(r for r in rows if r["fee_item"] == fee_items["property"])
    assert prop["units"] == 2 and prop["to_create"] == 2 and prop["amount"] == Decimal("473.75")
    run_now(unit_a.community, NOV, manager)
    prop = next(r for r in bill_run_preview(community=unit_a.community, period=NOV)
                if r["fee_item"] == fee_items["property"])
    assert prop["billed"] == 2 and prop["to_create"] == 0 and prop["amount"] == 0


def test_progress_counts_buildings_and_balance_is_applied(unit_a, fee_items, manager):
    community = unit_a.community
    UnitFactory(entrance=EntranceFactory(building=BuildingFactory(community=community)))
    UnitAccount.objects.create(community=community, unit=unit_a, balance=Decimal("100.00"))
    run = run_now(community, NOV, manager)
    assert run.steps_total == 3 and run.steps_done == 3  # repairs + 2 buildings
    bill = bills(unit_a)[0]
    assert bill.paid == Decimal("100.00") and bill.outstanding == Decimal("123.75")
    building_run = run_now(community, DEC, manager, building=unit_a.building)
    assert building_run.steps_total == 1 and building_run.bills_created == 1


def test_start_validates_and_queues_on_commit(unit_a, fee_items, manager, community_b,
                                              django_capture_on_commit_callbacks):
    with pytest.raises(ValidationError):
        runs.bill_run_start(community=unit_a.community, period=datetime.date(2026, 11, 2), actor=manager)
    foreign = BuildingFactory(community=community_b)
    with pytest.raises(ValidationError):
        runs.bill_run_start(community=unit_a.community, period=NOV, actor=manager, building=foreign)
    with django_capture_on_commit_callbacks() as callbacks:
        run = runs.bill_run_start(community=unit_a.community, period=NOV, actor=manager)
        same = runs.bill_run_start(community=unit_a.community, period=NOV, actor=manager)
    assert same.pk == run.pk and len(callbacks) == 1 and run.status == BillRun.Status.QUEUED


@pytest.mark.django_db(transaction=True)
def test_a_real_celery_worker_runs_the_bill_run(unit_a, fee_items, manager):
    from unittest import mock

    from celery.contrib.testing.worker import start_worker

    from billing.tasks import bill_run
    from config.celery import app

    # our own queue, so that no other test worker on the shared Redis takes the task (the router is
    # built once per process, so the queue is chosen at the call, as tests/repairs/test_clock_worker.py does)
    queue = "test_billing_runs"
    with (mock.patch("billing.tasks.bill_run.delay",
                     side_effect=lambda pk: bill_run.apply_async(args=[pk], queue=queue)),
          start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10, queues=[queue])):
        with transaction.atomic():
            run = runs.bill_run_start(community=unit_a.community, period=NOV, actor=manager)
        deadline = time.monotonic() + 60  # generous: the CI machine may be busy
        while time.monotonic() < deadline:
            run.refresh_from_db()
            if run.status == BillRun.Status.DONE:
                break
            time.sleep(0.2)
    assert run.status == BillRun.Status.DONE and run.bills_created == 1


def test_paid_repairs_are_billed_by_a_community_run(unit_a, fee_items, manager):
    from repairs.models import Charge
    from tests.repairs.matrix_work import make_ticket

    ticket = make_ticket(unit_a.community, actor=manager, unit=unit_a, is_paid=True)
    Charge.objects.create(community=unit_a.community, ticket=ticket, unit=unit_a, description="换水龙头",
                          amount=Decimal("60.00"))
    run = run_now(unit_a.community, NOV, manager)
    repair = Bill.objects.get(source=Bill.Source.CHARGE)
    assert repair.bill_run_id == run.pk and run.bills_created == 2
    assert run.amount_created == Decimal("283.75")


# --- the pages ---------------------------------------------------------------------------------------------

@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


def test_new_run_preview_confirm_and_progress(manager_client, unit_a, fee_items,
                                              django_capture_on_commit_callbacks):
    community = unit_a.community
    url = reverse("billing:run_new")
    page = manager_client.get(url, {"community": community.pk, "period": "2026-11", "building": ""})
    content = page.content.decode()
    assert page.status_code == 200 and "run-preview" in content and "¥223.75" in content
    assert Bill.objects.count() == 0 and BillRun.objects.count() == 0
    bad = manager_client.get(url, {"community": community.pk, "period": "2026-13"})
    assert "run-preview" not in bad.content.decode() and "2026-11" in bad.content.decode()
    token = page.context["token"]
    with django_capture_on_commit_callbacks() as callbacks:
        response = manager_client.post(url, {"community_pk": community.pk, "period": "2026-11", "building": "",
                                             "form_token": token})
        again = manager_client.post(url, {"community_pk": community.pk, "period": "2026-11", "building": "",
                                          "form_token": token})
    run = BillRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("billing:run_detail", args=[run.pk])
    assert again["Location"] == response["Location"] and len(callbacks) == 1
    progress = manager_client.get(reverse("billing:run_detail", args=[run.pk]), HTTP_HX_REQUEST="true")
    assert 'data-hx-trigger="every 1s"' in progress.content.decode() and "<html" not in progress.content.decode()
    runs.bill_run_execute(run.pk)  # what the queued task does
    done = manager_client.get(reverse("billing:run_detail", args=[run.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert "every 1s" not in done and "物业服务费" in done and "¥223.75" in done
    assert "run-row" in manager_client.get(reverse("billing:run_list")).content.decode()


def test_run_list_query_count_is_constant(manager_client, unit_a, manager, django_assert_max_num_queries):
    url = reverse("billing:run_list")
    manager_client.get(url)
    BillRun.objects.create(community=unit_a.community, period=NOV, created_by=manager)
    with django_assert_max_num_queries(15) as small:
        assert manager_client.get(url).status_code == 200
    for n in range(1, 10):
        BillRun.objects.create(community=unit_a.community, period=datetime.date(2026, n, 1), created_by=manager,
                               building=unit_a.building)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert manager_client.get(url).status_code == 200


def test_bill_the_paid_repairs_button(manager_client, unit_a, manager):
    from repairs.models import Charge
    from tests.repairs.matrix_work import make_ticket

    ticket = make_ticket(unit_a.community, actor=manager, unit=unit_a, is_paid=True)
    Charge.objects.create(community=unit_a.community, ticket=ticket, unit=unit_a, description="换锁",
                          amount=Decimal("80.00"))
    assert ">1<" in manager_client.get(reverse("billing:run_list")).content.decode().replace(" ", "")
    response = manager_client.post(reverse("billing:run_repairs"), {"community_pk": unit_a.community_id})
    assert response.status_code == 302 and Bill.objects.get(source="charge").amount == Decimal("80.00")
    manager_client.post(reverse("billing:run_repairs"), {"community_pk": unit_a.community_id})
    assert Bill.objects.filter(source="charge").count() == 1


def test_payment_notice_pdfs(manager_client, unit_a, fee_items, make_bill, django_assert_max_num_queries):
    make_bill(unit_a, fee_items["property"], datetime.date(2026, 10, 1), "223.75")
    make_bill(unit_a, fee_items["property"], NOV, "223.75")
    response = manager_client.get(reverse("billing:notice_pdf", args=[unit_a.pk]), {"period": "2026-11"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    from billing.selectors.runs import notices
    from frontdesk.models import Unit

    with django_assert_max_num_queries(3):
        found = notices(units_qs=Unit.objects.filter(building=unit_a.building), period=NOV)
    assert len(found) == 1 and found[0].total == Decimal("447.50") and found[0].owners == "张建国"
    assert found[0].total_upper == "人民币肆佰肆拾柒元伍角整" or "肆佰肆拾柒" in found[0].total_upper
    assert [b.is_current for b in found[0].bills] == [False, True]
    # October's notice leaves November out
    assert notices(units_qs=Unit.objects.filter(pk=unit_a.pk), period=datetime.date(2026, 10, 1))[0].total == \
        Decimal("223.75")


def test_notice_batch_of_a_200_unit_building_comes_in_parts(manager_client, unit_a, fee_items):
    """200 units: a page of 5 parts of 40, each a PDF ready well within the server's 60 s timeout."""
    from django.db import connection

    from billing.documents import BATCH_PAGES
    from core.models import User

    with connection.cursor() as cursor:
        cursor.execute("""
            INSERT INTO frontdesk_unit (community_id, building_id, entrance_id, number, floor, area, usage, code,
                                        notes, is_active)
            SELECT %s, %s, %s, g::text, g / 10, 90, 'residential', '3-2-' || g, '', true FROM generate_series(1, 199) g
        """, [unit_a.community_id, unit_a.building_id, unit_a.entrance_id])
    manager = User.objects.filter(role="manager").first()
    for period in (datetime.date(2026, 10, 1), NOV):
        run_now(unit_a.community, period, manager)
    assert Bill.objects.filter(building=unit_a.building).count() == 400
    url = reverse("billing:notice_batch", args=[unit_a.building_id])
    parts = manager_client.get(url, {"period": "2026-11"})
    assert parts.status_code == 200 and len(parts.context["parts"]) == 200 // BATCH_PAGES
    assert sum(part["count"] for part in parts.context["parts"]) == 200
    started = time.monotonic()
    response = manager_client.get(url, {"period": "2026-11", "part": 5})
    seconds = time.monotonic() - started
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    print(f"notice batch: part 5 ({BATCH_PAGES} units) in {seconds:.1f} s (render {response['X-Render-Seconds']} s)")
    assert seconds < 45  # WeasyPrint: about 0.1–0.2 s a page on the shared 2-core box
