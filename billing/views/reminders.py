"""Billing views: the community's overdue-reminder policy (manager) and the reminders sent."""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.forms import StaffForm, submit_once
from core.permissions import require
from frontdesk.scoping import scope
from frontdesk.models import Building, Community

from ..models import ReminderPolicy, ReminderStep
from ..services.reminders import NO_EMAIL, NO_PHONE

PAGE_SIZE = 50
CHANNEL_LABELS = {**dict(ReminderPolicy.Channel.choices), NO_PHONE: gettext_lazy("SMS not sent: no phone"),
                  NO_EMAIL: gettext_lazy("E-mail not sent: no address")}


def channel_labels(channels) -> list[str]:
    return [str(CHANNEL_LABELS.get(c, c)) for c in channels]


class PolicyForm(StaffForm):
    is_active = forms.BooleanField(label=gettext_lazy("Send overdue reminders"), required=False)
    first_after_days = forms.IntegerField(label=gettext_lazy("First reminder after (days overdue)"), min_value=0,
                                          max_value=365)
    every_days = forms.IntegerField(label=gettext_lazy("Then every (days)"), min_value=1, max_value=365)
    max_steps = forms.IntegerField(label=gettext_lazy("At most (reminders per overdue episode)"), min_value=1,
                                   max_value=24)
    channels = forms.MultipleChoiceField(
        label=gettext_lazy("Channels"), choices=ReminderPolicy.Channel.choices, widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("In-app goes to every clerk of the community; SMS and e-mail go to the unit's "
                               "owner (e-mail only when the owner has an address on record)."))


def _communities(request):
    return list(scope(Community.objects.order_by("name"), request.user, field="pk"))


def _chosen(request, communities):
    value = request.GET.get("community", "")
    for community in communities:
        if value == str(community.pk):
            return community
    return communities[0] if communities else None


def policy_save(*, community, data) -> ReminderPolicy:
    policy, _created = ReminderPolicy.objects.select_for_update().get_or_create(community=community)
    for name in ("is_active", "first_after_days", "every_days", "max_steps", "channels"):
        setattr(policy, name, data[name])
    policy.save()
    return policy


@require("billing.setup")
def reminder_policy(request):
    communities = _communities(request)
    community = _chosen(request, communities)
    policy = ReminderPolicy.objects.filter(community=community).first() if community else None
    initial = {"is_active": True, "first_after_days": 15, "every_days": 30, "max_steps": 6,
               "channels": [ReminderPolicy.Channel.IN_APP, ReminderPolicy.Channel.SMS]}
    if policy:
        initial = {name: getattr(policy, name) for name in initial}
    form = PolicyForm(request.POST or None, initial=initial) if community else None
    if request.method == "POST" and form is not None:
        def perform(data):
            policy_save(community=community, data=data)
            messages.success(request, _("The reminder policy of %(community)s is saved.") % {"community": community})
            return f"{reverse('billing:reminder_policy')}?community={community.pk}"

        if response := submit_once(request, form, perform):
            return response
    return render(request, "billing/reminders/policy.html", {
        "form": form, "community": community, "communities": communities, "policy": policy})


@require("billing.view")
def reminder_log(request):
    """The reminders sent: unit, step, channels, when, what; filtered by community, building, room."""
    communities = _communities(request)
    qs = scope(ReminderStep.objects.select_related("unit__building", "unit__entrance", "community"), request.user)
    chosen = request.GET.get("community", "")
    if chosen.isdigit() and any(c.pk == int(chosen) for c in communities):
        qs = qs.filter(community_id=int(chosen))
    else:
        chosen = ""
    buildings = list(scope(Building.objects.select_related("community"), request.user)
                     .order_by("community__name", "sort_order", "name"))
    building = request.GET.get("building", "")
    if building.isdigit():
        qs = qs.filter(unit__building_id=int(building))
    room = request.GET.get("room", "").strip()[:30]
    if room:
        qs = qs.filter(unit__code__icontains=room)
    page = Paginator(qs.order_by("-sent_at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    for step in page.object_list:
        step.channel_labels = channel_labels(step.channels)
    return render(request, "billing/reminders/log.html", {
        "page": page, "communities": communities, "chosen": chosen, "buildings": buildings, "building": building,
        "room": room})


urlpatterns = [
    path("reminders/", reminder_log, name="reminder_log"),
    path("reminders/policy/", reminder_policy, name="reminder_policy"),
]
