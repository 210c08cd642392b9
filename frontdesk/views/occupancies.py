"""Who lives in a room: adding an occupant, move-out, and owners' authorisations for tenants."""

from django.contrib import messages
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from core.permissions import require
from frontdesk.forms.common import ReasonForm
from frontdesk.forms.occupancies import AuthorizationForm, MoveOutForm, OccupantForm
from frontdesk.models import Occupancy
from frontdesk.registry import move_out_warnings
from frontdesk.selectors.occupancies import authorizations_for, occupancies_for
from frontdesk.selectors.people import unit_owners
from frontdesk.selectors.units import units_for
from frontdesk.services import authorizations, occupancies

from .common import form_page


@require("frontdesk.edit")
def occupant_add(request, pk):
    unit = get_object_or_404(units_for(request.user), pk=pk)
    initial = {"kind": request.GET.get("kind", Occupancy.Kind.OWNER)}
    form = OccupantForm(request.POST or None, initial=initial)

    def perform(data):
        occupancy = occupancies.occupant_add(
            unit=unit, kind=data["kind"], name=data["name"], id_type=data["id_type"], id_number=data["id_number"],
            phone=data["phone"], share=data["share"], relationship=data["relationship"], start_date=data["start_date"],
            actor=request.user)
        messages.success(request, _("%(name)s recorded as %(role)s.") % {"name": occupancy.person.name,
                                                                       "role": occupancy.get_kind_display()})
        form.tell_if_converted(request)
        return unit.get_absolute_url()

    return form_page(request, form, perform, title=_("Add a person to %(room)s") % {"room": unit.label},
                     back=unit.get_absolute_url())


@require("frontdesk.edit")
def occupancy_end(request, pk):
    occupancy = get_object_or_404(occupancies_for(request.user), pk=pk)
    warnings = move_out_warnings(occupancy.unit) if occupancy.kind == Occupancy.Kind.OWNER else []
    form = MoveOutForm(request.POST or None, warnings=warnings)

    def perform(data):
        occupancies.occupancy_end(occupancy=occupancy, end_date=data["end_date"], reason=data["reason"], actor=request.user)
        messages.success(request, _("Move-out recorded for %(name)s.") % {"name": occupancy.person.name})
        return occupancy.unit.get_absolute_url()

    title = _("Move-out: %(name)s, %(room)s") % {"name": occupancy.person.name, "room": occupancy.unit.label}
    return form_page(request, form, perform, title=title, warnings=warnings, back=occupancy.unit.get_absolute_url())


@require("frontdesk.edit")
def authorization_create(request, pk):
    tenancy = get_object_or_404(occupancies_for(request.user), pk=pk, kind=Occupancy.Kind.TENANT, end_date__isnull=True)
    form = AuthorizationForm(request.POST or None, owners=unit_owners(tenancy.unit))

    def perform(data):
        authorizations.authorization_grant(tenancy=tenancy, owner=data["owner"], valid_from=data["valid_from"],
                                           valid_to=data["valid_to"], scopes=data["scopes"],
                                           document_ref=data["document_ref"], actor=request.user)
        messages.success(request, _("Authorisation recorded."))
        return tenancy.unit.get_absolute_url()

    title = _("Owner's authorisation for tenant %(name)s") % {"name": tenancy.person.name}
    return form_page(request, form, perform, title=title, back=tenancy.unit.get_absolute_url())


@require("frontdesk.edit")
def authorization_revoke(request, pk):
    authorization = get_object_or_404(authorizations_for(request.user), pk=pk)
    form = ReasonForm(request.POST or None)
    back = authorization.tenancy.unit.get_absolute_url()

    def perform(data):
        authorizations.authorization_revoke(authorization=authorization, reason=data["reason"], actor=request.user)
        messages.success(request, _("Authorisation revoked."))
        return back

    return form_page(request, form, perform, title=_("Revoke authorisation"), back=back)
