"""收银日结: the cashier's day (figures by method, counted cash, hand-over to finance, signature), the list
of closes for supervisors and managers, a close's page and its PDF."""

from django.contrib import messages
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from core.dates import parse_date
from core.forms import submit_once
from core.paging import paginate
from core.pdf import pdf_response
from core.permissions import require
from frontdesk.scoping import choose_community, communities_of

from .. import documents
from ..forms.close import CloseForm
from ..selectors import close as selectors
from ..services import close as services

PAGE_SIZE = 30


def _pick_day(request, open_day):
    """The day shown: ``?day=`` (an ISO date, never after the open day), else the open day."""
    day = parse_date(request.GET.get("day")) if request.GET.get("day") else None
    return open_day if day is None else min(day, open_day)


@require("billing.collect")
def close_day(request):
    choice = choose_community(request)  # one community: a foreign id is a 404
    community = choice.community
    open_day = selectors.open_day(community=community, cashier=request.user)
    day = _pick_day(request, open_day)
    form = CloseForm(request.POST or None)

    def perform(data):
        close = services.day_close(community=community, cashier=request.user, day=day,
                                   counted_cash=data["counted_cash"], difference_reason=data["difference_reason"],
                                   handed_to=data["handed_to"], password=data["password"])
        messages.success(request, _("The day %(day)s is closed and handed to %(who)s. New payments go to the next "
                                    "day.") % {"day": close.business_date, "who": close.handed_to})
        return reverse("billing:close_detail", args=[close.pk])

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    summary = selectors.day_summary(community=community, cashier=request.user, day=day)
    return render(request, "billing/close/day.html", {
        "summary": summary, "form": form, "community": community, "communities": choice.communities,
        "day": day, "open_day": open_day, "is_open_day": day == open_day,
        "days_left_open": selectors.days_left_open(community=community, cashier=request.user, before=open_day),
    })


@require("billing.stats")
def close_list(request):
    filters = {k: request.GET.get(k, "") for k in ("community", "cashier", "month")}
    qs, month_understood = selectors.close_list(request.user, **filters)
    if not month_understood:
        messages.warning(request, _("Month not understood; showing all months."))
    page = paginate(request, qs, PAGE_SIZE)
    communities = list(communities_of(request.user))
    # ?day=: the cashiers of that day who did not close it or whose close does not balance (the daily summary's
    # exception opens this list)
    day = parse_date(request.GET.get("day")) if request.GET.get("day") else None
    unclosed = None
    if day is not None:
        chosen = [c for c in communities if not filters["community"] or str(c.pk) == filters["community"]]
        unclosed = selectors.unclosed_on(communities=chosen, day=day)
    return render(request, "billing/close/list.html", {
        "page": page, "filters": filters, "communities": communities, "day": day, "unclosed": unclosed,
    })


@require("billing.stats")
def close_detail(request, pk):
    return render(request, "billing/close/detail.html", selectors.close_record(user=request.user, pk=pk))


@require("billing.stats")
def close_pdf(request, pk):
    data = selectors.close_record(user=request.user, pk=pk)
    close = data["close"]
    pdf = documents.close_pdf(data, user=request.user, request=request)
    return pdf_response(pdf, f"close-{close.community.code}-{close.business_date}-{close.cashier.username}.pdf")


urlpatterns = [
    path("close/", close_day, name="close_day"),
    path("close/list/", close_list, name="close_list"),
    path("close/<int:pk>/", close_detail, name="close_detail"),
    path("close/<int:pk>/pdf/", close_pdf, name="close_pdf"),
]
