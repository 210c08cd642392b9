"""Charges other apps want billed to a unit (a paid repair; later a renovation fee, a counter sale …).

Each app registers a ``ChargeSource`` from its ``extensions.register()`` through ``billing.interface``;
billing reads the sources only through this registry and imports none of those apps. A source's
``pending(community=…)`` gives the charges waiting to be billed that have a unit (a common-area
repair has none and is not billed); ``mark_billed`` records on the source's side which bill took one.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from ..models import Bill, FeeItem

ZERO = Decimal("0.00")
FEE_ITEM_SORT_ORDER = 90  # charge fee items come after the recurring fees on bills and receipts


@dataclass(frozen=True)
class PendingCharge:
    """One charge a source wants billed to a unit."""

    ref: str  # unique across sources, becomes ``Bill.source_ref``, e.g. "repair-charge:12"
    unit_id: int
    building_id: int
    amount: Decimal
    description: str


@dataclass(frozen=True)
class ChargeSource:
    key: str  # "repairs"
    label: str  # lazy, shown in the run preview
    fee_item_code: str  # "repair": the community's fee item, created on first use
    fee_item_name: str  # lazy, the created fee item's name
    fee_item_kind: str  # a ``FeeItem.Kind`` value
    pending: Callable[..., list[PendingCharge]]  # pending(*, community) -> the charges with a unit
    mark_billed: Callable[..., object]  # mark_billed(*, ref, bill_reference, actor, now=None)
    on_behalf: bool = False  # collected for another company (代收): the fee item is marked, receipts say so


_SOURCES: dict[str, ChargeSource] = {}


def register_charge_source(source: ChargeSource) -> None:
    """Add (or replace, by ``key``) a charge source; called from an app's ``extensions.register()``."""
    _SOURCES[source.key] = source


def unregister_charge_source(key: str) -> None:
    _SOURCES.pop(key, None)


def charge_sources() -> list[ChargeSource]:
    """The registered sources, in the order they were registered."""
    return list(_SOURCES.values())


def pending_charges(*, community) -> list[tuple[ChargeSource, list[PendingCharge]]]:
    """Per source, the charges of ``community`` waiting to be billed to a unit."""
    return [(source, list(source.pending(community=community))) for source in charge_sources()]


def _fee_item(source: ChargeSource, community) -> FeeItem:
    item, _created = FeeItem.objects.get_or_create(
        community=community, code=source.fee_item_code,
        defaults={"name": str(source.fee_item_name), "kind": source.fee_item_kind, "basis": FeeItem.Basis.FIXED,
                  "due_days": 0, "sort_order": FEE_ITEM_SORT_ORDER, "on_behalf": source.on_behalf})
    return item


def _bill(source: ChargeSource, item: FeeItem, charge: PendingCharge, *, community, today, actor, now) -> tuple[Bill, bool]:
    """The charge's bill, made once (unique per ``source_ref``); the source marks the charge billed with it."""
    bill, made = Bill.objects.get_or_create(
        community=community, source=Bill.Source.CHARGE, source_ref=charge.ref,
        defaults={"building_id": charge.building_id, "unit_id": charge.unit_id, "fee_item": item,
                  "period": today.replace(day=1), "description": charge.description[:200],
                  "quantity": Decimal("1"), "unit_price": charge.amount, "amount": charge.amount,
                  "outstanding": charge.amount, "due_date": today})
    source.mark_billed(ref=charge.ref, bill_reference=bill.reference, actor=actor, now=now)
    return bill, made


@transaction.atomic
def charges_to_bills(*, community, actor, now=None) -> list[Bill]:
    """Turn every source's pending charges of ``community`` into bills, once each: the bill is unique per
    charge (``source_ref``), and the source marks the charge billed with the bill's reference."""
    today = timezone.localdate(now or timezone.now())
    created = []
    for source in charge_sources():
        item = _fee_item(source, community)
        for charge in source.pending(community=community):
            bill, made = _bill(source, item, charge, community=community, today=today, actor=actor, now=now)
            if made:
                created.append(bill)
    return created


@transaction.atomic
def charge_bill_now(*, source_key: str, ref: str, community, actor, now=None) -> Bill | None:
    """Bill one pending charge at once (a completed paid repair the cashier takes at the counter the same
    day), as a bill run would. None when the source has no such pending charge (no unit, or billed already)."""
    source = _SOURCES.get(source_key)
    charge = next((c for c in source.pending(community=community) if c.ref == ref), None) if source else None
    if charge is None:
        return None
    today = timezone.localdate(now or timezone.now())
    bill, _made = _bill(source, _fee_item(source, community), charge, community=community, today=today, actor=actor,
                        now=now)
    return bill


@transaction.atomic
def charge_waiver_request(*, source_key: str, ref: str, community, actor, reason: str) -> Decimal:
    """Ask that what is still owed on the bill of the charge ``ref`` be waived: the work it charged for will not
    be done (a hand-off cancelled). A waiver request like the cashier's (减免), approved or rejected by a
    supervisor, so the bill is never altered or deleted. Returns the amount asked; 0 when the charge is not
    billed, nothing is owed, or a waiver of it is already waiting."""
    from ..models import Correction
    from .corrections import correction_request

    bill = (Bill.objects.select_for_update().filter(community=community, source=Bill.Source.CHARGE, source_ref=ref)
            .first())
    if bill is None or bill.outstanding <= 0 or source_key not in _SOURCES:
        return Decimal("0.00")
    if Correction.objects.filter(bill=bill, kind=Correction.Kind.WAIVER, status=Correction.Status.PENDING).exists():
        return Decimal("0.00")
    correction_request(kind=Correction.Kind.WAIVER, community=community, actor=actor, reason=reason, bill=bill,
                       amount=bill.outstanding)
    return bill.outstanding


def charge_fee_item_rate(*, source_key: str, community, price, valid_from, actor):
    """Make sure ``community`` has the fee item of the source ``source_key`` and a rate ``price`` from
    ``valid_from`` (the demo data and a first set-up; managers change rates on billing's set-up pages).
    Idempotent: an existing rate from that day is kept."""
    from .setup import rate_add

    source = _SOURCES[source_key]
    item = _fee_item(source, community)
    existing = item.rates.filter(building__isnull=True, usage="", valid_from=valid_from).first()
    return existing or rate_add(item=item, actor=actor, valid_from=valid_from, price=price)




# ---- charges paid at once (renovation: worker-pass card fees, extension fees) ----
def charges_outstanding(*, community, refs) -> dict[str, Decimal | None]:
    """What is still owed on each charge ``ref`` (its bill's ``outstanding``; None: not billed yet)."""
    refs = list(refs)
    found = dict(Bill.objects.filter(community=community, source=Bill.Source.CHARGE, source_ref__in=refs)
                 .values_list("source_ref", "outstanding"))
    return {ref: found.get(ref) for ref in refs}


@transaction.atomic
def charges_pay_now(*, source_key: str, refs, community, unit, payer_name: str, method: str, cashier,
                    reference: str = "", now=None):
    """Bill the pending charges ``refs`` of ``source_key`` (as ``charge_bill_now``) and take what is still owed
    on them at the counter on one receipt (``pay_at_counter``). Returns the receipt, or None when every one
    of them had been paid already (e.g. at the counter). Refused (nothing written) when a charge is neither
    pending nor billed to ``unit``."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    from .payments import pay_at_counter

    refs = list(dict.fromkeys(refs))
    for ref in refs:
        charge_bill_now(source_key=source_key, ref=ref, community=community, actor=cashier, now=now)
    bills = list(Bill.objects.filter(community=community, source=Bill.Source.CHARGE, source_ref__in=refs, unit=unit))
    if len(bills) != len(refs):
        raise ValidationError(_("One of these charges has been paid or changed meanwhile."), code="stale")
    owed = [b for b in bills if b.outstanding > 0]
    if not owed:
        return None
    return pay_at_counter(community=community, unit=unit, bill_ids=[b.pk for b in owed],
                          amount=sum((b.outstanding for b in owed), ZERO), method=method, payer_name=payer_name,
                          cashier=cashier, reference=reference, now=now)


__all__ = ["ChargeSource", "PendingCharge", "charge_bill_now", "charge_fee_item_rate", "charge_sources",
           "charges_outstanding", "charges_pay_now", "charges_to_bills", "pending_charges", "register_charge_source",
           "unregister_charge_source"]
