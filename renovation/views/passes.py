"""装修人员出入证 at the desk: a renovation's passes and changes, registering a worker (photo from the
webcam or a file), taking the deposit and card fee (the cashier, through billing), issuing the cards
against the lead's signature, printing the cards, returning or losing a card, the list of passes."""

from django.contrib import messages
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import privacy
from core.forms import list_filters, list_params, submit_once
from core.media import file_response
from core.paging import paginate
from core.pdf import pdf_response
from core.permissions import has_perm, require
from core.text import clean_text
from frontdesk.scoping import communities_of

from ..documents import pass_cards_pdf
from ..forms.passes import PassEndForm, PassForm, PassIssueForm, PassListForm, PassPayForm, PassReasonForm
from ..models import PASS_CARD_FEE, PASS_DEPOSIT, Trade, WorkerPass
from ..selectors import passes as selectors
from ..services import passes as services

PAGE_SIZE = 50
REVEALABLE = {"id_number": privacy.ID_NUMBER, "phone": privacy.PHONE}


def _tell(request, form) -> None:
    """A refusal that is not about one field (someone else acted first) as a message: the form may be gone."""
    if request.method == "POST" and form.is_bound:
        for error in form.non_field_errors():
            messages.error(request, error)


@require("renovation.view")
def renovation_passes(request, pk):
    """A renovation's passes, extensions and additional works (the panel of the renovation's page)."""
    renovation = selectors.renovation_of(user=request.user, pk=pk)
    return render(request, "renovation/renovation_passes.html", {
        "renovation": renovation, "today": timezone.localdate(), **selectors.renovation_page(renovation)})


@require("renovation.file")
def pass_create(request, pk):
    renovation = selectors.renovation_of(user=request.user, pk=pk)
    today = timezone.localdate()
    initial = {"valid_from": max(today, renovation.permit_valid_from or today), "valid_to": renovation.permit_valid_to}
    form = PassForm(request.POST or None, request.FILES or None, initial=initial)

    def perform(data):
        worker_pass = services.pass_create(
            renovation=renovation, name=data["name"], id_number=data["id_number"], phone=data["phone"],
            trade=data["trade"], photo=data["photo"], id_copy=data["id_copy"], valid_from=data["valid_from"],
            valid_to=data["valid_to"], actor=request.user)
        messages.success(request, _("Pass %(number)s registered: the deposit and card fee are taken at the cashier.")
                         % {"number": worker_pass.number})
        return reverse("renovation:renovation_passes", args=[renovation.pk])

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    return render(request, "renovation/pass_form.html", {"renovation": renovation, "form": form},
                  status=400 if request.method == "POST" else 200)


@require("billing.collect")
def passes_pay(request, pk):
    """The cashier takes each pass's deposit and card fee (through billing: receipts, the deposit held)."""
    renovation = selectors.renovation_of(user=request.user, pk=pk)
    waiting = list(renovation.passes.filter(status=WorkerPass.Status.AWAITING_PAYMENT).order_by("number"))
    form = PassPayForm(request.POST or None, passes=waiting, accepted=renovation.passes.values_list("pk", flat=True),
                       initial={"payer_name": renovation.lead_name, "method": "cash"})

    def perform(data):
        paid = services.passes_pay(renovation=renovation, pass_ids=data["passes"], payer_name=data["payer_name"],
                                   method=data["method"], reference=data["reference"], cashier=request.user)
        messages.success(request, _("Deposit and card fee taken for %(count)d pass(es).") % {"count": len(paid)})
        return reverse("renovation:renovation_passes", args=[renovation.pk])

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    _tell(request, form)
    return render(request, "renovation/pass_pay.html", {
        "renovation": renovation, "form": form, "waiting": waiting, "deposit": PASS_DEPOSIT, "fee": PASS_CARD_FEE})


@require("renovation.file")
def passes_issue(request, pk):
    renovation = selectors.renovation_of(user=request.user, pk=pk)
    paid = list(renovation.passes.filter(status=WorkerPass.Status.PAID).order_by("number"))
    form = PassIssueForm(request.POST or None, passes=paid, accepted=renovation.passes.values_list("pk", flat=True),
                         lead_name=renovation.lead_name)

    def perform(data):
        issued = services.passes_issue(renovation=renovation, pass_ids=data["passes"],
                                       received_by=data["received_by"], actor=request.user)
        messages.success(request, _("%(count)d card(s) issued.") % {"count": len(issued)})
        return reverse("renovation:renovation_passes", args=[renovation.pk])

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    _tell(request, form)
    return render(request, "renovation/pass_issue.html", {"renovation": renovation, "form": form, "paid": paid})


@require("renovation.file")
def pass_cards(request, pk):
    """The renovation's issued cards as a PDF (10 per A4 sheet), or the passes named by ``?pass=``."""
    renovation = selectors.renovation_of(user=request.user, pk=pk)
    passes = renovation.passes.filter(status=WorkerPass.Status.ISSUED).select_related("renovation__unit")
    wanted = [v for v in request.GET.getlist("pass") if v.isdecimal() and len(v) < 12]
    if wanted:
        passes = passes.filter(pk__in=wanted)
    passes = list(passes.order_by("number"))
    if not passes:
        messages.warning(request, _("No issued cards to print."))
        return redirect("renovation:renovation_passes", renovation.pk)
    return pdf_response(pass_cards_pdf(passes=passes, user=request.user, request=request),
                        f"passes-{renovation.number}.pdf")


@require("renovation.view")
def pass_detail(request, pk):
    worker_pass = selectors.pass_detail(user=request.user, pk=pk)
    return render(request, "renovation/pass_detail.html", {
        "pass": worker_pass, "changes": selectors.pass_changes(worker_pass),
        "state": selectors.gate_state(worker_pass), "states": selectors.GATE_STATES,
        "end_form": PassEndForm(), "reason_form": PassReasonForm(),
        "can_file": has_perm(request.user, "renovation.file"),
        "id_reveal": reverse("renovation:pass_reveal", args=[worker_pass.pk, "id_number"]),
        "phone_reveal": reverse("renovation:pass_reveal", args=[worker_pass.pk, "phone"]),
    })


@require("renovation.view")
def pass_photo(request, pk):
    return file_response(selectors.pass_detail(user=request.user, pk=pk).photo.name)


@require("privacy.reveal_id")
def pass_id_copy(request, pk):
    """The worker's ID copy: personal data, served to the desk of the pass's community and logged."""
    worker_pass = selectors.pass_detail(user=request.user, pk=pk)
    privacy.reveal_log(user=request.user, record=worker_pass, field="id_copy", kind=privacy.ID_NUMBER,
                       reason=_("ID copy of a worker pass opened"), ip_address=request.META.get("REMOTE_ADDR"))
    return file_response(worker_pass.id_copy.name)


@require("renovation.view")
@require_POST
def pass_reveal(request, pk, field):
    """The logged "show" of a worker's ID number or phone: who, when, which pass and why."""
    kind = REVEALABLE.get(field)
    if kind is None:
        return HttpResponseBadRequest()
    worker_pass = selectors.pass_detail(user=request.user, pk=pk)
    if not privacy.may_reveal(request.user, kind):
        return HttpResponse(status=403)
    reason = clean_text((request.htmx.prompt if request.htmx else None) or request.POST.get("reason", ""))
    if len(reason) < 2:
        return HttpResponse(format_html('<span class="sensitive text-danger">{}</span>',
                                        _("A reason is required to view this.")))
    value = privacy.reveal_log(user=request.user, record=worker_pass, field=field, kind=kind, reason=reason,
                               ip_address=request.META.get("REMOTE_ADDR"))
    return HttpResponse(privacy.shown_in_full(value, kind))


def _end(request, pk, *, form_class, service, done):
    worker_pass = selectors.pass_detail(user=request.user, pk=pk)
    form = form_class(request.POST or None)

    def perform(data):
        service(worker_pass=worker_pass, note=data["note"], actor=request.user)
        messages.success(request, done % {"number": worker_pass.number})
        return reverse("renovation:pass_detail", args=[worker_pass.pk])

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    _tell(request, form)
    return render(request, "renovation/pass_end.html", {"pass": worker_pass, "form": form,
                                                        "action": request.resolver_match.url_name},
                  status=400 if request.method == "POST" else 200)


@require("renovation.file")
def pass_return(request, pk):
    return _end(request, pk, form_class=PassEndForm, service=services.pass_return,
                done=_("Pass %(number)s returned: its deposit refund is waiting for approval in billing."))


@require("renovation.file")
def pass_lost(request, pk):
    return _end(request, pk, form_class=PassReasonForm, service=services.pass_lost,
                done=_("Pass %(number)s reported lost: the card is revoked and its deposit kept."))


@require("renovation.file")
def pass_cancel(request, pk):
    def cancel(*, worker_pass, note, actor):
        return services.pass_cancel(worker_pass=worker_pass, reason=note, actor=actor)

    return _end(request, pk, form_class=PassReasonForm, service=cancel,
                done=_("Pass %(number)s cancelled."))


@list_params(PassListForm)
@require("renovation.view")
def pass_list(request):
    filters = list_filters(request, PassListForm)
    qs = selectors.pass_list(request.user, community=filters["community"], status=filters["status"] or "",
                             trade=filters["trade"] or "", q=filters["q"] or "", out=bool(filters["out"]),
                             renovation=filters["renovation"] or "")
    page = paginate(request, qs, PAGE_SIZE)
    today = timezone.localdate()
    for worker_pass in page:
        worker_pass.gate = selectors.gate_state(worker_pass, today)
    return render(request, "renovation/pass_list.html", {
        "page": page, "filters": filters, "statuses": WorkerPass.Status.choices, "trades": Trade.choices,
        "communities": communities_of(request.user), "states": selectors.GATE_STATES})


urlpatterns = [
    path("<int:pk>/passes/", renovation_passes, name="renovation_passes"),
    path("<int:pk>/passes/new/", pass_create, name="pass_create"),
    path("<int:pk>/passes/pay/", passes_pay, name="passes_pay"),
    path("<int:pk>/passes/issue/", passes_issue, name="passes_issue"),
    path("<int:pk>/passes/cards.pdf", pass_cards, name="pass_cards"),
    path("passes/", pass_list, name="pass_list"),
    path("passes/<int:pk>/", pass_detail, name="pass_detail"),
    path("passes/<int:pk>/photo/", pass_photo, name="pass_photo"),
    path("passes/<int:pk>/id-copy/", pass_id_copy, name="pass_id_copy"),
    path("passes/<int:pk>/reveal/<str:field>/", pass_reveal, name="pass_reveal"),
    path("passes/<int:pk>/return/", pass_return, name="pass_return"),
    path("passes/<int:pk>/lost/", pass_lost, name="pass_lost"),
    path("passes/<int:pk>/cancel/", pass_cancel, name="pass_cancel"),
]
