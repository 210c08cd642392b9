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
