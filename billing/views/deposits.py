"""押金 at the counter: the list (held, refunded, void), taking a deposit (one receipt per deposit, e.g. a
worker pass of 100 元 × N), a deposit's page, and asking for its refund (with a deduction and its reason;
a supervisor approves it among the corrections). Everything goes through ``billing.interface``, the same
functions the renovation app calls."""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.forms import StaffForm, submit_once
from core.permissions import require
from frontdesk.scoping import community_ids, scope
from frontdesk.models import Community, Unit

from .. import interface
from ..models import COUNTER_METHODS, Correction, Deposit, DepositRefund, ReceiptVoid

PAGE_SIZE = 50
MAX_COUNT = 50
METHOD_CHOICES = [(m.value, m.label) for m in COUNTER_METHODS]
STATES = [("held", gettext_lazy("Held")), ("refunded", gettext_lazy("Refunded")), ("void", gettext_lazy("Void"))]


class DepositCollectForm(StaffForm):
    community = forms.ModelChoiceField(label=gettext_lazy("Community"), queryset=Community.objects.none())
    unit = forms.CharField(label=gettext_lazy("Room (optional)"), max_length=60, required=False,
                           help_text=gettext_lazy("Room code, e.g. 3-2-1502; leave empty for a worker or a visitor."))
    payer_name = forms.CharField(label=gettext_lazy("Paid by"), max_length=50)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=Deposit.Kind.choices)
    amount = forms.DecimalField(label=gettext_lazy("Amount each (¥)"), max_digits=12, decimal_places=2,
                                min_value=0)
    count = forms.IntegerField(label=gettext_lazy("How many"), min_value=1, max_value=MAX_COUNT, initial=1,
                               help_text=gettext_lazy("e.g. 5 worker passes: five deposits, one receipt each."))
    description = forms.CharField(label=gettext_lazy("Description"), max_length=200, required=False)
    method = forms.ChoiceField(label=gettext_lazy("Method"), choices=METHOD_CHOICES, initial="cash")
    reference = forms.CharField(label=gettext_lazy("Payment reference"), max_length=60, required=False)

    def __init__(self, *args, communities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = Community.objects.filter(pk__in=[c.pk for c in communities]) \
            .order_by("name")
        if len(communities) == 1:
            self.fields["community"].initial = communities[0].pk

    def clean(self):
        data = super().clean()
        code, community = data.get("unit"), data.get("community")
        data["unit_obj"] = None
        if code and community:
            unit = Unit.objects.filter(community=community, code=code.replace(" ", "")).first()
            if unit is None:
                self.add_error("unit", _("No room %(code)s in %(community)s.") % {"code": code,
                                                                                   "community": community.name})
            data["unit_obj"] = unit
        return data


class DepositRefundForm(StaffForm):
    deduction = forms.DecimalField(label=gettext_lazy("Deduction (¥)"), max_digits=12, decimal_places=2,
                                   min_value=0, initial=0)
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=gettext_lazy("Why it is refunded, and what a deduction is for."))
    method = forms.ChoiceField(label=gettext_lazy("Paid back by"), choices=[("", "—"), *METHOD_CHOICES],
                               required=False, initial="cash")
    reference = forms.CharField(label=gettext_lazy("Payment reference"), max_length=60, required=False)


def deposits_for_user(user):
    """Deposits of the user's communities, each annotated with its state (fixed number of queries)."""
    refunded = DepositRefund.objects.filter(deposit=OuterRef("pk"))
    voided = ReceiptVoid.objects.filter(receipt=OuterRef("receipt_id"))
    pending = Correction.objects.filter(deposit=OuterRef("pk"), status=Correction.Status.PENDING)
    return (scope(Deposit.objects.all(), user)
            .select_related("community", "unit", "receipt", "refund")
            .annotate(is_refunded=Exists(refunded), is_void=Exists(voided), refund_pending=Exists(pending)))


def _state(deposit) -> str:
    return "refunded" if deposit.is_refunded else "void" if deposit.is_void else "held"


@require("billing.view")
def deposit_list(request):
    qs = deposits_for_user(request.user)
    filters = {k: request.GET.get(k, "").strip() for k in ("state", "kind", "unit", "payer", "community")}
    if filters["state"] == "held":
        qs = qs.filter(is_refunded=False, is_void=False)
    elif filters["state"] == "refunded":
        qs = qs.filter(is_refunded=True)
    elif filters["state"] == "void":
        qs = qs.filter(is_void=True, is_refunded=False)
    if filters["kind"] in Deposit.Kind.values:
        qs = qs.filter(kind=filters["kind"])
    if filters["unit"]:
        qs = qs.filter(unit__code__icontains=filters["unit"].replace(" ", ""))
    if filters["payer"]:
        qs = qs.filter(Q(payer_name__icontains=filters["payer"]) | Q(receipt__number__iexact=filters["payer"]))
    if filters["community"].isdigit():
        qs = qs.filter(community_id=int(filters["community"]))
    page = Paginator(qs.order_by("-created_at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    for deposit in page:
        deposit.state = _state(deposit)
    return render(request, "billing/deposits/list.html", {
        "page": page, "filters": filters, "kinds": Deposit.Kind.choices, "states": STATES,
        "communities": Community.objects.filter(pk__in=community_ids(request.user)).order_by("name"),
    })


@require("billing.collect")
def deposit_collect(request):
    communities = list(Community.objects.filter(pk__in=community_ids(request.user)).order_by("name"))
    initial = {"count": 1, "method": "cash"}
    if request.GET.get("kind") in Deposit.Kind.values:
        initial["kind"] = request.GET["kind"]
        if request.GET["kind"] == Deposit.Kind.WORKER_PASS:
            initial["amount"] = "100.00"
    if request.GET.get("unit"):
        initial["unit"] = request.GET["unit"][:60]
    form = DepositCollectForm(request.POST or None, initial=initial, communities=communities)

    def perform(data):
        with transaction.atomic():
            infos = [interface.deposit_collect(
                community=data["community"], unit=data["unit_obj"], kind=data["kind"], amount=data["amount"],
                payer_name=data["payer_name"], method=data["method"], reference=data["reference"],
                description=data["description"], cashier=request.user) for _i in range(data["count"])]
        numbers = "、".join(info.receipt_number for info in infos)
        messages.success(request, _("Deposit taken: receipt %(numbers)s.") % {"numbers": numbers})
        if len(infos) == 1:
            return reverse("billing:deposit_detail", args=[infos[0].id])
        return reverse("billing:deposit_list") + "?" + urlencode({"payer": data["payer_name"], "state": "held"})

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    return render(request, "billing/deposits/collect.html", {"form": form})


def _detail(request, deposit, refund_form=None):
    deposit.state = _state(deposit)
    corrections = list(deposit.corrections.select_related("requested_by", "decided_by").order_by("-id"))
    refund = getattr(deposit, "refund", None) if deposit.is_refunded else None
    return render(request, "billing/deposits/detail.html", {
        "deposit": deposit, "refund": refund, "voucher": refund.voucher if refund else None,
        "corrections": corrections, "void": getattr(deposit.receipt, "void", None) if deposit.is_void else None,
        "refund_form": refund_form or DepositRefundForm(initial={"method": "cash", "deduction": "0"}),
        "receipt_url": _receipt_url(deposit.receipt),
    })


def _receipt_url(receipt) -> str:
    """The counter's receipt page, when that area provides one."""
    try:
        return reverse("billing:receipt", args=[receipt.pk])
    except NoReverseMatch:
        return ""


def _get(request, pk):
    return get_object_or_404(deposits_for_user(request.user).select_related("refund__voucher", "receipt__void"),
                             pk=pk)


@require("billing.view")
def deposit_detail(request, pk):
    return _detail(request, _get(request, pk))


@require("billing.collect")
def deposit_refund(request, pk):
    deposit = _get(request, pk)
    form = DepositRefundForm(request.POST or None)

    def perform(data):
        interface.deposit_refund_request(deposit_id=deposit.pk, actor=request.user, reason=data["reason"],
                                         deduction=data["deduction"], method=data["method"],
                                         reference=data["reference"])
        messages.success(request, _("Refund requested: a supervisor approves it, then the money is paid back."))
        return reverse("billing:deposit_detail", args=[deposit.pk])

    if request.method == "POST":
        if response := submit_once(request, form, perform):
            return response
    elif _state(deposit) != "held":
        messages.info(request, _("This deposit is not held any more."))
    return _detail(request, deposit, refund_form=form)


urlpatterns = [
    path("deposits/", deposit_list, name="deposit_list"),
    path("deposits/new/", deposit_collect, name="deposit_collect"),
    path("deposits/<int:pk>/", deposit_detail, name="deposit_detail"),
    path("deposits/<int:pk>/refund/", deposit_refund, name="deposit_refund"),
]
