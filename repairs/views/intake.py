"""Intake: the new-ticket form (from the unit page or the board), logged and optionally dispatched in one step."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from core.forms import submit_once
from core.permissions import require

from ..forms.intake import IntakeForm
from ..models import Ticket
from ..selectors.intake import default_category, intake_options
from ..selectors.tickets import units_for
from ..services.intake import ticket_intake


@require("repairs.intake")
def ticket_create(request):
    unit = None
    unit_pk = request.GET.get("unit") or request.POST.get("unit")
    if unit_pk and str(unit_pk).isdecimal() and len(str(unit_pk)) <= 18:  # not an id (abc, -5): no room chosen
        unit = get_object_or_404(units_for(request.user), pk=int(unit_pk))
    options = intake_options(user=request.user, unit=unit)
    communities = options.communities
    initial = {"unit": unit, "community": communities[0] if len(communities) == 1 else None}
    if options.people:
        first = options.people[0]
        initial |= {"person": str(first.person_id), "contact_name": first.person.name,
                    "contact_phone": first.person.phone}
    if not unit:
        initial["channel"] = Ticket.Channel.PHONE
    form = IntakeForm(request.POST or None, request.FILES or None, initial=initial, units=units_for(request.user),
                      communities=options.community_choices, categories=options.categories,
                      engineers=options.engineers, teams=options.teams, people=options.people,
                      default_categories=options.defaults)
    if not form.is_bound:
        form.initial["category"] = default_category(options.categories, unit)

    def perform(data):
        ticket = ticket_intake(
            community=data["community"], kind=data["kind"], channel=data["channel"], unit=data["unit"],
            location=data["location"], contact_name=data["contact_name"], contact_phone=data["contact_phone"],
            category=data["category"], description=data["description"], urgency=data["urgency"],
            appointment_start=data["appointment_start"], appointment_end=data["appointment_end"],
            is_paid=data["is_paid"], photos=data["photos"], assignee=data["assignee"], team=data["team"],
            actor=request.user)
        if data["assignee"] or data["team"]:
            messages.success(request, _("Ticket %(number)s logged and dispatched.") % {"number": ticket.number})
        else:
            messages.success(request, _("Ticket %(number)s logged.") % {"number": ticket.number})
        return ticket.get_absolute_url()

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    return render(request, "repairs/intake.html", {
        "form": form, "unit": unit, "people": form.person_data,
        "back": unit.get_absolute_url() if unit else reverse("repairs:board")})


urlpatterns = [
    path("new/", ticket_create, name="ticket_create"),
]
