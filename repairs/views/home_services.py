"""Paid home services (有偿服务): the price list (seen by the desk, priced by supervisors and managers),
booking from a room (the price shown to the clerk: 先告之价格), the service order PDF (服务委托单).
The time confirmed to the owner is one of the desk's moves (``views.moves``); the worker completes the
service on the engineer's phone view."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.forms import StaffForm, submit_once
from core.pdf import pdf_response
from core.permissions import has_perm, require
from frontdesk.scoping import choose_community

from .. import documents
from ..forms.home_services import ServiceBookForm, ServiceItemForm, ServicePriceForm
from ..selectors import home_services as selectors
from ..selectors.tickets import unit_people, units_for
from ..services import home_services as services


def _back(community) -> str:
    return f"{reverse('repairs:service_prices')}?community={community.pk}"


@require("repairs.view")
def service_prices(request):
    """The price list as it stands today, each service's dated prices, and (for those who price) the forms."""
    choice = choose_community(request, post_param="community_pk")
    community = choice.community
    today = timezone.localdate()
    return render(request, "repairs/service_prices.html", {
        "community": community, "communities": choice.communities, "today": today,
        "lines": selectors.price_list(community=community, day=today, active_only=False),
        "history": selectors.price_history(community=community),
        "can_price": has_perm(request.user, "repairs.prices"), "toggle_form": StaffForm(),
    })


@require("repairs.prices")
def service_item_create(request):
    community = choose_community(request, post_param="community_pk").community
    form = ServiceItemForm(request.POST or None, initial={"valid_from": timezone.localdate()})

    def perform(data):
        services.service_item_add(community=community, name=data["name"], unit_of_charge=data["unit_of_charge"],
                                  price=data["price"], valid_from=data["valid_from"], actor=request.user)
        messages.success(request, _("Saved."))
        return _back(community)

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    return render(request, "repairs/manage_form.html", {
        "form": form, "community": community, "title": _("New paid service"), "back": _back(community)})


@require("repairs.prices")
def service_price_create(request, pk):
    item = selectors.service_item_for(user=request.user, pk=pk)
    form = ServicePriceForm(request.POST or None, initial={"valid_from": timezone.localdate()})

    def perform(data):
        services.service_price_add(item=item, price=data["price"], valid_from=data["valid_from"], actor=request.user)
        messages.success(request, _("Saved."))
        return _back(item.community)

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    return render(request, "repairs/manage_form.html", {
        "form": form, "community": item.community,
        "title": _("New price: %(service)s (per %(unit)s)") % {"service": item.name, "unit": item.unit_of_charge},
        "back": _back(item.community)})


@require("repairs.prices")
@require_POST
def service_item_toggle(request, pk):
    """Take a service off the price list (no more bookings; its prices stay) or put it back."""
    item = selectors.service_item_for(user=request.user, pk=pk)
    form = StaffForm(request.POST)

    def perform(_data):
        done = services.service_item_set_active(item=item, is_active=not item.is_active, actor=request.user)
        messages.success(request, (_("%(service)s is bookable again.") if done.is_active
                                   else _("%(service)s is off the price list.")) % {"service": done.name})
        return _back(item.community)

    return submit_once(request, form, perform) or redirect(_back(item.community))


@require("repairs.intake")
def service_book(request):
    """Book a paid service for a room (from the lookup's or the unit page's action)."""
    unit_pk = str(request.GET.get("unit") or request.POST.get("unit") or "")
    if not (unit_pk.isdecimal() and len(unit_pk) <= 18):
        messages.info(request, _("Find the room in the lookup, then choose “Book a paid service”."))
        return redirect("repairs:service_prices")
    unit = get_object_or_404(units_for(request.user), pk=int(unit_pk))
    today = timezone.localdate()
    items = selectors.bookable_items(communities=[unit.community_id], day=today)
    people = unit_people(unit=unit)
    initial = {"unit": unit}
    if people:
        initial |= {"contact_name": people[0].person.name, "contact_phone": people[0].person.phone}
    form = ServiceBookForm(request.POST or None, initial=initial, units=units_for(request.user), items=items)

    def perform(data):
        ticket = services.service_book(
            unit=data["unit"], item=data["item"], quantity=data["quantity"], workers=data["workers"],
            wanted_at=data["wanted_at"], contact_name=data["contact_name"], contact_phone=data["contact_phone"],
            description=data["description"], actor=request.user)
        messages.success(request, _("Paid service %(number)s booked. Confirm the time to the owner within the "
                                    "deadline.") % {"number": ticket.number})
        return ticket.get_absolute_url()

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    return render(request, "repairs/service_book.html", {
        "form": form, "unit": unit, "lines": selectors.price_list(community=unit.community, day=today),
        "back": unit.get_absolute_url()})


@require("repairs.view")
def service_order_pdf(request, pk):
    pdf, filename = documents.service_order_pdf(user=request.user, pk=pk, request=request)
    return pdf_response(pdf, filename)


urlpatterns = [
    path("services/prices/", service_prices, name="service_prices"),
    path("services/prices/new/", service_item_create, name="service_item_create"),
    path("services/prices/<int:pk>/new-price/", service_price_create, name="service_price_create"),
    path("services/prices/<int:pk>/in-use/", service_item_toggle, name="service_item_toggle"),
    path("services/book/", service_book, name="service_book"),
    path("tickets/<int:pk>/service-order.pdf", service_order_pdf, name="service_order_pdf"),
]
