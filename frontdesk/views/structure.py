"""Structure work: new rooms (with their building's entrance) and room details."""

from django.contrib import messages
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from core.permissions import require
from frontdesk.forms.units import UnitCreateForm, UnitEditForm
from frontdesk.selectors.units import buildings_for, units_for
from frontdesk.services import units as services

from .common import form_page


@require("frontdesk.structure")
def unit_create(request):
    form = UnitCreateForm(request.POST or None, buildings=buildings_for(request.user))

    def perform(data):
        unit = services.unit_add(building=data["building"], entrance_name=data["entrance"], number=data["number"],
                                 area=data["area"], usage=data["usage"], floor=data["floor"], notes=data["notes"],
                                 actor=request.user)
        messages.success(request, _("Room %(room)s created.") % {"room": unit.label})
        return unit.get_absolute_url()

    return form_page(request, form, perform, title=_("New room"))


@require("frontdesk.structure")
def unit_edit(request, pk):
    unit = get_object_or_404(units_for(request.user), pk=pk)
    initial = {"floor": unit.floor, "area": unit.area, "usage": unit.usage, "notes": unit.notes, "is_active": unit.is_active}
    form = UnitEditForm(request.POST or None, initial=initial)

    def perform(data):
        services.unit_update(unit=unit, floor=data["floor"], area=data["area"], usage=data["usage"], notes=data["notes"],
                             is_active=data["is_active"], actor=request.user)
        messages.success(request, _("Saved."))
        return unit.get_absolute_url()

    return form_page(request, form, perform, title=_("Edit %(room)s") % {"room": unit.label},
                     back=unit.get_absolute_url())
