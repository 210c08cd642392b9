"""收银日结: the cashier's day (figures by method, counted cash, hand-over to finance, signature), the list
of closes for supervisors and managers, a close's page and its PDF."""

import datetime

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.forms import StaffForm, submit_once
from core.money import rmb_upper
from core.pdf import pdf_response, render_pdf
from core.permissions import require
from frontdesk.scoping import community_ids
from frontdesk.models import Community

from ..services import close as services

PAGE_SIZE = 30


class CloseForm(StaffForm):
    counted_cash = forms.DecimalField(label=gettext_lazy("Cash counted (¥)"), max_digits=12, decimal_places=2,
                                      min_value=0)
    difference_reason = forms.CharField(label=gettext_lazy("Reason for a difference"), max_length=300,
                                        required=False, widget=forms.Textarea(attrs={"rows": 2}))
    handed_to = forms.CharField(label=gettext_lazy("Handed to (finance)"), max_length=50)
    password = forms.CharField(label=gettext_lazy("Your password (signature)"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))


def _communities(user):
    return list(Community.objects.filter(pk__in=community_ids(user)).order_by("name"))


def _pick_community(request):
    communities = _communities(request.user)
    if not communities:
        raise Http404
    wanted = request.GET.get("community") or request.POST.get("community")
    if wanted:
        community = next((c for c in communities if str(c.pk) == str(wanted)), None)
        if community is None:
            raise Http404
        return community, communities
    return communities[0], communities


def _pick_day(request, open_day):
    raw = request.GET.get("day")
    if not raw:
        return open_day
    try:
        day = datetime.date.fromisoformat(raw)
    except ValueError:
        return open_day
    return min(day, open_day)


@require("billing.collect")
def close_day(request):
    community, communities = _pick_community(request)
    open_day = services.open_day(community=community, cashier=request.user)
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
    summary = services.day_summary(community=community, cashier=request.user, day=day)
    return render(request, "billing/close/day.html", {
        "summary": summary, "form": form, "community": community, "communities": communities, "day": day,
        "open_day": open_day, "is_open_day": day == open_day,
        "days_left_open": services.days_left_open(community=community, cashier=request.user, before=open_day),
    })


@require("billing.stats")
def close_list(request):
    qs = services.closes_for(request.user)
    filters = {k: request.GET.get(k, "") for k in ("community", "cashier", "month")}
    if filters["community"].isdigit():
        qs = qs.filter(community_id=int(filters["community"]))
    if filters["cashier"]:
        qs = qs.filter(Q(cashier__full_name__icontains=filters["cashier"])
                       | Q(cashier__username__iexact=filters["cashier"]))
    if filters["month"]:
        try:
            month = datetime.date.fromisoformat(f"{filters['month']}-01")
            qs = qs.filter(business_date__year=month.year, business_date__month=month.month)
        except ValueError:
            messages.warning(request, _("Month not understood; showing all months."))
    page = Paginator(qs.order_by("-business_date", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "billing/close/list.html", {
        "page": page, "filters": filters, "communities": _communities(request.user),
    })


def _close_context(request, pk):
    close = get_object_or_404(services.closes_for(request.user), pk=pk)
    summary = services.day_summary(community=close.community, cashier=close.cashier, day=close.business_date)
    return {"close": close, "summary": summary, "totals": _frozen_rows(close),
            "counted_upper": rmb_upper(close.counted_cash), "printed_at": timezone.now(),
            "printed_by": request.user}


def _frozen_rows(close):
    """The totals as recorded at the close (the record, not a recomputation)."""
    from ..models import Method

    labels = dict(Method.choices)
    rows = []
    for method, values in close.totals.items():
        rows.append({"label": labels.get(method, method), **values})
    return rows


@require("billing.stats")
def close_detail(request, pk):
    return render(request, "billing/close/detail.html", _close_context(request, pk))


@require("billing.stats")
def close_pdf(request, pk):
    context = _close_context(request, pk)
    close = context["close"]
    pdf = render_pdf("billing/pdf/close.html", context, request=request)
    return pdf_response(pdf, f"close-{close.community.code}-{close.business_date}-{close.cashier.username}.pdf")


urlpatterns = [
    path("close/", close_day, name="close_day"),
    path("close/list/", close_list, name="close_list"),
    path("close/<int:pk>/", close_detail, name="close_detail"),
    path("close/<int:pk>/pdf/", close_pdf, name="close_pdf"),
]
