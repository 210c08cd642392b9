"""The clocks at the desk: the overdue list and "the owner was informed" of a missed deadline."""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import privacy
from core.forms import StaffForm, submit_once
from core.permissions import require
from frontdesk.scoping import scope

from ..models import Clock
from ..services import clocks as clock_services
from ..services import escalation

PAGE_SIZE = 50


class InformOwnerForm(StaffForm):
    informed_at = forms.DateTimeField(
        label=gettext_lazy("Owner informed at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))
    note = forms.CharField(label=gettext_lazy("What the owner was told"), max_length=200,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=gettext_lazy("e.g. the engineer will arrive by 15:30; the owner agreed"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("informed_at", timezone.localtime().replace(second=0, microsecond=0))


@require("repairs.intake")
def overdue(request):
    kind = request.GET.get("kind") or None
    owner_pending = request.GET.get("pending") == "1"
    qs = clock_services.overdue_clocks(user=request.user, kind=kind, owner_pending=owner_pending)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = [{"clock": c, "late_seconds": int((now - c.due_at).total_seconds()),
             "needs_owner": c.kind in escalation.INFORM_OWNER_KINDS} for c in page]
    return render(request, "repairs/overdue_list.html", {
        "page": page, "rows": rows, "kinds": Clock.Kind.choices, "kind": kind, "owner_pending": owner_pending,
        "now": now,
    })


@require("repairs.intake")
def clock_inform_owner(request, pk):
    clock = get_object_or_404(
        scope(Clock.objects.select_related("ticket__unit__building", "ticket__unit__entrance", "ticket__community",
                                           "owner_informed_by"), request.user, field="ticket__community"),
        pk=pk, kind__in=escalation.INFORM_OWNER_KINDS, breached_at__isnull=False)
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
