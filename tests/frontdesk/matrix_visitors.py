"""Access matrix rows of the visitor register (the gate guard, cashier and engineer are refused), and the
builder the visitor tests share."""

import datetime

from django.utils import timezone

from core.models import Role

DESK = frozenset({Role.CLERK, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN})


def make_visitor(unit, *, actor, kind="expected", name="李访客", phone="13900007777", **fields):
    from frontdesk.services.visitors import visitor_register

    if kind == "expected":
        fields.setdefault("called_by", "张建国")
        fields.setdefault("expected_at", timezone.now() + datetime.timedelta(hours=1))
    return visitor_register(unit=unit, kind=kind, name=name, phone=phone, actor=actor, **fields)


def objects(community, users):
    from tests.factories import UnitFactory

    unit = UnitFactory(entrance__building__community=community)
    return {"visitor": make_visitor(unit, actor=users[Role.CLERK], plate="粤B7A123")}


def _visitor(o):
    return {"pk": o["visitor"].pk}


ENTRIES = {
    "frontdesk:visitor_board": (None, DESK, "get", False),
    "frontdesk:visitor_create": (None, DESK, "get", False),
    "frontdesk:visitor_log": (None, DESK, "get", False),
    "frontdesk:visitor_sweep": (None, DESK, "get", False),
    "frontdesk:visitor_detail": (_visitor, DESK, "get", True),
    "frontdesk:visitor_answer": (_visitor, DESK, "post", True),
    "frontdesk:visitor_time_in": (_visitor, DESK, "post", True),
    "frontdesk:visitor_time_out": (_visitor, DESK, "post", True),
    "frontdesk:visitor_no_show": (_visitor, DESK, "post", True),
    "frontdesk:visitor_void": (_visitor, DESK, "get", True),
}
