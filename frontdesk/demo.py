"""Frontdesk demo data: two communities, 20 buildings, 2,000 rooms, owners, tenants, vehicles, and one
account per role. Registered as a demo loader (core.demo); run by ``manage.py seed_demo``."""

import datetime

import pghistory
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from core.models import Role
from core.notifications import notify

from .bench_data import DemoFaker
from .models import Building, Community, Entrance, Occupancy, ParkingSpace, Person, TenantAuthorization, Unit, Vehicle

PASSWORD = "Demo@2026"
ACCOUNTS = [
    ("clerk", Role.CLERK, "陈静", ("CH", "JX")),
    ("clerk2", Role.CLERK, "李娜", ("JX",)),
    ("cashier", Role.CASHIER, "王芳", ("CH", "JX")),
    ("supervisor", Role.SUPERVISOR, "赵敏", ("CH", "JX")),
    ("manager", Role.MANAGER, "刘建国", ("CH", "JX")),
    ("engineer", Role.ENGINEER, "张强", ("CH", "JX")),
    ("admin", Role.ADMIN, "系统管理员", ("CH", "JX")),
    ("guard", Role.GUARD, "孙卫东", ("CH", "JX")),  # 门岗: only the gate's check pages
]
COMMUNITIES = [("CH", "翠湖花园", "深圳市南山区翠湖路 88 号", "0755-26881234"),
               ("JX", "锦绣家园", "深圳市福田区锦绣路 16 号", "0755-83215678")]
BUILDINGS_PER_COMMUNITY = 10
ENTRANCES = ("1", "2")
FLOORS = 25
UNITS_PER_FLOOR = 2


def load(stdout):
    if Community.objects.filter(code="CH").exists():
        stdout.write("Frontdesk demo data already loaded.")
    else:
        with transaction.atomic(), pghistory.context(source="seed_demo"):
            _load()
        stdout.write("Frontdesk demo data loaded.")
    _accounts()


def accounts_banner() -> list[str]:
    return [f"  {username:<11} {Role(role).label} · {name}" for username, role, name, _codes in ACCOUNTS]

def _accounts():
    User = get_user_model()
    communities = {c.code: c for c in Community.objects.all()}
    for username, role, name, codes in ACCOUNTS:
        user, created = User.objects.get_or_create(username=username, defaults={"role": role, "full_name": name})
        if created:
            user.set_password(PASSWORD)
            user.is_staff = user.is_superuser = role == Role.ADMIN
            user.save()
            user.communities.set([communities[c] for c in codes if c in communities])
            notify(users=[user], title="欢迎使用物业服务中心前台系统",
                   body="扫描放行条或出入证上的二维码，或在首页输入编号查验。" if role == Role.GUARD
                   else "在任何页面顶部的查询框输入房号、姓名、电话尾号或车牌。")

def _load():
    fake = DemoFaker()
    today = timezone.localdate()
    for code, name, address, phone in COMMUNITIES:
        community = Community.objects.create(code=code, name=name, address=address, phone=phone)
        units = []
        for b in range(1, BUILDINGS_PER_COMMUNITY + 1):
            building = Building.objects.create(community=community, name=str(b), sort_order=b)
            for e in ENTRANCES:
                entrance = Entrance.objects.create(building=building, name=e)
                for floor in range(1, FLOORS + 1):
                    for u in range(1, UNITS_PER_FLOOR + 1):
                        number = f"{floor}{u:02d}"
                        units.append(Unit(community=community, building=building, entrance=entrance, number=number,
                                          floor=floor, area=fake.area(), code=Unit.make_code(str(b), e, number)))
        units = Unit.objects.bulk_create(units)
        _people(community, units, fake, today)

def _people(community, units, fake, today):
    rng = fake.rng
    people, occupancies, tenancies = [], [], []
    for unit in units:
        roll = rng.random()
        if roll < 0.04:
            continue  # unsold / vacant
        start = today - datetime.timedelta(days=rng.randint(60, 3650))
        owners = [Person(community=community, name=fake.name(), phone=fake.phone(), id_number=fake.resident_id())
                  for _ in range(2 if rng.random() < 0.3 else 1)]
        share = 100 // len(owners)
        for owner in owners:
            people.append(owner)
            occupancies.append(Occupancy(community=community, unit=unit, person=owner, kind=Occupancy.Kind.OWNER,
                                         share=share, start_date=start))
        if rng.random() < 0.15:  # let to a tenant
            tenant = Person(community=community, name=fake.name(), phone=fake.phone(), id_number=fake.resident_id(1970, 2002))
            people.append(tenant)
            tenancy = Occupancy(community=community, unit=unit, person=tenant, kind=Occupancy.Kind.TENANT,
                                start_date=today - datetime.timedelta(days=rng.randint(10, 700)))
            occupancies.append(tenancy)
            tenancies.append((tenancy, owners[0]))
        elif rng.random() < 0.5:  # family member living with the owner
            resident = Person(community=community, name=fake.name(), phone=fake.phone() if rng.random() < 0.7 else "",
                              id_number=fake.resident_id(1945, 2015))
            people.append(resident)
            occupancies.append(Occupancy(community=community, unit=unit, person=resident, kind=Occupancy.Kind.RESIDENT,
                                         relationship=rng.choice(["spouse", "child", "parent"]), start_date=start))
    Person.objects.bulk_create(people)
    for occupancy in occupancies:
        occupancy.person_id = occupancy.person.pk
    Occupancy.objects.bulk_create(occupancies)
    TenantAuthorization.objects.bulk_create([
        TenantAuthorization(community=community, tenancy=tenancy, owner=owner, valid_from=tenancy.start_date,
                            valid_to=tenancy.start_date + datetime.timedelta(days=365), scopes=["fees", "repairs", "services"],
                            document_ref=f"WT-{tenancy.pk:05d}")
        for tenancy, owner in tenancies
    ])
    owner_by_unit = {o.unit_id: o.person for o in occupancies if o.kind == Occupancy.Kind.OWNER}
    vehicles = []
    for unit in units:
        if unit.pk in owner_by_unit and rng.random() < 0.45:
            plate, new_energy = fake.plate()
            vehicles.append(Vehicle(community=community, plate=plate, is_new_energy=new_energy, unit=unit,
                                    owner=owner_by_unit[unit.pk],
                                    description=rng.choice(["白色大众", "黑色丰田", "银色比亚迪", "红色特斯拉", "灰色本田"])))
    Vehicle.objects.bulk_create(vehicles)
    ParkingSpace.objects.bulk_create([
        ParkingSpace(community=community, code=f"B1-{i + 1:03d}", kind=rng.choice(["owned", "rented"]),
                     unit=v.unit, vehicle=v)
        for i, v in enumerate(vehicles[:300])
    ])


# ---- slips (issue 11) ----
def load_slips(stdout):
    """Release slips in every state in 翠湖花园 (awaiting the supervisor, awaiting the manager, in effect today,
    released, expired unused, void), and a gate guard account ``guard`` (门岗) for the gate check."""
    from .models import ReleaseSlip

    User = get_user_model()
    guard, created = User.objects.get_or_create(username="guard", defaults={"role": Role.GUARD, "full_name": "孙卫东"})
    if created:
        guard.set_password(PASSWORD)
        guard.save()
        guard.communities.set(Community.objects.filter(code__in=["CH", "JX"]))
    community = Community.objects.filter(code="CH").first()
    if community is None or ReleaseSlip.objects.filter(community=community).exists():
        stdout.write("Release slip demo data already loaded.")
        return
    with pghistory.context(source="seed_demo"):
        _slips(community, guard)
    stdout.write("Release slip demo data loaded (gate guard: guard).")


def _slips(community, guard):
    from .services import slips as services

    User = get_user_model()
    clerk, supervisor, manager = (User.objects.get(username=n) for n in ("clerk", "supervisor", "manager"))
    now = timezone.now()
    today = timezone.localdate(now)
    tenancies = list(Occupancy.objects.filter(community=community, kind=Occupancy.Kind.TENANT, end_date__isnull=True)
                     .select_related("unit", "person").order_by("unit__code")[:3])
    owned = list(Occupancy.objects.filter(community=community, kind=Occupancy.Kind.OWNER, end_date__isnull=True)
                 .select_related("unit", "person").order_by("-unit__code")[:6])

    def owner_of(unit):
        return Occupancy.objects.filter(unit=unit, kind=Occupancy.Kind.OWNER, end_date__isnull=True).first().person

    items = [{"name": "双人床", "quantity": 1, "description": "拆开打包"}, {"name": "纸箱", "quantity": 12,
                                                                        "description": "衣物、书籍"}]
    common = {"carrier_name": "王师傅", "carrier_id_type": "resident_id", "carrier_id_number": "440301198506154316",
              "vehicle_plate": "粤B6K218", "items": items}

    def by_owner(occ, **kwargs):
        return services.slip_issue(unit=occ.unit, applicant_kind="owner", applicant=occ.person, actor=clerk,
                                   **{**common, **kwargs})

    def sign(slip, when=None):
        slip = services.slip_supervisor_sign(slip=slip, password=PASSWORD, actor=supervisor, now=when)
        if slip.status == "pending_manager":
            slip = services.slip_manager_approve(slip=slip, password=PASSWORD, actor=manager, now=when)
        return slip

    # awaiting the supervisor: a tenant with the owner's recorded phone call
    if tenancies:
        t = tenancies[0]
        services.slip_issue(unit=t.unit, applicant_kind="tenant", applicant=t.person, consent="phone",
                            consent_owner=owner_of(t.unit), consent_phone="13800138000",
                            consent_at=now - datetime.timedelta(minutes=20), reason="moving", valid_on=today,
                            actor=clerk, **common)
    # awaiting the manager: a renovation lead with the owner's letter on file
    slip = services.slip_issue(unit=owned[0].unit, applicant_kind="lead", applicant_name="周立新",
                               applicant_phone="13925001234", consent="written", consent_owner=owned[0].person,
                               consent_letter_ref="委托书 2026-031", reason="renovation_waste", valid_on=today,
                               actor=clerk, **{**common, "items": [{"name": "装修垃圾", "quantity": 20,
                                                                    "description": "编织袋装"}]})
    services.slip_supervisor_sign(slip=slip, password=PASSWORD, actor=supervisor)
    # in effect today, and one for tomorrow
    sign(by_owner(owned[1], reason="repair_return", valid_on=today,
                  items=[{"name": "空调室内机", "quantity": 1, "description": "返厂维修"}]))
    sign(by_owner(owned[2], reason="other", reason_other="捐赠旧家具", valid_on=today + datetime.timedelta(days=1)))
    # released by the gate this morning
    used = sign(by_owner(owned[3], reason="moving", valid_on=today))
    services.slip_mark_used(slip=used, actor=guard)
    # issued two days ago and never used: expired by the nightly task
    before = now - datetime.timedelta(days=2)
    old = services.slip_issue(unit=owned[4].unit, applicant_kind="owner", applicant=owned[4].person, actor=clerk,
                              reason="moving", valid_on=timezone.localdate(before), now=before, **common)
    sign(old, when=before)
    services.slips_expire(now=now)
    # void: the owner changed the day
    void = by_owner(owned[5], reason="moving", valid_on=today)
    services.slip_void(slip=void, reason="业主改期，重新开具", actor=clerk)
    # a tenant with a written authorisation on file, if any covers goods release
    if len(tenancies) > 1:
        t = tenancies[1]
        TenantAuthorization.objects.get_or_create(
            community=community, tenancy=t, owner=owner_of(t.unit), valid_from=today - datetime.timedelta(days=30),
            valid_to=today + datetime.timedelta(days=335), scopes=["goods_release", "fees"],
            defaults={"document_ref": "授权书 2026-118", "created_by": clerk})
        sign(services.slip_issue(unit=t.unit, applicant_kind="tenant", applicant=t.person, consent="written",
                                 reason="moving", valid_on=today, actor=clerk, **common))


# ---- visitors (issue 11) ----
def load_visitors(stdout):
    """The visitor register in every state (翠湖花园): on site (one since yesterday, found by a sweep),
    expected today, asking the owner, agreed and waiting, turned away, no answer, left, did not come, voided."""
    from .models import Visitor

    community = Community.objects.filter(code="CH").first()
    if community is None or Visitor.objects.filter(community=community).exists():
        stdout.write("Visitor demo data already loaded.")
        return
    with transaction.atomic(), pghistory.context(source="seed_demo"):
        _load_visitors(community)
    stdout.write("Visitor demo data loaded.")


def _load_visitors(community):
    from .models import Visitor
    from .services import visitors as services

    clerk = get_user_model().objects.get(username="clerk")
    units = list(Unit.objects.filter(community=community).select_related("building").order_by("code")[:14])
    now = timezone.now()
    today = timezone.localtime(now).replace(hour=8, minute=30, second=0, microsecond=0)
    yesterday = today - datetime.timedelta(days=1)
    fake = DemoFaker(seed=311)
    expected, unexpected = Visitor.Kind.EXPECTED, Visitor.Kind.UNEXPECTED

    def register(unit, kind, at, **fields):
        fields.setdefault("name", fake.name())
        fields.setdefault("phone", fake.phone())
        if kind == expected:
            fields.setdefault("called_by", "业主")
        return services.visitor_register(unit=unit, kind=kind, actor=clerk, now=at, **fields)

    def let_in(visitor, at):
        return services.visitor_time_in(visitor=visitor, actor=clerk, now=at)

    def agree(visitor, at, answer=Visitor.Answer.AGREED, note=""):
        return services.visitor_record_answer(visitor=visitor, asked_person="业主", answer=answer, note=note,
                                              actor=clerk, now=at)

    hour = datetime.timedelta(hours=1)
    # yesterday: two came and left, one stayed overnight (the evening sweep found them), one never came
    for i in range(2):
        v = register(units[i], expected, yesterday, expected_at=yesterday + 2 * hour, people_count=2, purpose="探亲")
        v = let_in(v, yesterday + 2 * hour)
        services.visitor_time_out(visitor=v, actor=clerk, now=yesterday + 5 * hour)
    overnight = register(units[2], expected, yesterday, expected_at=yesterday + 10 * hour, purpose="亲戚留宿",
                         plate=fake.plate()[0])
    let_in(overnight, yesterday + 10 * hour)
    services.visitor_sweep_record(community=community, actor=clerk, now=yesterday + 13 * hour,
                                  note="晚班交接前清点")
    register(units[3], expected, yesterday, expected_at=yesterday + 3 * hour, purpose="送东西")
    services.visitor_no_shows_sweep(now=today)
    # today: one expected visitor on site, one unexpected visitor let in after the owner agreed
    v = register(units[4], expected, today, expected_at=today + hour, people_count=3, plate=fake.plate()[0],
                 purpose="朋友聚会")
    let_in(v, today + hour)
    v = register(units[5], unexpected, today + hour, purpose="快递员上门取件")
    agree(v, today + hour + datetime.timedelta(minutes=3))
    let_in(v, today + hour + datetime.timedelta(minutes=5))
    # left this morning
    v = register(units[6], unexpected, today, purpose="家政保洁")
    agree(v, today + datetime.timedelta(minutes=2))
    v = let_in(v, today + datetime.timedelta(minutes=4))
    services.visitor_time_out(visitor=v, actor=clerk, now=today + 2 * hour)
    # awaited later today
    register(units[7], expected, today, expected_at=today + 8 * hour, people_count=2, plate=fake.plate()[0],
             purpose="看房")
    register(units[8], expected, today, expected_at=today + 10 * hour, purpose="维修空调（业主约的师傅）")
    # the clerk is asking the owner; another one agreed and waits at the desk
    register(units[9], unexpected, today + 2 * hour, purpose="自称业主朋友")
    v = register(units[10], unexpected, today + 2 * hour, purpose="送花")
    agree(v, today + 2 * hour + datetime.timedelta(minutes=2))
    # turned away: the owner refused; the owner could not be reached
    v = register(units[11], unexpected, today + hour, purpose="推销")
    agree(v, today + hour + datetime.timedelta(minutes=2), answer=Visitor.Answer.REFUSED, note="业主不认识此人")
    v = register(units[12], unexpected, today + hour, purpose="找业主")
    agree(v, today + hour + datetime.timedelta(minutes=4), answer=Visitor.Answer.NO_ANSWER, note="电话两次无人接听")
    # a wrong entry, voided
    v = register(units[13], expected, today, expected_at=today + 4 * hour, purpose="登记错房号")
    services.visitor_void(visitor=v, reason="房号登记错误，已重新登记", actor=clerk, now=today + hour)


# ---- parcels (issue 11) ----
PARCEL_SHELVES = ("A1", "A2", "A3", "B1", "B2", "C1", "地面")


def load_parcels(stdout):
    """Parcels in every state, through the real services: waiting (fresh, high value, reminded after N days),
    picked up by the addressee and by a proxy with an ID check, returned after M days, voided."""
    from django.utils import translation

    from .models import Parcel
    from .services import parcels as services

    ch = Community.objects.filter(code="CH").first()
    clerk = get_user_model().objects.filter(username="clerk").first()
    if ch is None or clerk is None:
        stdout.write("Parcels demo data skipped: load the frontdesk demo first.")
        return
    if Parcel.objects.filter(community=ch).exists():
        stdout.write("Parcels demo data already loaded.")
        return
    clerk2 = get_user_model().objects.filter(username="clerk2").first() or clerk
    now = timezone.now()
    carriers = [c for c in Parcel.Carrier.values if c != Parcel.Carrier.OTHER]
    count = 0
    with transaction.atomic(), pghistory.context(source="seed_demo"), translation.override("zh-hans"):
        for community, actor in ((ch, clerk), (Community.objects.filter(code="JX").first(), clerk2)):
            if community is None:
                continue
            owners = list(Occupancy.objects.filter(community=community, kind=Occupancy.Kind.OWNER, end_date__isnull=True)
                          .select_related("unit", "person").order_by("unit__code")[:40])
            for index, occupancy in enumerate(owners):
                days_ago = (0, 0, 1, 2, 4, 5, 6, 9, 16, 20)[index % 10]
                parcel = services.parcel_register(
                    actor=actor, unit=occupancy.unit, carrier=carriers[index % len(carriers)],
                    tracking_no=f"{community.code}{7_000_000_000 + index * 7919}",
                    size=Parcel.Size.values[index % len(Parcel.Size.values)], shelf=PARCEL_SHELVES[index % len(PARCEL_SHELVES)],
                    high_value=index % 7 == 3, addressee=occupancy.person if index % 3 == 0 else None,
                    now=now - datetime.timedelta(days=days_ago, hours=index % 5))
                count += 1
                if index % 10 == 1 and index % 20 != 1:  # a wrong entry, voided with the reason
                    services.parcel_void(actor=actor, parcel=parcel, reason="录错房号，已重新登记")
                elif index % 5 == 2 and days_ago < 3:  # collected by the addressee, signed on the paper register
                    services.parcels_pick_up(actor=actor, parcel_ids=[parcel.pk], collector=Parcel.Collector.ADDRESSEE,
                                             signed_on_paper=True, now=parcel.arrived_at + datetime.timedelta(hours=3))
                elif index % 7 == 3 and days_ago < 3:  # high value, collected by a proxy against an ID card
                    services.parcels_pick_up(actor=actor, parcel_ids=[parcel.pk], collector=Parcel.Collector.PROXY,
                                             collector_name="王小明", collector_id_type="resident_id",
                                             collector_id_number="11010519491231002X", signed_on_paper=True,
                                             now=parcel.arrived_at + datetime.timedelta(hours=5))
        # The beat's sweep: reminders after N days (once each), returns to the sender after M days.
        swept = services.parcels_sweep(now=now)
    stdout.write(f"Parcels demo data loaded: {count} parcels, {swept['reminded']} reminded, "
                 f"{swept['returned']} returned.")


# ---- keys (issue 11) ----
def load_keys(stdout):
    """Key custody demo: owners' keys and public keys in every state (in the cabinet, signed out to staff and to a
    contractor, overdue, returned to the owner, lost), written through the services with past times."""
    from .models import Key

    if Key.objects.exists() or not Community.objects.filter(code="CH").exists():
        stdout.write("Key custody demo data already loaded.")
        return
    with transaction.atomic(), pghistory.context(source="seed_demo"):
        for community in Community.objects.filter(code__in=["CH", "JX"]).order_by("code"):
            _keys(community)
    stdout.write("Key custody demo data loaded.")


def _keys(community):
    from django.contrib.auth import get_user_model

    from .models import Key, KeyMovement
    from .services import keys

    User = get_user_model()
    clerk = User.objects.filter(communities=community, role=Role.CLERK).order_by("username").first()
    engineer = User.objects.filter(communities=community, role=Role.ENGINEER).order_by("username").first()
    if clerk is None:
        return
    now = timezone.now()
    hour = datetime.timedelta(hours=1)
    owned = list(Occupancy.objects.filter(community=community, kind=Occupancy.Kind.OWNER, end_date__isnull=True)
                 .select_related("unit__building", "unit__entrance", "person").order_by("unit__code")[:40:5])
    purposes = [Key.Purpose.RENOVATION, Key.Purpose.VACANT, Key.Purpose.REPAIRS, Key.Purpose.OTHER]
    deposited = []
    for i, occupancy in enumerate(owned[:7]):
        deposited.append(keys.key_deposit(
            unit=occupancy.unit, depositor=occupancy.person, purpose=purposes[i % len(purposes)],
            consent_ref=f"委托书 {community.code}-2026-{i + 1:03d}", tag_no=f"{community.code}-K{i + 1:03d}",
            envelope_no=f"F{i + 1:04d}", opens="入户门" if i % 3 else "入户门、信箱", quantity=1 + i % 2,
            actor=clerk, now=now - (30 - i) * 24 * hour))
    public = [keys.key_register_public(community=community, tag_no=f"{community.code}-G{i + 1:02d}", opens=opens,
                                       actor=clerk, now=now - 60 * 24 * hour)
              for i, opens in enumerate(["1栋水泵房", "3栋屋面门", "2栋配电房", "5栋水表间", "消防控制室备用"])]
    contractor = {"taker_kind": KeyMovement.Taker.CONTRACTOR, "name": "王师傅", "company": "安居装饰工程部",
                  "id_type": "resident_id", "id_number": "440305198805120015", "phone": "13922223333"}
    if len(deposited) >= 7:
        # signed out to a contractor, due back this evening
        keys.key_sign_out(key=deposited[0], reason="装修进场量房", due_back_at=now + 4 * hour, actor=clerk,
                          now=now - hour, **contractor)
        # overdue: signed out yesterday, due back last night
        keys.key_sign_out(key=deposited[1], reason="空置房开窗通风检查", due_back_at=now - 14 * hour, actor=clerk,
                          now=now - 20 * hour, **contractor)
        # signed out and back in
        keys.key_sign_out(key=deposited[2], reason="厨房水管维修", due_back_at=now - 47 * hour, actor=clerk,
                          now=now - 50 * hour, taker_kind=KeyMovement.Taker.STAFF, staff=engineer or clerk)
        keys.key_sign_in(key=deposited[2], returned_by_name=(engineer or clerk).display_name, actor=clerk,
                         now=now - 48 * hour)
        # returned to the owner at the end of the renovation
        keys.key_return_to_owner(key=deposited[3], person=deposited[3].depositor, id_checked=True, signed=True,
                                 actor=clerk, now=now - 5 * 24 * hour, note="装修完工，业主取回")
        # lost by a contractor
        keys.key_sign_out(key=deposited[4], reason="更换入户门锁芯报价", due_back_at=now - 70 * hour, actor=clerk,
                          now=now - 72 * hour, **contractor)
        keys.key_report_lost(key=deposited[4], reason="施工人员称钥匙在电梯厅遗失，已报保安部", actor=clerk,
                             now=now - 60 * hour)
    # public keys: the pump room out to the engineer (due back soon), the roof key overdue, one lost
    keys.key_sign_out(key=public[0], reason="水泵例行保养", due_back_at=now + 2 * hour, actor=clerk, now=now - hour,
                      taker_kind=KeyMovement.Taker.STAFF, staff=engineer or clerk)
    keys.key_sign_out(key=public[1], reason="屋面防水检查", due_back_at=now - 3 * hour, actor=clerk,
                      now=now - 6 * hour, taker_kind=KeyMovement.Taker.STAFF, staff=engineer or clerk)
    keys.key_report_lost(key=public[4], reason="盘点时发现缺失", actor=clerk, now=now - 10 * 24 * hour)


def load_summary(stdout):
    """The daily summary: the last 14 days frozen for every community (through the freeze service, from the
    sections the apps registered, so the archive, its PDFs and the charts have days to show), and one
    community freezing at 19:30 instead of 20:00. Idempotent: a frozen day is never written twice."""
    from .models import SummarySettings
    from .services.summary import summary_freeze

    today = timezone.localdate()
    now = timezone.now()
    for community in Community.objects.order_by("pk"):
        for back in range(14, 0, -1):
            summary_freeze(community=community, day=today - datetime.timedelta(days=back), now=now)
    ch = Community.objects.filter(code="CH").first()
    if ch is not None:
        SummarySettings.objects.get_or_create(community=ch, defaults={"freeze_at": datetime.time(19, 30)})
    stdout.write("Daily summary: the last 14 days frozen.")


# ---- survey (issue 13 §6) ----
DEMO_REMARKS = ("电梯里的广告太多", "晚上巡逻能否加强", "维修师傅很准时", "垃圾桶周边有异味", "希望增加微信缴费",
                "前台小王服务很耐心", "车库灯光太暗", "草坪修剪及时")


def load_survey(stdout):
    """Satisfaction survey demo: in each demo community the previous half-year's survey, closed with answers
    from about a third of the occupied rooms, and the current half-year's in progress (some answers in)."""
    from .models import Survey

    if Survey.objects.exists() or not Community.objects.filter(code="CH").exists():
        stdout.write("Satisfaction survey demo data already loaded.")
        return
    with transaction.atomic(), pghistory.context(source="seed_demo"):
        for community in Community.objects.filter(code__in=["CH", "JX"]).order_by("code"):
            _survey(community)
    stdout.write("Satisfaction survey demo data loaded.")


def _survey(community):
    from .models import SurveyResponse
    from .services import survey as services

    User = get_user_model()
    clerk = User.objects.filter(communities=community, role=Role.CLERK).order_by("username").first()
    boss = (User.objects.filter(communities=community, role__in=[Role.SUPERVISOR, Role.MANAGER])
            .order_by("role", "username").first())
    if clerk is None or boss is None:
        return
    now = timezone.now()
    today = timezone.localdate()
    half = 1 if today.month <= 6 else 2
    previous = (today.year - 1, 2) if half == 1 else (today.year, 1)
    day = datetime.timedelta(days=1)
    occupied = list(Occupancy.objects.filter(community=community, end_date__isnull=True)
                    .select_related("unit").order_by("unit__code", "kind", "id"))
    first_per_unit = {}
    for occupancy in occupied:
        first_per_unit.setdefault(occupancy.unit_id, occupancy)
    rooms = list(first_per_unit.values())
    channels = SurveyResponse.Channel.values
    for (year, which), share, age, bias in ((previous, 3, 150, 0), ((today.year, half), 9, 20, 1)):
        survey = services.survey_create(community=community, year=year, half=which, actor=boss, now=now - (age + 5) * day)
        asked = [q.pk for q in survey.questions.order_by("position", "id")]
        for i, occupancy in enumerate(rooms[::share]):
            answers = {}
            for j, qid in enumerate(asked):
                score = 5 - (i * 7 + j * 3 + bias * j) % 4 if (i + j) % 11 else None
                remark = DEMO_REMARKS[(i + 3 * j) % len(DEMO_REMARKS)] if (i * j) % 17 == 3 else ""
                answers[qid] = (score, remark)
            services.response_record(survey=survey, unit=occupancy.unit, respondent=occupancy.person,
                                     channel=channels[i % len(channels)], answers=answers, actor=clerk,
                                     comment="总体满意" if i % 9 == 0 else "", now=now - (age - i % 15) * day)
        if survey.year == previous[0] and survey.half == previous[1]:
            services.survey_close(survey=survey, note="调查完成，分析已上报部门领导", actor=boss, now=now - (age - 40) * day)


# ---- notices (issue 12 §4) ----
def load_notices(stdout):
    """Notices to residents in every state in 翠湖花园 and 锦绣: the default templates; a draft, one awaiting
    approval, one rejected, one withdrawn, one published and partly posted, one whose period is over with a
    copy still up (the desk's take-down reminder), one taken down; one with its SMS to the owners."""
    from .models import Notice

    if Notice.objects.exists() or not Community.objects.filter(code="CH").exists():
        stdout.write("Notice demo data already loaded.")
        return
    with transaction.atomic(), pghistory.context(source="seed_demo"):
        for community in Community.objects.filter(code__in=["CH", "JX"]).order_by("code"):
            _notices(community)
    stdout.write("Notice demo data loaded.")


def _notices(community):
    from .models import NoticePosting, NoticeTemplate
    from .services import notices as services

    User = get_user_model()
    staff = User.objects.filter(communities=community)
    clerk = staff.filter(role=Role.CLERK).order_by("username").first()
    supervisor = staff.filter(role=Role.SUPERVISOR).order_by("username").first()
    manager = staff.filter(role=Role.MANAGER).order_by("username").first() or supervisor
    if clerk is None or supervisor is None:
        return
    services.templates_seed(community=community, actor=manager)
    templates = {t.name: t for t in NoticeTemplate.objects.filter(community=community)}
    entrances = list(Entrance.objects.filter(building__community=community).select_related("building")
                     .order_by("building__sort_order", "building__name", "name")[:6])
    if not entrances:
        return
    ids = [e.pk for e in entrances]
    now = timezone.now()
    today = timezone.localdate(now)
    day = datetime.timedelta(days=1)

    def draft(name, values, start, end, at, chosen=ids[:3], sms=False):
        return services.notice_draft(community=community, template=templates[name], values=values, post_from=start,
                                     post_to=end, entrance_ids=chosen, send_sms=sms, actor=clerk, now=at)

    # taken down: posted last month, every copy down
    old = draft("消杀通知", {"date": f"{today - 30 * day:%m月%d日}", "start": "9:00", "end": "17:00",
                         "area": "各楼栋地下室及公共区域"}, today - 32 * day, today - 28 * day, now - 33 * day)
    services.notice_submit(notice=old, actor=clerk, now=now - 33 * day)
    services.notice_approve(notice=old, actor=supervisor, now=now - 33 * day + datetime.timedelta(hours=1))
    for posting in NoticePosting.objects.filter(notice=old):
        services.posting_record(posting=posting, actor=clerk, now=now - 32 * day)
    for posting in NoticePosting.objects.filter(notice=old):
        services.posting_take_down(posting=posting, actor=clerk, now=now - 27 * day)
    # period over, one copy still up: the beat reminds the desk
    lift = draft("电梯维保", {"date": f"{today - 3 * day:%m月%d日}", "start": "9:00", "end": "12:00",
                          "area": f"{entrances[0].building.name}栋"}, today - 4 * day, today - day, now - 5 * day,
                 chosen=ids[:2])
    services.notice_submit(notice=lift, actor=clerk, now=now - 5 * day)
    services.notice_approve(notice=lift, actor=manager, now=now - 5 * day + datetime.timedelta(hours=2))
    for posting in NoticePosting.objects.filter(notice=lift):
        services.posting_record(posting=posting, actor=clerk, now=now - 4 * day)
    first = NoticePosting.objects.filter(notice=lift).order_by("pk").first()
    services.posting_take_down(posting=first, actor=clerk, now=now - datetime.timedelta(hours=3))
    # published now, partly posted, SMS to the owners
    water = draft("停水通知", {"date": f"{today + 2 * day:%m月%d日}", "start": "8:00", "end": "18:00",
                           "area": "全小区"}, today, today + 3 * day, now - datetime.timedelta(hours=5), sms=True)
    services.notice_submit(notice=water, actor=clerk, now=now - datetime.timedelta(hours=5))
    services.notice_approve(notice=water, actor=supervisor, now=now - datetime.timedelta(hours=4))
    services.notice_sms_batch(notice_id=water.pk)
    first = NoticePosting.objects.filter(notice=water).order_by("pk").first()
    services.posting_record(posting=first, actor=clerk, now=now - datetime.timedelta(hours=3))
    # awaiting approval
    power = draft("停电通知", {"date": f"{today + 5 * day:%m月%d日}", "start": "13:00", "end": "16:00",
                           "area": f"{entrances[-1].building.name}栋"}, today + day, today + 5 * day,
                  now - datetime.timedelta(hours=2), chosen=ids[-2:])
    services.notice_submit(notice=power, actor=clerk, now=now - datetime.timedelta(hours=2))
    # a draft
    draft("缴费提醒", {"date": f"{today + 20 * day:%m月%d日}", "start": "8:30", "end": "17:30"}, today + day,
          today + 20 * day, now - datetime.timedelta(hours=1))
    # rejected with the reason
    festive = draft("节日温馨提示", {"date": "春节", "area": "小区内"}, today, today + 7 * day,
                    now - 2 * day)
    services.notice_submit(notice=festive, actor=clerk, now=now - 2 * day)
    services.notice_reject(notice=festive, reason="节日名称请写具体日期", actor=supervisor, now=now - day)
    # withdrawn with the reason
    cancelled = draft("停水通知", {"date": f"{today + day:%m月%d日}", "start": "9:00", "end": "11:00", "area": "1栋"},
                      today, today + day, now - 3 * day, chosen=ids[:1])
    services.notice_withdraw(notice=cancelled, reason="供水公司取消检修", actor=clerk, now=now - 2 * day)
