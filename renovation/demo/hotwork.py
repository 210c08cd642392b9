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

from ..models import HotWorkPermit, Lift, LiftBooking, Renovation, RenovationStatusChange

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
    from ..services.lifts import lift_add

    K = Lift.Kind
    made = []
    for building in Building.objects.filter(community=community).order_by("sort_order", "name")[:8]:
        for name, kind in (("1号客梯", K.PASSENGER), ("2号货梯", K.FREIGHT), ("消防梯", K.FIRE), ("东侧楼梯", K.STAIRS)):
            made.append(lift_add(building=building, name=name, kind=kind, actor=manager))
    return made


def _hotwork(sites, users) -> int:
    from ..services import hotwork as hw

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
    from ..services import lifts as svc

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
