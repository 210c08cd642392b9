"""Fee setup (manager): fee items, their rates with history, and one-off charges added at the counter.
Views are thin: permission → scoped object → form → one service call → redirect."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from core.forms import submit_once
from core.permissions import require
from frontdesk.models import Unit
from frontdesk.scoping import choose_community, scope

from ..forms.setup import ChargeForm, FeeItemForm, RateForm, tiers_text
from ..models import FeeItem, FeeRate
from ..selectors import setup as selectors
from ..services import setup as services


def _list_url(community):
    return f"{reverse('billing:feeitem_list')}?community={community.pk}"


@require("billing.setup")
def feeitem_list(request):
    choice = choose_community(request, post_param="community_pk")
    community, communities = choice.community, choice.communities
    return render(request, "billing/setup/feeitem_list.html", {
        "community": community, "communities": communities,
        "items": selectors.feeitems_with_rates(community=community)})


@require("billing.setup")
def feeitem_edit(request, pk=None):
    item = get_object_or_404(scope(FeeItem.objects.select_related("community"), request.user), pk=pk) if pk else None
    community = item.community if item else choose_community(request, post_param="community_pk").community
    fields = ("name", "code", "kind", "basis", "usages", "due_days", "sort_order", "is_active")
    initial = {f: getattr(item, f) for f in fields} if item else {}
    if not item and request.GET.get("basis") == FeeItem.Basis.FIXED:
        initial |= {"basis": FeeItem.Basis.FIXED, "kind": FeeItem.Kind.ONE_OFF, "due_days": 0}
    form = FeeItemForm(request.POST or None, initial=initial)

    def perform(data):
        saved = services.feeitem_save(community=community, actor=request.user, item=item,
                                      **{f: data[f] for f in fields})
        messages.success(request, _("Saved."))
        return reverse("billing:rate_list", args=[saved.pk]) if item is None else _list_url(community)

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    return render(request, "billing/setup/form.html", {
        "form": form, "community": community, "back": _list_url(community),
        "title": _("Edit fee item") if item else _("New fee item")})


@require("billing.setup")
def rate_list(request, pk):
    item = get_object_or_404(scope(FeeItem.objects.select_related("community"), request.user), pk=pk)
    return render(request, "billing/setup/rate_list.html", {
        "item": item, "community": item.community, "rates": selectors.rates_with_use(item=item),
        "back": _list_url(item.community)})


@require("billing.setup")
def rate_create(request, pk):
    item = get_object_or_404(scope(FeeItem.objects.select_related("community"), request.user), pk=pk)
    form = RateForm(request.POST or None, item=item, buildings=selectors.buildings_of(item.community))

    def perform(data):
        services.rate_add(item=item, actor=request.user, valid_from=data["valid_from"], price=data["price"],
                          building=data["building"], usage=data["usage"], tiers=data.get("tiers") or [])
        messages.success(request, _("Rate added. Bills already issued keep their price."))
        return reverse("billing:rate_list", args=[item.pk])

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    return render(request, "billing/setup/form.html", {
        "form": form, "community": item.community, "back": reverse("billing:rate_list", args=[item.pk]),
        "title": _("New rate: %(item)s") % {"item": item.name}})


@require("billing.setup")
def rate_edit(request, pk):
    rate = get_object_or_404(scope(FeeRate.objects.select_related("fee_item", "fee_item__community", "building"),
                                   request.user, field="fee_item__community"), pk=pk)
    item = rate.fee_item
    used = selectors.rate_used(rate)
    initial = {"valid_from": rate.valid_from, "price": rate.price, "tiers": tiers_text(rate.tiers)}
    form = RateForm(request.POST or None, item=item, buildings=selectors.buildings_of(item.community), editing=True,
                    initial=initial)

    def perform(data):
        services.rate_edit(rate=rate, actor=request.user, valid_from=data["valid_from"], price=data["price"],
                           tiers=data.get("tiers") or [])
        messages.success(request, _("Saved."))
        return reverse("billing:rate_list", args=[item.pk])

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    return render(request, "billing/setup/form.html", {
        "form": form, "community": item.community, "back": reverse("billing:rate_list", args=[item.pk]),
        "title": _("Edit rate: %(item)s") % {"item": item.name}, "locked": used,
        "note": _("Bills were already made with this rate: it cannot change. Add a new rate from a later month.")
        if used else ""})


@require("billing.collect")
def charge_add(request, pk):
    unit = get_object_or_404(scope(Unit.objects.select_related("community", "building", "entrance"), request.user),
                             pk=pk, is_active=True)
    items = selectors.charge_items(community=unit.community)
    form = ChargeForm(request.POST or None, items=items)

    def perform(data):
        bill = services.charge_add(unit=unit, item=data["fee_item"], actor=request.user, quantity=data["quantity"],
                                   price=data["price"], description=data["description"])
        messages.success(request, _("%(fee)s of %(amount)s added to the unit's bills: it can be paid now.")
                         % {"fee": bill.fee_item.name, "amount": bill.amount})
        return reverse("billing:unit", args=[unit.pk])

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    return render(request, "billing/setup/form.html", {
        "form": form, "community": unit.community, "back": reverse("billing:unit", args=[unit.pk]),
        "title": _("Add a one-off charge: %(unit)s") % {"unit": unit.code},
        "note": "" if items else _("No one-off fee is set up yet: a manager adds it under fee items.")})


urlpatterns = [
    path("setup/fees/", feeitem_list, name="feeitem_list"),
    path("setup/fees/new/", feeitem_edit, name="feeitem_create"),
    path("setup/fees/<int:pk>/", feeitem_edit, name="feeitem_edit"),
    path("setup/fees/<int:pk>/rates/", rate_list, name="rate_list"),
    path("setup/fees/<int:pk>/rates/new/", rate_create, name="rate_create"),
    path("setup/rates/<int:pk>/", rate_edit, name="rate_edit"),
    path("units/<int:pk>/charge/", charge_add, name="charge_add"),
]
