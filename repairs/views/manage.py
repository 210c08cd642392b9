"""The desk's settings per community (repairs.manage): categories, teams and departments, clock durations."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.forms import StaffForm, submit_once
from core.permissions import require
from frontdesk.scoping import choose_community, scope

from ..forms.manage import CategoryForm, ClockSettingsForm, TeamForm
from ..models import Category, Team
from ..selectors import manage as selectors
from ..services import manage as services


def _back(community) -> str:
    return f"{reverse('repairs:manage')}?community={community.pk}"


@require("repairs.manage")
def manage(request):
    choice = choose_community(request, post_param="community_pk")
    community = choice.community
    categories = list(selectors.categories_for(community=community, active_only=False))
    return render(request, "repairs/manage.html", {
        "community": community, "communities": choice.communities,
        "categories": categories, "default_categories": [] if categories else selectors.default_categories(community),
        "defaults_form": StaffForm(), "teams": selectors.teams_with_members(community=community),
        "clock_settings": selectors.clock_settings_of(community),
    })


@require("repairs.manage")
@require_POST
def manage_categories_default(request):
    """The default categories for a community that has none (the manage page's button)."""
    community = choose_community(request, post_param="community_pk").community
    form = StaffForm(request.POST)

    def perform(_data):
        services.categories_ensure(community=community)
        messages.success(request, _("Saved."))
        return _back(community)

    return submit_once(request, form, perform) or redirect(_back(community))


@require("repairs.manage")
def manage_category(request, pk=None):
    category = get_object_or_404(scope(Category.objects.select_related("community"), request.user), pk=pk) if pk else None
    community = category.community if category else choose_community(request, post_param="community_pk").community
    initial = {"name": category.name, "sort_order": category.sort_order, "is_active": category.is_active} if category else {}
    form = CategoryForm(request.POST or None, initial=initial)

    def perform(data):
        services.category_save(community=community, category=category, name=data["name"],
                               sort_order=data["sort_order"], is_active=data["is_active"], actor=request.user)
        messages.success(request, _("Saved."))
        return _back(community)

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    return render(request, "repairs/manage_form.html", {
        "form": form, "community": community,
        "title": _("Edit category") if category else _("New category"), "back": _back(community)})


@require("repairs.manage")
def manage_team(request, pk=None):
    team = get_object_or_404(scope(Team.objects.select_related("community"), request.user), pk=pk) if pk else None
    community = team.community if team else choose_community(request, post_param="community_pk").community
    initial = {"name": team.name, "is_active": team.is_active, "members": list(team.members.all())} if team else {}
    form = TeamForm(request.POST or None, initial=initial, engineers=selectors.engineers_for(community=community))

    def perform(data):
        services.team_save(community=community, team=team, name=data["name"], members=list(data["members"]),
                           is_active=data["is_active"], actor=request.user)
        messages.success(request, _("Saved."))
        return _back(community)

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    return render(request, "repairs/manage_form.html", {
        "form": form, "community": community, "title": _("Edit team") if team else _("New team or department"),
        "back": _back(community)})


CLOCK_FIELDS = ("dispatch_minutes", "onsite_urgent_minutes", "complaint_hours", "callback_end_of_day",
                "warn_before_percent", "confirm_minutes")


@require("repairs.manage")
def manage_clocks(request):
    community = choose_community(request, post_param="community_pk").community
    form = ClockSettingsForm(request.POST or None, instance=selectors.clock_settings_of(community))

    def perform(data):
        services.clock_settings_save(community=community, actor=request.user, **{f: data[f] for f in CLOCK_FIELDS})
        messages.success(request, _("Saved. New deadlines use these durations; running clocks keep theirs."))
        return _back(community)

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    return render(request, "repairs/manage_form.html", {
        "form": form, "community": community, "title": _("Clock settings"), "back": _back(community)})


urlpatterns = [
    path("manage/", manage, name="manage"),
    path("manage/categories/defaults/", manage_categories_default, name="manage_categories_default"),
    path("manage/categories/new/", manage_category, name="manage_category_create"),
    path("manage/categories/<int:pk>/", manage_category, name="manage_category_edit"),
    path("manage/teams/new/", manage_team, name="manage_team_create"),
    path("manage/teams/<int:pk>/", manage_team, name="manage_team_edit"),
    path("manage/clocks/", manage_clocks, name="manage_clocks"),
]
