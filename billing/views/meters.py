"""Meter readings (抄表): the keyboard-fast grid by building, meter and month (each row saved by htmx as
it is typed, or the whole grid at once) and the .xlsx import. Saving a reading is an upsert of the same
values, so a repeated POST changes nothing."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.exports import xlsx_response
from core.forms import add_errors
from core.permissions import require
from frontdesk.models import Unit
from frontdesk.scoping import choose_community, scope

from ..forms.meters import MeterFilterForm, MeterImportForm
from ..models import MeterReading
from ..selectors import meters as selectors
from ..services import meters as services


def _grid_params(request, data=None):
    """The building, meter and month of the grid (from GET or POST); None when not chosen yet."""
    buildings = selectors.meter_buildings(request.user)
    data = data if data is not None else request.GET
    initial = {"period": selectors.default_period(), "kind": MeterReading.Kind.WATER}
    form = MeterFilterForm(data or None, buildings=buildings, initial=initial)
    if data and form.is_valid():
        return form, form.cleaned_data["building"], form.cleaned_data["kind"], form.cleaned_data["period"]
    return form, None, None, None


def _grid_url(building, kind, period):
    return f"{reverse('billing:meter_grid')}?{urlencode({'building': building.pk, 'kind': kind, 'period': f'{period:%Y-%m}'})}"


@require("billing.meter")
def meter_grid(request):
    form, building, kind, period = _grid_params(request, request.POST if request.method == "POST" else None)
    rows = []
    if building is not None:
        rows = selectors.grid_rows(building=building, kind=kind, period=period)
        if request.method == "POST":
            by_unit = {row.unit.pk: row for row in rows}
            entries = []
            for row in rows:
                typed = request.POST.get(f"reading_{row.unit.pk}", "").strip()
                current = row.history.current
                if not typed or (current and typed == str(current.reading)):
                    continue  # unchanged rows are not written again
                row.typed, row.confirm = typed, bool(request.POST.get(f"confirm_{row.unit.pk}"))
                entries.append({"key": row.unit.pk, "unit": row.unit, "reading": typed, "confirm": row.confirm,
                                "previous": request.POST.get(f"previous_{row.unit.pk}", "").strip() or None})
            saved, errors = services.readings_save(kind=kind, period=period, entries=entries, actor=request.user)
            for unit_id, exc in errors.items():
                by_unit[unit_id].error = " ".join(exc.messages)
            if not errors:
                messages.success(request, _("%(n)s readings saved.") % {"n": len(saved)})
                return redirect(_grid_url(building, kind, period))
            fresh = {r.unit.pk: r for r in selectors.grid_rows(building=building, kind=kind, period=period)}
            for row in rows:  # saved rows show their new values; failed rows keep what was typed
                if not row.error:
                    row.history, row.typed, row.saved = fresh[row.unit.pk].history, "", row.typed != ""
            messages.warning(request, _("%(saved)s readings saved; %(bad)s rows need attention (marked below).")
                             % {"saved": len(saved), "bad": len(errors)})
    elif request.method == "POST":
        messages.error(request, _("Choose the building, meter and month."))
        return redirect("billing:meter_grid")
    return render(request, "billing/meters/grid.html", {
        "form": form, "building": building, "kind": kind, "period": period, "rows": rows,
        "kind_label": MeterReading.Kind(kind).label if kind else "",
        "period_value": f"{period:%Y-%m}" if period else (request.GET.get("period")
                                                        or f"{selectors.default_period():%Y-%m}"),
        "filled": sum(1 for r in rows if r.history.current)})


@require("billing.meter")
@require_POST
def meter_row(request, pk):
    """htmx: save one row of the grid and return it (with its error inline)."""
    unit = get_object_or_404(scope(Unit.objects.select_related("entrance", "building"), request.user), pk=pk,
                             is_active=True)
    form, building, kind, period = _grid_params(request, request.POST)
    if building is None or building.pk != unit.building_id:
        return redirect("billing:meter_grid")  # not a request of the grid
    typed = request.POST.get(f"reading_{unit.pk}", "").strip()
    confirm = bool(request.POST.get(f"confirm_{unit.pk}"))
    row = None
    error, saved = "", False
    if typed:
        try:
            services.reading_save(unit=unit, kind=kind, period=period, reading=typed, actor=request.user,
                                  confirm=confirm, previous=request.POST.get(f"previous_{unit.pk}", "").strip() or None)
            saved = True
        except ValidationError as exc:
            error = " ".join(exc.messages)
    history = selectors.history_for(unit_ids=[unit.pk], kind=kind, period=period)[unit.pk]
    row = selectors.GridRow(unit=unit, history=history, typed=typed if error else "", error=error, saved=saved,
                            confirm=confirm)
    return render(request, "billing/meters/_row.html", {"row": row, "building": building, "kind": kind,
                                                        "period": period})


@require("billing.meter")
def meter_import(request):
    choice = choose_community(request, post_param="community_pk")
    chosen, communities = choice.community, choice.communities
    form = MeterImportForm(request.POST or None, request.FILES or None,
                           initial={"period": selectors.default_period()})
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            count, problems = services.readings_import(
                community=chosen, period=form.cleaned_data["period"], upload=form.cleaned_data["file"],
                actor=request.user, confirm_jumps=form.cleaned_data["confirm_jumps"])
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            if not problems:
                messages.success(request, _("%(n)s readings imported.") % {"n": count})
                return redirect(f"{reverse('billing:meter_import')}?community={chosen.pk}")
    return render(request, "billing/meters/import.html", {
        "form": form, "community": chosen, "communities": communities, "problems": problems})


@require("billing.meter")
def meter_template(request, pk):
    """An .xlsx to fill in: the building's rooms with both meters and last month's reading as a guide."""
    building = get_object_or_404(selectors.meter_buildings(request.user), pk=pk)
    period = selectors.default_period()
    rows = []
    for kind in MeterReading.Kind:
        for row in selectors.grid_rows(building=building, kind=kind, period=period):
            rows.append([row.unit.code, str(kind.label), "", row.history.previous])
    return xlsx_response(f"meter-readings-{building.name}-{period:%Y-%m}.xlsx",
                         [_("Room code"), _("Meter"), _("Reading"), _("Previous reading")], rows)


urlpatterns = [
    path("meters/", meter_grid, name="meter_grid"),
    path("meters/units/<int:pk>/", meter_row, name="meter_row"),
    path("meters/import/", meter_import, name="meter_import"),
    path("meters/buildings/<int:pk>/template.xlsx", meter_template, name="meter_template"),
]
