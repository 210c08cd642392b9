"""Arrears (欠费) per unit with aging, aggregated in the database.

Aging rule (docs/billing/arrears.md): each outstanding bill is put in a bucket by the days since its
due date, ``d = today − due_date``: current (not yet due, or d < 30), 1–3 months (30 ≤ d < 90),
3–6 months (90 ≤ d < 180), 6–12 months (180 ≤ d < 365), over 12 months 陈欠 (d ≥ 365). A unit's
row sums its bills per bucket; a unit appears while any bill of it is outstanding.

Queries: the page of units with, on each row, the totals over all filtered units (window functions
over the one aggregation), their rooms and their owners — three, whatever the page size. Only outstanding bills are read
(``outstanding > 0``: the partial indexes ``bill_open_by_unit`` / ``bill_open_by_due``).
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.paginator import Paginator
from django.db.models import Count, DecimalField, Min, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.db import fetch_dicts
from core.money import rmb_upper
from frontdesk.models import Occupancy, Unit
from frontdesk.scoping import scope

from ..models import Bill

ZERO = Decimal("0.00")
MONEY = DecimalField(max_digits=14, decimal_places=2)

# (key, label, lowest days overdue, highest days overdue (exclusive) or None)
BUCKETS = [
    ("current", _("Current"), None, 30),
    ("m1_3", _("1–3 months"), 30, 90),
    ("m3_6", _("3–6 months"), 90, 180),
    ("m6_12", _("6–12 months"), 180, 365),
    ("m12", _("Over 12 months"), 365, None),
]
BUCKET_KEYS = [b[0] for b in BUCKETS]
SORTS = {
    "amount": ("-total", "unit_id"),
    "oldest": ("oldest_due", "-total", "unit_id"),
    "room": ("code", "unit_id"),  # the code is an annotation only with this sort
}


def bucket_of(days_overdue: int) -> str:
    for key, _label, low, high in BUCKETS:
        if (low is None or days_overdue >= low) and (high is None or days_overdue < high):
            return key
    return BUCKETS[-1][0]


def _bucket_q(today: datetime.date, low, high) -> Q:
    q = Q()
    if low is not None:  # d >= low  <=>  due_date <= today - low
        q &= Q(due_date__lte=today - datetime.timedelta(days=low))
    if high is not None:  # d < high  <=>  due_date > today - high
        q &= Q(due_date__gt=today - datetime.timedelta(days=high))
    return q


@dataclass
class ArrearsFilter:
    community_ids: list[int] | None = None
    building_id: int | None = None
    bucket: str = ""
    min_amount: Decimal | None = None
    room: str = ""
    sort: str = "amount"


def arrears_units(user, filters: ArrearsFilter, today: datetime.date | None = None):
    """One row per unit with outstanding bills: total, per-bucket sums, oldest due date, bill count.
    Grouped by the bill's unit only (the room code is read for the page's rows afterwards), except
    when sorting by room."""
    today = today or timezone.localdate()
    bills = Bill.objects.filter(outstanding__gt=0)
    # The caller's list must come from the user's scoped communities (the view takes it from
    # ``scope(Community…)``): a plain list lets the planner use the covering index, where a
    # membership sub-select next to it made the grouping ~1.5× slower at 500k open bills.
    bills = (bills.filter(community_id__in=filters.community_ids) if filters.community_ids is not None
             else scope(bills, user))
    if filters.building_id:
        bills = bills.filter(building_id=filters.building_id)
    if filters.room:
        bills = bills.filter(unit__code__icontains=filters.room)
    sums = {key: Coalesce(Sum("outstanding", filter=_bucket_q(today, low, high)), Value(ZERO), output_field=MONEY)
            for key, _label, low, high in BUCKETS}
    if filters.sort == "room":
        sums["code"] = Min("unit__code")
    qs = (bills.order_by().values("unit_id")
          .annotate(total=Sum("outstanding"), oldest_due=Min("due_date"), bills=Count("*"), **sums))
    if filters.bucket in BUCKET_KEYS:
        qs = qs.filter(**{f"{filters.bucket}__gt": 0})
    if filters.min_amount is not None:
        qs = qs.filter(total__gte=filters.min_amount)
    return qs.order_by(*SORTS.get(filters.sort, SORTS["amount"]))


_ORDER_SQL = {"amount": "total DESC, unit_id", "oldest": "oldest_due, total DESC, unit_id", "room": "code, unit_id"}


def _page_rows(rows_qs, sort: str, limit: int, offset: int) -> list[dict]:
    """The page of the grouped rows and, on each, the totals over all of them (window functions over
    the one aggregation: the bills are read once for both)."""
    sql, params = rows_qs.order_by().query.sql_with_params()
    windows = ", ".join(f'SUM(t."{key}") OVER () AS "sum_{key}"' for key in BUCKET_KEYS)
    wrapped = (f'SELECT t.*, COUNT(*) OVER () AS n_units, SUM(t.total) OVER () AS sum_total, {windows} '
               f'FROM ({sql}) t ORDER BY {_ORDER_SQL.get(sort, _ORDER_SQL["amount"])} LIMIT %s OFFSET %s')
    return fetch_dicts(wrapped, (*params, limit, offset))


def _totals_of(row: dict | None) -> dict:
    out = {"units": row["n_units"] if row else 0, "total": (row or {}).get("sum_total") or ZERO}
    out.update({key: (row or {}).get(f"sum_{key}") or ZERO for key in BUCKET_KEYS})
    return out


def attach_units(rows: list[dict]) -> list[dict]:
    """Add each row's room code and community, and its current owners' names: two queries."""
    ids = [r["unit_id"] for r in rows]
    units = {u["id"]: u for u in Unit.objects.filter(pk__in=ids).values("id", "code", "community__name")}
    owners: dict[int, list[str]] = {}
    for unit_id, name in (Occupancy.objects.filter(unit_id__in=ids, kind=Occupancy.Kind.OWNER, end_date__isnull=True)
                          .order_by("unit_id", "start_date", "id").values_list("unit_id", "person__name")):
        owners.setdefault(unit_id, []).append(name)
    for row in rows:
        unit = units.get(row["unit_id"], {})
        row["code"], row["community_name"] = unit.get("code", ""), unit.get("community__name", "")
        row["owners"] = "、".join(owners.get(row["unit_id"], []))
    return rows


def arrears_page(user, filters: ArrearsFilter, page_number: int, per_page: int = 50, today=None):
    """(page, totals): the page's rows with room and owners, and the totals per bucket over every
    filtered unit. Three queries; an out-of-range page number costs one more (a count) and shows the
    last page."""
    rows_qs = arrears_units(user, filters, today)
    number = max(1, int(page_number or 1))
    rows = _page_rows(rows_qs, filters.sort, per_page, (number - 1) * per_page)
    if not rows and number > 1:
        count = rows_qs.order_by().count()
        number = max(1, -(-count // per_page))
        rows = _page_rows(rows_qs, filters.sort, per_page, (number - 1) * per_page)
    totals = _totals_of(rows[0] if rows else None)
    page = Paginator(range(totals["units"]), per_page).get_page(number)
    page.object_list = attach_units(rows)
    return page, totals


def unit_open_bills(unit, today=None) -> list[Bill]:
    """A unit's outstanding bills, oldest first, each with ``days_overdue`` and ``bucket``."""
    today = today or timezone.localdate()
    bills = list(Bill.objects.filter(unit=unit, outstanding__gt=0).select_related("fee_item")
                 .order_by("due_date", "period", "fee_item__sort_order", "id"))
    for bill in bills:
        bill.days_overdue = (today - bill.due_date).days
        bill.bucket = bucket_of(bill.days_overdue)
    return bills


def unit_arrears(unit) -> tuple[Decimal | None, datetime.date | None]:
    """(total outstanding, oldest unpaid month) of ``unit``: one query."""
    totals = Bill.objects.filter(unit=unit, outstanding__gt=0).aggregate(total=Sum("outstanding"), oldest=Min("period"))
    return totals["total"], totals["oldest"]


def owner_names(unit) -> str:
    """The unit's current owners, "、"-separated."""
    return "、".join(Occupancy.objects.filter(unit=unit, kind=Occupancy.Kind.OWNER, end_date__isnull=True)
                    .order_by("start_date", "id").values_list("person__name", flat=True))


def dunning_notice(unit, today) -> dict:
    """One unit's 催缴通知单: its bills past their due date (possibly none), the total in figures and words."""
    bills = [b for b in unit_open_bills(unit, today) if b.days_overdue > 0]
    total = sum((b.outstanding for b in bills), ZERO)
    return {"unit": unit, "bills": bills, "total": total, "total_upper": rmb_upper(total), "owners": owner_names(unit)}


def unit_page(unit, today) -> dict:
    """A unit's arrears page: its outstanding bills with their aging label, the totals and the owners."""
    bills = unit_open_bills(unit, today)
    labels = {key: label for key, label, _low, _high in BUCKETS}
    for bill in bills:
        bill.bucket_label = labels[bill.bucket]
    return {"bills": bills, "total": sum((b.outstanding for b in bills), ZERO),
            "overdue_total": sum((b.outstanding for b in bills if b.days_overdue > 0), ZERO),
            "owners": owner_names(unit)}
