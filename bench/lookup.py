"""Time the counter's lookup box and the unit page against the bench database.

    python bench/lookup.py [--per-kind 200] [--seed 7] [--database-url URL]

Runs with ``DJANGO_SETTINGS_MODULE=config.settings.local`` (unless set) and ``DATABASE_URL``
pointed at the bench database (default: ``frontdesk_bench`` on ``$DATABASE_URL``'s server, see
bench/generate.py). ``DJANGO_DEBUG`` defaults to false here so that timings are production-like.

For each kind of query it draws ``--per-kind`` realistic queries from the data (fixed seed),
calls ``frontdesk.selectors.lookup`` as the bench user and prints p50 / p95 / max in ms and the
number of SQL queries per call. Then it requests the unit page (``frontdesk:unit_detail``) with
the test Client for units with many and with few people, and prints the process RSS.
Exit status 1 when a target is missed (``--no-fail`` to always exit 0).
"""

import argparse
import os
import random
import statistics
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from generate import BENCH_USERNAME, bench_url

P95_TARGET_MS = 50.0
PAGE_QUERY_TARGET = 12
RSS_TARGET_MB = 200.0


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--per-kind", type=int, default=200)
    p.add_argument("--pages", type=int, default=50, help="unit-page requests per group (many / few people)")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--warmup", type=int, default=10, help="untimed calls per kind before timing")
    p.add_argument("--database-url", default=None)
    p.add_argument("--wait-for-page", type=int, default=0,
                   help="seconds to keep retrying when the unit_detail URL does not exist yet (default: don't wait)")
    p.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE of the slowest query of each kind")
    p.add_argument("--only", choices=["lookup", "page"], help="run one part only")
    p.add_argument("--no-fail", action="store_true")
    return p.parse_args(argv)


def pct(values, q):
    """Nearest-rank percentile."""
    s = sorted(values)
    k = max(0, min(len(s) - 1, round(q / 100 * len(s) + 0.5) - 1))
    return s[k]


# ---------------------------------------------------------------------------------------------
# Query samples drawn from the data


def draw_queries(rng, n):
    from frontdesk.models import Person, Unit, Vehicle

    def sample(qs, k):
        ids = list(qs.values_list("id", flat=True))
        return rng.sample(ids, min(k, len(ids)))

    units = list(Unit.objects.filter(id__in=sample(Unit.objects.all(), n * 3)).select_related("building", "entrance"))
    rng.shuffle(units)
    people = list(Person.objects.filter(id__in=sample(Person.objects.all(), n * 4)).values("name", "phone"))
    rng.shuffle(people)
    phones = [p["phone"] for p in people if p["phone"]]
    plates = list(Vehicle.objects.filter(id__in=sample(Vehicle.objects.filter(is_active=True), n))
                  .values_list("plate", flat=True))
    rng.shuffle(plates)

    def plate_fragment(plate):
        # What a clerk types from a glimpse of the plate: its start (粤BD1, 粤B7P12) or a letters+digits tail (7P125).
        if rng.random() < 0.6:
            return plate[: rng.randint(4, 6)]
        for _ in range(5):
            tail = plate[-rng.randint(4, 6):]
            if any(c.isdigit() for c in tail) and not tail.isdigit():
                return tail
        return plate[:4]

    with_entrance = [u for u in units if u.entrance_id]
    kinds = {
        "room code 3-2-1502": [u.code for u in with_entrance[:n]],
        "room code 3栋2单元1502": [f"{u.building.name}栋{u.entrance.name}单元{u.number}" for u in with_entrance[n:2 * n]],
        "bare room number": [u.number for u in units[2 * n:3 * n]],
        "name, 1 char": [p["name"][0] for p in people[:n]],
        "name, 2 chars": [p["name"][:2] for p in people[n:2 * n]],
        "name, 3 chars": [p["name"][:3] for p in people[2 * n:] if len(p["name"]) >= 3][:n],
        "full phone": phones[:n],
        "phone, last 4": [ph[-4:] for ph in phones[n:2 * n]],
        "plate fragment": [plate_fragment(p) for p in plates[:n]],
    }
    return kinds


# ---------------------------------------------------------------------------------------------


def bench_lookup(user, kinds, warmup, explain):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from frontdesk.selectors.lookup import lookup

    rows, all_ms, slowest = [], [], {}
    for kind, queries in kinds.items():
        for q in queries[:warmup]:
            lookup(user=user, q=q)
        times, counts, hits = [], [], 0
        worst = (0.0, None, None)
        for q in queries:
            with CaptureQueriesContext(connection) as ctx:
                t = time.perf_counter()
                result = lookup(user=user, q=q)
                ms = (time.perf_counter() - t) * 1000
            times.append(ms)
            counts.append(len(ctx.captured_queries))
            hits += bool(result["units"] or result["people"] or result["vehicles"])
            if ms > worst[0]:
                worst = (ms, q, list(ctx.captured_queries))
        all_ms.extend(times)
        slowest[kind] = worst
        rows.append((kind, len(queries), statistics.median(times), pct(times, 95), max(times), min(counts), max(counts),
                     hits / len(queries), queries[:3]))
    return rows, all_ms, slowest


def print_lookup(rows, all_ms):
    print()
    print(f"{'kind':<22}{'n':>5}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'queries':>9}{'found':>7}  "
          f"{'target p95<=50':<15}examples")
    ok = True
    for kind, n, p50, p95, mx, qmin, qmax, hit, ex in rows:
        met = p95 <= P95_TARGET_MS
        ok &= met
        qc = f"{qmin}" if qmin == qmax else f"{qmin}-{qmax}"
        print(f"{kind:<22}{n:>5}{p50:>9.1f}{p95:>9.1f}{mx:>9.1f}{qc:>9}{hit:>7.0%}  "
              f"{'met' if met else 'MISSED':<15}{', '.join(ex)}")
    print(f"{'overall':<22}{len(all_ms):>5}{statistics.median(all_ms):>9.1f}{pct(all_ms, 95):>9.1f}{max(all_ms):>9.1f}")
    return ok


def print_explain(slowest):
    from django.db import connection

    for kind, (ms, q, queries) in slowest.items():
        print(f"\n--- slowest {kind!r}: q={q!r} {ms:.1f} ms; its slowest SQL:")
        sql = max(queries, key=lambda c: float(c["time"]))["sql"]
        print(sql)
        with connection.cursor() as cur:
            cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            print("\n".join(r[0] for r in cur.fetchall()))


# ---------------------------------------------------------------------------------------------
# The unit page


def unit_page_url(pk, wait):
    from django.urls import NoReverseMatch, clear_url_caches, reverse

    deadline = time.monotonic() + wait
    while True:
        try:
            return reverse("frontdesk:unit_detail", args=[pk])
        except NoReverseMatch:
            if time.monotonic() >= deadline:
                return None
            print("frontdesk:unit_detail does not exist yet; retrying in 30 s ...", flush=True)
            time.sleep(30)
            import importlib

            for name in [m for m in sys.modules if m.endswith((".urls", ".views")) or ".views." in m]:
                try:
                    importlib.reload(sys.modules[name])
                except Exception as exc:  # noqa: BLE001 -- another engineer's half-written file
                    print(f"  reload {name}: {exc}")
            importlib.reload(sys.modules["config.urls"])
            clear_url_caches()


def bench_unit_page(user, n, rng, wait):
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from frontdesk.models import Unit

    url = unit_page_url(1, wait)
    if url is None:
        print("\nunit page: the URL frontdesk:unit_detail does not exist (yet): not measured")
        return None
    annotated = Unit.objects.annotate(
        n_occ=Count("occupancies", distinct=True),
        n_veh=Count("vehicles", distinct=True),
    )
    many = list(annotated.order_by("-n_occ", "-n_veh", "id").values_list("id", "n_occ", "n_veh")[:n])
    one_pool = list(annotated.filter(n_occ=1).order_by("id").values_list("id", "n_occ", "n_veh")[:5000])
    one = rng.sample(one_pool, min(n, len(one_pool)))
    vacant_pool = list(annotated.filter(n_occ=0).order_by("id").values_list("id", "n_occ", "n_veh")[:5000])
    vacant = rng.sample(vacant_pool, min(n, len(vacant_pool)))
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    results = {}
    for label, units in (("many people", many), ("one person", one), ("vacant", vacant)):
        if not units:
            continue
        for pk, *_ in units[:5]:  # warm-up
            client.get(reverse_unit(pk))
        times, counts, statuses = [], [], set()
        for pk, *_ in units:
            with CaptureQueriesContext(connection) as ctx:
                t = time.perf_counter()
                resp = client.get(reverse_unit(pk))
                ms = (time.perf_counter() - t) * 1000
            statuses.add(resp.status_code)
            times.append(ms)
            counts.append(len(ctx.captured_queries))
        occ = [u[1] for u in units]
        veh = [u[2] for u in units]
        results[label] = {
            "n": len(units), "occ": (min(occ), max(occ)), "veh": (min(veh), max(veh)), "p50": statistics.median(times),
            "p95": pct(times, 95), "max": max(times), "q": (min(counts), max(counts)), "statuses": sorted(statuses),
            "last_queries": ctx.captured_queries,
        }
    return results


def reverse_unit(pk):
    from django.urls import reverse

    return reverse("frontdesk:unit_detail", args=[pk])


def print_unit_page(results):
    if results is None:
        return None
    print()
    print(f"{'unit page':<14}{'n':>4}{'occupancies':>13}{'vehicles':>10}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}"
          f"{'queries':>9}  status")
    counts, all_counts = set(), set()
    for label, r in results.items():
        qc = f"{r['q'][0]}" if r["q"][0] == r["q"][1] else f"{r['q'][0]}-{r['q'][1]}"
        all_counts.update(r["q"])
        if label != "vacant":  # an empty prefetch costs no query: a vacant unit may need fewer
            counts.update(r["q"])
        print(f"{label:<14}{r['n']:>4}{r['occ'][0]:>6}-{r['occ'][1]:<6}{r['veh'][0]:>5}-{r['veh'][1]:<4}{r['p50']:>9.1f}"
              f"{r['p95']:>9.1f}{r['max']:>9.1f}{qc:>9}  {r['statuses']}")
    constant = len(counts) == 1
    ok = max(all_counts) <= PAGE_QUERY_TARGET and constant
    print(f"queries per page (occupied units): {'constant' if constant else 'NOT constant'} ({sorted(counts)}); "
          f"target <= {PAGE_QUERY_TARGET} and constant: {'met' if ok else 'MISSED'}")
    if os.environ.get("BENCH_SHOW_SQL"):
        for c in results["many people"]["last_queries"]:
            print(f"  {float(c['time']) * 1000:7.1f} ms  {c['sql'][:160]}")
    return ok


def main(argv=None):
    args = parse_args(argv)
    os.environ["DATABASE_URL"] = bench_url(args.database_url)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ.setdefault("DJANGO_DEBUG", "false")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    warnings.filterwarnings("ignore", message="No directory at")  # whitenoise: no collectstatic in the bench
    import django

    django.setup()
    import psutil
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment(debug=False)  # 'testserver' host for the Client, locmem e-mail
    rng = random.Random(args.seed)
    user = get_user_model().objects.get(username=BENCH_USERNAME)
    with connection.cursor() as cur:
        cur.execute("SELECT current_database(), version(), (SELECT count(*) FROM frontdesk_unit), "
                    "(SELECT count(*) FROM frontdesk_person), (SELECT count(*) FROM frontdesk_vehicle)")
        db, version, n_units, n_people, n_vehicles = cur.fetchone()
    print(f"database {db}: {n_units} units, {n_people} people, {n_vehicles} vehicles; {version.split(' on ')[0]}")
    print(f"user {user.username} ({user.role}), {args.per_kind} queries per kind, seed {args.seed}")

    lookup_ok = page_ok = None
    if args.only != "page":
        kinds = draw_queries(rng, args.per_kind)
        t = time.perf_counter()
        rows, all_ms, slowest = bench_lookup(user, kinds, args.warmup, args.explain)
        print(f"lookup bench: {time.perf_counter() - t:.1f} s")
        lookup_ok = print_lookup(rows, all_ms)
        if args.explain:
            print_explain(slowest)
    if args.only != "lookup":
        page_ok = print_unit_page(bench_unit_page(user, args.pages, rng, args.wait_for_page))

    rss = psutil.Process().memory_info().rss / 2**20
    rss_ok = rss <= RSS_TARGET_MB
    print(f"\nprocess RSS after the run: {rss:.0f} MB (target <= {RSS_TARGET_MB:.0f} MB: {'met' if rss_ok else 'MISSED'})")
    if lookup_ok is not None:
        print(f"lookup p95 <= {P95_TARGET_MS:.0f} ms for every kind: {'met' if lookup_ok else 'MISSED'}")
    ok = lookup_ok is not False and rss_ok and page_ok is not False
    if not ok and not args.no_fail:
        sys.exit(1)


if __name__ == "__main__":
    main()
