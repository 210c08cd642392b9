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
"""

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
    charge_sources,
    charges_to_bills,
    register_charge_source,
    unregister_charge_source,
)
from .services.deposits import deposit_collect, deposit_refund_request

__all__ = ["ChargeSource", "DepositInfo", "PendingCharge", "RefundRequestInfo", "charge_bill_now", "charge_sources",
           "charges_to_bills", "deposit_collect", "deposit_refund_request", "deposit_refund_requests", "deposits_for",
           "refund_methods", "register_charge_source", "unregister_charge_source"]
