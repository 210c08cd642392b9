"""The one interface other apps use to reach billing. Nothing outside billing reads or writes billing's
tables; the renovation app (deposits) and the apps whose work is billed (charge sources) go through
these names, a thin facade over ``services.deposits`` and ``services.charges``.

    from billing import interface as billing
    deposit = billing.deposit_collect(community=c, unit=u, kind="renovation", amount="2000", payer_name="王五",
                                      method="cash", cashier=user, source_ref="renovation:12")
    billing.deposits_for(community=c, source_ref="renovation:12")   # [DepositInfo(...)]
    billing.deposit_refund_request(deposit_id=..., deduction="200", reason="墙面损坏", actor=user, method="cash")
    billing.deposit_refund_requests(request_ids=[...])  # {id: RefundRequestInfo(status="pending"|…)}
    billing.refund_methods()  # [(value, label)] for a "paid back by" field

    # in an app's extensions.register(): its charges are billed by billing's runs
    billing.register_charge_source(billing.ChargeSource(key="repairs", ..., pending=..., mark_billed=...))
    # or one charge at once, so the cashier can take it before the next run
    billing.charge_bill_now(source_key="repairs", ref="repair-charge:12", community=c, actor=user)

    # the price a source's fee item has for a unit (the community's rates; None: not set), and whether the
    # bills made for a source's charges are paid (renovation: fees before the permit)
    billing.charge_price(source_key="renovation_management", community=c, unit=u, on=today)   # Decimal | None
    billing.charge_bills(community=c, refs=["renovation-fee:3"])   # {ref: ChargeBill(..., outstanding)}
    billing.charge_fee_item_rate(source_key="renovation_management", community=c, price="500", valid_from=d,
                                 actor=user)   # demo data / first set-up
    # or bill several charges and take their payment on one receipt (a worker pass's card fee)
    billing.charges_pay_now(source_key="renovation", refs=["worker-pass:3"], community=c, unit=u, payer_name="王五",
                            method="cash", cashier=user)          # -> the receipt
    billing.charges_outstanding(community=c, refs=["worker-pass:3"])  # {"worker-pass:3": Decimal("0.00")}
    # the work a billed charge was for will not be done (a hand-off cancelled): ask a supervisor to waive
    # what is still owed on its bill (a waiver request, approved or rejected in billing)
    billing.charge_waiver_request(source_key="handoff", ref="handoff-fee:4", community=c, actor=user,
                                  reason="代办取消")   # -> the amount asked (0: nothing owed)
"""

from .models import COUNTER_METHODS
from .selectors.charges import ChargeBill, charge_bills
from .selectors.charges import charge_price as _charge_price
from .selectors.deposits import (
    DepositInfo,
    RefundRequestInfo,
    deposit_refund_requests,
    deposits_for,
    refund_methods,
)
from .services.charges import (
    ChargeSource,
    PendingCharge,
    charge_bill_now,
    charge_fee_item_rate,
    charge_sources,
    charge_waiver_request,
    charges_outstanding,
    charges_pay_now,
    charges_to_bills,
    register_charge_source,
    unregister_charge_source,
)
from .services.deposits import deposit_collect, deposit_refund_request


def charge_price(*, source_key: str, community, unit, on):
    """The price of the fee item of the registered source ``source_key`` for ``unit`` on the day ``on``
    (``selectors.charges.charge_price``); None when the community has not set it."""
    source = next((s for s in charge_sources() if s.key == source_key), None)
    if source is None:
        return None
    return _charge_price(fee_item_code=source.fee_item_code, community=community, unit=unit, on=on)


# the counter's payment methods, (value, label), for another app's payment form (renovation's pass fees)
COUNTER_METHOD_CHOICES = [(m.value, m.label) for m in COUNTER_METHODS]

__all__ = ["COUNTER_METHOD_CHOICES", "ChargeBill", "ChargeSource", "DepositInfo", "PendingCharge", "RefundRequestInfo",
           "charge_bill_now", "charge_bills", "charge_fee_item_rate", "charge_price", "charge_sources",
           "charge_waiver_request",
           "charges_outstanding", "charges_pay_now", "charges_to_bills", "deposit_collect", "deposit_refund_request",
           "deposit_refund_requests", "deposits_for", "refund_methods", "register_charge_source",
           "unregister_charge_source"]
