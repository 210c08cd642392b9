"""Bill runs (账单生成): a month's bills for a community or one building, set-based and idempotent.

The rules (also in docs/billing/runs.md):

* The period is the first day of a month. The rate that applies to a unit is the most specific rate of the
  fee item valid on that day: building and usage > building > usage > community-wide; within a scope the
  latest ``valid_from`` not after the period. A unit with no applicable rate is not billed for that item.
  For parking (basis SPACE) the rate's usage is matched against the space's kind (owned / rented), the
  building is the one of the unit the space belongs to, and a unit's spaces of one fee item are one bill.
* ``FeeItem.usages`` (when not empty) limits the unit usages billed; inactive units are not billed.
* Proration: a unit's billing start is the earliest ``start_date`` of its owner occupancies. No owner:
  billed in full (the developer pays for unsold units). Start inside the period: amount × days from the
  start to the end of the month (both included) / days in the month, rounded half-up to the fen in SQL.
  Start after the period: no bill. Meter bills are never prorated.
* Meter bills: each reading of the period with a positive usage gives a bill of the community's active
  METER fee item of the same kind: usage × price, or by the rate's tiers (each band at its price, the
  usage above the last band at the rate's price).
* Each building is one transaction: ``INSERT … SELECT … ON CONFLICT DO NOTHING`` — bills are unique per
  unit, fee item and month, so re-running creates nothing twice and a unit added later is billed by the
  next run. The run's ``steps_done`` counts the buildings done.
* A community-wide run also bills the charges of the other apps' charge sources (paid repairs …,
  ``services.charges.charges_to_bills``) first.
* ``BillRun.status`` moves only through ``bill_run_set_status`` (``BillRun.TRANSITIONS``).
* Afterwards the units of the run with a prepaid balance have it applied (``payments.balance_apply``).
"""

import calendar
import datetime
import json
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from frontdesk.models import Building, ParkingSpace, Unit

from ..models import Bill, BillRun, FeeItem, FeeRate, UnitAccount
from . import payments
from .charges import charges_to_bills, pending_charges

ZERO = Decimal("0.00")
ACTIVE = (BillRun.Status.QUEUED, BillRun.Status.RUNNING)


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

_SELECT = f"WITH {_RATES_CTE}, {_RECURRING}, {_METERS}"

_INSERT = _SELECT + """
INSERT INTO billing_bill (community_id, building_id, unit_id, fee_item_id, period, source, source_ref, description,
                          quantity, unit_price, prorate_days, amount, paid, waived, outstanding, due_date,
                          bill_run_id, created_at)
SELECT community_id, building_id, unit_id, fee_item_id, %(period)s::date, source, source_ref, description,
       quantity, unit_price, days, amount, 0, 0, amount, %(period)s::date + due_days, %(run)s, now()
FROM candidates
ON CONFLICT DO NOTHING
RETURNING amount
"""

_PREVIEW = _SELECT + """
SELECT c.fee_item_id, count(*) AS units, coalesce(sum(c.amount) FILTER (WHERE b.id IS NULL), 0) AS new_amount,
       count(b.id) AS billed, count(*) FILTER (WHERE c.days IS NOT NULL AND b.id IS NULL) AS prorated
FROM candidates c
LEFT JOIN billing_bill b ON b.unit_id = c.unit_id AND b.fee_item_id = c.fee_item_id
                        AND b.period = %(period)s::date AND b.source IN ('run', 'meter')
GROUP BY c.fee_item_id
"""


def _billable_items(community) -> list[FeeItem]:
    return list(FeeItem.objects.filter(
        community=community, is_active=True,
        basis__in=[*FeeItem.RECURRING, FeeItem.Basis.METER]).order_by("sort_order", "id"))


def _params(*, community, period, buildings, items, run_id=None) -> dict:
    rows = rate_table(community=community, period=period, buildings=buildings, items=items)
    end = period_end(period)
    return {
        "r_building": [r[0] for r in rows], "r_item": [r[1] for r in rows], "r_usage": [r[2] for r in rows],
        "r_price": [r[4] for r in rows], "r_tiers": [r[5] for r in rows],
        "items": [i.pk for i in items], "buildings": list(buildings), "period": period, "period_end": end,
        "dim": end.day, "run": run_id, "days_word": " " + _("days"), "tiers_word": " " + _("(tiered)"),
    }


def _buildings(community, building) -> list[int]:
    if building is not None:
        if building.community_id != community.pk:
            raise ValidationError({"building": _("This building is not in this community.")})
        return [building.pk]
    return list(Building.objects.filter(community=community).order_by("sort_order", "name", "id")
                .values_list("pk", flat=True))


# --- the API ------------------------------------------------------------------------------------------------

def bill_run_preview(*, community, period, building=None) -> list[dict]:
    """What a run would do, per fee item, without writing anything: ``units`` (bills due this month),
    ``billed`` (of those, already billed), ``to_create`` and ``amount`` (what the run would add),
    ``prorated`` (new bills for part of the month). For a community-wide run, each charge source's
    charges waiting to be billed are a last row (``fee_item`` None, ``source`` the ``ChargeSource``)."""
    period = period_check(period)
    items = _billable_items(community)
    buildings = _buildings(community, building)
    found = {}
    if items and buildings:
        params = _params(community=community, period=period, buildings=buildings, items=items)
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


def bill_run_start(*, community, period, actor, building=None) -> BillRun:
    """Record a run and queue it (``billing.tasks.bill_run``) once the transaction commits. A run of the
    same scope still queued or running is returned instead of a second one."""
    period = period_check(period)
    buildings = _buildings(community, building)
    with transaction.atomic():
        existing = (BillRun.objects.select_for_update()
                    .filter(community=community, building=building, period=period, status__in=ACTIVE).first())
        if existing:
            return existing
        run = BillRun.objects.create(community=community, building=building, period=period, created_by=actor,
                                     steps_total=len(buildings) + (1 if building is None else 0))

        def queue(run_id=run.pk):
            from ..tasks import bill_run

            bill_run.delay(run_id)

        transaction.on_commit(queue)
    return run


def bill_run_execute(run_id: int) -> BillRun:
    """Do the run now (the Celery task calls this). Safe to call again: a finished run is returned as
    it is, an interrupted one continues (bills already made are skipped by the unique constraint)."""
    with transaction.atomic():
        run = BillRun.objects.select_for_update(of=("self",)).select_related("community", "building").get(pk=run_id)
        if run.status == BillRun.Status.DONE:
            return run
        buildings = _buildings(run.community, run.building)
        bill_run_set_status(run=run, to=BillRun.Status.RUNNING, started_at=run.started_at or timezone.now(),
                            steps_total=len(buildings) + (1 if run.building_id is None else 0), steps_done=0,
                            error="")
    try:
        _execute(run, buildings)
    except Exception as exc:
        bill_run_fail(run=run, error=exc)
        raise
    run.refresh_from_db()
    return run


def bill_run_set_status(*, run: BillRun, to: str, **fields) -> BillRun:
    """The one writer of ``BillRun.status``: lock the row, check the move against ``BillRun.TRANSITIONS``,
    save the status with ``fields`` (times, counters, error). ``run`` is updated in memory too. There is
    no status-change table for runs: the row's own times and error say what happened."""
    with transaction.atomic():
        locked = BillRun.objects.select_for_update(of=("self",)).get(pk=run.pk)
        if to not in BillRun.TRANSITIONS[locked.status]:
            raise ValidationError(_("A bill run that is “%(from)s” cannot become “%(to)s”.")
                                  % {"from": locked.get_status_display(), "to": BillRun.Status(to).label},
                                  code="bad_move")
        fields["status"] = to
        for name, value in fields.items():
            setattr(locked, name, value)
            setattr(run, name, value)
        locked.save(update_fields=list(fields))
    return run


def bill_run_fail(*, run: BillRun, error: Exception) -> BillRun:
    """A run that raised: failed, with the error kept on the row (the task retries or a person looks)."""
    return bill_run_set_status(run=run, to=BillRun.Status.FAILED, error=str(error)[:2000], finished_at=timezone.now())


def _execute(run: BillRun, buildings: list[int]) -> None:
    community, period = run.community, run.period
    if run.building_id is None:
        with transaction.atomic():
            made = charges_to_bills(community=community, actor=run.created_by)
            ids = [b.pk for b in made]
            if ids:
                Bill.objects.filter(pk__in=ids).update(bill_run=run)
            BillRun.objects.filter(pk=run.pk).update(
                steps_done=F("steps_done") + 1, bills_created=F("bills_created") + len(ids),
                amount_created=F("amount_created") + sum((b.amount for b in made), ZERO))
    items = _billable_items(community)
    if items and buildings:
        # rates resolved once for the whole run; each building gets its own rows
        params = _params(community=community, period=period, buildings=buildings, items=items, run_id=run.pk)
        rows = list(zip(params["r_building"], params["r_item"], params["r_usage"], params["r_price"],
                        params["r_tiers"], strict=True))
    for building_id in buildings:
        with transaction.atomic():
            count, amount = 0, ZERO
            if items:
                mine = [r for r in rows if r[0] == building_id]
                local = dict(params, buildings=[building_id], r_building=[r[0] for r in mine],
                             r_item=[r[1] for r in mine], r_usage=[r[2] for r in mine],
                             r_price=[r[3] for r in mine], r_tiers=[r[4] for r in mine])
                with connection.cursor() as cursor:
                    cursor.execute(_INSERT, local)
                    amounts = [row[0] for row in cursor.fetchall()]
                count, amount = len(amounts), sum(amounts, ZERO)
            BillRun.objects.filter(pk=run.pk).update(
                steps_done=F("steps_done") + 1, bills_created=F("bills_created") + count,
                amount_created=F("amount_created") + amount)
    # prepaid balances pay the new bills (one query finds the units)
    for account in (UnitAccount.objects.filter(balance__gt=0, unit__bills__bill_run=run)
                    .select_related("unit").distinct()):
        payments.balance_apply(unit=account.unit, actor=run.created_by)
    bill_run_set_status(run=run, to=BillRun.Status.DONE, finished_at=timezone.now())
