"""Reminders and escalations, each sent once through the notification centre (``core.notifications``).

The beat task ``renovation.tasks.reminders_sweep`` (every 15 minutes) asks every registered
``ReminderSource`` what is due now and sends what was never sent: a ``NoticeSent`` row claimed with
``INSERT … ON CONFLICT DO NOTHING`` in the same transaction as the notification, so two overlapping
sweeps, a re-queued task or a catch-up after an outage never send one twice, and a rolled-back send is
sent by the next sweep."""

from django.db import connection, transaction
from django.utils import timezone

from core.models import User
from core.notifications import notify

from ..hooks import reminder_sources
from ..models import NoticeSent


def notice_claim(*, kind: str, key: str, community_id=None, now=None) -> bool:
    """Claim the notice ``(kind, key)``: True the first time, False ever after. Inside the caller's transaction."""
    now = now or timezone.now()
    table = NoticeSent._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (kind, key, community_id, sent_at) VALUES (%s, %s, %s, %s) "  # noqa: S608 (our table)
            "ON CONFLICT (kind, key) DO NOTHING RETURNING id", [kind[:40], key[:100], community_id, now])
        return cursor.fetchone() is not None


def staff_of(community_id: int, roles):
    return User.objects.filter(is_active=True, role__in=list(roles), communities=community_id)


def notice_send_once(*, kind: str, key: str, community_id: int, roles, title: str, body: str = "", url: str = "",
                     now=None) -> bool:
    """Notify the community's staff of ``roles`` once for ``(kind, key)``. Returns whether it was sent now."""
    with transaction.atomic():
        if not notice_claim(kind=kind, key=key, community_id=community_id, now=now):
            return False
        notify(users=staff_of(community_id, roles), title=str(title), body=str(body), url=url)
        return True


def reminders_sweep(*, now=None) -> int:
    """Every source's due reminders, each sent once. Returns how many were sent by this run."""
    now = now or timezone.now()
    sent = 0
    for source in reminder_sources():
        for reminder in source.collect(now):
            sent += notice_send_once(kind=source.kind, key=reminder.key, community_id=reminder.community_id,
                                     roles=reminder.roles, title=reminder.title, body=reminder.body,
                                     url=reminder.url, now=now)
    return sent
