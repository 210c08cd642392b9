"""Reads of the counter (收费台): a unit's open bills, balance, receipts and deposits; receipts and their
list; corrections and vouchers. Every read is scoped to the user's communities (a foreign object is a
404) and runs a constant number of queries, whatever the number of rows."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.postgres.expressions import ArraySubquery
from django.core.paginator import Paginator
from django.db.models import CharField, Count, DecimalField, Exists, Min, OuterRef, Prefetch, Subquery, Sum
from django.db.models.functions import Cast, JSONObject
from django.shortcuts import get_object_or_404

from frontdesk.models import Occupancy, Unit
from frontdesk.scoping import scope
from frontdesk.selectors.units import units_for

from ..models import Bill, Correction, Deposit, Receipt, ReceiptLine, ReceiptPrint, ReceiptVoid, UnitAccount, Voucher

ZERO = Decimal("0.00")
RECENT_RECEIPTS = 10
LIST_PAGE_SIZE = 50
OLDEST_FIRST = ("period", "fee_item__sort_order", "fee_item_id", "id")


def unit_for(user, pk) -> Unit:
    return get_object_or_404(units_for(user), pk=pk)


def open_bills(unit) -> list[Bill]:
    """The unit's bills with something outstanding, oldest first (the order payments are allocated in)."""
    return list(Bill.objects.filter(unit=unit, outstanding__gt=0).select_related("fee_item").order_by(*OLDEST_FIRST))


def owner_name(unit) -> str:
    occupancy = (Occupancy.objects.filter(unit=unit, kind=Occupancy.Kind.OWNER, end_date__isnull=True)
                 .select_related("person").order_by("id").first())
    return occupancy.person.name if occupancy else ""


def balance(unit) -> Decimal:
    return UnitAccount.objects.filter(unit=unit).values_list("balance", flat=True).first() or ZERO


def _receipts():
    return Receipt.objects.select_related("void", "cashier")


def recent_receipts(unit, limit: int = RECENT_RECEIPTS) -> list[Receipt]:
    return list(_receipts().filter(unit=unit).order_by("-created_at", "-id")[:limit])


def deposits_held(unit) -> list[Deposit]:
    return list(Deposit.objects.filter(unit=unit, refund__isnull=True, receipt__void__isnull=True)
                .select_related("receipt").order_by("created_at", "id"))


@dataclass
class PanelReceipt:
    pk: int
    number: str
    amount: Decimal
    business_date: datetime.date
    void: bool


@dataclass
class UnitSummary:
    balance: Decimal
    arrears: Decimal
    open_count: int
    oldest_period: datetime.date | None
    receipts: list


MONEY_OUT = DecimalField(max_digits=12, decimal_places=2)


def unit_summary(unit, *, receipts: int = 3) -> UnitSummary:
    """The unit page's billing panel in one query: balance, arrears, number of open bills, oldest
    unpaid month, and the last receipts (as a JSON array built by PostgreSQL)."""
    open_qs = Bill.objects.filter(unit=OuterRef("pk"), outstanding__gt=0).order_by().values("unit")
    last = (Receipt.objects.filter(unit=OuterRef("pk")).order_by("-created_at", "-id")
            .values(json=JSONObject(pk="id", number="number", amount=Cast("amount", CharField()),
                                    day=Cast("business_date", CharField()),
                                    void=Exists(ReceiptVoid.objects.filter(receipt=OuterRef("pk")))))[:receipts])
    row = (Unit.objects.filter(pk=unit.pk).annotate(
        balance_=Subquery(UnitAccount.objects.filter(unit=OuterRef("pk")).values("balance")[:1]),
        arrears_=Subquery(open_qs.annotate(total=Sum("outstanding")).values("total")[:1], output_field=MONEY_OUT),
        open_count_=Subquery(open_qs.annotate(n=Count("id")).values("n")[:1]),
        oldest_=Subquery(open_qs.annotate(oldest=Min("period")).values("oldest")[:1]),
        receipts_=ArraySubquery(last),
    ).values("balance_", "arrears_", "open_count_", "oldest_", "receipts_").first()) or {}
    return UnitSummary(
        balance=row.get("balance_") or ZERO, arrears=row.get("arrears_") or ZERO,
        open_count=row.get("open_count_") or 0, oldest_period=row.get("oldest_"),
        receipts=[PanelReceipt(pk=r["pk"], number=r["number"], amount=Decimal(r["amount"]),
                               business_date=datetime.date.fromisoformat(r["day"]), void=r["void"])
                  for r in row.get("receipts_") or []])


# --- receipts ------------------------------------------------------------------------------------

def receipts_for(user):
    return scope(Receipt.objects.all(), user)


def receipt_detail(*, user, pk) -> Receipt:
    lines = Prefetch("lines", queryset=ReceiptLine.objects.select_related("bill__fee_item").order_by("id"))
    corrections = Prefetch("corrections", queryset=Correction.objects.select_related("requested_by", "decided_by")
                           .order_by("-requested_at", "-id"), to_attr="all_corrections")
    qs = (receipts_for(user).select_related("community", "unit__building", "unit__entrance", "cashier",
                                            "void__approved_by")
          .prefetch_related(lines, corrections))
    return get_object_or_404(qs, pk=pk)


def receipt_for_pdf(*, user, pk) -> Receipt:
    lines = Prefetch("lines", queryset=ReceiptLine.objects.select_related("bill__fee_item").order_by("id"))
    qs = receipts_for(user).select_related("community", "unit", "cashier", "void").prefetch_related(lines)
    return get_object_or_404(qs, pk=pk)


def print_count(receipt) -> int:
    return ReceiptPrint.objects.filter(receipt=receipt).count()


def receipt_list_page(*, user, number: int = 1, size: int = LIST_PAGE_SIZE, date_from=None, date_to=None,
                      cashier=None, method="", q="", community=None):
    qs = receipts_for(user).select_related("unit", "cashier", "void", "community")
    if community:
        qs = qs.filter(community_id=community)
    if date_from:
        qs = qs.filter(business_date__gte=date_from)
    if date_to:
        qs = qs.filter(business_date__lte=date_to)
    if cashier:
        qs = qs.filter(cashier=cashier)
    if method:
        qs = qs.filter(method=method)
    if q:
        qs = qs.filter(number__icontains=q.strip())
    # by business day, then number: the order of the paper receipt book (and of the daily close)
    return Paginator(qs.order_by("-business_date", "-year", "-seq", "-id"), size).get_page(number)


def cashiers_for(user):
    """Staff of the user's communities who may take payments (for the receipt list's filter)."""
    from core.models import Role, User

    qs = User.objects.filter(role__in=[Role.CASHIER, Role.ADMIN], is_active=True)
    if not (user.is_superuser or user.role == Role.ADMIN):
        from frontdesk.models import Community

        memberships = Community.staff.through.objects.filter(user_id=user.pk)
        qs = qs.filter(communities__in=memberships.values("community_id"))
    return qs.distinct().order_by("username")


# --- corrections and vouchers --------------------------------------------------------------------

def corrections_for(user):
    return scope(Correction.objects.all(), user)


def _correction_joins(qs):
    return qs.select_related("community", "unit", "receipt", "bill__fee_item", "deposit", "requested_by",
                             "decided_by", "voucher")


def correction_detail(*, user, pk) -> Correction:
    return get_object_or_404(_correction_joins(corrections_for(user)), pk=pk)


def pending_corrections(user, *, community=None) -> list[Correction]:
    qs = corrections_for(user).filter(status=Correction.Status.PENDING)
    if community:
        qs = qs.filter(community_id=community)
    return list(_correction_joins(qs).order_by("requested_at", "id"))


def recent_decisions(user, limit: int = 10) -> list[Correction]:
    return list(_correction_joins(corrections_for(user).exclude(status=Correction.Status.PENDING))
                .order_by("-decided_at", "-id")[:limit])


def correction_history_page(*, user, number: int = 1, size: int = LIST_PAGE_SIZE, kind="", status=""):
    qs = _correction_joins(corrections_for(user))
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    return Paginator(qs.order_by("-requested_at", "-id"), size).get_page(number)


def my_corrections_page(*, user, number: int = 1, size: int = LIST_PAGE_SIZE):
    """The requests ``user`` asked for (in their communities), newest first, with who decided and when."""
    qs = _correction_joins(corrections_for(user).filter(requested_by=user))
    return Paginator(qs.order_by("-requested_at", "-id"), size).get_page(number)


def bill_for(user, pk) -> Bill:
    return get_object_or_404(scope(Bill.objects.select_related("fee_item", "unit", "community"), user), pk=pk)


def voucher_detail(*, user, pk) -> Voucher:
    qs = scope(Voucher.objects.select_related("community", "unit", "bill__fee_item", "requested_by",
                                              "approved_by", "correction__deposit"), user)
    return get_object_or_404(qs, pk=pk)
