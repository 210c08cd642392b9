"""Access matrix rows of arrears, dunning notices, reminders and the collection rate."""

import datetime
from decimal import Decimal

from billing.models import Bill, FeeItem
from core.models import Role

VIEW = frozenset({Role.CLERK, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN, Role.CASHIER})  # billing.view
RUN = frozenset({Role.CASHIER, Role.MANAGER, Role.ADMIN})  # billing.run
SETUP = frozenset({Role.MANAGER, Role.ADMIN})  # billing.setup
STATS = frozenset({Role.CASHIER, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN})  # billing.stats

ENTRIES = {
    "billing:arrears": (None, VIEW, "get", False),
    "billing:arrears_unit": (lambda o: {"pk": o["arrears_unit"].pk}, VIEW, "get", True),
    "billing:dunning_pdf": (lambda o: {"pk": o["arrears_unit"].pk}, RUN, "get", True),
    "billing:dunning_batch": (lambda o: {"pk": o["arrears_unit"].building_id}, RUN, "get", True),
    "billing:reminder_log": (None, VIEW, "get", False),
    "billing:reminder_policy": (None, SETUP, "get", False),
    "billing:collection": (None, STATS, "get", False),
}


def objects(community, users) -> dict:
    from frontdesk.models import Building
    from tests.factories import EntranceFactory, UnitFactory

    # Building.objects, not the factory: the factory's name sequence is shared with the other matrix modules.
    building = Building.objects.create(community=community, name="A8")
    unit = UnitFactory(entrance=EntranceFactory(building=building, name="1"), number="801")
    item, _created = FeeItem.objects.get_or_create(
        community=community, code="arrears-matrix",
        defaults={"name": "物业服务费", "kind": FeeItem.Kind.PROPERTY, "basis": FeeItem.Basis.AREA})
    period = datetime.date(2025, 1, 1)
    Bill.objects.create(community=community, building_id=unit.building_id, unit=unit, fee_item=item, period=period,
                        quantity=Decimal("1"), unit_price=Decimal("100"), amount=Decimal("100"),
                        outstanding=Decimal("100"), due_date=period + datetime.timedelta(days=30))
    return {"arrears_unit": unit}
