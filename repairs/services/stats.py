"""Statistics of repairs and complaints (002 第1篇 20, 第8篇 8, 第10篇 10): reads only.

Every figure is aggregated in SQL; ``ticket_stats`` runs a fixed number of queries (five) whatever
the number of tickets, categories or buildings. Periods are local (Asia/Shanghai) ISO weeks or
calendar months; the last period is the current one, to date."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Avg, Count, F, Q
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from ..models import Callback, Clock, Ticket

WEEK, MONTH = "week", "month"
DEFAULT_PERIODS = {WEEK: 8, MONTH: 6}
MAX_PERIODS = 24
COMPLAINT_TARGET_PER_MONTH = 2  # 002 第10篇 10: at most 2 repair complaints a month per area


@dataclass
class Stats:
    period: str
    periods: list  # [date] first day of each period, oldest first
    labels: list  # ["11-16", …] or ["2026-11", …]
    by_category: list  # [{"name", "repairs": [n per period], "complaints": [...], "total"}]
    by_building: list
    totals: dict  # {"repairs": [...], "complaints": [...], "enquiries": [...]}
    clocks: list  # [{"kind", "label", "on_time", "late", "rate"}]
    clock_rate_by_period: list  # [rate or None per period], all clocks together
    satisfaction: list  # [{"period", "average", "count"}]
    satisfaction_overall: float | None
    satisfaction_count: int
    hot_spots: list  # [{"dimension", "name", "previous", "current", "rise"}]
    target_rows: list  # [{"building", "months": [n...], "over": [bool...], "over_now": bool}]
    target_months: list  # ["2026-09", …]
    extra: dict = field(default_factory=dict)


def _start_of(period: str, day: datetime.date) -> datetime.date:
    if period == WEEK:
        return day - datetime.timedelta(days=day.weekday())
    return day.replace(day=1)


def _step_back(period: str, start: datetime.date, n: int) -> datetime.date:
    if period == WEEK:
        return start - datetime.timedelta(weeks=n)
    month = start.year * 12 + start.month - 1 - n
    return datetime.date(month // 12, month % 12 + 1, 1)


def period_starts(period: str, count: int, today: datetime.date) -> list[datetime.date]:
    last = _start_of(period, today)
    return [_step_back(period, last, n) for n in range(count - 1, -1, -1)]


def _aware(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _trunc(period: str, name: str):
    return (TruncWeek if period == WEEK else TruncMonth)(name, tzinfo=timezone.get_current_timezone())


def _day(value) -> datetime.date:
    return timezone.localtime(value).date() if isinstance(value, datetime.datetime) else value


def _rate(on_time: int, late: int):
    return round(100 * on_time / (on_time + late), 1) if on_time + late else None


def ticket_stats(*, community_ids, period: str = WEEK, count: int | None = None, now=None) -> Stats:
    """``community_ids``: the communities to count, already limited to the user's (the view scopes them)."""
    community_ids = list(community_ids)
    tickets = Ticket.objects.filter(community_id__in=community_ids)
    period = period if period in (WEEK, MONTH) else WEEK
    count = max(2, min(count or DEFAULT_PERIODS[period], MAX_PERIODS))
    now = now or timezone.now()
    today = timezone.localdate(now)
    starts = period_starts(period, count, today)
    index = {d: i for i, d in enumerate(starts)}
    since = _aware(starts[0])
    in_range = tickets.filter(created_at__gte=since)
    K = Ticket.Kind

    # 1. per period × kind × category
    by_cat = defaultdict(lambda: {K.REPAIR: [0] * count, K.COMPLAINT: [0] * count})
    totals = {K.REPAIR: [0] * count, K.COMPLAINT: [0] * count, K.ENQUIRY: [0] * count}
    for row in (in_range.annotate(p=_trunc(period, "created_at")).values("p", "kind", "category__name")
                .annotate(n=Count("id")).order_by()):
        i = index.get(_day(row["p"]))
        if i is None:
            continue
        totals[row["kind"]][i] += row["n"]
        if row["kind"] in (K.REPAIR, K.COMPLAINT):
            by_cat[row["category__name"]][row["kind"]][i] += row["n"]

    # 2. per period × kind × building (common areas without a building are one row)
    by_bld = defaultdict(lambda: {K.REPAIR: [0] * count, K.COMPLAINT: [0] * count})
    for row in (in_range.filter(kind__in=[K.REPAIR, K.COMPLAINT]).annotate(p=_trunc(period, "created_at"))
                .values("p", "kind", "community__code", "building__name").annotate(n=Count("id")).order_by()):
        i = index.get(_day(row["p"]))
        if i is None:
            continue
        by_bld[_building_label(row)][row["kind"]][i] += row["n"]

    # 3. clocks: met before the deadline vs breached (or met late), per kind and per period
    clock_rows = (Clock.objects.filter(ticket__community_id__in=community_ids, started_at__gte=since)
                  .annotate(p=_trunc(period, "started_at")).values("p", "kind")
                  .annotate(on_time=Count("id", filter=Q(met_at__isnull=False, breached_at__isnull=True,
                                                         met_at__lte=F("due_at"))),
                            late=Count("id", filter=Q(breached_at__isnull=False) | Q(met_at__gt=F("due_at"))))
                  .order_by())
    per_kind = defaultdict(lambda: [0, 0])
    per_period = [[0, 0] for _ in range(count)]
    for row in clock_rows:
        per_kind[row["kind"]][0] += row["on_time"]
        per_kind[row["kind"]][1] += row["late"]
        i = index.get(_day(row["p"]))
        if i is not None:
            per_period[i][0] += row["on_time"]
            per_period[i][1] += row["late"]
    clocks = [{"kind": kind, "label": str(label), "on_time": per_kind[kind][0], "late": per_kind[kind][1],
               "rate": _rate(*per_kind[kind])} for kind, label in Clock.Kind.choices]

    # 4. satisfaction of the callbacks done in the range
    callbacks = Callback.objects.filter(community_id__in=community_ids, status=Callback.Status.DONE,
                                        satisfaction__isnull=False, done_at__gte=since)
    sat = {(_day(r["p"])): r for r in callbacks.annotate(p=_trunc(period, "done_at")).values("p")
           .annotate(average=Avg("satisfaction"), n=Count("id")).order_by()}
    satisfaction = [{"average": round(sat[d]["average"], 2) if d in sat else None, "count": sat[d]["n"] if d in sat else 0}
                    for d in starts]
    n_sat = sum(s["count"] for s in satisfaction)
    overall = (round(sum((s["average"] or 0) * s["count"] for s in satisfaction) / n_sat, 2) if n_sat else None)

    # 5. the 002 target: complaints per building per calendar month (the last three months)
    months = period_starts(MONTH, 3, today)
    month_index = {d: i for i, d in enumerate(months)}
    per_building_month = defaultdict(lambda: [0] * len(months))
    for row in (tickets.filter(kind=K.COMPLAINT, created_at__gte=_aware(months[0]))
                .annotate(p=_trunc(MONTH, "created_at")).values("p", "community__code", "building__name")
                .annotate(n=Count("id")).order_by()):
        i = month_index.get(_day(row["p"]))
        if i is not None:
            per_building_month[_building_label(row)][i] += row["n"]
    target_rows = sorted(
        ({"building": name, "months": counts, "over": [n > COMPLAINT_TARGET_PER_MONTH for n in counts],
          "over_now": counts[-1] > COMPLAINT_TARGET_PER_MONTH} for name, counts in per_building_month.items()),
        key=lambda r: (-r["months"][-1], r["building"]))

    def rows(groups, key_name):
        out = [{key_name: name, "repairs": g[K.REPAIR], "complaints": g[K.COMPLAINT],
                "total": sum(g[K.REPAIR]) + sum(g[K.COMPLAINT]),
                "cells": list(zip(g[K.REPAIR], g[K.COMPLAINT]))} for name, g in groups.items()]
        return sorted(out, key=lambda r: (-r["total"], str(r[key_name])))

    hot = []
    for dimension, groups in ((_("Category"), by_cat), (_("Building"), by_bld)):
        for name, g in groups.items():
            previous, current = g[K.COMPLAINT][-2], g[K.COMPLAINT][-1]
            if current > previous:
                hot.append({"dimension": dimension, "name": name, "previous": previous, "current": current,
                            "rise": current - previous})
    hot.sort(key=lambda r: (-r["rise"], -r["current"], str(r["name"])))

    fmt = (lambda d: d.strftime("%m-%d")) if period == WEEK else (lambda d: d.strftime("%Y-%m"))
    return Stats(
        period=period, periods=starts, labels=[fmt(d) for d in starts],
        by_category=rows(by_cat, "name"), by_building=rows(by_bld, "name"),
        totals={"repairs": totals[K.REPAIR], "complaints": totals[K.COMPLAINT], "enquiries": totals[K.ENQUIRY]},
        clocks=clocks, clock_rate_by_period=[_rate(*p) for p in per_period],
        satisfaction=satisfaction, satisfaction_overall=overall, satisfaction_count=n_sat,
        hot_spots=hot, target_rows=target_rows, target_months=[d.strftime("%Y-%m") for d in months],
    )


def _building_label(row) -> str:
    building = row["building__name"]
    name = _("Building %(name)s") % {"name": building} if building else _("Common areas")
    return f"{row['community__code']} {name}"


def stats_export_rows(stats: Stats):
    """The page's tables, one after the other on one sheet: a title row, a header row, the rows."""
    for title, groups in ((_("Repairs and complaints by category"), stats.by_category),
                          (_("Repairs and complaints by building"), stats.by_building)):
        yield []
        yield [title]
        yield [_("Group"), _("Type"), *stats.labels, _("Total")]
        for g in groups:
            yield [g["name"], _("Repairs"), *g["repairs"], sum(g["repairs"])]
            yield [g["name"], _("Complaints"), *g["complaints"], sum(g["complaints"])]
    yield []
    yield [_("Totals")]
    yield [_("Type"), *stats.labels]
    yield [_("Repairs"), *stats.totals["repairs"]]
    yield [_("Complaints"), *stats.totals["complaints"]]
    yield [_("Enquiries"), *stats.totals["enquiries"]]
    yield []
    yield [_("Clocks: on time")]
    yield [_("Clock"), _("Met on time"), _("Breached"), _("On-time rate (%)")]
    for c in stats.clocks:
        yield [c["label"], c["on_time"], c["late"], c["rate"]]
    yield []
    yield [_("Satisfaction (callbacks)")]
    yield [_("Period"), _("Callbacks"), _("Average (1–5)")]
    for label, s in zip(stats.labels, stats.satisfaction):
        yield [label, s["count"], s["average"]]
    yield []
    yield [_("Complaint hot spots")]
    yield [_("Dimension"), pgettext("thing", "Name"), _("Previous period"), _("This period"), _("Rise")]
    for h in stats.hot_spots:
        yield [h["dimension"], h["name"], h["previous"], h["current"], h["rise"]]
    yield []
    yield [_("Complaints per building and month (target: at most %(n)s)") % {"n": COMPLAINT_TARGET_PER_MONTH}]
    yield [_("Building"), *stats.target_months]
    for t in stats.target_rows:
        yield [t["building"], *t["months"]]
