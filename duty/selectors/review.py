"""Reads of the supervisor's daily sign-off of the duty log, one community at a time."""

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from ..models import DailyReview, DutyLogEntry
from .log import day_bounds

UNSIGNED_DAYS_LIMIT = 366


def daily_review(*, community, date):
    return DailyReview.objects.select_related("reviewer").filter(community=community, date=date).first()


def unsigned_days(*, community_ids, since=None, until=None):
    """Unsigned days 未签日: (community, local day) with at least one log entry and no supervisor's sign-off
    (``DailyReview``), from ``since`` to ``until`` (both included, when given); per day its entries,
    follow-ups and important ones. The one definition for the sign-off list and the daily summary."""
    tz = timezone.get_current_timezone()
    qs = DutyLogEntry.objects.filter(community_id__in=community_ids)
    if since:
        qs = qs.filter(occurred_at__gte=day_bounds(since)[0])
    if until:
        qs = qs.filter(occurred_at__lt=day_bounds(until)[1])
    signed = DailyReview.objects.filter(community_id=OuterRef("community_id"), date=OuterRef("day"))
    return (qs.annotate(day=TruncDate("occurred_at", tzinfo=tz)).filter(~Exists(signed))
            .values("community_id", "day")
            .annotate(entries=Count("id"), follow_ups=Count("id", filter=Q(follow_up_needed=True)),
                      important=Count("id", filter=Q(important=True))))


def days_unsigned(*, community, limit: int = UNSIGNED_DAYS_LIMIT, since=None, until=None) -> list[dict]:
    """Days with entries and no sign-off, newest first: [{"date", "entries", "follow_ups", "important"}]. One query."""
    rows = unsigned_days(community_ids=[community.pk], since=since, until=until).order_by("-day")[:limit]
    return [{"date": r["day"], "entries": r["entries"], "follow_ups": r["follow_ups"], "important": r["important"]}
            for r in rows]


def recent_reviews(*, community, limit: int = 14):
    return DailyReview.objects.filter(community=community).select_related("reviewer").order_by("-date")[:limit]
