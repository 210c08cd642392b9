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

from .models import Renovation, RenovationReview, Scope
from .services import applications, fees, permits, reviews

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
"""Demo data of worker passes, extensions and additional works for ``manage.py seed_demo`` (after the
frontdesk, billing and renovation application data): on 翠湖花园 (CH), passes in every state (awaiting
payment, paid, issued, returned, lost, re-issued by an extension and the old ones revoked), an approved
extension, one awaiting its fee, additional works approved (with the archived copy) and one awaiting the
engineering review. Everything goes through the services, as the desk would do it.

It needs renovations whose permit is issued. Where the applications' demo has made none, two are made
here already permitted (``permitted_renovation``, the state the application flow leaves them in, with its
status-change rows). Idempotent: nothing happens when CH already has worker passes."""

import datetime
import io

import pghistory
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from core.models import Role
from core.numbering import next_number
from frontdesk.models import Community, Occupancy

from .models import Renovation, RenovationStatusChange, Scope, WorkerPass

PASSWORD = "Demo@2026"
WORKERS = [("李建军", "110101198001010010", "13800138001", "electrician"),
           ("王海涛", "110101198203040015", "13800138002", "plumber"),
           ("张国庆", "110101197510010014", "13800138003", "mason"),
           ("刘志强", "110101198806060015", "13800138004", "carpenter"),
           ("陈明", "440305199001150010", "13800138005", "painter"),
           ("赵磊", "440305198511110014", "13800138006", "labourer"),
           ("孙伟", "440305197912120016", "13800138007", "welder"),
           ("周杰", "440305199203030017", "13800138008", "labourer")]


def demo_photo(name: str = "photo.jpg", colour=(120, 150, 190)) -> SimpleUploadedFile:
    """A small one-inch-like picture (the demo and the tests have no camera)."""
    from PIL import Image, ImageDraw

    buf = io.BytesIO()
    image = Image.new("RGB", (90, 120), colour)
    draw = ImageDraw.Draw(image)
    draw.ellipse((25, 20, 65, 65), fill=(235, 205, 180))
    draw.rectangle((15, 75, 75, 120), fill=(60, 70, 90))
    image.save(buf, "JPEG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/jpeg")


def permitted_renovation(*, community, unit, owner, actor, start: datetime.date, end: datetime.date,
                         now=None, lead_name="周建华", lead_phone="13912345678", company="深圳美家装饰工程有限公司"):
    """A renovation with its permit issued (装修中), as the application flow leaves it: every status change
    along ``Renovation.TRANSITIONS`` recorded, the permit numbered without gaps."""
    now = now or timezone.now()
    S = Renovation.Status
    with transaction.atomic():
        seq = next_number(kind="renovation_application", scope_id=community.pk, year=start.year)
        permit_seq = next_number(kind="renovation_permit", scope_id=community.pk, year=start.year)
        renovation = Renovation.objects.create(
            community=community, unit=unit, number=f"ZXSQ{start.year}{seq:05d}", applicant_kind="lead", owner=owner,
            owner_consent_ref=f"授权书 {start.isoformat()}", company=company, lead_name=lead_name,
            lead_phone=lead_phone, planned_start=start, planned_end=end,
            scope=[Scope.PLUMBING_WIRING, Scope.WALLS, Scope.FLOORS], scope_text="厨卫改造，客厅铺木地板",
            agreement_accepted_at=now, agreement_accepted_by=actor, status=S.IN_PROGRESS, permit_year=start.year,
            permit_seq=permit_seq, permit_number=f"ZXXK{start.year}{permit_seq:05d}", permit_valid_from=start,
            permit_valid_to=end, permit_issued_at=now, permit_issued_by=actor, created_by=actor, created_at=now,
            status_changed_at=now)
        path = [S.PENDING, S.ENGINEERING, S.MANAGER, S.PAYMENT, S.IN_PROGRESS]
        previous = ""
        for to in path:
            assert not previous or to in Renovation.TRANSITIONS[previous]
            RenovationStatusChange.objects.create(renovation=renovation, from_status=previous, to_status=to,
                                                  actor=actor, at=now)
            previous = to
    return renovation


def _people():
    User = get_user_model()
    people = {u.username: u for u in User.objects.filter(
        username__in=["clerk", "cashier", "engineer", "manager", "supervisor", "guard"])}
    return people


def _guard(communities):
    """The gate guard's demo account (门岗), when no other loader has made one."""
    User = get_user_model()
    guard, created = User.objects.get_or_create(username="guard", defaults={"role": Role.GUARD, "full_name": "黄勇"})
    if created:
        guard.set_password(PASSWORD)
        guard.save()
    for community in communities:
        community.staff.add(guard)
    return guard


def _renovations(community, people, today):
    active = list(Renovation.objects.filter(community=community, status=Renovation.Status.IN_PROGRESS,
                                            permit_valid_to__gte=today).order_by("id")[:2])
    if len(active) >= 2:
        return active
    busy = Renovation.objects.filter(status__in=list(Renovation.OPEN_STATUSES)).values("unit_id")
    owned = (Occupancy.objects.filter(unit__community=community, kind="owner", end_date__isnull=True)
             .exclude(unit_id__in=busy).select_related("unit", "person").order_by("unit__code")[:2 - len(active)])
    for occupancy in owned:
        active.append(permitted_renovation(community=community, unit=occupancy.unit, owner=occupancy.person,
                                           actor=people["clerk"], start=today - datetime.timedelta(days=20),
                                           end=today + datetime.timedelta(days=40)))
    return active


def load_passes(stdout):
    from .services import passes, requests

    community = Community.objects.filter(code="CH").first()
    if community is None:
        stdout.write("Renovation passes demo data skipped: load the frontdesk demo data first.")
        return
    if WorkerPass.objects.filter(community=community).exists():
        stdout.write("Renovation passes demo data already loaded.")
        return
    people = _people()
    if not {"clerk", "cashier", "engineer", "manager"} <= set(people):
        stdout.write("Renovation passes demo data skipped: the demo accounts are missing.")
        return
    _guard(list(Community.objects.filter(code__in=["CH", "JX"])))
    today = timezone.localdate()
    clerk, cashier, engineer, manager = people["clerk"], people["cashier"], people["engineer"], people["manager"]
    with pghistory.context(source="seed_demo"), transaction.atomic():
        first, second = _renovations(community, people, today)[:2]

        def register(renovation, workers):
            return [passes.pass_create(renovation=renovation, name=n, id_number=i, phone=p, trade=t,
                                       photo=demo_photo(), id_copy=demo_photo("id.jpg", (230, 230, 230)),
                                       valid_from=today, valid_to=renovation.permit_valid_to, actor=clerk)
                    for n, i, p, t in workers]

        issued = register(first, WORKERS[:5])
        passes.passes_pay(renovation=first, pass_ids=[p.pk for p in issued], payer_name=first.lead_name,
                          method="cash", cashier=cashier)
        passes.passes_issue(renovation=first, pass_ids=[p.pk for p in issued], received_by=first.lead_name,
                            actor=clerk)
        passes.pass_return(worker_pass=issued[3], note="工程完成，交回出入证", actor=clerk)
        passes.pass_lost(worker_pass=issued[4], note="施工人员遗失出入证", actor=clerk)
        # an extension approved: the three cards still out are re-issued, the old ones revoked
        extension = requests.request_file(renovation=first, kind="extension", applicant_kind="lead",
                                          applicant_name=first.lead_name, reason="瓷砖到货延误，需延期施工",
                                          new_end=first.permit_valid_to + datetime.timedelta(days=30), actor=clerk)
        requests.request_review(request=extension, passed=True, comments="同意延期", actor=engineer)
        requests.request_approve(request=extension, decision="approve", comments="同意", actor=manager)
        works = requests.request_file(renovation=first, kind="works", applicant_kind="owner",
                                      applicant_name=first.owner.name, reason="加装防盗门和防蚊纱窗",
                                      items=["security_door", "insect_screen"], details="入户门更换为甲级防盗门",
                                      actor=clerk)
        requests.request_review(request=works, passed=True, comments="不得改动门框结构", conditions="施工时间 8:00-18:00",
                                actor=engineer)
        requests.request_approve(request=works, decision="approve", comments="同意", actor=manager)
        requests.request_file(renovation=first, kind="works", applicant_kind="lead", applicant_name=first.lead_name,
                              reason="厨房墙面需开孔安装排烟管", items=["drilling"], actor=clerk)
        # the second renovation: cards awaiting payment and paid, an extension awaiting its fee
        waiting = register(second, WORKERS[5:])
        passes.passes_pay(renovation=second, pass_ids=[waiting[0].pk], payer_name=second.lead_name, method="wechat",
                          reference="WX20260001", cashier=cashier)
        fee_due = requests.request_file(renovation=second, kind="extension", applicant_kind="owner",
                                        applicant_name=second.owner.name, reason="业主出差，工期顺延",
                                        new_end=second.permit_valid_to + datetime.timedelta(days=20), actor=clerk)
        requests.request_review(request=fee_due, passed=True, comments="", actor=engineer)
        requests.request_approve(request=fee_due, decision="approve", fee="200", comments="超期收取延期管理费",
                                 actor=manager)
    stdout.write("Renovation passes demo data loaded.")


__all__ = ["demo_photo", "load_passes", "permitted_renovation"]
"""Demo data of the renovation app for ``manage.py seed_demo``.

``load_rounds`` (the rounds / acceptance / deposit-ledger area): in 翠湖花园 (CH), active sites — those the
application flow's own demo left, else a few made here through the status writer with their deposit taken
through billing's interface — in every state of this area: inspected today and not, an open violation with a
deduction proposed, a repeated violation escalated, a failed acceptance back to rectify, an accepted site with
its deduction approved and the refund waiting for billing's approval. Idempotent: nothing happens when CH
already has an inspection."""

import datetime

import pghistory
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from billing import interface as billing
from core.numbering import next_number
from frontdesk.models import Community, Occupancy, Unit

from .models import Acceptance, Renovation, SiteInspection, Violation
from .selectors.ledger import source_ref

S = Renovation.Status
DEPOSIT = "2000.00"


@transaction.atomic
def active_renovation(*, unit, actor, cashier, start=None, days=60, company="鑫雅装饰工程有限公司",
                      deposit=DEPOSIT, now=None) -> Renovation:
    """An application for ``unit`` moved through the table to 装修中 with its permit (numbered without gaps)
    and the renovation deposit taken at the counter through billing's interface. For demo data and tests
    on branches where the application flow is not merged."""
    now = now or timezone.now()
    start = start or timezone.localdate(now)
    community = unit.community
    owner = (Occupancy.objects.filter(unit=unit, kind=Occupancy.Kind.OWNER, end_date__isnull=True)
             .select_related("person").first())
    if owner is None:
        raise ValueError(f"{unit.code} has no owner")
    seq = next_number(kind="renovation_application", scope_id=community.pk, year=start.year)
    renovation = Renovation.objects.create(
        community=community, unit=unit, number=f"ZS{start.year}{seq:05d}", applicant_kind=Renovation.ApplicantKind.OWNER,
        owner=owner.person, applicant=owner.person, company=company, lead_name="陈师傅", lead_phone="13912345678",
        planned_start=start, planned_end=start + datetime.timedelta(days=days), scope=["walls", "floors"],
        agreement_accepted_at=now, agreement_accepted_by=actor, created_by=actor, created_at=now,
        status_changed_at=now)
    from .services.applications import renovation_set_status

    for to in (S.ENGINEERING, S.MANAGER, S.PAYMENT):
        renovation = renovation_set_status(renovation=renovation, to=to, actor=actor, now=now)
    if deposit:
        billing.deposit_collect(community=community, unit=unit, kind="renovation", amount=deposit,
                                payer_name=owner.person.name, method="cash", cashier=cashier,
                                source_ref=source_ref(renovation))
    permit_seq = next_number(kind="renovation_permit", scope_id=community.pk, year=start.year)
    return renovation_set_status(
        renovation=renovation, to=S.IN_PROGRESS, actor=actor, now=now, permit_year=start.year, permit_seq=permit_seq,
        permit_number=f"ZX{start.year}{permit_seq:05d}", permit_valid_from=start, permit_valid_to=renovation.planned_end,
        permit_issued_at=now, permit_issued_by=actor)


def load_rounds(stdout):
    community = Community.objects.filter(code="CH").first()
    if community is None:
        stdout.write("Renovation rounds demo data skipped: load the frontdesk demo data first.")
        return
    if SiteInspection.objects.filter(community=community).exists():
        stdout.write("Renovation rounds demo data already loaded.")
        return
    User = get_user_model()
    people = {u.username: u for u in User.objects.filter(
        username__in=["clerk", "cashier", "engineer", "manager", "supervisor"])}
    if len(people) < 5:
        stdout.write("Renovation rounds demo data skipped: the demo accounts are missing.")
        return
    with transaction.atomic(), pghistory.context(source="seed_demo"):
        _load(community, people)
    stdout.write("Renovation rounds demo data loaded.")


def _load(community, people):
    from .services import acceptance, rounds

    clerk, engineer, manager = people["clerk"], people["engineer"], people["manager"]
    now = timezone.now()
    today = timezone.localdate(now)
    sites = list(Renovation.objects.filter(community=community, status=S.IN_PROGRESS).select_related("unit")[:6])
    if len(sites) < 6:
        busy = Renovation.objects.filter(community=community).exclude(
            status__in=Renovation.FINISHED_STATUSES).values("unit")
        units = (Unit.objects.filter(community=community, occupancies__kind=Occupancy.Kind.OWNER,
                                     occupancies__end_date__isnull=True).exclude(pk__in=busy)
                 .distinct().order_by("code")[: 6 - len(sites)])
        for n, unit in enumerate(units):
            sites.append(active_renovation(unit=unit, actor=clerk, cashier=people["cashier"],
                                           start=today - datetime.timedelta(days=20 + n), now=now))
    if len(sites) < 6:
        return
    ok, open_one, repeated, failed, accepted, untouched = sites
    rounds.inspection_record(renovation=ok, checks_ok=[c for c, _l in rounds.CheckItem.choices], note="现场整洁",
                             actor=clerk, now=now)
    rounds.inspection_record(
        renovation=open_one, checks_ok=["permit_posted", "passes"], note="楼道堆放水泥袋", actor=clerk, now=now,
        violation={"category": Violation.Category.RUBBISH, "description": "楼道堆放建筑垃圾未清运",
                   "deadline": today + datetime.timedelta(days=1), "deduction": "200",
                   "deduction_reason": "公共区域清理费"})
    for category, text in ((Violation.Category.OUT_OF_HOURS, "中午12:30电钻施工"),
                           (Violation.Category.UNAPPROVED_ALTERATION, "未经批准拆除阳台隔墙")):
        rounds.inspection_record(renovation=repeated, checks_ok=["permit_posted"], actor=clerk, now=now,
                                 violation={"category": category, "description": text,
                                            "deadline": today + datetime.timedelta(days=2)})
    acceptance.acceptance_request(renovation=failed, actor=clerk, now=now)
    acceptance.acceptance_record(renovation=failed, result=Acceptance.Result.FAIL, items="卫生间闭水试验渗漏，需重做防水",
                                 actor=engineer, now=now)
    violation = rounds.violation_record(renovation=accepted, category=Violation.Category.RUBBISH,
                                        description="电梯厅地面划伤", deadline=today, deduction="300",
                                        deduction_reason="电梯厅地砖修复", actor=clerk, now=now)
    rounds.violation_recheck(violation=violation, corrected=True, note="已清理", actor=clerk, now=now)
    rounds.deduction_decide(deduction=violation.deduction, approve=True, note="按协议扣除", actor=manager, now=now)
    acceptance.acceptance_request(renovation=accepted, actor=clerk, now=now)
    acceptance.acceptance_record(renovation=accepted, result=Acceptance.Result.PASS, note="验收合格", actor=engineer,
                                 now=now)
    from .services.ledger import ledger_refund_request

    ledger_refund_request(renovation=accepted, method="cash", actor=people["cashier"], now=now)
    del untouched  # left not inspected today: the round sheet lists it first
"""The renovation demo data for ``manage.py seed_demo``.

# ---- hotwork and lifts (R4) ----
Hot-work permits in every state (under review, engineering passed, awaiting approval, issued for today,
past window not yet swept, expired, closed out, rejected, withdrawn) and each building's lifts with
bookings on the board (booked, a fire lift awaiting review, one awaiting the duty manager, one approved,
one refused, one cancelled). Written through the
services (with past ``now`` where a state needs time to have passed), so every row is one the app would
write. Needs a renovation with works on site in 翠湖花园 (CH): the application loader makes them; while it
is absent, one is made here for room of the first owner (``_site``). Idempotent: nothing happens when CH
already has hot-work permits."""

import datetime
import io

import pghistory
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone, translation

from core.numbering import next_number
from frontdesk.models import Building, Community, Occupancy

from .models import HotWorkPermit, Lift, LiftBooking, Renovation, RenovationStatusChange

H = datetime.timedelta(hours=1)


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (120, 80), (230, 230, 230)).save(buffer, "PNG")
    return buffer.getvalue()


def _copies():
    data = _png()
    return (SimpleUploadedFile("焊工证.png", data, content_type="image/png"),
            SimpleUploadedFile("身份证.png", data, content_type="image/png"))


def _sites(community, clerk, count=3) -> list[Renovation]:
    """Renovations with works on site; made here (permit issued) when the application loader has not."""
    sites = list(Renovation.objects.filter(community=community, status__in=Renovation.ACTIVE_STATUSES)
                 .select_related("unit", "owner").order_by("id")[:count])
    if sites:
        return sites
    now = timezone.now()
    today = timezone.localdate()
    taken = Renovation.objects.filter(community=community).exclude(status__in=Renovation.FINISHED_STATUSES)
    owners = (Occupancy.objects.filter(community=community, kind=Occupancy.Kind.OWNER, end_date__isnull=True)
              .exclude(unit__in=taken.values("unit")).select_related("unit", "person").order_by("unit__code")[:count])
    for i, occupancy in enumerate(owners):
        seq = next_number(kind="renovation_permit", scope_id=community.pk, year=today.year)
        renovation = Renovation.objects.create(
            community=community, unit=occupancy.unit, number=f"ZX-DEMO-{occupancy.unit_id}",
            applicant_kind=Renovation.ApplicantKind.OWNER, owner=occupancy.person, applicant=occupancy.person,
            company=["美家装饰工程有限公司", "宏达装修队", "匠心家装"][i % 3], lead_name=["王建华", "李师傅", "陈国强"][i % 3],
            lead_phone=f"1390000{1000 + i}", planned_start=today - datetime.timedelta(days=20),
            planned_end=today + datetime.timedelta(days=60), scope=["plumbing_wiring", "walls"],
            agreement_accepted_at=now, agreement_accepted_by=clerk, status=Renovation.Status.IN_PROGRESS,
            permit_year=today.year, permit_seq=seq, permit_number=f"ZX{today.year}{seq:05d}",
            permit_valid_from=today - datetime.timedelta(days=20), permit_valid_to=today + datetime.timedelta(days=60),
            permit_issued_at=now, permit_issued_by=clerk, created_by=clerk, created_at=now, status_changed_at=now)
        RenovationStatusChange.objects.create(renovation=renovation, from_status="",
                                              to_status=Renovation.Status.IN_PROGRESS, actor=clerk, at=now,
                                              reason="demo")
        sites.append(renovation)
    return sites


def load_hotwork_lifts(stdout):
    ch = Community.objects.filter(code="CH").first()
    if ch is None:
        stdout.write("Hot-work and lift demo data skipped: load the frontdesk demo first.")
        return
    if HotWorkPermit.objects.filter(community=ch).exists():
        stdout.write("Hot-work and lift demo data already loaded.")
        return
    User = get_user_model()
    users = {u.username: u for u in User.objects.filter(username__in=["clerk", "engineer", "supervisor", "manager"])}
    if len(users) < 4:
        stdout.write("Hot-work and lift demo data skipped: the demo accounts are missing.")
        return
    with transaction.atomic(), pghistory.context(source="seed_demo"), translation.override("zh-hans"):
        lifts = _lifts(ch, users["manager"])
        sites = _sites(ch, users["clerk"])
        permits = _hotwork(sites, users) if sites else 0
        bookings = _bookings(ch, lifts, users)
    stdout.write(f"Hot-work and lift demo data loaded: {permits} hot-work permits, {len(lifts)} lifts, "
                 f"{bookings} bookings.")


def _lifts(community, manager) -> list[Lift]:
    from .services.lifts import lift_add

    K = Lift.Kind
    made = []
    for building in Building.objects.filter(community=community).order_by("sort_order", "name")[:8]:
        for name, kind in (("1号客梯", K.PASSENGER), ("2号货梯", K.FREIGHT), ("消防梯", K.FIRE), ("东侧楼梯", K.STAIRS)):
            made.append(lift_add(building=building, name=name, kind=kind, actor=manager))
    return made


def _hotwork(sites, users) -> int:
    from .services import hotwork as hw

    clerk, engineer, supervisor, manager = users["clerk"], users["engineer"], users["supervisor"], users["manager"]
    now = timezone.now()
    local = timezone.localtime(now)
    today, yesterday = local.date(), local.date() - datetime.timedelta(days=1)
    plans = [  # (final state, day, start hour, end hour)
        ("review", today + datetime.timedelta(days=1), 9, 11),
        ("engineering_passed", today + datetime.timedelta(days=1), 14, 16),
        ("approval", today + datetime.timedelta(days=2), 9, 12),
        ("issued", today, 0, 24),
        ("past_unswept", yesterday, 9, 11),
        ("expired", yesterday, 14, 16),
        ("closed", yesterday, 8, 10),
        ("rejected", today + datetime.timedelta(days=3), 9, 10),
        ("withdrawn", today + datetime.timedelta(days=3), 14, 15),
    ]
    works = [("阳台", "焊接阳台护栏"), ("厨房", "切割旧燃气管支架"), ("客厅", "焊接隔断钢架"), ("卫生间", "切割旧水管")]
    for i, (state, day, start, end) in enumerate(plans):
        site = sites[i % len(sites)]
        past = state in ("past_unswept", "expired", "closed")
        filed_at = now - datetime.timedelta(days=2) if past else now
        certificate, id_copy = _copies()
        where, what = works[i % len(works)]
        permit = hw.hotwork_apply(
            renovation=site, applicant_kind=HotWorkPermit.ApplicantKind.LEAD if i % 2 else HotWorkPermit.ApplicantKind.OWNER,
            location=where, work=what, work_date=day, start_time=datetime.time(start), end_time=datetime.time(end, 0)
            if end < 24 else datetime.time(23, 59), welder_name=["刘铁军", "孙海涛", "周志明"][i % 3],
            welder_certificate_no=f"T44030019{80 + i}0{i}", fire_watcher_name=["赵刚", "钱伟"][i % 2],
            fire_watcher_phone=f"1370000{2000 + i}", extinguishers_checked=True, extinguisher_count=2,
            certificate=certificate, id_copy=id_copy, actor=clerk, now=filed_at)
        if state == "review":
            continue
        if state == "withdrawn":
            hw.hotwork_withdraw(permit=permit, reason="业主改期施工", actor=clerk, now=filed_at + H)
            continue
        hw.hotwork_review(permit=permit, stage="engineering", passed=True, comments="焊点远离燃气管道", actor=engineer,
                          now=filed_at + H)
        if state == "engineering_passed":
            continue
        if state == "rejected":
            hw.hotwork_review(permit=permit, stage="safety", passed=False, comments="现场易燃装修材料未清理",
                              actor=supervisor, now=filed_at + 2 * H)
            continue
        hw.hotwork_review(permit=permit, stage="safety", passed=True, comments="配备两具灭火器", actor=supervisor,
                          now=filed_at + 2 * H)
        if state == "approval":
            continue
        permit = hw.hotwork_decide(permit=permit, approve=True, actor=manager, now=filed_at + 3 * H)
        if state == "expired":
            hw.hotwork_expire_due(now=permit.ends_at + datetime.timedelta(minutes=1))
        if state == "closed":
            hw.hotwork_close_out(permit=permit, site_safe=True, note="无余火，已断电", actor=clerk,
                                 now=permit.ends_at + datetime.timedelta(minutes=20))
    return len(plans)


def _bookings(community, lifts, users) -> int:
    from .services import lifts as svc

    clerk, engineer = users["clerk"], users["engineer"]
    by_building: dict = {}
    for lift in lifts:
        by_building.setdefault(lift.building_id, {})[lift.kind] = lift
    if not by_building:
        return 0
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    today = timezone.localdate()
    owners = (Occupancy.objects.filter(community=community, kind=Occupancy.Kind.OWNER, end_date__isnull=True,
                                       unit__building_id__in=list(by_building))
              .select_related("unit", "person").order_by("unit__code"))
    made = 0
    hour = 8
    K = Lift.Kind
    for occupancy in owners[:8]:
        unit_lifts = by_building[occupancy.unit.building_id]
        kind = [K.FREIGHT, K.PASSENGER, K.FIRE, K.STAIRS][made % 4]
        day = tomorrow if kind == K.FIRE or made >= 4 else today
        start = datetime.time(min(hour, 20))
        booking = svc.booking_create(unit=occupancy.unit, lift=unit_lifts[kind], applicant_kind="owner",
                                     owner=occupancy.person, items=["瓷砖、水泥", "红砖", "沙子、石子", "旧家具"][made % 4],
                                     day=day, start=start, end=datetime.time(min(hour, 20) + 2),
                                     undertaking_received=True, actor=clerk,
                                     now=timezone.now() - datetime.timedelta(days=1))
        if made == 5 and booking.status == LiftBooking.Status.BOOKED:
            svc.booking_cancel(booking=booking, reason="业主改期", actor=clerk)
        if made in (2, 6):  # the fire lift: engineering passed; the first also approved by the duty manager
            booking = svc.booking_review(booking=booking, passed=True, comments="注意保护轿厢", actor=engineer)
            if made == 2:
                svc.booking_approve(booking=booking, approve=True, actor=users["supervisor"])
        made += 1
        hour += 1
    # a fire-lift booking refused by engineering
    first = owners.first()
    if first is not None:
        fire = by_building[first.unit.building_id][K.FIRE]
        refused = svc.booking_create(unit=first.unit, lift=fire, applicant_kind="owner", owner=first.person,
                                     items="钢筋", day=tomorrow, start=datetime.time(21), end=datetime.time(22),
                                     undertaking_received=True, actor=clerk)
        svc.booking_review(booking=refused, passed=False, comments="消防梯晚间不得搬运钢筋", actor=engineer)
        svc.booking_create(unit=first.unit, lift=fire, applicant_kind="owner", owner=first.person, items="红砖、砂、石",
                           day=tomorrow, start=datetime.time(18), end=datetime.time(19), undertaking_received=True,
                           actor=clerk)  # awaiting the engineering review
        made += 2
    return made
