"""The supervisor's daily sign-off of the duty log: the days not yet signed, and one day's log with the
sign button. Thin views: permission → form → one service call → redirect."""

import datetime

from django.contrib import messages
from django.http import Http404
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from core.dates import parse_date
from core.forms import list_filters, list_params, submit_once
from core.permissions import require

from ..forms.review import DaySignForm, UnsignedDaysForm
from ..selectors import review as selectors
from ..selectors.log import day_entries
from ..services import review as services
from .common import community_page, duty_can


@require("duty.review")
@list_params(UnsignedDaysForm)
@community_page
def review_days(request, choice):
    """Days with entries not yet signed (newest first, with counts), and the last signed days."""
    community, communities = choice.community, choice.communities
    filters = list_filters(request, UnsignedDaysForm)
    return render(request, "duty/review_day_list.html", {
        "community": community, "communities": communities, "duty_can": duty_can(request.user),
        "date_from": filters["date_from"], "date_to": filters["date_to"],
        "days": selectors.days_unsigned(community=community, since=filters["date_from"], until=filters["date_to"]),
        "signed": list(selectors.recent_reviews(community=community)),
    })


@require("duty.review")
@community_page
def review_day(request, choice, date):
    """One day's log with the comment box and the sign button; a signed day shows who and when."""
    community, communities = choice.community, choice.communities
    day = parse_date(date)
    if day is None:
        raise Http404
    entries = list(day_entries(community=community, date=day))
    review = selectors.daily_review(community=community, date=day)
    read_up_to = max((e.seq for e in entries), default=0)
    form = DaySignForm(request.POST or None, initial={"read_up_to": read_up_to})
    url = f"{reverse('duty:signoff_day', args=[day.isoformat()])}?{urlencode({'community': community.pk})}"

    def perform(data):
        services.day_sign(community=community, date=day, comment=data["comment"],
                          read_up_to=data["read_up_to"], actor=request.user)
        messages.success(request, _("The log of %(date)s is signed.") % {"date": day.isoformat()})
        return url

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    return render(request, "duty/review_day.html", {
        "community": community, "communities": communities, "date": day, "entries": entries, "review": review,
        "form": form, "duty_can": duty_can(request.user),
        "previous_day": day - datetime.timedelta(days=1), "next_day": day + datetime.timedelta(days=1),
        "is_future": day > timezone.localdate(),
    })


urlpatterns = [
    path("signoff/", review_days, name="signoff_days"),
    path("signoff/<str:date>/", review_day, name="signoff_day"),
]
