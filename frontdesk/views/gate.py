"""The gate (门岗): the guard's phone page for a release slip, opened from the slip's QR code (a secret token
in the URL) or by typing its number on the guard's landing page; "确认放行" marks it used, once."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.forms import StaffForm, list_filters, list_params, submit_once
from core.permissions import require
from frontdesk.forms.slips import GateNumberForm
from frontdesk.selectors import slips as selectors
from frontdesk.services import slips as services


@list_params(GateNumberForm)
@require("gate.check")
def gate_home(request):
    """Type a slip's number (``FX2026-00017`` or just ``17``): one match opens it."""
    number = list_filters(request, GateNumberForm)["number"]
    found = selectors.gate_find(user=request.user, number=number) if number else []
    if len(found) == 1:
        return redirect("frontdesk:gate_slip", token=found[0].token)
    return render(request, "frontdesk/gate/home.html", {"number": number or "", "found": found})


def _page(request, slip, *, form=None, refusal="", status=200):
    today = timezone.localdate()
    state = slip.status_on(today)
    return render(request, "frontdesk/gate/slip.html", {
        "slip": slip, "items": list(slip.items.all()), "state": state,
        "state_label": selectors.ReleaseSlip.Status(state).label, "today": today,
        "may_release": state == "valid" and slip.valid_on == today,
        "not_yet": state == "valid" and slip.valid_on > today,
        "carrier_name": selectors.mask_name(slip.carrier_name),
        "form": form or StaffForm(), "refusal": refusal,
    }, status=status)


@require("gate.check")
def gate_slip(request, token):
    return _page(request, selectors.gate_slip(user=request.user, token=token))


@require("gate.check")
def gate_release(request, token):
    """确认放行: the slip is marked used by this guard now; the loser of a race is told it was already used."""
    slip = selectors.gate_slip(user=request.user, token=token)
    if request.method != "POST":
        return redirect("frontdesk:gate_slip", token=token)
    form = StaffForm(request.POST)

    def perform(_data):
        services.slip_mark_used(slip=slip, actor=request.user)
        messages.success(request, _("Released: the goods of slip %(number)s may leave.") % {"number": slip.number})
        return reverse("frontdesk:gate_slip", args=[token])

    if response := submit_once(request, form, perform):
        return response
    # refused (already used by another guard, expired, not signed yet): the page as it is now, and why
    refusal = " ".join(form.non_field_errors())
    return _page(request, selectors.gate_slip(user=request.user, token=token), refusal=refusal)
