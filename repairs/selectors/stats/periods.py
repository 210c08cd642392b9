"""The statistics' periods: local (Asia/Shanghai) ISO weeks or calendar months, the last one the
current period, to date."""

import datetime

from django.db.models import F, Func, IntegerField, Value
from django.utils import timezone

from core.dates import add_months, month_start

WEEK, MONTH = "week", "month"
DEFAULT_PERIODS = {WEEK: 8, MONTH: 6}
MAX_PERIODS = 24


def start_of(period: str, day: datetime.date) -> datetime.date:
    if period == WEEK:
        return day - datetime.timedelta(days=day.weekday())
    return month_start(day)


def step_back(period: str, start: datetime.date, n: int) -> datetime.date:
    if period == WEEK:
        return start - datetime.timedelta(weeks=n)
    return add_months(start, -n)


def period_starts(period: str, count: int, today: datetime.date) -> list[datetime.date]:
    last = start_of(period, today)
    return [step_back(period, last, n) for n in range(count - 1, -1, -1)]


def aware(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def bucket_sql(column: str) -> str:
    """SQL: which period ``column`` falls in, 1 for the first of ``%(bounds)s`` (the periods' first instants,
    ``bounds``), 0 before it. A binary search per row: truncating each row's local time instead (``TruncWeek``)
    took twice as long at 1M tickets."""
    return f"width_bucket({column}, %(bounds)s::timestamptz[])"


def bucket(field: str, periods: list[datetime.datetime]):
    """``bucket_sql`` as an ORM expression: the period of ``field`` by ``periods`` (``bounds``), 1 for the first."""
    return Func(F(field), Value(periods), function="width_bucket", output_field=IntegerField())


def bounds(starts: list[datetime.date]) -> list[datetime.datetime]:
    """The first instant of each period, for ``bucket_sql``."""
    return [aware(d) for d in starts]


def label(period: str, day: datetime.date) -> str:
    return day.strftime("%m-%d") if period == WEEK else day.strftime("%Y-%m")
