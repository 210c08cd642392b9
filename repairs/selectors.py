"""Every non-trivial read of tickets, scoped to the user's communities, with its joins decided here."""

import datetime

from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from core.models import Role
from core.permissions import scope
from frontdesk.models import Building, Occupancy, Unit
from frontdesk.selectors import ROOM_RE, normalise_query

from .models import (
    Category,
    Clock,
    ClockSettings,
    SavedFilter,
    Team,
    Ticket,
    TicketPhoto,
    TicketStatusChange,
)

S = Ticket.Status

SORTS = {  # "due" (due soonest) is ordered by the earliest open clock, see ticket_board
    "newest": ("-created_at", "-id"),
    "oldest": ("created_at", "id"),
    "activity": ("-last_activity_at", "-id"),
}


def tickets_for(user):
    return scope(Ticket.objects.all(), user)


def _open_clocks():
    return Prefetch("clocks", queryset=Clock.objects.filter(met_at__isnull=True, cancelled_at__isnull=True)
                    .order_by("due_at"), to_attr="open_clocks")


def _board_related(qs):
    return qs.select_related("unit__building", "unit__entrance", "category", "assignee", "team", "community")


def ticket_board(*, user, status="", kind="", category=None, building=None, engineer=None, overdue=False,
                 date_from=None, date_to=None, q="", sort="newest", open_only=True):
    """The open-tickets board: one query for the rows (with room, category, engineer, team), one for
    their open clocks, whatever the page size."""
    from django.db.models import F, Min, OuterRef, Subquery

    qs = tickets_for(user)
    if status:
        qs = qs.filter(status=status)
    elif open_only:
        qs = qs.filter(status__in=Ticket.OPEN_STATUSES)
    if kind:
        qs = qs.filter(kind=kind)
    if category:
        qs = qs.filter(category=category)
    if building:
        qs = qs.filter(building=building)
    if engineer:
        qs = qs.filter(assignee=engineer)
    if overdue:
        qs = qs.filter(is_overdue=True)
    if date_from:
        qs = qs.filter(created_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(created_at__date__lte=date_to)
    q = (q or "").strip()
    room = ROOM_RE.fullmatch(normalise_query(q)) if q else None
    if room and room["e"]:  # a full room code (3-2-1502, 3栋2单元1502): the unit's own index answers it
        qs = qs.filter(unit__code=Unit.make_code(room["b"], room["e"], room["n"]))
    elif q:
        qs = qs.filter(Q(description__icontains=q) | Q(unit__code__icontains=q) | Q(contact_phone__contains=q)
                       | Q(number__iexact=q) | Q(location__icontains=q))
    if sort == "due":
        next_due = Clock.objects.filter(ticket=OuterRef("pk"), met_at__isnull=True, cancelled_at__isnull=True) \
            .order_by().values("ticket").annotate(m=Min("due_at")).values("m")
        qs = qs.annotate(next_due=Subquery(next_due)).order_by(F("next_due").asc(nulls_last=True), "-created_at")
    else:
        qs = qs.order_by(*SORTS.get(sort, SORTS["newest"]))
    return _board_related(qs).prefetch_related(_open_clocks())


def ticket_detail(*, user, pk: int) -> Ticket:
    """The ticket page: the ticket, its status changes (with who), all its clocks and photos."""
    qs = _board_related(tickets_for(user)).select_related("created_by", "callback").prefetch_related(
        Prefetch("status_changes", queryset=TicketStatusChange.objects.select_related("actor").order_by("at", "id"),
                 to_attr="history"),
        Prefetch("clocks", queryset=Clock.objects.select_related("owner_informed_by").order_by("due_at"),
                 to_attr="all_clocks"),
        Prefetch("photos", queryset=TicketPhoto.objects.order_by("uploaded_at"), to_attr="all_photos"),
    )
    return get_object_or_404(qs, pk=pk)


def unit_open_tickets(*, unit, limit: int = 10) -> list[Ticket]:
    """The unit page's panel: two queries (tickets with category and engineer, their open clocks)."""
    return list(Ticket.objects.filter(unit=unit, status__in=Ticket.OPEN_STATUSES)
                .select_related("category", "assignee", "team").prefetch_related(_open_clocks())
                .order_by("-created_at")[:limit])


def unit_people(*, unit) -> list[Occupancy]:
    """The unit's current people, owners first: whom the intake form offers as the contact."""
    return list(Occupancy.objects.filter(unit=unit, end_date__isnull=True).select_related("person")
                .order_by("kind", "start_date", "id"))


def units_for(user):
    return scope(Unit.objects.select_related("building", "entrance", "community"), user)


def categories_for(*, community, active_only=True):
    qs = Category.objects.filter(community=community)
    return qs.filter(is_active=True) if active_only else qs


def categories_for_user(user):
    return scope(Category.objects.filter(is_active=True), user).select_related("community").order_by(
        "community__name", "sort_order", "name")


def teams_for(*, community, active_only=True):
    qs = Team.objects.filter(community=community)
    return qs.filter(is_active=True) if active_only else qs


def teams_with_members(*, community):
    return Team.objects.filter(community=community).prefetch_related("members").order_by("name")


def engineers_for(*, community):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(communities=community, is_active=True,
                                           role__in=[Role.ENGINEER, Role.SUPERVISOR]).order_by("role", "full_name")


def engineers_for_user(user):
    from django.contrib.auth import get_user_model

    from frontdesk.models import Community

    if user.is_superuser or user.role == Role.ADMIN:
        qs = get_user_model().objects.all()
    else:
        mine = Community.staff.through.objects.filter(user_id=user.pk).values("community_id")
        qs = get_user_model().objects.filter(communities__in=mine)
    return qs.filter(is_active=True, role__in=[Role.ENGINEER, Role.SUPERVISOR]).distinct().order_by("full_name")


def buildings_for_user(user):
    return scope(Building.objects.select_related("community"), user).order_by("community_id", "sort_order", "name")


def saved_filters(*, user):
    return SavedFilter.objects.filter(user=user).order_by("name")


def clock_state(clock: Clock, now: datetime.datetime | None = None) -> dict:
    """Time left and colour of one clock: ok, near (past warn_at), late (past due_at), paused."""
    now = now or timezone.now()
    if clock.paused_at:
        left, state = clock.due_at - clock.paused_at, "paused"
    else:
        left = clock.due_at - now
        state = "late" if (left.total_seconds() <= 0 or clock.breached_at) else ("near" if now >= clock.warn_at else "ok")
    minutes = int(abs(left.total_seconds()) // 60)
    return {"clock": clock, "state": state, "late": left.total_seconds() <= 0, "minutes": minutes,
            "hours": minutes // 60, "mins": minutes % 60, "days": minutes // 1440}


def community_clock_settings(community) -> ClockSettings:
    from .services.clocks import clock_settings

    return clock_settings(community)
