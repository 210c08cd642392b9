"""Read side of bill runs: what a run would bill (the rates that apply and the candidate bills, in SQL,
which ``services.runs`` inserts from), the preview, the runs and payment notices (缴费通知单). The
rules are in ``billing.services.runs``."""

import calendar
import datetime
import json
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext as _

from core.money import rmb_upper
from frontdesk.models import Building, Occupancy, ParkingSpace, Unit
from frontdesk.scoping import scope

from ..models import Bill, BillRun, FeeItem, FeeRate
from ..services.charges import pending_charges

ZERO = Decimal("0.00")


# --- periods and rates ------------------------------------------------------------------------------------

def period_check(period) -> datetime.date:
    """The period as a date on the first of its month; anything else is refused."""
    if isinstance(period, datetime.datetime):
        period = period.date()
    if not isinstance(period, datetime.date):
        raise ValidationError({"period": _("Choose a month.")})
    if period.day != 1:
        raise ValidationError({"period": _("A billing period starts on the first day of a month.")})
    return period


def period_end(period: datetime.date) -> datetime.date:
    return period.replace(day=calendar.monthrange(period.year, period.month)[1])


def _specificity(rate: FeeRate) -> tuple:
    return (rate.building_id is not None, rate.usage != "", rate.valid_from)


def rate_table(*, community, period, buildings, items) -> list[tuple]:
    """The applicable rate per (building, fee item, usage) as rows
    ``(building_id, fee_item_id, usage, rate_id, price, tiers_json)`` — resolved once in Python from the
    (small) rate table, then joined in SQL. For SPACE items the usage is the parking space's kind."""
    rates: dict[int, list[FeeRate]] = {}
    for rate in FeeRate.objects.filter(fee_item__in=[i.pk for i in items], valid_from__lte=period):
        rates.setdefault(rate.fee_item_id, []).append(rate)
    unit_usages = set(Unit.objects.filter(community=community).values_list("usage", flat=True).distinct())
    unit_usages |= set(Unit.Usage.values)
    rows = []
    for item in items:
        candidates = rates.get(item.pk, [])
        if not candidates:
            continue
        usages = ParkingSpace.Kind.values if item.basis == FeeItem.Basis.SPACE else sorted(unit_usages)
        if item.basis != FeeItem.Basis.SPACE and item.usages:
            usages = [u for u in usages if u in item.usages]
        for building_id in buildings:
            for usage in usages:
                fitting = [r for r in candidates if r.building_id in (None, building_id) and r.usage in ("", usage)]
                if fitting:
                    best = max(fitting, key=_specificity)
                    rows.append((building_id, item.pk, usage, best.pk, best.price, json.dumps(best.tiers or [])))
    return rows


# --- the SQL ------------------------------------------------------------------------------------------------

_RATES_CTE = """
rates AS (
    SELECT * FROM unnest(%(r_building)s::bigint[], %(r_item)s::bigint[], %(r_usage)s::text[],
                         %(r_price)s::numeric[], %(r_tiers)s::text[])
        AS r(building_id, fee_item_id, usage, price, tiers)
),
items AS (
    SELECT id, basis, due_days FROM billing_feeitem WHERE id = ANY(%(items)s::bigint[])
),
starts AS (
    SELECT o.unit_id, min(o.start_date) AS start
    FROM frontdesk_occupancy o JOIN frontdesk_unit u0 ON u0.id = o.unit_id
    WHERE o.kind = 'owner' AND u0.building_id = ANY(%(buildings)s::bigint[])
    GROUP BY o.unit_id
)"""

# Recurring items charged by area or per unit: one candidate row per (unit, item).
_UNIT_ROWS = """
SELECT u.community_id, u.building_id, u.id AS unit_id, i.id AS fee_item_id, i.due_days,
       CASE WHEN i.basis = 'area' THEN u.area ELSE 1 END AS quantity, r.price AS unit_price,
       CASE WHEN i.basis = 'area' THEN u.area::text || ' m² × ' || r.price::text
            ELSE '1 × ' || r.price::text END AS base_text,
       (CASE WHEN i.basis = 'area' THEN u.area ELSE 1 END) * r.price AS full_amount,
       s.start
FROM frontdesk_unit u
JOIN rates r ON r.building_id = u.building_id AND r.usage = u.usage
JOIN items i ON i.id = r.fee_item_id AND i.basis IN ('area', 'unit')
LEFT JOIN starts s ON s.unit_id = u.id
WHERE u.building_id = ANY(%(buildings)s::bigint[]) AND u.is_active
"""

# Parking spaces of the units: grouped per (unit, item), each space at the rate of its kind.
_SPACE_ROWS = """
SELECT u.community_id, u.building_id, u.id AS unit_id, i.id AS fee_item_id, i.due_days,
       count(*)::numeric AS quantity, round(sum(r.price) / count(*), 4) AS unit_price,
       left(string_agg(p.code, ', ' ORDER BY p.code), 120) || ' × ' ||
           string_agg(DISTINCT r.price::text, '/') AS base_text,
       sum(r.price) AS full_amount, min(s.start) AS start
FROM frontdesk_parkingspace p
JOIN frontdesk_unit u ON u.id = p.unit_id
JOIN rates r ON r.building_id = u.building_id AND r.usage = p.kind
JOIN items i ON i.id = r.fee_item_id AND i.basis = 'space'
LEFT JOIN starts s ON s.unit_id = u.id
WHERE u.building_id = ANY(%(buildings)s::bigint[]) AND u.is_active
GROUP BY u.community_id, u.building_id, u.id, i.id, i.due_days
"""

# Candidate recurring bills with proration applied.
_RECURRING = f"""
cand AS (
    SELECT c.*,
           CASE WHEN c.start > %(period)s::date
                THEN (%(period_end)s::date - c.start + 1) END AS days
    FROM ({_UNIT_ROWS} UNION ALL {_SPACE_ROWS}) c
    WHERE c.start IS NULL OR c.start <= %(period_end)s::date
),
recurring AS (
    SELECT community_id, building_id, unit_id, fee_item_id, due_days, quantity, unit_price, days,
           'run'::text AS source, ''::text AS source_ref,
           left(base_text || CASE WHEN days IS NULL THEN ''
                                  ELSE ' × ' || days || '/' || %(dim)s || %(days_word)s END, 200) AS description,
           round(full_amount * coalesce(days, %(dim)s)::numeric / %(dim)s, 2) AS amount
    FROM cand
)"""

_METERS = """
meters AS (
    SELECT u.community_id, u.building_id, u.id AS unit_id, i.id AS fee_item_id, i.due_days,
           m.usage AS quantity,
           CASE WHEN jsonb_array_length(r.tiers::jsonb) = 0 THEN r.price
                ELSE round(calc.amount / m.usage, 4) END AS unit_price,
           NULL::integer AS days, 'meter'::text AS source, 'meter:' || m.id AS source_ref,
           left(coalesce(m.previous::text, '0') || ' → ' || m.reading::text || ' = ' || m.usage::text ||
                CASE WHEN jsonb_array_length(r.tiers::jsonb) = 0 THEN ' × ' || r.price::text
                     ELSE %(tiers_word)s END, 200) AS description,
           round(calc.amount, 2) AS amount
    FROM billing_meterreading m
    JOIN frontdesk_unit u ON u.id = m.unit_id
    JOIN billing_feeitem i ON i.id = ANY(%(items)s::bigint[]) AND i.basis = 'meter' AND i.kind = m.kind
    JOIN rates r ON r.building_id = u.building_id AND r.usage = u.usage AND r.fee_item_id = i.id
    CROSS JOIN LATERAL (
        SELECT coalesce(sum(greatest(0, least(m.usage, t.up_to) - t.lo) * t.price), 0)
               + greatest(0, m.usage - coalesce(max(t.up_to), 0)) * r.price AS amount
        FROM (SELECT (e->>'up_to')::numeric AS up_to, (e->>'price')::numeric AS price,
                     coalesce(lag((e->>'up_to')::numeric) OVER (ORDER BY n), 0) AS lo
              FROM jsonb_array_elements(r.tiers::jsonb) WITH ORDINALITY AS x(e, n)) t
    ) calc
    WHERE m.period = %(period)s::date AND m.usage > 0 AND u.is_active
      AND u.building_id = ANY(%(buildings)s::bigint[])
),
candidates AS (
    SELECT * FROM recurring UNION ALL SELECT * FROM meters
)"""

CANDIDATES_SQL = f"WITH {_RATES_CTE}, {_RECURRING}, {_METERS}"

_PREVIEW = CANDIDATES_SQL + """
SELECT c.fee_item_id, count(*) AS units, coalesce(sum(c.amount) FILTER (WHERE b.id IS NULL), 0) AS new_amount,
       count(b.id) AS billed, count(*) FILTER (WHERE c.days IS NOT NULL AND b.id IS NULL) AS prorated
FROM candidates c
LEFT JOIN billing_bill b ON b.unit_id = c.unit_id AND b.fee_item_id = c.fee_item_id
                        AND b.period = %(period)s::date AND b.source IN ('run', 'meter')
GROUP BY c.fee_item_id
"""



def billable_items(community) -> list[FeeItem]:
    return list(FeeItem.objects.filter(
        community=community, is_active=True,
        basis__in=[*FeeItem.RECURRING, FeeItem.Basis.METER]).order_by("sort_order", "id"))


def candidate_params(*, community, period, buildings, items, run_id=None) -> dict:
    rows = rate_table(community=community, period=period, buildings=buildings, items=items)
    end = period_end(period)
    return {
        "r_building": [r[0] for r in rows], "r_item": [r[1] for r in rows], "r_usage": [r[2] for r in rows],
        "r_price": [r[4] for r in rows], "r_tiers": [r[5] for r in rows],
        "items": [i.pk for i in items], "buildings": list(buildings), "period": period, "period_end": end,
        "dim": end.day, "run": run_id, "days_word": " " + _("days"), "tiers_word": " " + _("(tiered)"),
    }


def run_buildings(community, building) -> list[int]:
    if building is not None:
        if building.community_id != community.pk:
            raise ValidationError({"building": _("This building is not in this community.")})
        return [building.pk]
    return list(Building.objects.filter(community=community).order_by("sort_order", "name", "id")
                .values_list("pk", flat=True))



def bill_run_preview(*, community, period, building=None) -> list[dict]:
    """What a run would do, per fee item, without writing anything: ``units`` (bills due this month),
    ``billed`` (of those, already billed), ``to_create`` and ``amount`` (what the run would add),
    ``prorated`` (new bills for part of the month). For a community-wide run, each charge source's
    charges waiting to be billed are a last row (``fee_item`` None, ``source`` the ``ChargeSource``)."""
    period = period_check(period)
    items = billable_items(community)
    buildings = run_buildings(community, building)
    found = {}
    if items and buildings:
        params = candidate_params(community=community, period=period, buildings=buildings, items=items)
        with connection.cursor() as cursor:
            cursor.execute(_PREVIEW, params)
            found = {row[0]: row[1:] for row in cursor.fetchall()}
    result = []
    for item in items:
        units, amount, billed, prorated = found.get(item.pk, (0, ZERO, 0, 0))
        result.append({"fee_item": item, "units": units, "billed": billed, "to_create": units - billed,
                       "amount": Decimal(amount).quantize(Decimal("0.01")), "prorated": prorated, "source": None})
    if building is None:
        for source, charges in pending_charges(community=community):
            result.append({"fee_item": None, "units": len(charges), "billed": 0, "to_create": len(charges),
                           "amount": sum((c.amount for c in charges), ZERO), "prorated": 0, "source": source})
    return result



# --- runs and notices ---------------------------------------------------------------------------------------

def run_list(*, user, community=None, limit: int = 50):
    """The latest runs the user may see — one query."""
    runs = scope(BillRun.objects.select_related("community", "building", "created_by"), user)
    if community is not None:
        runs = runs.filter(community=community)
    return list(runs.order_by("-created_at", "-id")[:limit])


def run_for(*, user, pk: int) -> BillRun:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(scope(BillRun.objects.select_related("community", "building", "created_by"), user),
                             pk=pk)


def run_totals(run: BillRun) -> list[dict]:
    """What the run created per fee item (one query)."""
    from django.db.models import Count, Sum

    return list(Bill.objects.filter(bill_run=run).values("fee_item__name", "fee_item__sort_order")
                .annotate(count=Count("id"), amount=Sum("amount")).order_by("fee_item__sort_order", "fee_item__name"))


@dataclass
class Notice:
    unit: Unit
    bills: list = field(default_factory=list)
    owners: str = ""

    @property
    def total(self) -> Decimal:
        return sum((b.outstanding for b in self.bills), ZERO)

    @property
    def total_upper(self) -> str:
        return rmb_upper(self.total)

    @property
    def this_month(self) -> Decimal:
        return sum((b.outstanding for b in self.bills if b.is_current), ZERO)


def notices(*, units_qs, period=None, overdue_on=None) -> list[Notice]:
    """Notices of the units in ``units_qs``: for a payment notice (``period``), every outstanding bill up
    to that month (this month's marked ``is_current``); for a dunning notice (``overdue_on``, a day),
    the bills past their due date on that day (each with ``days_overdue``). With the current owners'
    names; units with nothing to show are left out. Three queries whatever the number of units."""
    bills = Bill.objects.filter(unit__in=units_qs, outstanding__gt=0)
    if period is not None:
        bills = bills.filter(period__lte=period)
    if overdue_on is not None:
        bills = bills.filter(due_date__lt=overdue_on)
    bills = list(bills.select_related("fee_item").order_by("unit_id", "period", "fee_item__sort_order", "id"))
    unit_ids = sorted({b.unit_id for b in bills})
    units = {u.pk: u for u in Unit.objects.filter(pk__in=unit_ids).select_related("building", "entrance")}
    owners: dict[int, list[str]] = {}
    for unit_id, name in (Occupancy.objects.filter(unit_id__in=unit_ids, kind=Occupancy.Kind.OWNER)
                          .filter(Q(end_date__isnull=True)).order_by("unit_id", "start_date", "id")
                          .values_list("unit_id", "person__name")):
        owners.setdefault(unit_id, []).append(name)
    result: dict[int, Notice] = {}
    for bill in bills:
        bill.is_current = bill.period == period
        if overdue_on is not None:
            bill.days_overdue = (overdue_on - bill.due_date).days
        notice = result.get(bill.unit_id)
        if notice is None:
            notice = result[bill.unit_id] = Notice(unit=units[bill.unit_id],
                                                   owners="、".join(owners.get(bill.unit_id, [])))
        notice.bills.append(bill)
    return sorted(result.values(), key=lambda n: (n.unit.entrance.name if n.unit.entrance else "",
                                                   n.unit.floor or 0, n.unit.number))
