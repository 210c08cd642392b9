"""Billing views: corrections, never deletions. The cashier asks (void a receipt 作废, waive part of a
bill 减免, refund a prepaid balance 退款) with a reason; a supervisor approves or rejects with a note.
Approval writes new rows (``billing.services.corrections``); a waiver or refund gets a numbered voucher."""

from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from core.forms import list_filters, list_params, submit_once
from core.money import rmb_upper
from core.paging import page_number
from core.pdf import pdf_response
from core.permissions import has_perm, require

from .. import documents
from ..forms.corrections import (
    ApprovalListForm,
    CorrectionFilterForm,
    DecisionForm,
    RefundRequestForm,
    VoidRequestForm,
    WaiverRequestForm,
)
from ..models import Correction
from ..selectors import counter as selectors
from ..services import corrections as service

K = Correction.Kind


def _request_page(request, form, perform, context):
    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    return render(request, "billing/corrections/request.html", {"form": form, **context})


@require("billing.collect")
def correction_void(request, pk):
    receipt = selectors.receipt_detail(user=request.user, pk=pk)
    form = VoidRequestForm(request.POST or None)

    def perform(data):
        service.correction_request(kind=K.VOID, community=receipt.community, actor=request.user,
                                   reason=data["reason"], receipt=receipt)
        messages.success(request, _("The void of receipt %(number)s is waiting for a supervisor's approval.")
                         % {"number": receipt.number})
        return reverse("billing:receipt", args=[receipt.pk])

    return _request_page(request, form, perform, {
        "title": _("Void receipt %(number)s") % {"number": receipt.number}, "kind": K.VOID, "receipt": receipt,
        "unit": receipt.unit, "back": reverse("billing:receipt", args=[receipt.pk]),
        "already_void": getattr(receipt, "void", None) is not None})


@require("billing.collect")
def correction_waiver(request, pk):
    bill = selectors.bill_for(request.user, pk)
    form = WaiverRequestForm(request.POST or None, initial={"amount": bill.outstanding or None})

    def perform(data):
        service.correction_request(kind=K.WAIVER, community=bill.community, actor=request.user,
                                   reason=data["reason"], bill=bill, amount=data["amount"])
        messages.success(request, _("The waiver is waiting for a supervisor's approval."))
        return reverse("billing:unit", args=[bill.unit_id])

    return _request_page(request, form, perform, {
        "title": _("Waiver or discount"), "kind": K.WAIVER, "bill": bill, "unit": bill.unit,
        "back": reverse("billing:unit", args=[bill.unit_id])})


@require("billing.collect")
def correction_refund(request, pk):
    unit = selectors.unit_for(request.user, pk)
    balance = selectors.balance(unit)
    form = RefundRequestForm(request.POST or None, initial={"amount": balance or None})

    def perform(data):
        service.correction_request(kind=K.REFUND, community=unit.community, actor=request.user,
                                   reason=data["reason"], unit=unit, amount=data["amount"], method=data["method"],
                                   reference=data["reference"])
        messages.success(request, _("The refund is waiting for a supervisor's approval."))
        return reverse("billing:unit", args=[unit.pk])

    return _request_page(request, form, perform, {
        "title": _("Refund the prepaid balance"), "kind": K.REFUND, "unit": unit, "balance": balance,
        "back": reverse("billing:unit", args=[unit.pk])})


# --- the supervisor's side -----------------------------------------------------------------------

@list_params(ApprovalListForm)
@require("billing.approve")
def correction_list(request):
    """Pending requests, oldest first, each with approve / reject; then the latest decisions."""
    filters = list_filters(request, ApprovalListForm)
    pending = selectors.pending_corrections(request.user, community=filters["community"])
    rows = [{"correction": c, "form": DecisionForm(auto_id=f"id_{c.pk}_%s")} for c in pending]
    decided = selectors.recent_decisions(request.user)
    return render(request, "billing/corrections/approval_list.html", {"rows": rows, "decided": decided})


def _detail(request, correction, form=None, status=200):
    can_decide = (has_perm(request.user, "billing.approve") and correction.status == Correction.Status.PENDING)
    if form is None and can_decide:
        form = DecisionForm()
    return render(request, "billing/corrections/detail.html", {
        "correction": correction, "form": form if (can_decide or (form is not None and form.is_bound)) else None,
        "voucher": getattr(correction, "voucher", None),
        "own": correction.requested_by_id == request.user.pk and not request.user.is_superuser,
    }, status=status)


@require("billing.view")
def correction_detail(request, pk):
    return _detail(request, selectors.correction_detail(user=request.user, pk=pk))


@require("billing.approve")
def correction_decide(request, pk):
    correction = selectors.correction_detail(user=request.user, pk=pk)
    if request.method != "POST":
        return _detail(request, correction)
    form = DecisionForm(request.POST)

    def perform(data):
        approve = data["decision"] == "approve"
        decided = service.correction_decide(correction=correction, approver=request.user, approve=approve,
                                            note=data["note"])
        if approve:
            messages.success(request, _("Approved: %(kind)s.") % {"kind": decided.get_kind_display()})
        else:
            messages.info(request, _("Rejected: %(kind)s.") % {"kind": decided.get_kind_display()})
        return reverse("billing:correction_list")

    if response := submit_once(request, form, perform):
        return response
    return _detail(request, correction, form=form)


@require("billing.view")
def correction_history(request):
    form = CorrectionFilterForm(request.GET or None)
    page = selectors.correction_history_page(user=request.user, number=page_number(request.GET.get("page")),
                                             **form.filters())
    query = urlencode([(k, v) for k, v in request.GET.items() if k in ("kind", "status") and v])
    return render(request, "billing/corrections/history.html", {"form": form, "page": page, "query": query})


@require("billing.collect")
def correction_mine(request):
    """The cashier's own requests: pending, approved or rejected, by whom and when."""
    page = selectors.my_corrections_page(user=request.user, number=page_number(request.GET.get("page")))
    return render(request, "billing/corrections/mine.html", {"page": page})


# --- vouchers (减免单 / 退款单) --------------------------------------------------------------------

@require("billing.view")
def voucher_detail(request, pk):
    voucher = selectors.voucher_detail(user=request.user, pk=pk)
    return render(request, "billing/corrections/voucher.html",
                  {"voucher": voucher, "amount_upper": rmb_upper(voucher.amount)})


@require("billing.view")
def voucher_pdf(request, pk):
    voucher = selectors.voucher_detail(user=request.user, pk=pk)
    pdf = documents.voucher_pdf(voucher, user=request.user, request=request)
    return pdf_response(pdf, f"voucher-{voucher.number}.pdf")


urlpatterns = [
    path("receipts/<int:pk>/void/", correction_void, name="correction_void"),
    path("bills/<int:pk>/waiver/", correction_waiver, name="correction_waiver"),
    path("units/<int:pk>/refund/", correction_refund, name="correction_refund"),
    path("corrections/", correction_list, name="correction_list"),
    path("corrections/history/", correction_history, name="correction_history"),
    path("corrections/mine/", correction_mine, name="correction_mine"),
    path("corrections/<int:pk>/", correction_detail, name="correction_detail"),
    path("corrections/<int:pk>/decide/", correction_decide, name="correction_decide"),
    path("vouchers/<int:pk>/", voucher_detail, name="voucher"),
    path("vouchers/<int:pk>/voucher.pdf", voucher_pdf, name="voucher_pdf"),
]
