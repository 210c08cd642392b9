"""The statistics page as an .xlsx sheet: the page's tables one after the other."""

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .report import Stats
from .targets import COMPLAINT_TARGET_PER_MONTH


def stats_export_rows(stats: Stats):
    """The page's tables, one after the other on one sheet: a title row, a header row, the rows."""
    for title, groups in ((_("Repairs and complaints by category"), stats.by_category),
                          (_("Repairs and complaints by building"), stats.by_building)):
        yield []
        yield [title]
        yield [_("Group"), _("Type"), *stats.labels, _("Total")]
        for g in groups:
            yield [g["name"], _("Repairs"), *g["repairs"], sum(g["repairs"])]
            yield [g["name"], _("Complaints"), *g["complaints"], sum(g["complaints"])]
    yield []
    yield [_("Totals")]
    yield [_("Type"), *stats.labels]
    yield [_("Repairs"), *stats.totals["repairs"]]
    yield [_("Complaints"), *stats.totals["complaints"]]
    yield [_("Enquiries"), *stats.totals["enquiries"]]
    yield [_("Utility hand-offs"), *stats.totals["handoffs"]]
    yield [_("Paid home services"), *stats.totals["services"]]
    yield [_("Suggestions"), *stats.totals["suggestions"]]
    yield []
    yield [_("Clocks: on time")]
    yield [_("Clock"), _("Met on time"), _("Breached"), _("On-time rate (%)")]
    for c in stats.clocks:
        yield [c["label"], c["on_time"], c["late"], c["rate"]]
    yield []
    yield [_("Satisfaction (callbacks)")]
    yield [_("Period"), _("Callbacks"), _("Average (1–5)")]
    for label, s in zip(stats.labels, stats.satisfaction, strict=True):
        yield [label, s["count"], s["average"]]
    yield []
    yield [_("Complaint hot spots")]
    yield [_("Dimension"), pgettext("thing", "Name"), _("Previous period"), _("This period"), _("Rise")]
    for h in stats.hot_spots:
        yield [h["dimension"], h["name"], h["previous"], h["current"], h["rise"]]
    yield []
    yield [_("Complaints per building and month (target: at most %(n)s)") % {"n": COMPLAINT_TARGET_PER_MONTH}]
    yield [_("Building"), *stats.target_months]
    for t in stats.target_rows:
        yield [t["building"], *t["months"]]
