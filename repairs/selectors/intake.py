"""What the intake form offers: the communities, categories, engineers and teams a clerk may log a
ticket in (one community when the ticket is for a room), and the room's people."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from frontdesk.models import Community
from frontdesk.scoping import community_ids

from ..models import Category, Team
from .board import engineers_for_user
from .manage import default_categories
from .tickets import unit_people


@dataclass
class IntakeOptions:
    communities: list
    community_choices: object  # the same communities as a QuerySet (the form's select)
    categories: list  # Category rows; a community without any offers its defaults, unsaved (pk None)
    defaults: list  # every community's defaults, unsaved: what a form sent before they were created holds
    engineers: object  # QuerySet
    teams: object  # QuerySet
    people: list


def intake_options(*, user, unit=None) -> IntakeOptions:
    communities = Community.objects.filter(pk__in=community_ids(user)).order_by("name")
    if unit:
        communities = communities.filter(pk=unit.community_id)
    communities = list(communities)
    pks = [c.pk for c in communities]
    categories = list(Category.objects.filter(community__in=pks, is_active=True).select_related("community")
                      .order_by("community__name", "sort_order", "name"))
    with_rows = set(Category.objects.filter(community__in=pks).values_list("community_id", flat=True).distinct())
    missing = [c for c in communities if c.pk not in with_rows]
    if missing:
        categories = sorted(categories + [d for c in missing for d in default_categories(c)],
                            key=lambda c: (c.community.name, c.sort_order, c.name))
    return IntakeOptions(
        communities=communities, community_choices=Community.objects.filter(pk__in=pks).order_by("name"),
        categories=categories, defaults=[d for c in communities for d in default_categories(c)],
        engineers=engineers_for_user(user).filter(communities__in=pks),
        teams=Team.objects.filter(community__in=pks, is_active=True).select_related("community").order_by("name"),
        people=unit_people(unit=unit) if unit else [],
    )


def default_category(categories, unit=None):
    """The category the form starts with: plumbing, in the room's community when there is a room."""
    mine = [c for c in categories if c.community_id == (unit.community_id if unit else None)] or list(categories)
    return next((c for c in mine if c.name in (_("Plumbing"), "Plumbing")), mine[0] if mine else None)
