"""Access matrix rows of the counter (unit billing page, pay, receipts) and of corrections and vouchers;
shared helpers for the counter tests."""

import datetime
from decimal import Decimal

from billing.models import Bill, FeeItem
from billing.services import corrections, payments
from core.models import Role
from tests.factories import BuildingFactory, EntranceFactory, OccupancyFactory, UnitFactory

DESK = frozenset({Role.CLERK, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN})
VIEW = DESK | {Role.CASHIER}
COLLECT = frozenset({Role.CASHIER, Role.ADMIN})
APPROVE = frozenset({Role.SUPERVISOR, Role.MANAGER, Role.ADMIN})


def bill(unit, fee_item, period, amount):
    amount = Decimal(str(amount))
    return Bill.objects.create(community_id=unit.community_id, building_id=unit.building_id, unit=unit,
                               fee_item=fee_item, period=period, quantity=Decimal("1"), unit_price=amount,
                               amount=amount, outstanding=amount, due_date=period + datetime.timedelta(days=30))


def pay(unit, bills, amount, cashier, **kw):
    return payments.pay_at_counter(community=unit.community, unit=unit, bill_ids=[b.pk for b in bills],
                                   amount=amount, method=kw.pop("method", "cash"),
                                   payer_name=kw.pop("payer_name", "张建国"), cashier=cashier, **kw)


def objects(community, users):
    cashier, supervisor = users[Role.CASHIER], users[Role.SUPERVISOR]
    building = BuildingFactory(community=community, name="CT")  # a name no sequence produces
    unit = UnitFactory(entrance=EntranceFactory(building=building, name="1"), number="0901")
    OccupancyFactory(unit=unit)
    item = FeeItem.objects.create(community=community, code="mx-counter", name="物业服务费",
                                  kind=FeeItem.Kind.PROPERTY, basis=FeeItem.Basis.AREA)
    bills = [bill(unit, item, datetime.date(2026, m, 1), "100.00") for m in (7, 8, 9)]
    receipt = pay(unit, bills[:1], "100.00", cashier)
    void = corrections.correction_request(kind="void", community=community, actor=cashier, reason="收错",
                                          receipt=receipt)
    waiver = corrections.correction_request(kind="waiver", community=community, actor=cashier, reason="减免",
                                            bill=bills[1], amount="10")
    corrections.correction_decide(correction=waiver, approver=supervisor, approve=True)
    return {"counter_unit": unit, "counter_bill": bills[2], "counter_receipt": receipt, "counter_correction": void,
            "counter_voucher": waiver.voucher}


def _unit(o):
    return {"pk": o["counter_unit"].pk}


def _receipt(o):
    return {"pk": o["counter_receipt"].pk}


def _correction(o):
    return {"pk": o["counter_correction"].pk}


def _voucher(o):
    return {"pk": o["counter_voucher"].pk}


ENTRIES = {
    "billing:counter": (None, VIEW, "get", False),
    "billing:unit": (_unit, VIEW, "get", True),
    "billing:pay": (_unit, COLLECT, "post", True),
    "billing:receipt_list": (None, VIEW, "get", False),
    "billing:receipt": (_receipt, VIEW, "get", True),
    "billing:receipt_pdf": (_receipt, VIEW, "get", True),
    "billing:correction_void": (_receipt, COLLECT, "get", True),
    "billing:correction_waiver": (lambda o: {"pk": o["counter_bill"].pk}, COLLECT, "get", True),
    "billing:correction_refund": (_unit, COLLECT, "get", True),
    "billing:correction_list": (None, APPROVE, "get", False),
    "billing:correction_history": (None, VIEW, "get", False),
    "billing:correction_mine": (None, COLLECT, "get", False),
    "billing:correction_detail": (_correction, VIEW, "get", True),
    "billing:correction_decide": (_correction, APPROVE, "post", True),
    "billing:voucher": (_voucher, VIEW, "get", True),
    "billing:voucher_pdf": (_voucher, VIEW, "get", True),
}
