"""The desk's configuration, which managers keep per community: categories, teams, clock durations."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.db import save_unique

from ..models import Category, ClockSettings, Team
from ..selectors.manage import default_categories
from . import clocks


def categories_ensure(*, community) -> None:
    """The default categories, created once per community: by its first ticket, by the manager's first
    category, the "add the default categories" button or the demo data. Never by a page view."""
    if Category.objects.filter(community=community).exists():
        return
    Category.objects.bulk_create(default_categories(community), ignore_conflicts=True)


@transaction.atomic
def category_save(*, community, category=None, name, sort_order=0, is_active=True, actor) -> Category:
    """Add or edit a category. A community's first one comes after the defaults (created here first)."""
    if category is None:
        categories_ensure(community=community)
    category = category or Category(community=community)
    category.name, category.sort_order, category.is_active = name, sort_order, is_active
    return save_unique(category, field="name", message=_("This category already exists."))


@transaction.atomic
def team_save(*, community, team=None, name, members=(), is_active=True, actor) -> Team:
    team = team or Team(community=community)
    team.name, team.is_active = name, is_active
    team.full_clean(validate_unique=False)
    if Team.objects.filter(community=community, name=name).exclude(pk=team.pk).exists():
        raise ValidationError({"name": _("A team with this name already exists.")})
    foreign = [m for m in members if not m.communities.filter(pk=community.pk).exists()]
    if foreign:
        raise ValidationError({"members": _("Members must work in this community.")})
    save_unique(team, field="name", message=_("A team with this name already exists."), clean=False)
    team.members.set(members)
    return team


def clock_settings_save(*, community, actor, **values) -> ClockSettings:
    row = clocks.clock_settings(community)
    for name, value in values.items():
        setattr(row, name, value)
    row.full_clean()
    row.save()
    return row
