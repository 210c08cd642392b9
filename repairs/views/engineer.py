"""The engineer's phone view: my tickets, the ticket card (accept, arrived, hold, resume, complete)
and the printable work order (维修单). Thin: permission → form → one service call → redirect."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import privacy
from core.forms import StaffForm, submit_once
from core.money import rmb_upper
from core.pdf import pdf_response, render_pdf
from core.permissions import require

from ..forms_work import CompleteForm, HoldForm
from ..models import TicketPhoto
from ..services import work


def _contact_person(ticket):
    """The unit's current resident whose phone is the contact phone, for the logged "show"."""
    if not (ticket.unit_id and ticket.contact_phone):
        return None
    from frontdesk.models import Person

    return (Person.objects.filter(occupancies__unit_id=ticket.unit_id, occupancies__end_date__isnull=True)
            .filter(phone=ticket.contact_phone).order_by("pk").first())


@require("repairs.work")
def work_list(request):
    tickets = list(work.work_list(user=request.user))
    return render(request, "repairs/engineer_list.html", {"tickets": tickets, "now": timezone.now()})


@require("repairs.work")
def work_ticket(request, pk):
    ticket = work.work_ticket(user=request.user, pk=pk)
    person = _contact_person(ticket)
    return render(request, "repairs/engineer_ticket.html", {
        "ticket": ticket, "now": timezone.now(), "hold_form": HoldForm(), "action_form": StaffForm(),
        "contact_reveal_url": reverse("frontdesk:person_reveal", args=[person.pk, "phone"]) if person else "",
        "photos": list(ticket.photos.all()), "clocks": list(ticket.clocks.filter(met_at__isnull=True,
                                                                                cancelled_at__isnull=True)),
    })


def _move(request, pk, perform, done_message):
    ticket = work.work_ticket(user=request.user, pk=pk)
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
    ticket = work.work_ticket(user=request.user, pk=pk)
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
    ticket = work.work_ticket(user=request.user, pk=pk)
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


def _ticket_url(ticket) -> str:
    """The ticket's page (the board's), or the engineer's card while the board's page is not there."""
    from django.urls import NoReverseMatch

    try:
        return ticket.get_absolute_url()
    except NoReverseMatch:
        return reverse("repairs:work_ticket", args=[ticket.pk])


@require("repairs.view")
def work_order_pdf(request, pk):
    ticket = work.work_order_ticket(user=request.user, pk=pk)
    photos = [p for p in ticket.photos.all() if p.stage in (TicketPhoto.Stage.BEFORE, TicketPhoto.Stage.AFTER)]
    pdf = render_pdf("repairs/pdf/work_order.html", {
        "ticket": ticket, "printed_at": timezone.now(), "printed_by": request.user,
        "contact_phone": privacy.display(request.user, privacy.PHONE, ticket.contact_phone),
        "charge_upper": rmb_upper(ticket.charge_amount) if ticket.charge_amount is not None else "",
        "photo_count": len(photos), "qr_url": _ticket_url(ticket),
    }, request=request)
    return pdf_response(pdf, f"work-order-{ticket.number}.pdf")


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
