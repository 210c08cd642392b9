"""Access matrix rows of the clock pages, and the small builders the clock tests share."""

import datetime
import zoneinfo

from django.db import transaction

from core.models import Role

DESK = frozenset({Role.CLERK, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN})
T0 = datetime.datetime(2026, 11, 22, 9, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))  # a Sunday morning at the desk


def make_ticket(community, *, actor, kind="repair", urgency="normal", at=T0, unit=None, **fields):
    """A ticket as intake leaves it (status new), written directly: intake is another area's service."""
    from repairs.models import Category, Ticket
    from repairs.services.tickets import next_number

    category, _created = Category.objects.get_or_create(community=community, name="水电")
    fields.setdefault("location", "" if unit else "3栋大堂")
    with transaction.atomic():  # the counter row is locked
        number = next_number(community=community, kind=kind, now=at)
    return Ticket.objects.create(
        community=community, number=number, kind=kind, urgency=urgency,
        unit=unit, contact_name="张建国", contact_phone="13812345678", category=category,
        description="厨房水管漏水", created_by=actor, created_at=at, last_activity_at=at, **fields)


def make_clock(ticket, kind="dispatch", *, started=T0, minutes=3, warn_percent=33, **fields):
    """A clock row as ``clock_start`` writes it (without queueing ETA tasks)."""
    from repairs.models import Clock

    due = started + datetime.timedelta(minutes=minutes)
    warn = due - (due - started) * (warn_percent / 100)
    return Clock.objects.create(ticket=ticket, community_id=ticket.community_id, kind=kind, started_at=started,
                                due_at=due, warn_at=warn, **fields)


def objects(community, users):
    ticket = make_ticket(community, actor=users[Role.CLERK])
    breached = make_clock(ticket, breached_at=T0 + datetime.timedelta(minutes=3))
    return {"breached_clock": breached}


ENTRIES = {
    "repairs:overdue": (None, DESK, "get", False),
    "repairs:clock_inform_owner": (lambda o: {"pk": o["breached_clock"].pk}, DESK, "get", True),
}
