"""Meter readings (抄表): entry by building and month, and .xlsx import.

Usage = reading − previous reading (the meter's latest reading of an earlier month; a unit's first
reading is the starting point, usage 0, unless the previous value is typed). A reading below the
previous one is refused, and so is one above a later month's reading. A usage more than ``JUMP_FACTOR``
× the average of the unit's last ``JUMP_HISTORY`` usages, and above ``JUMP_MIN`` for the meter, needs
the "unusual jump confirmed" tick. A reading already on a bill cannot change.

The import is all-or-nothing: when any row is wrong nothing is saved and every bad row is reported.
"""

import datetime
import io
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from core.text import clean_text
from frontdesk.models import Unit

from ..models import MeterReading
from ..selectors.meters import JUMP_FACTOR, History, history_for, is_jump

MAX_ROWS = 5000
KIND_WORDS = {
    "water": MeterReading.Kind.WATER, "水": MeterReading.Kind.WATER, "水表": MeterReading.Kind.WATER,
    "水费": MeterReading.Kind.WATER, "electricity": MeterReading.Kind.ELECTRICITY,
    "electric": MeterReading.Kind.ELECTRICITY, "power": MeterReading.Kind.ELECTRICITY,
    "电": MeterReading.Kind.ELECTRICITY, "电表": MeterReading.Kind.ELECTRICITY, "电费": MeterReading.Kind.ELECTRICITY,
}


def _number(value, label) -> Decimal:
    try:
        number = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, TypeError):
        raise ValidationError(_("%(what)s is not a number.") % {"what": label}) from None
    if not number.is_finite() or number < 0 or number >= Decimal("1e10"):
        raise ValidationError(_("%(what)s must be a number of at least 0.") % {"what": label})
    return number.quantize(Decimal("0.01"))


def _check(entry: dict, history: History, kind: str) -> MeterReading:
    """Build (not save) the reading of ``entry`` or raise ValidationError with the row's message."""
    reading = _number(entry["reading"], _("The reading"))
    previous = history.previous
    if previous is None and entry.get("previous") not in (None, ""):
        previous = _number(entry["previous"], _("The previous reading"))
    if history.billed and history.current.reading != reading:
        raise ValidationError(_("This month's reading is already billed: it cannot change."))
    if previous is not None and reading < previous:
        raise ValidationError(_("The reading %(reading)s is below the previous reading %(previous)s.")
                              % {"reading": reading, "previous": previous})
    if history.later is not None and reading > history.later:
        raise ValidationError(_("The reading %(reading)s is above a later month's reading %(later)s.")
                              % {"reading": reading, "later": history.later})
    usage = reading - previous if previous is not None else Decimal("0.00")
    if is_jump(usage, history, kind) and not entry.get("confirm"):
        raise ValidationError(_("Usage %(usage)s is more than %(factor)s× this unit's average of %(average)s: "
                                "check the reading and tick “confirmed”.")
                              % {"usage": usage, "factor": JUMP_FACTOR,
                                 "average": history.average.quantize(Decimal("0.01"))}, code="jump")
    return MeterReading(unit_id=entry["unit"].pk, community_id=entry["unit"].community_id, kind=kind,
                        reading=reading, previous=previous, usage=usage,
                        jump_confirmed=bool(entry.get("confirm")) and is_jump(usage, history, kind))


def _period(period) -> datetime.date:
    if not isinstance(period, datetime.date) or period.day != 1:
        raise ValidationError({"period": _("Choose a month.")})
    return period


def _kind(kind) -> str:
    if kind not in MeterReading.Kind.values:
        raise ValidationError({"kind": _("Choose the meter.")})
    return kind


def readings_save(*, kind: str, period, entries: list[dict], actor, all_or_nothing: bool = False):
    """Save readings of one meter kind and month. ``entries``: dicts with ``key`` (to report errors by),
    ``unit``, ``reading``, optional ``confirm`` and ``previous``. Returns ``(saved, errors)`` — readings
    saved and ``{key: ValidationError}``. With ``all_or_nothing`` nothing is saved when any entry is wrong.
    Set-based: the history in four queries, one upsert for all valid rows."""
    kind, period = _kind(kind), _period(period)
    entries = [e for e in entries if str(e.get("reading") if e.get("reading") is not None else "").strip() != ""]
    with transaction.atomic():
        unit_ids = sorted({e["unit"].pk for e in entries})
        # lock the units' rows in a fixed order: two people entering the same building wait for each other
        list(Unit.objects.select_for_update().filter(pk__in=unit_ids).order_by("pk").values_list("pk"))
        histories = history_for(unit_ids=unit_ids, kind=kind, period=period)
        valid, errors, seen = [], {}, set()
        for entry in entries:
            unit = entry["unit"]
            if unit.pk in seen:
                errors[entry["key"]] = ValidationError(_("This room's %(meter)s reading appears twice.") % {
                    "meter": MeterReading.Kind(kind).label})
                continue
            seen.add(unit.pk)
            try:
                valid.append(_check(entry, histories[unit.pk], kind))
            except ValidationError as exc:
                errors[entry["key"]] = exc
        if errors and all_or_nothing:
            return [], errors
        for reading in valid:
            reading.period, reading.recorded_by = period, actor
        saved = MeterReading.objects.bulk_create(
            valid, update_conflicts=True, unique_fields=["unit", "kind", "period"],
            update_fields=["reading", "previous", "usage", "jump_confirmed", "recorded_by", "recorded_at"])
    return saved, errors


def reading_save(*, unit, kind: str, period, reading, actor, confirm: bool = False, previous=None) -> MeterReading:
    """One unit's reading (the grid's row save); ValidationError with the row's message."""
    saved, errors = readings_save(kind=kind, period=period, actor=actor, all_or_nothing=True, entries=[
        {"key": unit.pk, "unit": unit, "reading": reading, "confirm": confirm, "previous": previous}])
    if errors:
        raise errors[unit.pk]
    if not saved:
        raise ValidationError(_("Give the reading."))
    return saved[0]


# --- import -------------------------------------------------------------------------------------------

HEADERS = {
    "room": ("room", "room code", "房号", "房间", "房间号", "房屋", "房屋编号", "单元号"),
    "meter": ("meter", "kind", "表", "表类", "表类型", "类型", "表计"),
    "reading": ("reading", "读数", "本月读数", "本期读数", "抄表读数"),
}


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean_text(str(value))


def import_rows(upload) -> list[tuple[int, str, str, str]]:
    """Rows of the first sheet as ``(row number, room, meter, reading)``; headings found by name in the
    first 10 rows (default: the first three columns)."""
    try:
        workbook = load_workbook(io.BytesIO(upload.read()), read_only=True, data_only=True)
    except Exception:
        raise ValidationError({"file": _("This file cannot be read as an Excel .xlsx file.")}) from None
    sheet = workbook.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 11))
    workbook.close()
    columns, start = {"room": 0, "meter": 1, "reading": 2}, 0
    headers = {key: {*words, *(w.lower() for w in extra)} for (key, words), extra in zip(
        HEADERS.items(), ((_("Room code"), _("Room")), (_("Meter"),), (_("Reading"),)), strict=True)}
    for index, row in enumerate(rows[:10]):
        names = [_cell(v).lower() for v in row]
        found = {key: next((i for i, n in enumerate(names) if n in words), None) for key, words in headers.items()}
        if all(v is not None for v in found.values()):
            columns, start = found, index + 1
            break
    else:
        if rows and not _cell(rows[0][2] if len(rows[0]) > 2 else "").replace(".", "").isdigit():
            start = 1  # an unrecognised heading row
    result = []
    for index, row in enumerate(rows[start:], start=start + 1):
        values = [_cell(row[columns[k]]) if columns[k] < len(row) else "" for k in ("room", "meter", "reading")]
        if any(values):
            result.append((index, *values))
    if len(result) > MAX_ROWS:
        raise ValidationError({"file": _("At most %(n)s rows at a time.") % {"n": MAX_ROWS}})
    if not result:
        raise ValidationError({"file": _("The file has no readings.")})
    return result


def readings_import(*, community, period, upload, actor, confirm_jumps: bool = False) -> tuple[int, list]:
    """Import readings of ``period`` from an .xlsx (room code, meter, reading). All or nothing: returns
    ``(saved count, [])`` or ``(0, [(row, room, message), …])``."""
    period = _period(period)
    rows = import_rows(upload)
    codes = {room for _row, room, _meter, _reading in rows}
    units = {u.code: u for u in Unit.objects.filter(community=community, code__in=codes, is_active=True)}
    problems, by_kind = [], {}
    words = {**KIND_WORDS, **{str(k.label).lower(): k.value for k in MeterReading.Kind}}
    for number, room, meter, reading in rows:
        unit = units.get(room)
        kind = words.get(meter.lower()) if meter else None
        if not room:
            problems.append((number, room, _("The room code is missing.")))
        elif unit is None:
            problems.append((number, room, _("No active room %(code)s in this community.") % {"code": room}))
        elif kind is None:
            problems.append((number, room, _("Unknown meter “%(meter)s”: write water or electricity (水 / 电).")
                             % {"meter": meter}))
        elif not reading:
            problems.append((number, room, _("The reading is missing.")))
        else:
            by_kind.setdefault(kind, []).append({"key": (number, room), "unit": unit, "reading": reading,
                                                 "confirm": confirm_jumps})
    with transaction.atomic():
        saved_count = 0
        for kind, entries in by_kind.items():
            saved, errors = readings_save(kind=kind, period=period, entries=entries, actor=actor,
                                          all_or_nothing=True)
            problems += [(key[0], key[1], " ".join(exc.messages)) for key, exc in errors.items()]
            saved_count += len(saved)
        if problems:
            transaction.set_rollback(True)
            return 0, sorted(problems)
    return saved_count, []
