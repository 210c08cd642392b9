"""装修申请 at the counter and in the back office: the lists (and the .xlsx export), filing, an application's
page with its history and papers, the engineer's review, the manager's approval, withdrawal, the deposit
at the counter, issuing and printing the permit. Each view: permission → form → one service call."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import history_for
from core.exports import xlsx_response
from core.forms import list_filters, list_params, submit_once
from core.media import file_response
from core.paging import paginate
from core.pdf import pdf_response
from core.permissions import has_perm, require
from frontdesk.models import Unit
from frontdesk.scoping import communities_of, scope

from ..documents import permit_pdf
from ..forms.applications import (
    ActiveFilterForm,
    ApplicationForm,
    AttachmentForm,
    DepositForm,
    EngineeringReviewForm,
    ExpectedForm,
    FilingUnitForm,
    ManagerApprovalForm,
    ReasonForm,
    RenovationFilterForm,
    RoomForm,
)
from ..models import Renovation
from ..selectors import applications as selectors
from ..selectors.fees import payment_state
from ..services import applications as services
from ..services import fees as fee_services
from ..services import permits as permit_services
from ..services import reviews as review_services

PAGE_SIZE = 50
S = Renovation.Status


@list_params(RenovationFilterForm)
@require("renovation.view")
def renovation_list(request):
    filters = list_filters(request, RenovationFilterForm)
    qs = selectors.renovation_list(request.user, **filters)
    if request.GET.get("export") == "xlsx":
        name = _("renovations-%(date)s.xlsx") % {"date": f"{timezone.localdate():%Y%m%d}"}
        return xlsx_response(name, [str(h) for h in selectors.EXPORT_HEADERS], selectors.export_rows(qs))
    page = paginate(request, qs, PAGE_SIZE)
    return render(request, "renovation/list.html", {
        "page": page, "filters": filters, "statuses": Renovation.Status.choices,
        "buildings": selectors.buildings_for(request.user), "communities": communities_of(request.user),
        "export_query": request.GET.urlencode(),
    })


@list_params(ActiveFilterForm)
@require("renovation.view")
def active_list(request):
    filters = list_filters(request, ActiveFilterForm)
    qs = selectors.active_sites(request.user, **filters)
    if request.GET.get("export") == "xlsx":
        name = _("renovation-sites-%(date)s.xlsx") % {"date": f"{timezone.localdate():%Y%m%d}"}
        return xlsx_response(name, [str(h) for h in selectors.EXPORT_HEADERS], selectors.export_rows(qs))
    page = paginate(request, qs, PAGE_SIZE)
    return render(request, "renovation/active.html", {
        "page": page, "filters": filters, "buildings": selectors.buildings_for(request.user),
        "communities": communities_of(request.user), "today": timezone.localdate(),
    })


@list_params(FilingUnitForm)
@require("renovation.file")
def renovation_create(request):
    wanted = FilingUnitForm(request.GET).values()
    unit = None
    room_form = RoomForm(request.GET if wanted.get("room") else None)
    if wanted.get("unit"):
        unit = selectors.filing_unit(user=request.user, pk=wanted["unit"])
    elif wanted.get("room"):
        room_form.fields["room"].units = scope(Unit.objects.all(), request.user)
        if room_form.is_valid():
            return redirect(f"{reverse('renovation:create')}?unit={room_form.cleaned_data['room'].pk}")
    if unit is None:
        return render(request, "renovation/choose_unit.html", {"room_form": room_form})
    choices = selectors.filing_choices(unit)
    form = ApplicationForm(request.POST or None, request.FILES or None, **choices)
    existing = services.open_renovation(unit)

    def perform(data):
        renovation = services.renovation_file(
            unit=unit, applicant_kind=data["applicant_kind"], owner=data.get("owner"),
            tenant_authorization=data.get("tenant_authorization"), owner_consent_ref=data["owner_consent_ref"],
            company=data["company"], lead_name=data["lead_name"], lead_phone=data["lead_phone"],
            planned_start=data["planned_start"], planned_end=data["planned_end"],
            long_period_reason=data["long_period_reason"], scope=data["scope"], scope_text=data["scope_text"],
            agreement_accepted=data["agreement_accepted"], attachments=form.attachments(), actor=request.user)
        messages.success(request, _("Application %(number)s filed: it waits for the engineering review.")
                         % {"number": renovation.number})
        return renovation.get_absolute_url()

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    return render(request, "renovation/create.html", {"form": form, "unit": unit, "existing": existing})


def _detail(request, renovation, status=200, **bound):
    """The application's page with the forms the user may use now (a bound one shows its errors)."""
    user, st = request.user, renovation.status
    initial = {"expected": st}
    own = renovation.created_by_id == user.pk
    forms = {}
    if has_perm(user, "renovation.review") and not own:
        if st == S.PENDING:
            forms["start_form"] = bound.get("start_form") or ExpectedForm(initial=initial)
        if st == S.ENGINEERING:
            forms["engineering_form"] = bound.get("engineering_form") or EngineeringReviewForm(initial=initial)
    if has_perm(user, "renovation.approve") and not own and st == S.MANAGER:
        forms["manager_form"] = bound.get("manager_form") or ManagerApprovalForm(initial=initial)
    if has_perm(user, "renovation.file"):
        if st in (S.PENDING, S.ENGINEERING, S.MANAGER, S.PAYMENT):
            forms["withdraw_form"] = bound.get("withdraw_form") or ReasonForm(initial=initial)
        if renovation.is_open:
            forms["attachment_form"] = bound.get("attachment_form") or AttachmentForm()
        if st == S.PAYMENT:
            forms["issue_form"] = bound.get("issue_form") or ExpectedForm(initial=initial)
    payment = payment_state(renovation) if st != S.PENDING and st != S.ENGINEERING and st != S.MANAGER else None
    if payment and st == S.PAYMENT and has_perm(user, "billing.collect") and not payment.deposit_paid:
        forms["deposit_form"] = bound.get("deposit_form") or DepositForm(initial={"payer_name": renovation.lead_name})
    return render(request, "renovation/detail.html", {
        "renovation": renovation, **selectors.renovation_page(renovation), "payment": payment, **forms,
        "own": own, "can_pay": has_perm(user, "billing.collect"), "today": timezone.localdate(),
    }, status=status)


@require("renovation.view")
def renovation_detail(request, pk):
    return _detail(request, selectors.renovation_detail(user=request.user, pk=pk))


@require("renovation.view")
def renovation_history(request, pk):
    renovation = selectors.renovation_detail(user=request.user, pk=pk)
    return render(request, "core/partials/_history.html", {"events": history_for(renovation, user=request.user)})


@require("renovation.view")
def attachment(request, pk):
    """An application's paper, for those who may see the application (never at a public URL)."""
    return file_response(selectors.attachment_for(user=request.user, pk=pk).file.name)


def _act(request, pk, form_class, key, perform_service, success):
    """One POST on an application: bind the form, run one service, redirect; errors show on the page."""
    renovation = selectors.renovation_detail(user=request.user, pk=pk)
    if request.method != "POST":
        return redirect(renovation.get_absolute_url())
    form = form_class(request.POST, request.FILES or None)

    def perform(data):
        perform_service(renovation, data)
        messages.success(request, success)
        return renovation.get_absolute_url()

    if response := submit_once(request, form, perform):
        return response
    for error in form.non_field_errors():
        messages.error(request, error)
    return _detail(request, selectors.renovation_detail(user=request.user, pk=pk), status=200, **{key: form})


@require("renovation.file")
def attachment_add(request, pk):
    return _act(request, pk, AttachmentForm, "attachment_form", lambda r, d: services.renovation_attach(
        renovation=r, kind=d["kind"], upload=d["file"], actor=request.user), _("File added."))


@require("renovation.review")
def review_start(request, pk):
    return _act(request, pk, ExpectedForm, "start_form", lambda r, d: review_services.review_start(
        renovation=r, actor=request.user, expected=d["expected"]), _("Engineering review started."))


@require("renovation.review")
def engineering_review(request, pk):
    return _act(request, pk, EngineeringReviewForm, "engineering_form",
                lambda r, d: review_services.engineering_decide(
                    renovation=r, decision=d["decision"], comments=d["comments"], conditions=d["conditions"],
                    actor=request.user, expected=d["expected"]), _("Engineering review recorded."))


@require("renovation.approve")
def manager_approval(request, pk):
    return _act(request, pk, ManagerApprovalForm, "manager_form", lambda r, d: review_services.manager_decide(
        renovation=r, decision=d["decision"], comments=d["comments"], actor=request.user, expected=d["expected"]),
        _("Decision recorded."))


@require("renovation.file")
def withdraw(request, pk):
    return _act(request, pk, ReasonForm, "withdraw_form", lambda r, d: services.renovation_withdraw(
        renovation=r, reason=d["reason"], actor=request.user, expected=d["expected"]),
        _("The application was withdrawn."))


@require("billing.collect")
def deposit(request, pk):
    def take(renovation, data):
        info = fee_services.deposit_take(renovation=renovation, amount=data["amount"], payer_name=data["payer_name"],
                                         method=data["method"], reference=data["reference"], cashier=request.user)
        messages.info(request, _("Receipt %(number)s.") % {"number": info.receipt_number})

    return _act(request, pk, DepositForm, "deposit_form", take, _("Renovation deposit taken."))


@require("renovation.file")
def permit_issue(request, pk):
    return _act(request, pk, ExpectedForm, "issue_form", lambda r, d: permit_services.permit_issue(
        renovation=r, actor=request.user, expected=d["expected"]), _("Permit issued: print it for the applicant."))


@require("renovation.view")
def permit_print(request, pk):
    renovation = selectors.permit_for_pdf(user=request.user, pk=pk)
    return pdf_response(permit_pdf(renovation, user=request.user, request=request),
                        f"{renovation.permit_number}.pdf")


urlpatterns = [
    path("", renovation_list, name="list"),
    path("active/", active_list, name="active"),
    path("new/", renovation_create, name="create"),
    path("attachments/<int:pk>/", attachment, name="attachment"),
    path("<int:pk>/", renovation_detail, name="detail"),
    path("<int:pk>/history/", renovation_history, name="history"),
    path("<int:pk>/attach/", attachment_add, name="attach"),
    path("<int:pk>/review/start/", review_start, name="review_start"),
    path("<int:pk>/review/", engineering_review, name="review"),
    path("<int:pk>/approve/", manager_approval, name="approve"),
    path("<int:pk>/withdraw/", withdraw, name="withdraw"),
    path("<int:pk>/deposit/", deposit, name="deposit"),
    path("<int:pk>/permit/issue/", permit_issue, name="permit_issue"),
    path("<int:pk>/permit.pdf", permit_print, name="permit_pdf"),
]
