"""An extension's or additional-works application's page, and its steps: engineering review, manager
approval, the fee (the cashier, through billing), withdrawal, the archived copy."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from core.forms import list_filters, submit_once
from core.media import file_response
from core.paging import paginate
from core.permissions import has_perm, require
from frontdesk.scoping import communities_of

from ..forms.requests import ApproveForm, FeeForm, RequestListForm, ReviewForm, WithdrawForm
from ..models import RenovationRequest
from ..selectors import requests as selectors
from ..services import requests as services

PAGE_SIZE = 50


def _page(request, req, *, review_form=None, approve_form=None, fee_form=None, withdraw_form=None, status=200):
    return render(request, "renovation/request_detail.html", {
        "req": req, "renovation": req.renovation, "changes": selectors.request_changes(req),
        "review_form": review_form or ReviewForm(), "approve_form": approve_form or ApproveForm(kind=req.kind),
        "fee_form": fee_form or FeeForm(initial={"payer_name": req.applicant_name, "method": "cash"}),
        "withdraw_form": withdraw_form or WithdrawForm(),
        "can_review": has_perm(request.user, "renovation.review") and req.created_by_id != request.user.pk,
        "can_approve": has_perm(request.user, "renovation.approve") and req.created_by_id != request.user.pk,
        "can_collect": has_perm(request.user, "billing.collect"),
        "can_file": has_perm(request.user, "renovation.file"),
    }, status=status)


@require("renovation.view")
def request_detail(request, pk):
    return _page(request, selectors.request_detail(user=request.user, pk=pk))


def _step(request, pk, *, form, key, perform_step, done):
    req = selectors.request_detail(user=request.user, pk=pk)
    bound = form(req)

    def perform(data):
        perform_step(req, data)
        messages.success(request, done % {"number": req.number})
        return reverse("renovation:request_detail", args=[req.pk])

    if request.method == "POST" and (response := submit_once(request, bound, perform)):
        return response
    if request.method == "POST":
        req = selectors.request_detail(user=request.user, pk=pk)  # as it is now: someone may have moved it
        for error in bound.non_field_errors():
            messages.error(request, error)  # shown even when the step's form is no longer on the page
    return _page(request, req, **{key: bound}, status=400 if request.method == "POST" else 200)


@require("renovation.review")
def request_review(request, pk):
    return _step(request, pk, form=lambda req: ReviewForm(request.POST or None), key="review_form",
                 perform_step=lambda req, d: services.request_review(
                     request=req, passed=d["decision"] == "pass", comments=d["comments"],
                     conditions=d["conditions"], actor=request.user),
                 done=_("Engineering review of %(number)s recorded."))


@require("renovation.approve")
def request_approve(request, pk):
    return _step(request, pk, form=lambda req: ApproveForm(request.POST or None, kind=req.kind), key="approve_form",
                 perform_step=lambda req, d: services.request_approve(
                     request=req, decision=d["decision"], comments=d["comments"], fee=d.get("fee"),
                     actor=request.user),
                 done=_("Manager's decision on %(number)s recorded."))


@require("billing.collect")
def request_fee(request, pk):
    return _step(request, pk, form=lambda req: FeeForm(request.POST or None), key="fee_form",
                 perform_step=lambda req, d: services.request_fee_pay(
                     request=req, payer_name=d["payer_name"], method=d["method"], reference=d["reference"],
                     cashier=request.user),
                 done=_("Fee of %(number)s taken: the extension applies."))


@require("renovation.file")
def request_withdraw(request, pk):
    return _step(request, pk, form=lambda req: WithdrawForm(request.POST or None), key="withdraw_form",
                 perform_step=lambda req, d: services.request_withdraw(request=req, reason=d["comments"],
                                                                        actor=request.user),
                 done=_("%(number)s withdrawn."))


@require("renovation.view")
def request_archive(request, pk):
    """The archived copy of approved additional works (a PDF kept with the application)."""
    req = selectors.request_detail(user=request.user, pk=pk)
    if not req.archive:
        raise Http404
    return file_response(req.archive.name)


def request_list_page(request, *, kind, title):
    """The list of one kind of request (extensions, additional works), filtered through ``RequestListForm``."""
    filters = list_filters(request, RequestListForm)
    qs = selectors.request_list(request.user, kind=kind, community=filters["community"],
                                status=filters["status"] or "", q=filters["q"] or "")
    return render(request, "renovation/request_list.html", {
        "page": paginate(request, qs, PAGE_SIZE), "filters": filters, "kind": kind, "title": title,
        "statuses": RenovationRequest.Status.choices, "communities": communities_of(request.user)})


urlpatterns = [
    path("requests/<int:pk>/", request_detail, name="request_detail"),
    path("requests/<int:pk>/review/", request_review, name="request_review"),
    path("requests/<int:pk>/approve/", request_approve, name="request_approve"),
    path("requests/<int:pk>/fee/", request_fee, name="request_fee"),
    path("requests/<int:pk>/withdraw/", request_withdraw, name="request_withdraw"),
    path("requests/<int:pk>/archive.pdf", request_archive, name="request_archive"),
]
