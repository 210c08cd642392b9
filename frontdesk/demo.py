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
