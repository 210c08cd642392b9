"""Parcels and mail (邮件包裹): the register (waiting, overdue, all), arrival (one or a courier's batch, the
room resolved as it is typed), pick-up (by code or by room), a parcel's page, voiding a wrong entry, the
community's reminder and return days."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.dates import day_bounds
from core.forms import ID_PATTERN, add_errors, list_filters, list_params, submit_once
from core.paging import paginate
from core.permissions import require
from frontdesk.forms.parcels import (
    BatchFormSet,
    BatchHeadForm,
    OverdueFilterForm,
    ParcelFilterForm,
    ParcelForm,
    ParcelSettingsForm,
    PickupForm,
    PickupSearchForm,
    ResolveForm,
    VoidForm,
)
from frontdesk.models import Parcel
from frontdesk.scoping import choose_community
from frontdesk.selectors import parcels as selectors
from frontdesk.selectors.units import units_for
from frontdesk.services import parcels as services

PAGE_SIZE = 50


@list_params(ParcelFilterForm)
@require("parcels.view")
def parcel_list(request):
    filters = list_filters(request, ParcelFilterForm)
    choice = choose_community(request, all_allowed=True)
    qs = selectors.parcel_list(user=request.user, community_ids=choice.ids, status=filters["status"],
                               q=filters["q"], carrier=filters["carrier"], arrived_on=filters["arrived_on"],
                               picked_up_on=filters["picked_up_on"])
    return render(request, "frontdesk/parcels/list.html", {
        "page": paginate(request, qs, PAGE_SIZE), "filters": filters, "choice": choice, "overdue": False,
        "statuses": [*Parcel.Status.choices, ("all", _("All"))], "carriers": Parcel.Carrier.choices,
        "status": filters["status"] or Parcel.Status.WAITING})


@list_params(OverdueFilterForm)
@require("parcels.view")
def parcel_overdue(request):
    filters = list_filters(request, OverdueFilterForm)
    choice = choose_community(request, all_allowed=True)
    end = day_bounds(filters["on"])[1] if filters["on"] else None
    if end is not None and end <= timezone.now():  # a day that is over: waiting too long at its end (the summary)
        qs = selectors.parcel_list(user=request.user, community_ids=choice.ids, overdue_at=end)
        on = filters["on"]
    else:
        qs = selectors.parcel_list(user=request.user, community_ids=choice.ids, overdue=True)
        on = None
    return render(request, "frontdesk/parcels/list.html", {
        "page": paginate(request, qs, PAGE_SIZE), "filters": {}, "choice": choice, "overdue": True,
        "status": Parcel.Status.WAITING, "on": on})


@require("parcels.view")
def parcel_detail(request, pk):
    parcel = selectors.parcel_detail(user=request.user, pk=pk)
    return render(request, "frontdesk/parcels/detail.html", {"parcel": parcel})


def _unit_from_query(request):
    unit_pk = request.GET.get("unit") or ""
    if unit_pk.isdecimal() and len(unit_pk) <= 18:
        return get_object_or_404(units_for(request.user), pk=int(unit_pk))
    return None


@require("parcels.handle")
def parcel_create(request):
    unit = _unit_from_query(request)
    initial = {"room": unit.code, "unit_id": str(unit.pk)} if unit else {}
    if request.method == "POST":
        initial = {}
    form = ParcelForm(request.POST or None, user=request.user, initial=initial)

    def perform(data):
        parcel = services.parcel_register(
            actor=request.user, unit=data["room"], carrier=data["carrier"], carrier_other=data["carrier_other"],
            tracking_no=data["tracking_no"], size=data["size"], shelf=data["shelf"], high_value=data["high_value"],
            addressee=data["addressee_person"])
        messages.success(request, _("Parcel for %(unit)s recorded: pickup code %(code)s.") % {
            "unit": parcel.unit.code, "code": parcel.pickup_code})
        # The next parcel: the same page, ready for the next scan.
        return reverse("frontdesk:parcel_create")

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    occupants = form.occupants
    if not form.is_bound and unit is not None:
        occupants = selectors.unit_occupants([unit.pk]).get(unit.pk, [])
    return render(request, "frontdesk/parcels/create.html", {
        "form": form, "unit": form.unit or unit, "occupants": occupants,
        "chosen_addressee": form.data.get("addressee", "") if form.is_bound else ""})


@require("parcels.handle")
def parcel_batch(request):
    head = BatchHeadForm(request.POST or None)
    rows = BatchFormSet(request.POST or None, form_kwargs={"user": request.user}, prefix="row")

    def perform(data):
        try:
            parcels = services.parcels_register_batch(
                actor=request.user, carrier=data["carrier"], carrier_other=data["carrier_other"],
                rows=[row for _index, row in indexed])
        except services.BatchErrors as exc:
            for position, error in exc.errors.items():
                add_errors(rows.forms[indexed[position][0]], error)
            raise ValidationError(_("Nothing was saved: correct the rows marked below.")) from exc
        messages.success(request, ngettext("%(n)s parcel recorded; the owners are told by SMS.",
                                           "%(n)s parcels recorded; the owners are told by SMS.",
                                           len(parcels)) % {"n": len(parcels)})
        return reverse("frontdesk:parcel_list") + "?status=waiting"

    indexed = []
    if request.method == "POST":
        rows_valid = rows.is_valid()
        if rows_valid:
            indexed = rows.rows()
        elif head.is_valid():
            head.add_error(None, _("Nothing was saved: correct the rows marked below."))
        if rows_valid and (response := submit_once(request, head, perform)):
            return response
    return render(request, "frontdesk/parcels/batch.html", {"head": head, "rows": rows})


@list_params(ResolveForm)
@require("parcels.handle")
def parcel_resolve(request):
    """The room typed so far, resolved as in the lookup (htmx: the grid's and the arrival form's hint)."""
    filters = list_filters(request, ResolveForm)
    units, exact = selectors.resolve_unit(user=request.user, text=filters["q"] or "")
    if filters["unit"]:  # the clerk chose one of several rooms with this code
        exact = next((u for u in units if str(u.pk) == filters["unit"]), exact)
    occupants = []
    if exact is not None and filters["addressee"]:
        occupants = selectors.unit_occupants([exact.pk]).get(exact.pk, [])
    return render(request, "frontdesk/parcels/_resolve.html", {
        "q": filters["q"], "units": units, "exact": exact, "with_addressee": bool(filters["addressee"]),
        "occupants": occupants})


@list_params(PickupSearchForm)
@require("parcels.handle")
def parcel_pickup(request):
    search = list_filters(request, PickupSearchForm)
    choice = choose_community(request, all_allowed=True)
    code = search["code"] if (search["code"] or "").isdigit() else ""
    unit, units, room_error = None, None, ""
    if search["unit"]:
        unit = get_object_or_404(units_for(request.user), pk=search["unit"])
    elif search["room"] and not code:
        units, exact = selectors.resolve_unit(user=request.user, text=search["room"])
        if exact is not None:
            unit, units = exact, None
        elif not units:
            room_error = _("No room matches “%(text)s”: type it as 3-2-1502.") % {"text": search["room"]}
    candidates = selectors.waiting_for_pickup(user=request.user, community_ids=choice.ids, code=code,
                                              unit=unit.pk if unit else None)
    form = PickupForm(request.POST or None, candidates=candidates)
    searched = bool(code or unit or search["room"])

    def perform(data):
        parcels = services.parcels_pick_up(
            actor=request.user, parcel_ids=[int(pk) for pk in data["parcels"]], collector=data["collector"],
            collector_name=data["collector_name"], collector_id_type=data["collector_id_type"],
            collector_id_number=data["collector_id_number"], signature=data["signature"],
            signed_on_paper=data["signed_on_paper"])
        messages.success(request, ngettext("%(n)s parcel handed over.", "%(n)s parcels handed over.",
                                           len(parcels)) % {"n": len(parcels)})
        return reverse("frontdesk:parcel_pickup")

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    if form.is_bound:
        posted = [pk for pk in request.POST.getlist("parcels") if ID_PATTERN.fullmatch(pk)]
        for gone in selectors.parcels_for(request.user).filter(pk__in=posted).exclude(status=Parcel.Status.WAITING):
            form.add_error(None, services.already_text(gone))
        checked = set(request.POST.getlist("parcels"))
    else:
        checked = {str(p.pk) for p in candidates}
    return render(request, "frontdesk/parcels/pickup.html", {"checked": checked,
        "search": search, "code": code, "unit": unit, "units": units, "room_error": room_error,
        "candidates": candidates, "form": form, "searched": searched,
        "needs_id": any(p.high_value for p in candidates)})


@require("parcels.handle")
def parcel_void(request, pk):
    parcel = get_object_or_404(selectors.parcels_for(request.user).select_related("unit"), pk=pk)
    form = VoidForm(request.POST or None)

    def perform(data):
        services.parcel_void(actor=request.user, parcel=parcel, reason=data["reason"])
        messages.success(request, _("The entry was voided."))
        return parcel.get_absolute_url()

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    return render(request, "frontdesk/parcels/void.html", {"form": form, "parcel": parcel})


@require("parcels.setup")
def parcel_settings(request):
    choice = choose_community(request, remember=True)
    days = selectors.settings_for([choice.community.pk])[choice.community.pk]
    form = ParcelSettingsForm(request.POST or None, initial={"remind_after_days": days[0], "return_after_days": days[1]})

    def perform(data):
        services.parcel_settings_save(actor=request.user, community=choice.community,
                                      remind_after_days=data["remind_after_days"],
                                      return_after_days=data["return_after_days"])
        messages.success(request, _("Saved."))
        return reverse("frontdesk:parcel_settings") + f"?community={choice.community.pk}"

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    return render(request, "frontdesk/parcels/settings.html", {"form": form, "choice": choice})
