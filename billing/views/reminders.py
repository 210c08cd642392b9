"""Billing views: the community's overdue-reminder policy (manager) and the reminders sent."""

from django.contrib import messages
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from core.forms import list_filters, list_params, submit_once
from core.paging import page_number
from core.permissions import require
from frontdesk.scoping import choose_community

from ..forms.reminders import POLICY_FIELDS, PolicyForm, ReminderLogFilterForm
from ..selectors import reminders as selectors
from ..services import reminders as services


@require("billing.setup")
def reminder_policy(request):
    choice = choose_community(request, required=False)
    community = choice.community
    policy = selectors.policy_of(community)
    form = PolicyForm(request.POST or None, initial=selectors.policy_initial(policy)) if community else None
    if request.method == "POST" and form is not None:
        def perform(data):
            services.policy_save(community=community, actor=request.user, **{f: data[f] for f in POLICY_FIELDS})
            messages.success(request, _("The reminder policy of %(community)s is saved.") % {"community": community})
            return f"{reverse('billing:reminder_policy')}?community={community.pk}"

        if response := submit_once(request, form, perform):
            return response
    return render(request, "billing/reminders/policy.html", {
        "form": form, "community": community, "communities": choice.communities, "policy": policy})


@list_params(ReminderLogFilterForm)
@require("billing.view")
def reminder_log(request):
    """The reminders sent: unit, step, channels, when, what; filtered by community, building, room."""
    choice = choose_community(request, all_allowed=True)
    values = list_filters(request, ReminderLogFilterForm)
    building, room = values["building"] or "", values["room"]
    page = selectors.reminder_log_page(user=request.user, community_ids=choice.ids, building=building, room=room,
                                       number=page_number(request.GET.get("page")))
    return render(request, "billing/reminders/log.html", {
        "page": page, "communities": choice.communities, "chosen": choice.value,
        "buildings": selectors.log_buildings(request.user), "building": building, "room": room})


urlpatterns = [
    path("reminders/", reminder_log, name="reminder_log"),
    path("reminders/policy/", reminder_policy, name="reminder_policy"),
]
