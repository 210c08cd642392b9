"""增加项目: filing additional works (打墙, 打孔, 防盗门, 防护栏, 防蚊纱窗) for a renovation, and their list."""

from django.contrib import messages
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from core.forms import list_params, submit_once
from core.permissions import require

from ..forms.requests import RequestListForm, WorksForm
from ..models import RenovationRequest
from ..selectors.passes import renovation_of
from ..services import requests as services
from .requests import request_list_page

KIND = RenovationRequest.Kind.WORKS


@require("renovation.file")
def works_create(request, pk):
    renovation = renovation_of(user=request.user, pk=pk)
    form = WorksForm(request.POST or None, renovation=renovation)

    def perform(data):
        req = services.request_file(renovation=renovation, kind=KIND, applicant_kind=data["applicant_kind"],
                                    applicant_name=data["applicant_name"], reason=data["reason"],
                                    items=data["items"], details=data["details"], actor=request.user)
        messages.success(request, _("Additional works %(number)s filed: they go to the engineering review.")
                         % {"number": req.number})
        return reverse("renovation:request_detail", args=[req.pk])

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    return render(request, "renovation/request_form.html", {
        "renovation": renovation, "form": form, "title": _("Additional works application")},
        status=400 if request.method == "POST" else 200)


@list_params(RequestListForm)
@require("renovation.view")
def works_list(request):
    return request_list_page(request, kind=KIND, title=_("Additional works"))


urlpatterns = [
    path("works/", works_list, name="works_list"),
    path("<int:pk>/works/new/", works_create, name="works_create"),
]
