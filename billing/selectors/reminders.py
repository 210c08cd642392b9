"""Read side of overdue reminders: the community's policy, the reminders sent (the log and a unit's),
each step with its channels as labels."""

from django.core.paginator import Paginator
from django.utils.translation import gettext_lazy as _

from frontdesk.models import Building
from frontdesk.scoping import scope

from ..models import ReminderPolicy, ReminderStep
from ..services.reminders import NO_EMAIL, NO_PHONE

LOG_PAGE_SIZE = 50
UNIT_STEPS = 200
CHANNEL_LABELS = {**dict(ReminderPolicy.Channel.choices), NO_PHONE: _("SMS not sent: no phone"),
                  NO_EMAIL: _("E-mail not sent: no address")}
POLICY_DEFAULTS = {"is_active": True, "first_after_days": 15, "every_days": 30, "max_steps": 6,
                   "channels": [ReminderPolicy.Channel.IN_APP, ReminderPolicy.Channel.SMS]}


def channel_labels(channels) -> list[str]:
    return [str(CHANNEL_LABELS.get(c, c)) for c in channels]


def _labelled(steps):
    for step in steps:
        step.channel_labels = channel_labels(step.channels)
    return steps


def policy_of(community) -> ReminderPolicy | None:
    return ReminderPolicy.objects.filter(community=community).first() if community else None


def policy_initial(policy: ReminderPolicy | None) -> dict:
    """The policy form's values: the policy's, or the defaults for a community without one."""
    return {name: getattr(policy, name) for name in POLICY_DEFAULTS} if policy else dict(POLICY_DEFAULTS)


def unit_steps(unit, limit: int = UNIT_STEPS) -> list[ReminderStep]:
    """Every reminder step sent for ``unit``, newest first."""
    return _labelled(list(ReminderStep.objects.filter(unit=unit).order_by("-sent_at", "-id")[:limit]))


def log_buildings(user) -> list[Building]:
    return list(scope(Building.objects.select_related("community"), user)
                .order_by("community__name", "sort_order", "name"))


def reminder_log_page(*, user, community_ids: list[int], building: str, room: str, number: int = 1):
    """The page of steps sent in ``community_ids`` (the user's, or the one chosen), by building and room."""
    qs = scope(ReminderStep.objects.select_related("unit__building", "unit__entrance", "community"), user)
    qs = qs.filter(community_id__in=community_ids)
    if building.isdigit():
        qs = qs.filter(unit__building_id=int(building))
    if room:
        qs = qs.filter(unit__code__icontains=room)
    page = Paginator(qs.order_by("-sent_at", "-id"), LOG_PAGE_SIZE).get_page(number)
    _labelled(page.object_list)
    return page
