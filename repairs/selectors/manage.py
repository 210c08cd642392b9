"""The desk's configuration per community (categories, teams, engineers, clock durations), as the
settings pages and the forms show it. Reads only: nothing here creates a missing row."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.models import Role

from ..models import Category, ClockSettings, Team

ENGINEER_ROLES = (Role.ENGINEER,)  # who a repair may be dispatched to (a supervisor is not offered)

# English source strings; translated when the rows are created (names are data afterwards).
DEFAULT_CATEGORIES = [
    gettext_noop("Plumbing"), gettext_noop("Electrical"), gettext_noop("Doors and windows"), gettext_noop("Lift"),
    gettext_noop("Public facilities"), gettext_noop("Cleaning and environment"), gettext_noop("Noise"),
    gettext_noop("Security"), gettext_noop("Parking"), gettext_noop("Other"),
]


def default_categories(community) -> list[Category]:
    """The default categories of a community that has none yet, unsaved (no pk): what the intake form
    offers until the first ticket (or the manager) creates them."""
    return [Category(community=community, name=_(name), sort_order=(i + 1) * 10)
            for i, name in enumerate(DEFAULT_CATEGORIES)]


def categories_for(*, community, active_only=True):
    qs = Category.objects.filter(community=community)
    return qs.filter(is_active=True) if active_only else qs


def teams_for(*, community, active_only=True):
    qs = Team.objects.filter(community=community)
    return qs.filter(is_active=True) if active_only else qs


def teams_with_members(*, community):
    return Team.objects.filter(community=community).prefetch_related("members").order_by("name")


def engineers_for(*, community):
    return get_user_model().objects.filter(communities=community, is_active=True,
                                           role__in=ENGINEER_ROLES).order_by("role", "full_name")


def clock_settings_of(community) -> ClockSettings:
    """The community's durations: its saved row, or the defaults (unsaved) while it has none."""
    return ClockSettings.objects.filter(community=community).first() or ClockSettings(community=community)
