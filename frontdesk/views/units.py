"""Rooms: the list (and its export), the unit page (360° view), its history and its card as PDF."""

from django.shortcuts import get_object_or_404, render

from core.audit import history_for
from core.exports import export_response
from core.forms import list_filters, list_params
from core.paging import paginate
from core.pdf import pdf_response
from core.permissions import require
from frontdesk import documents
from frontdesk.forms.units import UnitFilterForm
from frontdesk.models import Unit
from frontdesk.registry import has_lazy_panels, unit_panel_annotations, unit_panels
from frontdesk.scoping import communities_of
from frontdesk.selectors import units as selectors

from . import exports

PAGE_SIZE = 50


@list_params(UnitFilterForm)
@require("frontdesk.view")
def unit_list(request):
    if refused := exports.refusal(request):
        return refused
    if exports.wants_export(request):
        return export_response(request, "frontdesk.units")
    filters = {k: v or None for k, v in list_filters(request, UnitFilterForm).items()}
    qs = selectors.unit_list(user=request.user, **filters)
    return render(request, "frontdesk/unit_list.html", {
        "page": paginate(request, qs, PAGE_SIZE), "filters": filters, "usages": Unit.Usage.choices,
        "communities": communities_of(request.user),
        "buildings": selectors.buildings_for(request.user, filters["community"]),
    })


@require("frontdesk.view")
def unit_detail(request, pk):
    unit = selectors.unit_detail(user=request.user, pk=pk, annotations=unit_panel_annotations(request))
    current = [o for o in unit.all_occupancies if o.is_current]
    past = [o for o in unit.all_occupancies if not o.is_current]
    return render(request, "frontdesk/unit_detail.html", {
        "unit": unit, "current": current, "past": past, "panels": unit_panels(request, unit),
        "lazy_panels": has_lazy_panels(request),
    })


@require("frontdesk.view")
def unit_lazy_panels(request, pk):
    """The panels the unit page loads right after it shows (the counter's registers, renovation)."""
    unit = get_object_or_404(selectors.units_for(request.user).select_related("building", "entrance"), pk=pk)
    return render(request, "frontdesk/partials/_panels.html", {"unit": unit, "panels": unit_panels(request, unit, lazy=True)})


@require("frontdesk.view")
def unit_history(request, pk):
    unit = get_object_or_404(selectors.units_for(request.user), pk=pk)
    return render(request, "core/partials/_history.html", {"events": history_for(unit, user=request.user)})


@require("frontdesk.view")
def unit_card_pdf(request, pk):
    unit = selectors.unit_detail(user=request.user, pk=pk)
    size = "a5" if request.GET.get("size") == "a5" else "a4"
    pdf = documents.unit_card(unit=unit, user=request.user, size=size, request=request)
    return pdf_response(pdf, f"unit-{unit.code}.pdf")
