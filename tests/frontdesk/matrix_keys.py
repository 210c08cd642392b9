"""Access matrix rows of the key custody pages (issue 11), and the small builders the key tests share."""

import datetime

from django.utils import timezone

from core.models import Role
from frontdesk.models import Occupancy

DESK = frozenset({Role.CLERK, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN})
CONTRACTOR = {"taker_kind": "contractor", "name": "王师傅", "company": "安居装饰", "id_type": "resident_id",
              "id_number": "440305198805120015", "phone": "13922223333"}


def owner_of(unit):
    return Occupancy.objects.filter(unit=unit, kind=Occupancy.Kind.OWNER, end_date__isnull=True).first().person


def deposit(unit, actor, *, tag="K001", depositor=None, **fields):
    from frontdesk.services.keys import key_deposit

    data = {"purpose": "renovation", "consent_ref": "委托书 2026-001", "opens": "入户门", "envelope_no": "F0001"} | fields
    return key_deposit(unit=unit, depositor=depositor or owner_of(unit), tag_no=tag, actor=actor, **data)


def sign_out(key, actor, *, hours=2, **fields):
    from frontdesk.services.keys import key_sign_out

    data = CONTRACTOR | {"reason": "装修量房", "due_back_at": timezone.now() + datetime.timedelta(hours=hours)} | fields
    return key_sign_out(key=key, actor=actor, **data)


def objects(community, users):
    from tests.factories import OccupancyFactory

    clerk = users[Role.CLERK]
    unit = OccupancyFactory(unit__entrance__building__community=community).unit
    held = deposit(unit, clerk, tag=f"M-{unit.pk}")
    out = deposit(unit, clerk, tag=f"M-{unit.pk}-2")
    sign_out(out, clerk)
    return {"key_unit": unit, "key_in": held, "key_out": out}


ENTRIES = {
    "frontdesk:key_list": (None, DESK, "get", False),
    "frontdesk:key_overdue": (None, DESK, "get", False),
    "frontdesk:key_public_create": (None, DESK, "get", False),
    "frontdesk:key_deposit": (lambda o: {"pk": o["key_unit"].pk}, DESK, "get", True),
    "frontdesk:key_detail": (lambda o: {"pk": o["key_in"].pk}, DESK, "get", True),
    "frontdesk:key_sign_out": (lambda o: {"pk": o["key_in"].pk}, DESK, "get", True),
    "frontdesk:key_sign_in": (lambda o: {"pk": o["key_out"].pk}, DESK, "get", True),
    "frontdesk:key_return": (lambda o: {"pk": o["key_in"].pk}, DESK, "get", True),
    "frontdesk:key_lost": (lambda o: {"pk": o["key_in"].pk}, DESK, "get", True),
}
