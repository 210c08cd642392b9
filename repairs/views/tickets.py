"""The ticket page and its history panel."""

from django.shortcuts import render
from django.urls import path
from django.utils import timezone

from core.audit import history_for
from core.permissions import has_perm, require

from ..selectors import tickets as selectors
from ..selectors.clocks import clock_badges
from .moves import desk_moves


@require("repairs.view")
def ticket_detail(request, pk):
    ticket = selectors.ticket_detail(user=request.user, pk=pk)
    can_dispatch = has_perm(request.user, "repairs.dispatch")
    return render(request, "repairs/ticket_detail.html", {
        "ticket": ticket, "clocks": clock_badges([c for c in ticket.all_clocks if not c.met_at and not c.cancelled_at],
                                                 timezone.now()),
        "done_clocks": [c for c in ticket.all_clocks if c.met_at or c.cancelled_at],
        "moves": desk_moves(ticket) if can_dispatch else [], "seen": selectors.ticket_version(ticket),
    })


@require("repairs.view")
def ticket_history(request, pk):
    ticket = selectors.ticket_of(user=request.user, pk=pk)
    return render(request, "core/partials/_history.html", {"events": history_for(ticket)})


urlpatterns = [
    path("tickets/<int:pk>/", ticket_detail, name="ticket_detail"),
    path("tickets/<int:pk>/history/", ticket_history, name="ticket_history"),
]
