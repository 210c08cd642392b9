"""Overdue-fee reminders (催缴提醒), sent by the hourly beat task ``billing.tasks.overdue_reminders``.

The rule (docs/billing/arrears.md): per community with an active ``ReminderPolicy``, a unit is in an
overdue episode while it has outstanding bills whose due date has passed. The episode's ``anchor`` is
the due date of its oldest such bill. Step 1 falls due ``first_after_days`` after the anchor, then
one more step every ``every_days``, at most ``max_steps``. The step due today is
``1 + (today − anchor − first_after_days) // every_days`` (capped), if today ≥ anchor + first_after_days.

Once: the step is recorded (``ReminderStep``, unique per unit, anchor and step) with
``INSERT … ON CONFLICT DO NOTHING RETURNING`` and only the rows this process inserted are sent, in
the same transaction. Two sweeps at once, or a sweep repeated, never send a step twice.

Catch-up: a sweep that did not run for weeks sends only the step due now (the earlier steps are
skipped, not sent late). A message whose queueing was lost (Redis down when the transaction
committed, or Redis restarted with its queue) is still ``pending`` in the outbox: each sweep queues
the reminder messages that have been pending for more than ``REQUEUE_AFTER`` again; the delivery
task sends a message at most once (it locks the row and skips a sent one).

Paid or waived: no overdue bill → the unit is not selected, nothing is sent. When the unit falls
behind again later, its oldest overdue bill (the anchor) differs: a new episode starts at step 1.
"""

import datetime
import logging
from decimal import Decimal

from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as BrokerError

from core.models import Role, User
from core.money import format_money
from core.notifications import notify, outbound_requeue, send_outbound

from ..models import ReminderPolicy
from ..selectors.reminders import NO_EMAIL, NO_PHONE, due_units, undelivered_reminders

logger = logging.getLogger(__name__)

CHUNK = 500
UNITS_LISTED = 30  # units named in the clerks' notification; the rest are counted


def step_due(*, anchor: datetime.date, today: datetime.date, first_after_days: int, every_days: int,
             max_steps: int) -> int | None:
    """The step due on ``today`` for an episode anchored at ``anchor`` (None: nothing due yet)."""
    if max_steps < 1:
        return None
    elapsed = (today - anchor).days - first_after_days
    if elapsed < 0 or today <= anchor:
        return None
    return min(max_steps, 1 + elapsed // max(every_days, 1))


def step_due_on(policy: ReminderPolicy, anchor: datetime.date, step: int) -> datetime.date:
    return anchor + datetime.timedelta(days=policy.first_after_days + (step - 1) * max(policy.every_days, 1))


def owner_message(*, community, row: dict) -> str:
    text = _("[%(community)s] Dear %(name)s, unit %(unit)s owes %(amount)s in fees overdue since %(anchor)s. "
             "Please pay at the property service centre soon; if you have already paid, please ignore this "
             "message.") % {
        "community": community.name, "name": row["name"] or _("owner"), "unit": row["code"],
        "amount": format_money(row["amount"]), "anchor": f"{row['anchor']:%Y-%m-%d}"}
    if community.phone:
        text += " " + _("Tel. %(phone)s") % {"phone": community.phone}
    return text


def _insert_steps(rows: list[tuple]) -> set[int]:
    """Insert (community, unit, anchor, step, due_on, amount, channels, body) rows; the unit ids inserted."""
    if not rows:
        return set()
    values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s::varchar(10)[], %s, now())"] * len(rows))
    params = [v for row in rows for v in row]
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO billing_reminderstep (community_id, unit_id, anchor, step, due_on, amount, channels, body, "
            f"sent_at) VALUES {values} ON CONFLICT (unit_id, anchor, step) DO NOTHING RETURNING unit_id", params)
        return {r[0] for r in cursor.fetchall()}


def _sweep_policy(policy: ReminderPolicy, today: datetime.date) -> int:
    community = policy.community
    channels = set(policy.channels)
    candidates = due_units(policy, today)
    if not candidates:
        return 0
    sent = []
    try:
        _record_and_send(policy, community, channels, candidates, sent)
    except BrokerError:
        # Raised after the commit, by the queueing of the messages (nothing in the transaction talks
        # to Redis): the steps and the messages are recorded, requeue_undelivered queues them later.
        logger.warning("Redis unreachable while queueing the reminders of community %s", community.pk)
    return len(sent)


def _record_and_send(policy, community, channels, candidates, sent) -> None:
    with transaction.atomic():
        for start in range(0, len(candidates), CHUNK):
            chunk = candidates[start:start + CHUNK]
            rows, plans = [], {}
            for row in chunk:
                body = owner_message(community=community, row=row)
                used, outbound = [], []
                if ReminderPolicy.Channel.IN_APP in channels:
                    used.append(ReminderPolicy.Channel.IN_APP)
                if ReminderPolicy.Channel.SMS in channels:
                    if row["phone"]:
                        used.append(ReminderPolicy.Channel.SMS)
                        outbound.append(("sms", row["phone"]))
                    else:
                        used.append(NO_PHONE)
                if ReminderPolicy.Channel.EMAIL in channels:
                    if row["email"]:
                        used.append(ReminderPolicy.Channel.EMAIL)
                        outbound.append(("email", row["email"]))
                    else:
                        used.append(NO_EMAIL)
                due_on = step_due_on(policy, row["anchor"], row["step"])
                rows.append((community.pk, row["unit_id"], row["anchor"], row["step"], due_on, row["amount"],
                             used, body))
                plans[row["unit_id"]] = (row, body, outbound)
            for unit_id in sorted(_insert_steps(rows)):  # only what this process recorded is sent
                row, body, outbound = plans[unit_id]
                for channel, recipient in outbound:
                    send_outbound(channel=channel, recipient=recipient, body=body,
                                  subject=_("Overdue fee reminder – %(community)s") % {"community": community.name})
                sent.append(row)
        if sent and ReminderPolicy.Channel.IN_APP in channels:
            _notify_clerks(community, sent)


def _notify_clerks(community, rows: list[dict]) -> None:
    """One in-app notification per clerk of the community and sweep, listing the units reminded.
    (There is no per-building 管家 on the property tree: every clerk of the community gets it.)"""
    clerks = list(User.objects.filter(communities=community, role=Role.CLERK, is_active=True))
    if not clerks:
        return
    rows = sorted(rows, key=lambda r: r["code"])
    lines = [_("%(unit)s: %(amount)s overdue since %(anchor)s (reminder %(step)s)") % {
        "unit": r["code"], "amount": format_money(r["amount"]), "anchor": f"{r['anchor']:%Y-%m-%d}", "step": r["step"]}
        for r in rows[:UNITS_LISTED]]
    if len(rows) > UNITS_LISTED:
        lines.append(_("… and %(n)s more units") % {"n": len(rows) - UNITS_LISTED})
    total = sum((r["amount"] for r in rows), Decimal("0"))
    title = _("Overdue reminders sent to %(n)s units (%(amount)s)") % {"n": len(rows), "amount": format_money(total)}
    notify(users=clerks, title=title, body="\n".join(lines), url=reverse("billing:reminder_log"))


def requeue_undelivered(now) -> int:
    """Queue again the reminder messages whose queueing was lost (``undelivered_reminders``)."""
    return outbound_requeue(now=now, older_than=datetime.timedelta(0), messages=undelivered_reminders(now),
                            what="reminder messages")


def reminders_sweep(now=None) -> int:
    """Record and send every unit's due reminder step once; queue lost messages again. Returns the
    number of steps sent by this sweep."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    total = 0
    policies = ReminderPolicy.objects.filter(is_active=True, max_steps__gt=0).select_related("community")
    for policy in policies.order_by("community_id"):
        total += _sweep_policy(policy, today)
    requeue_undelivered(now)
    return total


@transaction.atomic
def policy_save(*, community, actor, is_active: bool, first_after_days: int, every_days: int, max_steps: int,
                channels) -> ReminderPolicy:
    """Create or change ``community``'s reminder policy (the next hourly sweep follows it). ``actor`` is
    recorded with the change by the request's history context."""
    policy, _created = ReminderPolicy.objects.select_for_update().get_or_create(community=community)
    policy.is_active, policy.first_after_days, policy.every_days = is_active, first_after_days, every_days
    policy.max_steps, policy.channels = max_steps, channels
    policy.save()
    return policy
