"""Read side of the cashier's daily close (收银日结): a day's figures by method, the open business day, the
days left unclosed, the closes a user may see and a close as recorded. The rule is in
``billing.services.close``."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import Count, Q, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from core.dates import parse_month
from core.models import Role
from core.money import rmb_upper
from frontdesk.models import SummarySettings
from frontdesk.scoping import scope

from ..models import COUNTER_METHODS, DailyClose, Deposit, Method, Receipt, ReceiptVoid, Voucher
from ..services.numbers import business_date

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


# A day's money at the counter by method: what each cashier received (receipts of the business day), what
# was voided that day (by the voided receipt's method) and refunded (refund vouchers paid out that day; no
# method: cash), their closes of the day, and each community's time the day is due to be closed (its daily
# summary time, in seconds after midnight; none: the default). ONE statement for any number of communities and cashiers: the
# daily close and the manager's summary read the same figures.
_DAY_MONEY_SQL = """
SELECT r.community_id, r.cashier_id, r.method, 'received', COUNT(*), SUM(r.amount)
FROM billing_receipt r
WHERE r.community_id = ANY(%(communities)s) AND r.business_date = %(day)s {receipt_cashier}
GROUP BY 1, 2, 3
UNION ALL
SELECT r.community_id, r.cashier_id, r.method, 'voided', COUNT(*), SUM(r.amount)
FROM billing_receiptvoid v JOIN billing_receipt r ON r.id = v.receipt_id
WHERE r.community_id = ANY(%(communities)s) AND v.business_date = %(day)s {receipt_cashier}
GROUP BY 1, 2, 3
UNION ALL
SELECT w.community_id, w.requested_by_id, COALESCE(NULLIF(w.method, ''), 'cash'), 'refunded', COUNT(*), SUM(w.amount)
FROM billing_voucher w
WHERE w.community_id = ANY(%(communities)s) AND w.business_date = %(day)s AND w.kind = 'refund' {voucher_cashier}
GROUP BY 1, 2, 3
UNION ALL
SELECT d.community_id, d.cashier_id, '', 'close', 1, d.difference
FROM billing_dailyclose d
WHERE d.community_id = ANY(%(communities)s) AND d.business_date = %(day)s {close_cashier}
UNION ALL
SELECT s.community_id, NULL, '', 'due', 0, EXTRACT(EPOCH FROM s.freeze_at)::numeric
FROM {summary_settings} s
WHERE s.community_id = ANY(%(communities)s)
"""


@dataclass
class DayMoney:
    rows: dict = field(default_factory=dict)  # (community id, cashier id) -> {method: MethodRow}
    closes: dict = field(default_factory=dict)  # (community id, cashier id) -> the close's difference
    close_by: dict = field(default_factory=dict)  # community id -> the local time its day is due to be closed

    def is_due(self, community_id: int, day: datetime.date, now: datetime.datetime) -> bool:
        """A cashier's ``day`` is due to be closed once it is over, or on the day itself once the community's
        daily summary time has passed (日报时间, ``SummarySettings.freeze_at``: 20:00 by default, the late
        shift's end). Before then a cashier at the counter is still working, not an exception."""
        local = timezone.localtime(now)
        due_at = self.close_by.get(community_id, SummarySettings.DEFAULT_FREEZE_AT)
        return day < local.date() or (day == local.date() and local.time() >= due_at)

    def by_method(self) -> dict[str, MethodRow]:
        """Every cashier's rows added up, by method."""
        total: dict[str, MethodRow] = {}
        for rows in self.rows.values():
            for method, row in rows.items():
                t = total.setdefault(method, MethodRow(method=method, label=row.label))
                t.count += row.count
                t.received += row.received
                t.voided += row.voided
                t.refunded += row.refunded
        return total

    def unclosed(self, day: datetime.date | None = None, now: datetime.datetime | None = None) -> list[tuple[int, int]]:
        """(community id, cashier id) of the cashiers who took or paid out money that day with no close, or
        whose close does not balance (counted cash differs from the system's). With ``day`` and ``now``: a
        day with no close counts only once it is due (``is_due``); a close that does not balance always."""
        return sorted(key for key, rows in self.rows.items()
                      if any(r.count or r.refunded for r in rows.values())
                      and (self.closes[key] != ZERO if key in self.closes
                           else now is None or self.is_due(key[0], day, now)))


def day_money(*, community_ids: list[int], day, cashier_id: int | None = None) -> DayMoney:
    """The day's money by community, cashier and method, the closes of the day and when each community's day
    is due to be closed (one query)."""
    labels = dict(Method.choices)
    money = DayMoney()
    if not community_ids:
        return money
    cashier = "AND {alias}.{field} = %(cashier)s" if cashier_id is not None else ""
    sql = _DAY_MONEY_SQL.format(receipt_cashier=cashier.format(alias="r", field="cashier_id"),
                                voucher_cashier=cashier.format(alias="w", field="requested_by_id"),
                                close_cashier=cashier.format(alias="d", field="cashier_id"),
                                summary_settings=SummarySettings._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(sql, {"communities": list(community_ids), "day": day, "cashier": cashier_id})
        found = cursor.fetchall()
    for community_id, cashier_pk, method, what, count, amount in found:
        key = (community_id, cashier_pk)
        if what == "close":
            money.closes[key] = amount
            continue
        if what == "due":
            hours, seconds = divmod(int(amount), 3600)
            money.close_by[community_id] = datetime.time(hours, *divmod(seconds, 60))
            continue
        rows = money.rows.setdefault(key, {})
        row = rows.setdefault(method, MethodRow(method=method, label=str(labels.get(method, method))))
        if what == "received":
            row.count, row.received = count, amount
        else:
            setattr(row, what, getattr(row, what) + amount)
    return money


def day_summary(*, community, cashier, day, with_lists: bool = True) -> DaySummary:
    """The day's figures (a fixed number of queries, whatever the number of receipts)."""
    rows = {m.value: MethodRow(method=m.value, label=str(m.label)) for m in COUNTER_METHODS}
    found = day_money(community_ids=[community.pk], day=day, cashier_id=cashier.pk).rows.get((community.pk, cashier.pk), {})
    for method, row in found.items():
        rows[method] = row
    receipts = Receipt.objects.filter(community=community, cashier=cashier, business_date=day)
    voids = ReceiptVoid.objects.filter(receipt__community=community, receipt__cashier=cashier, business_date=day)
    refunds = Voucher.objects.filter(community=community, requested_by=cashier, business_date=day,
                                     kind=Voucher.Kind.REFUND)
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


def days_left_open(*, community, cashier, before, limit: int = 10, window_days: int = 31) -> list:
    """Business days of the last month before ``before`` with receipts or refunds of ``cashier`` that
    were never closed (newest ``limit``, oldest first)."""
    since = before - datetime.timedelta(days=window_days)
    closed = DailyClose.objects.filter(community=community, cashier=cashier).values("business_date")
    days = set()
    for qs in (Receipt.objects.filter(community=community, cashier=cashier),
               Voucher.objects.filter(community=community, requested_by=cashier, kind=Voucher.Kind.REFUND)):
        days |= set(qs.filter(business_date__lt=before, business_date__gte=since).exclude(business_date__in=closed)
                    .order_by("-business_date").values_list("business_date", flat=True).distinct()[:limit])
    return sorted(days)[-limit:]


def unclosed_on(*, communities, day, now=None) -> list[dict]:
    """The cashiers of ``communities`` whose ``day`` is not closed or does not balance (``DayMoney.unclosed``:
    the daily summary's 日结异常 opens this list): community, cashier, the close's difference if closed, and
    ``due``: False for a cashier still within the day (not closed, not yet due: not counted as an exception),
    with ``due_at``, the time the close is due."""
    from core.models import User

    now = now or timezone.now()
    by_pk = {c.pk: c for c in communities}
    money = day_money(community_ids=list(by_pk), day=day)
    counted = set(money.unclosed(day, now))
    keys = money.unclosed()
    names = {u.pk: u.display_name for u in User.objects.filter(pk__in={cashier for _c, cashier in keys})} if keys else {}
    return [{"community": by_pk[community].name, "cashier": names.get(cashier, ""), "day": day,
             "difference": money.closes.get((community, cashier)), "due": (community, cashier) in counted,
             "due_at": money.close_by.get(community, SummarySettings.DEFAULT_FREEZE_AT)}
            for community, cashier in keys]


def closes_for(user):
    """The closes ``user`` may see: a cashier their own, supervisors and managers those of their communities."""
    qs = scope(DailyClose.objects.select_related("community", "cashier"), user)
    if user.role == Role.CASHIER and not user.is_superuser:
        qs = qs.filter(cashier=user)
    return qs


def close_list(user, *, community: str = "", cashier: str = "", month: str = ""):
    """(queryset, month understood): the closes ``user`` may see, newest first, filtered by community id,
    cashier (name or login) and month; a month that is not understood filters nothing."""
    qs = closes_for(user)
    if community.isdigit():
        qs = qs.filter(community_id=int(community))
    if cashier:
        qs = qs.filter(Q(cashier__full_name__icontains=cashier) | Q(cashier__username__iexact=cashier))
    understood = True
    if month:
        chosen = parse_month(month)
        if chosen is None:
            understood = False
        else:
            qs = qs.filter(business_date__year=chosen.year, business_date__month=chosen.month)
    return qs.order_by("-business_date", "-id"), understood


def frozen_rows(close: DailyClose) -> list[MethodRow]:
    """The totals as recorded at the close (the record, not a recomputation)."""
    labels = dict(Method.choices)
    return [MethodRow(method=method, label=labels.get(method, method), count=int(values["count"]),
                      received=Decimal(values["received"]), voided=Decimal(values["voided"]),
                      refunded=Decimal(values["refunded"]))
            for method, values in close.totals.items()]


def close_record(*, user, pk) -> dict:
    """A close's page and PDF: the close, the day's lists and the figures by method as recorded at the close
    (one table: the page shows the recorded figures, not a recomputation beside them)."""
    close = get_object_or_404(closes_for(user), pk=pk)
    summary = day_summary(community=close.community, cashier=close.cashier, day=close.business_date)
    totals = frozen_rows(close)
    summary.rows = totals
    return {"close": close, "summary": summary, "totals": totals,
            "counted_upper": rmb_upper(close.counted_cash)}
