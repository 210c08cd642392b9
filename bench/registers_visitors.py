"""Generate 500k visitor records and time the visitor register's pages (issue 11 §6).

    python bench/registers_visitors.py                         # 100,000 units, 500,000 visitors
    python bench/registers_visitors.py --units 20000           # fewer units, still 500,000 visitors
    python bench/registers_visitors.py --reuse                 # keep the units, regenerate only the visitors
    python bench/registers_visitors.py --reuse --no-generate   # time only

Database: ``fd_bench_visitors`` on the server named by ``DATABASE_URL`` (or ``--database-url``). Without
``--reuse`` it is DROPPED and recreated, migrated and filled with the units, people and vehicles of
``bench/generate.py`` (same generator, same seed). Then the visitors are generated **server-side**
(``INSERT … SELECT`` over ``generate_series`` with ``setseed``: deterministic, no round trips), written
in order of registration as in production.

Bench-only shortcut (as in bench/generate.py): the visitor load runs with
``SET LOCAL session_replication_role = replica`` (no pghistory events; the pages do not read them). The
check constraints still hold: every row is a legal state.

What it builds, over the year before now: 88 % left (time in and out the same day), 5 % did not come,
4 % turned away (the owner refused or could not be reached), 3 % voided; then the present: per community
60 visitors on site (let in today, a few yesterday), 30 expected later today, 5 whose owner is being asked.
About 40 % came by car (plates ``粤B·····``).

Then, as the clerk ``bench`` (all communities), with the test Client, it times (p50 / p95 / max, queries):
the on-site-now board (all communities, and one community), the log's first page, the log filtered by a
plate fragment, by a name fragment, by a date range and status, and a room's page with its visitors panel.
Targets: the board ≤ 10 queries and p95 ≤ 150 ms; the unit page ≤ 12 queries. Exit status 1 when a target
is missed (``--no-fail`` to always exit 0).
"""

import argparse
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import db  # noqa: E402
from db import base_dataset  # noqa: E402

DEFAULT_DB = "fd_bench_visitors"
BOARD_QUERIES, BOARD_P95_MS, UNIT_QUERIES = 10, 150.0, 12
ON_SITE, EXPECTED_TODAY, CONSULTING = 60, 30, 5  # per community, now
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏飞建国志军海燕"


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--units", type=int, default=100_000)
    p.add_argument("--visitors", type=int, default=500_000)
    p.add_argument("--communities", type=int, default=5)
    p.add_argument("--requests", type=int, default=40, help="timed requests per case")
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--seed", type=int, default=11)
    p.add_argument("--database-url", default=None)
    p.add_argument("--reuse", action="store_true", help="keep the database and its units; regenerate the visitors")
    p.add_argument("--no-generate", action="store_true", help="with --reuse: keep the visitors too, only time")
    p.add_argument("--no-fail", action="store_true")
    return p.parse_args(argv)


def pct(values, q):
    s = sorted(values)
    k = max(0, min(len(s) - 1, round(q / 100 * len(s) + 0.5) - 1))
    return s[k]


def _name_sql():
    return (f"substr('{SURNAMES}', 1 + floor(random() * {len(SURNAMES)})::int, 1) || "
            f"substr('{GIVEN}', 1 + floor(random() * {len(GIVEN)})::int, 1) || "
            f"CASE WHEN random() < 0.6 THEN substr('{GIVEN}', 1 + floor(random() * {len(GIVEN)})::int, 1) ELSE '' END")


COLUMNS = ("community_id, unit_id, kind, status, name, phone, plate, people_count, purpose, called_by, expected_at, "
           "asked_person, answer, answer_note, answered_at, answered_by_id, time_in, time_in_by_id, time_out, "
           "time_out_by_id, void_reason, created_by_id, created_at")


def generate_visitors(connection, n, now):
    """The history (``n`` rows minus the present) and the present (on site, expected today, being asked)."""
    from django.contrib.auth import get_user_model

    from frontdesk.models import Community

    clerk = get_user_model().objects.get(username="bench").pk
    communities = list(Community.objects.order_by("id").values_list("id", flat=True))
    present = len(communities) * (ON_SITE + EXPECTED_TODAY + CONSULTING)
    history = max(0, n - present)
    name = _name_sql()
    phone = "'13' || (3 + floor(random() * 7))::int || lpad(floor(random() * 100000000)::text, 8, '0')"
    plate = "CASE WHEN random() < 0.4 THEN '粤B' || lpad(floor(random() * 100000)::text, 5, '0') ELSE '' END"
    with connection.cursor() as cur:
        cur.execute("TRUNCATE frontdesk_visitorsweepitem, frontdesk_visitorsweep, frontdesk_visitorstatuschange, "
                    "frontdesk_visitor RESTART IDENTITY CASCADE")
        cur.execute("SET LOCAL session_replication_role = replica")
        cur.execute("SET LOCAL synchronous_commit = off")
        cur.execute("SET LOCAL work_mem = '256MB'")
        cur.execute("SELECT max(id) FROM frontdesk_unit")
        n_units = cur.fetchone()[0]
        cur.execute("SELECT setseed(0.311)")
        t = time.perf_counter()
        # one row per past visit: its unit, kind and outcome, registered over the year before today
        cur.execute("""
            CREATE TEMP TABLE vb ON COMMIT DROP AS
            SELECT g, 1 + floor(random() * %(units)s)::int AS unit_id, random() AS r_kind, random() AS r_out,
                   date_trunc('day', %(now)s::timestamptz AT TIME ZONE 'Asia/Shanghai') AT TIME ZONE 'Asia/Shanghai'
                     - interval '1 day' * (1 + floor(random() * 365)) + interval '7 hours'
                     + random() * interval '15 hours' AS created,
                   (5 + floor(random() * 235))::int AS stay
            FROM generate_series(1, %(n)s) g ORDER BY created
        """, {"units": n_units, "n": history, "now": now})
        cur.execute(f"""
            INSERT INTO frontdesk_visitor ({COLUMNS})
            SELECT u.community_id, u.id, k.kind, o.status, {name}, {phone}, {plate},
                   1 + floor(random() * random() * 5)::int, '',
                   CASE WHEN k.kind = 'expected' THEN '业主' ELSE '' END,
                   CASE WHEN k.kind = 'expected' THEN b.created + interval '30 minutes' END,
                   CASE WHEN k.kind = 'unexpected' THEN '业主' ELSE '' END,
                   CASE WHEN k.kind = 'expected' THEN ''
                        WHEN o.status = 'refused' THEN CASE WHEN b.g %% 2 = 0 THEN 'refused' ELSE 'no_answer' END
                        ELSE 'agreed' END,
                   '',
                   CASE WHEN k.kind = 'unexpected' THEN b.created + interval '2 minutes' END,
                   CASE WHEN k.kind = 'unexpected' THEN %(clerk)s END,
                   CASE WHEN o.status = 'left' THEN b.created + interval '35 minutes' END,
                   CASE WHEN o.status = 'left' THEN %(clerk)s END,
                   CASE WHEN o.status = 'left' THEN b.created + interval '35 minutes' + b.stay * interval '1 minute' END,
                   CASE WHEN o.status = 'left' THEN %(clerk)s END,
                   CASE WHEN o.status = 'void' THEN '房号登记错误' ELSE '' END,
                   %(clerk)s, b.created
            FROM vb b
            JOIN frontdesk_unit u ON u.id = b.unit_id
            CROSS JOIN LATERAL (SELECT CASE WHEN b.r_kind < 0.55 THEN 'expected' ELSE 'unexpected' END AS kind) k
            CROSS JOIN LATERAL (SELECT CASE WHEN b.r_out < 0.88 OR (b.r_out >= 0.93 AND b.r_out < 0.97) THEN 'left'
                                            WHEN b.r_out < 0.93 AND k.kind = 'expected' THEN 'no_show'
                                            WHEN b.r_out < 0.93 THEN 'refused' ELSE 'void' END AS status) o
            ORDER BY b.created
        """, {"clerk": clerk})
        print(f"  history: {history:,} visitors in {time.perf_counter() - t:.1f} s")
        t = time.perf_counter()
        for community in communities:
            cur.execute("""
                CREATE TEMP TABLE IF NOT EXISTS vu (i int, unit_id int) ON COMMIT DROP;
                TRUNCATE vu;
                INSERT INTO vu SELECT row_number() OVER (), id FROM (
                    SELECT id FROM frontdesk_unit WHERE community_id = %(c)s ORDER BY random() LIMIT 200) s;
            """, {"c": community})
            # on site: let in over the last hours (a few since yesterday evening: never checked out)
            cur.execute(f"""
                INSERT INTO frontdesk_visitor ({COLUMNS})
                SELECT %(c)s, vu.unit_id, 'expected', 'on_site', {name}, {phone}, {plate}, 1 + (g %% 3), '', '业主',
                       t.at - interval '10 minutes', '', '', '', NULL, NULL, t.at, %(clerk)s, NULL, NULL, '',
                       %(clerk)s, t.at - interval '1 hour'
                FROM generate_series(1, %(k)s) g JOIN vu ON vu.i = g
                CROSS JOIN LATERAL (SELECT %(now)s::timestamptz - g * interval '7 minutes'
                                           - CASE WHEN g %% 12 = 0 THEN interval '14 hours' ELSE interval '0' END AS at) t
            """, {"c": community, "clerk": clerk, "k": ON_SITE, "now": now})
            cur.execute(f"""
                INSERT INTO frontdesk_visitor ({COLUMNS})
                SELECT %(c)s, vu.unit_id, 'expected', 'expected', {name}, {phone}, {plate}, 1, '', '业主',
                       %(now)s::timestamptz + g * interval '5 minutes', '', '', '', NULL, NULL, NULL, NULL, NULL,
                       NULL, '', %(clerk)s, %(now)s::timestamptz - interval '3 hours'
                FROM generate_series(1, %(k)s) g JOIN vu ON vu.i = 100 + g
            """, {"c": community, "clerk": clerk, "k": EXPECTED_TODAY, "now": now})
            cur.execute(f"""
                INSERT INTO frontdesk_visitor ({COLUMNS})
                SELECT %(c)s, vu.unit_id, 'unexpected', 'consulting', {name}, {phone}, '', 1, '', '', NULL, '',
                       '', '', NULL, NULL, NULL, NULL, NULL, NULL, '', %(clerk)s,
                       %(now)s::timestamptz - g * interval '1 minute'
                FROM generate_series(1, %(k)s) g JOIN vu ON vu.i = 150 + g
            """, {"c": community, "clerk": clerk, "k": CONSULTING, "now": now})
        print(f"  present: {present:,} visitors in {time.perf_counter() - t:.1f} s")


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
            elapsed = (time.perf_counter() - t) * 1000
        assert response.status_code == 200, (url, params, response.status_code)
        times.append(elapsed)
        queries.append(len(ctx.captured_queries))
    return times, queries


def bench_pages(args, rng):
    from django.contrib.auth import get_user_model
    from django.db.models import Count
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from frontdesk.models import Community, Visitor

    client = Client()
    client.force_login(get_user_model().objects.get(username="bench"))
    n = args.requests
    communities = list(Community.objects.order_by("id").values_list("id", flat=True))
    today = timezone.localdate()
    busiest = (Visitor.objects.values("unit_id").annotate(n=Count("id")).order_by("-n").first() or {})
    board, log = reverse("frontdesk:visitor_board"), reverse("frontdesk:visitor_log")
    cases = [
        ("on-site board, all communities", board, [{}] * n, BOARD_QUERIES, BOARD_P95_MS),
        ("on-site board, one community", board, [{"community": rng.choice(communities)} for _ in range(n)],
         BOARD_QUERIES, BOARD_P95_MS),
        ("log, first page", log, [{}] * n, None, None),
        ("log, plate fragment", log, [{"plate": f"{rng.randrange(1000):03d}"} for _ in range(n)], None, None),
        ("log, name fragment", log, [{"name": rng.choice("王李张刘陈") + rng.choice("伟芳娜敏静")} for _ in range(n)],
         None, None),
        ("log, this month, status left", log, [{"date_from": (today.replace(day=1)).isoformat(),
                                            "date_to": today.isoformat(), "status": "left"}] * n, None, None),
    ]
    if busiest:
        cases.append((f"unit page ({busiest['n']} visitors)", reverse("frontdesk:unit_detail",
                                                                      args=[busiest["unit_id"]]),
                      [{}] * n, UNIT_QUERIES, None))
    print(f"pages as clerk 'bench' ({Visitor.objects.count():,} visitors, "
          f"{Visitor.objects.filter(status='on_site').count()} on site), {n} requests per case; "
          f"load average {os.getloadavg()[0]:.2f}")
    print(f"  {'case':<36}{'p50 ms':>8}{'p95 ms':>8}{'max ms':>8}{'queries':>9}")
    failed = False
    for name, url, params_list, q_target, p95_target in cases:
        times, queries = run_case(client, url, params_list, args.warmup)
        p95, q = pct(times, 95), max(queries)
        miss = bool((q_target and q > q_target) or (p95_target and p95 > p95_target))
        failed |= miss
        info = "" if q_target or p95_target else "  (info)"
        print(f"  {name:<36}{pct(times, 50):>8.1f}{p95:>8.1f}{max(times):>8.1f}{q:>9}"
              f"{'  MISSED' if miss else info}")
    print(f"  load average after: {os.getloadavg()[0]:.2f}")
    return failed


def main(argv=None):
    args = parse_args(argv)
    os.environ.setdefault("DJANGO_DEBUG", "false")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    url = db.bench_url(args.database_url, DEFAULT_DB)
    t0 = time.perf_counter()
    base_dataset(args, url)
    from django.core.management import call_command
    from django.db import connection, transaction

    if args.reuse:  # a database made by an earlier version of the app: bring its tables up to date
        call_command("migrate", verbosity=0, interactive=False)
    from django.utils import timezone

    if not args.no_generate:
        print(f"generating {args.visitors:,} visitors …")
        with transaction.atomic():
            generate_visitors(connection, args.visitors, timezone.now())
        with connection.cursor() as cur:
            cur.execute("VACUUM (ANALYZE) frontdesk_visitor")
        print(f"data ready in {time.perf_counter() - t0:.1f} s")
    from db import setup_django_for_timing

    setup_django_for_timing(url)
    failed = bench_pages(args, random.Random(args.seed))
    return 1 if failed and not args.no_fail else 0


if __name__ == "__main__":
    sys.exit(main())
