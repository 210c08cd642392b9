"""Months and days: one set of helpers for every app (a month is the date of its first day)."""

import calendar
import datetime
import re

_MONTH = re.compile(r"(\d{4})[-/年.](\d{1,2})(?:[-/月.](\d{1,2})日?)?月?")


FIRST_DAY, LAST_DAY = datetime.date(2000, 1, 1), datetime.date(2100, 12, 31)  # the days the system keeps


def day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The local day (``TIME_ZONE``, Asia/Shanghai) as aware datetimes: [its 00:00, the next day's 00:00).
    A day outside 2000–2100 (a hand-typed 9999-12-31 or 0001-01-01 in a link) is taken as the nearest end of
    that span: the next day of 9999-12-31 does not exist, and year 1 does not survive the time zone."""
    from django.utils import timezone

    day = min(max(day, FIRST_DAY), LAST_DAY)
    return (timezone.make_aware(datetime.datetime.combine(day, datetime.time.min)),
            timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min)))


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The first day of the month ``months`` after (or before, when negative) ``day``'s month."""
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def next_month(day: datetime.date) -> datetime.date:
    return add_months(day, 1)


def previous_month(day: datetime.date) -> datetime.date:
    return add_months(day, -1)


def month_days(month: datetime.date) -> list[datetime.date]:
    """Every day of ``month``'s month, in order."""
    return [month.replace(day=d) for d in range(1, calendar.monthrange(month.year, month.month)[1] + 1)]


def month_of(year, month) -> datetime.date | None:
    """The month from a year and a month number (URL parts), or None when they make no month."""
    try:
        year, month = int(year), int(month)
    except (TypeError, ValueError):
        return None
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        return None
    return datetime.date(year, month, 1)


def parse_month(value, *, first_day_only: bool = False) -> datetime.date | None:
    """``2026-11``, ``2026/11``, ``2026年11月`` or a date (``2026-11-01``) → the month's first day; None when
    the text is no month. With ``first_day_only`` a date other than the 1st is no month either."""
    if isinstance(value, datetime.date):
        return value.replace(day=1) if not first_day_only or value.day == 1 else None
    match = _MONTH.fullmatch(str(value or "").strip()[:12])
    if not match:
        return None
    day = int(match[3] or 1)
    if first_day_only and day != 1:
        return None
    month = month_of(match[1], match[2])
    if month is None:
        return None
    try:
        month.replace(day=day)
    except ValueError:
        return None
    return month


def parse_date(value) -> datetime.date | None:
    """An ISO date (``2026-11-05``) or None; a day outside 2000–2100 (``FIRST_DAY``–``LAST_DAY``) is None too."""
    if isinstance(value, datetime.date):
        return value
    try:
        day = datetime.date.fromisoformat(str(value or "").strip()[:10])
    except ValueError:
        return None
    return day if FIRST_DAY <= day <= LAST_DAY else None
