"""The duty log (值班记录) pages, the chain check and the supervisor's daily sign-off.

Thin views: permission → form → one service call → redirect. The community comes from the user's
own communities (``?community=`` switches, remembered in the session); an object of a foreign
community is a 404."""

import datetime

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from core.forms import submit_once
from core.permissions import has_perm, require
from frontdesk.scoping import scope

from .. import selectors_log as selectors
from ..forms_log import CloseFollowUpForm, DaySignForm, EntryForm
from ..models import DutyLogEntry
from ..services import log as log_services
from ..services import review as review_services

SESSION_KEY = "duty_community"
FOLLOW_UPS_SHOWN = 50  # the oldest open ones, important first; the total is shown beside them


def duty_can(user) -> dict:
    return {key: has_perm(user, f"duty.{key}") for key in ("log", "review", "roster")}


def current_community(request):
    """(community, communities) for the signed-in user: ``?community=<id>`` (or the POSTed one) when it is
    one of theirs (else 404), then the one remembered in the session, then their first."""
    communities = list(selectors.communities_for(request.user))
    wanted = request.POST.get("community") or request.GET.get("community")
    by_id = {c.pk: c for c in communities}
    if wanted:
        try:
            community = by_id[int(wanted)]
        except (KeyError, ValueError):
            raise Http404 from None
        request.session[SESSION_KEY] = community.pk
        return community, communities
    community = by_id.get(request.session.get(SESSION_KEY)) or (communities[0] if communities else None)
    return community, communities


def _date(request, default=None) -> datetime.date:
    raw = request.GET.get("date") or request.POST.get("date")
    if raw:
        try:
            return datetime.date.fromisoformat(raw)
        except ValueError:
            pass
    return default or timezone.localdate()


def today_url(community, date=None) -> str:
    query = {"community": community.pk}
    if date and date != timezone.localdate():
        query["date"] = date.isoformat()
    return f"{reverse('duty:today')}?{urlencode(query)}"


def _no_community(request):
    return render(request, "duty/log_no_community.html", status=200)


def _today_context(request, community, communities, date, form=None):
    entries = list(selectors.day_entries(community=community, date=date))
    review = selectors.daily_review(community=community, date=date)
    follow_ups = selectors.open_follow_ups(community=community)
    can = duty_can(request.user)
    if form is None and can["log"] and date == timezone.localdate():
        form = EntryForm(units=selectors.units_of(community))
    return {
        "community": community, "communities": communities, "date": date, "is_today": date == timezone.localdate(),
        "previous_day": date - datetime.timedelta(days=1), "next_day": date + datetime.timedelta(days=1),
        "entries": entries, "review": review, "follow_ups": list(follow_ups[:FOLLOW_UPS_SHOWN]),
        "follow_ups_total": follow_ups.count(),
        "handover": selectors.handover_open(community=community), "form": form, "duty_can": can,
    }


@require("duty.view")
def today(request):
    """值班记录: the day's log (newest last), the add form on top, open follow-ups, a handover in progress."""
    community, communities = current_community(request)
    if community is None:
        return _no_community(request)
    return render(request, "duty/log_today.html", _today_context(request, community, communities, _date(request)))


@require("duty.log")
def log_add(request):
    community, communities = current_community(request)
    if community is None:
        return _no_community(request)
    if request.method != "POST":
        return redirect(today_url(community))
    form = EntryForm(request.POST, units=selectors.units_of(community))

    def perform(data):
        entry = log_services.entry_append(
            community=community, author=request.user, kind=data["kind"], content=data["content"],
            handling=data["handling"], occurred_at=data["occurred_at"], follow_up_needed=data["follow_up_needed"],
            important=data["important"], unit=data["room"], reference=data["reference"],
            assignment=selectors.current_assignment(community=community, user=request.user))
        messages.success(request, _("Entry no. %(seq)s recorded.") % {"seq": entry.seq})
        return today_url(community, timezone.localdate(entry.occurred_at)) + f"#entry-{entry.seq}"

    if response := submit_once(request, form, perform):
        return response
    context = _today_context(request, community, communities, timezone.localdate(), form=form)
    return render(request, "duty/log_today.html", context)


def _entry(request, pk):
    return get_object_or_404(scope(DutyLogEntry.objects.select_related("community", "author", "unit__building",
                                                                       "unit__entrance"), request.user), pk=pk)


@require("duty.log")
def log_correct(request, pk):
    """A correction is a new entry with ``corrects`` = the original, which stays visible."""
    entry = _entry(request, pk)
    units = selectors.units_of(entry.community)
    initial = {"kind": entry.kind if entry.kind != DutyLogEntry.Kind.HANDOVER else DutyLogEntry.Kind.OTHER,
               "occurred_at": timezone.localtime(entry.occurred_at).replace(second=0, microsecond=0),
               "content": entry.content, "handling": entry.handling, "follow_up_needed": entry.follow_up_needed,
               "important": entry.important, "room": entry.unit.code if entry.unit_id else "", "reference": entry.reference}
    form = EntryForm(request.POST or None, initial=initial, units=units)

    def perform(data):
        new = log_services.entry_correct(
            entry=entry, author=request.user, kind=data["kind"], content=data["content"], handling=data["handling"],
            occurred_at=data["occurred_at"], follow_up_needed=data["follow_up_needed"], important=data["important"],
            unit=data["room"], reference=data["reference"])
        messages.success(request, _("Entry no. %(seq)s corrects no. %(old)s; the original stays in the log.") % {
            "seq": new.seq, "old": entry.seq})
        return today_url(entry.community, timezone.localdate(entry.occurred_at)) + f"#entry-{entry.seq}"

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    return render(request, "duty/log_form.html", {
        "form": form, "entry": entry, "mode": "correct",
        "title": _("Correct entry no. %(seq)s") % {"seq": entry.seq},
        "back": today_url(entry.community, timezone.localdate(entry.occurred_at))})


@require("duty.log")
def log_close(request, pk):
    """Close an open follow-up with a new entry (follow_up_of + closes_follow_up)."""
    entry = _entry(request, pk)
    form = CloseFollowUpForm(request.POST or None)

    def perform(data):
        new = log_services.follow_up_close(entry=entry, author=request.user, content=data["content"],
                                           handling=data["handling"])
        messages.success(request, _("Follow-up of no. %(old)s closed by no. %(seq)s.") % {"old": entry.seq, "seq": new.seq})
        return today_url(entry.community)

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    return render(request, "duty/log_form.html", {
        "form": form, "entry": entry, "mode": "close",
        "title": _("Close the follow-up of entry no. %(seq)s") % {"seq": entry.seq}, "back": today_url(entry.community)})


@require("duty.review")
def log_verify(request):
    """Recompute the community's hash chain and show OK with the count, or the first broken link."""
    community, communities = current_community(request)
    if community is None:
        return _no_community(request)
    started = timezone.now()
    report = log_services.verify_chain(community=community)
    seconds = (timezone.now() - started).total_seconds()
    return render(request, "duty/log_verify.html", {"community": community, "communities": communities,
                                                    "report": report, "seconds": seconds, "duty_can": duty_can(request.user)})


# --- the supervisor's daily sign-off -------------------------------------------------------------

@require("duty.review")
def review_days(request):
    """Days with entries not yet signed (newest first, with counts), and the last signed days."""
    community, communities = current_community(request)
    if community is None:
        return _no_community(request)
    return render(request, "duty/review_day_list.html", {
        "community": community, "communities": communities, "duty_can": duty_can(request.user),
        "days": selectors.days_unsigned(community=community),
        "signed": list(selectors.recent_reviews(community=community)),
    })


@require("duty.review")
def review_day(request, date):
    """One day's log with the comment box and the sign button; a signed day shows who and when."""
    community, communities = current_community(request)
    if community is None:
        return _no_community(request)
    try:
        day = datetime.date.fromisoformat(date)
    except ValueError:
        raise Http404 from None
    entries = list(selectors.day_entries(community=community, date=day))
    review = selectors.daily_review(community=community, date=day)
    read_up_to = max((e.seq for e in entries), default=0)
    form = DaySignForm(request.POST or None, initial={"read_up_to": read_up_to})
    url = f"{reverse('duty:signoff_day', args=[day.isoformat()])}?{urlencode({'community': community.pk})}"

    def perform(data):
        review_services.day_sign(community=community, date=day, comment=data["comment"],
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
    path("", today, name="today"),
    path("log/add/", log_add, name="log_add"),
    path("log/<int:pk>/correct/", log_correct, name="log_correct"),
    path("log/<int:pk>/close/", log_close, name="log_close"),
    path("log/verify/", log_verify, name="log_verify"),
    path("signoff/", review_days, name="signoff_days"),
    path("signoff/<str:date>/", review_day, name="signoff_day"),
]
