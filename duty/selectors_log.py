"""Reads of the duty log, handovers and daily sign-offs, scoped to the user's communities.

Every list here costs a fixed number of queries whatever the number of rows (tests/duty/test_log.py
counts them): joins are decided once, here."""

import datetime

from django.contrib.auth import get_user_model
from django.db.models import Count, Max, Prefetch, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from core.models import Role
from frontdesk.scoping import scope
from frontdesk.models import Unit
from frontdesk.selectors import communities_for  # noqa: F401 (used by views)

from .models import (
    Assignment,
    DailyReview,
    DutyLogEntry,
    Handover,
    HandoverItemCount,
    HandoverPendingItem,
    SharedItem,
)

LOG_ROLES = (Role.CLERK, Role.SUPERVISOR)  # duty.log: who may hand over and take over
UNSIGNED_DAYS_LIMIT = 366
SINCE_HANDOVER_LIMIT = 300


def units_of(community):
    return Unit.objects.filter(community=community).select_related("building", "entrance")


def day_bounds(date: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The local day [00:00, next 00:00) as aware datetimes (Asia/Shanghai)."""
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(date, datetime.time.min, tzinfo=tz)
    return start, start + datetime.timedelta(days=1)


def _entries():
    return (DutyLogEntry.objects
            .select_related("author", "unit__building", "unit__entrance", "corrects", "follow_up_of")
            .prefetch_related(
                Prefetch("corrections", queryset=DutyLogEntry.objects.only("id", "seq", "corrects_id").order_by("seq"),
                         to_attr="correction_list"),
                Prefetch("follow_ups", queryset=DutyLogEntry.objects.only("id", "seq", "follow_up_of_id", "closes_follow_up")
                         .filter(closes_follow_up=True).order_by("seq"), to_attr="closing_list"),
            ))


def day_entries(*, community, date: datetime.date):
    """The day's log, oldest first (newest last), with authors, rooms, what each corrects and what corrects it.
    Three queries whatever the number of entries."""
    start, end = day_bounds(date)
    return _entries().filter(community=community, occurred_at__gte=start, occurred_at__lt=end).order_by("occurred_at", "seq")


def entries_since(*, community, after_seq: int, limit: int = SINCE_HANDOVER_LIMIT):
    """The log since the previous handover (what the incoming clerk reads), oldest first; the last ``limit``."""
    qs = _entries().filter(community=community, seq__gt=after_seq).order_by("-seq")[:limit]
    return sorted(qs, key=lambda e: e.seq)


def open_follow_ups(*, community):
    """Entries that asked for a follow-up and have not been closed by a later entry, important first."""
    return (DutyLogEntry.objects.filter(community=community, follow_up_needed=True)
            .exclude(follow_ups__closes_follow_up=True)
            .select_related("author", "unit__building", "unit__entrance")
            .order_by("-important", "seq"))


def last_seq(*, community) -> int:
    return DutyLogEntry.objects.filter(community=community).aggregate(m=Max("seq"))["m"] or 0


# --- daily sign-off ------------------------------------------------------------------------------

def daily_review(*, community, date):
    return DailyReview.objects.select_related("reviewer").filter(community=community, date=date).first()


def days_unsigned(*, community, limit: int = UNSIGNED_DAYS_LIMIT) -> list[dict]:
    """Days with entries and no sign-off, newest first: [{"date", "entries", "follow_ups", "important"}]. One query."""
    tz = timezone.get_current_timezone()
    signed = DailyReview.objects.filter(community=community).values("date")
    rows = (DutyLogEntry.objects.filter(community=community)
            .annotate(day=TruncDate("occurred_at", tzinfo=tz)).values("day")
            .exclude(day__in=signed)
            .annotate(entries=Count("id"), follow_ups=Count("id", filter=Q(follow_up_needed=True)),
                      important=Count("id", filter=Q(important=True)))
            .order_by("-day")[:limit])
    return [{"date": r["day"], "entries": r["entries"], "follow_ups": r["follow_ups"], "important": r["important"]}
            for r in rows]


def recent_reviews(*, community, limit: int = 14):
    return DailyReview.objects.filter(community=community).select_related("reviewer").order_by("-date")[:limit]


# --- handovers -----------------------------------------------------------------------------------

def handovers_for(user):
    return scope(Handover.objects.select_related("community", "outgoing", "incoming", "override_by",
                                                 "incoming_assignment__shift", "outgoing_assignment__shift"), user)


def handover_open(*, community):
    return (Handover.objects.select_related("outgoing", "incoming")
            .filter(community=community, status=Handover.Status.OPEN).first())


def handover_detail(*, user, pk):
    """The handover with its counts and pending items (each with its log entry): 3 queries."""
    from django.shortcuts import get_object_or_404

    qs = handovers_for(user).prefetch_related(
        Prefetch("item_counts", queryset=HandoverItemCount.objects.select_related("item").order_by("item__sort_order", "item__name")),
        Prefetch("pending_items", queryset=HandoverPendingItem.objects.select_related(
            "entry__author", "entry__unit__building", "entry__unit__entrance").order_by("-important", "entry__seq")),
    )
    return get_object_or_404(qs, pk=pk)


def handover_list(*, community, limit: int = 100):
    return (Handover.objects.filter(community=community)
            .select_related("outgoing", "incoming", "override_by")
            .annotate(missing=Count("item_counts", filter=Q(item_counts__condition__in=("missing", "damaged"))))
            .order_by("-started_at")[:limit])


def previous_handover_seq(*, community) -> int:
    """The log number the last completed handover read up to (0 when none)."""
    return (Handover.objects.filter(community=community, status=Handover.Status.COMPLETED)
            .order_by("-completed_at").values_list("last_entry_seq", flat=True).first()) or 0


def shared_items(*, community, active_only: bool = True):
    qs = SharedItem.objects.filter(community=community)
    if active_only:
        qs = qs.filter(is_active=True)
    return qs.order_by("sort_order", "name")


def shared_items_for(user):
    return scope(SharedItem.objects.select_related("community"), user)


def hand_over_candidates(*, community, exclude=None):
    """Clerks and supervisors of the community (who may take over the desk)."""
    qs = (get_user_model().objects.filter(communities=community, is_active=True, role__in=LOG_ROLES)
          .order_by("full_name", "username"))
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return qs


def current_assignment(*, community, user, at=None):
    """The user's active roster assignment that covers ``at`` (or started last before it, within 12 hours)."""
    at = at or timezone.now()
    qs = Assignment.objects.filter(community=community, user=user, is_active=True)
    covering = qs.filter(starts_at__lte=at, ends_at__gt=at).order_by("-starts_at").first()
    if covering:
        return covering
    return qs.filter(starts_at__lte=at, starts_at__gte=at - datetime.timedelta(hours=12)).order_by("-starts_at").first()


def next_assignment(*, community, after, exclude_user=None):
    """The first active assignment of someone else starting at or after ``after`` (the successor on the roster)."""
    qs = Assignment.objects.filter(community=community, is_active=True, starts_at__gte=after).select_related("user")
    if exclude_user is not None:
        qs = qs.exclude(user=exclude_user)
    return qs.order_by("starts_at", "id").first()


def incoming_assignment(*, community, user, at=None):
    """The incoming clerk's assignment for this handover: the one starting nearest ``at`` (±12 h)."""
    at = at or timezone.now()
    window = datetime.timedelta(hours=12)
    candidates = list(Assignment.objects.filter(community=community, user=user, is_active=True,
                                                starts_at__gte=at - window, starts_at__lte=at + window))
    return min(candidates, key=lambda a: abs(a.starts_at - at), default=None)
