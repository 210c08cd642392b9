"""Access matrix rows of the release slips and the gate check; shared helpers for the slip tests."""

import base64
import io

from django.utils import timezone

from core.models import Role
from frontdesk.models import Occupancy
from frontdesk.services import slips as services
from tests.factories import OccupancyFactory, PersonFactory

DESK = frozenset({Role.CLERK, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN})
GATE = frozenset({Role.GUARD, Role.CLERK, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN})
PASSWORD = "pw-123456"  # tests.factories.UserFactory
CARRIER_ID = "440301198506154316"


def png_data_url() -> str:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (120, 40), "white")
    ImageDraw.Draw(image).line((5, 30, 60, 5, 115, 30), fill="black", width=3)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def owner_unit(community):
    """A unit of ``community`` with one current owner: (unit, owner person)."""
    occupancy = OccupancyFactory(unit__entrance__building__community=community,
                                 person=PersonFactory(community=community, name="李国强"))
    return occupancy.unit, occupancy.person


def issue(unit, owner, *, actor, **kwargs):
    fields = {"applicant_kind": "owner", "applicant": owner, "carrier_name": "王师傅",
              "carrier_id_type": "resident_id", "carrier_id_number": CARRIER_ID, "vehicle_plate": "粤B6K218",
              "items": [{"name": "双人床", "quantity": 1, "description": "拆开打包"}], "reason": "moving",
              "valid_on": timezone.localdate()}
    fields.update(kwargs)
    return services.slip_issue(unit=unit, actor=actor, **fields)


def signed(slip, users, *, approve=True):
    slip = services.slip_supervisor_sign(slip=slip, password=PASSWORD, actor=users[Role.SUPERVISOR])
    if approve and slip.status == "pending_manager":
        slip = services.slip_manager_approve(slip=slip, password=PASSWORD, actor=users[Role.MANAGER])
    return slip


def tenant_of(unit, community, name="赵租客"):
    return OccupancyFactory(unit=unit, kind=Occupancy.Kind.TENANT, share=None,
                            person=PersonFactory(community=community, name=name)).person


def objects(community, users):
    clerk = users[Role.CLERK]
    unit, owner = owner_unit(community)
    pending = issue(unit, owner, actor=clerk, sign_mode="pad", signature_data=png_data_url())
    waiting_manager = services.slip_supervisor_sign(slip=issue(unit, owner, actor=clerk), password=PASSWORD,
                                                    actor=users[Role.SUPERVISOR])
    valid = signed(issue(unit, owner, actor=clerk), users)
    return {"slip_pending": pending, "slip_waiting_manager": waiting_manager, "slip_valid": valid}


def _pending(o):
    return {"pk": o["slip_pending"].pk}


ENTRIES = {
    "frontdesk:slip_list": (None, DESK, "get", False),
    "frontdesk:slip_create": (None, DESK, "get", False),
    "frontdesk:slip_settings": (None, frozenset({Role.MANAGER, Role.ADMIN}), "get", False),
    "frontdesk:slip_detail": (_pending, DESK, "get", True),
    "frontdesk:slip_sign": (_pending, frozenset({Role.SUPERVISOR}), "post", True),
    "frontdesk:slip_approve": (lambda o: {"pk": o["slip_waiting_manager"].pk}, frozenset({Role.MANAGER}), "post", True),
    "frontdesk:slip_void": (_pending, DESK, "get", True),
    "frontdesk:slip_pdf": (_pending, DESK, "get", True),
    "frontdesk:slip_signature": (_pending, DESK, "get", True),
    "frontdesk:gate_home": (None, GATE, "get", False),
    "frontdesk:gate_slip": (lambda o: {"token": o["slip_valid"].token}, GATE, "get", True),
    "frontdesk:gate_release": (lambda o: {"token": o["slip_valid"].token}, GATE, "post", True),
}
