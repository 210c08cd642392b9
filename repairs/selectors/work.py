"""The engineer's side: the tickets an engineer may work on, their list, one ticket card, the work order."""

from django.db.models import F, OuterRef, Q, Subquery
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from core import durations
from core.models import Role
from frontdesk.models import Person
from frontdesk.scoping import scope

from ..models import Clock, Team, Ticket

S = Ticket.Status
WORKING = [S.DISPATCHED, S.ACCEPTED, S.ON_SITE, S.ON_HOLD]
WORK_KINDS = [Ticket.Kind.REPAIR, Ticket.Kind.SERVICE]  # what engineers and workers do on site


def work_tickets_for(user):
    """Tickets this user may work on: an engineer those assigned to them or to one of their teams;
    supervisors and admins every ticket of their communities. Anything else is a 404."""
    qs = scope(Ticket.objects.all(), user)
    if user.role == Role.ENGINEER and not user.is_superuser:
        # the team ids as a list, not a sub-select: with a list PostgreSQL ORs the two indexes
        # (assignee, team); with the sub-select it read the whole ticket table (200 ms at 1M tickets)
        teams = list(Team.objects.filter(members=user).values_list("pk", flat=True))
        qs = qs.filter(Q(assignee=user) | Q(team_id__in=teams))
    return qs


def work_list(*, user):
    """My open work: overdue first, then urgent, then the nearest deadline. Constant queries.

    ``next_due`` is the ticket's next deadline: its nearest running clock, else (every open clock paused, a ticket
    on hold) its nearest paused one, with ``next_paused_at`` set: a paused clock stands still, it is told as
    paused with how late or early it was when paused (``due_label``), never as running late since."""
    # the clock as a sub-select per ticket, not a join grouped by every selected column
    next_clock = (Clock.objects.filter(ticket=OuterRef("pk"), met_at__isnull=True, cancelled_at__isnull=True)
                  .order_by(F("paused_at").asc(nulls_first=True), "due_at", "id"))
    return (work_tickets_for(user).filter(kind__in=WORK_KINDS, status__in=WORKING)
            .select_related("unit", "category", "assignee", "team", "community", "service_item")
            .annotate(next_due=Subquery(next_clock.values("due_at")[:1]),
                      next_paused_at=Subquery(next_clock.values("paused_at")[:1]))
            .order_by("-is_overdue", "-urgency", F("next_paused_at").asc(nulls_first=True),
                      F("next_due").asc(nulls_last=True), "created_at", "id"))


def due_label(ticket, now) -> tuple[str, str]:
    """How a ``work_list`` ticket's next deadline reads at ``now`` and its state ("late", "paused", "ok" or ""
    without one): "16:46 截止（剩余 46 分钟）", "已超时 3 小时 20 分钟", "已暂停 已超时 12 分钟"."""
    if not ticket.next_due:
        return "", ""
    if ticket.next_paused_at:
        frozen = (ticket.next_due - ticket.next_paused_at).total_seconds()
        return f"{_('paused')} {durations.seconds_text(frozen)}", "paused"
    if ticket.next_due <= now:
        return durations.due_text(ticket.next_due, now), "late"
    if (ticket.next_due - now).total_seconds() < durations.MINUTE:  # never "剩余 0 分钟"
        return durations.due_text(ticket.next_due, now), "ok"
    return _("due %(time)s (%(left)s left)") % {
        "time": f"{timezone.localtime(ticket.next_due):%H:%M}",
        "left": durations.duration_text(ticket.next_due - now)}, "ok"


def with_due_labels(tickets, now) -> list:
    """``tickets`` (of ``work_list``) each with ``due_label`` and ``due_state`` (``due_label``), told at ``now``."""
    tickets = list(tickets)
    for t in tickets:
        t.due_label, t.due_state = due_label(t, now)
    return tickets


def work_ticket(*, user, pk: int) -> Ticket:
    qs = work_tickets_for(user).select_related("unit", "category", "assignee", "team", "community", "created_by",
                                               "service_item")
    return get_object_or_404(qs, pk=pk)


def work_order_ticket(*, user, pk: int) -> Ticket:
    """For the printable work order: any ticket of the user's communities."""
    qs = (scope(Ticket.objects.all(), user)
          .select_related("unit", "category", "assignee", "team", "community", "created_by", "service_item")
          .prefetch_related("photos"))
    return get_object_or_404(qs, pk=pk)


def ticket_photos(ticket: Ticket) -> list:
    return list(ticket.photos.all())


def contact_person(ticket: Ticket) -> Person | None:
    """The unit's current resident whose phone is the contact phone, for the logged "show"."""
    if not (ticket.unit_id and ticket.contact_phone):
        return None
    return (Person.objects.filter(occupancies__unit_id=ticket.unit_id, occupancies__end_date__isnull=True)
            .filter(phone=ticket.contact_phone).order_by("pk").first())
