"""Reads of single tickets and of a unit's tickets, scoped to the user's communities (a foreign one is a 404)."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from frontdesk.models import Occupancy, Unit
from frontdesk.scoping import scope

from ..models import Clock, Ticket, TicketPhoto, TicketStatusChange

S = Ticket.Status


def tickets_for(user):
    return scope(Ticket.objects.all(), user)


def open_clocks():
    """The tickets' running clocks (not met, not cancelled), soonest first, as ``ticket.open_clocks``."""
    return Prefetch("clocks", queryset=Clock.objects.filter(met_at__isnull=True, cancelled_at__isnull=True)
                    .order_by("due_at"), to_attr="open_clocks")


def with_board_joins(qs):
    return qs.select_related("unit__building", "unit__entrance", "category", "assignee", "team", "community")


def ticket_detail(*, user, pk: int) -> Ticket:
    """The ticket page: the ticket, its status changes (with who), all its clocks and photos."""
    qs = with_board_joins(tickets_for(user)).select_related("created_by", "callback").prefetch_related(
        Prefetch("status_changes", queryset=TicketStatusChange.objects.select_related("actor").order_by("at", "id"),
                 to_attr="history"),
        Prefetch("clocks", queryset=Clock.objects.select_related("owner_informed_by").order_by("due_at"),
                 to_attr="all_clocks"),
        Prefetch("photos", queryset=TicketPhoto.objects.order_by("uploaded_at"), to_attr="all_photos"),
    )
    return get_object_or_404(qs, pk=pk)


def ticket_for_move(*, user, pk: int) -> Ticket:
    """A ticket for one of the desk's moves, with what the move forms show."""
    return get_object_or_404(tickets_for(user).select_related("community", "assignee", "team"), pk=pk)


def ticket_of(*, user, pk: int) -> Ticket:
    return get_object_or_404(tickets_for(user), pk=pk)


def ticket_photo(*, user, pk: int) -> TicketPhoto:
    """A photo of a ticket of the user's communities (anything else is a 404)."""
    return get_object_or_404(TicketPhoto.objects.filter(ticket__in=tickets_for(user).values("pk")), pk=pk)


def ticket_version(ticket: Ticket) -> str:
    """What the clerk saw: status, engineer and team. Carried in a hidden field of every move form and
    compared with the locked row by the desk's moves (``services.dispatch``)."""
    return f"{ticket.status}|{ticket.assignee_id or ''}|{ticket.team_id or ''}"


def resume_target(ticket: Ticket) -> str | None:
    """Where a ticket on hold goes back to: the status it was held from (when that move is allowed)."""
    if ticket.status != S.ON_HOLD:
        return None
    held = TicketStatusChange.objects.filter(ticket=ticket, to_status=S.ON_HOLD).order_by("-at", "-id").first()
    target = held.from_status if held else None
    if target not in ticket.allowed_moves():
        target = S.IN_PROGRESS if ticket.kind == Ticket.Kind.COMPLAINT else S.DISPATCHED
    return target


def last_status_change(ticket: Ticket) -> TicketStatusChange | None:
    return TicketStatusChange.objects.filter(ticket=ticket).select_related("actor").order_by("-at", "-id").first()


def unit_open_tickets(*, unit, limit: int = 10) -> list[Ticket]:
    """The unit page's panel: two queries (tickets with category and engineer, their open clocks)."""
    return list(Ticket.objects.filter(unit=unit, status__in=Ticket.OPEN_STATUSES)
                .select_related("category", "assignee", "team").prefetch_related(open_clocks())
                .order_by("-created_at")[:limit])


def unit_people(*, unit) -> list[Occupancy]:
    """The unit's current people, owners first: whom the intake form offers as the contact."""
    return list(Occupancy.objects.filter(unit=unit, end_date__isnull=True).select_related("person")
                .order_by("kind", "start_date", "id"))


def units_for(user):
    return scope(Unit.objects.select_related("building", "entrance", "community"), user)
