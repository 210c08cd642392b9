"""Access matrix rows of the hot-work permits and the lift/stair bookings (renovation:hotwork_*, lift_*).
The roles are read from ``core.permissions.ACTIONS``: the renovation core owns ``renovation.view`` & co."""

import datetime

from django.utils import timezone

from core.models import Role
from core.permissions import ACTIONS
from renovation.models import Lift

VIEW = ACTIONS["renovation.view"]
FILE = ACTIONS["renovation.file"]
REVIEW = ACTIONS["renovation.review"]
APPROVE = ACTIONS["renovation.approve"]
INSPECT = ACTIONS["renovation.inspect"]
SAFETY = ACTIONS["renovation.safety"]
LIFTS = ACTIONS["renovation.lifts"]
DUTY_APPROVE = ACTIONS["renovation.duty_approve"]


def objects(community, users):
    from tests.renovation.hotwork_data import apply, book, issued, make_lift, make_site, make_unit

    clerk = users[Role.CLERK]
    unit = make_unit(community, building="H88")  # not a number: BuildingFactory's sequence names never clash
    site = make_site(community, clerk, unit=unit)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    permit = apply(site, clerk, day=tomorrow)
    printed = issued(site, users, day=tomorrow)
    lift = make_lift(unit, users[Role.MANAGER], name="消防梯", kind=Lift.Kind.FIRE)
    booking = book(unit, lift, clerk)
    from renovation.services.lifts import booking_review

    awaiting = booking_review(booking=book(unit, lift, clerk, start=datetime.time(11), end=datetime.time(12)),
                              passed=True, comments="", actor=users[Role.ENGINEER])
    return {"hotwork": permit, "hotwork_issued": printed, "hotwork_file": permit.attachments.first(), "lift": lift,
            "lift_booking": booking, "lift_booking_approval": awaiting}


def _hw(o):
    return {"pk": o["hotwork"].pk}


def _bk(o):
    return {"pk": o["lift_booking"].pk}


ENTRIES = {
    "renovation:hotwork_list": (None, VIEW, "get", False),
    "renovation:hotwork_create": (None, FILE, "get", False),
    "renovation:hotwork_detail": (_hw, VIEW, "get", True),
    "renovation:hotwork_file": (lambda o: {"pk": o["hotwork_file"].pk}, VIEW, "get", True),
    "renovation:hotwork_review_engineering": (_hw, REVIEW, "post", True),
    "renovation:hotwork_review_safety": (_hw, SAFETY, "post", True),
    "renovation:hotwork_decide": (_hw, APPROVE, "post", True),
    "renovation:hotwork_withdraw": (_hw, FILE, "post", True),
    "renovation:hotwork_close_out": (_hw, INSPECT, "post", True),
    "renovation:hotwork_pdf": (lambda o: {"pk": o["hotwork_issued"].pk}, VIEW, "get", True),
    "renovation:lift_manage": (None, LIFTS, "get", False),
    "renovation:lift_toggle": (lambda o: {"pk": o["lift"].pk}, LIFTS, "post", True),
    "renovation:lift_board": (None, VIEW, "get", False),
    "renovation:lift_book": (None, FILE, "get", False),
    "renovation:lift_booking_list": (None, VIEW, "get", False),
    "renovation:lift_booking_detail": (_bk, VIEW, "get", True),
    "renovation:lift_booking_review": (_bk, REVIEW, "post", True),
    "renovation:lift_booking_approve": (lambda o: {"pk": o["lift_booking_approval"].pk}, DUTY_APPROVE, "post", True),
    "renovation:lift_booking_cancel": (_bk, FILE, "post", True),
}
