"""What an application owes before its permit: its fees (with billing's bills) and its deposit."""

from dataclasses import dataclass, field

from billing import interface as billing

from ..services.fees import deposit_ref, fee_ref


@dataclass
class PaymentState:
    fees: list = field(default_factory=list)  # [(RenovationFee, ChargeBill | None)]
    deposit: object = None  # billing's DepositInfo of the held deposit, or None
    deposits: list = field(default_factory=list)  # every deposit of the application (held, refunded, void)

    @property
    def fees_paid(self) -> bool:
        return all(bill is not None and bill.settled for _fee, bill in self.fees)

    @property
    def deposit_paid(self) -> bool:
        return self.deposit is not None

    @property
    def all_paid(self) -> bool:
        return self.fees_paid and self.deposit_paid

    @property
    def fees_total(self):
        return sum((fee.amount for fee, _bill in self.fees), 0)


def payment_state(renovation) -> PaymentState:
    """Three queries: the fees, their bills, the deposits."""
    fees = list(renovation.fees.order_by("kind"))
    bills = billing.charge_bills(community=renovation.community, refs=[fee_ref(f) for f in fees])
    deposits = billing.deposits_for(community=renovation.community, source_ref=deposit_ref(renovation))
    held = next((d for d in deposits if d.state == "held" and d.kind == "renovation"), None)
    return PaymentState(fees=[(f, bills.get(fee_ref(f))) for f in fees], deposit=held, deposits=deposits)
