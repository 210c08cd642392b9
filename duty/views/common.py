"""What the duty pages share: the choice of the page's community, the permission flags of the duty
navigation, and the link to a day of the log."""

import functools

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from core.permissions import has_perm
from frontdesk.scoping import choose_community


def duty_can(user) -> dict:
    return {key: has_perm(user, f"duty.{key}") for key in ("log", "review", "roster")}


def community_page(view):
    """A page about one community of the user's, passed to ``view`` as ``choice`` (a ``CommunityChoice``):
    ``?community=`` (or the POSTed one) when it is one of theirs, else 404; then the one remembered in the
    session; then their first. A user who works in no community sees a page that says so."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        choice = choose_community(request, remember=True, required=False)
        if choice.community is None:
            return render(request, "duty/log_no_community.html", status=200)
        return view(request, choice, *args, **kwargs)

    return wrapper


def today_url(community, date=None) -> str:
    query = {"community": community.pk}
    if date and date != timezone.localdate():
        query["date"] = date.isoformat()
    return f"{reverse('duty:today')}?{urlencode(query)}"
