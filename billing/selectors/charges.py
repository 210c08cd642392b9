"""Read side of the charges other apps bill through ``billing.interface``: the price a source's fee item
has for a unit on a day (the community's fee item and its dated rates, as set up by the manager), and
the state of the bills made for a source's charges (so the source can tell whether they are paid)."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import OuterRef, Q, Subquery, Sum

from core.money import to_money

from ..models import Bill, Correction, FeeItem, FeeRate


@dataclass(frozen=True)
class ChargeBill:
    """A bill made for one charge (``ref`` is the charge's ``PendingCharge.ref``)."""

    ref: str
    reference: str  # the bill's reference, e.g. ZD00000012
    amount: Decimal
    paid: Decimal
    waived: Decimal
    outstanding: Decimal
    waiver_pending: Decimal = Decimal("0.00")  # asked to be waived, awaiting a supervisor's approval

    @property
    def settled(self) -> bool:
        """Nothing left to pay (paid, or the rest waived with approval)."""
        return self.outstanding == 0


def charge_bills(*, community, refs) -> dict[str, ChargeBill]:
    """The bills of ``community`` made for the charges ``refs`` (one query), by ref; a ref not billed yet is
    absent."""
    refs = [r for r in refs if r]
    if not refs:
        return {}
    pending = (Correction.objects.filter(bill=OuterRef("pk"), kind=Correction.Kind.WAIVER,
                                         status=Correction.Status.PENDING)
               .order_by().values("bill").annotate(total=Sum("amount")).values("total"))
    bills = Bill.objects.filter(community=community, source=Bill.Source.CHARGE, source_ref__in=refs).only(
        "pk", "source_ref", "amount", "paid", "waived", "outstanding").annotate(waiver_pending=Subquery(pending))
    return {b.source_ref: ChargeBill(ref=b.source_ref, reference=b.reference, amount=b.amount, paid=b.paid,
                                     waived=b.waived, outstanding=b.outstanding,
                                     waiver_pending=b.waiver_pending or Decimal("0.00")) for b in bills}


def _specificity(rate: FeeRate) -> tuple:
    return (rate.building_id is not None, rate.usage != "", rate.valid_from)


def charge_price(*, fee_item_code: str, community, unit, on) -> Decimal | None:
    """What the community's fee item ``fee_item_code`` costs for ``unit`` on the day ``on``: the most specific
    rate in force (building, then unit usage, then the latest start). None when the community has no
    such item in use or no rate for it: the fee is not set."""
    item = FeeItem.objects.filter(community=community, code=fee_item_code, is_active=True).first()
    if item is None:
        return None
    rates = [r for r in FeeRate.objects.filter(Q(building__isnull=True) | Q(building_id=unit.building_id),
                                               fee_item=item, valid_from__lte=on)
             if r.usage in ("", unit.usage)]
    if not rates:
        return None
    return to_money(max(rates, key=_specificity).price)
