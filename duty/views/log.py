"""The duty log (值班记录) pages and the chain check.

Thin views: permission → form → one service call → redirect. The community is chosen by
``common.community_page`` (``?community=`` switches, remembered in the session); an object of a foreign
community is a 404."""

import datetime

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from core.dates import parse_date
from core.forms import list_filters, list_params, submit_once
from core.permissions import require

from ..forms.log import CloseFollowUpForm, EntryForm, LogDayForm
from ..models import DutyLogEntry
from ..selectors import handover as handover_selectors
from ..selectors import log as selectors
from ..selectors.review import daily_review
from ..services import log as services
from .common import community_page, duty_can, today_url

FOLLOW_UPS_SHOWN = 50  # the oldest open ones, important first; the total is shown beside them


def _date(request) -> datetime.date:
    """The day asked for (``?date=2026-11-05``), else today."""
    return parse_date(request.GET.get("date") or request.POST.get("date")) or timezone.localdate()


def _today_context(request, community, communities, date, form=None, kinds=()):
    entries = list(selectors.day_entries(community=community, date=date, kinds=kinds))
    review = daily_review(community=community, date=date)
    follow_ups = selectors.open_follow_ups(community=community)
    can = duty_can(request.user)
    if form is None and can["log"] and date == timezone.localdate():
        form = EntryForm(units=selectors.units_of(community))
    return {
        "community": community, "communities": communities, "date": date, "is_today": date == timezone.localdate(),
        "previous_day": date - datetime.timedelta(days=1), "next_day": date + datetime.timedelta(days=1),
        "entries": entries, "review": review, "follow_ups": list(follow_ups[:FOLLOW_UPS_SHOWN]),
        "follow_ups_total": follow_ups.count(),
        "handover": handover_selectors.handover_open(community=community), "form": form, "duty_can": can,
        "kinds": [label for value, label in DutyLogEntry.Kind.choices if value in kinds],
    }


@require("duty.view")
@list_params(LogDayForm)
@community_page
def today(request, choice):
    """值班记录: the day's log (newest last), the add form on top, open follow-ups, a handover in progress;
    ``?kind=``: only entries of those kinds."""
    community, communities = choice.community, choice.communities
    kinds = list_filters(request, LogDayForm)["kind"] or ()
    return render(request, "duty/log_today.html", _today_context(request, community, communities, _date(request),
                                                                 kinds=kinds))


@require("duty.log")
@community_page
def log_add(request, choice):
    community, communities = choice.community, choice.communities
    if request.method != "POST":
        return redirect(today_url(community))
    form = EntryForm(request.POST, units=selectors.units_of(community))

    def perform(data):
        entry = services.entry_append(
            community=community, author=request.user, kind=data["kind"], content=data["content"],
            handling=data["handling"], occurred_at=data["occurred_at"], follow_up_needed=data["follow_up_needed"],
            important=data["important"], unit=data["room"], reference=data["reference"],
            assignment=handover_selectors.current_assignment(community=community, user=request.user))
        messages.success(request, _("Entry no. %(seq)s recorded.") % {"seq": entry.seq})
        return today_url(community, timezone.localdate(entry.occurred_at)) + f"#entry-{entry.seq}"

    if response := submit_once(request, form, perform):
        return response
    context = _today_context(request, community, communities, timezone.localdate(), form=form)
    return render(request, "duty/log_today.html", context)


@require("duty.log")
def log_correct(request, pk):
    """A correction is a new entry with ``corrects`` = the original, which stays visible."""
    entry = selectors.entry_for(user=request.user, pk=pk)
    units = selectors.units_of(entry.community)
    initial = {"kind": entry.kind if entry.kind != DutyLogEntry.Kind.HANDOVER else DutyLogEntry.Kind.OTHER,
               "occurred_at": timezone.localtime(entry.occurred_at).replace(second=0, microsecond=0),
               "content": entry.content, "handling": entry.handling, "follow_up_needed": entry.follow_up_needed,
               "important": entry.important, "room": entry.unit.code if entry.unit_id else "", "reference": entry.reference}
    form = EntryForm(request.POST or None, initial=initial, units=units)

    def perform(data):
        new = services.entry_correct(
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
    entry = selectors.entry_for(user=request.user, pk=pk)
    form = CloseFollowUpForm(request.POST or None)

    def perform(data):
        new = services.follow_up_close(entry=entry, author=request.user, content=data["content"],
                                           handling=data["handling"])
        messages.success(request, _("Follow-up of no. %(old)s closed by no. %(seq)s.") % {"old": entry.seq, "seq": new.seq})
        return today_url(entry.community)

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    return render(request, "duty/log_form.html", {
        "form": form, "entry": entry, "mode": "close",
        "title": _("Close the follow-up of entry no. %(seq)s") % {"seq": entry.seq}, "back": today_url(entry.community)})


@require("duty.review")
@community_page
def log_verify(request, choice):
    """Recompute the community's hash chain and show OK with the count, or the first broken link."""
    community, communities = choice.community, choice.communities
    started = timezone.now()
    report = selectors.verify_chain(community=community)
    seconds = (timezone.now() - started).total_seconds()
    return render(request, "duty/log_verify.html", {"community": community, "communities": communities,
                                                    "report": report, "seconds": seconds, "duty_can": duty_can(request.user)})


urlpatterns = [
    path("", today, name="today"),
    path("log/add/", log_add, name="log_add"),
    path("log/<int:pk>/correct/", log_correct, name="log_correct"),
    path("log/<int:pk>/close/", log_close, name="log_close"),
    path("log/verify/", log_verify, name="log_verify"),
]
