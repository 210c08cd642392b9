"""Time the 管家's daily round sheet (``renovation:round_sheet``) with 5,000 active renovation sites.

    python bench/renovation_rounds.py [--units 100000] [--sites 5000] [--requests 40] [--reuse] [--database-url URL]

Database: ``fd_bench_renovation`` on ``DATABASE_URL``'s server (bench/db.py). Builds the frontdesk data set
(bench/generate.py: ``--units`` units in ``--communities`` communities; ``--reuse`` keeps the one there),
then ``generate_sites``: ``--sites`` renovations under way (装修中, a few 待验收) spread over the
communities' owner-occupied rooms, each with its deposit-free permit, ``--history`` past inspections per
site over the last weeks, about half of them inspected today, one in five with one or two open
violations. Loaded with the ORM's ``bulk_create`` under ``session_replication_role = replica`` (the
history triggers off: a bench-only shortcut, as bench/generate.py does).

As the clerk ``bench`` (every community) it requests the round sheet with the test Client for: the first
page of the biggest community, a page deep in it, "not inspected today" only, a room search; prints
p50 / p95 / max in ms and the SQL queries per request (targets: p95 ≤ 150 ms, ≤ 10 queries). Exit status 1
when a target is missed (``--no-fail`` to always exit 0).
"""

import argparse
import datetime
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

P95_TARGET_MS = 150.0
QUERY_TARGET = 10


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--units", type=int, default=100_000)
    p.add_argument("--communities", type=int, default=5)
    p.add_argument("--sites", type=int, default=5_000)
    p.add_argument("--history", type=int, default=10, help="past inspections per site")
    p.add_argument("--requests", type=int, default=40, help="timed requests per case")
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--reuse", action="store_true", help="keep the frontdesk data set already in the database")
    p.add_argument("--keep-sites", action="store_true", help="with --reuse: keep the sites already generated")
    p.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE of the slowest query of each case")
    p.add_argument("--database-url", default=None)
    p.add_argument("--no-fail", action="store_true")
    return p.parse_args(argv)


def pct(values, q):
    s = sorted(values)
    k = max(0, min(len(s) - 1, round(q / 100 * len(s) + 0.5) - 1))
    return s[k]


def generate_sites(*, sites: int, history: int, actor, seed: int = 7, now=None) -> dict:
    """``sites`` active renovations on owner-occupied rooms without one, with inspections and violations
    (see the module's docstring). Returns counts. Call inside a transaction."""
    from django.db import connection
    from django.utils import timezone

    from frontdesk.models import Occupancy
    from renovation.models import CheckItem, Renovation, SiteInspection, Violation

    rng = random.Random(seed)
    now = now or timezone.now()
    today = timezone.localdate(now)
    with connection.cursor() as cur:
        cur.execute("SET LOCAL session_replication_role = replica")
    busy = Renovation.objects.exclude(status__in=Renovation.FINISHED_STATUSES).values("unit")
    owners = list(Occupancy.objects.filter(kind=Occupancy.Kind.OWNER, end_date__isnull=True)
                  .exclude(unit__in=busy).order_by("unit_id").distinct("unit_id")
                  .values_list("unit_id", "unit__community_id", "person_id")[: sites * 3])
    chosen = rng.sample(owners, min(sites, len(owners)))
    checks = list(CheckItem.values)
    renovations = []
    for n, (unit_id, community_id, person_id) in enumerate(chosen):
        start = today - datetime.timedelta(days=rng.randrange(5, 80))
        status = Renovation.Status.ACCEPTANCE if rng.random() < 0.05 else Renovation.Status.IN_PROGRESS
        renovations.append(Renovation(
            community_id=community_id, unit_id=unit_id, number=f"BZ{n:08d}", applicant_kind="owner",
            owner_id=person_id, applicant_id=person_id, company=rng.choice(["鑫雅装饰", "金螳螂家装", "业之峰装饰"]),
            lead_name="陈师傅", lead_phone="13912345678", planned_start=start,
            planned_end=start + datetime.timedelta(days=90), scope=["walls", "floors"], agreement_accepted_at=now,
            agreement_accepted_by=actor, status=status, permit_year=start.year, permit_seq=100_000 + n,
            permit_number=f"BX{n:08d}", permit_valid_from=start, permit_valid_to=start + datetime.timedelta(days=90),
            permit_issued_at=now, permit_issued_by=actor, created_by=actor, created_at=now, status_changed_at=now))
    renovations = Renovation.objects.bulk_create(renovations, batch_size=2000)
    inspections, violations = [], []
    for r in renovations:
        days = sorted(rng.sample(range(1, 40), min(history, 39)))
        if rng.random() < 0.5:
            days = [0, *days]
        for d in days:
            at = now - datetime.timedelta(days=d, minutes=rng.randrange(600))
            inspections.append(SiteInspection(renovation_id=r.pk, community_id=r.community_id,
                                              on_date=timezone.localdate(at), at=at, inspector=actor,
                                              checks_ok=rng.sample(checks, rng.randrange(4, len(checks) + 1))))
        if rng.random() < 0.2:
            for _k in range(rng.randrange(1, 3)):
                violations.append(Violation(renovation_id=r.pk, community_id=r.community_id,
                                            category=rng.choice(Violation.Category.values), description="楼道堆放垃圾",
                                            deadline=today + datetime.timedelta(days=2), recorded_by=actor,
                                            recorded_at=now))
    SiteInspection.objects.bulk_create(inspections, batch_size=5000)
    Violation.objects.bulk_create(violations, batch_size=5000)
    return {"sites": len(renovations), "inspections": len(inspections), "violations": len(violations)}


def run_case(client, url, params_list, warmup):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for params in params_list[:warmup]:
        client.get(url, params)
    times, queries, slowest = [], [], (0.0, "")
    for params in params_list:
        with CaptureQueriesContext(connection) as ctx:
            t = time.perf_counter()
            response = client.get(url, params)
            elapsed = (time.perf_counter() - t) * 1000
        assert response.status_code == 200, (params, response.status_code)
        times.append(elapsed)
        queries.append(len(ctx.captured_queries))
        for q in ctx.captured_queries:
            if q["sql"].lstrip().upper().startswith("SELECT") and float(q["time"]) > slowest[0]:
                slowest = (float(q["time"]), q["sql"])
    return times, queries, slowest


def explain(sql):
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return "\n".join("      " + r[0] for r in cur.fetchall())


def main(argv=None):
    args = parse_args(argv)
    os.environ.setdefault("DJANGO_DEBUG", "false")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    from db import base_dataset, bench_url, ensure_database

    url = bench_url(args.database_url, "fd_bench_renovation")
    if not args.reuse:
        ensure_database(url)
    base_dataset(args, url)
    from django.test.utils import setup_test_environment

    setup_test_environment(debug=False)
    from django.contrib.auth import get_user_model

    from renovation.models import Renovation

    user = get_user_model().objects.get(username="bench")
    if not (args.keep_sites and Renovation.objects.exists()):
        _generate(args, user, time.perf_counter())
    return _timings(args, user, Renovation)


def _generate(args, user, t0):
    from django.db import connection, transaction

    with transaction.atomic():
        with connection.cursor() as cur:
            cur.execute("SET LOCAL session_replication_role = replica")  # the append-only tables' TRUNCATE guard off
            cur.execute("TRUNCATE renovation_violationchange, renovation_depositdeduction, renovation_violation, "
                        "renovation_inspectionphoto, renovation_siteinspection, renovation_acceptance, "
                        "renovation_depositrefundrequest, renovation_noticesent, renovation_renovationstatuschange, "
                        "renovation_renovationattachment, renovation_renovationreview, renovation_renovationfee, "
                        "renovation_renovation CASCADE")
        counts = generate_sites(sites=args.sites, history=args.history, actor=user, seed=args.seed)
    with connection.cursor() as cur:
        for table in ("renovation_renovation", "renovation_siteinspection", "renovation_violation"):
            cur.execute(f"VACUUM (ANALYZE) {table}")
    print(f"renovation rounds: {counts['sites']:,} active sites, {counts['inspections']:,} inspections, "
          f"{counts['violations']:,} violations loaded in {time.perf_counter() - t0:.1f} s")
    return counts


def _timings(args, user, Renovation):
    import random as _random

    from django.db.models import Count
    from django.test import Client
    from django.urls import reverse

    biggest = (Renovation.objects.filter(status__in=Renovation.ACTIVE_STATUSES).values("community_id")
               .annotate(n=Count("id")).order_by("-n").first())
    community, n_sites = biggest["community_id"], biggest["n"]
    rng = _random.Random(args.seed)
    codes = list(Renovation.objects.filter(community_id=community, status__in=Renovation.ACTIVE_STATUSES)
                 .values_list("unit__code", flat=True))
    deep = max(1, n_sites // 50)
    n = args.requests
    cases = {
        "first page": [{"community": community}] * n,
        f"page {deep} (last)": [{"community": community, "page": deep}] * n,
        "not inspected today": [{"community": community, "show": "todo"}] * n,
        "search a room": [{"community": community, "q": rng.choice(codes)} for _ in range(n)],
    }
    client = Client()
    client.force_login(user)
    url = reverse("renovation:round_sheet")
    print(f"round sheet as clerk 'bench', community {community} ({n_sites:,} active sites), {n} requests per case; "
          f"load average {os.getloadavg()[0]:.2f}")
    print(f"  {'case':<28}{'p50 ms':>8}{'p95 ms':>8}{'max ms':>8}{'queries':>9}")
    failed = False
    for name, params_list in cases.items():
        times, queries, slowest = run_case(client, url, params_list, args.warmup)
        p95, q = pct(times, 95), max(queries)
        miss = p95 > P95_TARGET_MS or q > QUERY_TARGET
        failed |= miss
        print(f"  {name:<28}{pct(times, 50):>8.1f}{p95:>8.1f}{max(times):>8.1f}{q:>9}{'  MISSED' if miss else ''}",
              flush=True)
        if args.explain:
            print(f"    slowest query ({slowest[0] * 1000:.1f} ms): {slowest[1][:400]}…")
            print(explain(slowest[1]))
    print(f"  targets: p95 ≤ {P95_TARGET_MS:.0f} ms, ≤ {QUERY_TARGET} queries; load average {os.getloadavg()[0]:.2f}")
    return failed


if __name__ == "__main__":
    sys.exit(1 if main() and "--no-fail" not in sys.argv else 0)
