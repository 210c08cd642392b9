"""The daily round (装修巡查) on a phone: the round sheet, a site's page with the inspection form, a round
photo (scoped), the violation list with its filters and .xlsx export, a violation's page with its re-check,
void and the deduction proposed/decided."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exports import xlsx_response
from core.forms import list_filters, list_params, submit_once
from core.media import file_response
from core.paging import paginate
from core.permissions import has_perm, require
from frontdesk.scoping import choose_community

from ..forms.rounds import (
    DeductionDecideForm,
    DeductionProposeForm,
    InspectionForm,
    RecheckForm,
    RoundSheetFilterForm,
    ViolationFilterForm,
    VoidForm,
)
from ..models import DepositDeduction, Renovation, Violation
from ..selectors import rounds as selectors
from ..services import rounds as services

VIOLATION_PAGE = 50
EXPORT_LIMIT = 20000


@list_params(RoundSheetFilterForm)
@require("renovation.inspect")
def round_sheet(request):
    filters = list_filters(request, RoundSheetFilterForm)
    choice = choose_community(request, remember=True)
    day = timezone.localdate()
    page = paginate(request, selectors.round_sheet(community=choice.community, day=day, q=filters["q"] or "",
                                                   show=filters["show"] or ""), selectors.SHEET_PAGE)
    page.object_list = selectors.with_site_figures(page.object_list)
    return render(request, "renovation/rounds/sheet.html", {
        "page": page, "choice": choice, "filters": filters, "day": day,
        "counts": selectors.sheet_counts(community=choice.community, day=day),
    })


def _site(request, renovation, form=None, status=200):
    return render(request, "renovation/rounds/site.html", {
        "renovation": renovation, "form": form or InspectionForm(),
        "can_record": renovation.status in Renovation.ACTIVE_STATUSES,
        "inspections": selectors.site_inspections(renovation),
        "violations": selectors.site_violations(renovation), "today": timezone.localdate(),
        "can_accept": has_perm(request.user, "renovation.accept"),
        "can_ledger": has_perm(request.user, "renovation.ledger"),
    }, status=status)


@require("renovation.inspect")
def site(request, pk):
    """A site's page: the inspection form on top, then its open violations and recent inspections."""
    renovation = selectors.site(user=request.user, pk=pk)
    form = InspectionForm(request.POST or None, request.FILES or None)

    def perform(data):
        services.inspection_record(renovation=renovation, checks_ok=data["checks_ok"], note=data["note"],
                                   photos=data["photos"], violation=form.violation(), actor=request.user)
        messages.success(request, _("Inspection of %(unit)s recorded.") % {"unit": renovation.unit.code})
        return reverse("renovation:round_sheet") + f"?community={renovation.community_id}"

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    return _site(request, renovation, form)


@require("renovation.inspect")
def inspection_photo(request, pk):
    """A round photo, for those who may inspect the site's community (never at a public URL)."""
    return file_response(selectors.inspection_photo(user=request.user, pk=pk).image.name)


@list_params(ViolationFilterForm)
@require("renovation.inspect")
def violation_list(request):
    filters = list_filters(request, ViolationFilterForm)
    choice = choose_community(request, all_allowed=True)
    qs = selectors.violation_list(request.user, community_ids=choice.ids, status=filters["status"] or "",
                                  category=filters["category"] or "", overdue=bool(filters["overdue"]),
                                  q=filters["q"] or "", deduction=filters["deduction"] or "",
                                  day=filters["day"])
    if request.GET.get("export") == "xlsx":
        return _export(qs)
    return render(request, "renovation/rounds/violation_list.html", {
        "page": paginate(request, qs, VIOLATION_PAGE), "choice": choice, "filters": filters,
        "statuses": Violation.Status.choices, "categories": Violation.Category.choices,
        "deduction_statuses": DepositDeduction.Status.choices, "today": timezone.localdate(),
    })


def _export(qs):
    headers = [_("Room"), _("Community"), _("Category"), _("What was found"), _("Recorded at"), _("Recorded by"),
               _("Correct by"), _("Status"), _("Re-checks"), _("Deduction"), _("Deduction status")]
    rows = []
    for v in qs[:EXPORT_LIMIT]:
        deduction = getattr(v, "deduction", None)
        rows.append([v.renovation.unit.code, v.community.name, v.get_category_display(), v.description,
                     timezone.localtime(v.recorded_at).strftime("%Y-%m-%d %H:%M"), v.recorded_by.display_name,
                     v.deadline.isoformat(), v.get_status_display(), v.rechecks,
                     deduction.amount if deduction else "", deduction.get_status_display() if deduction else ""])
    return xlsx_response("violations.xlsx", headers, rows)


def _violation(request, violation, *, recheck_form=None, void_form=None, propose_form=None, decide_form=None,
               page_errors=()):
    deduction = getattr(violation, "deduction", None)
    return render(request, "renovation/rounds/violation_detail.html", {
        "page_errors": page_errors,
        "violation": violation, "renovation": violation.renovation, "deduction": deduction,
        "changes": selectors.violation_changes(violation), "today": timezone.localdate(),
        "recheck_form": recheck_form or RecheckForm(), "void_form": void_form or VoidForm(),
        "propose_form": propose_form or DeductionProposeForm(), "decide_form": decide_form or DeductionDecideForm(),
        "can_decide": has_perm(request.user, "renovation.deduct"),
        "can_void": has_perm(request.user, "renovation.deduct"),
    })


@require("renovation.inspect")
def violation_detail(request, pk):
    return _violation(request, selectors.violation_detail(user=request.user, pk=pk))


def _post(request, violation, form, perform, slot):
    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    # what refused the whole action (decided meanwhile by someone else, …) goes on top of the page, which is
    # read again: the form it came from may not be shown any more
    page_errors = list(form.non_field_errors())
    form.errors.pop("__all__", None)
    violation = selectors.violation_detail(user=request.user, pk=violation.pk)
    return _violation(request, violation, page_errors=page_errors, **{slot: form})


@require("renovation.inspect")
def violation_recheck(request, pk):
    violation = selectors.violation_detail(user=request.user, pk=pk)
    form = RecheckForm(request.POST or None)

    def perform(data):
        done = services.violation_recheck(violation=violation, corrected=data["corrected"], note=data["note"],
                                          new_deadline=data["new_deadline"], actor=request.user)
        messages.success(request, _("Re-check recorded: %(status)s.") % {"status": done.get_status_display()})
        return reverse("renovation:violation_detail", args=[violation.pk])

    return _post(request, violation, form, perform, "recheck_form")


@require("renovation.deduct")
def violation_void(request, pk):
    violation = selectors.violation_detail(user=request.user, pk=pk)
    form = VoidForm(request.POST or None)

    def perform(data):
        services.violation_void(violation=violation, reason=data["reason"], actor=request.user)
        messages.success(request, _("The violation is void."))
        return reverse("renovation:violation_detail", args=[violation.pk])

    return _post(request, violation, form, perform, "void_form")


@require("renovation.inspect")
def deduction_propose(request, pk):
    violation = selectors.violation_detail(user=request.user, pk=pk)
    form = DeductionProposeForm(request.POST or None)

    def perform(data):
        services.deduction_propose(violation=violation, amount=data["amount"], reason=data["reason"],
                                   actor=request.user)
        messages.success(request, _("Deduction proposed: the manager decides."))
        return reverse("renovation:violation_detail", args=[violation.pk])

    return _post(request, violation, form, perform, "propose_form")


@require("renovation.deduct")
def deduction_decide(request, pk):
    violation = selectors.violation_detail(user=request.user, pk=pk)
    form = DeductionDecideForm(request.POST or None)

    def perform(data):
        deduction = getattr(violation, "deduction", None)
        if deduction is None:
            raise ValidationError(_("No deduction is proposed for this violation."))
        done = services.deduction_decide(deduction=deduction, approve=data["decision"] == "approve",
                                         note=data["note"], actor=request.user)
        messages.success(request, _("Deduction %(status)s.") % {"status": done.get_status_display()})
        return reverse("renovation:violation_detail", args=[violation.pk])

    return _post(request, violation, form, perform, "decide_form")


urlpatterns = [
    path("rounds/", round_sheet, name="round_sheet"),
    path("rounds/<int:pk>/", site, name="site"),
    path("rounds/photos/<int:pk>/", inspection_photo, name="inspection_photo"),
    path("violations/", violation_list, name="violation_list"),
    path("violations/<int:pk>/", violation_detail, name="violation_detail"),
    path("violations/<int:pk>/recheck/", violation_recheck, name="violation_recheck"),
    path("violations/<int:pk>/void/", violation_void, name="violation_void"),
    path("violations/<int:pk>/deduction/", deduction_propose, name="deduction_propose"),
    path("violations/<int:pk>/deduction/decide/", deduction_decide, name="deduction_decide"),
]
