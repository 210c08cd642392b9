"""The lists' ``?export=xlsx``: who may export, and the rows of each list (masked as on screen)."""

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core import privacy
from core.exports import xlsx_response
from core.permissions import has_perm

CHUNK = 2000


def wants_export(request) -> bool:
    return request.GET.get("export") == "xlsx"


def refusal(request) -> HttpResponse | None:
    """A 403 when an export is asked for by someone who may not export."""
    if wants_export(request) and not has_perm(request.user, "frontdesk.export"):
        return HttpResponse(status=403)
    return None


def units_xlsx(units) -> HttpResponse:
    rows = ((u.community.name, u.code, u.label, u.floor, u.area, u.get_usage_display(),
             "、".join(o.person.name for o in u.current_owners)) for u in units.iterator(chunk_size=CHUNK))
    return xlsx_response("units.xlsx", [_("Community"), _("Room code"), _("Room"), _("Floor"), _("Floor area (m²)"),
                                        _("Usage"), _("Owners")], rows)


def people_xlsx(people, *, user) -> HttpResponse:
    rows = ((p.community.name, p.name, privacy.display(user, privacy.PHONE, p.phone), p.get_id_type_display(),
             privacy.mask_id_number(p.id_number),
             "、".join(f"{o.unit.label}({o.get_kind_display()})" for o in p.current_occupancies))
            for p in people.iterator(chunk_size=CHUNK))
    return xlsx_response("people.xlsx", [_("Community"), _("Name"), _("Phone"), _("ID document"), _("ID number"),
                                         _("Rooms")], rows)


def vehicles_xlsx(vehicles) -> HttpResponse:
    rows = ((v.community.name, v.plate, _("Yes") if v.is_new_energy else _("No"), v.unit.label if v.unit else "",
             v.owner.name if v.owner else "", v.description) for v in vehicles.iterator(chunk_size=CHUNK))
    return xlsx_response("vehicles.xlsx", [_("Community"), _("Plate"), _("New-energy vehicle"), _("Room"),
                                           pgettext("vehicle", "Owner"), _("Make, model and colour")], rows)
