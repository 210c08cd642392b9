"""Paid home services (有偿服务): the community's price list as it stands on a day, and its history."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import OuterRef, Prefetch, Subquery
from django.shortcuts import get_object_or_404

from frontdesk.scoping import scope

from ..models import ServiceItem, ServicePrice


@dataclass(frozen=True)
class PriceLine:
    item: ServiceItem
    price: Decimal | None  # None: no price valid yet on the day
    valid_from: datetime.date | None


def price_on(*, item: ServiceItem, day: datetime.date) -> ServicePrice | None:
    """The price of ``item`` valid on ``day``: the latest one starting on or before it."""
    return item.prices.filter(valid_from__lte=day).order_by("-valid_from").first()


def price_list(*, community, day: datetime.date, active_only: bool = True) -> list[PriceLine]:
    """The community's services with the price valid on ``day`` (one query)."""
    current = ServicePrice.objects.filter(item=OuterRef("pk"), valid_from__lte=day).order_by("-valid_from")
    qs = (ServiceItem.objects.filter(community=community)
          .annotate(price_now=Subquery(current.values("price")[:1]),
                    price_from=Subquery(current.values("valid_from")[:1]))
          .order_by("name"))
    if active_only:
        qs = qs.filter(is_active=True)
    return [PriceLine(item=i, price=i.price_now, valid_from=i.price_from) for i in qs]


def bookable_items(*, communities, day: datetime.date):
    """Services in use with a price valid on ``day``, of the given communities (the booking form's choices)."""
    current = ServicePrice.objects.filter(item=OuterRef("pk"), valid_from__lte=day).order_by("-valid_from")
    return (ServiceItem.objects.filter(community__in=communities, is_active=True)
            .annotate(price_now=Subquery(current.values("price")[:1]))
            .filter(price_now__isnull=False).select_related("community").order_by("community__name", "name"))


def price_history(*, community):
    """Every service of the community with all its dated prices, newest first, each with ``valid_to`` (the day
    before the next price starts; None for the latest) (two queries)."""
    items = list(ServiceItem.objects.filter(community=community).order_by("name").prefetch_related(
        Prefetch("prices", queryset=ServicePrice.objects.select_related("created_by").order_by("-valid_from"),
                 to_attr="all_prices")))
    for item in items:
        newer = None
        for price in item.all_prices:
            price.valid_to = newer.valid_from - datetime.timedelta(days=1) if newer else None
            newer = price
    return items


def service_item_for(*, user, pk: int) -> ServiceItem:
    return get_object_or_404(scope(ServiceItem.objects.select_related("community"), user), pk=pk)
