"""How long, told the same way everywhere (the "today" cards, the ticket page's clocks, the engineer's list,
the clock warnings): whole minutes under an hour, hours and minutes under a day, then whole days.

    duration_text(200 * 60)          -> "3 h 20 min"            (zh: "3 小时 20 分钟")
    due_text(due, now)               -> "3 h 20 min left" / "due now" / "overdue by 10 days"
                                        (zh: "还剩 3 小时 20 分钟" / "即将到期" / "已超时 10 天")

Minutes are rounded to the nearest one (a deadline 46 minutes away reads "46 min" a few milliseconds later,
not "45"); days are whole days (9 days 20 hours is "9 days"). Under a minute is never "0 min": a deadline less
than a minute away is "due now", and a time under a minute long is "under a minute".
"""

import datetime

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

MINUTE, HOUR, DAY = 60, 60 * 60, 24 * 60 * 60


def _seconds(value) -> float:
    return value.total_seconds() if isinstance(value, datetime.timedelta) else float(value)


def duration_text(value) -> str:
    """A length of time (seconds or a timedelta; its sign is ignored) as a person says it."""
    seconds = abs(_seconds(value))
    if seconds < MINUTE:
        return _("under a minute")
    minutes = round(seconds / MINUTE)
    if minutes < 60:
        return _("%(n)s min") % {"n": minutes}
    if seconds < DAY:  # (23 h 59 min 45 s rounds to "24 h", never "0 days")
        hours, mins = divmod(minutes, 60)
        if not mins:
            return _("%(h)s h") % {"h": hours}
        return _("%(h)s h %(m)s min") % {"h": hours, "m": mins}
    days = int(seconds // DAY)
    return ngettext("%(d)s day", "%(d)s days", days) % {"d": days}


def seconds_text(seconds) -> str:
    """Time left (positive seconds) or over (zero or negative) to a deadline: "还剩 3 小时 20 分钟",
    "即将到期" (under a minute left), "已超时 10 天". The deadline's own moment is already over."""
    seconds = _seconds(seconds)
    if seconds > 0:
        return _("due now") if seconds < MINUTE else _("%(duration)s left") % {"duration": duration_text(seconds)}
    return _("overdue by %(duration)s") % {"duration": duration_text(seconds)}


def due_text(due: datetime.datetime, now: datetime.datetime) -> str:
    """``seconds_text`` of the deadline ``due`` seen at ``now``."""
    return seconds_text((due - now).total_seconds())


def since_text(label: str, since: datetime.datetime, now: datetime.datetime) -> str:
    """How long ago ``since`` was, in ``label`` (a translated format with ``%(duration)s``, e.g.
    "waiting %(duration)s" → "已等待 9 天", "asked %(duration)s ago" → "4 分钟前提交")."""
    return label % {"duration": duration_text(max((now - since).total_seconds(), 0))}
