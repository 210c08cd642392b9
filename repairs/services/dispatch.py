"""The desk's moves on a ticket: dispatch (to an engineer or a team), reassign with a reason, bulk
dispatch; a complaint's department, progress and reply; hold, resume, cancel, close, reopen.

Every move goes through ``tickets.ticket_set_status`` (row lock, transition table, status-change row,
clocks). A move made on a stale page is refused: the form carries the version the clerk saw
(``ticket_version``), compared with the locked row, so of two clerks dispatching the same ticket at
once the second is told who got there first instead of silently reassigning it."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.models import Role

from ..models import Ticket
from ..selectors.manage import ENGINEER_ROLES
from ..selectors.tickets import last_status_change, resume_target, ticket_version
from .tickets import ticket_set_status

S = Ticket.Status
COMPLAINT_HANDLER_ROLES = (*ENGINEER_ROLES, Role.SUPERVISOR)  # a complaint may go to a department's supervisor


def _lock(ticket: Ticket) -> Ticket:
    # No joins here: after waiting for the lock PostgreSQL re-reads the ticket row but not joined rows.
    return Ticket.objects.select_for_update().get(pk=ticket.pk)


def _check_seen(locked: Ticket, seen: str | None) -> None:
    if not seen or seen == ticket_version(locked):
        return
    last = last_status_change(locked)
    who = last.actor.display_name if last else _("someone")
    if locked.status == S.DISPATCHED or locked.status == S.ASSIGNED:
        target = locked.assignee.display_name if locked.assignee else (locked.team.name if locked.team else "")
        message = _("Meanwhile %(who)s dispatched this ticket to %(to)s. Nothing was changed: look again and decide.") % {
            "who": who, "to": target}
    else:
        message = _("Meanwhile %(who)s changed this ticket to “%(status)s”. Nothing was changed: look again and decide.") % {
            "who": who, "status": locked.get_status_display()}
    raise ValidationError(message, code="stale")


def _check_assignee(ticket: Ticket, assignee, team, roles=ENGINEER_ROLES) -> None:
    if assignee is None and team is None:
        raise ValidationError({"assignee": _("Choose an engineer or a team.")})
    if assignee is not None and (assignee.role not in roles
                                 or not assignee.communities.filter(pk=ticket.community_id).exists()):
        raise ValidationError({"assignee": _("%(name)s is not an engineer of this community.") % {
            "name": assignee.display_name}})
    if team is not None and (team.community_id != ticket.community_id or not team.is_active):
        raise ValidationError({"team": _("This team does not work in this community.")})


def _reason(note: str, field: str = "note") -> str:
    note = (note or "").strip()
    if len(note) < 2:
        raise ValidationError({field: _("Give a reason.")})
    return note


@transaction.atomic
def ticket_dispatch(*, ticket: Ticket, assignee=None, team=None, actor, note: str = "", seen: str | None = None) -> Ticket:
    """new/reopened/on hold → dispatched; dispatched/accepted → dispatched is a reassignment and needs a reason."""
    locked = _lock(ticket)
    _check_seen(locked, seen)
    if locked.kind != Ticket.Kind.REPAIR:
        raise ValidationError(_("Only repairs are dispatched to engineers; assign a complaint to a department."))
    _check_assignee(locked, assignee, team)
    if locked.status in (S.DISPATCHED, S.ACCEPTED):
        note = _reason(note)
        if locked.assignee_id == getattr(assignee, "pk", None) and locked.team_id == getattr(team, "pk", None):
            raise ValidationError({"assignee": _("The ticket is already with them.")})
    return ticket_set_status(ticket=locked, to=S.DISPATCHED, actor=actor, note=note, assignee=assignee, team=team)


def dispatch_bulk(*, tickets, assignee=None, team=None, actor, note: str = "") -> tuple[list, list]:
    """Each ticket in its own savepoint: returns (dispatched tickets, [(ticket, reason it failed)])."""
    done, failed = [], []
    for ticket in tickets:
        try:
            with transaction.atomic():
                done.append(ticket_dispatch(ticket=ticket, assignee=assignee, team=team, actor=actor, note=note))
        except ValidationError as exc:
            failed.append((ticket, " ".join(exc.messages)))
    return done, failed


@transaction.atomic
def complaint_assign(*, ticket: Ticket, team, assignee=None, actor, note: str = "", seen: str | None = None) -> Ticket:
    """A complaint (new/reopened) to a department; assigned → assigned moves it elsewhere, with a reason."""
    locked = _lock(ticket)
    _check_seen(locked, seen)
    if locked.kind not in (Ticket.Kind.COMPLAINT, Ticket.Kind.SUGGESTION):
        raise ValidationError(_("Only complaints and suggestions are assigned to a department."))
    if team is None:
        raise ValidationError({"team": _("Choose the department.")})
    _check_assignee(locked, assignee, team, roles=COMPLAINT_HANDLER_ROLES)
    if locked.status == S.ASSIGNED:
        note = _reason(note)
    return ticket_set_status(ticket=locked, to=S.ASSIGNED, actor=actor, note=note, team=team, assignee=assignee)


@transaction.atomic
def complaint_start(*, ticket: Ticket, actor, note: str = "", seen: str | None = None) -> Ticket:
    locked = _lock(ticket)
    _check_seen(locked, seen)
    return ticket_set_status(ticket=locked, to=S.IN_PROGRESS, actor=actor, note=note, hold_reason="")


@transaction.atomic
def ticket_reply(*, ticket: Ticket, text: str, actor, seen: str | None = None) -> Ticket:
    """The answer given to the owner (complaint or enquiry), recorded as the status change's note."""
    locked = _lock(ticket)
    _check_seen(locked, seen)
    text = (text or "").strip()
    if len(text) < 2:
        raise ValidationError({"note": _("Write what the owner was told.")})
    ticket = ticket_set_status(ticket=locked, to=S.REPLIED, actor=actor, note=text)
    if ticket.kind in (Ticket.Kind.COMPLAINT, Ticket.Kind.SUGGESTION):  # every answer gets its callback (回访)
        from .callbacks import callback_open_for

        callback_open_for(ticket, actor=actor, now=ticket.replied_at)
    return ticket


@transaction.atomic
def ticket_hold(*, ticket: Ticket, reason: str, actor, seen: str | None = None) -> Ticket:
    locked = _lock(ticket)
    _check_seen(locked, seen)
    reason = _reason(reason)
    return ticket_set_status(ticket=locked, to=S.ON_HOLD, actor=actor, note=reason, hold_reason=reason[:200])


@transaction.atomic
def ticket_resume(*, ticket: Ticket, actor, note: str = "", seen: str | None = None) -> Ticket:
    locked = _lock(ticket)
    _check_seen(locked, seen)
    target = resume_target(locked)
    if target is None:
        raise ValidationError(_("This ticket is not on hold."))
    return ticket_set_status(ticket=locked, to=target, actor=actor, note=note, hold_reason="")


@transaction.atomic
def ticket_cancel(*, ticket: Ticket, reason: str, actor, seen: str | None = None) -> Ticket:
    locked = _lock(ticket)
    _check_seen(locked, seen)
    reason = _reason(reason)
    done = ticket_set_status(ticket=locked, to=S.CANCELLED, actor=actor, note=reason, cancel_reason=reason[:200])
    if done.kind == Ticket.Kind.HANDOFF:
        from ..charges import handoff_fee_withdraw

        handoff_fee_withdraw(handoff=done.handoff, actor=actor, reason=reason)  # its unpaid 代收 fee
    return done


@transaction.atomic
def ticket_close(*, ticket: Ticket, actor, note: str = "", seen: str | None = None) -> Ticket:
    locked = _lock(ticket)
    _check_seen(locked, seen)
    return ticket_set_status(ticket=locked, to=S.CLOSED, actor=actor, note=note)


@transaction.atomic
def ticket_reopen(*, ticket: Ticket, reason: str, actor, seen: str | None = None) -> Ticket:
    locked = _lock(ticket)
    _check_seen(locked, seen)
    reason = _reason(reason)
    return ticket_set_status(ticket=locked, to=S.REOPENED, actor=actor, note=reason)
