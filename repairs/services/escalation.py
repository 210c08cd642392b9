"""Warnings, breaches, the sweeper, and "the owner was informed".

A clock is warned and breached at most once: ``warned_at`` / ``breached_at`` are stamped under the
clock's row lock in the same transaction as the notifications, so the ETA task, a second ETA task
(queued again by a resume) and the sweeper can all fire for the same moment and only the first acts.

Who is told (the repairs app may import only ``frontdesk`` and ``core``, not ``duty``, so the duty
roster is not consulted): the clerks of the ticket's community (``role=clerk``, active) get the
warning and, for a dispatch / on-site / appointment breach, the prompt to inform the owner; its
supervisors (``role=supervisor``, active) get the breach in-app and by e-mail when they have an
address (one e-mail per supervisor per sweep batch, listing the batch's breaches, so a worker back
after an outage does not send hundreds).
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext as _

from core import durations
from core.models import Notification, OutboundMessage, Role
from core.notifications import notifications_put, notify, send_outbound

from ..models import Clock, Ticket

K = Clock.Kind
WARN, BREACH = "warn", "breach"
INFORM_OWNER_KINDS = Clock.INFORM_OWNER_KINDS  # breaches the desk must tell the owner about
SWEEP_BATCH = 500
EMAIL_LINES = 50  # breaches listed in one supervisor's e-mail; the rest are on the overdue list


# --- the moments -----------------------------------------------------------------------------------

def clock_warn(*, clock_id: int, now: datetime.datetime | None = None) -> str:
    """The warning shortly before a deadline. Returns what happened ("warned" or why not)."""
    return _fire(clock_id, WARN, now or timezone.now())


def clock_breach(*, clock_id: int, now: datetime.datetime | None = None) -> str:
    """A missed deadline: mark the ticket overdue, tell the supervisors, prompt the desk to inform the owner."""
    return _fire(clock_id, BREACH, now or timezone.now())


def clock_fire(*, clock_id: int, what: str, now: datetime.datetime | None = None) -> str:
    """The ETA task's moment: the warning (``what`` "warn") or the deadline ("breach")."""
    return (clock_warn if what == WARN else clock_breach)(clock_id=clock_id, now=now)


def _fire(clock_id: int, what: str, now: datetime.datetime) -> str:
    with transaction.atomic():
        clock = (Clock.objects.select_for_update(of=("self",)).select_related("ticket__community")
                 .filter(pk=clock_id).first())
        if clock is None:
            return "missing"
        reason = _skip_reason(clock, what, now)
        if reason:
            return reason
        _act([clock], what, now)
    return "warned" if what == WARN else "breached"


def _skip_reason(clock: Clock, what: str, now: datetime.datetime) -> str:
    """Why nothing is to be done (empty when something is). Compared with the row as it is now: an ETA
    task may fire early, or for a deadline a pause has since moved."""
    if clock.met_at:
        return "met"
    if clock.cancelled_at:
        return "cancelled"
    if clock.paused_at:
        return "paused"
    if clock.breached_at:
        return "already breached"
    if what == WARN:
        if clock.warned_at:
            return "already warned"
        if now < clock.warn_at:
            return "not yet due"
    elif now < clock.due_at:
        return "not yet due"
    return ""


def _due(what: str, now: datetime.datetime):
    """Open, running clocks whose moment has come and not been acted on: the partial indexes
    ``clock_open_warn_idx`` / ``clock_open_due_idx`` answer exactly this."""
    running = Clock.objects.filter(met_at__isnull=True, cancelled_at__isnull=True, paused_at__isnull=True)
    if what == BREACH:
        return running.filter(breached_at__isnull=True, due_at__lte=now).order_by("due_at", "pk")
    return running.filter(warned_at__isnull=True, breached_at__isnull=True, warn_at__lte=now).order_by("warn_at", "pk")


def sweep(*, now: datetime.datetime | None = None, batch_size: int = SWEEP_BATCH) -> int:
    """Every minute (beat): breach, then warn, every due clock the ETA tasks missed. Returns how many.

    Batches are locked with SKIP LOCKED (a clock an ETA task is handling right now is left to it and
    looked at again next minute) and stamped with one UPDATE each; nothing due costs two indexed queries.
    """
    now = now or timezone.now()
    done = 0
    for what in (BREACH, WARN):  # breaches first: a warning is pointless once the deadline has passed
        while True:
            with transaction.atomic():
                batch = list(_due(what, now).select_for_update(of=("self",), skip_locked=True)
                             .select_related("ticket__community")[:batch_size])
                if batch:
                    _act(batch, what, now)
            done += len(batch)
            if len(batch) < batch_size:
                break
    return done


# --- acting on a batch of locked clocks ------------------------------------------------------------

def _act(clocks: list[Clock], what: str, now: datetime.datetime) -> None:
    """Stamp and tell, for clocks locked by the caller and checked to be due (set-based: one UPDATE,
    one recipients query, whatever the number of clocks; one in-app notification per clock and group
    of recipients; one e-mail per supervisor for the whole batch)."""
    ids = [c.pk for c in clocks]
    if what == WARN:
        Clock.objects.filter(pk__in=ids).update(warned_at=now)
    else:
        # A breach supersedes the warning: stamp it too, so no warning is ever sent after the breach.
        Clock.objects.filter(pk__in=ids).update(breached_at=now, warned_at=Coalesce(F("warned_at"), now))
        Ticket.objects.filter(pk__in={c.ticket_id for c in clocks}).update(is_overdue=True, last_activity_at=now)
    staff = _desk_staff({c.ticket.community_id for c in clocks})
    by_community: dict = {}
    notes: list[tuple] = []  # (users, title, body, url, group): written together for the batch
    for clock in clocks:
        community_id = clock.ticket.community_id
        clerks = staff.get((community_id, Role.CLERK), [])
        if what == WARN:
            notes += _warning_notes(clock, clerks, now)
        else:
            notes += _breach_notes(clock, clerks, staff.get((community_id, Role.SUPERVISOR), []), now)
            by_community.setdefault(community_id, []).append(clock)
    _notify_all(notes)
    for community_id, breached in by_community.items():
        _email_supervisors(breached, staff.get((community_id, Role.SUPERVISOR), []), now)


def _notify_all(notes) -> None:
    """``core.notifications.notify`` for many titles at once. With one clock (the ETA task) it is exactly
    ``notify``; for a sweep batch the same rows go in a few statements (1,000 breaches: not 2,000 INSERTs)."""
    if len(notes) <= 2:
        for users, title, body, url, group in notes:
            notify(users=users, title=title, body=body, url=url, group=group)
        return
    notifications_put([Notification(user=user, title=title[:200], body=body, url=url, group=group)
                       for users, title, body, url, group in notes for user in users])


def _desk_staff(community_ids) -> dict:
    """(community id, role) -> active clerks and supervisors of those communities, in one query."""
    from frontdesk.models import Community

    memberships = (Community.staff.through.objects
                   .filter(community_id__in=community_ids, user__is_active=True,
                           user__role__in=[Role.CLERK, Role.SUPERVISOR])
                   .select_related("user").order_by("user_id"))
    staff: dict = {}
    for m in memberships:
        staff.setdefault((m.community_id, m.user.role), []).append(m.user)
    return staff


def _group(clock: Clock, what: str = "clock") -> str:
    """A ticket's clock notifications are one unread notification per person, updated as the clocks move
    (the prompt to inform the owner is its own, so a later warning does not hide it)."""
    return f"ticket:{clock.ticket_id}:{what}"


def _ticket_url(clock: Clock) -> str:
    try:
        return reverse("repairs:ticket_detail", args=[clock.ticket_id])
    except NoReverseMatch:  # the ticket page belongs to the intake work; fall back to the overdue list
        return reverse("repairs:overdue")


def _warning_notes(clock: Clock, clerks, now) -> list[tuple]:
    if not clerks:
        return []
    left = (clock.due_at - now).total_seconds()
    if left < durations.MINUTE:  # never "剩余 0 分钟": under a minute is "due now" (past it, the breach follows)
        title = _("%(number)s: %(clock)s due now") % {"number": clock.ticket.number, "clock": clock.get_kind_display()}
    else:
        title = _("%(number)s: %(clock)s due in %(left)s") % {
            "number": clock.ticket.number, "clock": clock.get_kind_display(), "left": durations.duration_text(left)}
    body = _("Deadline %(due)s.") % {"due": _local(clock.due_at)}
    return [(clerks, title, body, _ticket_url(clock), _group(clock))]


def _breach_title(clock: Clock) -> str:
    return _("Overdue: %(number)s, %(clock)s missed") % {"number": clock.ticket.number,
                                                          "clock": clock.get_kind_display()}


def _breach_body(clock: Clock, now) -> str:
    if now - clock.due_at < datetime.timedelta(minutes=1):  # not "0 minutes ago": the moment itself
        return _("The deadline %(due)s has just passed.") % {"due": _local(clock.due_at)}
    return _("The deadline was %(due)s (%(late)s ago).") % {"due": _local(clock.due_at),
                                                             "late": timesince(clock.due_at, now)}


def _breach_notes(clock: Clock, clerks, supervisors, now) -> list[tuple]:
    notes = []
    if supervisors:
        notes.append((supervisors, _breach_title(clock), _breach_body(clock, now), _ticket_url(clock), _group(clock)))
    if clock.kind in INFORM_OWNER_KINDS and clerks:
        notes.append((clerks, _("Inform the owner: %(number)s is late (%(clock)s)") % {
            "number": clock.ticket.number, "clock": clock.get_kind_display()},
            _("Engineering cannot arrive in time. Call the owner and record what you told them."),
            reverse("repairs:clock_inform_owner", args=[clock.pk]), _group(clock, "inform")))
    return notes


def _email_supervisors(breached: list[Clock], supervisors, now) -> None:
    """One e-mail per supervisor with an address: about the one breach, or listing the breaches of a
    sweep batch (a worker back after an outage must not flood the supervisor's inbox)."""
    from django.conf import settings

    recipients = [user.email for user in supervisors if user.email]
    if not recipients:
        return
    if len(breached) == 1:
        clock = breached[0]
        subject, body = _breach_title(clock), f"{_breach_body(clock, now)}\n{settings.SITE_URL}{_ticket_url(clock)}"
    else:
        community = breached[0].ticket.community
        subject = _("Overdue: %(count)d deadlines missed in %(community)s") % {"count": len(breached),
                                                                                "community": community.name}
        lines = [_("%(number)s: %(clock)s, due %(due)s") % {"number": c.ticket.number, "clock": c.get_kind_display(),
                                                             "due": _local(c.due_at)} for c in breached[:EMAIL_LINES]]
        if len(breached) > EMAIL_LINES:
            lines.append(_("… and %(count)d more.") % {"count": len(breached) - EMAIL_LINES})
        lines.append(f"{settings.SITE_URL}{reverse('repairs:overdue')}")
        body = "\n".join(lines)
    for recipient in recipients:
        send_outbound(channel=OutboundMessage.Channel.EMAIL, recipient=recipient, subject=subject, body=body)


def _local(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


# --- the owner was informed ------------------------------------------------------------------------

@transaction.atomic
def clock_owner_informed(*, clock: Clock, informed_at: datetime.datetime, note: str, actor,
                         now: datetime.datetime | None = None) -> Clock:
    """Record that the owner was told of a missed dispatch / on-site / appointment deadline. Once per
    clock; a record is never overwritten (pghistory keeps the row's history)."""
    now = now or timezone.now()
    clock = Clock.objects.select_for_update(of=("self",)).select_related("ticket").get(pk=clock.pk)
    if clock.kind not in INFORM_OWNER_KINDS or clock.breached_at is None:
        raise ValidationError(_("Only a missed dispatch, on-site or appointment deadline is reported to the owner."),
                              code="not_breached")
    if clock.owner_informed_at:
        raise ValidationError(_("The owner was already informed (%(when)s).") % {"when": _local(clock.owner_informed_at)},
                              code="already_informed")
    errors = {}
    note = (note or "").strip()
    if not note:
        errors["note"] = _("Write what the owner was told.")
    if informed_at > now + datetime.timedelta(minutes=1):
        errors["informed_at"] = _("This time is in the future.")
    elif informed_at < clock.ticket.created_at:
        errors["informed_at"] = _("This is before the ticket was received.")
    if errors:
        raise ValidationError(errors)
    clock.owner_informed_at = informed_at
    clock.owner_informed_by = actor
    clock.owner_informed_note = note
    clock.full_clean()
    clock.save(update_fields=["owner_informed_at", "owner_informed_by", "owner_informed_note"])
    Ticket.objects.filter(pk=clock.ticket_id).update(last_activity_at=now)
    return clock
