"""The renovation demo loader for ``manage.py seed_demo`` (after frontdesk and billing): applications in
every state for 翠湖花园 (CH) and a few for 锦绣家园 (JX), made through the services (so every status move
has its status-change row, the permits their gapless numbers and the deposits their receipts), filed over
the last weeks. The applications that reached the permit were filed before the community's renovation fee
rates were set (deposit only); those waiting for payment have their fees billed at the counter.
Idempotent: nothing happens when CH already has applications."""

import datetime
import random

import pghistory
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone, translation

from billing import interface as billing
from frontdesk.models import Community, Occupancy

from ..models import Renovation, RenovationReview, Scope
from ..services import applications, fees, permits, reviews

S = Renovation.Status
D = RenovationReview.Decision
DAY = datetime.timedelta(days=1)
COMPANIES = ["深圳市居然装饰工程有限公司", "金螳螂家装", "东易日盛装饰", "业之峰装饰", "自行装修"]
LEADS = [("王建军", "13902345678"), ("李师傅", "13798765432"), ("陈志强", "13512348765"), ("刘德福", "18688776655"),
         ("黄永明", "13600011122")]
CONDITIONS = "不得拆改承重墙、剪力墙及外立面；卫生间防水做闭水试验 48 小时，经工程部验收后方可铺贴。"
# the states to show and how many of each (CH; JX gets one of each of the first five)
PLAN = [(S.PENDING, 3), (S.ENGINEERING, 2), (S.MANAGER, 2), (S.PAYMENT, 3), (S.IN_PROGRESS, 5), (S.ACCEPTANCE, 2),
        (S.ACCEPTANCE_FAILED, 1), (S.ACCEPTED, 1), (S.CLOSED, 2), (S.REJECTED, 2), (S.WITHDRAWN, 1)]
ORDER = [S.PENDING, S.ENGINEERING, S.MANAGER, S.PAYMENT, S.IN_PROGRESS, S.ACCEPTANCE]
FEE_RATES = {"renovation_management": "300.00", "renovation_rubbish": "200.00"}


def load(stdout):
    ch = Community.objects.filter(code="CH").first()
    if ch is None:
        stdout.write("Renovation demo data skipped: load the frontdesk demo first.")
        return
    if Renovation.objects.filter(community=ch).exists():
        stdout.write("Renovation demo data already loaded.")
        return
    User = get_user_model()
    users = {u.username: u for u in User.objects.filter(username__in=["clerk", "engineer", "manager", "cashier"])}
    if set(users) != {"clerk", "engineer", "manager", "cashier"}:
        stdout.write("Renovation demo data skipped: the demo accounts are missing.")
        return
    total = 0
    with transaction.atomic(), pghistory.context(source="seed_demo"), translation.override("zh-hans"):
        for community, plan in ((ch, PLAN), (Community.objects.filter(code="JX").first(),
                                             [(s, 1) for s in ORDER[:5]])):
            if community is not None:
                total += _load(community, plan, users, random.Random(f"renovation-{community.code}"))
    stdout.write(f"Renovation demo data loaded: {total} applications.")


def _load(community, plan, users, rng) -> int:
    owners = list(Occupancy.objects.filter(community=community, kind=Occupancy.Kind.OWNER, end_date__isnull=True)
                  .select_related("person", "unit").order_by("unit__code")[:400])
    owners = [o for o in owners if not Renovation.objects.filter(unit=o.unit).exists()]
    rng.shuffle(owners)
    now = timezone.now()
    made = []
    # the ones past the payment step first (no fee rates yet: deposit only), then the rates, then the others
    late = [(s, n) for s, n in plan if s not in (S.PENDING, S.ENGINEERING, S.MANAGER, S.PAYMENT)]
    early = [(s, n) for s, n in plan if s in (S.PENDING, S.ENGINEERING, S.MANAGER, S.PAYMENT)]
    for group in (late, early):
        if group is early:
            for source_key, price in FEE_RATES.items():
                billing.charge_fee_item_rate(source_key=source_key, community=community, price=price,
                                             valid_from=timezone.localdate(now).replace(day=1) - 365 * DAY,
                                             actor=users["manager"])
        for status, count in group:
            for _i in range(count):
                if not owners:
                    return len(made)
                made.append(_one(owners.pop(), status, users, rng, now))
    return len(made)


def _one(occupancy, target, users, rng, now):
    clerk, engineer, manager, cashier = users["clerk"], users["engineer"], users["manager"], users["cashier"]
    back = rng.randint(12, 40) if target not in (S.PENDING, S.ENGINEERING) else rng.randint(0, 3)
    t = now - back * DAY
    start = timezone.localdate(t) + rng.randint(1, 5) * DAY
    lead = rng.choice(LEADS)
    scope = rng.sample([s for s in Scope.values if s != Scope.OTHER], k=rng.randint(2, 4))
    r = applications.renovation_file(
        unit=occupancy.unit, applicant_kind=Renovation.ApplicantKind.OWNER, owner=occupancy.person,
        company=rng.choice(COMPANIES), lead_name=lead[0], lead_phone=lead[1], planned_start=start,
        planned_end=start + rng.choice([45, 60, 75, 90]) * DAY, scope=scope, scope_text="按图纸施工",
        agreement_accepted=True, actor=clerk, now=t)
    if target == S.PENDING:
        return r
    if target == S.WITHDRAWN:
        return applications.renovation_withdraw(renovation=r, reason="业主决定暂缓装修", actor=clerk,
                                                now=t + DAY / 8)
    t += DAY / 4
    r = reviews.review_start(renovation=r, actor=engineer, expected=S.PENDING, now=t)
    if target == S.ENGINEERING:
        return r
    t += DAY / 4
    if target == S.REJECTED:
        return reviews.engineering_decide(renovation=r, decision=D.REJECT, comments="方案拟拆除承重墙，不予批准。",
                                          actor=engineer, now=t)
    r = reviews.engineering_decide(renovation=r, decision=D.PASS, comments="图纸齐全，同意施工。",
                                   conditions=CONDITIONS, actor=engineer, now=t)
    if target == S.MANAGER:
        return r
    t += DAY / 2
    r = reviews.manager_decide(renovation=r, decision=D.PASS, comments="同意", actor=manager, now=t)
    if target == S.PAYMENT:
        return r
    fees.deposit_take(renovation=r, amount="2000.00", payer_name=r.lead_name, method="cash", cashier=cashier)
    r = permits.permit_issue(renovation=r, actor=clerk, now=t + DAY / 8)
    if target == S.IN_PROGRESS:
        return r
    t = max(t + 10 * DAY, now - 2 * DAY)
    r = applications.renovation_set_status(renovation=r, to=S.ACCEPTANCE, actor=clerk, reason="装修完工，申请验收",
                                           now=t)
    if target == S.ACCEPTANCE:
        return r
    if target == S.ACCEPTANCE_FAILED:
        return applications.renovation_set_status(renovation=r, to=S.ACCEPTANCE_FAILED, actor=engineer,
                                                  reason="卫生间闭水试验渗漏，需整改", now=t + DAY / 4)
    r = applications.renovation_set_status(renovation=r, to=S.ACCEPTED, actor=engineer, reason="验收合格",
                                           now=t + DAY / 4)
    if target == S.ACCEPTED:
        return r
    return applications.renovation_set_status(renovation=r, to=S.CLOSED, actor=clerk, reason="押金已结算",
                                              now=t + DAY / 2)
