"""Read side of bill runs and payment notices (缴费通知单)."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q

from core.money import rmb_upper
from frontdesk.models import Occupancy, Unit
from frontdesk.scoping import scope

from ..models import Bill, BillRun

ZERO = Decimal("0.00")


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
