"""Reads of the supervisor's spot checks 抽查: the checklist's results, the nonconformities they find
(质量检查记录), the weekly counter and the clerks to choose from. Scoped to the user's communities; joins
and aggregates decided here, once: every measure is one aggregate query over all clerks, never one per clerk."""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Case, Count, IntegerField, Prefetch, Q, Value, When
from django.db.models.functions import TruncWeek
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.dates import next_month
from core.models import Role
from frontdesk.models import Community
from frontdesk.scoping import communities_of, scope

from ..models import Assignment, Nonconformity, SpotCheck

WEEKLY_MINIMUM = 3  # each community's front desk is spot-checked at least 3 times a week (Monday to Sunday)
WEEKS_SHOWN = 5
# Shown on the dashboard next to the counter, and tested: tests/duty/test_spotcheck.py.
WEEKLY_RULE = _("At least %(minimum)s spot checks per community each week, Monday to Sunday. "
                "The counter turns red when fewer than %(minimum)s are recorded and more than half of the week "
                "has gone (after Thursday 12:00).")


def month_bounds(month: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """``month`` as aware datetimes: its first day 00:00 and the next month's first day 00:00 (local time)."""
    first = month.replace(day=1)
    return (timezone.make_aware(datetime.datetime.combine(first, datetime.time.min)),
            timezone.make_aware(datetime.datetime.combine(next_month(first), datetime.time.min)))


# --- communities and clerks ---------------------------------------------------------------------


def community_clerks(*, community):
    """Active clerks who work in the community (the choices of the spot-check form)."""
    return (get_user_model().objects.filter(communities=community, role=Role.CLERK, is_active=True)
            .order_by("full_name", "username"))


def clerk_belongs(*, community, clerk) -> bool:
    """The clerk works in the community, or was rostered there."""
    return (community.staff.filter(pk=clerk.pk).exists()
            or Assignment.objects.filter(community=community, user=clerk).exists())


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
    communities = list(communities_of(user))
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


def _filtered(qs, *, community=None, clerk=None, month: datetime.date | None = None, checked_at: str = "checked_at"):
    """The review lists' filters: a community id, a clerk id, the month the check was made in."""
    if community:
        qs = qs.filter(community_id=community)
    if clerk:
        qs = qs.filter(clerk_id=clerk)
    if month:
        start, end = month_bounds(month)
        qs = qs.filter(**{f"{checked_at}__gte": start, f"{checked_at}__lt": end})
    return qs


def spot_check_list(*, user, community=None, clerk=None, month: datetime.date | None = None):
    qs = spot_checks_for(user).annotate(
        nonconforming=Count("nonconformities", distinct=True),
        still_open=Count("nonconformities", filter=Q(nonconformities__status=Nonconformity.Status.OPEN), distinct=True),
    )
    return _filtered(qs, community=community, clerk=clerk, month=month).order_by("-checked_at", "-id")


def spot_check_detail(*, user, pk: int) -> SpotCheck:
    """One spot check with its ten results and its nonconformities (3 queries); a foreign one is a 404."""
    findings = Prefetch("nonconformities",
                        queryset=Nonconformity.objects.select_related("corrected_by").order_by("item"))
    return get_object_or_404(spot_checks_for(user).prefetch_related("results", findings), pk=pk)


# --- nonconformities ------------------------------------------------------------------------------

def nonconformities_for(user):
    return scope(Nonconformity.objects.select_related("community", "clerk", "spot_check__checker", "corrected_by"),
                 user)


def nonconformity_for(*, user, pk) -> Nonconformity:
    """One nonconformity of the user's communities; a foreign one is a 404."""
    return get_object_or_404(nonconformities_for(user), pk=pk)


def nonconformity_list(*, user, community=None, clerk=None, item=None, status=None, month: datetime.date | None = None):
    """Open first (oldest open at the top: it has waited longest), then corrected, newest first."""
    qs = nonconformities_for(user).annotate(
        open_first=Case(When(status=Nonconformity.Status.OPEN, then=Value(0)), default=Value(1),
                        output_field=IntegerField()))
    if item:
        qs = qs.filter(item=item)
    if status:
        qs = qs.filter(status=status)
    qs = _filtered(qs, community=community, clerk=clerk, month=month, checked_at="spot_check__checked_at")
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


