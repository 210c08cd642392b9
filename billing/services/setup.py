"""Fee items and their rates (收费项目、收费标准), and one-off charges added at the counter.

A rate starts on the 1st of a month. A price change is a new rate row: the old ones stay as history, and
bills keep the price they were issued with. A rate can be edited only while no bill can have used it.
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.money import to_money
from core.text import clean_text

from ..models import Bill, FeeItem, FeeRate
from ..selectors.setup import current_price, rate_used

METER_KINDS = (FeeItem.Kind.WATER, FeeItem.Kind.ELECTRICITY)
CHARGE_BASES = (FeeItem.Basis.FIXED,)


def _check_item(*, kind: str, basis: str, usages) -> None:
    if kind not in FeeItem.Kind.values:
        raise ValidationError({"kind": _("Choose the kind of fee.")})
    if basis not in FeeItem.Basis.values:
        raise ValidationError({"basis": _("Choose how the fee is charged.")})
    if (basis == FeeItem.Basis.METER) != (kind in METER_KINDS):
        raise ValidationError({"basis": _("Water and electricity are charged by meter usage, and only they are.")})
    if kind == FeeItem.Kind.PARKING and basis not in (FeeItem.Basis.SPACE, FeeItem.Basis.FIXED):
        raise ValidationError({"basis": _("Parking fees are charged per parking space.")})
    if basis == FeeItem.Basis.SPACE and kind != FeeItem.Kind.PARKING:
        raise ValidationError({"basis": _("Only parking fees are charged per parking space.")})
    if kind in (FeeItem.Kind.DEPOSIT, FeeItem.Kind.REPAIR) and basis != FeeItem.Basis.FIXED:
        raise ValidationError({"basis": _("Deposits and repairs are fixed amounts each time.")})
    from frontdesk.models import Unit

    wrong = [u for u in usages if u not in Unit.Usage.values]
    if wrong:
        raise ValidationError({"usages": _("Unknown unit usage: %(usage)s.") % {"usage": ", ".join(wrong)}})


@transaction.atomic
def feeitem_save(*, community, actor, item: FeeItem | None = None, code: str, name: str, kind: str, basis: str,
                 usages=(), due_days: int = 30, sort_order: int = 0, is_active: bool = True) -> FeeItem:
    """Create a fee item or change one. The kind and basis of an item that has bills cannot change."""
    code, name = clean_text(code).lower(), clean_text(name)
    usages = sorted(set(usages or []))
    if not code:
        raise ValidationError({"code": _("Give a short code.")})
    if not name:
        raise ValidationError({"name": _("Give the name of the fee.")})
    _check_item(kind=kind, basis=basis, usages=usages)
    if FeeItem.objects.filter(community=community, code=code).exclude(pk=getattr(item, "pk", None)).exists():
        raise ValidationError({"code": _("This code is already used.")})
    if item is None:
        item = FeeItem(community=community)
    elif (item.kind != kind or item.basis != basis) and Bill.objects.filter(fee_item=item).exists():
        raise ValidationError(_("This fee item has bills: its kind and how it is charged cannot change. "
                                "Create a new fee item instead."))
    item.code, item.name, item.kind, item.basis = code, name[:40], kind, basis
    item.usages, item.due_days, item.sort_order, item.is_active = usages, due_days, sort_order, is_active
    item.save()
    return item


def _tiers(tiers, basis) -> list[dict]:
    """Normalise meter tiers: ascending ``up_to`` bounds, prices not negative, as strings."""
    tiers = tiers or []
    if tiers and basis != FeeItem.Basis.METER:
        raise ValidationError({"tiers": _("Only meter fees have tiers.")})
    result, last = [], Decimal("0")
    for tier in tiers:
        try:
            up_to, price = Decimal(str(tier["up_to"])), Decimal(str(tier["price"]))
        except (KeyError, TypeError, InvalidOperation):
            raise ValidationError({"tiers": _("Each tier needs a usage limit and a price.")}) from None
        if up_to <= last:
            raise ValidationError({"tiers": _("Tier limits must go up (each above the one before and above 0).")})
        if price < 0:
            raise ValidationError({"tiers": _("A price cannot be negative.")})
        result.append({"up_to": str(up_to.quantize(Decimal("0.01"))), "price": str(price.quantize(Decimal("0.0001")))})
        last = up_to
    return result


def _check_rate(*, item: FeeItem, building, usage: str, valid_from, price) -> Decimal:
    if not isinstance(valid_from, datetime.date) or valid_from.day != 1:
        raise ValidationError({"valid_from": _("A rate starts on the first day of a month.")})
    if building is not None and building.community_id != item.community_id:
        raise ValidationError({"building": _("This building is not in this community.")})
    from frontdesk.models import ParkingSpace, Unit

    allowed = ParkingSpace.Kind.values if item.basis == FeeItem.Basis.SPACE else Unit.Usage.values
    if usage and usage not in allowed:
        raise ValidationError({"usage": _("Choose a usage from the list.")})
    try:
        price = Decimal(str(price)).quantize(Decimal("0.0001"))
    except (InvalidOperation, TypeError):
        raise ValidationError({"price": _("Give the price as a number.")}) from None
    if price < 0:
        raise ValidationError({"price": _("A price cannot be negative.")})
    return price


def rate_add(*, item: FeeItem, actor, valid_from, price, building=None, usage: str = "", tiers=()) -> FeeRate:
    """A new rate from ``valid_from`` (the 1st of a month). Earlier rates stay as history."""
    price = _check_rate(item=item, building=building, usage=usage, valid_from=valid_from, price=price)
    tiers = _tiers(tiers, item.basis)
    try:
        with transaction.atomic():
            return FeeRate.objects.create(fee_item=item, building=building, usage=usage or "", valid_from=valid_from,
                                          price=price, tiers=tiers, created_by=actor)
    except IntegrityError:
        raise ValidationError(_("A rate for this scope already starts on this date.")) from None


@transaction.atomic
def rate_edit(*, rate: FeeRate, actor, valid_from, price, tiers=()) -> FeeRate:
    """Correct a rate no bill has used yet; a used rate is refused (add a new rate from a later month)."""
    rate = FeeRate.objects.select_for_update().select_related("fee_item").get(pk=rate.pk)
    if rate_used(rate):
        raise ValidationError(_("Bills were already made with this rate: add a new rate from a later month "
                                "instead of changing it."))
    price = _check_rate(item=rate.fee_item, building=rate.building, usage=rate.usage, valid_from=valid_from,
                        price=price)
    rate.valid_from, rate.price, rate.tiers = valid_from, price, _tiers(tiers, rate.fee_item.basis)
    if rate_used(rate):
        raise ValidationError({"valid_from": _("Bills were already made from this month: choose a later month.")})
    try:
        with transaction.atomic():
            rate.save(update_fields=["valid_from", "price", "tiers"])
    except IntegrityError:
        raise ValidationError(_("A rate for this scope already starts on this date.")) from None
    return rate


@transaction.atomic
def charge_add(*, unit, item: FeeItem, actor, quantity="1", price=None, description: str = "", now=None) -> Bill:
    """Bill a one-off fee (basis fixed, e.g. 工本费 5 元) to ``unit`` at the counter: a bill with source
    manual, due today, that the cashier can then take payment for. The price defaults to the item's rate."""
    if item.community_id != unit.community_id:
        raise ValidationError({"fee_item": _("This fee item is not of this unit's community.")})
    if item.basis not in CHARGE_BASES or not item.is_active:
        raise ValidationError({"fee_item": _("Only one-off fees in use can be added here.")})
    today = timezone.localdate(now or timezone.now())
    try:
        quantity = Decimal(str(quantity)).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError):
        raise ValidationError({"quantity": _("Give the quantity as a number.")}) from None
    if quantity <= 0:
        raise ValidationError({"quantity": _("The quantity must be more than zero.")})
    if price in (None, ""):
        price = current_price(item, unit=unit, on=today)
        if price is None:
            raise ValidationError({"price": _("This fee has no rate yet: give the price.")})
    try:
        price = Decimal(str(price)).quantize(Decimal("0.0001"))
    except (InvalidOperation, TypeError):
        raise ValidationError({"price": _("Give the price as a number.")}) from None
    if price <= 0:
        raise ValidationError({"price": _("The price must be more than zero.")})
    amount = to_money(quantity * price)
    description = clean_text(description)[:200] or f"{quantity.normalize():f} × {price}"
    return Bill.objects.create(
        community_id=unit.community_id, building_id=unit.building_id, unit=unit, fee_item=item,
        period=today.replace(day=1), source=Bill.Source.MANUAL, source_ref=f"manual:{getattr(actor, 'pk', '')}",
        description=description, quantity=quantity, unit_price=price, amount=amount, outstanding=amount,
        due_date=today)
