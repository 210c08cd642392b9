"""Read side of overdue reminders: the units whose step is due (the rule is in ``services.reminders``),
the messages whose queueing was lost, the community's policy, the reminders sent (the log and a unit's),
each step with its channels as labels."""

import datetime

from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from core.db import fetch_dicts
from core.models import OutboundMessage
from frontdesk.models import Building
from frontdesk.scoping import scope

from ..models import ReminderPolicy, ReminderStep

REQUEUE_AFTER = datetime.timedelta(minutes=10)  # a queued message is delivered within seconds normally
REQUEUE_WINDOW = datetime.timedelta(days=14)  # older undelivered messages are left for a person to look at

# Markers kept in ReminderStep.channels when a channel of the policy could not be used for a unit.
NO_PHONE = "no_phone"
NO_EMAIL = "no_email"

LOG_PAGE_SIZE = 50
UNIT_STEPS = 200
CHANNEL_LABELS = {**dict(ReminderPolicy.Channel.choices), NO_PHONE: _("SMS not sent: no phone"),
                  NO_EMAIL: _("E-mail not sent: no address")}
POLICY_DEFAULTS = {"is_active": True, "first_after_days": 15, "every_days": 30, "max_steps": 6,
                   "channels": [ReminderPolicy.Channel.IN_APP, ReminderPolicy.Channel.SMS]}


_DUE_SQL = """
WITH overdue AS (
    SELECT b.unit_id, MIN(b.due_date) AS anchor, SUM(b.outstanding) AS amount
    FROM billing_bill b
    WHERE b.community_id = %(community)s AND b.outstanding > 0 AND b.due_date < %(today)s
    GROUP BY b.unit_id
    HAVING MIN(b.due_date) <= %(latest_anchor)s
), stepped AS (
    SELECT unit_id, anchor, amount,
           LEAST(%(max_steps)s, 1 + (%(today)s - anchor - %(first)s) / %(every)s) AS step
    FROM overdue
)
SELECT s.unit_id, s.anchor, s.step, s.amount, u.code, o.name, o.phone, o.email
FROM stepped s
JOIN frontdesk_unit u ON u.id = s.unit_id
LEFT JOIN LATERAL (
    SELECT p.name, p.phone, p.email FROM frontdesk_occupancy oc JOIN frontdesk_person p ON p.id = oc.person_id
    WHERE oc.unit_id = s.unit_id AND oc.kind = 'owner' AND oc.end_date IS NULL
    ORDER BY oc.share DESC NULLS LAST, oc.start_date, oc.id LIMIT 1
) o ON TRUE
WHERE NOT EXISTS (SELECT 1 FROM billing_reminderstep r
                  WHERE r.unit_id = s.unit_id AND r.anchor = s.anchor AND r.step = s.step)
ORDER BY u.code
"""


def due_units(policy: ReminderPolicy, today: datetime.date) -> list[dict]:
    """One query: the units whose due step is not recorded yet, with anchor, step, amount and owner."""
    params = {
        "community": policy.community_id, "today": today, "first": policy.first_after_days,
        "every": max(policy.every_days, 1), "max_steps": policy.max_steps,
        "latest_anchor": today - datetime.timedelta(days=policy.first_after_days),
    }
    return fetch_dicts(_DUE_SQL, params)


def undelivered_reminders(now):
    """Reminder messages still pending after ``REQUEUE_AFTER``: their queueing was lost (the message
    text is the step's ``body``)."""
    steps = ReminderStep.objects.filter(body=OuterRef("body"), sent_at__gte=now - REQUEUE_WINDOW)
    return (OutboundMessage.objects.filter(status=OutboundMessage.Status.PENDING, created_at__lt=now - REQUEUE_AFTER,
                                           created_at__gte=now - REQUEUE_WINDOW)
            .filter(Exists(steps)).order_by("id"))


def channel_labels(channels) -> list[str]:
    return [str(CHANNEL_LABELS.get(c, c)) for c in channels]


def _labelled(steps):
    for step in steps:
        step.channel_labels = channel_labels(step.channels)
    return steps


def policy_of(community) -> ReminderPolicy | None:
    return ReminderPolicy.objects.filter(community=community).first() if community else None


def policy_initial(policy: ReminderPolicy | None) -> dict:
    """The policy form's values: the policy's, or the defaults for a community without one."""
    return {name: getattr(policy, name) for name in POLICY_DEFAULTS} if policy else dict(POLICY_DEFAULTS)


def unit_steps(unit, limit: int = UNIT_STEPS) -> list[ReminderStep]:
    """Every reminder step sent for ``unit``, newest first."""
    return _labelled(list(ReminderStep.objects.filter(unit=unit).order_by("-sent_at", "-id")[:limit]))


def log_buildings(user) -> list[Building]:
    return list(scope(Building.objects.select_related("community"), user)
                .order_by("community__name", "sort_order", "name"))


def reminder_log_page(*, user, community_ids: list[int], building: str, room: str, number: int = 1):
    """The page of steps sent in ``community_ids`` (the user's, or the one chosen), by building and room."""
    qs = scope(ReminderStep.objects.select_related("unit__building", "unit__entrance", "community"), user)
    qs = qs.filter(community_id__in=community_ids)
    if building.isdigit():
        qs = qs.filter(unit__building_id=int(building))
    if room:
        qs = qs.filter(unit__code__icontains=room)
    page = Paginator(qs.order_by("-sent_at", "-id"), LOG_PAGE_SIZE).get_page(number)
    _labelled(page.object_list)
    return page
