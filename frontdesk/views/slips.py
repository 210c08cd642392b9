"""Release slips (物品放行条) at the counter: the lists, the application (from the lookup's "放行条" next to a
room), a slip's page with its history, the supervisor's signature, the manager's approval, voiding, the
PDF, the drawn signature (a scoped file) and the community's setting."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.forms import ID_PATTERN, list_filters, list_params, submit_once
from core.media import file_response
from core.paging import paginate
from core.pdf import pdf_response
from core.permissions import has_perm, require
from frontdesk import documents
from frontdesk.forms.slips import SignForm, SlipForm, SlipItemFormSet, SlipListForm, SlipRoomForm, SlipSettingsForm, VoidForm
from frontdesk.scoping import choose_community, communities_of
from frontdesk.selectors import slips as selectors
from frontdesk.selectors.units import units_for
from frontdesk.services import slips as services

PAGE_SIZE = 50
LIST_TITLES = {"today": _("Issued today"), "used": _("Released"), "expired": _("Expired unused"),
               "all": _("All slips")}


@list_params(SlipListForm)
@require("slips.view")
def slip_list(request):
    values = list_filters(request, SlipListForm)
    show = values["show"] or "today"
    qs = selectors.slip_list(user=request.user, show=show, community=values["community"], status=values["status"],
                             q=values["q"] or None, date_from=values["date_from"], date_to=values["date_to"],
                             day=values["day"], used_on=values["used_on"])
    return render(request, "frontdesk/slips/list.html", {
        "page": paginate(request, qs, PAGE_SIZE), "filters": values, "show": show,
        "title": LIST_TITLES.get(show, LIST_TITLES["today"]), "communities": communities_of(request.user),
        "statuses": selectors.ReleaseSlip.Status.choices, "today": timezone.localdate(),
        "views": [(key, str(label)) for key, label in LIST_TITLES.items()],
    })


def _unit_from_query(request):
    """The room the slip is for: ``?unit=<id>`` (the lookup's action); anything else: none chosen yet."""
    raw = str(request.GET.get("unit") or request.POST.get("unit") or "").strip()
    if not ID_PATTERN.fullmatch(raw):
        return None
    return selectors.unit_for_slip(user=request.user, pk=int(raw))


@require("slips.issue")
def slip_create(request):
    unit = _unit_from_query(request)
    if unit is None:
        room_form = SlipRoomForm(request.GET if request.GET.get("room") else None, units=units_for(request.user))
        if room_form.is_valid():
            return redirect(f"{reverse('frontdesk:slip_create')}?unit={room_form.cleaned_data['room'].pk}")
        return render(request, "frontdesk/slips/choose_unit.html", {"room_form": room_form})
    applicants = selectors.unit_applicants(unit, timezone.localdate())
    form = SlipForm(request.POST or None, applicants=applicants)
    formset = SlipItemFormSet(request.POST or None, prefix="items")

    def perform(data):
        items = [f.cleaned_data for f in formset.forms if f.cleaned_data.get("name")]
        slip = services.slip_issue(
            unit=unit, applicant_kind=data["applicant_kind"], applicant=data["applicant_person"],
            applicant_name=data["applicant_name"], applicant_phone=data["applicant_phone"],
            consent=data["consent"], consent_owner=data["consent_owner_person"], consent_phone=data["consent_phone"],
            consent_at=data["consent_at"], consent_letter_ref=data["consent_letter_ref"],
            carrier_name=data["carrier_name"], carrier_id_type=data["carrier_id_type"],
            carrier_id_number=data["carrier_id_number"], vehicle_plate=data["vehicle_plate"], items=items,
            reason=data["reason"], reason_other=data["reason_other"], valid_on=data["valid_on"],
            sign_mode=data["sign_mode"], signature_data=data["signature"], actor=request.user)
        messages.success(request, _("Slip %(number)s issued: it now waits for the duty supervisor's signature.")
                         % {"number": slip.number})
        return slip.get_absolute_url()

    if request.method == "POST":
        items_ok = formset.is_valid()  # every item's errors at its field, whatever the main form says
        if items_ok and (response := submit_once(request, form, perform)):
            return response
        form.is_valid()
    return render(request, "frontdesk/slips/form.html", {
        "form": form, "formset": formset, "unit": unit, "applicants": applicants,
    })


def _detail(request, slip, *, sign_form=None, approve_form=None, status=200):
    today = timezone.localdate()
    return render(request, "frontdesk/slips/detail.html", {
        "slip": slip, "items": list(slip.items.all()), "changes": list(slip.status_changes.all()),
        "status_now": slip.status_on(today), "status_now_label": selectors.ReleaseSlip.Status(slip.status_on(today)).label,
        "sign_form": sign_form or SignForm(), "approve_form": approve_form or SignForm(),
        "may_sign": has_perm(request.user, "slips.sign") and slip.status_on(today) == "pending_supervisor",
        "may_approve": has_perm(request.user, "slips.approve") and slip.status_on(today) == "pending_manager",
        "may_void": has_perm(request.user, "slips.void") and slip.status_on(today) in slip.OPEN_STATUSES,
        "carrier_name_masked": selectors.mask_name(slip.carrier_name),
    }, status=status)


@require("slips.view")
def slip_detail(request, pk):
    return _detail(request, selectors.slip_detail(user=request.user, pk=pk))


def _sign(request, pk, service, form_key):
    slip = selectors.slip_detail(user=request.user, pk=pk)
    if request.method != "POST":
        return redirect(slip.get_absolute_url())
    form = SignForm(request.POST)

    def perform(data):
        done = service(slip=slip, password=data["password"], actor=request.user)
        messages.success(request, _("Slip %(number)s: %(status)s.") % {"number": done.number,
                                                                        "status": done.get_status_display()})
        return done.get_absolute_url()

    if response := submit_once(request, form, perform):
        return response
    return _detail(request, slip, **{form_key: form})


@require("slips.sign")
def slip_sign(request, pk):
    return _sign(request, pk, services.slip_supervisor_sign, "sign_form")


@require("slips.approve")
def slip_approve(request, pk):
    return _sign(request, pk, services.slip_manager_approve, "approve_form")


@require("slips.void")
def slip_void(request, pk):
    slip = selectors.slip_detail(user=request.user, pk=pk)
    form = VoidForm(request.POST or None)

    def perform(data):
        services.slip_void(slip=slip, reason=data["reason"], actor=request.user)
        messages.success(request, _("Slip %(number)s voided.") % {"number": slip.number})
        return slip.get_absolute_url()

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    return render(request, "frontdesk/form.html", {
        "form": form, "title": _("Void slip %(number)s") % {"number": slip.number}, "back": slip.get_absolute_url()})


@require("slips.view")
def slip_pdf(request, pk):
    slip = selectors.slip_detail(user=request.user, pk=pk)
    pdf, filename = documents.release_slip(slip=slip, user=request.user, request=request)
    return pdf_response(pdf, filename)


@require("slips.view")
def slip_signature(request, pk):
    """The applicant's drawn signature, for those who may see the slip (never at a public URL)."""
    return file_response(selectors.slip_signature(user=request.user, pk=pk).signature.name)


@require("slips.settings")
def slip_settings(request):
    choice = choose_community(request, remember=True)
    current = services.slip_settings(choice.community)
    form = SlipSettingsForm(request.POST or None,
                            initial={"manager_approval_required": current.manager_approval_required})

    def perform(data):
        services.slip_settings_save(community=choice.community,
                                    manager_approval_required=data["manager_approval_required"], actor=request.user)
        messages.success(request, _("Release slip settings of %(community)s saved.") % {"community": choice.community})
        return reverse("frontdesk:slip_settings") + f"?community={choice.community.pk}"

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    return render(request, "frontdesk/slips/settings.html", {"form": form, "choice": choice})

