"""Access matrix rows of the rounds, acceptance and deposit-ledger pages."""

import datetime

from django.utils import timezone

from core.models import Role
from renovation.services import rounds
from tests.renovation.helpers_rounds import active_site, png

INSPECT = frozenset({Role.CLERK, Role.ENGINEER, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN})
ACCEPT = frozenset({Role.ENGINEER, Role.ADMIN})
DEDUCT = frozenset({Role.MANAGER, Role.ADMIN})
LEDGER = frozenset({Role.CLERK, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN, Role.CASHIER})
QUEUE = LEDGER | {Role.ENGINEER}


def objects(community, users):
    site = active_site(community, users)
    inspection = rounds.inspection_record(
        renovation=site, checks_ok=["permit_posted"], photos=[png()], actor=users[Role.CLERK],
        violation={"category": "rubbish", "description": "楼道堆放垃圾",
                   "deadline": timezone.localdate() + datetime.timedelta(days=1), "deduction": "100",
                   "deduction_reason": "清理费"})
    return {"renovation_site": site, "round_photo": inspection.photos.get(),
            "violation": inspection.violations.get()}


def _site(o):
    return {"pk": o["renovation_site"].pk}


def _violation(o):
    return {"pk": o["violation"].pk}


ENTRIES = {
    "renovation:round_sheet": (None, INSPECT, "get", False),
    "renovation:site": (_site, INSPECT, "get", True),
    "renovation:inspection_photo": (lambda o: {"pk": o["round_photo"].pk}, INSPECT, "get", True),
    "renovation:violation_list": (None, INSPECT, "get", False),
    "renovation:violation_detail": (_violation, INSPECT, "get", True),
    "renovation:violation_recheck": (_violation, INSPECT, "post", True),
    "renovation:violation_void": (_violation, DEDUCT, "post", True),
    "renovation:deduction_propose": (_violation, INSPECT, "post", True),
    "renovation:deduction_decide": (_violation, DEDUCT, "post", True),
    "renovation:acceptance_list": (None, QUEUE, "get", False),
    "renovation:acceptance": (_site, INSPECT, "get", True),
    "renovation:acceptance_request": (_site, INSPECT, "post", True),
    "renovation:acceptance_record": (_site, ACCEPT, "post", True),
    "renovation:ledger": (_site, LEDGER, "get", True),
    "renovation:ledger_refund": (_site, LEDGER, "post", True),
    "renovation:ledger_close": (_site, LEDGER, "post", True),
}
