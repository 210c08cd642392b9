"""The monthly appraisal per clerk (spot checks, nonconformities, late handovers, log completeness): the
page and its PDF. Views: permission → form → selector → render."""

from django.shortcuts import render
from django.urls import path

from core.pdf import pdf_response
from core.permissions import require
from frontdesk.scoping import communities_of

from .. import documents
from ..forms.appraisal import AppraisalForm
from ..models import SpotCheck
from ..selectors import appraisal as selectors


def _appraisal(request):
    form = AppraisalForm(request.GET, communities=communities_of(request.user))
    community, month = form.selection()
    data = selectors.appraisal_month(community=community, month=month) if community else None
    return form, data


@require("duty.review")
def appraisal(request):
    form, data = _appraisal(request)
    return render(request, "duty/appraisal.html", {"form": form, "data": data, "items": SpotCheck.ITEMS})


@require("duty.review")
def appraisal_pdf(request):
    form, data = _appraisal(request)
    if data is None:
        return render(request, "duty/appraisal.html", {"form": form, "data": None, "items": SpotCheck.ITEMS},
                      status=400)
    return pdf_response(*documents.appraisal_pdf(data=data, user=request.user, request=request))


urlpatterns = [
    path("appraisal/", appraisal, name="appraisal"),
    path("appraisal/pdf/", appraisal_pdf, name="appraisal_pdf"),
]
