"""The supervisor's review: spot checks 抽查 against the checklist a)–j) (seed 003 4.4.1), the
nonconformities they find (质量检查记录) tracked until corrected, the weekly counter and the monthly
appraisal per clerk. Views: permission → form → one service call → redirect; objects from scoped
querysets (a foreign community's object is a 404)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from core.forms import submit_once
from core.pdf import pdf_response
from core.permissions import require

from .. import selectors_review as selectors
from ..forms_review import (
    AppraisalForm,
    NonconformityCorrectForm,
    NonconformityFilterForm,
    SpotCheckFilterForm,
    SpotCheckForm,
)
from ..models import Nonconformity, SpotCheck, SpotCheckResult
from ..services import appraisal as appraisal_documents
from ..services import spotcheck as services

PAGE_SIZE = 50


def _page(request, qs):
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


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
    communities = selectors.review_communities(request.user)
    chosen = request.GET.get("community")
    if chosen:
        community = get_object_or_404(communities, pk=chosen if chosen.isdigit() else 0)
    else:
        options = list(communities[:2])
        if len(options) != 1:  # several (or none): ask which desk first
            return render(request, "duty/spotcheck_choose.html", {"communities": communities})
        community = options[0]
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


@require("duty.review")
def spotcheck_list(request):
    form = SpotCheckFilterForm(request.GET or None, communities=selectors.review_communities(request.user),
                               clerks=selectors.clerks_seen(user=request.user))
    qs = selectors.spot_check_list(user=request.user, **form.filters())
    return render(request, "duty/spotcheck_list.html", {"form": form, "page": _page(request, qs)})


@require("duty.review")
def spotcheck_detail(request, pk):
    spot_check = selectors.spot_check_detail(user=request.user, pk=pk)
    return render(request, "duty/spotcheck_detail.html", {"spot_check": spot_check,
                                                          "labels": dict(SpotCheck.ITEMS)})


@require("duty.review")
def nonconformity_list(request):
    form = NonconformityFilterForm(request.GET or None, communities=selectors.review_communities(request.user),
                                   clerks=selectors.clerks_seen(user=request.user))
    qs = selectors.nonconformity_list(user=request.user, **form.filters())
    return render(request, "duty/nonconformity_list.html", {"form": form, "page": _page(request, qs)})


@require("duty.review")
def nonconformity_correct(request, pk):
    nonconformity = get_object_or_404(selectors.nonconformities_for(request.user), pk=pk)
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


def _appraisal(request):
    form = AppraisalForm(request.GET, communities=selectors.review_communities(request.user))
    community, month = form.selection()
    data = selectors.appraisal_month(community=community, month=month) if community else None
    return form, data


@require("duty.review")
def appraisal(request):
    form, data = _appraisal(request)
    return render(request, "duty/appraisal.html", {"form": form, "data": data, "items": SpotCheck.ITEMS})


@require("duty.review")
def appraisal_pdf(request):
    form, data = _appraisal(request)
    if data is None:
        return render(request, "duty/appraisal.html", {"form": form, "data": None, "items": SpotCheck.ITEMS},
                      status=400)
    pdf = appraisal_documents.appraisal_pdf(data=data, user=request.user, request=request)
    return pdf_response(pdf, appraisal_documents.filename(data))


urlpatterns = [
    path("supervisor/", supervisor, name="supervisor"),
    path("spot-checks/", spotcheck_list, name="spotcheck_list"),
    path("spot-checks/new/", spotcheck_create, name="spotcheck_create"),
    path("spot-checks/<int:pk>/", spotcheck_detail, name="spotcheck_detail"),
    path("nonconformities/", nonconformity_list, name="nonconformity_list"),
    path("nonconformities/<int:pk>/correct/", nonconformity_correct, name="nonconformity_correct"),
    path("appraisal/", appraisal, name="appraisal"),
    path("appraisal/pdf/", appraisal_pdf, name="appraisal_pdf"),
]
