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
* What a run would bill (rates, candidates) is read in ``selectors.runs``; the preview is
  ``selectors.runs.bill_run_preview``.
* ``BillRun.status`` moves only through ``bill_run_set_status`` (``BillRun.TRANSITIONS``).
* Afterwards the units of the run with a prepaid balance have it applied (``payments.balance_apply``).
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Bill, BillRun, UnitAccount
from ..selectors.runs import CANDIDATES_SQL, billable_items, candidate_params, period_check, run_buildings
from . import payments
from .charges import charges_to_bills

ZERO = Decimal("0.00")
ACTIVE = (BillRun.Status.QUEUED, BillRun.Status.RUNNING)

# The candidate bills (``selectors.runs``, the same SQL the preview counts) inserted once each.
_INSERT = CANDIDATES_SQL + """
INSERT INTO billing_bill (community_id, building_id, unit_id, fee_item_id, period, source, source_ref, description,
                          quantity, unit_price, prorate_days, amount, paid, waived, outstanding, due_date,
                          bill_run_id, created_at)
SELECT community_id, building_id, unit_id, fee_item_id, %(period)s::date, source, source_ref, description,
       quantity, unit_price, days, amount, 0, 0, amount, %(period)s::date + due_days, %(run)s, now()
FROM candidates
ON CONFLICT DO NOTHING
RETURNING amount
"""


def bill_run_start(*, community, period, actor, building=None) -> BillRun:
    """Record a run and queue it (``billing.tasks.bill_run``) once the transaction commits. A run of the
    same scope still queued or running is returned instead of a second one."""
    period = period_check(period)
    buildings = run_buildings(community, building)
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
        buildings = run_buildings(run.community, run.building)
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
    items = billable_items(community)
    if items and buildings:
        # rates resolved once for the whole run; each building gets its own rows
        params = candidate_params(community=community, period=period, buildings=buildings, items=items, run_id=run.pk)
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
