"""The public check of a permit (the QR code on the 装修许可证): no login, the URL carries the unguessable
token. It shows ONLY the permit number, the unit code, the validity and the state: no names, phones, IDs
or company. An unknown token is a 404."""

from django.shortcuts import render
from django.urls import path
from django.views.decorators.cache import never_cache

from ..selectors.applications import permit_check


@never_cache
def verify(request, token):
    return render(request, "renovation/verify.html", {"permit": permit_check(token)})


urlpatterns = [
    path("p/<str:token>/", verify, name="verify"),
]
