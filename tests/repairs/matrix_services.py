"""Access matrix rows of paid home services: the price list, booking, the service order PDF."""

from core.models import Role

DESK = frozenset({Role.CLERK, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN})
VIEW = DESK | {Role.ENGINEER}
PRICES = frozenset({Role.SUPERVISOR, Role.MANAGER, Role.ADMIN})


def objects(community, users):
    import datetime

    from django.utils import timezone

    from frontdesk.models import Unit
    from repairs.services import home_services
    from tests.factories import BuildingFactory, EntranceFactory, UnitFactory

    supervisor, clerk = users[Role.SUPERVISOR], users[Role.CLERK]
    item = home_services.service_item_add(community=community, name="家居清洁", unit_of_charge="小时", price="40",
                                          valid_from=timezone.localdate(), actor=supervisor)
    unit = Unit.objects.filter(community=community).first() or UnitFactory(
        entrance=EntranceFactory(building=BuildingFactory(community=community, name="9"), name="1"))
    ticket = home_services.service_book(unit=unit, item=item, quantity="3", workers=1,
                                        wanted_at=timezone.now() + datetime.timedelta(hours=3), contact_name="张建国",
                                        contact_phone="13812345678", actor=clerk)
    return {"service_item": item, "service_unit": unit, "service_ticket": ticket}


ENTRIES = {
    "repairs:service_prices": (None, VIEW, "get", False),
    "repairs:service_item_create": (None, PRICES, "get", False),
    "repairs:service_price_create": (lambda o: {"pk": o["service_item"].pk}, PRICES, "get", True),
    "repairs:service_item_toggle": (lambda o: {"pk": o["service_item"].pk}, PRICES, "post", True),
    "repairs:service_book": (None, DESK, "get", False),
    "repairs:service_order_pdf": (lambda o: {"pk": o["service_ticket"].pk}, VIEW, "get", True),
}
