"""Billing views: the counter (收费台). A unit's bills and the pay form, receipts (page, PDF, list).
Views are thin: permission → scoped object → form → one service call → redirect."""

from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.forms import submit_once
from core.money import rmb_upper
from core.paging import page_number
from core.pdf import pdf_response
from core.permissions import has_perm, require

from ..forms.counter import PayForm, ReceiptFilterForm
from ..models import Method
from ..selectors import counter as selectors
from ..services import payments

RECEIPT_LIST_KEYS = ("date_from", "date_to", "cashier", "method", "q", "community")


# --- the unit's counter --------------------------------------------------------------------------

def _unit_page(request, unit, form=None, status=200):
    bills = selectors.open_bills(unit)
    can_collect = has_perm(request.user, "billing.collect")
    if form is None and can_collect:
        form = PayForm(initial={"amount": sum((b.outstanding for b in bills), payments.ZERO) or None,
                                "payer_name": selectors.owner_name(unit), "method": Method.CASH})
    if form is not None and form.is_bound:
        ticked = set(form.data.getlist("bills"))
        checked = {b.pk for b in bills if str(b.pk) in ticked}
    else:
        checked = {b.pk for b in bills}
    context = {
        "unit": unit, "bills": bills, "checked": checked, "form": form, "can_collect": can_collect,
        "due_total": sum((b.outstanding for b in bills), payments.ZERO),
        "checked_total": sum((b.outstanding for b in bills if b.pk in checked), payments.ZERO),
        "today": timezone.localdate(),
        "balance": selectors.balance(unit), "receipts": selectors.recent_receipts(unit),
        "deposits": selectors.deposits_held(unit),
    }
    return render(request, "billing/counter/unit.html", context, status=status)


@require("billing.view")
def counter(request):
    """The lookup's "收费" action: ``?unit=<pk>`` → that unit's counter."""
    unit_pk = request.GET.get("unit", "")
    if unit_pk.isdigit():
        unit = selectors.unit_for(request.user, int(unit_pk))
        return redirect("billing:unit", pk=unit.pk)
    return render(request, "billing/counter/find.html", {"receipts": selectors.receipt_list_page(
        user=request.user, size=10)})


@require("billing.view")
def unit_billing(request, pk):
    return _unit_page(request, selectors.unit_for(request.user, pk))


@require("billing.collect")
def pay(request, pk):
    unit = selectors.unit_for(request.user, pk)
    if request.method != "POST":
        return redirect("billing:unit", pk=unit.pk)
    form = PayForm(request.POST)

    def perform(data):
        receipt = payments.pay_at_counter(
            community=unit.community, unit=unit, bill_ids=data["bills"], amount=data["amount"],
            method=data["method"], payer_name=data["payer_name"], cashier=request.user,
            reference=data["reference"], prepay_rest=data["prepay_rest"], note=data["note"])
        messages.success(request, _("Receipt %(number)s issued: %(amount)s received.")
                         % {"number": receipt.number, "amount": receipt.amount})
        return reverse("billing:receipt", args=[receipt.pk])

    if response := submit_once(request, form, perform):
        return response
    return _unit_page(request, unit, form=form)


# --- receipts ------------------------------------------------------------------------------------

@require("billing.view")
def receipt_detail(request, pk):
    receipt = selectors.receipt_detail(user=request.user, pk=pk)
    corrections = receipt.all_corrections
    context = {
        "receipt": receipt, "lines": list(receipt.lines.all()), "void": getattr(receipt, "void", None),
        "corrections": corrections,
        "pending_void": next((c for c in corrections if c.kind == "void" and c.status == "pending"), None),
        "print_count": selectors.print_count(receipt),
        "can_collect": has_perm(request.user, "billing.collect"),
        "can_approve": has_perm(request.user, "billing.approve"),
        "amount_upper": rmb_upper(receipt.amount),
    }
    return render(request, "billing/counter/receipt.html", context)


@require("billing.view")
def receipt_pdf(request, pk):
    receipt = selectors.receipt_for_pdf(user=request.user, pk=pk)
    pdf = payments.receipt_print(receipt=receipt, actor=request.user, request=request)
    return pdf_response(pdf, f"receipt-{receipt.number}.pdf")


@require("billing.view")
def receipt_list(request):
    cashiers = selectors.cashiers_for(request.user)
    form = ReceiptFilterForm(request.GET or None, cashiers=cashiers)
    page = selectors.receipt_list_page(user=request.user, number=page_number(request.GET.get("page")),
                                       **form.filters())
    query = urlencode([(k, v) for k, v in request.GET.items() if k in RECEIPT_LIST_KEYS and v])
    return render(request, "billing/counter/receipt_list.html", {"form": form, "page": page, "query": query})


urlpatterns = [
    path("counter/", counter, name="counter"),
    path("units/<int:pk>/", unit_billing, name="unit"),
    path("units/<int:pk>/pay/", pay, name="pay"),
    path("receipts/", receipt_list, name="receipt_list"),
    path("receipts/<int:pk>/", receipt_detail, name="receipt"),
    path("receipts/<int:pk>/receipt.pdf", receipt_pdf, name="receipt_pdf"),
]
