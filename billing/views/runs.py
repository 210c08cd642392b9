"""Bill runs (账单生成): list, new run (month and building → preview → confirm), the progress page polled
by htmx, "bill the paid repairs" (the charges of the registered charge sources), and payment notices
(缴费通知单) per unit and per building."""

import time

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import idempotency
from core.dates import parse_month
from core.forms import submit_once
from core.pdf import pdf_response
from core.permissions import require
from frontdesk.models import Building, Unit
from frontdesk.scoping import choose_community, scope

from .. import documents
from ..forms.runs import RunForm
from ..selectors import runs as selectors
from ..selectors.setup import buildings_of
from ..services import charges
from ..services import runs as services


def _month(value):
    """``?period=`` as a month (this month when missing or not understood)."""
    return parse_month(value, first_day_only=True) or timezone.localdate().replace(day=1)


@require("billing.run")
def run_list(request):
    choice = choose_community(request, post_param="community_pk")
    community, communities = choice.community, choice.communities
    return render(request, "billing/runs/list.html", {
        "community": community, "communities": communities,
        "runs": selectors.run_list(user=request.user, community=community),
        "pending_repairs": sum(len(pending) for _source, pending in charges.pending_charges(community=community)),
        "this_month": timezone.localdate().replace(day=1),
        "buildings": buildings_of(community)})


@require("billing.run")
def run_new(request):
    choice = choose_community(request, post_param="community_pk")
    community, communities = choice.community, choice.communities
    buildings = buildings_of(community)
    data = request.POST if request.method == "POST" else (request.GET if "period" in request.GET else None)
    form = RunForm(data, buildings=buildings, initial={"period": timezone.localdate().replace(day=1)})
    preview = None
    if request.method == "GET" and data is not None and form.is_valid():
        try:
            preview = selectors.bill_run_preview(community=community, period=form.cleaned_data["period"],
                                                building=form.cleaned_data["building"])
        except ValidationError as exc:
            form.add_error(None, exc)

    def perform(data):
        run = services.bill_run_start(community=community, period=data["period"], building=data["building"],
                                      actor=request.user)
        return reverse("billing:run_detail", args=[run.pk])

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    return render(request, "billing/runs/new.html", {
        "form": form, "community": community, "communities": communities, "preview": preview,
        # the preview's form is bound to the GET query: the confirm button gets a fresh double-submit token
        "token": form.data.get(idempotency.FIELD) if request.method == "POST" else idempotency.new_token(),
        "preview_total": sum((r["amount"] for r in preview or []), 0),
        "preview_count": sum((r["to_create"] for r in preview or []), 0)})


@require("billing.run")
def run_detail(request, pk):
    run = selectors.run_for(user=request.user, pk=pk)
    template = "billing/runs/_progress.html" if request.htmx else "billing/runs/detail.html"
    return render(request, template, {"run": run, "totals": selectors.run_totals(run) if run.status == "done" else []})


@require("billing.run")
@require_POST
def run_repairs(request):
    """Bill the paid repairs now ("bill the paid repairs"), without waiting for the month's run."""
    community = choose_community(request, post_param="community_pk").community
    made = charges.charges_to_bills(community=community, actor=request.user)
    if made:
        messages.success(request, _("%(n)s paid repairs billed, %(amount)s in all.")
                         % {"n": len(made), "amount": sum(b.amount for b in made)})
    else:
        messages.info(request, _("No paid repairs are waiting to be billed."))
    return redirect(f"{reverse('billing:run_list')}?community={community.pk}")


# --- payment notices (缴费通知单) -------------------------------------------------------------------

@require("billing.run")
def notice_pdf(request, pk):
    unit = get_object_or_404(scope(Unit.objects.select_related("community"), request.user), pk=pk)
    period = _month(request.GET.get("period"))
    notices = selectors.notices(units_qs=Unit.objects.filter(pk=unit.pk), period=period)
    pdf = documents.notice_pdf(community=unit.community, notices=notices, period=period, user=request.user,
                               request=request)
    return pdf_response(pdf, f"payment-notice-{unit.code}-{period:%Y-%m}.pdf")


@require("billing.run")
def notice_batch(request, pk):
    """One page per unit of the building with something outstanding up to the month."""
    building = get_object_or_404(scope(Building.objects.select_related("community"), request.user), pk=pk)
    period = _month(request.GET.get("period"))
    notices = selectors.notices(units_qs=Unit.objects.filter(building=building), period=period)

    def render_part(part, suffix):
        started = time.monotonic()
        pdf = documents.notice_pdf(community=building.community, notices=part, period=period, user=request.user,
                                   request=request)
        response = pdf_response(pdf, f"payment-notices-{building.name}-{period:%Y-%m}{suffix}.pdf")
        response["X-Render-Seconds"] = f"{time.monotonic() - started:.2f}"
        return response

    return documents.batch_response(request, notices, render_part=render_part,
                                    title=_("Payment notices, building %(building)s, %(month)s")
                                    % {"building": building.name, "month": f"{period:%Y-%m}"})


urlpatterns = [
    path("runs/", run_list, name="run_list"),
    path("runs/new/", run_new, name="run_new"),
    path("runs/<int:pk>/", run_detail, name="run_detail"),
    path("runs/repairs/", run_repairs, name="run_repairs"),
    path("notices/units/<int:pk>.pdf", notice_pdf, name="notice_pdf"),
    path("notices/buildings/<int:pk>.pdf", notice_batch, name="notice_batch"),
]
