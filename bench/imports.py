"""Time the import's preview and confirm for 2,000-row rooms, people and vehicles files.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fd_import_bench .venv/bin/python bench/imports.py

Drops and recreates the database named in DATABASE_URL (must contain "bench"), migrates, creates a
community and a manager, then for each file: batch_create → batch_preview (refresh) → batch_confirm,
printing seconds and SQL queries for each pass.
"""
import io
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.chdir(ROOT)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ.setdefault("MEDIA_ROOT", "/tmp/fd_import_bench_media")
url = os.environ["DATABASE_URL"]
assert "bench" in url.rsplit("/", 1)[1]

import psycopg2  # noqa: E402

dbname = url.rsplit("/", 1)[1]
admin = psycopg2.connect(url.rsplit("/", 1)[0] + "/postgres")
admin.autocommit = True
with admin.cursor() as cur:
    cur.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
    cur.execute(f'CREATE DATABASE "{dbname}"')
admin.close()

import django  # noqa: E402

django.setup()
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import translation  # noqa: E402

call_command("migrate", verbosity=0)

from core.models import Role, User  # noqa: E402
from frontdesk.bench_data import DemoFaker  # noqa: E402
from frontdesk.models import Community, Occupancy, Person, Unit, Vehicle  # noqa: E402

translation.activate("zh-hans")
fake = DemoFaker(seed=11)
community = Community.objects.create(name="基准小区", code="BM")
user = User.objects.create(username="bench_mgr", role=Role.MANAGER, full_name="经理")
community.staff.add(user)


def csv_bytes(rows):
    return "\r\n".join(",".join(str(c) for c in row) for row in rows).encode("utf-8-sig")


from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

setup_test_environment()  # testserver host; response.context
client = Client()
client.force_login(user)
reverse("frontdesk:unit_list")  # import the URLconf (and WeasyPrint) before timing, as a running server has


def run(label, kind, rows):
    """The clerk's path: upload (parse + store), preview page (check every row), confirm (check + write)."""
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(1)
        return execute(sql, params, many, context)

    figures = []

    def step(name, call):
        queries.clear()
        with connection.execute_wrapper(count):
            start = time.perf_counter()
            response = call()
            figures.append((name, time.perf_counter() - start, len(queries)))
        return response

    upload = step("upload", lambda: client.post(reverse("frontdesk:import_upload"), {
        "community": community.pk, "kind": kind, "file": SimpleUploadedFile(f"{kind}.{FORMAT}", csv_bytes(rows))}))
    assert upload.status_code == 302, upload
    preview_url = upload["Location"]
    preview = step("preview", lambda: client.get(preview_url))
    result = preview.context["result"]
    if result.error_count:
        print("  errors:", [(r.number, [e.message for e in r.errors]) for r in result.error_rows[:5]])
    batch_id = preview_url.rstrip("/").split("/")[-1]
    confirm = step("confirm", lambda: client.post(reverse("frontdesk:import_confirm", args=[batch_id])))
    assert confirm.status_code == 302 and "preview" not in confirm["Location"], confirm
    print(f"{label:<30} " + "  ".join(f"{n} {t:5.2f} s ({q} q)" for n, t, q in figures)
          + f"  {dict(result.counts)}")


# 0. optionally, a big archive already there (ARCHIVE=20000: rooms in buildings 31.., an owner each + 50 % more people)
ARCHIVE = int(os.environ.get("ARCHIVE", "0"))
if ARCHIVE:
    import datetime
    from decimal import Decimal

    from frontdesk.models import Building, Entrance
    t0 = time.perf_counter()
    buildings = Building.objects.bulk_create([Building(community=community, name=str(31 + b), sort_order=31 + b)
                                              for b in range(ARCHIVE // 400 + 1)])
    entrances = Entrance.objects.bulk_create([Entrance(building=b, name=str(e)) for b in buildings for e in (1, 2)])
    units = Unit.objects.bulk_create([
        Unit(community=community, building=entrances[i // 200].building, entrance=entrances[i // 200],
             number=f"{(i % 200) // 4 + 1}{i % 4 + 1:02d}", area=Decimal("90"),
             code=Unit.make_code(entrances[i // 200].building.name, entrances[i // 200].name,
                                 f"{(i % 200) // 4 + 1}{i % 4 + 1:02d}"))
        for i in range(ARCHIVE)])
    people = Person.objects.bulk_create([Person(community=community, name=fake.name(), phone=fake.phone(),
                                                id_number=fake.resident_id()) for _ in range(ARCHIVE * 3 // 2)])
    Occupancy.objects.bulk_create([
        Occupancy(community=community, unit=units[i % ARCHIVE], person=person,
                  kind="owner" if i < ARCHIVE else "resident", share=Decimal("100") if i < ARCHIVE else None,
                  start_date=datetime.date(2020, 1, 1)) for i, person in enumerate(people)])
    print(f"archive preloaded: {ARCHIVE} rooms, {len(people)} people in {time.perf_counter() - t0:.1f} s")

FORMAT = os.environ.get("FORMAT", "csv")
if FORMAT == "xlsx":
    from openpyxl import Workbook

    def csv_bytes(rows):  # noqa: F811 - the same rows as an Excel workbook
        workbook = Workbook()
        for row in rows:
            workbook.active.append([str(c) for c in row])
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()

N = int(os.environ.get("ROWS", "2000"))

# 1. rooms: 2 buildings x 2 entrances x 100 floors x 5 rooms
rooms = [["楼栋", "单元", "房号", "楼层", "建筑面积", "用途"]]
for b in (1, 2):
    for e in (1, 2):
        rooms += [[b, e, f"{f}{n:02d}", f, str(fake.area()), ""] for f in range(1, N // 20 + 1) for n in range(1, 6)]
run(f"rooms ({N:,}; new buildings)", "units", rooms)

# 2. people: an owner per room (a quarter with two 50 % owners), residents, tenants
codes = list(Unit.objects.filter(community=community, building__name__in=["1", "2"])
             .order_by("code").values_list("code", flat=True))
people = [["房号", "身份", "姓名", "证件类型", "证件号码", "手机", "产权比例", "入住日期"]]
i = 0
while len(people) <= N:
    code = codes[i % len(codes)]
    if i < len(codes):
        people.append([code, "业主", fake.name(), "身份证", fake.resident_id(), fake.phone(),
                       "50" if i % 4 == 0 else "", "2024-03-01"])
        if i % 4 == 0:
            people.append([code, "业主", fake.name(), "身份证", fake.resident_id(), fake.phone(), "50", "2024-03-01"])
    else:
        people.append([code, "住户" if i % 3 else "租户", fake.name(), "", fake.resident_id(), fake.phone(), "", ""])
    i += 1
people = people[:N + 1]
run(f"people ({N:,}; new people)", "people", people)

# 3. people again, other rooms: half of them already in the archive (reused by ID number)
existing = list(Person.objects.filter(community=community).order_by("-id")[:N // 2])
people2 = [people[0]]
for n, person in enumerate(existing[:N // 2]):
    people2.append([codes[(n + 7) % len(codes)], "住户", person.name, "身份证", person.id_number, "", "", ""])
for n in range(N - N // 2):
    people2.append([codes[(n + 11) % len(codes)], "租户", fake.name(), "", fake.resident_id(), fake.phone(), "", ""])
run(f"people ({N:,}; {N // 2:,} reused)", "people", people2)

# 4. vehicles
vehicles = [["车牌", "房号", "车主姓名", "车辆描述"]]
occupants = list(Occupancy.objects.filter(community=community, kind="owner", unit__code__in=codes)
                 .select_related("unit", "person")[:N])
plates = set()
for occ in occupants:
    plate = fake.plate()[0]
    while plate in plates:
        plate = fake.plate()[0]
    plates.add(plate)
    vehicles.append([plate, occ.unit.code, occ.person.name, "白色轿车"])
run(f"vehicles ({N:,})", "vehicles", vehicles)
print("archive:", {"units": Unit.objects.count(), "people": Person.objects.count(),
                   "occupancies": Occupancy.objects.count(), "vehicles": Vehicle.objects.count()})
