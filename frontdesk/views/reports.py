"""Weekly and monthly reports 周报/月报 from the frozen days: the page, the A4 PDF and the .xlsx export."""

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exports import xlsx_response
from core.forms import list_filters, list_params
from core.pdf import pdf_response
from core.permissions import require

from .. import documents
from ..forms.reports import ReportForm
from ..scoping import choose_community
from ..selectors import reports as selectors


@list_params(ReportForm)
@require("reports.view")
def period_report(request):
    values = list_filters(request, ReportForm)
    choice = choose_community(request, all_allowed=True)  # the community (or all of the user's), scoped
    today = timezone.localdate()
    kind = values["period"] or selectors.WEEK
    communities = [c for c in choice.communities if c.pk in choice.ids]
    report = selectors.period_report(communities=communities, kind=kind, day=values["day"] or today, today=today)
    name = f"report-{report['kind']}-{report['start']:%Y%m%d}"
    if values["export"] == "xlsx":
        return xlsx_response(f"{name}.xlsx", [_("Part"), _("Item"), _("Value"), _("Note")],
                             selectors.export_rows(report))
    if values["export"] == "pdf":
        pdf = documents.period_report(report=report, user=request.user, request=request)
        return pdf_response(pdf, f"{name}.pdf")
    return render(request, "frontdesk/reports/report.html", {
        "report": report, "choice": choice, "periods": selectors.PERIODS, "day": values["day"] or today,
        "query": {"community": choice.value, "period": report["kind"], "day": f"{values['day'] or today:%Y-%m-%d}"}})
