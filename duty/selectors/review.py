"""Reads of the supervisor's daily sign-off of the duty log, one community at a time."""

from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from ..models import DailyReview, DutyLogEntry

UNSIGNED_DAYS_LIMIT = 366


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
