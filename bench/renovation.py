"""Renovation benchmark: generate 5,000 active renovations (and older finished ones) over the 100k-unit
data set, then time the application lists and the permit PDF.

    python bench/renovation.py                              # 100,000 units, 5,000 active + 10,000 finished
    python bench/renovation.py --units 20000 --active 1000 --finished 2000      # small, quick
    python bench/renovation.py --reuse                      # keep the database, regenerate the renovations

Database: ``fd_bench_renovation`` on the server named by ``DATABASE_URL`` (or ``--database-url``). Without
``--reuse`` it is DROPPED and recreated with the units, people and vehicles of ``bench/generate.py`` (same
generator, same seed). The renovations are generated **server-side** (``INSERT … SELECT`` over owned units
in a random but seeded order). Bench-only shortcut as in bench/generate.py: the load runs with
``SET LOCAL session_replication_role = replica`` (no pghistory events, no FK checks: ids are consistent
by construction); every active application has one status-change row per move of its path.

Timing (``config.settings.local``, ``DJANGO_DEBUG=false``, the test Client as the clerk ``bench`` of every
community): ``renovation:list`` (default, filtered by status + building, a search by room code, a deep
page), ``renovation:active`` (default, filtered by building), and the permit PDF of an active
application (warm: the font is loaded once per thread). Targets: every list ≤ 10 queries whatever the
page; permit PDF ≤ 200 ms median warm. Exit status 1 when a target is missed (``--no-fail``: always 0).
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import db  # noqa: E402
from db import base_dataset  # noqa: E402

DEFAULT_DB = "fd_bench_renovation"
QUERY_TARGET = 10
PDF_MEDIAN_TARGET_MS = 200.0
ACTIVE_PATH = ["pending", "engineering", "manager", "payment", "in_progress"]
FINISHED_PATH = ACTIVE_PATH + ["acceptance", "accepted", "closed"]


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--units", type=int, default=100_000)
    p.add_argument("--communities", type=int, default=5)
    p.add_argument("--active", type=int, default=5_000)
    p.add_argument("--finished", type=int, default=10_000)
    p.add_argument("--requests", type=int, default=30, help="timed requests per case")
    p.add_argument("--pdfs", type=int, default=20, help="timed permit PDFs")
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--reuse", action="store_true", help="keep the base data set in the database")
    p.add_argument("--database-url", default=None)
    p.add_argument("--no-fail", action="store_true")
    return p.parse_args(argv)


def pct(values, q):
    s = sorted(values)
    return s[max(0, min(len(s) - 1, round(q / 100 * len(s) + 0.5) - 1))]


def generate(connection, *, active: int, finished: int, seed: int) -> None:
    """``active`` applications with a permit (装修中) and ``finished`` closed ones on other units."""
    from django.contrib.auth import get_user_model
    from django.core.management.color import no_style

    from renovation.models import Renovation, RenovationStatusChange

    clerk = get_user_model().objects.get(username="bench")
    t = time.perf_counter()
    with connection.cursor() as cur:
        # the status-change rows are append-only: only this bench (a regenerated data set) empties them
        cur.execute("SET LOCAL frontdesk.allow_truncate = 'on'")
        cur.execute("TRUNCATE renovation_renovationstatuschange, renovation_renovationattachment, "
                    "renovation_renovationreview, renovation_renovationfee, renovation_renovation CASCADE")
        cur.execute("DELETE FROM core_numbersequence WHERE kind LIKE 'renovation%%'")
        cur.execute("SET LOCAL session_replication_role = replica")
        cur.execute("SELECT setseed(%s)", [((seed % 1000) / 1000.0)])
        # owned units in a seeded random order: the first `active` get a permit, the next `finished` are closed
        cur.execute("""
            CREATE TEMP TABLE rn_units ON COMMIT DROP AS
            SELECT row_number() OVER (ORDER BY r) AS n, unit_id, person_id, community_id FROM (
                SELECT DISTINCT ON (o.unit_id) o.unit_id, o.person_id, o.community_id, random() AS r
                FROM frontdesk_occupancy o WHERE o.kind = 'owner' AND o.end_date IS NULL
                ORDER BY o.unit_id, o.id) x
        """)
        cur.execute("""
            INSERT INTO renovation_renovation (
                community_id, unit_id, number, applicant_kind, owner_id, applicant_id, owner_consent_ref, company,
                lead_name, lead_phone, planned_start, planned_end, long_period_reason, scope, scope_text,
                agreement_accepted_at, agreement_accepted_by_id, status, engineering_conditions, permit_year,
                permit_seq, permit_number, permit_token, permit_valid_from, permit_valid_to, permit_issued_at,
                permit_issued_by_id, created_by_id, created_at, status_changed_at)
            SELECT community_id, unit_id, 'ZX' || to_char(filed, 'YYYY') || lpad(app_seq::text, 5, '0'), 'owner',
                   person_id, person_id, '', (ARRAY['金螳螂家装','东易日盛装饰','业之峰装饰','居然装饰','自行装修'])[1 + n %% 5],
                   (ARRAY['王建军','李师傅','陈志强','刘德福','黄永明'])[1 + n %% 5],
                   '139' || lpad((n * 7919 %% 100000000)::text, 8, '0'), filed::date + 3, filed::date + 63, '',
                   ARRAY['walls','floors','plumbing_wiring'], '按图纸施工', filed, %(clerk)s,
                   CASE WHEN n <= %(active)s THEN 'in_progress' ELSE 'closed' END, '不得拆改承重墙、剪力墙及外立面',
                   permit_year, permit_seq, 'ZXXK' || permit_year::text || lpad(permit_seq::text, 5, '0'),
                   md5(n::text || %(seed)s::text) || md5(unit_id::text), filed::date + 3, filed::date + 63,
                   filed + interval '2 days', %(clerk)s, %(clerk)s, filed, filed + interval '2 days'
            FROM (
                SELECT x.*, row_number() OVER (PARTITION BY community_id, extract(year FROM filed) ORDER BY n) AS app_seq,
                       row_number() OVER (PARTITION BY community_id, permit_year ORDER BY n) AS permit_seq
                FROM (
                    SELECT u.*, d.filed, extract(year FROM d.filed + interval '2 days')::int AS permit_year
                    FROM rn_units u
                    CROSS JOIN LATERAL (SELECT CASE WHEN u.n <= %(active)s
                        THEN now() - ((u.n %% 50) || ' days')::interval
                        ELSE now() - ((100 + u.n %% 600) || ' days')::interval END AS filed) d
                    WHERE u.n <= %(total)s) x) s
        """, {"clerk": clerk.pk, "active": active, "total": active + finished, "seed": seed})
        n = cur.rowcount
        # the status-change rows: one per move of the path
        for path, where in ((ACTIVE_PATH, "status = 'in_progress'"), (FINISHED_PATH, "status = 'closed'")):
            cur.execute(f"""
                INSERT INTO renovation_renovationstatuschange (renovation_id, from_status, to_status, actor_id,
                                                               reason, at)
                SELECT r.id, coalesce(p.prev, ''), p.step, %(clerk)s, '', r.created_at + (p.i || ' hours')::interval
                FROM renovation_renovation r
                CROSS JOIN (SELECT i, step, lag(step) OVER (ORDER BY i) AS prev
                            FROM unnest(%(path)s::text[]) WITH ORDINALITY AS t(step, i)) p
                WHERE r.{where}
            """, {"clerk": clerk.pk, "path": path})  # noqa: S608 (fixed strings)
        # the permit counters, so a permit issued later continues the sequences
        cur.execute("""
            INSERT INTO core_numbersequence (kind, scope_id, year, last)
            SELECT 'renovation_permit', community_id, permit_year, max(permit_seq) FROM renovation_renovation
            GROUP BY community_id, permit_year
            UNION ALL
            SELECT 'renovation_application', community_id, extract(year FROM created_at)::int,
                   max(substr(number, 7)::int) FROM renovation_renovation
            GROUP BY community_id, extract(year FROM created_at)
        """)
        for sql in connection.ops.sequence_reset_sql(no_style(), [Renovation, RenovationStatusChange]):
            cur.execute(sql)
        cur.execute("SET LOCAL session_replication_role = DEFAULT")
    print(f"  {n:,} renovations ({active:,} active) with their status changes in {time.perf_counter() - t:.1f} s")


def run_case(client, url, params_list, warmup):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for params in params_list[:warmup]:
        client.get(url, params)
    times, queries = [], []
    for params in params_list:
        with CaptureQueriesContext(connection) as ctx:
            t = time.perf_counter()
            response = client.get(url, params)
            times.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200, (url, params, response.status_code)
        queries.append(len(ctx.captured_queries))
    return times, queries


def bench(args) -> bool:
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from renovation.models import Renovation

    rng = random.Random(args.seed)
    client = Client()
    client.force_login(get_user_model().objects.get(username="bench"))
    active = list(Renovation.objects.filter(status="in_progress").values("id", "unit__building_id", "unit__code")
                  [:5000])
    sample = rng.sample(active, min(args.requests, len(active)))
    total = Renovation.objects.count()
    deep = max(1, total // 50 // 2)
    n = args.requests
    cases = [
        ("list: default", reverse("renovation:list"), [{}] * n),
        ("list: status + building", reverse("renovation:list"),
         [{"status": "in_progress", "building": s["unit__building_id"]} for s in sample]),
        ("list: room code", reverse("renovation:list"), [{"q": s["unit__code"]} for s in sample]),
        (f"list: page {deep}", reverse("renovation:list"), [{"page": deep}] * n),
        ("active sites: default", reverse("renovation:active"), [{}] * n),
        ("active sites: building", reverse("renovation:active"), [{"building": s["unit__building_id"]} for s in sample]),
    ]
    print(f"\nas clerk 'bench': {total:,} renovations, {len(active):,} active; {n} requests per case; "
          f"load average {os.getloadavg()[0]:.2f}")
    print(f"  {'case':<28}{'p50 ms':>8}{'p95 ms':>8}{'max ms':>8}{'queries':>9}")
    failed = False
    for name, url, params in cases:
        times, queries = run_case(client, url, params, args.warmup)
        miss = max(queries) > QUERY_TARGET
        failed |= miss
        print(f"  {name:<28}{pct(times, 50):>8.1f}{pct(times, 95):>8.1f}{max(times):>8.1f}{max(queries):>9}"
              f"{'  MISSED' if miss else ''}")
    # the permit PDF, warm (the first render loads the font; it is not counted)
    pdf_ids = [s["id"] for s in rng.sample(active, min(args.pdfs + args.warmup, len(active)))]
    times = []
    for i, pk in enumerate(pdf_ids):
        t = time.perf_counter()
        response = client.get(reverse("renovation:permit_pdf", args=[pk]))
        elapsed = (time.perf_counter() - t) * 1000
        assert response.status_code == 200 and response.content.startswith(b"%PDF")
        if i >= args.warmup:
            times.append(elapsed)
    median = statistics.median(times)
    miss = median > PDF_MEDIAN_TARGET_MS
    failed |= miss
    print(f"  {'permit PDF (warm)':<28}{median:>8.1f}{pct(times, 95):>8.1f}{max(times):>8.1f}{'':>9}"
          f"{'  MISSED' if miss else ''}   (median target {PDF_MEDIAN_TARGET_MS:.0f} ms)")
    print(f"  load average after: {os.getloadavg()[0]:.2f}")
    return failed


def main(argv=None):
    args = parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ.setdefault("DJANGO_DEBUG", "false")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    url = db.bench_url(args.database_url, DEFAULT_DB)
    base_dataset(args, url)
    from django.db import connection, transaction

    print(f"\nrenovation: {args.active:,} active + {args.finished:,} finished")
    with transaction.atomic():
        generate(connection, active=args.active, finished=args.finished, seed=args.seed)
    with connection.cursor() as cur:
        for table in ("renovation_renovation", "renovation_renovationstatuschange"):
            cur.execute(f"VACUUM (ANALYZE) {table}")
    connection.close()
    db.setup_django_for_timing(url)
    failed = bench(args)
    sys.exit(1 if failed and not args.no_fail else 0)


if __name__ == "__main__":
    main()
