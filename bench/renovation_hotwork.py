"""Time the hot-work permits list, the lift and stair bookings list, the lift day board and the hot-work
permit PDF.

    python bench/renovation_hotwork.py [--sites 5000] [--permits 20000] [--bookings 50000] [--requests 30]
                                       [--database-url URL]

Database: ``fd_bench_hotwork`` on the server ``DATABASE_URL`` names (created when missing, migrated, the
renovation bench rows replaced). Builds (generator, ``build``): one community with ``--sites`` rooms
each with a renovation on site, four lifts per building, ``--permits`` hot-work permits in every state
and ``--bookings`` lift bookings over 60 days (never overlapping on one lift). Then, as a clerk of the
community with the test Client (``measure``): the permits list (default, status filter, search, page 50),
the bookings list (default, a day), the day board of a busy day; p50 / p95 / max ms and the SQL queries
per request (target: ≤ 10 queries whatever the page), and the permit PDF (median warm, target ≤ 200 ms).
Exit status 1 when a target is missed (``--no-fail`` to always exit 0).
"""

import argparse
import datetime
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

QUERY_TARGET = 10
PDF_TARGET_MS = 200.0
STATES = ["review", "approval", "issued", "expired", "closed", "rejected", "withdrawn"]


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sites", type=int, default=5000)
    p.add_argument("--permits", type=int, default=20000)
    p.add_argument("--bookings", type=int, default=50000)
    p.add_argument("--requests", type=int, default=30)
    p.add_argument("--database-url", default=None)
    p.add_argument("--no-fail", action="store_true")
    return p.parse_args(argv)


def pct(values, q):
    s = sorted(values)
    return s[max(0, min(len(s) - 1, round(q / 100 * len(s) + 0.5) - 1))]


def build(*, sites: int, permits: int, bookings: int, log=print) -> dict:
    """The data set, written in bulk (bench data: the rows are those the services would write)."""
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from core.models import Role
    from frontdesk.models import Building, Community, Entrance, Person, Unit
    from renovation.models import HotWorkPermit, Lift, LiftBooking, Renovation

    User = get_user_model()
    started = time.perf_counter()
    now = timezone.now()
    today = timezone.localdate()
    tz = timezone.get_current_timezone()
    with transaction.atomic():
        community = Community.objects.create(name=f"动火基准小区{now:%H%M%S%f}", code=f"H{now:%M%S%f}"[:10])
        clerk = User.objects.create(username=f"hw_bench_{community.pk}", role=Role.CLERK, full_name="基准前台")
        clerk.set_password("bench-2026")
        clerk.save()
        community.staff.add(clerk)
        n_buildings = max(1, sites // 200)
        buildings = Building.objects.bulk_create([Building(community=community, name=str(i + 1), sort_order=i)
                                                  for i in range(n_buildings)])
        entrances = Entrance.objects.bulk_create([Entrance(building=b, name="1") for b in buildings])
        units = Unit.objects.bulk_create([
            Unit(community=community, building=buildings[i % n_buildings], entrance=entrances[i % n_buildings],
                 number=f"{i // n_buildings + 101}", area=90, code=f"{i % n_buildings + 1}-1-{i // n_buildings + 101}")
            for i in range(sites)], batch_size=2000)
        people = Person.objects.bulk_create([Person(community=community, name=f"业主{i}", phone=f"139{i:08d}")
                                             for i in range(sites)], batch_size=2000)
        renovations = Renovation.objects.bulk_create([
            Renovation(community=community, unit=u, number=f"ZXB{i:07d}", applicant_kind="owner", owner=p,
                       applicant=p, company="基准装饰", lead_name="李师傅", lead_phone="13900002222",
                       planned_start=today - datetime.timedelta(days=30), planned_end=today + datetime.timedelta(days=60),
                       scope=["walls"], agreement_accepted_at=now, agreement_accepted_by=clerk, status="in_progress",
                       permit_year=today.year, permit_seq=i + 1, permit_number=f"ZX{today.year}{i + 1:07d}",
                       permit_valid_from=today - datetime.timedelta(days=30),
                       permit_valid_to=today + datetime.timedelta(days=60), created_by=clerk, created_at=now,
                       status_changed_at=now)
            for i, (u, p) in enumerate(zip(units, people, strict=True))], batch_size=2000)
        lifts = Lift.objects.bulk_create([
            Lift(community=community, building=b, name=name, kind=kind, created_by=clerk, created_at=now)
            for b in buildings for name, kind in (("1号客梯", "passenger"), ("2号货梯", "freight"), ("消防梯", "fire"),
                                                  ("楼梯", "stairs"))])
        issued_seq = 0
        rows = []
        for i in range(permits):
            state = STATES[i % len(STATES)]
            day = today + datetime.timedelta(days=(i % 60) - 30)
            start = datetime.datetime.combine(day, datetime.time(8 + i % 8), tzinfo=tz)
            numbered = state in ("issued", "expired", "closed")
            if numbered:
                issued_seq += 1
            rows.append(HotWorkPermit(
                community=community, renovation=renovations[i % sites], applicant_kind="lead", applicant_name="李师傅",
                location="阳台", work="焊接护栏", work_date=day, start_time=start.time(),
                end_time=(start + datetime.timedelta(hours=2)).time(), starts_at=start,
                ends_at=start + datetime.timedelta(hours=2), welder_name=f"焊工{i}", welder_certificate_no=f"T{i}",
                fire_watcher_name="赵刚", fire_watcher_phone="13700002000", extinguishers_checked=True,
                extinguisher_count=2, status=state, year=today.year if numbered else None,
                seq=issued_seq if numbered else None, number=f"DH{today.year}{issued_seq:05d}" if numbered else "",
                closeout_at=now if state == "closed" else None, created_by=clerk, created_at=now,
                status_changed_at=now))
        HotWorkPermit.objects.bulk_create(rows, batch_size=2000)
        rows = []
        per_lift_day = 8  # 08:00-16:00, one hour each
        for i in range(bookings):
            lift = lifts[i % len(lifts)]
            slot = i // len(lifts)
            day = today + datetime.timedelta(days=(slot // per_lift_day) % 60 - 30)
            start = datetime.datetime.combine(day, datetime.time(8 + slot % per_lift_day), tzinfo=tz)
            if slot >= 60 * per_lift_day:
                break  # every slot of the 60 days is taken on this lift
            unit = units[(i * 7) % sites]
            rows.append(LiftBooking(
                community=community, lift=lift, unit=unit, applicant_kind="owner", applicant_name="业主",
                applicant_phone="13900001111", items="瓷砖", starts_at=start, ends_at=start + datetime.timedelta(hours=1),
                undertaking_received_at=now, status="booked", created_by=clerk, created_at=now, status_changed_at=now))
        LiftBooking.objects.bulk_create(rows, batch_size=2000)
    log(f"built in {time.perf_counter() - started:.1f} s: {sites} sites, {len(lifts)} lifts, {permits} permits, "
        f"{len(rows)} bookings")
    return {"community": community, "clerk": clerk, "today": today,
            "issued": HotWorkPermit.objects.filter(community=community, status="issued").first()}


def measure(data, *, requests: int = 30, log=print) -> dict:
    """Figures per case: {name: (p50 ms, p95 ms, max ms, queries)}; and ``pdf`` (median ms)."""
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    client = Client()
    client.force_login(data["clerk"])
    day = f"{data['today']:%Y-%m-%d}"
    cases = {
        "hotwork list": (reverse("renovation:hotwork_list"), {}),
        "hotwork list status=issued": (reverse("renovation:hotwork_list"), {"status": "issued"}),
        "hotwork list search": (reverse("renovation:hotwork_list"), {"q": "焊工12"}),
        "hotwork list page 50": (reverse("renovation:hotwork_list"), {"page": "50"}),
        "bookings list": (reverse("renovation:lift_booking_list"), {}),
        "bookings list one day": (reverse("renovation:lift_booking_list"), {"day": day}),
        "day board": (reverse("renovation:lift_board"), {"day": day, "community": data["community"].pk}),
    }
    figures = {}
    for name, (url, params) in cases.items():
        for _ in range(3):
            client.get(url, params)
        times = []
        reset_queries()  # a full query log (its deque at maxlen) would capture nothing
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url, params)
        queries = len(ctx.captured_queries)  # now: the property reads the live log, reset by the next request
        assert response.status_code == 200, (name, response.status_code)
        for _ in range(requests):
            reset_queries()
            t = time.perf_counter()
            client.get(url, params)
            times.append((time.perf_counter() - t) * 1000)
        figures[name] = (pct(times, 50), pct(times, 95), max(times), queries)
        log(f"{name:<30} p50 {figures[name][0]:7.1f} ms  p95 {figures[name][1]:7.1f} ms  "
            f"max {figures[name][2]:7.1f} ms  queries {figures[name][3]}")
    pdf_url = reverse("renovation:hotwork_pdf", args=[data["issued"].pk])
    client.get(pdf_url)
    pdf_times = []
    for _ in range(max(5, requests // 3)):
        t = time.perf_counter()
        assert client.get(pdf_url).status_code == 200
        pdf_times.append((time.perf_counter() - t) * 1000)
    figures["pdf"] = statistics.median(pdf_times)
    log(f"{'hot-work permit PDF':<30} median {figures['pdf']:7.1f} ms (warm)")
    return figures


def missed(figures) -> list[str]:
    out = [f"{name}: {q} queries" for name, value in figures.items() if name != "pdf"
           for q in [value[3]] if q > QUERY_TARGET]
    if figures["pdf"] > PDF_TARGET_MS:
        out.append(f"PDF {figures['pdf']:.0f} ms")
    return out


def main(argv=None) -> int:
    args = parse_args(argv)
    from db import bench_url, ensure_database, setup_django_for_timing

    url = bench_url(args.database_url, "fd_bench_hotwork")
    ensure_database(url)
    setup_django_for_timing(url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    data = build(sites=args.sites, permits=args.permits, bookings=args.bookings)
    figures = measure(data, requests=args.requests)
    problems = missed(figures)
    print("targets missed: " + "; ".join(problems) if problems else "all targets met")
    return 1 if problems and not args.no_fail else 0


if __name__ == "__main__":
    sys.exit(main())
