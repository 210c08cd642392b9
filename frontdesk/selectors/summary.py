"""The manager's daily summary 前台日报: the sections every app registers (``frontdesk.registry``), their
figures for one day and a list of communities, the comparison columns read from the frozen days
(``FrozenFigure``, one query), the charts and the archive. Imports no feature app.

Comparisons (all from frozen rows, summed over the communities shown; a day counts only when every one
of them was frozen):
- vs yesterday, vs the same weekday last week: the figure's frozen value on that day;
- month-to-date (additive figures only): the frozen days of this month before the day shown plus the day
  shown, against the same days of last month (day 1 to the same day of the month, cut at its end).
A percent cannot be summed: over several communities its comparisons are left empty (the section
recomputes the percent itself for the list of ids; the frozen rows are per community).
"""

import calendar
import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Max, Sum
from django.utils.translation import gettext as _

from core.permissions import has_perm
from frontdesk.models import Community, FrozenFigure, SummarySettings
from frontdesk.registry import COUNT, MONEY, PERCENT, summary_sections

TREND_DAYS = 14
TREND_KEYS = ("repairs.opened", "billing.collected")  # the 14-day trend chart (the sections use these keys)
COMPLAINTS_KEY = "repairs.complaints"  # complaints by category: this figure's breakdown
CENT = Decimal("0.01")


def as_decimal(value) -> Decimal | None:
    """A figure's value as it is frozen: a Decimal (two places), None when not applicable."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        value = int(value)
    return Decimal(str(value)).quantize(CENT)


def _plain(value: Decimal | None, kind: str):
    """A frozen Decimal back as the figure's own type (an int for a count)."""
    if value is None:
        return None
    return int(value) if kind == COUNT else value


@dataclass
class Comparison:
    label: str
    previous: object  # the value compared against (None: no frozen data)
    current: object = None  # the value compared (month-to-date: the running sum)
    delta: object = None
    arrow: str = ""  # "up" | "down" | "flat" | ""
    tone: str = ""  # "good" | "bad" | "" (neutral)

    @property
    def change(self):
        """The size of the change (the arrow gives its direction)."""
        return None if self.delta is None else abs(self.delta)

    @property
    def symbol(self) -> str:
        return {"up": "▲", "down": "▼", "flat": "="}.get(self.arrow, "")


@dataclass
class Row:
    key: str
    label: str
    value: object  # the value shown (the frozen one when the day was frozen)
    kind: str = COUNT
    url: str = ""
    exception: bool = False
    alert: bool = False
    target: object = None
    better: str = "up"
    additive: bool = True
    group: str = ""
    breakdown: tuple = ()
    corrected: object = None  # the live value when it differs from the frozen one ("已更正")
    is_corrected: bool = False
    comparisons: list = field(default_factory=list)

    @property
    def is_money(self) -> bool:
        return self.kind == MONEY

    @property
    def is_percent(self) -> bool:
        return self.kind == PERCENT


def compare(current, previous, better: str, label: str) -> Comparison:
    """The arrow and its colour agree with the numbers: up when current > previous; green when that is the
    direction ``better`` names, red when it is the other one, neutral when equal or with no direction."""
    if current is None or previous is None:
        return Comparison(label=label, previous=previous, current=current)
    delta = Decimal(str(current)) - Decimal(str(previous))
    arrow = "up" if delta > 0 else "down" if delta < 0 else "flat"
    tone = ""
    if arrow in ("up", "down") and better in ("up", "down"):
        tone = "good" if arrow == better else "bad"
    if isinstance(current, int) and isinstance(previous, int):
        delta = int(delta)
    return Comparison(label=label, previous=previous, current=current, delta=delta, arrow=arrow, tone=tone)


def _last_month_range(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    last_of_previous = day.replace(day=1) - datetime.timedelta(days=1)
    end = last_of_previous.replace(day=min(day.day, calendar.monthrange(last_of_previous.year,
                                                                        last_of_previous.month)[1]))
    return last_of_previous.replace(day=1), end


def frozen_values(community_ids: list[int], first: datetime.date, last: datetime.date) -> dict:
    """{(key, day): (sum of the communities' frozen values, how many communities were frozen)} — one query."""
    rows = (FrozenFigure.objects.filter(community_id__in=community_ids, day__gte=first, day__lte=last)
            .values("key", "day").annotate(total=Sum("value"), frozen=Count("id")).order_by())
    return {(r["key"], r["day"]): (r["total"], r["frozen"]) for r in rows}


def visible_sections(user) -> list:
    return [s for s in summary_sections() if user is None or not s.action or has_perm(user, s.action)]


@dataclass
class Summary:
    day: datetime.date
    community_ids: list
    sections: list  # [{"section": SummarySection, "title": str, "groups": [(group, [Row])]}]
    exceptions: list  # [Row] with exception=True and a truthy value, across sections
    frozen: bool  # every community shown was frozen on that day
    frozen_at: object = None
    chart: dict = field(default_factory=dict)

    @property
    def rows(self) -> list:
        return [row for s in self.sections for _group, rows in s["groups"] for row in rows]


def summary_for(community_ids: list[int], day: datetime.date, *, user, archived: bool = False) -> Summary:
    """The summary of ``day`` for ``community_ids`` as ``user`` may see it (each section's ``action``).

    Each section computes its figures for the list of ids (a percent is recomputed, counts and money summed);
    then one query reads every frozen row the comparisons, the "corrected since" marks and the charts need.
    ``archived``: the values are the frozen ones only (the archive and its PDF): a figure never frozen is left
    out, a frozen figure no section returns any more is shown from its row."""
    community_ids = sorted(set(community_ids))
    several = len(community_ids) > 1
    sections = visible_sections(user)
    live = [(section, list(section.figures(community_ids, day))) for section in sections]

    yesterday, last_week = day - datetime.timedelta(days=1), day - datetime.timedelta(days=7)
    last_month_first, last_month_end = _last_month_range(day)
    first = min(last_month_first, day - datetime.timedelta(days=TREND_DAYS - 1))
    frozen = frozen_values(community_ids, first, day)
    complete = len(community_ids)

    def frozen_at(key, on):
        total, count = frozen.get((key, on), (None, 0))
        return total if count == complete and count else None

    def frozen_sum(key, start, end):
        """The sum over [start, end] of days frozen for every community; None when a day is missing."""
        total, on = Decimal(0), start
        while on <= end:
            value = frozen_at(key, on)
            if value is None:
                return None
            total += value
            on += datetime.timedelta(days=1)
        return total

    day_frozen = {key for (key, on), (_total, count) in frozen.items() if on == day and count == complete}
    result_sections, exceptions = [], []
    for section, figures in live:
        rows = []
        for figure in figures:
            live_value = as_decimal(figure.value)
            frozen_value = frozen_at(figure.key, day) if figure.key in day_frozen else None
            if archived and figure.key not in day_frozen:
                continue
            row = Row(key=figure.key, label=str(figure.label), value=figure.value, kind=figure.kind, url=figure.url,
                      exception=figure.exception, alert=figure.alert, target=figure.target, better=figure.better,
                      additive=figure.additive, group=str(figure.group or ""), breakdown=tuple(figure.breakdown))
            if figure.key in day_frozen and not (several and figure.kind == PERCENT):
                row.value = _plain(frozen_value, figure.kind)
                if not archived and frozen_value != live_value:
                    row.corrected, row.is_corrected = figure.value, True
            shown = as_decimal(row.value)
            if not (several and figure.kind == PERCENT):
                for label, on in ((_("vs yesterday"), yesterday), (_("vs same day last week"), last_week)):
                    row.comparisons.append(compare(_plain(shown, figure.kind),
                                                   _plain(frozen_at(figure.key, on), figure.kind), figure.better,
                                                   label))
                if figure.additive and figure.kind in (COUNT, MONEY) and shown is not None:
                    before = (frozen_sum(figure.key, day.replace(day=1), yesterday)
                              if day.day > 1 else Decimal(0))
                    month = None if before is None else before + shown
                    previous = frozen_sum(figure.key, last_month_first, last_month_end)
                    row.comparisons.append(compare(_plain(month, figure.kind), _plain(previous, figure.kind),
                                                   figure.better, _("month to date vs last month")))
            rows.append(row)
            if row.exception and row.value:
                exceptions.append(row)
        groups: dict[str, list] = {}
        for row in rows:
            groups.setdefault(row.group, []).append(row)
        if rows:
            result_sections.append({"section": section, "key": section.key, "title": str(section.title),
                                    "groups": list(groups.items())})
    if archived:
        shown_keys = {row.key for s in result_sections for _g, rows in s["groups"] for row in rows}
        orphans = [key for key in sorted(day_frozen) if key not in shown_keys]
        if orphans:
            result_sections.append(_orphan_section(community_ids, day, orphans, frozen, complete))
    summary = Summary(day=day, community_ids=community_ids, sections=result_sections, exceptions=exceptions,
                      frozen=bool(day_frozen))
    summary.chart = _chart(summary, frozen, complete, day)
    return summary


def _orphan_section(community_ids, day, keys, frozen, complete) -> dict:
    """Frozen figures no registered section returns any more (an app was removed): shown from their rows."""
    meta = {key: (label, kind) for key, label, kind in FrozenFigure.objects.filter(
        community_id__in=community_ids, day=day, key__in=keys).values_list("key", "label", "kind")
        .order_by("key").distinct("key")}
    labels = {key: label for key, (label, _kind) in meta.items()}
    kinds = {key: kind for key, (_label, kind) in meta.items()}
    rows = [Row(key=key, label=labels.get(key, key), kind=kinds.get(key, COUNT),
                value=_plain(frozen[(key, day)][0], kinds.get(key, COUNT))) for key in keys]
    return {"section": None, "key": "other", "title": _("Other figures"), "groups": [("", rows)]}


def _chart(summary: Summary, frozen: dict, complete: int, day: datetime.date) -> dict:
    """The page's chart data: 14 days of tickets opened and fees collected (frozen days, the day shown live)
    and complaints by category (the day's breakdown)."""
    days = [day - datetime.timedelta(days=n) for n in range(TREND_DAYS - 1, -1, -1)]
    by_key = {row.key: row for row in summary.rows}
    series = {}
    for key in TREND_KEYS:
        values = []
        for on in days:
            if on == day and key in by_key:
                value = as_decimal(by_key[key].value)
            else:
                total, count = frozen.get((key, on), (None, 0))
                value = total if count == complete and count else None
            values.append(None if value is None else float(value))
        series[key] = values
    complaints = by_key.get(COMPLAINTS_KEY)
    breakdown = [(str(label), float(as_decimal(value) or 0)) for label, value in (complaints.breakdown if complaints
                                                                                  else ())]
    has_trend = any(v is not None for values in series.values() for v in values)
    return {
        "labels": [on.strftime("%m-%d") for on in days],
        "tickets": series["repairs.opened"], "collected": series["billing.collected"],
        "categories": [label for label, _value in breakdown], "complaints": [value for _label, value in breakdown],
        "has_trend": has_trend, "has_complaints": bool(breakdown),
        "text": {"tickets": by_key["repairs.opened"].label if "repairs.opened" in by_key else _("Tickets opened"),
                 "collected": (by_key["billing.collected"].label if "billing.collected" in by_key
                               else _("Fees collected")),
                 "complaints": complaints.label if complaints else _("Complaints")},
    }


# ---- the archive ---------------------------------------------------------------------------------------------

def archive_days(community_ids: list[int], *, month: datetime.date | None = None):
    """The frozen days (one row per community and day, newest first): a queryset of dicts
    ``{community, community__name, day, figures, frozen_at}``."""
    qs = FrozenFigure.objects.filter(community_id__in=community_ids)
    if month is not None:
        qs = qs.filter(day__year=month.year, day__month=month.month)
    return (qs.values("community", "community__name", "day")
            .annotate(figures=Count("id"), frozen_at=Max("frozen_at")).order_by("-day", "community__name"))


def is_frozen(community_id: int, day: datetime.date) -> bool:
    return FrozenFigure.objects.filter(community_id=community_id, day=day).exists()


def frozen_at(community_ids: list[int], day: datetime.date):
    return FrozenFigure.objects.filter(community_id__in=community_ids, day=day).aggregate(at=Max("frozen_at"))["at"]


# ---- the freezing schedule -----------------------------------------------------------------------------------

def freeze_times() -> dict[int, datetime.time]:
    """{community id: local time its day is frozen} for every community (the default where none is set)."""
    custom = dict(SummarySettings.objects.values_list("community_id", "freeze_at"))
    return {pk: custom.get(pk, SummarySettings.DEFAULT_FREEZE_AT)
            for pk in Community.objects.order_by("pk").values_list("pk", flat=True)}


def freeze_at_for(community) -> datetime.time:
    row = SummarySettings.objects.filter(community=community).values_list("freeze_at", flat=True).first()
    return row or SummarySettings.DEFAULT_FREEZE_AT


def frozen_pairs(community_ids: list[int], first: datetime.date, last: datetime.date) -> set[tuple[int, datetime.date]]:
    """The (community, day) pairs frozen between ``first`` and ``last`` (one query)."""
    return set(FrozenFigure.objects.filter(community_id__in=community_ids, day__gte=first, day__lte=last)
               .values_list("community_id", "day").distinct())
