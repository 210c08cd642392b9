"""The ticket page and its history panel."""

from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone

from core import privacy
from core.audit import history_for
from core.media import file_response
from core.permissions import has_perm, require

from ..forms.handoffs import ForwardForm
from ..models import Ticket
from ..selectors import tickets as selectors
from ..selectors.clocks import clock_badges
from ..selectors.handoffs import handoff_fee_bill, handoff_for_ticket
from ..selectors.work import contact_person
from .moves import desk_moves


def contact_reveal_url(user, ticket) -> str:
    """The logged "show" of the contact phone, for those who see it masked (when it is a resident's)."""
    if privacy.sees_in_full(user, privacy.PHONE) or not privacy.may_reveal(user, privacy.PHONE):
        return ""
    person = contact_person(ticket)
    return reverse("frontdesk:person_reveal", args=[person.pk, "phone"]) if person else ""


@require("repairs.view")
def ticket_detail(request, pk):
    ticket = selectors.ticket_detail(user=request.user, pk=pk)
    can_dispatch = has_perm(request.user, "repairs.dispatch")
    handoff = handoff_for_ticket(ticket) if ticket.kind == Ticket.Kind.HANDOFF else None
    return render(request, "repairs/ticket_detail.html", {
        "ticket": ticket, "clocks": clock_badges([c for c in ticket.all_clocks if not c.met_at and not c.cancelled_at],
                                                 timezone.now()),
        "done_clocks": [c for c in ticket.all_clocks if c.met_at or c.cancelled_at],
        "moves": desk_moves(ticket) if can_dispatch else [], "seen": selectors.ticket_version(ticket),
        "contact_reveal_url": contact_reveal_url(request.user, ticket),
        "handoff": handoff, "handoff_fee": handoff_fee_bill(handoff),
        "forward_form": ForwardForm(),
    })


@require("repairs.view")
def ticket_history(request, pk):
    ticket = selectors.ticket_of(user=request.user, pk=pk)
    return render(request, "core/partials/_history.html", {"events": history_for(ticket, user=request.user)})


@require("repairs.view")
def ticket_photo(request, pk):
    """A ticket photo, for those who may see the ticket (the file is never at a public URL)."""
    return file_response(selectors.ticket_photo(user=request.user, pk=pk).image.name)


urlpatterns = [
    path("tickets/photos/<int:pk>/", ticket_photo, name="ticket_photo"),
    path("tickets/<int:pk>/", ticket_detail, name="ticket_detail"),
    path("tickets/<int:pk>/history/", ticket_history, name="ticket_history"),
]
