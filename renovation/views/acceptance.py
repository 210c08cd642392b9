"""Acceptance (验收) and the one deposit ledger: the queue of sites waiting for acceptance or settlement,
a site's acceptance page (ask for it, record the engineer's result), and the ledger page (deposit received →
deductions → refund through billing → close the case)."""

from django.contrib import messages
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from core.forms import list_filters, list_params, submit_once
from core.paging import paginate
from core.permissions import has_perm, require
from frontdesk.scoping import choose_community

from ..forms.acceptance import AcceptanceForm, AcceptanceQueueFilterForm, ConfirmForm, RefundForm
from ..hooks import closeout_problems
from ..models import Renovation
from ..selectors import acceptance as selectors
from ..selectors import rounds as round_selectors
from ..selectors.ledger import ledger_for
from ..services import acceptance as services
from ..services import ledger as ledger_services

S = Renovation.Status
QUEUE_PAGE = 50


def _refused(request, form, pk):
    """After a refused submission: what refused the whole action (e.g. decided meanwhile by someone else) as
    a message on top, and the site read again (the form it came from may not be shown any more)."""
    for error in form.non_field_errors():
        messages.error(request, error)
    form.errors.pop("__all__", None)
    return round_selectors.site(user=request.user, pk=pk)


@list_params(AcceptanceQueueFilterForm)
@require("renovation.queue")
def acceptance_list(request):
    filters = list_filters(request, AcceptanceQueueFilterForm)
    choice = choose_community(request, all_allowed=True)
    qs = selectors.acceptance_queue(request.user, community_ids=choice.ids, status=filters["status"] or "",
                                    q=filters["q"] or "", inspected_on=filters["inspected_on"])
    return render(request, "renovation/acceptance/list.html", {
        "page": paginate(request, qs, QUEUE_PAGE), "choice": choice, "filters": filters,
        "statuses": [(s.value, s.label) for s in selectors.QUEUE_STATUSES],
    })


def _acceptance(request, renovation, form=None):
    return render(request, "renovation/acceptance/detail.html", {
        "renovation": renovation, "acceptances": selectors.acceptances(renovation),
        "history": selectors.status_history(renovation), "form": form or AcceptanceForm(),
        "request_form": ConfirmForm(), "open_violations": [v for v in round_selectors.site_violations(renovation)
                                                           if v.status == "open"],
        "can_accept": has_perm(request.user, "renovation.accept"),
        "can_ledger": has_perm(request.user, "renovation.ledger"),
    })


@require("renovation.inspect")
def acceptance(request, pk):
    return _acceptance(request, round_selectors.site(user=request.user, pk=pk))


@require("renovation.inspect")
def acceptance_request(request, pk):
    renovation = round_selectors.site(user=request.user, pk=pk)
    form = ConfirmForm(request.POST if request.method == "POST" else None)

    def perform(data):
        services.acceptance_request(renovation=renovation, actor=request.user)
        messages.success(request, _("%(unit)s is waiting for acceptance.") % {"unit": renovation.unit.code})
        return reverse("renovation:acceptance", args=[renovation.pk])

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    return _acceptance(request, _refused(request, form, pk))


@require("renovation.accept")
def acceptance_record(request, pk):
    renovation = round_selectors.site(user=request.user, pk=pk)
    form = AcceptanceForm(request.POST or None)

    def perform(data):
        done = services.acceptance_record(renovation=renovation, result=data["result"], items=data["items"],
                                          note=data["note"], actor=request.user)
        if done.result == "pass":
            messages.success(request, _("Acceptance passed: settle the deposit on the ledger."))
            if has_perm(request.user, "renovation.ledger"):
                return reverse("renovation:ledger", args=[renovation.pk])
            return reverse("renovation:acceptance", args=[renovation.pk])
        messages.warning(request, _("Acceptance failed: %(unit)s is back under renovation to rectify.")
                         % {"unit": renovation.unit.code})
        return reverse("renovation:acceptance", args=[renovation.pk])

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    return _acceptance(request, _refused(request, form, pk), form)


def _ledger(request, renovation, refund_form=None):
    ledger = ledger_for(renovation)
    return render(request, "renovation/acceptance/ledger.html", {
        "renovation": renovation, "ledger": ledger, "refund_form": refund_form or RefundForm(initial={"method": "cash"}),
        "close_form": ConfirmForm(), "problems": closeout_problems(renovation) if renovation.status == S.ACCEPTED else [],
        "can_settle": has_perm(request.user, "renovation.ledger"),
    })


@require("renovation.ledger")
def ledger(request, pk):
    return _ledger(request, round_selectors.site(user=request.user, pk=pk))


@require("renovation.ledger")
def ledger_refund(request, pk):
    renovation = round_selectors.site(user=request.user, pk=pk)
    form = RefundForm(request.POST or None)

    def perform(data):
        ledger_services.ledger_refund_request(renovation=renovation, method=data["method"],
                                              reference=data["reference"], actor=request.user)
        messages.success(request, _("Refund asked for: a supervisor approves it in billing's corrections."))
        return reverse("renovation:ledger", args=[renovation.pk])

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    return _ledger(request, _refused(request, form, pk), refund_form=form)


@require("renovation.ledger")
def ledger_close(request, pk):
    renovation = round_selectors.site(user=request.user, pk=pk)
    form = ConfirmForm(request.POST if request.method == "POST" else None)

    def perform(data):
        ledger_services.renovation_close(renovation=renovation, actor=request.user)
        messages.success(request, _("The renovation of %(unit)s is closed.") % {"unit": renovation.unit.code})
        return reverse("renovation:ledger", args=[renovation.pk])

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    return _ledger(request, _refused(request, form, pk))


urlpatterns = [
    path("acceptance/", acceptance_list, name="acceptance_list"),
    path("acceptance/<int:pk>/", acceptance, name="acceptance"),
    path("acceptance/<int:pk>/request/", acceptance_request, name="acceptance_request"),
    path("acceptance/<int:pk>/record/", acceptance_record, name="acceptance_record"),
    path("ledger/<int:pk>/", ledger, name="ledger"),
    path("ledger/<int:pk>/refund/", ledger_refund, name="ledger_refund"),
    path("ledger/<int:pk>/close/", ledger_close, name="ledger_close"),
]
