"""The desk's moves on a ticket (dispatch, assign, start, reply, hold, resume, cancel, close): one
``MOVES`` table says, for each, its title, when it is offered, its form, its service and its permission."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.forms import submit_once
from core.permissions import has_perm, require

from ..forms.home_services import ConfirmForm
from ..forms.moves import AssignForm, DispatchForm, MoveForm
from ..models import Ticket
from ..selectors.manage import engineers_for, teams_for
from ..selectors.tickets import ticket_for_move, ticket_version
from ..services import dispatch, home_services

S, K = Ticket.Status, Ticket.Kind
REASSIGNABLE = (S.DISPATCHED, S.ACCEPTED)


def _note_form(label=None):
    """A move whose only input is the note; with a label the note is a required reason or text."""
    def build(ticket, data, initial):
        return MoveForm(data, initial=initial, note_label=label, note_required=label is not None)
    return build


def _dispatch_form(ticket, data, initial):
    reassign = ticket.status in REASSIGNABLE
    return DispatchForm(data, initial=initial, engineers=engineers_for(community=ticket.community),
                        teams=teams_for(community=ticket.community),
                        note_label=_("Reason for reassigning") if reassign else None, note_required=reassign)


def _assign_form(ticket, data, initial):
    moving = ticket.status == S.ASSIGNED
    return AssignForm(data, initial=initial, teams=teams_for(community=ticket.community),
                      note_label=_("Reason for moving it") if moving else None, note_required=moving)


def _confirm_form(ticket, data, initial):
    """A paid service: the time agreed with the team lead and told to the owner, and who does it."""
    moving = ticket.status in REASSIGNABLE
    initial = {**initial, "start": ticket.appointment_start or ticket.service_wanted_at,
               "end": ticket.appointment_end}
    return ConfirmForm(data, initial=initial, engineers=engineers_for(community=ticket.community),
                       teams=teams_for(community=ticket.community),
                       note_label=_("Reason for the change") if moving else None, note_required=moving)


@dataclass(frozen=True)
class Move:
    title: str
    to: str | None  # the status it leads to; None: back to where the ticket was (resume)
    form: Callable  # (ticket, data, initial) -> form
    service: Callable  # a ``services.dispatch`` function: (ticket=, actor=, seen=, <note_arg>=, **fields)
    note_arg: str = "note"  # the service's name for the form's note
    fields: tuple = ()  # form data passed on to the service as they are
    kinds: frozenset | None = None  # the ticket kinds it applies to (None: every kind)
    from_hold: bool = True  # offered for a ticket on hold (when the table allows the move)
    permission: str = "repairs.dispatch"
    title_reassign: str | None = field(default=None)  # the title when the ticket is already dispatched

    def offered(self, ticket: Ticket) -> bool:
        if self.kinds is not None and ticket.kind not in self.kinds:
            return False
        if self.to is None:
            return ticket.status == S.ON_HOLD
        return self.to in ticket.allowed_moves() and (self.from_hold or ticket.status != S.ON_HOLD)

    def title_for(self, ticket: Ticket) -> str:
        return self.title_reassign if self.title_reassign and ticket.status in REASSIGNABLE else self.title


# The desk's moves, in the order of the ticket page's buttons. Reopening is not one: it is the
# callback's decision (a dissatisfied owner).
MOVES = {
    "dispatch": Move(gettext_lazy("Dispatch"), S.DISPATCHED, _dispatch_form, dispatch.ticket_dispatch,
                     fields=("assignee", "team"), kinds=frozenset({K.REPAIR}), from_hold=False,
                     title_reassign=gettext_lazy("Reassign")),
    "confirm": Move(gettext_lazy("Confirm the time and dispatch"), S.DISPATCHED, _confirm_form,
                    home_services.service_confirm, fields=("assignee", "team", "start", "end"),
                    kinds=frozenset({K.SERVICE}), from_hold=False,
                    title_reassign=gettext_lazy("Change the worker or the time")),
    "assign": Move(gettext_lazy("Assign to a department"), S.ASSIGNED, _assign_form, dispatch.complaint_assign,
                   fields=("team",), kinds=frozenset({K.COMPLAINT, K.SUGGESTION})),
    "start": Move(gettext_lazy("Start handling"), S.IN_PROGRESS, _note_form(), dispatch.complaint_start),
    "reply": Move(gettext_lazy("Reply to the owner"), S.REPLIED, _note_form(gettext_lazy("What the owner was told")),
                  dispatch.ticket_reply, note_arg="text"),
    "hold": Move(gettext_lazy("Put on hold"), S.ON_HOLD,
                 _note_form(gettext_lazy("Reason (waiting for parts, for the owner…)")), dispatch.ticket_hold,
                 note_arg="reason"),
    "resume": Move(gettext_lazy("Resume"), None, _note_form(), dispatch.ticket_resume),
    "cancel": Move(gettext_lazy("Cancel the ticket"), S.CANCELLED, _note_form(gettext_lazy("Reason for cancelling")),
                   dispatch.ticket_cancel, note_arg="reason"),
    "close": Move(gettext_lazy("Close"), S.CLOSED, _note_form(), dispatch.ticket_close),
}


def desk_moves(ticket: Ticket) -> list[str]:
    """The desk's moves the transition table allows from the ticket's status (buttons on the ticket page)."""
    return [name for name, move in MOVES.items() if move.offered(ticket)]


@require("repairs.dispatch")
def ticket_move(request, pk, move):
    spec = MOVES.get(move)
    if spec is None:
        raise Http404
    if not has_perm(request.user, spec.permission):
        raise PermissionDenied
    ticket = ticket_for_move(user=request.user, pk=pk)
    form = spec.form(ticket, request.POST or None, {"seen": ticket_version(ticket)})

    def perform(data):
        done = spec.service(ticket=ticket, actor=request.user, seen=data.get("seen") or None,
                            **{spec.note_arg: data.get("note", "")}, **{name: data[name] for name in spec.fields})
        messages.success(request, _("%(number)s: now “%(status)s”.") % {"number": done.number,
                                                                       "status": done.get_status_display()})
        return done.get_absolute_url()

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    if request.method == "POST":
        refusals = [e for e in form.non_field_errors().as_data() if e.code in ("stale", "bad_move")]
        if refusals and (request.POST.get("from_page") or refusals[0].code == "stale"):
            # someone else moved it first (or the move no longer fits): show the ticket as it is now
            for error in refusals:
                messages.error(request, " ".join(error.messages))
            return redirect(ticket.get_absolute_url())
    return render(request, "repairs/ticket_move.html", {"form": form, "ticket": ticket, "move": move,
                                                        "title": spec.title_for(ticket)})


urlpatterns = [
    path("tickets/<int:pk>/<slug:move>/", ticket_move, name="ticket_move"),
]
