"""押金 at the counter: the list (held, refunded, void), taking a deposit (one receipt per deposit, e.g. a
worker pass of 100 元 × N), a deposit's page, and asking for its refund (with a deduction and its reason;
a supervisor approves it among the corrections). The writes are ``billing.services.deposits``, the same
functions the renovation app calls through ``billing.interface``."""

from django.contrib import messages
from django.shortcuts import render
from django.urls import NoReverseMatch, path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from core.forms import list_filters, list_params, submit_once
from core.paging import paginate
from core.permissions import require
from frontdesk.scoping import communities_of

from ..forms.deposits import DepositCollectForm, DepositFilterForm, DepositRefundForm
from ..models import Deposit
from ..selectors import deposits as selectors
from ..services import deposits as services

PAGE_SIZE = 50


@list_params(DepositFilterForm)
@require("billing.view")
def deposit_list(request):
    filters = {k: v or "" for k, v in list_filters(request, DepositFilterForm).items()}
    page = paginate(request, selectors.deposit_list(request.user, **filters), PAGE_SIZE)
    selectors.with_state(page)
    return render(request, "billing/deposits/list.html", {
        "page": page, "filters": filters, "kinds": Deposit.Kind.choices, "states": selectors.STATES,
        "communities": communities_of(request.user),
    })


@require("billing.collect")
def deposit_collect(request):
    communities = list(communities_of(request.user))
    initial = {"count": 1, "method": "cash"}
    if request.GET.get("kind") in Deposit.Kind.values:
        initial["kind"] = request.GET["kind"]
        if request.GET["kind"] == Deposit.Kind.WORKER_PASS:
            initial["amount"] = "100.00"
    if request.GET.get("unit"):
        initial["unit"] = request.GET["unit"][:60]
    form = DepositCollectForm(request.POST or None, initial=initial, communities=communities)

    def perform(data):
        infos = services.deposits_collect(
            count=data["count"], community=data["community"], unit=data["unit_obj"], kind=data["kind"],
            amount=data["amount"], payer_name=data["payer_name"], method=data["method"], reference=data["reference"],
            description=data["description"], cashier=request.user)
        numbers = "、".join(info.receipt_number for info in infos)
        messages.success(request, _("Deposit taken: receipt %(numbers)s.") % {"numbers": numbers})
        if len(infos) == 1:
            return reverse("billing:deposit_detail", args=[infos[0].id])
        return reverse("billing:deposit_list") + "?" + urlencode({"payer": data["payer_name"], "state": "held"})

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    return render(request, "billing/deposits/collect.html", {"form": form})


def _detail(request, deposit, refund_form=None):
    refund = getattr(deposit, "refund", None) if deposit.is_refunded else None
    return render(request, "billing/deposits/detail.html", {
        "deposit": deposit, "refund": refund, "voucher": refund.voucher if refund else None,
        "corrections": selectors.deposit_corrections(deposit),
        "void": getattr(deposit.receipt, "void", None) if deposit.is_void else None,
        "refund_form": refund_form or DepositRefundForm(initial={"method": "cash", "deduction": "0"}),
        "receipt_url": _receipt_url(deposit.receipt),
    })


def _receipt_url(receipt) -> str:
    """The counter's receipt page, when that area provides one."""
    try:
        return reverse("billing:receipt", args=[receipt.pk])
    except NoReverseMatch:
        return ""


@require("billing.view")
def deposit_detail(request, pk):
    return _detail(request, selectors.deposit_detail(user=request.user, pk=pk))


@require("billing.collect")
def deposit_refund(request, pk):
    deposit = selectors.deposit_detail(user=request.user, pk=pk)
    form = DepositRefundForm(request.POST or None)

    def perform(data):
        services.deposit_refund_request(deposit_id=deposit.pk, actor=request.user, reason=data["reason"],
                                        deduction=data["deduction"], method=data["method"],
                                        reference=data["reference"])
        messages.success(request, _("Refund requested: a supervisor approves it, then the money is paid back."))
        return reverse("billing:deposit_detail", args=[deposit.pk])

    if request.method == "POST":
        if response := submit_once(request, form, perform):
            return response
    elif deposit.state != selectors.HELD:
        messages.info(request, _("This deposit is not held any more."))
    return _detail(request, deposit, refund_form=form)


urlpatterns = [
    path("deposits/", deposit_list, name="deposit_list"),
    path("deposits/new/", deposit_collect, name="deposit_collect"),
    path("deposits/<int:pk>/", deposit_detail, name="deposit_detail"),
    path("deposits/<int:pk>/refund/", deposit_refund, name="deposit_refund"),
]
