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

Three queries whatever the number of bills: the current bills of the half-year (``bill_by_period``),
the outstanding earlier bills (partial index ``bill_open_by_due``) and the movements since the start
of the half-year (receipt lines by ``receipt_line_by_day``, which carry their bill's month and building,
balance applications by ``balance_apply_by_day``, waivers).
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from django.db import connection, transaction
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


_CURRENT_SQL = """
SELECT building_id,
       SUM(amount - waived) FILTER (WHERE period >= %(m0)s AND period < %(m1)s),
       SUM(paid) FILTER (WHERE period >= %(m0)s AND period < %(m1)s),
       SUM(amount - waived), SUM(paid)
FROM billing_bill
WHERE community_id = ANY(%(communities)s) AND period >= %(h0)s AND period < %(h1)s
GROUP BY building_id
"""

_OPEN_SQL = """
SELECT building_id,
       SUM(outstanding) FILTER (WHERE period < %(m0)s),
       SUM(outstanding) FILTER (WHERE period < %(h0)s)
FROM billing_bill
WHERE community_id = ANY(%(communities)s) AND outstanding > 0 AND period < %(m0)s
GROUP BY building_id
"""

# Money that reached earlier bills since the start of the half-year: (building, bill period, day, amount, kind)
# kind: 'pay' (receipt lines not void, balance applications) or 'waive' (waiver vouchers).
_MOVES_SQL = """
WITH moves AS (
    SELECT l.building_id, l.bill_period AS period, l.business_date AS day, l.amount, 'pay' AS kind
    FROM billing_receiptline l
    WHERE l.community_id = ANY(%(communities)s) AND l.kind = 'bill' AND l.business_date >= %(h0)s
      AND l.bill_period < %(m0)s
      AND NOT EXISTS (SELECT 1 FROM billing_receiptvoid v WHERE v.receipt_id = l.receipt_id)
    UNION ALL
    SELECT e.building_id, e.bill_period, (e.created_at AT TIME ZONE %(tz)s)::date, -e.amount, 'pay'
    FROM billing_balanceentry e
    WHERE e.community_id = ANY(%(communities)s) AND e.kind = 'apply' AND e.created_at >= %(h0_at)s
      AND e.bill_period < %(m0)s
    UNION ALL
    SELECT b.building_id, b.period, w.business_date, w.amount, 'waive'
    FROM billing_voucher w JOIN billing_bill b ON b.id = w.bill_id
    WHERE w.community_id = ANY(%(communities)s) AND w.kind = 'waiver' AND w.business_date >= %(h0)s
      AND b.period < %(m0)s
)
SELECT building_id,
       SUM(amount) FILTER (WHERE kind = 'pay' AND period < %(m0)s AND day >= %(m0)s AND day < %(m1)s),
       SUM(amount) FILTER (WHERE period < %(m0)s AND day >= %(m0)s),
       SUM(amount) FILTER (WHERE kind = 'pay' AND period < %(h0)s AND day < %(h1)s),
       SUM(amount) FILTER (WHERE period < %(h0)s)
FROM moves GROUP BY building_id
"""


# For these few large aggregations: no JIT compile (≈200 ms of overhead on every call, the plans are
# simple) and enough memory for the hashes not to spill to disk. SET LOCAL: this transaction only.
REPORT_SETTINGS = "SET LOCAL jit = off; SET LOCAL work_mem = '64MB'"


def _rows(sql: str, params: dict) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _d(value) -> Decimal:
    return value if value is not None else ZERO


# The three aggregations above and the buildings' names in ONE statement (the summary's section is held to
# three queries): each aggregation is a CTE, joined on the buildings of the communities.
_BUILDINGS_SQL = f"""
WITH cur(building_id, m_billed, m_paid, h_billed, h_paid) AS ({_CURRENT_SQL}),
     opn(building_id, m_open, h_open) AS ({_OPEN_SQL}),
     mv(building_id, m_collected, m_since, h_collected, h_since) AS ({_MOVES_SQL})
SELECT b.id, b.name, b.sort_order, c.name, b.community_id,
       cur.m_billed, cur.m_paid, cur.h_billed, cur.h_paid, opn.m_open, opn.h_open,
       mv.m_collected, mv.m_since, mv.h_collected, mv.h_since
FROM frontdesk_building b JOIN frontdesk_community c ON c.id = b.community_id
LEFT JOIN cur ON cur.building_id = b.id LEFT JOIN opn ON opn.building_id = b.id LEFT JOIN mv ON mv.building_id = b.id
WHERE b.community_id = ANY(%(communities)s)
  AND (cur.building_id IS NOT NULL OR opn.building_id IS NOT NULL OR mv.building_id IS NOT NULL)
"""


def building_rows(*, community_ids: list[int], month: datetime.date) -> list[Row]:
    """The collection figures of each building with bills (``Row``: the month and its half-year), unordered:
    ONE query whatever the number of communities and bills (the report and the daily summary read it)."""
    month = month_start(month)
    h0, h1 = half_of(month)
    m0, m1 = month, add_months(month, 1)
    tz = timezone.get_current_timezone()
    params = {"communities": list(community_ids), "m0": m0, "m1": m1, "h0": h0, "h1": h1, "tz": str(tz),
              "h0_at": timezone.make_aware(datetime.datetime.combine(h0, datetime.time()), tz)}
    if not community_ids:
        return []
    # savepoint=False: inside a caller's transaction the SET LOCAL lasts until it ends (harmless: reports only)
    with transaction.atomic(savepoint=False):
        found = _rows(f"{REPORT_SETTINGS}; {_BUILDINGS_SQL}", params)
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
