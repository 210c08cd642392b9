"""Access-matrix rows for the roster area (merged by tests/core/test_access_matrix.py)."""

import datetime

from core.models import Role
from duty.models import Assignment, Roster, ShiftChangeRequest, ShiftTemplate
from duty.selectors.coverage import shift_span
from duty.services.roster import shift_templates_ensure

DESK = frozenset({Role.CLERK, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN})
ROSTER = frozenset({Role.SUPERVISOR, Role.ADMIN})
APPROVE = frozenset({Role.MANAGER, Role.ADMIN})
LOG = frozenset({Role.CLERK, Role.SUPERVISOR})
MONTH = datetime.date(2026, 12, 1)


def _month(o):
    return {"community_pk": o["roster_community"].pk, "year": MONTH.year, "month": MONTH.month}


ENTRIES = {
    "duty:roster_list": (None, DESK, "get", False),
    "duty:roster_month": (_month, DESK, "get", True),
    "duty:roster_save": (_month, ROSTER, "post", True),
    "duty:roster_copy": (_month, ROSTER, "post", True),
    "duty:roster_submit": (_month, ROSTER, "post", True),
    "duty:roster_pdf": (_month, DESK, "get", True),
    "duty:roster_decide": (lambda o: {"pk": o["roster_month"].pk}, APPROVE, "get", True),
    "duty:shift_list": (lambda o: {"community_pk": o["roster_community"].pk}, ROSTER, "get", True),
    "duty:shift_create": (lambda o: {"community_pk": o["roster_community"].pk}, ROSTER, "get", True),
    "duty:shift_edit": (lambda o: {"community_pk": o["roster_community"].pk, "pk": o["roster_shift"].pk}, ROSTER, "get", True),
    "duty:request_list": (None, DESK, "get", False),
    "duty:request_create": (None, LOG, "get", False),
    "duty:request_decide": (lambda o: {"pk": o["roster_change_request"].pk}, ROSTER, "get", True),
    "duty:request_cancel": (lambda o: {"pk": o["roster_change_request"].pk}, LOG, "post", True),
}


def objects(community, users):
    shift_templates_ensure(community)
    shift = ShiftTemplate.objects.get(community=community, code="E")
    roster = Roster.objects.create(community=community, month=MONTH, created_by=users[Role.SUPERVISOR])
    day = MONTH.replace(day=5)
    starts, ends = shift_span(day, shift)
    assignment = Assignment.objects.create(community=community, roster=roster, user=users[Role.CLERK], date=day,
                                           shift=shift, starts_at=starts, ends_at=ends)
    change = ShiftChangeRequest.objects.create(community=community, kind=ShiftChangeRequest.Kind.LEAVE,
                                               requester=users[Role.CLERK], assignment=assignment, reason="matrix")
    return {"roster_community": community, "roster_month": roster, "roster_shift": shift, "roster_change_request": change}
