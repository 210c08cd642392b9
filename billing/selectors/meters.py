"""Read side of meter readings: the entry grid of a building, meter and month."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from frontdesk.models import Building, Unit

from ..services.meters import History, history_for, is_jump


@dataclass
class GridRow:
    unit: Unit
    history: History
    typed: str = ""  # what was typed (kept on errors)
    error: str = ""
    saved: bool = False
    confirm: bool = False

    @property
    def value(self):
        if self.typed:
            return self.typed
        return self.history.current.reading if self.history.current else ""

    @property
    def usage(self):
        return self.history.current.usage if self.history.current and not self.typed else None

    @property
    def needs_confirm(self) -> bool:
        current = self.history.current
        return bool(self.error and "×" in self.error) or bool(current and current.jump_confirmed)


def meter_buildings(user):
    from frontdesk.scoping import scope

    return scope(Building.objects.select_related("community"), user).order_by("community__name", "sort_order", "name")


def grid_rows(*, building, kind: str, period) -> list[GridRow]:
    """One row per active unit of ``building`` with its previous and this month's reading — five
    queries whatever the building's size."""
    units = list(Unit.objects.filter(building=building, is_active=True).select_related("entrance")
                 .order_by("entrance__name", "floor", "number", "id"))
    histories = history_for(unit_ids=[u.pk for u in units], kind=kind, period=period)
    return [GridRow(unit=u, history=histories[u.pk]) for u in units]


def default_period():
    """Readings are taken at the end of a month: until the 20th the grid opens on last month."""
    today = timezone.localdate()
    first = today.replace(day=1)
    if today.day <= 20:
        first = (first - datetime.timedelta(days=1)).replace(day=1)
    return first


__all__ = ["GridRow", "default_period", "grid_rows", "is_jump", "meter_buildings"]
