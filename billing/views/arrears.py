"""Billing views: arrears (欠费) with aging, a unit's arrears and reminder log, dunning notices (催缴通知单)."""

from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exports import xlsx_response
from core.forms import list_params
from core.paging import page_number
from core.pdf import pdf_response
from core.permissions import require
from frontdesk.models import Building, Unit
from frontdesk.scoping import scope

from .. import documents
from ..forms.arrears import AMOUNT_MESSAGE, ArrearsFilterForm
from ..selectors import arrears as selectors
from ..selectors import reminders as reminder_selectors
from ..selectors import runs as notice_selectors

PAGE_SIZE = 50
EXPORT_LIMIT = 100_000


def _filters(request, communities, buildings):
    """The list's filters from the query string (``ArrearsFilterForm``); bad values are dropped with a message."""
    form = ArrearsFilterForm(request.GET)
    values = form.values()
    errors = [str(AMOUNT_MESSAGE)] if "min_amount" in form.errors else []
    chosen = values["community"] or ""
    ids = [c.pk for c in communities]
    if chosen and int(chosen) in ids:
        ids = [int(chosen)]
    else:
        chosen = ""
    building = values["building"]
    building_id = int(building) if building and any(b.pk == int(building) for b in buildings) else None
    filters = selectors.ArrearsFilter(community_ids=ids, building_id=building_id, bucket=values["bucket"] or "",
                                      min_amount=values["min_amount"], room=values["room"],
                                      sort=values["sort"] or "amount")
    return filters, chosen, errors


@list_params(ArrearsFilterForm)
@require("billing.view")
def arrears_list(request):
    # One query for both filters: a community without buildings has no units, hence no arrears.
    buildings = list(scope(Building.objects.select_related("community"), request.user)
                     .order_by("community__name", "sort_order", "name"))
    communities = list({b.community_id: b.community for b in buildings}.values())
    filters, chosen, errors = _filters(request, communities, buildings)
    today = timezone.localdate()
    if request.GET.get("export") == "xlsx":
        rows_qs = selectors.arrears_units(request.user, filters, today)
        rows = selectors.attach_units(list(rows_qs[:EXPORT_LIMIT]))
        headers = [_("Community"), _("Room"), _("Owner"), *[label for _k, label, _l, _h in selectors.BUCKETS],
                   _("Total outstanding"), _("Oldest due date"), _("Bills")]
        return xlsx_response(
            _("arrears-%(date)s.xlsx") % {"date": f"{today:%Y%m%d}"}, headers,
            ([r["community_name"], r["code"], r["owners"],
              *[r[k] for k in selectors.BUCKET_KEYS], r["total"], f"{r['oldest_due']:%Y-%m-%d}", r["bills"]]
             for r in rows))
    page, totals = selectors.arrears_page(request.user, filters, page_number(request.GET.get("page")),
                                          PAGE_SIZE, today)
    for row in page.object_list:
        row["days_overdue"] = (today - row["oldest_due"]).days
    return render(request, "billing/arrears/list.html", {
        "page": page, "totals": totals, "buckets": selectors.BUCKETS, "filters": filters, "errors": errors,
        "communities": communities, "chosen": chosen,
        "buildings": [b for b in buildings if b.community_id in filters.community_ids],
        "sorts": [("amount", _("Largest amount")), ("oldest", _("Oldest first")), ("room", _("Room"))],
        "today": today,
    })


def _unit_for(request, pk):
    return get_object_or_404(scope(Unit.objects.select_related("building", "entrance", "community"), request.user),
                             pk=pk)


@require("billing.view")
def arrears_unit(request, pk):
    """A unit's outstanding bills with their aging, and every reminder step sent for it."""
    unit = _unit_for(request, pk)
    today = timezone.localdate()
    return render(request, "billing/arrears/unit.html", {
        "unit": unit, "today": today, **selectors.unit_page(unit, today),
        "steps": reminder_selectors.unit_steps(unit)})


@require("billing.run")
def dunning_pdf(request, pk):
    """催缴通知单 for one unit: its bills past their due date."""
    unit = _unit_for(request, pk)
    today = timezone.localdate()
    pdf = documents.dunning_pdf(community=unit.community, notices=[selectors.dunning_notice(unit, today)],
                                today=today, user=request.user, request=request)
    return pdf_response(pdf, _("dunning-notice-%(unit)s-%(date)s.pdf") % {"unit": unit.code,
                                                                         "date": f"{today:%Y%m%d}"})


@require("billing.run")
def dunning_batch(request, pk):
    """催缴通知单 for every unit of a building with bills past their due date, one page each."""
    building = get_object_or_404(scope(Building.objects.select_related("community"), request.user), pk=pk)
    today = timezone.localdate()
    notices = notice_selectors.notices(units_qs=Unit.objects.filter(building=building), overdue_on=today)

    def render_part(part, suffix):
        pdf = documents.dunning_pdf(community=building.community, notices=part, today=today, user=request.user,
                                    request=request)
        return pdf_response(pdf, _("dunning-notices-building-%(building)s-%(date)s.pdf") % {
            "building": building.name, "date": f"{today:%Y%m%d}{suffix}"})

    return documents.batch_response(request, notices, render_part=render_part,
                                    title=_("Dunning notices, building %(building)s") % {"building": building.name})


urlpatterns = [
    path("arrears/", arrears_list, name="arrears"),
    path("arrears/units/<int:pk>/", arrears_unit, name="arrears_unit"),
    path("arrears/units/<int:pk>/dunning.pdf", dunning_pdf, name="dunning_pdf"),
    path("arrears/buildings/<int:pk>/dunning.pdf", dunning_batch, name="dunning_batch"),
]
