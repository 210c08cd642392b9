"""Statistics of repairs and complaints, the page's whole report: volumes by category and building,
clocks on time, satisfaction, complaint hot spots and the complaint target. Reads only.

Every figure is aggregated in SQL; ``ticket_stats`` runs a fixed number of queries (five: the
tickets by category, by building and the complaints by month, the clocks, the callbacks) whatever the
number of tickets, categories or buildings."""

from dataclasses import dataclass, field

from django.utils import timezone

from ...models import Ticket
from .clocks import on_time
from .hot_spots import hot_spots
from .periods import (
    DEFAULT_PERIODS,
    MAX_PERIODS,
    MONTH,
    WEEK,
    label,
    period_starts,
)
from .satisfaction import satisfaction
from .targets import complaint_targets, target_months
from .volume import table_rows, volumes

K = Ticket.Kind


@dataclass
class Stats:
    period: str
    periods: list  # [date] first day of each period, oldest first
    labels: list  # ["11-16", …] or ["2026-11", …]
    by_category: list  # [{"name", "repairs": [n per period], "complaints": [...], "total"}]
    by_building: list
    totals: dict  # {"repairs": [...], "complaints": [...], "enquiries": [...], "services": [...], "suggestions": [...]}
    by_kind: list  # [{"kind", "label", "counts": [n per period], "total"}] for every ticket kind (seed 002: suggestions)
    clocks: list  # [{"kind", "label", "on_time", "late", "rate"}]
    clock_rate_by_period: list  # [rate or None per period], all clocks together
    satisfaction: list  # [{"average", "count"}]
    satisfaction_overall: float | None
    satisfaction_count: int
    hot_spots: list  # [{"dimension", "name", "previous", "current", "rise"}]
    target_rows: list  # [{"building", "months": [n...], "over": [bool...], "over_now": bool}]
    target_months: list  # ["2026-09", …]
    extra: dict = field(default_factory=dict)


def ticket_stats(*, community_ids, period: str = WEEK, count: int | None = None, now=None) -> Stats:
    """``community_ids``: the communities to count, already limited to the user's (the view scopes them)."""
    community_ids = list(community_ids)
    period = period if period in (WEEK, MONTH) else WEEK
    count = max(2, min(count or DEFAULT_PERIODS[period], MAX_PERIODS))
    now = now or timezone.now()
    today = timezone.localdate(now)
    starts = period_starts(period, count, today)
    months = target_months(today)

    counted = volumes(community_ids=community_ids, starts=starts, months=months)
    categories, totals, buildings = counted.by_category, counted.totals, counted.by_building
    clocks, clock_rates = on_time(community_ids=community_ids, starts=starts)
    per_period, overall, n_satisfaction = satisfaction(community_ids=community_ids, starts=starts)
    return Stats(
        period=period, periods=starts, labels=[label(period, d) for d in starts],
        by_category=table_rows(categories), by_building=table_rows(buildings),
        totals={"repairs": totals[K.REPAIR], "complaints": totals[K.COMPLAINT], "enquiries": totals[K.ENQUIRY],
                "handoffs": totals[K.HANDOFF], "services": totals[K.SERVICE], "suggestions": totals[K.SUGGESTION]},
        by_kind=[{"kind": kind, "label": str(label), "counts": totals.get(kind, [0] * count),
                  "total": sum(totals.get(kind, []))} for kind, label in K.choices],
        clocks=clocks, clock_rate_by_period=clock_rates,
        satisfaction=per_period, satisfaction_overall=overall, satisfaction_count=n_satisfaction,
        hot_spots=hot_spots(by_category=categories, by_building=buildings),
        target_rows=complaint_targets(counted.complaints_by_month), target_months=[label(MONTH, d) for d in months],
    )
