"""Vehicles: the list (and its export), register for a room, edit, remove (the record is kept)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.exports import export_response
from core.forms import list_filters, list_params
from core.paging import paginate
from core.permissions import require
from frontdesk.forms.common import ReasonForm
from frontdesk.forms.vehicles import VehicleFilterForm, VehicleForm
from frontdesk.scoping import communities_of
from frontdesk.selectors import vehicles as selectors
from frontdesk.selectors.people import unit_people, vehicle_owner_choices
from frontdesk.selectors.units import units_for
from frontdesk.services import vehicles as services

from . import exports
from .common import form_page

PAGE_SIZE = 50


@list_params(VehicleFilterForm)
@require("frontdesk.view")
def vehicle_list(request):
    if refused := exports.refusal(request):
        return refused
    if exports.wants_export(request):
        return export_response(request, "frontdesk.vehicles")
    values = list_filters(request, VehicleFilterForm)
    filters = exports.vehicle_filters(values)
    active = filters["active"]
    qs = selectors.vehicle_list(user=request.user, **filters)
    filters = {"community": filters["community"], "q": filters["q"]}
    return render(request, "frontdesk/vehicle_list.html", {
        "page": paginate(request, qs, PAGE_SIZE), "filters": filters, "active": active,
        "new_energy": values["new_energy"] or "", "communities": communities_of(request.user),
    })


@require("frontdesk.edit")
def vehicle_create(request, pk):
    unit = get_object_or_404(units_for(request.user), pk=pk)
    form = VehicleForm(request.POST or None, people=unit_people(unit))

    def perform(data):
        vehicle = services.vehicle_register(community=unit.community, plate=data["plate"], unit=unit, owner=data["owner"],
                                            description=data["description"], actor=request.user)
        messages.success(request, _("Vehicle %(plate)s registered.") % {"plate": vehicle.plate})
        return unit.get_absolute_url()

    return form_page(request, form, perform, title=_("Register a vehicle for %(room)s") % {"room": unit.label},
                     back=unit.get_absolute_url())


def _vehicle(request, pk):
    return get_object_or_404(selectors.vehicles_for(request.user), pk=pk)


def _back(vehicle) -> str:
    return vehicle.unit.get_absolute_url() if vehicle.unit_id else reverse("frontdesk:vehicle_list")


@require("frontdesk.edit")
def vehicle_edit(request, pk):
    vehicle = _vehicle(request, pk)
    people = vehicle_owner_choices(vehicle)
    initial = {"plate": vehicle.plate, "owner": vehicle.owner_id, "description": vehicle.description}
    form = VehicleForm(request.POST or None, initial=initial, people=people)
    back = _back(vehicle)

    def perform(data):
        services.vehicle_update(vehicle=vehicle, plate=data["plate"], unit=vehicle.unit, owner=data["owner"],
                                description=data["description"], actor=request.user)
        messages.success(request, _("Saved."))
        return back

    return form_page(request, form, perform, title=_("Edit vehicle %(plate)s") % {"plate": vehicle.plate}, back=back)


@require("frontdesk.edit")
def vehicle_remove(request, pk):
    vehicle = _vehicle(request, pk)
    form = ReasonForm(request.POST or None)
    back = _back(vehicle)

    def perform(data):
        services.vehicle_deactivate(vehicle=vehicle, reason=data["reason"], actor=request.user)
        messages.success(request, _("Vehicle %(plate)s removed; its record is kept.") % {"plate": vehicle.plate})
        return back

    return form_page(request, form, perform, title=_("Remove vehicle %(plate)s") % {"plate": vehicle.plate}, back=back)
