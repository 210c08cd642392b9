"""Statistics of repairs and complaints for supervisors and managers: a page with charts and an .xlsx export."""

from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exports import xlsx_response
from core.permissions import require
from frontdesk.scoping import choose_community

from ..services import stats as stats_service


@require("repairs.stats")
def stats(request):
    period = request.GET.get("period") if request.GET.get("period") in (stats_service.WEEK, stats_service.MONTH) \
        else stats_service.WEEK
    try:
        count = int(request.GET.get("count") or 0) or None
    except ValueError:
        count = None
    choice = choose_community(request, all_allowed=True)
    communities, chosen, ids = choice.communities, choice.value, choice.ids
    result = stats_service.ticket_stats(community_ids=ids, period=period, count=count)
    if request.GET.get("export") == "xlsx":
        name = _("repair-statistics-%(period)s-%(date)s.xlsx") % {"period": period, "date": f"{timezone.localdate():%Y%m%d}"}
        return xlsx_response(name, [_("Repairs and complaints statistics"), result.labels[0], result.labels[-1]],
                             stats_service.stats_export_rows(result))
    chart = {
        "labels": result.labels,
        "repairs": result.totals["repairs"], "complaints": result.totals["complaints"],
        "categories": [c["name"] for c in result.by_category[:10]],
        "category_repairs": [sum(c["repairs"]) for c in result.by_category[:10]],
        "category_complaints": [sum(c["complaints"]) for c in result.by_category[:10]],
        "clock_labels": [c["label"] for c in result.clocks],
        "clock_rates": [c["rate"] for c in result.clocks],
        "satisfaction": [s["average"] for s in result.satisfaction],
        "on_time": result.clock_rate_by_period,
        "text": {"repairs": _("Repairs"), "complaints": _("Complaints"), "on_time": _("On time (%)"),
                 "satisfaction": _("Satisfaction (1–5)")},
    }
    return render(request, "repairs/stats.html", {
        "stats": result, "chart": chart, "communities": communities, "chosen": chosen, "period": period,
        "count": count or stats_service.DEFAULT_PERIODS[period], "target": stats_service.COMPLAINT_TARGET_PER_MONTH,
    })


urlpatterns = [
    path("stats/", stats, name="stats"),
]
