"""How long, told one way everywhere (``core.durations``): minutes under an hour, hours and minutes under a
day, then days; never "0 min" for a deadline under a minute away."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from core import durations

SHANGHAI = ZoneInfo("Asia/Shanghai")  # settings.TIME_ZONE

NOW = datetime.datetime(2026, 12, 5, 16, 0, tzinfo=SHANGHAI)
MIN, HOUR, DAY = datetime.timedelta(minutes=1), datetime.timedelta(hours=1), datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize(("length", "text"), [
    (datetime.timedelta(seconds=20), "under a minute"),
    (MIN, "1 min"),
    (46 * MIN - datetime.timedelta(milliseconds=300), "46 min"),  # read a moment later: still 46, not 45
    (59 * MIN, "59 min"),
    (HOUR, "1 h"),
    (3 * HOUR + 20 * MIN, "3 h 20 min"),
    (23 * HOUR + 59 * MIN, "23 h 59 min"),
    (DAY - datetime.timedelta(seconds=15), "24 h"),  # rounds up to the hour, never "0 days"
    (DAY, "1 day"),
    (260 * HOUR + 29 * MIN, "10 days"),  # the ticket page's "超时 260 小时 29 分钟"
    (15616 * MIN, "10 days"),  # the landing page's "已超时 15616 分钟"
    (-(3 * HOUR + 20 * MIN), "3 h 20 min"),  # the sign is the caller's
])
def test_duration_text(length, text):
    assert durations.duration_text(length) == text
    assert durations.duration_text(length.total_seconds()) == text


@pytest.mark.parametrize(("due", "text"), [
    (NOW + 46 * MIN, "46 min left"),
    (NOW + 3 * HOUR + 20 * MIN, "3 h 20 min left"),
    (NOW + 3 * DAY, "3 days left"),
    (NOW + datetime.timedelta(seconds=30), "due now"),  # not "0 min left"
    (NOW, "overdue by under a minute"),  # the deadline's moment is over
    (NOW - 4 * MIN, "overdue by 4 min"),
    (NOW - (3 * HOUR + 20 * MIN), "overdue by 3 h 20 min"),
    (NOW - 10 * DAY - 5 * HOUR, "overdue by 10 days"),
])
def test_due_text(due, text):
    assert durations.due_text(due, NOW) == text


def test_since_text_is_never_negative():
    assert durations.since_text("waiting %(duration)s", NOW - 9 * DAY - 20 * HOUR, NOW) == "waiting 9 days"
    assert durations.since_text("asked %(duration)s ago", NOW - 4 * MIN, NOW) == "asked 4 min ago"
    assert durations.since_text("asked %(duration)s ago", NOW + MIN, NOW) == "asked under a minute ago"
