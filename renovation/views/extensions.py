"""装修延期: filing an extension for a renovation, and the list of extensions."""

from django.contrib import messages
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from core.forms import list_params, submit_once
from core.permissions import require

from ..forms.requests import ExtensionForm, RequestListForm
from ..models import RenovationRequest
from ..selectors.passes import renovation_of
from ..services import requests as services
from .requests import request_list_page

KIND = RenovationRequest.Kind.EXTENSION


@require("renovation.file")
def extension_create(request, pk):
    renovation = renovation_of(user=request.user, pk=pk)
    form = ExtensionForm(request.POST or None, renovation=renovation)

    def perform(data):
        req = services.request_file(renovation=renovation, kind=KIND, applicant_kind=data["applicant_kind"],
                                    applicant_name=data["applicant_name"], reason=data["reason"],
                                    new_end=data["new_end"], actor=request.user)
        messages.success(request, _("Extension %(number)s filed: it goes to the engineering review.")
                         % {"number": req.number})
        return reverse("renovation:request_detail", args=[req.pk])

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    return render(request, "renovation/request_form.html", {
        "renovation": renovation, "form": form, "title": _("Extension application")},
        status=400 if request.method == "POST" else 200)


@list_params(RequestListForm)
@require("renovation.view")
def extension_list(request):
    return request_list_page(request, kind=KIND, title=_("Extensions"))


urlpatterns = [
    path("extensions/", extension_list, name="extension_list"),
    path("<int:pk>/extensions/new/", extension_create, name="extension_create"),
]
