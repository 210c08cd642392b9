"""The repairs seed loader for ``manage.py seed_demo`` (after the frontdesk data): ~200 tickets for
翠湖花园 (CH) and a few for 锦绣家园 (JX) over the last 8 weeks, in every state, with their status
changes, clocks (met, breached, overdue, owner informed), callbacks (to do, done with satisfaction
1–5) and two paid repairs with their charges.

Written with the models in bulk (this is demo data), but every ``TicketStatusChange`` follows
``Ticket.TRANSITIONS`` (checked below) and the clocks say what the status writer would have said.
Idempotent: nothing happens when CH already has tickets."""

import datetime
import random
from decimal import Decimal
from itertools import pairwise

import pghistory
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation

from frontdesk.models import Community, Occupancy, Unit

from .models import (
    Callback,
    Category,
    Charge,
    Clock,
    ClockSettings,
    Team,
    Ticket,
    TicketCounter,
    TicketStatusChange,
)

S = Ticket.Status
K = Ticket.Kind
CK = Clock.Kind
M = datetime.timedelta(minutes=1)

# Paths from "new": each one a chain of legal moves (checked by ``_check_path``). Weights: how often.
REPAIR_PATHS = [
    ([S.NEW], 3), ([S.NEW, S.DISPATCHED], 3), ([S.NEW, S.DISPATCHED, S.ACCEPTED], 3),
    ([S.NEW, S.DISPATCHED, S.ACCEPTED, S.ON_SITE], 3), ([S.NEW, S.DISPATCHED, S.ACCEPTED, S.ON_HOLD], 3),
    ([S.NEW, S.DISPATCHED, S.ACCEPTED, S.ON_SITE, S.COMPLETED], 8),
    ([S.NEW, S.DISPATCHED, S.ACCEPTED, S.ON_SITE, S.COMPLETED, S.CALLBACK_DONE], 6),
    ([S.NEW, S.DISPATCHED, S.ACCEPTED, S.ON_SITE, S.COMPLETED, S.CALLBACK_DONE, S.CLOSED], 75),
    ([S.NEW, S.DISPATCHED, S.ACCEPTED, S.ON_SITE, S.COMPLETED, S.REOPENED], 3),
    ([S.NEW, S.CANCELLED], 3), ([S.NEW, S.DISPATCHED, S.CANCELLED], 2),
]
COMPLAINT_PATHS = [
    ([S.NEW], 2), ([S.NEW, S.ASSIGNED], 2), ([S.NEW, S.ASSIGNED, S.IN_PROGRESS], 3),
    ([S.NEW, S.ASSIGNED, S.IN_PROGRESS, S.REPLIED], 3), ([S.NEW, S.ASSIGNED, S.IN_PROGRESS, S.ON_HOLD], 1),
    ([S.NEW, S.ASSIGNED, S.IN_PROGRESS, S.REPLIED, S.CALLBACK_DONE], 2),
    ([S.NEW, S.ASSIGNED, S.IN_PROGRESS, S.REPLIED, S.CALLBACK_DONE, S.CLOSED], 20), ([S.NEW, S.CANCELLED], 1),
]
ENQUIRY_PATHS = [([S.NEW], 1), ([S.NEW, S.REPLIED], 1), ([S.NEW, S.REPLIED, S.CLOSED], 4)]
PATHS = {K.REPAIR: REPAIR_PATHS, K.COMPLAINT: COMPLAINT_PATHS, K.ENQUIRY: ENQUIRY_PATHS}
OPEN_ENDS = Ticket.OPEN_STATUSES | {S.CALLBACK_DONE}

REPAIRS = {
    "Plumbing": ["厨房水龙头漏水", "卫生间下水道堵塞", "热水器进水管渗水", "阳台地漏返味"],
    "Electrical": ["客厅灯不亮，开关跳闸", "插座没电", "入户电表箱空开频繁跳闸"],
    "Doors and windows": ["入户门锁芯坏了，钥匙拧不动", "卧室窗户关不严", "阳台推拉门滑轮脱落"],
    "Lift": ["电梯按钮失灵", "电梯运行有异响"],
    "Public facilities": ["楼道声控灯不亮", "单元门禁刷卡无反应", "信报箱门掉了"],
    "Other": ["墙面渗水发霉", "天花板有裂缝"],
}
COMPLAINTS = {
    "Noise": ["楼上夜间装修噪音", "广场舞音量太大"],
    "Cleaning and environment": ["楼道垃圾未及时清运", "绿化带有积水蚊虫多"],
    "Parking": ["车位被他人占用", "地库照明不足"],
    "Security": ["陌生人随意进出单元门", "夜间巡逻不到位"],
    "Plumbing": ["报修三天无人上门", "维修后又漏水"],
}
ENQUIRIES = ["咨询物业费缴纳方式", "建议增设快递柜", "咨询装修申请流程", "建议小区增加儿童游乐设施"]
LOCATIONS = ["电梯厅", "地下车库", "一楼大堂", "楼道"]
WORK = [("更换水龙头阀芯", "阀芯 1 个"), ("疏通下水道", ""), ("更换空气开关", "空开 1 个"), ("更换锁芯", "锁芯 1 个"),
        ("调整窗户合页", ""), ("更换 LED 灯", "LED 灯 2 个")]
COMMENTS = {5: "师傅很专业，很满意", 4: "处理及时", 3: "还可以", 2: "上门时间太晚", 1: "问题没解决"}


def load(stdout):
    ch = Community.objects.filter(code="CH").first()
    if ch is None:
        stdout.write("Repairs demo data skipped: load the frontdesk demo first.")
        return
    User = get_user_model()
    users = {u.username: u for u in User.objects.filter(username__in=["clerk", "clerk2", "engineer", "supervisor"])}
    if not {"clerk", "engineer"} <= set(users):
        stdout.write("Repairs demo data skipped: the demo accounts are missing.")
        return
    if Ticket.objects.filter(community=ch).exclude(kind__in=[K.SERVICE, K.SUGGESTION]).exists():
        stdout.write("Repairs demo data already loaded.")
        load_home_services(ch, users, stdout)
        return
    with transaction.atomic(), pghistory.context(source="seed_demo"), translation.override("zh-hans"):
        total = 0
        for community, count in ((ch, 200), (Community.objects.filter(code="JX").first(), 30)):
            if community is not None:
                total += _load(community, count, users, random.Random(f"repairs-{community.code}"))
    stdout.write(f"Repairs demo data loaded: {total} tickets.")
    load_home_services(ch, users, stdout)


def _check_path(kind, path):
    for a, b in pairwise(path):
        assert b in Ticket.TRANSITIONS[kind][a], (kind, a, b)


def _pick(rng, paths):
    return rng.choices([p for p, _w in paths], weights=[w for _p, w in paths])[0]


def _load(community, count, users, rng) -> int:
    from .services.manage import categories_ensure

    categories_ensure(community=community)
    ClockSettings.objects.get_or_create(community=community)
    categories = {c.name: c for c in Category.objects.filter(community=community)}
    by_english = {}
    for english in set(REPAIRS) | set(COMPLAINTS):
        by_english[english] = categories.get(translation.gettext(english)) or categories.get(english) \
            or next(iter(categories.values()))
    clerk, engineer = users["clerk"], users["engineer"]
    supervisor = users.get("supervisor", clerk)
    eng_team, _c = Team.objects.get_or_create(community=community, name="工程部")
    eng_team.members.add(engineer)
    service_team, _c = Team.objects.get_or_create(community=community, name="客服部")
    owners = list(Occupancy.objects.filter(community=community, kind=Occupancy.Kind.OWNER, end_date__isnull=True)
                  .select_related("person", "unit").order_by("unit__code")[:600])
    units = list(Unit.objects.filter(community=community).order_by("code")[:600]) if not owners else []
    now = timezone.now()
    tz = timezone.get_current_timezone()

    plans = []
    # every path at least once, then by weight
    for kind, paths in PATHS.items():
        for path, _w in paths:
            _check_path(kind, path)
            plans.append((kind, path))
    while len(plans) < count:
        kind = rng.choices([K.REPAIR, K.COMPLAINT, K.ENQUIRY], weights=[72, 20, 8])[0]
        plans.append((kind, _pick(rng, PATHS[kind])))
    rng.shuffle(plans)

    tickets, changes, clocks, callbacks, charges = [], [], [], [], []
    numbers = {}
    paid_left = 2
    for kind, path in plans:
        end = path[-1]
        # open tickets are recent, finished ones spread over eight weeks
        if end in OPEN_ENDS and end not in (S.CALLBACK_DONE,):
            days = 1 if end == S.NEW else (3 if end in (S.DISPATCHED, S.ACCEPTED, S.ASSIGNED) else 12)
            created = now - datetime.timedelta(minutes=rng.randint(20, 60 * 24 * days))
        else:
            created = now - datetime.timedelta(minutes=rng.randint(60 * 24, 60 * 24 * 56))
        created = created.replace(second=rng.randint(0, 59), microsecond=0)
        if kind == K.REPAIR:
            english = rng.choice(list(REPAIRS))
            text = rng.choice(REPAIRS[english])
        elif kind == K.COMPLAINT:
            english = rng.choice(list(COMPLAINTS))
            text = rng.choice(COMPLAINTS[english])
        else:
            english, text = "Other", rng.choice(ENQUIRIES)
        category = by_english.get(english) or next(iter(categories.values()))
        owner = rng.choice(owners) if owners else None
        unit = owner.unit if owner else (rng.choice(units) if units else None)
        common = unit is None or (kind == K.REPAIR and english == "Public facilities") or rng.random() < 0.08
        channel = rng.choice(["phone"] * 6 + ["walk_in"] * 2 + ["patrol", "letter"])
        location = (f"{unit.code.split('-')[0]}栋{rng.choice(LOCATIONS)}" if common and unit
                    else ("小区公共区域" if common else ""))
        t = Ticket(community=community, kind=kind, channel=channel,
                   unit=None if common else unit, building_id=unit.building_id if unit else None, location=location,
                   contact_name=owner.person.name if owner else "业主",
                   contact_phone=(owner.person.phone if owner else "") or "13800138000",
                   category=category, description=text, created_by=clerk, created_at=created, status=end,
                   urgency=Ticket.Urgency.URGENT if kind == K.REPAIR and rng.random() < 0.2 else Ticket.Urgency.NORMAL)
        day = timezone.localtime(created, tz).date()
        key = (Ticket.PREFIX[kind], day)
        numbers[key] = numbers.get(key, 0) + 1
        t.number = f"{key[0]}-{day:%Y%m%d}-{numbers[key]:04d}"

        # the moments of each move
        at = created
        times = [created]
        late_dispatch = rng.random() < 0.15
        for status in path[1:]:
            step = {S.DISPATCHED: rng.randint(4, 9) if late_dispatch else rng.randint(1, 2),
                    S.ASSIGNED: rng.randint(2, 20), S.ACCEPTED: rng.randint(1, 6),
                    S.ON_SITE: rng.randint(5, 25) if t.urgency == Ticket.Urgency.URGENT else rng.randint(20, 180),
                    S.ON_HOLD: rng.randint(10, 60), S.IN_PROGRESS: rng.randint(10, 120),
                    S.COMPLETED: rng.randint(20, 120),
                    S.REPLIED: rng.randint(60, 60 * 30) if kind == K.COMPLAINT else rng.randint(10, 600),
                    S.CALLBACK_DONE: rng.randint(60, 60 * 10), S.CLOSED: rng.randint(60, 60 * 24),
                    S.REOPENED: rng.randint(60, 60 * 8), S.CANCELLED: rng.randint(5, 60)}[status]
            at = at + step * M
            times.append(at)
        if times[-1] > now - 5 * M:  # keep every move in the past
            shift = times[-1] - (now - 5 * M)
            times = [x - shift for x in times]
            t.created_at = times[0]
        moved = dict(zip(path, times, strict=True))
        t.last_activity_at = times[-1]
        t.dispatched_at = moved.get(S.DISPATCHED) or moved.get(S.ASSIGNED)
        t.accepted_at = moved.get(S.ACCEPTED)
        t.arrived_at = moved.get(S.ON_SITE)
        t.completed_at = moved.get(S.COMPLETED)
        t.replied_at = moved.get(S.REPLIED)
        t.closed_at = moved.get(S.CLOSED)
        if S.DISPATCHED in moved:
            t.assignee, t.team = engineer, eng_team
        if S.ASSIGNED in moved:
            t.team = service_team
            t.assignee = supervisor
        if end == S.ON_HOLD:
            t.on_hold_since = moved[S.ON_HOLD]
            t.hold_reason = rng.choice(["等配件到货", "业主不在家，约下次上门"])
        if end == S.CANCELLED:
            t.cancel_reason = rng.choice(["业主已自行修好", "重复报修"])
        if S.COMPLETED in moved:
            t.work_done, t.materials = rng.choice(WORK)
            t.labour_minutes = rng.choice([20, 30, 45, 60])
            t.owner_confirmation = t.contact_name
            if paid_left and kind == K.REPAIR and t.unit is not None:
                paid_left -= 1
                t.is_paid = True
                t.charge_amount = Decimal(rng.choice(["35.00", "80.00", "120.00"]))
        if kind == K.ENQUIRY and S.REPLIED in moved:
            t.work_done = "已电话答复业主"
        actors = {S.ACCEPTED: engineer, S.ON_SITE: engineer, S.ON_HOLD: engineer, S.COMPLETED: engineer,
                  S.IN_PROGRESS: supervisor}
        plan_changes = [(prev, status, actors.get(status, clerk), moved[status])
                        for prev, status in zip(["", *path[:-1]], path, strict=True) if status != S.NEW]
        plan_clocks = _clocks_for(t, path, moved, now, rng, clerk)
        plan_callback = _callback_for(t, path, moved, rng, clerk)
        t.is_overdue = any(c.breached_at and not c.met_at and not c.cancelled_at for c in plan_clocks)
        tickets.append((t, plan_changes, plan_clocks, plan_callback))

    Ticket.objects.bulk_create([t for t, *_rest in tickets])
    for t, plan_changes, plan_clocks, plan_callback in tickets:
        changes += [TicketStatusChange(ticket=t, from_status=a, to_status=b, actor=who, at=at,
                                       note=t.hold_reason if b == S.ON_HOLD else (t.cancel_reason if b == S.CANCELLED else ""))
                    for a, b, who, at in plan_changes]
        for c in plan_clocks:
            c.ticket, c.community_id = t, t.community_id
        clocks += plan_clocks
        if plan_callback:
            plan_callback.ticket = t
            callbacks.append(plan_callback)
        if t.is_paid and t.charge_amount:
            charges.append(Charge(ticket=t, community=community, unit=t.unit, amount=t.charge_amount,
                                  description=f"{t.number} {t.work_done}"))
    TicketStatusChange.objects.bulk_create(changes)
    Clock.objects.bulk_create(clocks)
    Callback.objects.bulk_create(callbacks)
    Charge.objects.bulk_create(charges)
    # later intakes continue the numbering of the demo days
    for (prefix, day), last in numbers.items():
        counter, _c = TicketCounter.objects.get_or_create(community=community, prefix=prefix, day=day)
        if counter.last < last:
            counter.last = last
            counter.save(update_fields=["last"])
    return len(tickets)


def _clock(kind, started, due, *, met=None, cancelled=None, paused=None, now, owner_informed_by=None, rng=None):
    warn = due - (due - started) * 0.33
    c = Clock(kind=kind, started_at=started, due_at=due, warn_at=warn, met_at=met, cancelled_at=cancelled,
              paused_at=paused)
    end = met or cancelled or paused or now
    if end >= warn:
        c.warned_at = warn
    if end > due:
        c.breached_at = due
        if owner_informed_by and kind in (CK.ON_SITE, CK.APPOINTMENT) and rng.random() < 0.6:
            c.owner_informed_at = due + 2 * M
            c.owner_informed_by = owner_informed_by
            c.owner_informed_note = "已致电业主说明师傅稍晚到达"
    return c


def _clocks_for(t, path, moved, now, rng, clerk):
    out = []
    finished = moved.get(S.CLOSED) or moved.get(S.CANCELLED)
    paused = moved.get(S.ON_HOLD) if path[-1] == S.ON_HOLD else None
    if t.kind == K.REPAIR:
        met = moved.get(S.DISPATCHED)
        out.append(_clock(CK.DISPATCH, t.created_at, t.created_at + 3 * M, met=met,
                          cancelled=None if met else finished, now=now))
        if t.urgency == Ticket.Urgency.URGENT and S.DISPATCHED in moved:
            met = moved.get(S.ON_SITE)
            out.append(_clock(CK.ON_SITE, moved[S.DISPATCHED], moved[S.DISPATCHED] + 15 * M, met=met,
                              cancelled=None if met else finished, paused=None if met else paused, now=now,
                              owner_informed_by=clerk, rng=rng))
    if t.kind == K.COMPLAINT:
        met = moved.get(S.REPLIED)
        out.append(_clock(CK.COMPLAINT, t.created_at, t.created_at + datetime.timedelta(hours=24), met=met,
                          cancelled=None if met else finished, paused=None if met else paused, now=now))
    done = moved.get(S.COMPLETED) or (moved.get(S.REPLIED) if t.kind == K.COMPLAINT else None)
    if done:
        due = _callback_due(t, done)
        met = moved.get(S.CALLBACK_DONE) or moved.get(S.REOPENED)
        out.append(_clock(CK.CALLBACK, done, due, met=met, cancelled=None if met else finished, now=now))
    return out


def _callback_due(t, done):
    if t.unit_id is None and t.unit is None:
        return done + datetime.timedelta(hours=24)
    local = timezone.localtime(done)
    end_of_day = local.replace(hour=20, minute=0, second=0, microsecond=0)
    if local <= end_of_day:
        return end_of_day
    return (local + datetime.timedelta(days=1)).replace(hour=12, minute=0, second=0, microsecond=0)


def _callback_for(t, path, moved, rng, clerk):
    done = moved.get(S.COMPLETED) or (moved.get(S.REPLIED) if t.kind == K.COMPLAINT else None)
    if not done:
        return None
    finished = moved.get(S.CALLBACK_DONE) or moved.get(S.REOPENED)
    if not finished:
        return Callback(community=t.community, due_at=_callback_due(t, done))
    if S.REOPENED in moved:
        score, outcome = rng.choice([1, 2]), Callback.Outcome.REOPEN
    else:
        score = rng.choices([5, 4, 3, 2], weights=[55, 30, 10, 5])[0]
        outcome = Callback.Outcome.SATISFIED if score >= 3 else Callback.Outcome.ESCALATE
    return Callback(community=t.community, due_at=_callback_due(t, done), status=Callback.Status.DONE,
                    satisfaction=score, outcome=outcome, comment=COMMENTS[score], done_by=clerk, done_at=finished)


# ---- utility hand-offs 代办开通: providers with their fees, and hand-offs in every state ----
DEMO_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"  # the scanned ID copy's stand-in
DEMO_PROVIDERS = [  # name, service, e-mail, what it needs, request types with fees
    ("网通", "network", "kaihu@wangtong.example.com", "业主身份证复印件；租户另附业主委托书；入户申请表（粉红联交业户）",
     [("开通", "300.00"), ("资费变更", "0.00"), ("暂停", "0.00"), ("终止", "0.00"), ("更改帐号", "0.00"),
      ("增加信息（预交3个月）", "540.00"), ("复机", "20.00")]),
    ("华数有线电视", "cable_tv", "kaihu@huashu.example.com", "业主身份证复印件；开户申请表；在开通登记本上签字",
     [("开户", "150.00"), ("停机", "0.00")]),
    ("电信固话", "phone", "guhua@dianxin.example.com", "业主身份证复印件；开户申请表", [("开户", "0.00")]),
    ("港华燃气", "gas", "kaihu@ganghua.example.com", "业主身份证复印件；房产证复印件", [("开户", "200.00")]),
]
# (request type, applicant, hours ago filed, the moves after filing)
DEMO_HANDOFFS = [
    ("开通", "owner", 3, []),
    ("复机", "owner", 72, ["breach"]),
    ("资费变更", "tenant", 30, ["forward"]),
    ("开户", "owner", 50, ["forward", "complete"]),
    ("开通", "owner", 120, ["forward", "complete", "callback"]),
    ("暂停", "owner", 240, ["forward", "complete", "callback", "close"]),
    ("终止", "owner", 200, ["cancel"]),
]


def load_handoffs(stdout):
    """Providers for 翠湖花园 (CH) and seven hand-offs through the services: new, late to forward, forwarded,
    completed (callback to do), callback done, closed, cancelled. Idempotent: skipped when CH has providers."""
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    from frontdesk.models import TenantAuthorization

    from .models import Provider
    from .services import callbacks, escalation, handoffs
    from .services.tickets import ticket_set_status

    ch = Community.objects.filter(code="CH").first()
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["clerk", "supervisor"])}
    if ch is None or "clerk" not in users:
        stdout.write("Hand-off demo data skipped: load the frontdesk demo first.")
        return
    if Provider.objects.filter(community=ch).exists():
        stdout.write("Hand-off demo data already loaded.")
        return
    clerk, boss = users["clerk"], users.get("supervisor", users["clerk"])
    now = timezone.now()
    with transaction.atomic(), pghistory.context(source="seed_demo"), translation.override("zh-hans"):
        services = {}
        for name, kind, email, needs, types in DEMO_PROVIDERS:
            provider = handoffs.provider_save(community=ch, name=name, service=kind, email=email, requirements=needs,
                                              actor=boss)
            for type_name, fee in types:
                services.setdefault(type_name, handoffs.provider_service_add(
                    provider=provider, name=type_name, amount=Decimal(fee), valid_from=datetime.date(2024, 1, 1),
                    actor=boss))
        owned = list(Occupancy.objects.filter(community=ch, kind=Occupancy.Kind.OWNER, end_date__isnull=True)
                     .select_related("unit", "person").order_by("unit__code"))
        authorization = (TenantAuthorization.objects.filter(
            community=ch, revoked_at__isnull=True, tenancy__end_date__isnull=True, scopes__contains=["services"],
            valid_from__lte=timezone.localdate(), valid_to__gte=timezone.localdate())
            .select_related("tenancy__unit").first())
        for i, (type_name, applicant, hours, moves) in enumerate(DEMO_HANDOFFS):
            at = now - datetime.timedelta(hours=hours)
            occupancy = owned[(40 + i) % len(owned)]
            who = {"applicant_kind": "owner", "owner": occupancy.person, "unit": occupancy.unit}
            if applicant == "tenant" and authorization is not None:
                who = {"applicant_kind": "tenant", "tenant_authorization": authorization,
                       "unit": authorization.tenancy.unit}
            service = services[type_name]

            def file(who, at=at, service=service):
                return handoffs.handoff_file(provider=service.provider, service=service, details="演示数据",
                                             id_copy=SimpleUploadedFile("id.pdf", DEMO_PDF), actor=clerk, now=at,
                                             **who)

            try:
                with transaction.atomic():
                    ticket = file(who)
            except ValidationError:  # the tenant's authorisation does not hold (its owner moved out …): the owner
                ticket = file({"applicant_kind": "owner", "owner": occupancy.person, "unit": occupancy.unit})
            step = at
            for move in moves:
                step += datetime.timedelta(hours=5)
                if move == "breach":
                    clock = ticket.clocks.get(kind=Clock.Kind.FORWARD)
                    escalation.clock_breach(clock_id=clock.pk, now=clock.due_at + M)
                elif move == "forward":
                    handoffs.handoff_forward(ticket=ticket, actor=clerk, now=step)
                elif move == "complete":
                    handoffs.handoff_complete(ticket=ticket, reply="已开通，账号已短信告知业主", actor=clerk, now=step)
                elif move == "callback":
                    callbacks.callback_result_record(callback=Callback.objects.get(ticket=ticket), satisfaction=5,
                                                     comment="业主表示满意", actor=clerk, now=step)
                elif move == "close":
                    ticket_set_status(ticket=ticket, to=S.CLOSED, actor=clerk, now=step)
                elif move == "cancel":
                    ticket_set_status(ticket=ticket, to=S.CANCELLED, actor=clerk, now=step,
                                      cancel_reason="业主改由运营商营业厅办理")
    stdout.write(f"Hand-off demo data loaded: {len(DEMO_HANDOFFS)} hand-offs, {len(DEMO_PROVIDERS)} providers.")


# --- paid home services and suggestions (issue 12), through the services, so every row is as the app makes it ---

PRICE_LIST = [("家居清洁", "小时", "40"), ("擦玻璃", "平方米", "5"), ("油烟机清洗", "台", "120"),
              ("地板打蜡", "平方米", "8"), ("开荒保洁", "平方米", "6")]
# (service, quantity, workers, hours before now it was booked, how far it got)
SERVICE_PLANS = [
    ("家居清洁", "3", 1, 0.5, "new"), ("擦玻璃", "20", 1, 3, "new"),  # the second: the 2-hour confirmation missed
    ("油烟机清洗", "1", 1, 4, "dispatched"), ("地板打蜡", "40", 2, 5, "accepted"), ("家居清洁", "4", 2, 6, "on_site"),
    ("家居清洁", "3", 1, 8, "completed"), ("擦玻璃", "15", 1, 30, "callback_done"),
    ("开荒保洁", "90", 3, 54, "closed"), ("油烟机清洗", "1", 1, 26, "cancelled"),
]
SUGGESTION_PLANS = [("建议小区东门增设非机动车充电桩", "new"), ("建议延长会所开放时间", "assigned"),
                    ("建议在儿童游乐区加装遮阳棚", "replied"), ("建议增加垃圾分类指引牌", "callback_done"),
                    ("建议地库入口加装凸面镜", "closed")]


def load_home_services(community, users, stdout) -> None:
    """The price list (with an earlier price for one service), paid services in every state — the booked
    ones waiting for the time to be confirmed (one overdue), a completed one whose charge waits at the
    counter — and suggestions in every state. Idempotent: nothing happens when the price list exists."""
    from .models import ServiceItem

    if ServiceItem.objects.filter(community=community).exists():
        return
    with transaction.atomic(), pghistory.context(source="seed_demo"), translation.override("zh-hans"):
        count = _load_home_services(community, users)
    stdout.write(f"Paid services and suggestions demo data loaded: {count} tickets.")


def _load_home_services(community, users) -> int:
    from .services import callbacks, dispatch, home_services, intake, work
    from .services.manage import categories_ensure

    clerk, engineer = users["clerk"], users["engineer"]
    supervisor = users.get("supervisor", clerk)
    now = timezone.now()
    today = timezone.localdate(now)
    items = {}
    for name, unit_of_charge, price in PRICE_LIST:
        items[name] = home_services.service_item_add(
            community=community, name=name, unit_of_charge=unit_of_charge, price=Decimal(price) - 5,
            valid_from=today - datetime.timedelta(days=400), actor=supervisor)
        home_services.service_price_add(item=items[name], price=price, valid_from=today - datetime.timedelta(days=30),
                                        actor=supervisor)
    team, _c = Team.objects.get_or_create(community=community, name="保洁班")
    team.members.add(engineer)
    owners = list(Occupancy.objects.filter(community=community, kind=Occupancy.Kind.OWNER, end_date__isnull=True)
                  .select_related("person", "unit").order_by("-unit__code")[:40])
    if not owners:
        return 0
    made = 0
    for i, (name, quantity, workers, hours_ago, stop) in enumerate(SERVICE_PLANS):
        owner = owners[i % len(owners)]
        booked = now - datetime.timedelta(hours=hours_ago)
        ticket = home_services.service_book(
            unit=owner.unit, item=items[name], quantity=quantity, workers=workers,
            wanted_at=booked + datetime.timedelta(hours=3), contact_name=owner.person.name,
            contact_phone=owner.person.phone or "13800138000", actor=clerk, now=booked)
        made += 1
        if stop == "new":
            # booked 3 hours ago and never confirmed: its 2-hour clock breached (as the sweeper would stamp it)
            Clock.objects.filter(ticket=ticket, kind=CK.CONFIRM, due_at__lt=now).update(
                warned_at=F("warn_at"), breached_at=F("due_at"))
            if Clock.objects.filter(ticket=ticket, kind=CK.CONFIRM, breached_at__isnull=False).exists():
                Ticket.objects.filter(pk=ticket.pk).update(is_overdue=True)
            continue
        if stop == "cancelled":
            dispatch.ticket_cancel(ticket=ticket, reason="业主临时有事，取消预约", actor=clerk)
            continue
        at = booked + datetime.timedelta(minutes=40)
        start = booked + datetime.timedelta(hours=2)
        ticket = home_services.service_confirm(ticket=ticket, start=start, end=start + datetime.timedelta(hours=3),
                                               assignee=engineer, team=team, actor=clerk, now=at)
        if stop == "dispatched":
            continue
        ticket = work.ticket_accept(ticket=ticket, actor=engineer, now=at + datetime.timedelta(minutes=10))
        if stop == "accepted":
            continue
        ticket = work.ticket_arrive(ticket=ticket, actor=engineer, now=start)
        if stop == "on_site":
            continue
        done = min(start + datetime.timedelta(hours=2), now)
        ticket = home_services.service_complete(ticket=ticket, actor=engineer, quantity=quantity,
                                                work_done=f"{name}完成，业主验收", owner_confirmation=owner.person.name,
                                                now=done)
        if stop == "completed":
            continue
        callbacks.callback_result_record(callback=ticket.callback, satisfaction=5, comment="阿姨做得很仔细",
                                         actor=clerk, now=done + datetime.timedelta(hours=1))
        if stop == "closed":
            dispatch.ticket_close(ticket=ticket, actor=clerk)
    categories_ensure(community=community)
    category = Category.objects.filter(community=community).order_by("sort_order").first()
    department, _c = Team.objects.get_or_create(community=community, name="客服部")
    for i, (text, stop) in enumerate(SUGGESTION_PLANS):
        owner = owners[(i + 20) % len(owners)]
        at = now - datetime.timedelta(days=i + 1)
        ticket = intake.ticket_create(community=community, kind=K.SUGGESTION, channel="walk_in", unit=owner.unit,
                                      contact_name=owner.person.name,
                                      contact_phone=owner.person.phone or "13800138000", category=category,
                                      description=text, actor=clerk, now=at)
        made += 1
        if stop == "new":
            continue
        ticket = dispatch.complaint_assign(ticket=ticket, team=department, actor=clerk)
        if stop == "assigned":
            continue
        ticket = dispatch.ticket_reply(ticket=ticket, text="已转交相关部门研究，计划下月实施", actor=clerk)
        if stop == "replied":
            continue
        callbacks.callback_result_record(callback=ticket.callback, satisfaction=4, comment="业主认可答复", actor=clerk)
        if stop == "closed":
            dispatch.ticket_close(ticket=ticket, actor=clerk)
    return made
