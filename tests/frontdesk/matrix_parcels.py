"""Access matrix rows of the parcel register (邮件包裹), and the builders the parcel tests share."""

from core.models import Role

DESK = frozenset({Role.CLERK, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN})
SETUP = frozenset({Role.SUPERVISOR, Role.MANAGER, Role.ADMIN})


def make_unit(community, building="P9", number="901", *, owner_phone="13900001111", owner_name="李秀英"):
    """A room with one owner (a phone for the SMS); building "P9" is a name the factories never produce."""
    from frontdesk.models import Building, Entrance
    from tests.factories import BuildingFactory, EntranceFactory, OccupancyFactory, PersonFactory, UnitFactory

    b = Building.objects.filter(community=community, name=building).first() or BuildingFactory(community=community,
                                                                                               name=building)
    e = Entrance.objects.filter(building=b, name="1").first() or EntranceFactory(building=b, name="1")
    unit = UnitFactory(entrance=e, number=number)
    OccupancyFactory(unit=unit, person=PersonFactory(community=community, name=owner_name, phone=owner_phone,
                                                     id_number=""))
    return unit


def make_parcel(unit, *, actor, tracking_no="SF1234567890", **fields):
    from frontdesk.services.parcels import parcel_register

    fields.setdefault("carrier", "sf")
    return parcel_register(actor=actor, unit=unit, tracking_no=tracking_no, **fields)


def objects(community, users):
    unit = make_unit(community)
    return {"parcel": make_parcel(unit, actor=users[Role.CLERK], tracking_no="YT9990001")}


ENTRIES = {
    "frontdesk:parcel_list": (None, DESK, "get", False),
    "frontdesk:parcel_overdue": (None, DESK, "get", False),
    "frontdesk:parcel_create": (None, DESK, "get", False),
    "frontdesk:parcel_batch": (None, DESK, "get", False),
    "frontdesk:parcel_resolve": (None, DESK, "get", False),
    "frontdesk:parcel_pickup": (None, DESK, "get", False),
    "frontdesk:parcel_settings": (None, SETUP, "get", False),
    "frontdesk:parcel_detail": (lambda o: {"pk": o["parcel"].pk}, DESK, "get", True),
    "frontdesk:parcel_void": (lambda o: {"pk": o["parcel"].pk}, DESK, "get", True),
}
