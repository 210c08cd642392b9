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
                   body="在任何页面顶部的查询框输入房号、姓名、电话尾号或车牌。")

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
