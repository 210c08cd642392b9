"""Reads of the roster area: the grid, the rosters list, last month's pattern, leave and swap requests.
Query counts are fixed here. The coverage rules are in ``coverage.py``."""

import datetime
from dataclasses import dataclass, field
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from core.dates import month_days, month_start, next_month, previous_month
from core.models import Role
from core.permissions import has_perm
from frontdesk.scoping import communities_of, scope

from ..models import (
    Assignment,
    Roster,
    RosterStatusChange,
    ShiftChangeRequest,
    ShiftTemplate,
)
from .coverage import Slot, coverage_problems, is_24h, neighbour_slots

ROSTER_ROLES = (Role.CLERK, Role.SUPERVISOR)
EDITABLE = (Roster.Status.DRAFT, Roster.Status.RETURNED)


def shift_templates(*, community):
    return ShiftTemplate.objects.filter(community=community).order_by("sort_order", "start_time")


def _late_deadline(roster: Roster) -> datetime.datetime:
    """The end of the 25th of the month before (local time)."""
    tz = timezone.get_default_timezone()
    return timezone.make_aware(datetime.datetime.combine(roster.submission_deadline + datetime.timedelta(days=1),
                                                         datetime.time()), tz)


def roster_is_late(roster: Roster) -> bool:
    """Submitted after the 25th of the month before."""
    if roster.submitted_at is None:
        return False
    return roster.submitted_at >= _late_deadline(roster)


def community_staff(community, roles=ROSTER_ROLES):
    """Active staff of the community with ``roles`` (clerks and supervisors: the roster's rows), by role and name."""
    return (get_user_model().objects.filter(communities=community, role__in=roles, is_active=True)
            .order_by("role", "full_name", "username"))


def previous_pattern(*, roster: Roster, mode: str) -> dict[tuple[int, int], str]:
    """Cells copied from last month's active assignments.

    ``weekday``: each day takes the same weekday four weeks earlier (five when that is still this month);
    ``day``: each day takes the same day number (days the previous month lacks stay empty).
    """
    previous = previous_month(roster.month)
    source = {(a.user_id, a.date): a.shift.code for a in
              Assignment.objects.filter(community=roster.community, date__gte=previous, date__lt=roster.month,
                                        is_active=True).select_related("shift")}
    staff_ids = list(community_staff(roster.community).values_list("pk", flat=True))
    cells = {}
    for day in month_days(roster.month):
        if mode == "weekday":
            origin = day - datetime.timedelta(days=28)
            if origin >= roster.month:
                origin -= datetime.timedelta(days=7)
        else:
            try:
                origin = previous.replace(day=day.day)
            except ValueError:
                origin = None
        for user_id in staff_ids:
            cells[(user_id, day.day)] = source.get((user_id, origin), "") if origin else ""
    return cells


class Planned(NamedTuple):
    user_id: int
    date: datetime.date
    shift_id: int
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    origin: str


@dataclass(slots=True)
class Cell:
    day: int
    code: str
    origin: str  # planned / swap / cover ("" when empty)
    flagged: bool  # an overlap or short rest of this person on this day
    weekend: bool


@dataclass
class GridRow:
    user: object
    cells: list = field(default_factory=list)
    worked: int = 0
    former: bool = False  # no longer on the community's staff
    html: str = ""  # the cells rendered by the view (duty.views.roster._cells_html)


def roster_grid(*, community, month: datetime.date, posted: dict | None = None) -> dict:
    """Everything the grid page and the PDF show, in a fixed number of queries.

    ``posted`` (user id, day) -> code overrides the saved cells (a refused save shows what was typed).
    """
    roster = (Roster.objects.filter(community=community, month=month)
              .select_related("created_by")
              .prefetch_related(Prefetch("status_changes", queryset=RosterStatusChange.objects.select_related("actor")))
              .first())
    days = month_days(month)
    templates = list(shift_templates(community=community))
    by_id = {t.pk: t for t in templates}
    staff = list(community_staff(community))
    # Plain tuples, not model instances: a 30 × 31 grid is ~900 rows on every page view.
    assignments = [Planned(*row) for row in Assignment.objects.filter(roster=roster, is_active=True)
                   .order_by("date", "starts_at").values_list("user_id", "date", "shift_id", "starts_at", "ends_at", "origin")
                   ] if roster else []
    saved = {}
    for a in assignments:
        saved.setdefault((a.user_id, a.date.day), a)
    former = {a.user_id for a in assignments} - {u.pk for u in staff}
    if former:  # people who left the community keep their planned shifts on the grid until removed
        staff += list(get_user_model().objects.filter(pk__in=former).order_by("full_name", "username"))
    problems = []
    if roster is not None:
        slots = [Slot(a.user_id, a.date, a.starts_at, a.ends_at, is_24h(by_id[a.shift_id]))
                 for a in assignments]
        slots += neighbour_slots(community=community, roster_id=roster.pk, first=days[0], last=days[-1])
        names = {u.pk: u.display_name for u in staff}
        problems = coverage_problems(slots=slots, days=days, templates=templates, names=names)
    flagged = {(p.user_id, p.date.day) for p in problems if p.user_id}
    rows = []
    for user in staff:
        row = GridRow(user=user, former=user.pk in former)
        for day in days:
            a = saved.get((user.pk, day.day))
            code = by_id[a.shift_id].code if a else ""
            if posted is not None:
                code = posted.get((user.pk, day.day), code)
            row.cells.append(Cell(day.day, code, a.origin if a else "", (user.pk, day.day) in flagged, day.weekday() >= 5))
            row.worked += bool(code)
        rows.append(row)
    per_day = {}
    for a in assignments:
        per_day.setdefault(a.date.day, []).append(a)
    gap_days = {p.date.day for p in problems if p.kind == "gap"}
    changes = list(roster.status_changes.all()) if roster else []
    approval = next((c for c in reversed(changes) if c.to_status == Roster.Status.APPROVED), None)
    return {
        "community": community, "month": month, "roster": roster, "days": days, "templates": templates,
        "active_templates": [t for t in templates if t.is_active], "rows": rows, "problems": problems,
        "status": roster.status if roster else Roster.Status.DRAFT, "changes": changes, "approval": approval,
        "deadline": roster.submission_deadline if roster else Roster(month=month).submission_deadline,
        "late": roster_is_late(roster) if roster else False,
        "editable": roster is None or roster.status in EDITABLE,
        "day_heads": [{"date": d, "gap": d.day in gap_days, "count": len(per_day.get(d.day, [])), "weekend": d.weekday() >= 5}
                      for d in days],
    }


def roster_list(*, user, today: datetime.date | None = None) -> list[dict]:
    """Per community of the user: the previous, current and next month's roster (or None)."""
    today = today or timezone.localdate()
    current = month_start(today)
    months = [previous_month(current), current, next_month(current)]
    communities = list(communities_of(user))
    rosters = {(r.community_id, r.month): r for r in
               Roster.objects.filter(community__in=communities, month__in=months)}
    return [{"community": c, "months": [{"month": m, "roster": rosters.get((c.pk, m)),
                                         "late": roster_is_late(rosters[(c.pk, m)]) if (c.pk, m) in rosters else False,
                                         "deadline": Roster(month=m).submission_deadline}
                                        for m in months]}
            for c in communities]


def _requests(user):
    return (scope(ShiftChangeRequest.objects, user)
            .select_related("requester", "assignment__shift", "assignment__user", "counterpart_assignment__shift",
                            "counterpart_assignment__user", "cover_user", "decided_by"))


def change_requests_pending(*, user):
    if not has_perm(user, "duty.roster"):
        return ShiftChangeRequest.objects.none()
    return _requests(user).filter(status=ShiftChangeRequest.Status.PENDING).order_by("assignment__date", "created_at")


def change_requests_mine(*, user):
    return _requests(user).filter(Q(requester=user) | Q(counterpart_assignment__user=user)).order_by("-created_at")[:100]


def change_requests_decided(*, user):
    return _requests(user).exclude(status=ShiftChangeRequest.Status.PENDING).order_by("-decided_at")[:50]


def change_request_for(*, user, pk) -> ShiftChangeRequest:
    """One leave or swap request of the user's communities; a foreign one is a 404."""
    return get_object_or_404(_requests(user), pk=pk)


def my_future_assignments(*, user, today: datetime.date | None = None):
    today = today or timezone.localdate()
    return (scope(Assignment.objects, user).filter(user=user, is_active=True, date__gt=today,
                                                   roster__status=Roster.Status.APPROVED)
            .select_related("shift", "community").order_by("date", "starts_at"))


def colleague_assignments(*, user, today: datetime.date | None = None):
    today = today or timezone.localdate()
    return (scope(Assignment.objects, user).filter(is_active=True, date__gt=today, roster__status=Roster.Status.APPROVED)
            .exclude(user=user).select_related("shift", "user", "community").order_by("date", "starts_at"))


def cover_candidates(*, community):
    """Who may work a shift instead of someone on leave: the community's roster staff."""
    return community_staff(community)


def roster_submitter(*, roster: Roster):
    """Who submitted the roster last (its creator when nobody has): told of the manager's decision."""
    submitter = (RosterStatusChange.objects.filter(roster=roster, to_status=Roster.Status.SUBMITTED)
                 .order_by("-at", "-id").values_list("actor", flat=True).first())
    return get_user_model().objects.filter(pk__in={submitter or roster.created_by_id})


def roster_of(*, community, month: datetime.date) -> Roster | None:
    return Roster.objects.filter(community=community, month=month).first()


def roster_for(*, user, pk) -> Roster:
    """One roster of the user's communities; a foreign one is a 404."""
    return get_object_or_404(scope(Roster.objects.select_related("community"), user), pk=pk)


def shift_template_for(*, community, pk) -> ShiftTemplate:
    return get_object_or_404(ShiftTemplate.objects.filter(community=community), pk=pk)
