"""Read side of meter readings: a unit's meter history around a month (what the grid shows and the
checks of ``services.meters`` use), and the entry grid of a building, meter and month."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from frontdesk.models import Building, Unit

from ..models import Bill, MeterReading

JUMP_FACTOR = Decimal("3")
JUMP_HISTORY = 6
JUMP_MIN = {MeterReading.Kind.WATER: Decimal("10"), MeterReading.Kind.ELECTRICITY: Decimal("100")}


@dataclass
class History:
    """What a unit's meter had before (and after) a month: the grid and the checks use the same."""

    previous: Decimal | None = None
    later: Decimal | None = None
    average: Decimal | None = None
    current: MeterReading | None = None
    billed: bool = False
    usages: list = field(default_factory=list)


def history_for(*, unit_ids, kind: str, period: datetime.date) -> dict[int, History]:
    """Per unit: previous reading, next later reading, average of the last usages, this month's reading
    and whether it is billed — four queries whatever the number of units."""
    result = {uid: History() for uid in unit_ids}
    base = MeterReading.objects.filter(unit_id__in=unit_ids, kind=kind)
    for unit_id, reading in (base.filter(period__lt=period).order_by("unit_id", "-period")
                             .distinct("unit_id").values_list("unit_id", "reading")):
        result[unit_id].previous = reading
    for unit_id, reading in (base.filter(period__gt=period).order_by("unit_id", "period")
                             .distinct("unit_id").values_list("unit_id", "reading")):
        result[unit_id].later = reading
    recent = (base.filter(period__lt=period, previous__isnull=False)  # a first reading is no usage
              .annotate(rn=Window(RowNumber(), partition_by=[F("unit_id")], order_by=F("period").desc()))
              .filter(rn__lte=JUMP_HISTORY).values_list("unit_id", "usage"))
    for unit_id, usage in recent:
        result[unit_id].usages.append(usage)
    for history in result.values():
        if history.usages:
            history.average = sum(history.usages) / len(history.usages)
    current = list(base.filter(period=period))
    for reading in current:
        result[reading.unit_id].current = reading
    billed = set(Bill.objects.filter(source=Bill.Source.METER, source_ref__in=[f"meter:{r.pk}" for r in current])
                 .values_list("source_ref", flat=True)) if current else set()
    for reading in current:
        result[reading.unit_id].billed = f"meter:{reading.pk}" in billed
    return result


def is_jump(usage: Decimal, history: History, kind: str) -> bool:
    if history.average is None:
        return False
    return usage > JUMP_FACTOR * history.average and usage > JUMP_MIN.get(kind, Decimal("0"))


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


__all__ = ["GridRow", "History", "default_period", "grid_rows", "history_for", "is_jump", "meter_buildings"]
