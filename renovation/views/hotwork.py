"""Hot-work permits (动火许可证): the list, filing from a room with a renovation on site, the page with its
reviews, approval, withdrawal and close-out, the printed permit, the welder's copies (scoped and logged)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.exports import xlsx_response
from core.forms import QueryId, list_filters, list_params, submit_once
from core.media import file_response
from core.paging import paginate
from core.pdf import pdf_response
from core.permissions import has_perm, require
from frontdesk.forms.common import ReasonForm
from frontdesk.scoping import communities_of
from frontdesk.selectors.units import units_for

from .. import documents
from ..forms.hotwork import ApprovalForm, CloseOutForm, HotWorkFilterForm, HotWorkForm, ReviewForm, RoomForm
from ..models import HotWorkPermit
from ..selectors import hotwork as selectors
from ..services import hotwork as services

PAGE_SIZE = 50


@list_params(HotWorkFilterForm)
@require("renovation.view")
def hotwork_list(request):
    values = list_filters(request, HotWorkFilterForm)
    now = timezone.now()
    qs = selectors.hotwork_list(user=request.user, community=values["community"], status=values["status"],
                                day=values["day"], q=values["q"] or "", now=now)
    if request.GET.get("export") == "xlsx":
        rows = ((p.number or "—", p.community.name, p.renovation.unit.code, f"{p.work_date:%Y-%m-%d}",
                 f"{p.start_time:%H:%M}–{p.end_time:%H:%M}", p.location, p.welder_name, p.fire_watcher_name,
                 p.shown_status_label(now)) for p in qs.iterator(chunk_size=500))
        return xlsx_response("hotwork-permits.xlsx", [
            _("Permit no."), _("Community"), _("Room"), _("Date"), _("Window"), _("Location"), _("Welder"),
            _("Fire watcher"), _("Status")], rows)
    page = paginate(request, qs, PAGE_SIZE)
    rows = [{"permit": p, "status": p.shown_status(now), "status_label": p.shown_status_label(now)} for p in page]
    return render(request, "renovation/hotwork_list.html", {
        "page": page, "rows": rows, "filters": values, "statuses": HotWorkPermit.Status.choices,
        "communities": communities_of(request.user), "can_file": has_perm(request.user, "renovation.file"),
        "query": request.GET.urlencode()})


def room_unit(request):
    """The room the page is for: ``?unit=<id>`` (the lookup's quick action) or ``?room=3-2-1502`` typed on
    the first step. Returns (unit or None, the room form)."""
    units = units_for(request.user)
    try:
        unit_id = QueryId().clean(request.GET.get("unit"))
    except ValidationError:  # not an id: the first step
        unit_id = None
    if unit_id:
        unit = units.filter(pk=unit_id).first()
        if unit is not None:
            return unit, None
    form = RoomForm(request.GET if request.GET.get("room") else None, units=units)
    if form.is_bound and form.is_valid():
        return form.cleaned_data["room"], None
    return None, form


@require("renovation.file")
def hotwork_create(request):
    unit, room_form = room_unit(request)
    if unit is None:
        return render(request, "renovation/choose_room.html", {
            "form": room_form, "title": _("Hot-work permit"), "back": reverse("renovation:hotwork_list")})
    renovation = selectors.active_renovation_of(user=request.user, unit_id=unit.pk)
    if renovation is None:
        messages.error(request, _("Room %(room)s has no renovation with its permit issued: hot work cannot be "
                                  "filed.") % {"room": unit.code})
        return HttpResponseRedirect(reverse("renovation:hotwork_list"))
    form = HotWorkForm(request.POST or None, request.FILES or None)

    def perform(data):
        permit = services.hotwork_apply(
            renovation=renovation, applicant_kind=data["applicant_kind"], location=data["location"],
            work=data["work"], work_date=data["work_date"], start_time=data["start_time"], end_time=data["end_time"],
            welder_name=data["welder_name"], welder_certificate_no=data["welder_certificate_no"],
            fire_watcher_name=data["fire_watcher_name"], fire_watcher_phone=data["fire_watcher_phone"],
            extinguishers_checked=data["extinguishers_checked"], extinguisher_count=data["extinguisher_count"],
            certificate=data["certificate"], id_copy=data["id_copy"], actor=request.user)
        messages.success(request, _("Hot-work application filed: engineering and safety review next."))
        return permit.get_absolute_url()

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    return render(request, "renovation/form.html", {
        "form": form, "multipart": True, "back": reverse("renovation:hotwork_list"),
        "title": _("Hot-work permit for %(room)s") % {"room": unit.code},
        "intro": _("Renovation %(number)s, lead %(lead)s. Attach the welder's certificate and ID card copies.")
        % {"number": renovation.number, "lead": renovation.lead_name}})


def _detail(request, permit=None, *, pk=None, status=200, **forms):
    permit = selectors.hotwork_detail(user=request.user, pk=pk or permit.pk)
    now = timezone.now()
    user = request.user
    shown = permit.shown_status(now)
    S = HotWorkPermit.Status
    context = {
        "permit": permit, "shown_status": shown, "shown_status_label": permit.shown_status_label(now),
        "window_passed": permit.ends_at <= now,
        "review_engineering": (permit.status == S.REVIEW and not permit.engineering_at
                               and has_perm(user, "renovation.review")),
        "review_safety": permit.status == S.REVIEW and not permit.safety_at and has_perm(user, "renovation.safety"),
        "decide": permit.status == S.APPROVAL and has_perm(user, "renovation.approve"),
        "withdraw": permit.status in (S.REVIEW, S.APPROVAL) and has_perm(user, "renovation.file"),
        "close_out": permit.status in (S.ISSUED, S.EXPIRED) and has_perm(user, "renovation.inspect"),
        "engineering_form": forms.get("engineering_form") or ReviewForm(prefix="engineering"),
        "safety_form": forms.get("safety_form") or ReviewForm(prefix="safety"),
        "approval_form": forms.get("approval_form") or ApprovalForm(),
        "closeout_form": forms.get("closeout_form") or CloseOutForm(),
        "withdraw_form": forms.get("withdraw_form") or ReasonForm(),
    }
    return render(request, "renovation/hotwork_detail.html", context, status=status)


@require("renovation.view")
def hotwork_detail(request, pk):
    return _detail(request, pk=pk)


def _review(request, pk, stage):
    permit = selectors.hotwork_of(user=request.user, pk=pk)
    form = ReviewForm(request.POST, prefix=stage)

    def perform(data):
        services.hotwork_review(permit=permit, stage=stage, passed=data["decision"] == "pass",
                                comments=data["comments"], actor=request.user)
        messages.success(request, _("Review recorded."))
        return permit.get_absolute_url()

    if response := submit_once(request, form, perform):
        return response
    return _detail(request, permit, **{f"{stage}_form": form})


@require("renovation.review")
@require_POST
def hotwork_review_engineering(request, pk):
    return _review(request, pk, "engineering")


@require("renovation.safety")
@require_POST
def hotwork_review_safety(request, pk):
    return _review(request, pk, "safety")


@require("renovation.approve")
@require_POST
def hotwork_decide(request, pk):
    permit = selectors.hotwork_of(user=request.user, pk=pk)
    form = ApprovalForm(request.POST)

    def perform(data):
        done = services.hotwork_decide(permit=permit, approve=data["decision"] == "approve", reason=data["reason"],
                                       actor=request.user)
        if done.status == HotWorkPermit.Status.ISSUED:
            messages.success(request, _("Permit %(number)s issued: print it for the stamp.") % {"number": done.number})
        else:
            messages.success(request, _("The application was rejected."))
        return permit.get_absolute_url()

    if response := submit_once(request, form, perform):
        return response
    return _detail(request, permit, approval_form=form)


@require("renovation.file")
@require_POST
def hotwork_withdraw(request, pk):
    permit = selectors.hotwork_of(user=request.user, pk=pk)
    form = ReasonForm(request.POST)

    def perform(data):
        services.hotwork_withdraw(permit=permit, reason=data["reason"], actor=request.user)
        messages.success(request, _("The application was withdrawn."))
        return permit.get_absolute_url()

    if response := submit_once(request, form, perform):
        return response
    return _detail(request, permit, withdraw_form=form)


@require("renovation.inspect")
@require_POST
def hotwork_close_out(request, pk):
    permit = selectors.hotwork_of(user=request.user, pk=pk)
    form = CloseOutForm(request.POST)

    def perform(data):
        services.hotwork_close_out(permit=permit, site_safe=data["site_safe"], note=data["note"], actor=request.user)
        messages.success(request, _("Close-out recorded: the site was left safe."))
        return permit.get_absolute_url()

    if response := submit_once(request, form, perform):
        return response
    return _detail(request, permit, closeout_form=form)


@require("renovation.view")
def hotwork_pdf(request, pk):
    pdf, filename = documents.hotwork_permit_pdf(user=request.user, pk=pk, request=request)
    return pdf_response(pdf, filename)


@require("renovation.view")
def hotwork_file(request, pk):
    """A welder's certificate or ID copy: scoped to the user's communities, each opening logged."""
    attachment = selectors.hotwork_attachment(user=request.user, pk=pk)
    services.hotwork_file_open(attachment=attachment, user=request.user, ip_address=request.META.get("REMOTE_ADDR"))
    return file_response(attachment.file.name)


urlpatterns = [
    path("hotwork/", hotwork_list, name="hotwork_list"),
    path("hotwork/new/", hotwork_create, name="hotwork_create"),
    path("hotwork/files/<int:pk>/", hotwork_file, name="hotwork_file"),
    path("hotwork/<int:pk>/", hotwork_detail, name="hotwork_detail"),
    path("hotwork/<int:pk>/engineering/", hotwork_review_engineering, name="hotwork_review_engineering"),
    path("hotwork/<int:pk>/safety/", hotwork_review_safety, name="hotwork_review_safety"),
    path("hotwork/<int:pk>/decide/", hotwork_decide, name="hotwork_decide"),
    path("hotwork/<int:pk>/withdraw/", hotwork_withdraw, name="hotwork_withdraw"),
    path("hotwork/<int:pk>/close-out/", hotwork_close_out, name="hotwork_close_out"),
    path("hotwork/<int:pk>/permit.pdf", hotwork_pdf, name="hotwork_pdf"),
]
