"""Read side of fee setup: fee items with their rates, a rate's history with "used by bills" flags."""

from decimal import Decimal

from django.db.models import Exists, OuterRef, Prefetch
from django.utils import timezone

from frontdesk.models import Building, ParkingSpace, Unit

from ..models import Bill, FeeItem, FeeRate


def usage_label(item: FeeItem, usage: str) -> str:
    """The label of a rate's usage: a unit usage, or for parking fees a space kind."""
    choices = ParkingSpace.Kind if item.basis == FeeItem.Basis.SPACE else Unit.Usage
    return str(choices(usage).label) if usage in choices.values else usage


def _label(item, rates):
    for rate in rates:
        rate.usage_label = usage_label(item, rate.usage) if rate.usage else ""
    item.usage_labels = [usage_label(item, u) for u in item.usages]


def feeitems_with_rates(*, community):
    """The community's fee items, each with ``rate_list`` (newest first) — two queries in all."""
    rates = FeeRate.objects.select_related("building").order_by("-valid_from", "building__sort_order", "usage", "id")
    items = list(FeeItem.objects.filter(community=community)
                 .prefetch_related(Prefetch("rates", queryset=rates, to_attr="rate_list")))
    today = timezone.localdate()
    for item in items:
        _label(item, item.rate_list)
        item.current_rates = _current(item.rate_list, today)
        item.future_rates = [r for r in item.rate_list if r.valid_from > today]
    return items


def _current(rates, today):
    """Per scope (building, usage) the rate in force today."""
    seen, current = set(), []
    for rate in rates:  # newest first
        key = (rate.building_id, rate.usage)
        if rate.valid_from <= today and key not in seen:
            seen.add(key)
            current.append(rate)
    return current


def _bills_using(*, fee_item_id, valid_from, building_id=None):
    """The bills a rate can have made: of its fee item from its start month on, in its building if it has
    one (values, or ``OuterRef``s for an annotation)."""
    bills = Bill.objects.filter(fee_item_id=fee_item_id, period__gte=valid_from)
    return bills if building_id is None else bills.filter(building_id=building_id)


def rates_with_use(*, item: FeeItem):
    """The item's rates, newest first, each with ``used`` (a bill of the item from its start month on,
    in its building if it has one): one query."""
    plain = _bills_using(fee_item_id=OuterRef("fee_item_id"), valid_from=OuterRef("valid_from"))
    in_building = _bills_using(fee_item_id=OuterRef("fee_item_id"), valid_from=OuterRef("valid_from"),
                               building_id=OuterRef("building_id"))
    rates = list(FeeRate.objects.filter(fee_item=item).select_related("building", "created_by")
                 .annotate(used_any=Exists(plain), used_building=Exists(in_building))
                 .order_by("-valid_from", "building__sort_order", "usage", "id"))
    for rate in rates:
        rate.used = rate.used_building if rate.building_id else rate.used_any
    _label(item, rates)
    return rates


def rate_used(rate: FeeRate) -> bool:
    """Whether a bill can have been made with this rate: a bill of the item (in the rate's building, if
    it has one) from its start month on."""
    return _bills_using(fee_item_id=rate.fee_item_id, valid_from=rate.valid_from,
                        building_id=rate.building_id).exists()


def current_price(item: FeeItem, *, unit=None, on=None) -> Decimal | None:
    """The price of ``item`` valid on ``on`` (today) for ``unit`` (most specific rate), or None."""
    on = on or timezone.localdate()
    best = None
    for rate in FeeRate.objects.filter(fee_item=item, valid_from__lte=on):
        if unit is not None and (rate.building_id not in (None, unit.building_id) or rate.usage not in ("", unit.usage)):
            continue
        if unit is None and (rate.building_id or rate.usage):
            continue
        key = (rate.building_id is not None, rate.usage != "", rate.valid_from)
        if best is None or key > best[0]:
            best = (key, rate.price)
    return best[1] if best else None


def buildings_of(community):
    return Building.objects.filter(community=community).order_by("sort_order", "name")


def charge_items(*, community):
    return FeeItem.objects.filter(community=community, is_active=True, basis=FeeItem.Basis.FIXED).exclude(
        kind__in=[FeeItem.Kind.DEPOSIT, FeeItem.Kind.REPAIR])
