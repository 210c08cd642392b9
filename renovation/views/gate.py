"""The gate guard's check (门岗): a phone-sized page a pass card's QR opens, saying valid / expired /
revoked with the worker's photo; a pass of another community is a 404. Also the guard's landing page
(type the printed pass number when the QR will not scan)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from core.forms import list_filters, list_params
from core.media import file_response
from core.permissions import require

from ..forms.passes import GateForm
from ..selectors import passes as selectors


@list_params(GateForm)
@require("gate.check")
def gate_home(request):
    number = list_filters(request, GateForm)["number"]
    if number:
        worker_pass = selectors.gate_find(user=request.user, number=number)
        if worker_pass is not None:
            return redirect("renovation:gate_check", worker_pass.token)
        messages.warning(request, _("No worker pass with this number in your communities."))
    return render(request, "renovation/gate_home.html", {"number": number or ""})


@require("gate.check")
def gate_check(request, token):
    worker_pass = selectors.gate_pass(user=request.user, token=token[:64])
    state = selectors.gate_state(worker_pass, timezone.localdate())
    return render(request, "renovation/gate_check.html", {
        "pass": worker_pass, "state": state, "state_label": selectors.GATE_STATES[state]})


@require("gate.check")
def gate_photo(request, token):
    return file_response(selectors.gate_pass(user=request.user, token=token[:64]).photo.name)


urlpatterns = [
    path("gate/", gate_home, name="gate_home"),
    path("gate/p/<str:token>/", gate_check, name="gate_check"),
    path("gate/p/<str:token>/photo/", gate_photo, name="gate_photo"),
]
