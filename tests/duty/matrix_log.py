"""Access-matrix rows for the duty log, handover, shared-item and daily sign-off URLs (merged by
tests/core/test_access_matrix.py)."""

import datetime

from django.utils import timezone

from core.models import Role

DESK = frozenset({Role.CLERK, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN})
LOG = frozenset({Role.CLERK, Role.SUPERVISOR})
REVIEW = frozenset({Role.SUPERVISOR, Role.MANAGER, Role.ADMIN})
ROSTER = frozenset({Role.SUPERVISOR, Role.ADMIN})

ENTRIES = {
    "duty:today": (None, DESK, "get", False),
    "duty:log_add": (None, LOG, "post", False),
    "duty:log_correct": (lambda o: {"pk": o["log_entry"].pk}, LOG, "get", True),
    "duty:log_close": (lambda o: {"pk": o["log_entry"].pk}, LOG, "get", True),
    "duty:log_verify": (None, REVIEW, "get", False),
    "duty:signoff_days": (None, REVIEW, "get", False),
    "duty:signoff_day": (lambda o: {"date": o["log_day"]}, REVIEW, "get", False),
    "duty:handover_list": (None, DESK, "get", False),
    "duty:handover_start": (None, LOG, "get", False),
    "duty:handover_detail": (lambda o: {"pk": o["log_handover"].pk}, DESK, "get", True),
    "duty:handover_sign_out": (lambda o: {"pk": o["log_handover"].pk}, LOG, "post", True),
    "duty:handover_accept": (lambda o: {"pk": o["log_handover"].pk}, LOG, "post", True),
    "duty:handover_override": (lambda o: {"pk": o["log_handover"].pk}, REVIEW, "post", True),
    "duty:handover_pdf": (lambda o: {"pk": o["log_handover"].pk}, DESK, "get", True),
    "duty:items": (None, ROSTER, "get", False),
    "duty:item_edit": (lambda o: {"pk": o["log_item"].pk}, ROSTER, "get", True),
}


def objects(community, users):
    from duty.models import SharedItem
    from duty.services.handover import handover_start
    from duty.services.log import entry_append
    from tests.factories import UserFactory

    entry = entry_append(community=community, author=users[Role.CLERK], kind="call", content="业主来电：楼道灯不亮",
                         follow_up_needed=True, important=True)
    item = SharedItem.objects.create(community=community, name="对讲机", expected_count=4)
    incoming = UserFactory(role=Role.CLERK, communities=[community], username="clerk_matrix_incoming")  # the desk goes to a clerk
    handover = handover_start(community=community, incoming=incoming, actor=users[Role.CLERK])
    day = timezone.localdate() - datetime.timedelta(days=1)
    return {"log_entry": entry, "log_item": item, "log_handover": handover, "log_day": day.isoformat()}
