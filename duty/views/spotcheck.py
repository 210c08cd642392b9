"""The supervisor's review of the front desk: the dashboard (the weekly spot-check counter, recent checks,
open nonconformities), spot checks 抽查 against the checklist a)–j), and the nonconformities they find
(质量检查记录) tracked until corrected. Views: permission → form → one service call → redirect; objects
from scoped querysets (a foreign community's object is a 404)."""

from django.contrib import messages
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from core.forms import submit_once
from core.paging import paginate
from core.permissions import require
from frontdesk.scoping import choose_community, communities_of

from ..forms.spotcheck import (
    NonconformityCorrectForm,
    NonconformityFilterForm,
    SpotCheckFilterForm,
    SpotCheckForm,
)
from ..models import Nonconformity, SpotCheck, SpotCheckResult
from ..selectors import spotcheck as selectors
from ..services import spotcheck as services

PAGE_SIZE = 50


@require("duty.review")
def supervisor(request):
    open_items, open_total = selectors.open_nonconformities(user=request.user)
    return render(request, "duty/supervisor.html", {
        "weeks": selectors.weekly_counts(user=request.user),
        "rule": selectors.WEEKLY_RULE % {"minimum": selectors.WEEKLY_MINIMUM},
        "recent": selectors.recent_spot_checks(user=request.user),
        "open_items": open_items, "open_total": open_total,
    })


@require("duty.review")
def spotcheck_create(request):
    choice = choose_community(request, required=False)
    if not request.GET.get("community") and len(choice.communities) != 1:  # several (or none): ask which desk first
        return render(request, "duty/spotcheck_choose.html", {"communities": choice.communities})
    community = choice.community
    people, on_duty = selectors.clerk_choices(community=community, checker=request.user)
    form = SpotCheckForm(request.POST or None, people=people, default_clerk=on_duty)

    def perform(data):
        spot_check = services.spot_check_record(community=community, clerk=data["clerk"], results=form.results(),
                                                checked_at=data["checked_at"], notes=data["notes"], actor=request.user)
        found = sum(1 for result, _note in form.results().values() if result == SpotCheckResult.Result.NONCONFORMING)
        messages.success(request, _("Spot check recorded: %(n)s nonconformities.") % {"n": found})
        return reverse("duty:spotcheck_detail", args=[spot_check.pk])

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    return render(request, "duty/spotcheck_form.html", {"form": form, "community": community, "on_duty": on_duty})


def _list_page(request, form_class, select, template: str):
    """A filtered list of the user's communities, a page at a time: the filter form → ``select`` → ``template``."""
    form = form_class(request.GET or None, communities=communities_of(request.user),
                      clerks=selectors.clerks_seen(user=request.user))
    qs = select(user=request.user, **form.filters())
    return render(request, template, {"form": form, "page": paginate(request, qs, PAGE_SIZE)})


@require("duty.review")
def spotcheck_list(request):
    return _list_page(request, SpotCheckFilterForm, selectors.spot_check_list, "duty/spotcheck_list.html")


@require("duty.review")
def spotcheck_detail(request, pk):
    spot_check = selectors.spot_check_detail(user=request.user, pk=pk)
    return render(request, "duty/spotcheck_detail.html", {"spot_check": spot_check,
                                                          "labels": dict(SpotCheck.ITEMS)})


@require("duty.review")
def nonconformity_list(request):
    return _list_page(request, NonconformityFilterForm, selectors.nonconformity_list, "duty/nonconformity_list.html")


@require("duty.review")
def nonconformity_correct(request, pk):
    nonconformity = selectors.nonconformity_for(user=request.user, pk=pk)
    form = NonconformityCorrectForm(request.POST or None)

    def perform(data):
        services.nonconformity_correct(nonconformity=nonconformity, corrective_action=data["corrective_action"],
                                       actor=request.user)
        messages.success(request, _("Nonconformity marked corrected."))
        return reverse("duty:nonconformity_list")

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    return render(request, "duty/nonconformity_correct.html", {
        "form": form, "nonconformity": nonconformity,
        "already_corrected": nonconformity.status != Nonconformity.Status.OPEN,
    })


urlpatterns = [
    path("supervisor/", supervisor, name="supervisor"),
    path("spot-checks/", spotcheck_list, name="spotcheck_list"),
    path("spot-checks/new/", spotcheck_create, name="spotcheck_create"),
    path("spot-checks/<int:pk>/", spotcheck_detail, name="spotcheck_detail"),
    path("nonconformities/", nonconformity_list, name="nonconformity_list"),
    path("nonconformities/<int:pk>/correct/", nonconformity_correct, name="nonconformity_correct"),
]
