"""Callbacks (回访): opened when a repair completes or a complaint is answered, worked by the clerks,
reminded by Celery (``callback_reminders_send``), escalated to the supervisors when the owner is unhappy."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import Role, User
from core.notifications import notify
from core.text import clean_text

from ..models import Callback, CallbackAttempt, CallbackStatusChange, Clock, Ticket
from . import clocks
from .tickets import ticket_set_status

S = Ticket.Status
REMIND_AHEAD = datetime.timedelta(minutes=60)
SATISFIED_FROM = 3  # 3–5 satisfied, 1–2 dissatisfied


class Action:
    REOPEN = "reopen"
    ESCALATE = "escalate"


def callback_due_at(*, ticket: Ticket, done_at: datetime.datetime) -> datetime.datetime:
    """Home repairs (a unit): the same day by ``callback_end_of_day``, or the next day at 12:00 when the
    work finished after that time. Everything else: within 24 hours."""
    if ticket.unit_id is None:
        return done_at + datetime.timedelta(hours=24)
    cfg = clocks.clock_settings(ticket.community)
    tz = timezone.get_current_timezone()
    local = timezone.localtime(done_at, tz)
    end_of_day = datetime.datetime.combine(local.date(), cfg.callback_end_of_day, tzinfo=tz)
    if local <= end_of_day:
        return end_of_day
    return datetime.datetime.combine(local.date() + datetime.timedelta(days=1), datetime.time(12, 0), tzinfo=tz)


@transaction.atomic
def callback_set_status(*, callback: Callback, to: str, actor=None, note: str = "", now=None, **fields) -> Callback:
    """The only writer of ``Callback.status``: lock, check the move against ``Callback.TRANSITIONS``,
    save with ``fields``, record the change (``actor`` None: the system)."""
    now = now or timezone.now()
    callback = Callback.objects.select_for_update().select_related("ticket").get(pk=callback.pk)
    if to not in Callback.TRANSITIONS[callback.status]:
        if callback.status == Callback.Status.DONE:
            raise ValidationError(_("This callback has already been done."), code="done")
        raise ValidationError(_("This callback is still to do."), code="bad_move")
    previous = callback.status
    for name, value in fields.items():
        setattr(callback, name, value)
    callback.status = to
    callback.full_clean()
    callback.save()
    CallbackStatusChange.objects.create(callback=callback, from_status=previous, to_status=to, actor=actor,
                                        note=note, at=now)
    return callback


def callback_open_for(ticket: Ticket, *, actor=None, now=None) -> Callback:
    """Open the ticket's callback and start its clock (call inside the transaction that completes the
    repair or records the reply to a complaint). A ticket completed again after a reopen gets its one
    callback back to "to do" with a new deadline; the earlier result stays in the history."""
    now = now or timezone.now()
    due = callback_due_at(ticket=ticket, done_at=now)
    callback = Callback.objects.select_for_update().filter(ticket=ticket).first()
    if callback is None:
        callback = Callback(ticket=ticket, community_id=ticket.community_id, due_at=due)
        callback.full_clean()
        callback.save()
    elif callback.status == Callback.Status.DONE:
        callback = callback_set_status(callback=callback, to=Callback.Status.PENDING, actor=actor, now=now,
                                       due_at=due, satisfaction=None, outcome="", comment="", done_by=None,
                                       done_at=None, reminder_sent_at=None)
    clocks.clock_start(ticket=ticket, kind=Clock.Kind.CALLBACK, due_at=callback.due_at, now=now)
    return callback


def _locked_pending(callback: Callback) -> Callback:
    callback = Callback.objects.select_for_update().select_related("ticket").get(pk=callback.pk)
    if callback.status != Callback.Status.PENDING:
        raise ValidationError(_("This callback has already been done."), code="done")
    return callback


@transaction.atomic
def callback_attempt_record(*, callback: Callback, result: str, note: str = "", actor, now=None) -> CallbackAttempt:
    now = now or timezone.now()
    callback = _locked_pending(callback)
    attempt = CallbackAttempt(callback=callback, result=result, note=clean_text(note), by=actor, at=now)
    attempt.full_clean()
    attempt.save()
    return attempt


def _supervisors(community_id: int):
    return User.objects.filter(is_active=True, role=Role.SUPERVISOR, communities=community_id)


@transaction.atomic
def callback_result_record(*, callback: Callback, satisfaction: int, comment: str = "", action: str = "",
                           reason: str = "", actor, now=None) -> Callback:
    """The owner's verdict. Satisfied (3–5): the ticket becomes "callback done". Dissatisfied (1–2): the
    clerk reopens the ticket or escalates it to the supervisors, with a reason."""
    now = now or timezone.now()
    callback = _locked_pending(callback)
    comment, reason = clean_text(comment), clean_text(reason)
    if satisfaction is None or not 1 <= int(satisfaction) <= 5:
        raise ValidationError({"satisfaction": _("Give a satisfaction from 1 to 5.")})
    satisfaction = int(satisfaction)
    ticket = callback.ticket
    if satisfaction >= SATISFIED_FROM:
        outcome = Callback.Outcome.SATISFIED
        ticket_set_status(ticket=ticket, to=S.CALLBACK_DONE, actor=actor,
                          note=_("Callback: satisfaction %(n)s/5. %(comment)s") % {"n": satisfaction, "comment": comment},
                          now=now)
    else:
        errors = {}
        if action not in (Action.REOPEN, Action.ESCALATE):
            errors["action"] = _("The owner is dissatisfied: choose to reopen the ticket or to escalate it.")
        if len(reason) < 2:
            errors["reason"] = _("Give the reason.")
        if errors:
            raise ValidationError(errors)
        note = _("Callback: satisfaction %(n)s/5. %(reason)s") % {"n": satisfaction, "reason": reason}
        if action == Action.REOPEN:
            outcome = Callback.Outcome.REOPEN
            ticket_set_status(ticket=ticket, to=S.REOPENED, actor=actor, note=note, now=now)
            clocks.clocks_meet(ticket=ticket, kinds=[Clock.Kind.CALLBACK], now=now)
        else:
            outcome = Callback.Outcome.ESCALATE
            ticket_set_status(ticket=ticket, to=S.CALLBACK_DONE, actor=actor, note=note, now=now)
            notify(users=_supervisors(callback.community_id),
                   title=_("Dissatisfied owner: %(number)s") % {"number": ticket.number},
                   body=_("Satisfaction %(n)s/5. Reason: %(reason)s. Comment: %(comment)s")
                   % {"n": satisfaction, "reason": reason, "comment": comment or "—"},
                   url=reverse("repairs:callback_detail", args=[callback.pk]))
    return callback_set_status(
        callback=callback, to=Callback.Status.DONE, actor=actor, now=now,
        satisfaction=satisfaction, comment=comment if not reason else (f"{comment}\n{reason}".strip()),
        outcome=outcome, done_by=actor, done_at=now)


def callback_reminders_sweep(*, now=None) -> int:
    """The beat task's run: ``callback_reminders_send``; returns how many callbacks were reminded."""
    return len(callback_reminders_send(now=now))


def callback_reminders_send(*, now=None) -> list:
    """Callbacks due within the next hour (or overdue) and not yet reminded: an in-app notification to
    the community's clerks. Each callback's ``reminder_sent_at`` is stamped under a row lock, so a
    reminder is never sent twice (two overlapping runs skip each other's rows). Returns the ids reminded."""
    now = now or timezone.now()
    candidates = list(Callback.objects.filter(status=Callback.Status.PENDING, reminder_sent_at__isnull=True,
                                              due_at__lte=now + REMIND_AHEAD)
                      .order_by("due_at").values_list("pk", flat=True))
    sent = []
    for pk in candidates:
        with transaction.atomic():
            callback = (Callback.objects.select_for_update(skip_locked=True, of=("self",)).select_related("ticket")
                        .filter(Q(pk=pk), status=Callback.Status.PENDING, reminder_sent_at__isnull=True).first())
            if callback is None:
                continue
            callback.reminder_sent_at = now
            callback.save(update_fields=["reminder_sent_at"])
            local_due = timezone.localtime(callback.due_at)
            title = (_("Callback overdue: %(number)s") if callback.due_at < now
                     else _("Callback due at %(time)s: %(number)s")) % {
                "number": callback.ticket.number, "time": f"{local_due:%H:%M}"}
            notify(users=User.objects.filter(is_active=True, role=Role.CLERK, communities=callback.community_id),
                   title=title, body=callback.ticket.description[:200],
                   url=reverse("repairs:callback_detail", args=[callback.pk]))
            sent.append(callback.pk)
    return sent
