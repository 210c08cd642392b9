"""收银日结 — the cashier's daily close.

A cashier's business day holds the receipts they issued on it, the voids recorded on it (of their
receipts of any day: a void after a close goes to the next open day and names the original receipt)
and the refund vouchers paid out on it. By method:

    net = received − voided − refunded          system cash = the net of the cash column

The cashier counts the cash, gives a reason for any difference, names the finance person taking the
money and signs by entering their password again. The close is a ``DailyClose`` row (append-only,
one per community, cashier and day). From then on ``numbers.business_date`` puts that cashier's new
receipts, voids and vouchers on the next day, so a closed day never changes.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.money import to_money
from core.text import clean_text

from ..models import COUNTER_METHODS, DailyClose, Deposit, DocumentCounter, Method, Receipt, ReceiptVoid, Voucher
from .numbers import business_date

ZERO = Decimal("0.00")


@dataclass
class MethodRow:
    method: str
    label: str
    count: int = 0
    received: Decimal = ZERO
    voided: Decimal = ZERO
    refunded: Decimal = ZERO

    @property
    def net(self) -> Decimal:
        return self.received - self.voided - self.refunded

    def as_json(self) -> dict:
        return {"count": self.count, "received": str(self.received), "voided": str(self.voided),
                "refunded": str(self.refunded), "net": str(self.net)}


@dataclass
class DaySummary:
    community: object
    cashier: object
    day: object
    rows: list[MethodRow]
    receipts: list = field(default_factory=list)
    voids: list = field(default_factory=list)  # ReceiptVoid rows with their receipt (of any day)
    refunds: list = field(default_factory=list)  # refund Vouchers paid out on the day
    deposits_count: int = 0
    deposits_amount: Decimal = ZERO
    close: DailyClose | None = None

    @property
    def system_cash(self) -> Decimal:
        return next((r.net for r in self.rows if r.method == Method.CASH), ZERO)

    @property
    def total(self) -> MethodRow:
        total = MethodRow(method="", label=_("Total"))
        for row in self.rows:
            total.count += row.count
            total.received += row.received
            total.voided += row.voided
            total.refunded += row.refunded
        return total

    def totals_json(self) -> dict:
        return {r.method: r.as_json() for r in self.rows if r.count or r.voided or r.refunded}


def day_summary(*, community, cashier, day, with_lists: bool = True) -> DaySummary:
    """The day's figures (a fixed number of queries, whatever the number of receipts)."""
    rows = {m.value: MethodRow(method=m.value, label=str(m.label)) for m in COUNTER_METHODS}
    receipts = Receipt.objects.filter(community=community, cashier=cashier, business_date=day)
    for r in receipts.values("method").annotate(n=Count("id"), total=Sum("amount")).order_by():
        row = rows.setdefault(r["method"], MethodRow(method=r["method"], label=r["method"]))
        row.count, row.received = r["n"], r["total"]
    voids = ReceiptVoid.objects.filter(receipt__community=community, receipt__cashier=cashier, business_date=day)
    for r in voids.values("receipt__method").annotate(total=Sum("receipt__amount")).order_by():
        rows.setdefault(r["receipt__method"], MethodRow(method=r["receipt__method"], label=r["receipt__method"]))
        rows[r["receipt__method"]].voided = r["total"]
    refunds = Voucher.objects.filter(community=community, requested_by=cashier, business_date=day,
                                     kind=Voucher.Kind.REFUND)
    for r in refunds.values("method").annotate(total=Sum("amount")).order_by():
        method = r["method"] or Method.CASH
        rows.setdefault(method, MethodRow(method=method, label=method))
        rows[method].refunded += r["total"]
    deposits = Deposit.objects.filter(community=community, receipt__cashier=cashier, receipt__business_date=day) \
        .aggregate(n=Count("id"), total=Sum("amount"))
    summary = DaySummary(community=community, cashier=cashier, day=day, rows=list(rows.values()),
                         deposits_count=deposits["n"], deposits_amount=deposits["total"] or ZERO)
    summary.close = DailyClose.objects.filter(community=community, cashier=cashier, business_date=day).first()
    if with_lists:
        summary.receipts = list(receipts.select_related("unit", "void").order_by("seq"))
        summary.voids = list(voids.select_related("receipt", "receipt__unit", "approved_by").order_by("id"))
        summary.refunds = list(refunds.select_related("unit", "approved_by").order_by("seq"))
    return summary


def open_day(*, community, cashier, now=None):
    return business_date(community=community, cashier=cashier, now=now)


@transaction.atomic
def day_close(*, community, cashier, day, counted_cash, difference_reason: str, handed_to: str, password: str,
              now=None) -> DailyClose:
    """Close ``cashier``'s ``day``: counted cash against the system, the reason for a difference, the finance
    person, the cashier's password as signature. Refused for a day already closed or not yet begun."""
    if not password or not cashier.check_password(password):
        raise ValidationError({"password": _("The password is not right: sign with your own login password.")})
    try:
        counted = to_money(counted_cash)
    except (TypeError, ValueError):
        raise ValidationError({"counted_cash": _("Enter the cash counted, e.g. 1250.00.")}) from None
    if counted < 0:
        raise ValidationError({"counted_cash": _("The cash counted cannot be negative.")})
    handed_to = clean_text(handed_to or "")[:50]
    if len(handed_to) < 2:
        raise ValidationError({"handed_to": _("Give the name of the finance person taking the money.")})
    reason = clean_text(difference_reason or "")[:300]
    if day > open_day(community=community, cashier=cashier, now=now):
        raise ValidationError(_("%(day)s has not begun yet: only your open day or an earlier one can be closed.")
                              % {"day": day})
    # Wait for payments of this community that are writing a receipt right now (they hold the number
    # counter until they commit), so the figures below include them.
    list(DocumentCounter.objects.select_for_update().filter(community=community, year__in={day.year, day.year + 1})
         .order_by("id").values_list("id", flat=True))
    existing = DailyClose.objects.filter(community=community, cashier=cashier, business_date=day).first()
    if existing:
        raise ValidationError(_("%(day)s was already closed at %(at)s (handed to %(who)s). A day is closed once; "
                                "later payments go to the next day.")
                              % {"day": day, "at": timezone.localtime(existing.closed_at).strftime("%Y-%m-%d %H:%M"),
                                 "who": existing.handed_to}, code="closed")
    summary = day_summary(community=community, cashier=cashier, day=day, with_lists=False)
    difference = counted - summary.system_cash
    if difference and len(reason) < 2:
        raise ValidationError({"difference_reason": _("Cash counted differs from the system by ¥%(diff)s: give the "
                                                      "reason.") % {"diff": difference}})
    try:
        with transaction.atomic():
            return DailyClose.objects.create(
                community=community, cashier=cashier, business_date=day, totals=summary.totals_json(),
                system_cash=summary.system_cash, counted_cash=counted, difference=difference,
                difference_reason=reason, handed_to=handed_to)
    except IntegrityError:
        raise ValidationError(_("%(day)s has just been closed by another session.") % {"day": day},
                              code="closed") from None


def days_left_open(*, community, cashier, before, limit: int = 10, window_days: int = 31) -> list:
    """Business days of the last month before ``before`` with receipts or refunds of ``cashier`` that
    were never closed (newest ``limit``, oldest first)."""
    import datetime

    since = before - datetime.timedelta(days=window_days)
    closed = DailyClose.objects.filter(community=community, cashier=cashier).values("business_date")
    days = set()
    for qs in (Receipt.objects.filter(community=community, cashier=cashier),
               Voucher.objects.filter(community=community, requested_by=cashier, kind=Voucher.Kind.REFUND)):
        days |= set(qs.filter(business_date__lt=before, business_date__gte=since).exclude(business_date__in=closed)
                    .order_by("-business_date").values_list("business_date", flat=True).distinct()[:limit])
    return sorted(days)[-limit:]


def closes_for(user):
    """The closes ``user`` may see: a cashier their own, supervisors and managers those of their communities."""
    from core.models import Role
    from frontdesk.scoping import scope

    qs = scope(DailyClose.objects.select_related("community", "cashier"), user)
    if user.role == Role.CASHIER and not user.is_superuser:
        qs = qs.filter(cashier=user)
    return qs
