"""Access matrix rows of the engineer's view, the work order PDF and callbacks; shared test helpers."""

from core.models import Role
from repairs.models import Category, Ticket
from repairs.services import tickets as ticket_services

DESK = frozenset({Role.CLERK, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN})
WORK = frozenset({Role.ENGINEER, Role.SUPERVISOR, Role.ADMIN})
VIEW = DESK | {Role.ENGINEER}


def make_ticket(community, *, actor, unit=None, location="", is_paid=False, urgency=Ticket.Urgency.NORMAL,
                kind=Ticket.Kind.REPAIR, contact_phone="13812345678", description="厨房水龙头漏水", **fields):
    """A NEW ticket as intake leaves it (moves are made with the status writer)."""
    from django.utils import timezone

    category, _created = Category.objects.get_or_create(community=community, name="水电")
    now = timezone.now()
    return Ticket.objects.create(
        community=community, number=ticket_services.next_number(community=community, kind=kind), kind=kind,
        unit=unit, location=location or ("" if unit else "3号楼大堂"),
        building=unit.building if unit else None, contact_name="张建国", contact_phone=contact_phone,
        category=category, description=description, urgency=urgency, is_paid=is_paid, created_by=actor,
        created_at=now, last_activity_at=now, **fields)


def move(ticket, *statuses, actor, **fields):
    for to in statuses:
        ticket = ticket_services.ticket_set_status(ticket=ticket, to=to, actor=actor, **fields)
        fields = {}
    return ticket


def dispatched_to(engineer, community, *, actor, **kwargs):
    ticket = make_ticket(community, actor=actor, **kwargs)
    return move(ticket, Ticket.Status.DISPATCHED, actor=actor, assignee=engineer)


def objects(community, users):
    from repairs.services.callbacks import callback_open_for

    clerk, engineer = users[Role.CLERK], users[Role.ENGINEER]
    work_ticket = dispatched_to(engineer, community, actor=clerk)
    done = move(dispatched_to(engineer, community, actor=clerk), Ticket.Status.ACCEPTED, Ticket.Status.ON_SITE,
                Ticket.Status.COMPLETED, actor=engineer, work_done="换阀芯")
    return {"work_ticket": work_ticket, "callback": callback_open_for(done)}


def _work(o):
    return {"pk": o["work_ticket"].pk}


def _callback(o):
    return {"pk": o["callback"].pk}


ENTRIES = {
    "repairs:work_list": (None, WORK, "get", False),
    "repairs:work_ticket": (_work, WORK, "get", True),
    "repairs:work_accept": (_work, WORK, "post", True),
    "repairs:work_arrive": (_work, WORK, "post", True),
    "repairs:work_hold": (_work, WORK, "get", True),
    "repairs:work_resume": (_work, WORK, "post", True),
    "repairs:work_complete": (_work, WORK, "get", True),
    "repairs:work_order_pdf": (_work, VIEW, "get", True),
    "repairs:callback_list": (None, DESK, "get", False),
    "repairs:callback_detail": (_callback, DESK, "get", True),
    "repairs:callback_attempt": (_callback, DESK, "post", True),
    "repairs:callback_result": (_callback, DESK, "post", True),
}
