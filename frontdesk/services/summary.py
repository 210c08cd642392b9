"""The daily summary's writes: freezing a day (``FrozenFigure``, INSERT … ON CONFLICT DO NOTHING, never
updated), the community's freeze time, and e-mailing the frozen day's PDF to each manager once
(``SummaryDelivery`` claimed in the same transaction as the message). ``summary_sweep`` is the beat's job."""

import datetime
import logging

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as BrokerError

from core.models import OutboundMessage, Role
from core.notifications import outbound_requeue, send_outbound
from frontdesk import documents
from frontdesk.models import Community, FrozenFigure, SummaryDelivery, SummarySettings
from frontdesk.registry import summary_sections
from frontdesk.selectors import summary as selectors

logger = logging.getLogger(__name__)

CATCH_UP_DAYS = 7  # the beat freezes and delivers the days it missed, up to this many back
REQUEUE_AFTER = datetime.timedelta(minutes=10)


def _breakdown(pairs) -> list:
    return [[str(label), str(selectors.as_decimal(value))] for label, value in pairs]


def summary_freeze(*, community: Community, day: datetime.date, now=None, actor=None) -> int:
    """Store every registered section's figures of ``community`` on ``day`` as they stand now: one row per
    figure key, inserted once (a row already there is kept as it was: a second freeze changes nothing).
    Returns how many figures the sections gave."""
    now = now or timezone.now()
    rows = []
    for section in summary_sections():
        for figure in section.figures([community.pk], day):
            rows.append(FrozenFigure(
                community=community, day=day, section=section.key[:40], key=figure.key[:120],
                label=str(figure.label)[:200], kind=figure.kind, value=selectors.as_decimal(figure.value),
                breakdown=_breakdown(figure.breakdown), additive=figure.additive, frozen_at=now))
    with transaction.atomic():
        FrozenFigure.objects.bulk_create(rows, ignore_conflicts=True)  # INSERT … ON CONFLICT DO NOTHING
    return len(rows)


def summary_settings_save(*, actor, community: Community, freeze_at: datetime.time) -> SummarySettings:
    if freeze_at is None:
        raise ValidationError({"freeze_at": _("Enter a time.")})
    with transaction.atomic():
        current, _created = SummarySettings.objects.select_for_update().get_or_create(community=community)
        current.freeze_at, current.updated_by = freeze_at, actor
        current.save()
    return current


def _managers(community_ids) -> dict[int, list]:
    """{community id: its active managers with an e-mail address} (one query)."""
    result: dict[int, list] = {pk: [] for pk in community_ids}
    through = Community.staff.through.objects.filter(
        community_id__in=community_ids, user__role=Role.MANAGER, user__is_active=True).exclude(
        user__email="").select_related("user").order_by("community_id", "user_id")
    for link in through:
        result[link.community_id].append(link.user)
    return result


def mail_text(community: Community, day: datetime.date) -> tuple[str, str]:
    subject = _("%(community)s daily summary %(day)s") % {"community": community.name, "day": day.isoformat()}
    body = _("The daily summary of %(community)s for %(day)s, as frozen, is attached (PDF).") % {
        "community": community.name, "day": day.isoformat()}
    return subject, body


def summary_deliver(*, community: Community, day: datetime.date, managers=None, actor=None) -> int:
    """E-mail the frozen summary of ``community`` on ``day`` (PDF attached) to each of its managers who has
    not had it: the ``SummaryDelivery`` row is inserted in the same transaction as the message, so whichever
    run gets there first sends it and any other finds the row and sends nothing. Returns how many were sent."""
    if managers is None:
        managers = _managers([community.pk])[community.pk]
    done = set(SummaryDelivery.objects.filter(community=community, day=day).values_list("user_id", flat=True))
    waiting = [m for m in managers if m.pk not in done and timezone.localdate(m.date_joined) <= day]
    if not waiting or not selectors.is_frozen(community.pk, day):
        return 0
    pdf, filename = documents.daily_summary(community=community, day=day, user=waiting[0])
    subject, body = mail_text(community, day)
    sent = 0
    for manager in waiting:
        try:
            with transaction.atomic():
                message = send_outbound(channel=OutboundMessage.Channel.EMAIL, recipient=manager.email,
                                        subject=subject, body=body,
                                        attachments=[(filename, pdf, "application/pdf")])
                SummaryDelivery.objects.create(community=community, day=day, user=manager, message=message)
        except IntegrityError:  # another run sent it first
            continue
        sent += 1
    return sent


def requeue_undelivered(now) -> int:
    """Queue again the summary e-mails still pending long after they were recorded (Redis lost them)."""
    mine = OutboundMessage.objects.filter(
        pk__in=SummaryDelivery.objects.filter(message__isnull=False).values("message_id"))
    return outbound_requeue(now=now, older_than=REQUEUE_AFTER, messages=mine, what="summary e-mails")


def summary_sweep(*, now=None, actor=None) -> dict:
    """The beat's job (every 10 minutes): for each community whose freeze time has passed today (local),
    freeze today if not frozen; freeze the days missed (up to ``CATCH_UP_DAYS`` back); e-mail every frozen
    day of that window to the managers who have not had it; queue lost e-mails again. Returns the counts."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    today = local.date()
    first = today - datetime.timedelta(days=CATCH_UP_DAYS)
    times = selectors.freeze_times()
    communities = {c.pk: c for c in Community.objects.filter(pk__in=list(times))}
    frozen_before = selectors.frozen_pairs(list(times), first, today)
    frozen = 0
    for pk, at in times.items():
        last = today if local.time() >= at else today - datetime.timedelta(days=1)
        day = first
        while day <= last:
            if (pk, day) not in frozen_before:
                summary_freeze(community=communities[pk], day=day, now=now)
                frozen += 1
            day += datetime.timedelta(days=1)
    managers = _managers(list(times))
    pairs = sorted(selectors.frozen_pairs(list(times), first, today), key=lambda p: (p[1], p[0]))
    delivered = dict.fromkeys(pairs, 0)
    sent = {(c, d, u) for c, d, u in SummaryDelivery.objects.filter(day__gte=first)
            .values_list("community_id", "day", "user_id")}
    total = 0
    for pk, day in pairs:
        if all((pk, day, m.pk) in sent for m in managers[pk]):
            continue
        try:
            delivered[(pk, day)] = summary_deliver(community=communities[pk], day=day, managers=managers[pk])
        except BrokerError:
            logger.warning("Redis unreachable while queueing the daily summary of community %s on %s", pk, day)
            continue
        total += delivered[(pk, day)]
    return {"frozen": frozen, "sent": total, "requeued": requeue_undelivered(now)}
