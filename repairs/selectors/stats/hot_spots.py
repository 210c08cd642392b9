"""Complaint hot spots: categories and buildings whose complaints rose from the previous period to this one."""

from django.utils.translation import gettext as _

from ...models import Ticket


def hot_spots(*, by_category, by_building) -> list[dict]:
    """[{"dimension", "name", "previous", "current", "rise"}], the biggest rise first (no query)."""
    hot = []
    for dimension, groups in ((_("Category"), by_category), (_("Building"), by_building)):
        for name, g in groups.items():
            previous, current = g[Ticket.Kind.COMPLAINT][-2], g[Ticket.Kind.COMPLAINT][-1]
            if current > previous:
                hot.append({"dimension": dimension, "name": name, "previous": previous, "current": current,
                            "rise": current - previous})
    hot.sort(key=lambda r: (-r["rise"], -r["current"], str(r["name"])))
    return hot
