"""What the duty pages share: the permission flags of the duty navigation, the page shown to a user who
works in no community, and the link to a day of the log."""

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from core.permissions import has_perm


def duty_can(user) -> dict:
    return {key: has_perm(user, f"duty.{key}") for key in ("log", "review", "roster")}


def no_community(request):
    return render(request, "duty/log_no_community.html", status=200)


def today_url(community, date=None) -> str:
    query = {"community": community.pk}
    if date and date != timezone.localdate():
        query["date"] = date.isoformat()
    return f"{reverse('duty:today')}?{urlencode(query)}"
