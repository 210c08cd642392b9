"""``core.dates``: the local day's bounds and the dates read from links, within the span the system keeps."""

import datetime

from core.dates import LAST_DAY, day_bounds, parse_date


def test_a_local_day_is_its_two_midnights_in_shanghai(settings):
    start, end = day_bounds(datetime.date(2026, 12, 7))
    assert (start.isoformat(), end.isoformat()) == ("2026-12-07T00:00:00+08:00", "2026-12-08T00:00:00+08:00")


def test_days_beyond_the_span_never_overflow():
    assert day_bounds(datetime.date(9999, 12, 31)) == day_bounds(LAST_DAY)  # 9999-12-31 has no next day
    assert day_bounds(datetime.date(1, 1, 1))[0].year == 2000  # year 1 does not survive the time zone


def test_a_date_from_a_link():
    assert parse_date("2026-11-05") == datetime.date(2026, 11, 5)
    assert parse_date(" 2026-11-05T10:00 ") == datetime.date(2026, 11, 5)
    assert [parse_date(v) for v in ("2026-02-30", "9999-12-31", "0001-01-01", "abc", "", None)] == [None] * 6
