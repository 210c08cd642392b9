"""The one deposit ledger of a renovation: deposit received (billing's receipt numbers) → deductions (each
with its violation and reason, approved by the manager) → refund (asked of billing, approved there) —
billing's own figures side by side with renovation's, so a difference shows (and a test reconciles them)."""

from dataclasses import dataclass, field
from decimal import Decimal

from billing import interface as billing

from ..models import DepositDeduction, DepositRefundRequest

ZERO = Decimal("0.00")


def source_ref(renovation) -> str:
    """The key the renovation deposit is collected under in billing (``deposit_collect(source_ref=…)``)."""
    return f"renovation:{renovation.pk}"


@dataclass
class RequestRow:
    row: DepositRefundRequest
    info: object  # billing.RefundRequestInfo or None


@dataclass
class Ledger:
    deposits: list  # billing.DepositInfo of kind "renovation"
    deductions: list  # approved DepositDeduction, with their violations
    proposed: list
    rejected: list
    requests: list = field(default_factory=list)  # RequestRow

    @property
    def received_total(self) -> Decimal:
        return sum((d.amount for d in self.deposits if d.state != "void"), ZERO)

    @property
    def deduction_total(self) -> Decimal:
        return sum((d.amount for d in self.deductions), ZERO)

    @property
    def held_total(self) -> Decimal:
        return sum((d.amount for d in self.deposits if d.state == "held"), ZERO)

    @property
    def refunded_total(self) -> Decimal:
        """Paid back, by billing's figures."""
        return sum((d.refunded or ZERO for d in self.deposits if d.state == "refunded"), ZERO)

    @property
    def kept_total(self) -> Decimal:
        """Kept back, by billing's figures."""
        return sum((d.deduction or ZERO for d in self.deposits if d.state == "refunded"), ZERO)

    @property
    def refund_due(self) -> Decimal:
        return self.received_total - self.deduction_total

    @property
    def pending_requests(self) -> list:
        return [r for r in self.requests if r.info and r.info.status == "pending"]

    @property
    def settled(self) -> bool:
        """Every deposit refunded (or its receipt voided), and billing kept back exactly the approved deductions."""
        return (all(d.state in ("refunded", "void") for d in self.deposits)
                and self.kept_total == (self.deduction_total if self.deposits else ZERO))

    @property
    def reconciled(self) -> bool:
        """Renovation's figures agree with billing's once refunded: received = refunded + kept back."""
        return not self.settled or self.received_total == self.refunded_total + self.kept_total


def ledger_for(renovation) -> Ledger:
    """Four queries whatever the number of deposits, deductions and requests."""
    deposits = [d for d in billing.deposits_for(community=renovation.community, source_ref=source_ref(renovation))
                if d.kind == "renovation"]
    rows = list(DepositDeduction.objects.filter(renovation=renovation)
                .select_related("violation", "proposed_by", "decided_by").order_by("proposed_at", "id"))
    S = DepositDeduction.Status
    requests = list(DepositRefundRequest.objects.filter(renovation=renovation).select_related("requested_by"))
    infos = billing.deposit_refund_requests(request_ids=[r.request_id for r in requests]) if requests else {}
    return Ledger(deposits=deposits, deductions=[d for d in rows if d.status == S.APPROVED],
                  proposed=[d for d in rows if d.status == S.PROPOSED],
                  rejected=[d for d in rows if d.status == S.REJECTED],
                  requests=[RequestRow(r, infos.get(r.request_id)) for r in requests])
