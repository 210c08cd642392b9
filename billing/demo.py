"""Billing demo data, run by ``manage.py seed_demo`` after the frontdesk data (core.demo, order 50).

For each demo community (CH 翠湖花园, JX 锦绣家园): the fee items (物业服务费 by area with a dearer rate
for the 洋房 buildings and a rate change six months ago, 停车费/车位管理费 per space kind, 电梯使用费 for
the high-rise buildings, 水费 in tiers, 电费, 工本费 5 元, 押金), meter readings for the last three
months, fourteen months of bills made by the real bill runs (``runs.bill_run_execute``), and payments
through the counter (``payments.pay_at_counter``): most units are paid up, some owe for every age of
arrears (current, 1–3, 3–6, 6–12 and over 12 months). Then a prepaid balance, a voided receipt, a waiver
and a refund through corrections (the cashier asks, the supervisor approves), deposits held and one
refunded with a deduction, yesterday closed by the demo cashier, today open, and a reminder policy.

Idempotent: nothing happens when CH already has its fee items. Money is Decimal throughout."""

import datetime
import random
import time
from decimal import Decimal

import pghistory
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from core.dates import add_months, month_start
from frontdesk.models import Building, Community, Unit

from .models import Bill, BillRun, FeeItem, FeeRate, MeterReading, Receipt, ReminderPolicy
from .selectors.close import day_summary
from .services import close, corrections, deposits, payments, runs, setup

D = Decimal
MONTHS = 14
SEED = 4242
# share of units whose newest k months are unpaid (k = 0: paid in advance; 14: never paid)
UNPAID_MONTHS = [(0, 10), (1, 72), (2, 6), (3, 2), (5, 4), (9, 3), (MONTHS, 3)]
LIFT_BUILDINGS = 2  # buildings 1 and 2 are high-rise with lifts
# Bills are made building by building (a run per building and month) for the first buildings of each
# community only, to keep the demo quick: every bill paid at the counter is a row locked and updated.
BILLED_BUILDINGS = {"CH": 3, "JX": 1}


def load(stdout):
    started = time.monotonic()
    communities = [c for c in (Community.objects.filter(code=code).first() for code in ("CH", "JX")) if c]
    if not communities:
        stdout.write("Billing demo data skipped: load the frontdesk demo data first.")
        return
    if FeeItem.objects.filter(community=communities[0], code="property").exists():
        stdout.write("Billing demo data already loaded.")
        return
    User = get_user_model()
    people = {u.username: u for u in User.objects.filter(username__in=["cashier", "supervisor", "manager", "clerk"])}
    if "cashier" not in people or "supervisor" not in people:
        stdout.write("Billing demo data skipped: the demo accounts cashier and supervisor are missing.")
        return
    manager = people.get("manager") or people["supervisor"]
    rng = random.Random(SEED)
    now = timezone.now()
    today = timezone.localdate(now)
    with pghistory.context(source="seed_demo"):
        for community in communities:
            with transaction.atomic():
                _fee_items(community, manager, today)
                _meter_readings(community, people.get("clerk") or manager, today, rng)
                _bill_runs(community, manager, today)
                _pay(community, people["cashier"], today, now, rng)
        with transaction.atomic():
            _extras(communities, people, today, now)
    stdout.write("Billing demo data loaded (%.1f s)." % (time.monotonic() - started))  # noqa: UP031


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _fee_items(community, actor, today):
    start = add_months(today, -(MONTHS - 1))
    change = add_months(today, -6)
    buildings = list(Building.objects.filter(community=community).order_by("sort_order", "id"))
    items = {}

    def item(code, name, kind, basis, order, due_days=15, usages=()):
        items[code] = FeeItem.objects.create(community=community, code=code, name=name, kind=kind, basis=basis,
                                             sort_order=order, due_days=due_days, usages=list(usages))
        return items[code]

    def rate(fee_item, price, valid_from=start, **kw):
        FeeRate.objects.create(fee_item=fee_item, valid_from=valid_from, price=D(price), created_by=actor, **kw)

    K, B = FeeItem.Kind, FeeItem.Basis
    prop = item("property", "物业服务费", K.PROPERTY, B.AREA, 1)
    rate(prop, "2.50")
    rate(prop, "2.80", valid_from=change)  # 调价: from six months ago
    for building in buildings[BILLED_BUILDINGS.get(community.code, 2) - 1:]:  # the 洋房 buildings
        rate(prop, "3.20", building=building)
        rate(prop, "3.50", valid_from=change, building=building)
    parking = item("parking", "停车费", K.PARKING, B.SPACE, 2)
    rate(parking, "300.00", usage="rented")  # 租用车位
    rate(parking, "80.00", usage="owned")  # 车位管理费 of an owned space
    lift = item("lift", "电梯使用费", K.LIFT, B.AREA, 3, usages=["residential"])
    for building in buildings[:LIFT_BUILDINGS]:
        rate(lift, "0.35", building=building)
    water = item("water", "水费", K.WATER, B.METER, 4, due_days=20)
    rate(water, "5.60", tiers=[{"up_to": "10", "price": "3.50"}, {"up_to": "20", "price": "4.55"}])
    power = item("electricity", "电费", K.ELECTRICITY, B.METER, 5, due_days=20)
    rate(power, "0.68")
    card = item("card", "工本费（门禁卡）", K.ONE_OFF, B.FIXED, 8, due_days=0)
    rate(card, "5.00")
    item("deposit", "押金", K.DEPOSIT, B.FIXED, 9, due_days=0)
    return items


def _billed_buildings(community) -> list:
    return list(Building.objects.filter(community=community).order_by("sort_order", "id")
                [:BILLED_BUILDINGS.get(community.code, 2)])


def _meter_readings(community, actor, today, rng):
    units = list(Unit.objects.filter(building__in=_billed_buildings(community), is_active=True)
                 .order_by("pk").values_list("pk", flat=True))
    rows = []
    for unit_id in units:
        for kind, base, low, high in (("water", 100, 4, 26), ("electricity", 2000, 90, 420)):
            previous = D(base + rng.randint(0, 900))
            for back in (3, 2, 1):
                usage = D(rng.randint(low, high))
                reading = previous + usage
                rows.append(MeterReading(community=community, unit_id=unit_id, kind=kind,
                                         period=add_months(today, -back), reading=reading, previous=previous,
                                         usage=usage, recorded_by=actor))
                previous = reading
    MeterReading.objects.bulk_create(rows, batch_size=5000)


def _bill_runs(community, actor, today):
    for back in range(MONTHS - 1, -1, -1):
        for building in _billed_buildings(community):
            run = BillRun.objects.create(community=community, building=building, period=add_months(today, -back),
                                         created_by=actor)
            runs.bill_run_execute(run.pk)


def _pay(community, cashier, today, now, rng):
    """Most units paid up, some owing for each age. One receipt per unit for its older months, dated in
    the month after the last month it paid (business days in the past), plus this month's counter work."""
    current = month_start(today)
    yesterday = today - datetime.timedelta(days=1)
    bills = {}
    for bill_id, unit_id, period in Bill.objects.filter(community=community).values_list("pk", "unit_id", "period"):
        bills.setdefault(unit_id, []).append((period, bill_id))
    units = {u.pk: u for u in Unit.objects.filter(pk__in=bills).select_related("community")}
    payers = dict(Unit.objects.filter(pk__in=bills, occupancies__kind="owner", occupancies__end_date__isnull=True)
                  .values_list("pk", "occupancies__person__name"))
    weights = [w for _k, w in UNPAID_MONTHS]
    half_year = add_months(today, -6)
    jobs = []
    unit_ids = sorted(bills)
    rng.shuffle(unit_ids)
    for index, unit_id in enumerate(unit_ids):
        # every age of arrears is there however few the units: the first ones take one of each
        unpaid = UNPAID_MONTHS[index][0] if index < len(UNPAID_MONTHS) else \
            rng.choices([k for k, _w in UNPAID_MONTHS], weights)[0]
        # the newest ``unpaid`` months stay open: bills before ``first_open`` are paid, in that month
        first_open = add_months(today, -(unpaid - 1)) if unpaid else current
        paid = [(period, bill_id) for period, bill_id in bills[unit_id] if period < first_open or unpaid == 0]
        # two receipts: the months up to half a year back, paid then; the later ones when the unit came last
        for start, chunk in ((half_year, [b for p, b in paid if p < half_year]),
                             (first_open, [b for p, b in paid if p >= half_year])):
            if chunk:
                jobs.append((_pay_day(start, yesterday, rng), rng.randint(8, 17), unit_id, chunk))
    jobs.sort()
    methods = ["cash", "wechat", "wechat", "alipay", "card", "transfer"]
    for day, hour, unit_id, paid in jobs:
        unit = units[unit_id]
        method = rng.choice(methods)
        amount = Bill.objects.filter(pk__in=paid).values_list("amount", flat=True)
        payments.pay_at_counter(community=community, unit=unit, bill_ids=paid, amount=sum(amount, D("0")),
                                method=method, payer_name=payers.get(unit_id) or "开发商", cashier=cashier,
                                reference="" if method == "cash" else f"DEMO{unit_id:06d}{day:%m%d}",
                                now=_at(day, hour, rng.randint(0, 59)))


def _pay_day(start: datetime.date, yesterday: datetime.date, rng) -> datetime.date:
    if start > yesterday:
        return yesterday
    return start + datetime.timedelta(days=rng.randint(0, min(25, (yesterday - start).days)))


def _extras(communities, people, today, now):
    cashier, supervisor = people["cashier"], people["supervisor"]
    ch = communities[0]
    items = {i.code: i for i in FeeItem.objects.filter(community=ch)}
    yesterday = today - datetime.timedelta(days=1)
    # units owing only this month's bills: today's and yesterday's counter work leaves the arrears alone
    older = Bill.objects.filter(unit=OuterRef("pk"), outstanding__gt=0, period__lt=month_start(today))
    open_units = list(Unit.objects.filter(community=ch, bills__outstanding__gt=0, bills__period=month_start(today))
                      .exclude(Exists(older)).distinct().order_by("code")[:16])
    any_units = list(Unit.objects.filter(community=ch, bills__isnull=False).distinct().order_by("-code")[:6])
    at_yesterday, at_today = open_units[:len(open_units) // 2], open_units[len(open_units) // 2:]

    def pay_open(unit, when, method="cash", extra=None):
        extra = extra or D("0")
        open_bills = list(Bill.objects.filter(unit=unit, outstanding__gt=0).values_list("pk", "outstanding"))
        due = sum((o for _pk, o in open_bills), D("0"))
        return payments.pay_at_counter(community=ch, unit=unit, bill_ids=[pk for pk, _o in open_bills],
                                       amount=due + extra, method=method, payer_name=_payer(unit), cashier=cashier,
                                       reference="" if method == "cash" else f"WX{when:%Y%m%d%H%M}{unit.pk}",
                                       prepay_rest=bool(extra), now=when)

    # yesterday at the counter, then closed (counted 10 元 short, with the reason)
    paid_yesterday = [pay_open(unit, _at(yesterday, 9, 5 * i), method="cash" if i % 3 else "wechat")
                      for i, unit in enumerate(at_yesterday)]
    deposits.deposit_collect(community=ch, unit=None, kind="worker_pass", amount="100", payer_name="装修队 刘师傅",
                              method="cash", cashier=cashier, description="施工人员出入证", now=_at(yesterday, 16))
    summary = day_summary(community=ch, cashier=cashier, day=yesterday, with_lists=False)
    from frontdesk.demo import PASSWORD

    close.day_close(community=ch, cashier=cashier, day=yesterday, counted_cash=summary.system_cash - D("10"),
                    difference_reason="找零差错，少 10 元，已登记", handed_to="财务 孙丽", password=PASSWORD,
                    now=_at(yesterday, 18))

    # today: payments, a prepayment kept as balance, a void of yesterday's receipt, a refund, deposits
    for i, unit in enumerate(at_today):
        pay_open(unit, _at(today, 8, 5 * i), method=["cash", "alipay", "card"][i % 3])
    prepaid_unit = any_units[0]
    pay_open(prepaid_unit, _at(today, 10), extra=D("1200.00"))  # 预存 1,200: the next bills are paid from it
    wrong = paid_yesterday[0] if paid_yesterday else \
        Receipt.objects.filter(community=ch, cashier=cashier, business_date=yesterday).order_by("seq").first()
    request = corrections.correction_request(kind="void", community=ch, actor=cashier, reason="收错房号，作废重开",
                                             receipt=wrong)
    corrections.correction_decide(correction=request, approver=supervisor, approve=True, now=now)
    refund = corrections.correction_request(kind="refund", community=ch, actor=cashier, reason="业主申请退回部分预存款",
                                            unit=prepaid_unit, amount="200.00", method="cash")
    corrections.correction_decide(correction=refund, approver=supervisor, approve=True, now=now)
    # a waiver (减免) of an old bill of a unit in arrears
    old = Bill.objects.filter(community=ch, outstanding__gt=0, fee_item=items["property"],
                              period=add_months(today, -10)).order_by("id").first()
    if old:
        waiver = corrections.correction_request(kind="waiver", community=ch, actor=cashier, bill=old,
                                                amount=min(old.outstanding, D("100.00")),
                                                reason="业委会决议：漏水期间物业费减免")
        corrections.correction_decide(correction=waiver, approver=supervisor, approve=True, now=now)
    # a card fee (工本费) billed and paid at the counter
    card_unit = any_units[1]
    bill = setup.charge_add(
        unit=card_unit, item=items["card"], actor=cashier, description="补办门禁卡 1 张", now=now)
    payments.pay_at_counter(community=ch, unit=card_unit, bill_ids=[bill.pk], amount=bill.amount, method="cash",
                            payer_name=_payer(card_unit), cashier=cashier, now=now)
    # deposits: renovation deposits held, worker passes, one refunded with a deduction
    held = []
    for unit in any_units[2:5]:
        held.append(deposits.deposit_collect(community=ch, unit=unit, kind="renovation", amount="2000",
                                              payer_name=_payer(unit), method="transfer", reference=f"ZZ{unit.pk:08d}",
                                              cashier=cashier, description="装修保证金", now=now,
                                              source_ref=f"demo-renovation:{unit.pk}"))
    for _ in range(3):
        deposits.deposit_collect(community=ch, unit=any_units[2], kind="worker_pass", amount="100",
                                  payer_name="装修队 陈师傅", method="cash", cashier=cashier,
                                  description="施工人员出入证", now=now)
    request_id = deposits.deposit_refund_request(deposit_id=held[0].id, actor=cashier,
                                                  reason="装修验收：阳台瓷砖损坏，扣除 300 元修复费", deduction="300",
                                                  method="transfer", reference="TK-DEMO-1")
    corrections.correction_decide(correction=corrections.Correction.objects.get(pk=request_id), approver=supervisor,
                                  approve=True, now=now)
    # a pending deposit refund for the supervisor's list
    deposits.deposit_refund_request(deposit_id=held[1].id, actor=cashier, reason="装修完成，申请退还保证金",
                                     method="transfer", reference="TK-DEMO-2")
    for community in communities:
        ReminderPolicy.objects.get_or_create(community=community, defaults={
            "first_after_days": 15, "every_days": 30, "max_steps": 6, "channels": ["in_app", "sms"]})


def _payer(unit) -> str:
    """The unit's current owner, who pays at the counter in the demo."""
    from frontdesk.models import Occupancy

    name = (Occupancy.objects.filter(unit=unit, kind=Occupancy.Kind.OWNER, end_date__isnull=True)
            .order_by("id").values_list("person__name", flat=True).first())
    return name or "业主"
