"""Read side of deposits (押金): a deposit's state (the one rule), the list with its filters, a deposit's
page, and the ``DepositInfo`` other apps get through ``billing.interface``."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from frontdesk.scoping import scope

from ..models import Correction, Deposit, DepositRefund, ReceiptVoid

HELD, REFUNDED, VOID = "held", "refunded", "void"
STATES = [(HELD, _("Held")), (REFUNDED, _("Refunded")), (VOID, _("Void"))]
# The rule, as filters on the annotations of ``deposits_for_user``: a refund wins over a void (a voided
# receipt's deposit cannot be refunded, but a refunded deposit's receipt cannot be voided either).
STATE_FILTERS = {HELD: Q(is_refunded=False, is_void=False), REFUNDED: Q(is_refunded=True),
                 VOID: Q(is_void=True, is_refunded=False)}


def deposit_state(deposit: Deposit) -> str:
    """"held", "refunded" or "void" (its receipt was voided). Reads the ``is_refunded``/``is_void``
    annotations of ``deposits_for_user`` when the deposit has them, else asks the database."""
    refunded = getattr(deposit, "is_refunded", None)
    if refunded is None:
        refunded = DepositRefund.objects.filter(deposit=deposit).exists()
    if refunded:
        return REFUNDED
    void = getattr(deposit, "is_void", None)
    if void is None:
        void = ReceiptVoid.objects.filter(receipt_id=deposit.receipt_id).exists()
    return VOID if void else HELD


@dataclass(frozen=True)
class DepositInfo:
    id: int
    kind: str
    amount: Decimal
    payer_name: str
    receipt_number: str
    state: str  # "held", "refunded" or "void"
    refunded: Decimal | None
    deduction: Decimal | None


def deposit_info(deposit: Deposit) -> DepositInfo:
    refund = getattr(deposit, "refund", None) if deposit.pk else None
    return DepositInfo(id=deposit.pk, kind=deposit.kind, amount=deposit.amount, payer_name=deposit.payer_name,
                       receipt_number=deposit.receipt.number, state=deposit_state(deposit),
                       refunded=refund.refunded if refund else None, deduction=refund.deduction if refund else None)


def deposits_for(*, community, source_ref: str) -> list[DepositInfo]:
    deposits = (Deposit.objects.filter(community=community, source_ref=source_ref)
                .select_related("receipt", "refund").order_by("id"))
    return [deposit_info(d) for d in deposits]


def deposits_for_user(user):
    """Deposits of the user's communities, each annotated with its state (fixed number of queries)."""
    refunded = DepositRefund.objects.filter(deposit=OuterRef("pk"))
    voided = ReceiptVoid.objects.filter(receipt=OuterRef("receipt_id"))
    pending = Correction.objects.filter(deposit=OuterRef("pk"), status=Correction.Status.PENDING)
    return (scope(Deposit.objects.all(), user)
            .select_related("community", "unit", "receipt", "refund")
            .annotate(is_refunded=Exists(refunded), is_void=Exists(voided), refund_pending=Exists(pending)))


def deposit_list(user, *, state="", kind="", unit="", payer="", community=""):
    """The list's queryset, newest first; each deposit gets ``state`` when the page is read (``with_state``)."""
    qs = deposits_for_user(user)
    if state in STATE_FILTERS:
        qs = qs.filter(STATE_FILTERS[state])
    if kind in Deposit.Kind.values:
        qs = qs.filter(kind=kind)
    if unit:
        qs = qs.filter(unit__code__icontains=unit.replace(" ", ""))
    if payer:
        qs = qs.filter(Q(payer_name__icontains=payer) | Q(receipt__number__iexact=payer))
    if community.isdigit():
        qs = qs.filter(community_id=int(community))
    return qs.order_by("-created_at", "-id")


def with_state(deposits):
    for deposit in deposits:
        deposit.state = deposit_state(deposit)
    return deposits


def deposit_detail(*, user, pk) -> Deposit:
    deposit = get_object_or_404(deposits_for_user(user).select_related("refund__voucher", "receipt__void"), pk=pk)
    deposit.state = deposit_state(deposit)
    return deposit


def deposit_corrections(deposit) -> list[Correction]:
    return list(deposit.corrections.select_related("requested_by", "decided_by").order_by("-id"))


# ---- for renovation's deposit ledger (issue 10): the state of the refund requests it sent ----
@dataclass(frozen=True)
class RefundRequestInfo:
    id: int
    deposit_id: int
    status: str  # "pending", "approved" or "rejected" (billing's Correction.Status)
    status_label: str
    deduction: Decimal | None
    amount: Decimal | None  # the money paid back
    decided_at: object  # datetime or None
    decision_note: str


def deposit_refund_requests(*, request_ids) -> dict[int, RefundRequestInfo]:
    """The deposit-refund requests with these ids (one query), by id: their state and billing's figures."""
    rows = Correction.objects.filter(pk__in=list(request_ids), kind=Correction.Kind.DEPOSIT_REFUND)
    return {c.pk: RefundRequestInfo(id=c.pk, deposit_id=c.deposit_id, status=c.status,
                                    status_label=str(c.get_status_display()), deduction=c.deduction, amount=c.amount,
                                    decided_at=c.decided_at, decision_note=c.decision_note) for c in rows}


def refund_methods() -> list[tuple[str, str]]:
    """How money can be paid back at the counter, as form choices."""
    from ..models import COUNTER_METHODS

    return [(m.value, m.label) for m in COUNTER_METHODS]
