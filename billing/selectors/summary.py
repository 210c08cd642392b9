"""Billing's section of the manager's daily summary 前台日报 and the cashier's and supervisor's "today" cards.

Every figure is a function of ``(community_ids, day)`` defined once below (the docstring is its definition)
on top of the definitions billing already has: the day's money by method is the daily close's
(``close.day_money``), the collection rate is the collection report's (``collection.building_rows``).
Three queries whatever the number of communities: the rates, the day's money with its closes, and the
pending corrections with the arrears movement.
"""

import datetime
from decimal import Decimal
from urllib.parse import urlencode

from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.dates import day_bounds
from core.models import Role
from core.money import format_money
from core.permissions import has_perm
from frontdesk.registry import MONEY, PERCENT, Figure, TodayCard, TodayItem

from ..models import Correction
from .close import ZERO, day_money
from .collection import TARGET, Figures, building_rows


def _url(name: str, community_ids: list[int], **params) -> str:
    """The list ``name`` filtered by ``params`` and, for one community, by that community."""
    if len(community_ids) == 1:
        params = {"community": community_ids[0], **params}
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return f"{reverse(name)}?{query}" if query else reverse(name)


# The pending corrections and the pieces of the day's arrears movement, in one statement.
_DAY_SQL = """
SELECT
  (SELECT COUNT(*) FROM billing_correction c
    WHERE c.community_id = ANY(%(communities)s) AND c.status = 'pending'),
  (SELECT COALESCE(SUM(b.amount), 0) FROM billing_bill b
    WHERE b.community_id = ANY(%(communities)s) AND b.created_at >= %(start)s AND b.created_at < %(end)s),
  (SELECT COALESCE(SUM(l.amount), 0) FROM billing_receiptline l
    WHERE l.community_id = ANY(%(communities)s) AND l.kind = 'bill' AND l.business_date = %(day)s),
  (SELECT COALESCE(SUM(l.amount), 0) FROM billing_receiptline l JOIN billing_receiptvoid v ON v.receipt_id = l.receipt_id
    WHERE l.community_id = ANY(%(communities)s) AND l.kind = 'bill' AND v.business_date = %(day)s),
  (SELECT COALESCE(-SUM(e.amount), 0) FROM billing_balanceentry e
    WHERE e.community_id = ANY(%(communities)s) AND e.kind = 'apply' AND e.created_at >= %(start)s
      AND e.created_at < %(end)s),
  (SELECT COALESCE(SUM(w.amount), 0) FROM billing_voucher w
    WHERE w.community_id = ANY(%(communities)s) AND w.kind = 'waiver' AND w.business_date = %(day)s)
"""


def _day_figures(community_ids: list[int], day: datetime.date) -> tuple[int, Decimal]:
    start, end = day_bounds(day)
    with connection.cursor() as cursor:
        cursor.execute(_DAY_SQL, {"communities": list(community_ids), "day": day, "start": start, "end": end})
        pending, billed, paid, reopened, applied, waived = cursor.fetchone()
    return pending, arrears_change(billed=billed, paid=paid, reopened=reopened, applied=applied, waived=waived)


def arrears_change(*, billed: Decimal, paid: Decimal, reopened: Decimal, applied: Decimal, waived: Decimal) -> Decimal:
    """欠费变动 of a day: what the unpaid fees grew by (negative: shrank) — the bills issued that day (created
    that local day), less the money that reached bills that day (lines of receipts of the business day, prepaid
    balances applied that day, waivers of the business day), plus the bills reopened by that day's voids."""
    return billed - paid - applied - waived + reopened


def collected(money) -> tuple[Decimal, tuple]:
    """实收 of a day: the net money the cashiers took at the counter that business day, as their daily close
    counts it — received, less voided that day, less refunded that day — in total and by method."""
    rows = money.by_method()
    total = sum((r.net for r in rows.values()), ZERO)
    return total, tuple((r.label, r.net) for r in sorted(rows.values(), key=lambda r: r.method) if r.count or r.net)


def close_missing(money, day: datetime.date, now: datetime.datetime) -> int:
    """日结异常: cashiers (per community) who took or paid out money that business day and did not close it
    although it is due (the day is over, or the community's daily summary time has passed: ``DayMoney.is_due``),
    or whose close does not balance (the cash counted differs from the system's)."""
    return len(money.unclosed(day, now))


def _rate_figures(community_ids: list[int], day: datetime.date) -> list[Figure]:
    month = day.replace(day=1)
    rows = building_rows(community_ids=community_ids, month=month)
    total = Figures()
    for row in rows:
        total.add(row.month)
    several = len({r.community_id for r in rows}) > 1
    url = _url("billing:collection", community_ids, month=f"{month:%Y-%m}")
    current, past = total.current_rate, total.past_rate
    by_building = tuple((f"{r.community} {r.name}" if several else r.name, r.month.current_rate)
                        for r in sorted(rows, key=lambda r: (r.community, r.sort_order, r.name)))
    return [
        # 收费率(当期): the collection report's current rate of the day's month (docs/billing/arrears.md).
        Figure(key="billing.collection_rate", label=_("Collection rate (current)"), value=current, kind=PERCENT,
               url=url, alert=current is not None and current < TARGET, target=TARGET, additive=False),
        # 收费率(往期): the report's past-due rate of the day's month.
        Figure(key="billing.collection_rate_past_due", label=_("Collection rate (past due)"), value=past,
               kind=PERCENT, url=url, alert=past is not None and past < TARGET, target=TARGET, additive=False),
        # The current rate of each building (the half-year report reads it from the frozen days).
        Figure(key="billing.collection_rate.by_building", label=_("Collection rate by building"), value=current,
               kind=PERCENT, url=url, target=TARGET, additive=False, breakdown=by_building,
               alert=current is not None and current < TARGET),
    ]


def figures(community_ids: list[int], day: datetime.date, now: datetime.datetime | None = None) -> list[Figure]:
    """Billing's figures of ``day`` for ``community_ids`` as they stand at ``now`` (three queries)."""
    community_ids = list(community_ids)
    now = now or timezone.now()
    money = day_money(community_ids=community_ids, day=day)
    total, by_method = collected(money)
    pending, change = _day_figures(community_ids, day)
    return [
        Figure(key="billing.close_missing", label=_("Cashier days not closed or not balanced"),
               value=close_missing(money, day, now),
               url=_url("billing:close_list", community_ids, month=f"{day:%Y-%m}", day=day.isoformat()),
               exception=True, better="down"),
        Figure(key="billing.corrections_waiting", label=_("Corrections awaiting approval"), value=pending,
               url=_url("billing:correction_list", community_ids), exception=True, better="down", additive=False),
        Figure(key="billing.collected", label=_("Fees collected"), value=total, kind=MONEY,
               url=_url("billing:receipt_list", community_ids, date_from=day.isoformat(), date_to=day.isoformat()),
               breakdown=by_method),
        Figure(key="billing.arrears_change", label=_("Change in arrears"), value=change, kind=MONEY, better="down",
               url=_url("billing:arrears", community_ids)),
        *_rate_figures(community_ids, day),
    ]


# --- today cards ---------------------------------------------------------------------------------------

def _pending(community_ids, **filters) -> list[Correction]:
    return list(Correction.objects.filter(community_id__in=community_ids, status=Correction.Status.PENDING, **filters)
                .select_related("receipt", "unit").order_by("requested_at", "id"))


def _correction_item(c: Correction) -> TodayItem:
    """A correction waiting for a decision: when it was asked ("4 分钟前提交"), not a deadline — nothing is late."""
    what = c.receipt.number if c.receipt_id else (c.unit.code if c.unit_id else "")
    text = f"{c.get_kind_display()} {what}".replace("  ", " ").strip()
    return TodayItem(text=text, url=reverse("billing:correction_detail", args=[c.pk]),
                     since=c.requested_at, since_label=_("asked %(duration)s ago"))


def today_cards(user, community_ids: list[int], day: datetime.date, now=None) -> list[TodayCard]:
    """The cashier's takings, close and corrections waiting; the approver's corrections to approve (≤ 2 queries)."""
    community_ids = list(community_ids)
    cards = []
    if user.role == Role.CASHIER:
        money = day_money(community_ids=community_ids, day=day, cashier_id=user.pk)
        rows = money.by_method()
        receipts = sum(r.count for r in rows.values())
        close_url = reverse("billing:close_day")
        cards.append(TodayCard(
            key="billing.takings", title=_("Today's takings"), count=receipts, order=10, url=close_url,
            roles=frozenset({Role.CASHIER}),
            items=tuple(TodayItem(text=f"{r.label} {format_money(r.net)}", url=close_url)
                        for r in sorted(rows.values(), key=lambda r: r.method) if r.count or r.net)))
        unclosed = money.unclosed()
        if unclosed:
            closed = [money.closes[key] for key in unclosed if key in money.closes]
            text = (_("The close does not balance: difference %(amount)s") % {"amount": format_money(closed[0])}
                    if closed else _("Today is not closed yet"))
            items = (TodayItem(text=text, url=close_url, urgent=bool(closed)),)
        elif money.closes:
            items = (TodayItem(text=_("Today is closed"), url=close_url),)
        else:
            items = ()
        cards.append(TodayCard(key="billing.close", title=_("Daily close"), count=len(unclosed), url=close_url,
                               items=items, roles=frozenset({Role.CASHIER}), order=11))
        mine = _pending(community_ids, requested_by=user)
        cards.append(TodayCard(key="billing.corrections_mine", title=_("Corrections waiting on a supervisor"),
                               count=len(mine), url=reverse("billing:correction_mine"),
                               items=tuple(_correction_item(c) for c in mine[:5]),
                               roles=frozenset({Role.CASHIER}), order=12))
    elif has_perm(user, "billing.approve"):
        pending = _pending(community_ids)
        cards.append(TodayCard(key="billing.corrections_to_approve", title=_("Corrections to approve"),
                               count=len(pending), url=reverse("billing:correction_list"),
                               items=tuple(_correction_item(c) for c in pending[:5]),
                               roles=frozenset({Role.SUPERVISOR, Role.MANAGER}), order=20))
    return cards
