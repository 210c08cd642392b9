"""Collection rate (收费率) per building and community, for a month and the half-year containing it.

The rule (docs/billing/arrears.md), for a range [start, end) of months:

* current (当期): the bills of the periods in the range. Billed = Σ(amount − waived); collected = Σ paid
  (as of now: a payment made after the range still counts; a voided receipt has reopened its bills,
  so it lowers ``paid`` and the rate).
* past-due (往期): the bills of earlier periods. Base = what was owed on them at the range start,
  rebuilt as Σ outstanding now + what was collected on them since the start + what was waived on them
  since the start. Collected = what was paid on them during the range: lines of receipts that are not
  void, by the receipt's business day, plus prepaid-balance applications (by their day).
* rate = collected / base (no base: no rate); the target is 85 %.

The sums are not redone from the bills on every request: they come from running totals per building and
month (``billing.collection_totals``, kept by triggers in the transaction of every write to the bills,
receipt lines, voids, balance entries and vouchers; ``manage.py collection_totals`` checks them against the
bills themselves and a nightly task logs any difference). One small query whatever the number of bills.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from django.db import connection
from django.utils import timezone

from core.dates import add_months, month_start

ZERO = Decimal("0.00")
TARGET = Decimal("85")


def half_of(month: datetime.date) -> tuple[datetime.date, datetime.date]:
    start = datetime.date(month.year, 1 if month.month <= 6 else 7, 1)
    return start, add_months(start, 6)


def rate(collected: Decimal, base: Decimal) -> Decimal | None:
    if not base:
        return None
    return (collected * 100 / base).quantize(Decimal("0.1"))


@dataclass
class Figures:
    billed: Decimal = ZERO
    paid: Decimal = ZERO
    past_base: Decimal = ZERO
    past_collected: Decimal = ZERO

    # Computed once per row (a page shows each rate several times); ``add`` forgets them.
    @cached_property
    def current_rate(self):
        return rate(self.paid, self.billed)

    @cached_property
    def past_rate(self):
        return rate(self.past_collected, self.past_base)

    @property
    def total_base(self):
        return self.billed + self.past_base

    @property
    def total_collected(self):
        return self.paid + self.past_collected

    @cached_property
    def total_rate(self):
        return rate(self.total_collected, self.total_base)

    def below_target(self, which="current_rate") -> bool:
        value = getattr(self, which)
        return value is not None and value < TARGET

    def tone(self, which="current_rate") -> str:
        """The colour of a rate, one rule for the cards and the tables: no rate grey, below target red, else green."""
        value = getattr(self, which)
        if value is None:
            return "text-muted"
        return "text-danger" if value < TARGET else "text-success"

    @property
    def current_tone(self) -> str:
        return self.tone("current_rate")

    @property
    def past_tone(self) -> str:
        return self.tone("past_rate")

    @property
    def total_tone(self) -> str:
        return self.tone("total_rate")

    def add(self, other: "Figures") -> None:
        for name in ("current_rate", "past_rate", "total_rate"):
            self.__dict__.pop(name, None)
        self.billed += other.billed
        self.paid += other.paid
        self.past_base += other.past_base
        self.past_collected += other.past_collected


@dataclass
class Row:
    building_id: int | None
    name: str
    community: str
    community_id: int | None = None
    sort_order: int = 0
    month: Figures = field(default_factory=Figures)
    half: Figures = field(default_factory=Figures)


@dataclass
class CollectionReport:
    month: datetime.date
    half_start: datetime.date
    half_end: datetime.date
    rows: list[Row]
    communities: list[Row]
    total: Row
    target: Decimal = TARGET


# The rate from the running totals (``billing.collection_totals``: per building and bill month, and per building,
# bill month and month of the move, kept by triggers in every write's transaction) and the buildings' names, in
# ONE statement (the summary's section is held to three queries). Row for row the same sums as adding up the
# bills, lines, balance applications and waivers themselves (tests/billing/test_collection_totals.py keeps that
# from-scratch query as the reference): every boundary is a month start, so a move's month decides where it
# counts; a building is listed when it has a bill in the half-year, something outstanding from before the month
# or a move since the half-year's start on earlier bills (the counts ``bills`` / ``moves``, as in a row of zeros
# left by a void).
_BUILDINGS_SQL = """
WITH bt AS (
    SELECT building_id,
           SUM(bills) FILTER (WHERE period >= %(h0)s) AS h_bills,
           SUM(billed) FILTER (WHERE period >= %(m0)s AND period < %(m1)s) AS m_billed,
           SUM(paid) FILTER (WHERE period >= %(m0)s AND period < %(m1)s) AS m_paid,
           SUM(billed) FILTER (WHERE period >= %(h0)s) AS h_billed,
           SUM(paid) FILTER (WHERE period >= %(h0)s) AS h_paid,
           SUM(open) FILTER (WHERE period < %(m0)s) AS m_open,
           SUM(open) FILTER (WHERE period < %(h0)s) AS h_open
    FROM billing_collectionbilltotal
    WHERE community_id = ANY(%(communities)s) AND period < %(h1)s
    GROUP BY building_id
), mv AS (
    SELECT building_id,
           SUM(moves) AS moves,
           SUM(paid) FILTER (WHERE month = %(m0)s) AS m_collected,
           SUM(paid + waived) FILTER (WHERE month >= %(m0)s) AS m_since,
           SUM(paid) FILTER (WHERE bill_period < %(h0)s AND month < %(h1)s) AS h_collected,
           SUM(paid + waived) FILTER (WHERE bill_period < %(h0)s) AS h_since
    FROM billing_collectionmovetotal
    WHERE community_id = ANY(%(communities)s) AND month >= %(h0)s AND bill_period < %(m0)s
    GROUP BY building_id
)
SELECT b.id, b.name, b.sort_order, c.name, b.community_id,
       bt.m_billed, bt.m_paid, bt.h_billed, bt.h_paid, bt.m_open, bt.h_open,
       mv.m_collected, mv.m_since, mv.h_collected, mv.h_since
FROM frontdesk_building b JOIN frontdesk_community c ON c.id = b.community_id
LEFT JOIN bt ON bt.building_id = b.id LEFT JOIN mv ON mv.building_id = b.id
WHERE b.community_id = ANY(%(communities)s) AND (bt.h_bills > 0 OR bt.m_open > 0 OR mv.moves > 0)
"""


def _rows(sql: str, params: dict) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _d(value) -> Decimal:
    return value if value is not None else ZERO


def building_rows(*, community_ids: list[int], month: datetime.date) -> list[Row]:
    """The collection figures of each building with bills (``Row``: the month and its half-year), unordered:
    ONE query whatever the number of communities and bills (the report and the daily summary read it)."""
    month = month_start(month)
    h0, h1 = half_of(month)
    m0, m1 = month, add_months(month, 1)
    if not community_ids:
        return []
    found = _rows(_BUILDINGS_SQL, {"communities": list(community_ids), "m0": m0, "m1": m1, "h0": h0, "h1": h1})
    rows = []
    for (building_id, name, sort_order, community, community_id, m_billed, m_paid, h_billed, h_paid, m_open, h_open,
         m_collected, m_since, h_collected, h_since) in found:
        r = Row(building_id, name, community, community_id, sort_order)
        r.month.billed, r.month.paid = _d(m_billed), _d(m_paid)
        r.half.billed, r.half.paid = _d(h_billed), _d(h_paid)
        r.month.past_base = _d(m_open) + _d(m_since)
        r.half.past_base = _d(h_open) + _d(h_since)
        r.month.past_collected = _d(m_collected)
        r.half.past_collected = _d(h_collected)
        rows.append(r)
    return rows


def collection_report(*, community_ids: list[int], month: datetime.date | None = None) -> CollectionReport:
    month = month_start(month or timezone.localdate())
    h0, h1 = half_of(month)
    ordered = sorted(building_rows(community_ids=community_ids, month=month),
                     key=lambda r: (r.community, r.sort_order, r.name))
    by_community: dict[str, Row] = {}
    total = Row(None, "", "")
    for r in ordered:
        c = by_community.setdefault(r.community, Row(None, r.community, r.community, r.community_id))
        for target in (c, total):
            target.month.add(r.month)
            target.half.add(r.half)
    return CollectionReport(month=month, half_start=h0, half_end=h1, rows=ordered,
                            communities=list(by_community.values()), total=total)


@dataclass
class TotalsDifference:
    what: str  # "bill" (per building and bill month) or "move" (… and month of the move)
    community_id: int
    building_id: int
    period: datetime.date
    month: datetime.date | None
    kept_count: int
    scratch_count: int
    kept: str  # the kept sums, "{billed,paid,open}" or "{paid,waived}"
    scratch: str  # the same from the bills, lines, applications and waivers themselves


def totals_differences() -> list[TotalsDifference]:
    """Every key where the running totals of the collection rate (``billing.collection_totals``) are not what
    the bills and moves add up to now; [] when they agree. Reads every bill and move (seconds at 4M bills):
    for ``manage.py collection_totals`` and the nightly check, never for a page."""
    from ..collection_totals import VERIFY_SQL

    return [TotalsDifference(*row) for row in _rows(VERIFY_SQL, {})]
