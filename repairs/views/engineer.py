"""The engineer's phone view: my tickets, the ticket card (accept, arrived, hold, resume, complete)
and the printable work order (维修单). Thin: permission → form → one service call → redirect."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.forms import StaffForm, submit_once
from core.paging import paginate
from core.pdf import pdf_response
from core.permissions import require

from .. import documents
from ..forms.home_services import ServiceCompleteForm
from ..forms.work import CompleteForm, HoldForm
from ..models import Ticket
from ..selectors import clocks as clock_selectors
from ..selectors import work as selectors
from ..services import home_services, work

# A phone screen of cards; the most urgent come first, so the first page is what to do now.
PAGE_SIZE = 30


@require("repairs.work")
def work_list(request):
    page = paginate(request, selectors.work_list(user=request.user), PAGE_SIZE)
    now = timezone.now()
    return render(request, "repairs/engineer_list.html", {
        "page": page, "tickets": selectors.with_due_labels(page.object_list, now), "now": now})


@require("repairs.work")
def work_ticket(request, pk):
    ticket = selectors.work_ticket(user=request.user, pk=pk)
    person = selectors.contact_person(ticket)
    return render(request, "repairs/engineer_ticket.html", {
        "ticket": ticket, "now": timezone.now(), "hold_form": HoldForm(), "action_form": StaffForm(),
        "contact_reveal_url": reverse("frontdesk:person_reveal", args=[person.pk, "phone"]) if person else "",
        "photos": selectors.ticket_photos(ticket), "clocks": clock_selectors.ticket_open_clocks(ticket),
    })


def _move(request, pk, perform, done_message):
    ticket = selectors.work_ticket(user=request.user, pk=pk)
    form = StaffForm(request.POST)

    def run(_data):
        perform(ticket)
        messages.success(request, done_message % {"number": ticket.number})
        return reverse("repairs:work_ticket", args=[ticket.pk])

    if not submit_once(request, form, run):
        for error in form.non_field_errors():
            messages.error(request, error)
        return redirect("repairs:work_ticket", pk=ticket.pk)
    return redirect("repairs:work_ticket", pk=ticket.pk)


@require("repairs.work")
@require_POST
def work_accept(request, pk):
    return _move(request, pk, lambda t: work.ticket_accept(ticket=t, actor=request.user), _("%(number)s accepted."))


@require("repairs.work")
@require_POST
def work_arrive(request, pk):
    return _move(request, pk, lambda t: work.ticket_arrive(ticket=t, actor=request.user),
                 _("%(number)s: arrival on site recorded."))


@require("repairs.work")
@require_POST
def work_resume(request, pk):
    return _move(request, pk, lambda t: work.ticket_resume(ticket=t, actor=request.user), _("%(number)s resumed."))


@require("repairs.work")
def work_hold(request, pk):
    ticket = selectors.work_ticket(user=request.user, pk=pk)
    form = HoldForm(request.POST or None)

    def perform(data):
        work.ticket_hold(ticket=ticket, reason=data["reason"], actor=request.user)
        messages.success(request, _("%(number)s is on hold; its clocks are paused.") % {"number": ticket.number})
        return reverse("repairs:work_ticket", args=[ticket.pk])

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    return render(request, "repairs/engineer_form.html", {"ticket": ticket, "form": form,
                                                          "title": _("Put on hold")})


@require("repairs.work")
def work_complete(request, pk):
    ticket = selectors.work_ticket(user=request.user, pk=pk)
    if ticket.kind == Ticket.Kind.SERVICE:
        return _service_complete(request, ticket)
    form = CompleteForm(request.POST or None, request.FILES or None, ticket=ticket)

    def perform(data):
        work.ticket_complete(
            ticket=ticket, actor=request.user, work_done=data["work_done"], materials=data["materials"],
            labour_minutes=data["labour_minutes"], charge_amount=data.get("charge_amount"),
            owner_confirmation=data["owner_confirmation"], owner_signature=data["owner_signature"],
            photos_before=data["photos_before"], photos_after=data["photos_after"])
        messages.success(request, _("%(number)s completed. The callback is due.") % {"number": ticket.number})
        return reverse("repairs:work_list")

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    return render(request, "repairs/engineer_complete.html", {"ticket": ticket, "form": form})


def _service_complete(request, ticket):
    """A paid service's order: the quantity done; the charge is the price list's (price × quantity)."""
    form = ServiceCompleteForm(request.POST or None, request.FILES or None, ticket=ticket)

    def perform(data):
        home_services.service_complete(
            ticket=ticket, actor=request.user, quantity=data["quantity"], work_done=data["work_done"],
            materials=data["materials"], labour_minutes=data["labour_minutes"],
            owner_confirmation=data["owner_confirmation"], owner_signature=data["owner_signature"],
            photos_before=data["photos_before"], photos_after=data["photos_after"])
        messages.success(request, _("%(number)s completed. The charge is payable at the counter; the callback is "
                                    "due today.") % {"number": ticket.number})
        return reverse("repairs:work_list")

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    return render(request, "repairs/engineer_complete.html", {"ticket": ticket, "form": form})


@require("repairs.view")
def work_order_pdf(request, pk):
    pdf, filename = documents.work_order_pdf(user=request.user, pk=pk, request=request)
    return pdf_response(pdf, filename)


urlpatterns = [
    path("work/", work_list, name="work_list"),
    path("work/<int:pk>/", work_ticket, name="work_ticket"),
    path("work/<int:pk>/accept/", work_accept, name="work_accept"),
    path("work/<int:pk>/arrive/", work_arrive, name="work_arrive"),
    path("work/<int:pk>/hold/", work_hold, name="work_hold"),
    path("work/<int:pk>/resume/", work_resume, name="work_resume"),
    path("work/<int:pk>/complete/", work_complete, name="work_complete"),
    path("tickets/<int:pk>/work-order.pdf", work_order_pdf, name="work_order_pdf"),
]
