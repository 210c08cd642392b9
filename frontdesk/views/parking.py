"""Parking spaces: the list, create and edit."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.forms import list_filters, list_params
from core.paging import paginate
from core.permissions import require
from frontdesk.forms.parking import ParkingFilterForm, ParkingSpaceForm
from frontdesk.scoping import communities_of
from frontdesk.selectors import parking as selectors
from frontdesk.selectors.units import units_for
from frontdesk.selectors.vehicles import vehicle_by_plate
from frontdesk.services.parking import parking_space_save

from .common import form_page

PAGE_SIZE = 50


@list_params(ParkingFilterForm)
@require("frontdesk.view")
def parking_list(request):
    q = list_filters(request, ParkingFilterForm)["q"]
    qs = selectors.parking_list(user=request.user, q=q)
    return render(request, "frontdesk/parking_list.html", {"page": paginate(request, qs, PAGE_SIZE), "q": q})


@require("frontdesk.edit")
def parking_edit(request, pk=None):
    space = get_object_or_404(selectors.parking_spaces_for(request.user), pk=pk) if pk else None
    initial = {}
    if space:
        initial = {"community": space.community_id, "code": space.code, "kind": space.kind,
                   "unit": space.unit.code if space.unit_id else "",
                   "plate": space.vehicle.plate if space.vehicle_id else "", "notes": space.notes}
    form = ParkingSpaceForm(request.POST or None, initial=initial, communities=communities_of(request.user),
                            units=units_for(request.user), fixed_community=space is not None)
    back = reverse("frontdesk:parking_list")

    def perform(data):
        community = space.community if space else data["community"]
        if data["unit"] and data["unit"].community_id != community.pk:
            raise ValidationError({"unit": _("This room belongs to another community.")})
        vehicle = None
        if data["plate"]:
            vehicle = vehicle_by_plate(user=request.user, community=community, plate=data["plate"])
            if vehicle is None:
                raise ValidationError({"plate": _("No registered vehicle with this plate.")})
        parking_space_save(community=community, code=data["code"], kind=data["kind"], unit=data["unit"],
                           vehicle=vehicle, notes=data["notes"], space=space, actor=request.user)
        messages.success(request, _("Saved."))
        return back

    title = _("Parking space %(code)s") % {"code": space.code} if space else _("New parking space")
    return form_page(request, form, perform, title=title, back=back)
