"""The lists' ``?export=xlsx``: who may export, and the rows of each list (masked as on screen).

Each list's export is registered with ``core.exports`` (``frontdesk.extensions``) as a builder from the user
and the list's query string, so a large one can be rebuilt by the background task exactly as the list
shows it. The rows read one chunk of ``CHUNK`` records at a time (the prefetches run per chunk)."""

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from core import privacy
from core.exports import Export
from core.permissions import has_perm
from frontdesk.forms.people import PersonFilterForm
from frontdesk.forms.units import UnitFilterForm
from frontdesk.forms.vehicles import VehicleFilterForm
from frontdesk.scoping import community_ids

CHUNK = 2000
ACTION = "frontdesk.export"


def wants_export(request) -> bool:
    return request.GET.get("export") == "xlsx"


def refusal(request) -> HttpResponse | None:
    """A 403 when an export is asked for by someone who may not export."""
    if wants_export(request) and not has_perm(request.user, ACTION):
        return HttpResponse(status=403)
    return None


def vehicle_filters(values: dict) -> dict:
    """The vehicle list's selector arguments from its ``VehicleFilterForm`` values."""
    return {"community": values["community"] or None, "q": values["q"] or None, "active": values["active"] != "0",
            "new_energy": {"1": True, "0": False}.get(values["new_energy"] or "")}


def _communities(user, community) -> list[int]:
    return [int(community)] if community else community_ids(user)


def _filters(form_class, params) -> dict:
    return {k: v or None for k, v in form_class(params).values().items()}


def units_export(user, params) -> Export:
    from frontdesk.selectors.units import unit_list

    filters = _filters(UnitFilterForm, params)
    units = unit_list(user=user, **filters)

    def rows():
        for u in units.iterator(chunk_size=CHUNK):
            yield (u.community.name, u.code, u.label, u.floor, u.area, u.get_usage_display(),
                   "、".join(o.person.name for o in u.current_owners))

    return Export(gettext_lazy("Units export"), "units.xlsx",
                  [_("Community"), _("Room code"), _("Room"), _("Floor"), _("Floor area (m²)"), _("Usage"), _("Owners")],
                  units, rows, _communities(user, filters["community"]))


def people_export(user, params) -> Export:
    from frontdesk.selectors.people import person_export_list

    filters = _filters(PersonFilterForm, params)
    people = person_export_list(user=user, **filters)

    def rows():
        for p in people.iterator(chunk_size=CHUNK):
            yield (p.community.name, p.name, privacy.display(user, privacy.PHONE, p.phone),
                   p.get_id_type_display(), privacy.mask_id_number(p.id_number),
                   "、".join(f"{o.unit.label}({o.get_kind_display()})" for o in p.current_occupancies))

    return Export(gettext_lazy("People export"), "people.xlsx",
                  [_("Community"), _("Name"), _("Phone"), _("ID document"), _("ID number"), _("Rooms")],
                  people, rows, _communities(user, filters["community"]))


def vehicles_export(user, params) -> Export:
    from frontdesk.selectors.vehicles import vehicle_list

    filters = vehicle_filters(VehicleFilterForm(params).values())
    vehicles = vehicle_list(user=user, **filters)

    def rows():
        for v in vehicles.iterator(chunk_size=CHUNK):
            yield (v.community.name, v.plate, _("Yes") if v.is_new_energy else _("No"),
                   v.unit.label if v.unit else "", v.owner.name if v.owner else "", v.description)

    return Export(gettext_lazy("Vehicles export"), "vehicles.xlsx",
                  [_("Community"), _("Plate"), _("New-energy vehicle"), _("Room"), pgettext("vehicle", "Owner"),
                   _("Make, model and colour")],
                  vehicles, rows, _communities(user, filters["community"]))
