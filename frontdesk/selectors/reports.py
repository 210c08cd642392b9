"""Weekly and monthly reports 周报/月报, built only from the frozen days (``FrozenFigure`` rows): no second way
of counting. The aggregation is generic over the rows: an additive figure (a day's flow) is summed over the
frozen days, a level (``additive=False``, and every percentage) is read on the last frozen day of the period,
breakdowns are summed label by label (levels: the last day's breakdown). Across several communities counts and
amounts add up, a percentage cannot (it is shown per community) and breakdown labels carry the community's name.
A day of the period with no frozen row for a community is listed as missing (未归档), never counted as zero.

The figure keys below only decide the layout (seed 002 第1篇 20: repairs, complaints, move-ins/outs and
suggestions per week; 第8篇 8: complaint hot spots; repair complaints per area per month against the limit of 2;
the collection rate by building; the duty appraisal's staff figures); every other frozen key is listed too.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.dates import add_months
from core.money import format_money

from ..models import FrozenFigure
from ..registry import MONEY, PERCENT

WEEK, MONTH = "week", "month"
PERIODS = ((WEEK, gettext_lazy("Week")), (MONTH, gettext_lazy("Month")))

WEEKLY_KEYS = ("repairs.opened", "repairs.complaints", "frontdesk.move_ins", "frontdesk.move_outs",
               "repairs.suggestions")
BY_KIND_KEY = "repairs.opened"  # its breakdown: tickets by kind
HOT_SPOTS_KEY = "repairs.complaints.hot_spots"  # breakdown "<building> · <category>" -> count
AREA_KEY = "repairs.repair_complaints.by_area"  # breakdown per area -> repair complaints
AREA_LIMIT = 2  # repair complaints per area per month (seed 002)
RATE_KEY = "billing.collection_rate"
RATE_BY_BUILDING_KEY = "billing.collection_rate.by_building"
STAFF_KEY = "duty.entries.by_staff"
HOT_SPOTS_SHOWN = 20


def period_of(kind: str, day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The week (Monday to Sunday) or the calendar month holding ``day``."""
    if kind == MONTH:
        start = day.replace(day=1)
        return start, add_months(start, 1) - datetime.timedelta(days=1)
    start = day - datetime.timedelta(days=day.weekday())
    return start, start + datetime.timedelta(days=6)


def _number(value) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def display(kind: str, value) -> str:
    """A figure's value as the manager reads it: 12 / ¥1,234.50 / 86.20%; "—" when there is none."""
    if value is None:
        return "—"
    if kind == MONEY:
        return format_money(value)
    if kind == PERCENT:
        return f"{Decimal(value):.2f}%"
    return f"{Decimal(value):.0f}" if Decimal(value) == Decimal(value).to_integral_value() else f"{value}"


@dataclass
class Total:
    """One figure over a span of frozen days (and communities)."""

    key: str
    label: str
    kind: str
    section: str
    additive: bool
    value: Decimal | None = None
    breakdown: list = field(default_factory=list)  # [(label, Decimal)], largest first
    as_of: datetime.date | None = None  # levels: the frozen day the value was read on
    per_community: list = field(default_factory=list)  # [(community name, value)] when several communities

    @property
    def text(self) -> str:
        return display(self.kind, self.value)

    @property
    def breakdown_text(self) -> list[tuple[str, str]]:
        return [(label, display(self.kind, value)) for label, value in self.breakdown]


@dataclass(frozen=True)
class _Row:
    community_id: int
    day: datetime.date
    section: str
    key: str
    label: str
    kind: str
    value: Decimal | None
    breakdown: list
    additive: bool


def _is_level(row: _Row) -> bool:
    return not row.additive or row.kind == PERCENT


def _add_breakdown(into: dict, breakdown, prefix: str = "") -> None:
    for pair in breakdown or ():
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            continue
        value = _number(pair[1])
        if value is None:
            continue
        label = f"{prefix}{pair[0]}"
        into[label] = into.get(label, Decimal(0)) + value


def _one_community(rows: list[_Row]) -> dict[str, Total]:
    """Key -> Total over the given rows of one community: sums for flows, the last day for levels."""
    by_key: dict[str, list[_Row]] = {}
    for row in rows:
        by_key.setdefault(row.key, []).append(row)
    totals = {}
    for key, key_rows in by_key.items():
        key_rows.sort(key=lambda r: r.day)
        last = key_rows[-1]
        total = Total(key=key, label=last.label, kind=last.kind, section=last.section, additive=not _is_level(last))
        breakdown: dict[str, Decimal] = {}
        if total.additive:
            values = [r.value for r in key_rows if r.value is not None]
            total.value = sum(values, Decimal(0)) if values else None
            for r in key_rows:
                _add_breakdown(breakdown, r.breakdown)
        else:
            total.value, total.as_of = last.value, last.day
            _add_breakdown(breakdown, last.breakdown)
        total.breakdown = list(breakdown.items())
        totals[key] = total
    return totals


def combine(rows: list[_Row], names: dict[int, str]) -> dict[str, Total]:
    """Key -> Total over ``rows`` (any span of days, any communities): each community on its own first, then
    counts and amounts added up; a percentage only for a single community (else per community)."""
    by_community: dict[int, list[_Row]] = {}
    for row in rows:
        by_community.setdefault(row.community_id, []).append(row)
    several = len(names) > 1
    combined: dict[str, Total] = {}
    breakdowns: dict[str, dict] = {}
    for community_id in sorted(by_community, key=lambda pk: names.get(pk, "")):
        name = names.get(community_id, "")
        for key, total in _one_community(by_community[community_id]).items():
            into = combined.get(key)
            if into is None:
                into = combined[key] = Total(key=key, label=total.label, kind=total.kind, section=total.section,
                                             additive=total.additive, as_of=total.as_of)
                breakdowns[key] = {}
            if several:
                into.per_community.append((name, total.value))
            if total.value is not None and not (several and total.kind == PERCENT):
                into.value = (into.value or Decimal(0)) + total.value
            if total.as_of and (into.as_of is None or total.as_of > into.as_of):
                into.as_of = total.as_of
            _add_breakdown(breakdowns[key], total.breakdown, f"{name} · " if several else "")
    for key, total in combined.items():
        total.breakdown = sorted(breakdowns[key].items(), key=lambda pair: (-pair[1], pair[0]))
    return combined


def _rows(community_ids, start, end) -> list[_Row]:
    """The frozen rows of the communities and days: ONE query."""
    qs = (FrozenFigure.objects.filter(community_id__in=list(community_ids), day__range=(start, end))
          .values_list("community_id", "day", "section", "key", "label", "kind", "value", "breakdown", "additive"))
    return [_Row(*values) for values in qs]


def _days(start, end) -> list[datetime.date]:
    return [start + datetime.timedelta(days=n) for n in range((end - start).days + 1)]


def _weeks(start, end) -> list[tuple[datetime.date, datetime.date]]:
    """The weeks (Monday–Sunday) of the span, each cut to the span."""
    result, day = [], start
    while day <= end:
        week_end = min(day + datetime.timedelta(days=6 - day.weekday()), end)
        result.append((day, week_end))
        day = week_end + datetime.timedelta(days=1)
    return result


def _months(start, end) -> list[tuple[datetime.date, datetime.date]]:
    result, day = [], start
    while day <= end:
        month_end = min(add_months(day, 1) - datetime.timedelta(days=1), end)
        result.append((day, month_end))
        day = month_end + datetime.timedelta(days=1)
    return result


def period_report(*, communities, kind: str, day: datetime.date, today: datetime.date) -> dict:
    """The report of the week or month holding ``day`` for ``communities`` (the user's own, already scoped), up
    to ``today``. One query for the rows; everything else is arithmetic over them."""
    kind = kind if kind in (WEEK, MONTH) else WEEK
    start, end = period_of(kind, day)
    last = min(end, today)
    names = {c.pk: c.name for c in communities}
    rows = _rows(names.keys(), start, last) if names and start <= last else []

    frozen = {(r.community_id, r.day) for r in rows}
    days = _days(start, last) if start <= last else []
    missing = [{"community": name, "days": [d for d in days if (pk, d) not in frozen]}
               for pk, name in sorted(names.items(), key=lambda item: item[1])]
    missing = [m for m in missing if m["days"]]

    def span(first, final):
        return [r for r in rows if first <= r.day <= final]

    whole = combine(rows, names)
    weeks = []
    for first, final in _weeks(start, last):
        totals = combine(span(first, final), names)
        weeks.append({"start": first, "end": final, "figures": [totals.get(k) for k in WEEKLY_KEYS],
                      "by_kind": _counts(totals.get(BY_KIND_KEY))})
    areas = []
    for first, final in _months(start, last):
        total = combine([r for r in span(first, final) if r.key == AREA_KEY], names).get(AREA_KEY)
        areas.append({"month": first, "start": first, "end": final,
                      "areas": [{"label": label, "count": int(value), "over": value > AREA_LIMIT}
                                for label, value in (total.breakdown if total else [])]})
    hot = whole.get(HOT_SPOTS_KEY)
    staff = whole.get(STAFF_KEY)
    layout_keys = {*WEEKLY_KEYS, HOT_SPOTS_KEY, AREA_KEY, RATE_KEY, RATE_BY_BUILDING_KEY, STAFF_KEY}
    return {
        "kind": kind, "start": start, "end": end, "last": last, "partial": last < end,
        "communities": [names[pk] for pk in sorted(names, key=names.get)], "several": len(names) > 1,
        "missing": missing, "frozen_days": len({r.day for r in rows}), "has_rows": bool(rows),
        "weekly_labels": [whole[k].label if k in whole else _default_label(k) for k in WEEKLY_KEYS],
        "weeks": weeks, "weekly_total": [whole.get(k) for k in WEEKLY_KEYS],
        "by_kind": _counts(whole.get(BY_KIND_KEY)),
        "hot_spots": _counts(hot)[:HOT_SPOTS_SHOWN],
        "area_limit": AREA_LIMIT, "areas": areas,
        "rate": whole.get(RATE_KEY), "rate_by_building": whole.get(RATE_BY_BUILDING_KEY),
        "staff": _counts(staff),
        "figures": sorted((t for k, t in whole.items() if k not in layout_keys), key=lambda t: (t.section, t.key)),
    }


def _counts(total: Total | None) -> list[tuple[str, int]]:
    return [(label, int(value)) for label, value in total.breakdown] if total else []


def _default_label(key: str) -> str:
    return {
        "repairs.opened": _("Repairs and tickets opened"), "repairs.complaints": _("Complaints"),
        "frontdesk.move_ins": _("Move-ins"), "frontdesk.move_outs": _("Move-outs"),
        "repairs.suggestions": _("Suggestions"),
    }.get(key, key)



def export_rows(report: dict) -> list[list]:
    """The report as spreadsheet rows (part, item, value, note): numbers stay numbers."""
    def number(total):
        return None if total is None or total.value is None else total.value

    rows = [[_("Period"), f"{report['start']:%Y-%m-%d} – {report['last']:%Y-%m-%d}", None, "、".join(report["communities"])]]
    for missing in report["missing"]:
        rows.append([_("Not archived"), missing["community"], len(missing["days"]),
                     "、".join(f"{d:%m-%d}" for d in missing["days"])])
    part = _("Weekly statistics")
    for week in report["weeks"]:
        for label, total in zip(report["weekly_labels"], week["figures"], strict=True):
            rows.append([part, f"{week['start']:%m-%d} – {week['end']:%m-%d} {label}", number(total), ""])
    for label, total in zip(report["weekly_labels"], report["weekly_total"], strict=True):
        rows.append([part, f"{_('Total')} {label}", number(total), ""])
    for label, value in report["by_kind"]:
        rows.append([_("Tickets by kind"), label, value, ""])
    for label, count in report["hot_spots"]:
        rows.append([_("Complaint hot spots"), label, count, ""])
    for month in report["areas"]:
        for area in month["areas"]:
            rows.append([_("Repair complaints per area"), f"{month['month']:%Y-%m} {area['label']}", area["count"],
                         _("over the limit of %(limit)s") % {"limit": report["area_limit"]} if area["over"] else ""])
    for total in (report["rate"], report["rate_by_building"]):
        if total is None:
            continue
        as_of = f"{total.as_of:%Y-%m-%d}" if total.as_of else ""
        if total.value is not None:
            rows.append([_("Collection rate"), total.label, total.value, as_of])
        for name, value in total.per_community:
            rows.append([_("Collection rate"), f"{total.label} · {name}", value, as_of])
        for label, value in total.breakdown:
            rows.append([_("Collection rate"), label, value, as_of])
    for label, count in report["staff"]:
        rows.append([_("Staff figures"), label, count, ""])
    for total in report["figures"]:
        rows.append([_("Other figures"), total.label, number(total), f"{total.as_of:%Y-%m-%d}" if total.as_of else ""])
    return rows
