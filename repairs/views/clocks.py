"""The clocks at the desk: the overdue list and "the owner was informed" of a missed deadline."""

from django.contrib import messages
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import privacy
from core.forms import list_filters, list_params, submit_once
from core.paging import paginate
from core.permissions import require

from ..forms.clocks import InformOwnerForm, OverdueListForm
from ..models import Clock
from ..selectors import clocks as selectors
from ..services import escalation

PAGE_SIZE = 50


@require("repairs.intake")
@list_params(OverdueListForm)
def overdue(request):
    filters = list_filters(request, OverdueListForm)
    kind, owner_pending = filters["kind"] or None, bool(filters["pending"])
    qs = selectors.overdue_clocks(user=request.user, kind=kind, owner_pending=owner_pending,
                                  community_ids=filters["community"])
    page = paginate(request, qs, PAGE_SIZE)
    now = timezone.now()
    rows = [{"clock": c, "late_seconds": int((now - c.due_at).total_seconds()),
             "needs_owner": c.kind in Clock.INFORM_OWNER_KINDS} for c in page]
    return render(request, "repairs/overdue_list.html", {
        "page": page, "rows": rows, "kinds": Clock.Kind.choices, "kind": kind, "owner_pending": owner_pending,
        "now": now, "community_filter": filters["community"] or [],
    })


@require("repairs.intake")
def clock_inform_owner(request, pk):
    clock = selectors.clock_to_inform(user=request.user, pk=pk)
    form = None
    if clock.owner_informed_at is None:
        form = InformOwnerForm(request.POST or None)

        def perform(data):
            escalation.clock_owner_informed(clock=clock, informed_at=data["informed_at"], note=data["note"],
                                            actor=request.user)
            messages.success(request, _("Recorded: the owner of %(number)s was informed.") % {
                "number": clock.ticket.number})
            return reverse("repairs:overdue")

        if request.method == "POST" and (response := submit_once(request, form, perform)):
            return response
    return render(request, "repairs/clock_inform_owner.html", {
        "clock": clock, "ticket": clock.ticket, "form": form,
        "phone": privacy.display(request.user, privacy.PHONE, clock.ticket.contact_phone),
        "late_seconds": int((timezone.now() - clock.due_at).total_seconds()),
    })


urlpatterns = [
    path("overdue/", overdue, name="overdue"),
    path("clocks/<int:pk>/inform-owner/", clock_inform_owner, name="clock_inform_owner"),
]
