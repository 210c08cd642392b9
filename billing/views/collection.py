"""Billing views: the collection rate (收费率) per building and community, with a chart and an export."""

from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from core.dates import add_months, parse_month
from core.exports import xlsx_response
from core.permissions import require
from frontdesk.scoping import choose_community

from ..selectors import collection as selectors


def _pct(value):
    return "" if value is None else float(value)


def _export_rows(report):
    def line(label, community, f):
        return [community, label, f.billed, f.paid, _pct(f.current_rate), f.past_base, f.past_collected,
                _pct(f.past_rate), _pct(f.total_rate)]

    for period, attr in ((f"{report.month:%Y-%m}", "month"),
                         (f"{report.half_start:%Y-%m} – {add_months(report.half_end, -1):%Y-%m}", "half")):
        yield [period]
        for row in report.rows:
            yield line(row.name, row.community, getattr(row, attr))
        for row in report.communities:
            yield line(_("Community total"), row.community, getattr(row, attr))
        yield line(_("All"), "", getattr(report.total, attr))


@require("billing.stats")
def collection(request):
    choice = choose_community(request, all_allowed=True)
    communities, chosen, ids = choice.communities, choice.value, choice.ids
    error = ""
    month = timezone.localdate().replace(day=1)
    if request.GET.get("month"):
        chosen = parse_month(request.GET["month"])
        if chosen is None:
            error = _("Give a month like 2026-11 (between 2000 and 2100).")
        month = chosen or month
    report = selectors.collection_report(community_ids=ids, month=month)
    if request.GET.get("export") == "xlsx":
        headers = [_("Community"), _("Building"), _("Current: billed"), _("Current: collected"),
                   _("Current: rate (%)"), _("Past-due: owed at start"), _("Past-due: collected"),
                   _("Past-due: rate (%)"), _("Overall rate (%)")]
        return xlsx_response(_("collection-rate-%(month)s.xlsx") % {"month": f"{report.month:%Y%m}"}, headers,
                             _export_rows(report))
    # Several communities: one row per community (each links to its buildings), which stays readable
    # on a phone; one community: a row per building and the community's total.
    by_community = len(ids) > 1
    shown = report.communities if by_community else report.rows
    chart = {
        "labels": [r.name for r in shown],
        "month": [_pct(r.month.current_rate) for r in shown],
        "half": [_pct(r.half.current_rate) for r in shown],
        "past": [_pct(r.half.past_rate) for r in shown],
        "target": float(report.target),
        "text": {"month": _("Current month (%)"), "half": _("Half-year (%)"), "past": _("Past-due, half-year (%)")},
    }
    month_value = f"{report.month:%Y-%m}"

    def rows_for(attr):  # (label, note, figures, is_total, link)
        if by_community:
            return [*((c.community, "", getattr(c, attr), False, f"?community={c.community_id}&month={month_value}")
                      for c in report.communities), (_("All"), "", getattr(report.total, attr), True, "")]
        return [*((r.name, "", getattr(r, attr), False, "") for r in report.rows),
                *((_("Community total"), "", getattr(c, attr), True, "") for c in report.communities)]

    tables = [{"id": f"collection-{attr}", "title": title, "by_community": by_community, "rows": rows_for(attr)}
              for attr, title in (
                  ("month", _("Month %(month)s") % {"month": f"{report.month:%Y-%m}"}),
                  ("half", _("Half-year %(start)s – %(end)s") % {
                      "start": f"{report.half_start:%Y-%m}",
                      "end": f"{add_months(report.half_end, -1):%Y-%m}"}))]
    return render(request, "billing/collection/report.html", {
        "tables": tables,
        "report": report, "chart": chart, "communities": communities, "chosen": chosen, "error": error,
        "month_value": f"{report.month:%Y-%m}", "half_last": add_months(report.half_end, -1),
    })


urlpatterns = [
    path("collection/", collection, name="collection"),
]
