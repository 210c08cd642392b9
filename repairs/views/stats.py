"""Statistics of repairs and complaints for supervisors and managers: a page with charts and an .xlsx export."""

from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exports import xlsx_response
from core.permissions import require
from frontdesk.scoping import choose_community

from ..selectors.stats import periods
from ..selectors.stats.export import stats_export_rows
from ..selectors.stats.report import ticket_stats
from ..selectors.stats.targets import COMPLAINT_TARGET_PER_MONTH

# The long tables (buildings, hot spots, the complaint target) show their first rows unless "all" is asked
# for: 726 buildings × 8 periods was 700 KB of HTML and most of the page's time; the export has every row.
FIRST_ROWS = 20


def _first(rows: list, *, show_all: bool, keep: int = 0) -> tuple[list, int]:
    """(the rows to show, how many are hidden): the first FIRST_ROWS, or ``keep`` when more must show."""
    shown = rows if show_all else rows[:max(FIRST_ROWS, keep)]
    return shown, len(rows) - len(shown)


@require("repairs.stats")
def stats(request):
    period = request.GET.get("period") if request.GET.get("period") in (periods.WEEK, periods.MONTH) \
        else periods.WEEK
    try:
        count = int(request.GET.get("count") or 0) or None
    except ValueError:
        count = None
    choice = choose_community(request, all_allowed=True)
    communities, chosen, ids = choice.communities, choice.value, choice.ids
    result = ticket_stats(community_ids=ids, period=period, count=count)
    if request.GET.get("export") == "xlsx":
        name = _("repair-statistics-%(period)s-%(date)s.xlsx") % {"period": period, "date": f"{timezone.localdate():%Y%m%d}"}
        return xlsx_response(name, [_("Repairs and complaints statistics"), result.labels[0], result.labels[-1]],
                             stats_export_rows(result))
    chart = {
        "labels": result.labels,
        "repairs": result.totals["repairs"], "complaints": result.totals["complaints"],
        "handoffs": result.totals["handoffs"],
        "categories": [c["name"] for c in result.by_category[:10]],
        "category_repairs": [sum(c["repairs"]) for c in result.by_category[:10]],
        "category_complaints": [sum(c["complaints"]) for c in result.by_category[:10]],
        "clock_labels": [c["label"] for c in result.clocks],
        "clock_rates": [c["rate"] for c in result.clocks],
        "satisfaction": [s["average"] for s in result.satisfaction],
        "on_time": result.clock_rate_by_period,
        "text": {"repairs": _("Repairs"), "complaints": _("Complaints"), "handoffs": _("Utility hand-offs"),
                 "on_time": _("On time (%)"),
                 "satisfaction": _("Satisfaction (1–5)")},
    }
    show_all = request.GET.get("all") == "1"
    buildings, buildings_hidden = _first(result.by_building, show_all=show_all)
    hot_spots, hot_spots_hidden = _first(result.hot_spots, show_all=show_all)
    # every building over the target this month stays on the page (they come first)
    targets, targets_hidden = _first(result.target_rows, show_all=show_all,
                                     keep=sum(1 for t in result.target_rows if t["over_now"]))
    everything = request.GET.copy()
    everything["all"] = "1"
    return render(request, "repairs/stats.html", {
        "stats": result, "by_building": buildings, "buildings_hidden": buildings_hidden,
        "hot_spots": hot_spots, "hot_spots_hidden": hot_spots_hidden,
        "target_rows": targets, "targets_hidden": targets_hidden, "all_url": f"?{everything.urlencode()}",
        "chart": chart, "communities": communities, "chosen": chosen, "period": period,
        "count": count or periods.DEFAULT_PERIODS[period], "target": COMPLAINT_TARGET_PER_MONTH,
    })


urlpatterns = [
    path("stats/", stats, name="stats"),
]
