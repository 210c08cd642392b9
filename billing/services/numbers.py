"""Gapless document numbers and the cashier's business day."""

import datetime

from django.utils import timezone

from ..models import DailyClose, DocumentCounter

PREFIX = {"receipt": "SJ", "waiver": "JM", "refund": "TK"}


def next_number(*, community, kind: str, year: int) -> tuple[int, str]:
    """(seq, "SJ2026-000123"): the next number of ``kind`` for ``community`` and ``year``, from a row
    locked until the caller's transaction ends. Call it last, just before writing the document, so the
    lock is held briefly; a rollback gives the number back, so the sequence has no gaps."""
    DocumentCounter.objects.get_or_create(community=community, kind=kind, year=year)
    counter = DocumentCounter.objects.select_for_update().get(community=community, kind=kind, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last, f"{PREFIX[kind]}{year}-{counter.last:06d}"


def _lock_counter(community, kind: str, year: int) -> None:
    DocumentCounter.objects.get_or_create(community=community, kind=kind, year=year)
    DocumentCounter.objects.select_for_update().filter(community=community, kind=kind, year=year).exists()


def locked_business_date(*, community, cashier, kind: str = "receipt", now=None) -> datetime.date:
    """The cashier's open day, read while holding the ``kind`` counter of its year: the daily close takes
    the community's counters before it counts the day, so a document is either counted in a close or
    lands on the next day — never on a day closed under it."""
    day = business_date(community=community, cashier=cashier, now=now)
    _lock_counter(community, kind, day.year)
    again = business_date(community=community, cashier=cashier, now=now)  # a close that committed meanwhile
    if again.year != day.year:
        _lock_counter(community, kind, again.year)
    return again


def business_date(*, community, cashier, now=None) -> datetime.date:
    """The cashier's open business day: today, or the first day after it that the cashier has not
    closed (a payment, void or refund after the daily close goes to the next day)."""
    day = timezone.localdate(now or timezone.now())
    closed = set(DailyClose.objects.filter(community=community, cashier=cashier, business_date__gte=day)
                 .values_list("business_date", flat=True))
    while day in closed:
        day += datetime.timedelta(days=1)
    return day
