"""Access matrix rows of fee setup, meter readings, bill runs and payment notices."""

import datetime
from decimal import Decimal

from billing.models import Bill, BillRun, FeeItem, FeeRate
from core.models import Role

RUN = frozenset({Role.CASHIER, Role.MANAGER, Role.ADMIN})  # billing.run
SETUP = frozenset({Role.MANAGER, Role.ADMIN})  # billing.setup
METER = frozenset({Role.CLERK, Role.CASHIER, Role.ENGINEER, Role.SUPERVISOR, Role.ADMIN})  # billing.meter
COLLECT = frozenset({Role.CASHIER, Role.ADMIN})  # billing.collect

ENTRIES = {
    "billing:feeitem_list": (None, SETUP, "get", False),
    "billing:feeitem_create": (None, SETUP, "get", False),
    "billing:feeitem_edit": (lambda o: {"pk": o["runs_item"].pk}, SETUP, "get", True),
    "billing:rate_list": (lambda o: {"pk": o["runs_item"].pk}, SETUP, "get", True),
    "billing:rate_create": (lambda o: {"pk": o["runs_item"].pk}, SETUP, "get", True),
    "billing:rate_edit": (lambda o: {"pk": o["runs_rate"].pk}, SETUP, "get", True),
    "billing:charge_add": (lambda o: {"pk": o["runs_unit"].pk}, COLLECT, "get", True),
    "billing:meter_grid": (None, METER, "get", False),
    "billing:meter_row": (lambda o: {"pk": o["runs_unit"].pk}, METER, "post", True),
    "billing:meter_import": (None, METER, "get", False),
    "billing:meter_template": (lambda o: {"pk": o["runs_unit"].building_id}, METER, "get", True),
    "billing:run_list": (None, RUN, "get", False),
    "billing:run_new": (None, RUN, "get", False),
    "billing:run_detail": (lambda o: {"pk": o["runs_run"].pk}, RUN, "get", True),
    "billing:run_repairs": (None, RUN, "post", False),
    "billing:notice_pdf": (lambda o: {"pk": o["runs_unit"].pk}, RUN, "get", True),
    "billing:notice_batch": (lambda o: {"pk": o["runs_unit"].building_id}, RUN, "get", True),
}


def objects(community, users) -> dict:
    from frontdesk.models import Building
    from tests.factories import EntranceFactory, OccupancyFactory, UnitFactory

    # Building.objects, not the factory: the factory's name sequence is shared with the other matrix modules.
    building = Building.objects.create(community=community, name="R7")
    unit = UnitFactory(entrance=EntranceFactory(building=building, name="1"), number="0701")
    OccupancyFactory(unit=unit)
    item = FeeItem.objects.create(community=community, code="mx-runs", name="物业服务费", kind=FeeItem.Kind.PROPERTY,
                                  basis=FeeItem.Basis.AREA)
    rate = FeeRate.objects.create(fee_item=item, valid_from=datetime.date(2026, 1, 1), price=Decimal("2.00"))
    period = datetime.date(2026, 10, 1)
    Bill.objects.create(community=community, building=building, unit=unit, fee_item=item, period=period,
                        quantity=Decimal("1"), unit_price=Decimal("100"), amount=Decimal("100.00"),
                        outstanding=Decimal("100.00"), due_date=period + datetime.timedelta(days=30))
    run = BillRun.objects.create(community=community, period=period, created_by=users[Role.MANAGER],
                                 status=BillRun.Status.DONE)
    return {"runs_item": item, "runs_rate": rate, "runs_unit": unit, "runs_run": run}
