"""Reads of the supervisor's review: spot checks, nonconformities, the weekly counter and the monthly
appraisal. Scoped to the user's communities; joins and aggregates decided here, once. Every measure
is one aggregate query over all clerks, never a query per clerk."""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import TruncWeek
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import Role
from frontdesk.scoping import scope
from frontdesk.models import Community
from frontdesk.selectors import communities_for as review_communities  # noqa: F401 (used by views)

from .models import Assignment, DutyLogEntry, Handover, Nonconformity, SpotCheck

WEEKLY_MINIMUM = 3  # seed 003 4.4.3: 每周至少抽查三次
WEEKS_SHOWN = 5
# Shown on the dashboard next to the counter, and tested: tests/duty/test_spotcheck.py.
WEEKLY_RULE = _("At least %(minimum)s spot checks per community each week, Monday to Sunday (seed 003 4.4.3). "
                "The counter turns red when fewer than %(minimum)s are recorded and more than half of the week "
                "has gone (after Thursday 12:00).")
LOG_COMPLETENESS_DEFINITION = _(
    "Log completeness: of the clerk's shifts this month that have ended (active roster assignments in this "
    "community), the share on which the clerk wrote at least one duty-log entry timed between the start and "
    "the end of the shift.")
LATE_DEFINITION = _(
    "Late handovers: handovers this month where the clerk was the incoming clerk and arrived late (minutes "
    "late above zero); overrides: handovers where the clerk was outgoing and the supervisor had to override "
    "an unfinished important job.")
NONCONFORMITY_DEFINITION = _(
    "Nonconformities: found by spot checks made this month, by checklist item; open ones are not yet corrected.")


# --- communities and clerks ---------------------------------------------------------------------


def community_clerks(*, community):
    """Active clerks who work in the community (the choices of the spot-check form)."""
    return (get_user_model().objects.filter(communities=community, role=Role.CLERK, is_active=True)
            .order_by("full_name", "username"))


def on_duty(*, community, at=None) -> list:
    """Active roster assignments covering ``at`` (default now), earliest start first."""
    at = at or timezone.now()
    return list(Assignment.objects.filter(community=community, is_active=True, starts_at__lte=at, ends_at__gt=at)
                .select_related("user", "shift").order_by("starts_at", "user_id"))


def clerk_choices(*, community, at=None, checker=None) -> tuple[list, object]:
    """(users to choose from, the default): whoever is on duty now first (clerks before others, never the
    checker), then the community's clerks. Two queries."""
    on = [a.user for a in on_duty(community=community, at=at)
          if a.user.is_active and (checker is None or a.user.pk != checker.pk)]
    on.sort(key=lambda user: user.role != Role.CLERK)  # stable: earliest start first within each group
    seen, people = set(), []
    for user in [*on, *community_clerks(community=community)]:
        if user.pk not in seen:
            seen.add(user.pk)
            user.on_duty = user in on
            people.append(user)
    return people, (on[0] if on else None)


# --- weeks ----------------------------------------------------------------------------------------

def week_start(at: datetime.datetime) -> datetime.datetime:
    """Monday 00:00 (local time) of the ISO week containing ``at``."""
    local = timezone.localtime(at)
    monday = local.date() - datetime.timedelta(days=local.weekday())
    return timezone.make_aware(datetime.datetime.combine(monday, datetime.time.min))


def week_warning(count: int, at: datetime.datetime) -> bool:
    """Fewer than the minimum while more than half of the week (3.5 days) has gone."""
    elapsed = timezone.localtime(at) - week_start(at)
    return count < WEEKLY_MINIMUM and elapsed > datetime.timedelta(days=3, hours=12)


@dataclass
class WeekCount:
    start: datetime.date
    count: int
    current: bool = False
    warning: bool = False

    @property
    def end(self) -> datetime.date:
        return self.start + datetime.timedelta(days=6)

    @property
    def short(self) -> bool:
        return self.count < WEEKLY_MINIMUM

    @property
    def minimum(self) -> int:
        return WEEKLY_MINIMUM


@dataclass
class CommunityWeeks:
    community: Community
    weeks: list[WeekCount] = field(default_factory=list)

    @property
    def this_week(self) -> WeekCount:
        return self.weeks[0]


def weekly_counts(*, user, now=None, weeks: int = WEEKS_SHOWN) -> list[CommunityWeeks]:
    """Spot checks per community for this ISO week and the ``weeks - 1`` before it. Two queries."""
    now = now or timezone.now()
    this_monday = week_start(now)
    first = this_monday - datetime.timedelta(weeks=weeks - 1)
    communities = list(review_communities(user))
    tz = timezone.get_current_timezone()
    rows = (SpotCheck.objects.filter(community__in=[c.pk for c in communities], checked_at__gte=first,
                                     checked_at__lt=this_monday + datetime.timedelta(weeks=1))
            .annotate(week=TruncWeek("checked_at", tzinfo=tz)).values("community_id", "week")
            .annotate(n=Count("id")).order_by())
    counts = {(r["community_id"], timezone.localtime(r["week"]).date()): r["n"] for r in rows}
    result = []
    for community in communities:
        entry = CommunityWeeks(community)
        for back in range(weeks):
            monday = timezone.localtime(this_monday - datetime.timedelta(weeks=back)).date()
            n = counts.get((community.pk, monday), 0)
            entry.weeks.append(WeekCount(monday, n, current=back == 0, warning=back == 0 and week_warning(n, now)))
        result.append(entry)
    return result


# --- spot checks ----------------------------------------------------------------------------------

def spot_checks_for(user):
    return scope(SpotCheck.objects.select_related("community", "clerk", "checker"), user)


def spot_check_list(*, user, community=None, clerk=None, month: datetime.date | None = None):
    qs = spot_checks_for(user).annotate(
        nonconforming=Count("nonconformities", distinct=True),
        still_open=Count("nonconformities", filter=Q(nonconformities__status=Nonconformity.Status.OPEN), distinct=True),
    )
    if community:
        qs = qs.filter(community_id=community)
    if clerk:
        qs = qs.filter(clerk_id=clerk)
    if month:
        start, end = month_bounds(month)
        qs = qs.filter(checked_at__gte=start, checked_at__lt=end)
    return qs.order_by("-checked_at", "-id")


def spot_check_detail(*, user, pk: int) -> SpotCheck:
    """One spot check with its ten results and its nonconformities (3 queries); a foreign one is a 404."""
    findings = Prefetch("nonconformities",
                        queryset=Nonconformity.objects.select_related("corrected_by").order_by("item"))
    return get_object_or_404(spot_checks_for(user).prefetch_related("results", findings), pk=pk)


# --- nonconformities ------------------------------------------------------------------------------

def nonconformities_for(user):
    return scope(Nonconformity.objects.select_related("community", "clerk", "spot_check__checker", "corrected_by"),
                 user)


def nonconformity_list(*, user, community=None, clerk=None, item=None, status=None, month: datetime.date | None = None):
    """Open first (oldest open at the top: it has waited longest), then corrected, newest first."""
    qs = nonconformities_for(user).annotate(
        open_first=Case(When(status=Nonconformity.Status.OPEN, then=Value(0)), default=Value(1),
                        output_field=IntegerField()))
    if community:
        qs = qs.filter(community_id=community)
    if clerk:
        qs = qs.filter(clerk_id=clerk)
    if item:
        qs = qs.filter(item=item)
    if status:
        qs = qs.filter(status=status)
    if month:
        start, end = month_bounds(month)
        qs = qs.filter(spot_check__checked_at__gte=start, spot_check__checked_at__lt=end)
    return qs.order_by("open_first", "spot_check__checked_at", "id")


def open_nonconformities(*, user, limit: int = 20) -> tuple[list, int]:
    qs = nonconformity_list(user=user, status=Nonconformity.Status.OPEN)
    return list(qs[:limit]), qs.count()


def recent_spot_checks(*, user, limit: int = 10) -> list:
    return list(spot_check_list(user=user)[:limit])


def clerks_seen(*, user):
    """Clerks who appear in the user's spot checks (the clerk filter of the lists)."""
    ids = spot_checks_for(user).values("clerk_id")
    return get_user_model().objects.filter(pk__in=ids).order_by("full_name", "username")


# --- monthly appraisal ----------------------------------------------------------------------------

def month_bounds(month: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    first = month.replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return (timezone.make_aware(datetime.datetime.combine(first, datetime.time.min)),
            timezone.make_aware(datetime.datetime.combine(following, datetime.time.min)))


@dataclass
class AppraisalRow:
    clerk: object
    spot_checks: int = 0
    nc_open: int = 0
    nc_corrected: int = 0
    nc_by_item: dict = field(default_factory=dict)
    late_handovers: int = 0
    late_minutes: int = 0
    overrides: int = 0
    shifts: int = 0
    logged_shifts: int = 0

    @property
    def nonconformities(self) -> int:
        return self.nc_open + self.nc_corrected

    @property
    def completeness(self) -> int | None:
        """Percentage, rounded down; None when the clerk had no finished shift."""
        return self.logged_shifts * 100 // self.shifts if self.shifts else None

    @property
    def items(self) -> list[tuple[str, str, int]]:
        labels = dict(SpotCheck.ITEMS)
        return [(code, labels[code], self.nc_by_item[code]) for code, _label in SpotCheck.ITEMS
                if self.nc_by_item.get(code)]


def appraisal_month(*, community, month: datetime.date, now=None) -> dict:
    """Per clerk of ``community`` for ``month``: spot checks, nonconformities (open/corrected, by item),
    late handovers and overrides, log completeness. Six queries whatever the number of clerks."""
    now = now or timezone.now()
    start, end = month_bounds(month)
    first = month.replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    rows: dict[int, AppraisalRow] = {}

    def row(user_id) -> AppraisalRow:
        return rows.setdefault(user_id, AppraisalRow(clerk=None))

    checks = SpotCheck.objects.filter(community=community, checked_at__gte=start, checked_at__lt=end)
    for r in checks.values("clerk_id").annotate(n=Count("id")).order_by():
        row(r["clerk_id"]).spot_checks = r["n"]

    findings = Nonconformity.objects.filter(community=community, spot_check__checked_at__gte=start,
                                            spot_check__checked_at__lt=end)
    for r in findings.values("clerk_id", "status", "item").annotate(n=Count("id")).order_by():
        target = row(r["clerk_id"])
        if r["status"] == Nonconformity.Status.OPEN:
            target.nc_open += r["n"]
        else:
            target.nc_corrected += r["n"]
        target.nc_by_item[r["item"]] = target.nc_by_item.get(r["item"], 0) + r["n"]

    handovers = Handover.objects.filter(community=community, started_at__gte=start, started_at__lt=end)
    late = (handovers.filter(incoming_late_minutes__gt=0).values("incoming_id")
            .annotate(n=Count("id"), minutes=Sum("incoming_late_minutes")).order_by())
    for r in late:
        target = row(r["incoming_id"])
        target.late_handovers, target.late_minutes = r["n"], r["minutes"] or 0
    for r in (handovers.filter(override_by__isnull=False).values("outgoing_id").annotate(n=Count("id")).order_by()):
        row(r["outgoing_id"]).overrides = r["n"]

    wrote = DutyLogEntry.objects.filter(community=OuterRef("community"), author=OuterRef("user"),
                                        occurred_at__gte=OuterRef("starts_at"), occurred_at__lte=OuterRef("ends_at"))
    shifts = (Assignment.objects.filter(community=community, is_active=True, date__gte=first, date__lt=following,
                                        ends_at__lte=now)
              .values("user_id").annotate(total=Count("id"), logged=Count("id", filter=Exists(wrote))).order_by())
    for r in shifts:
        target = row(r["user_id"])
        target.shifts, target.logged_shifts = r["total"], r["logged"]

    people = (get_user_model().objects
              .filter(Q(pk__in=list(rows)) | Q(communities=community, role=Role.CLERK, is_active=True))
              .distinct().order_by("full_name", "username"))
    result = []
    for person in people:
        entry = rows.get(person.pk) or AppraisalRow(clerk=None)
        entry.clerk = person
        result.append(entry)
    totals = AppraisalRow(clerk=None)
    for entry in result:
        for name in ("spot_checks", "nc_open", "nc_corrected", "late_handovers", "late_minutes", "overrides", "shifts",
                     "logged_shifts"):
            setattr(totals, name, getattr(totals, name) + getattr(entry, name))
        for code, n in entry.nc_by_item.items():
            totals.nc_by_item[code] = totals.nc_by_item.get(code, 0) + n
    return {
        "community": community, "month": first, "rows": result, "totals": totals, "now": now,
        "definitions": [NONCONFORMITY_DEFINITION, LATE_DEFINITION, LOG_COMPLETENESS_DEFINITION],
        "month_in_progress": start <= now < end,
    }
