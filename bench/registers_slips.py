"""Release slips at scale: 100k slips over 100k units, and the gate check page's server time.

    python bench/registers_slips.py                         # 100,000 units, 100,000 slips
    python bench/registers_slips.py --units 5000 --slips 20000   # small, quick
    python bench/registers_slips.py --reuse                 # keep the units, regenerate only the slips

Database: ``fd_bench_registers`` on the server named by ``DATABASE_URL`` (or ``--database-url``). Without
``--reuse`` it is DROPPED and recreated, migrated and filled with the units, people and vehicles of
``bench/generate.py``. The slips are generated **server-side** (``INSERT … SELECT`` over
``generate_series``): issued over the last year in order of creation, numbered per community and year
without gaps (the counter row set to the highest number), two items each, every state: released
(85 % of the past ones), expired unused, void; today's awaiting the supervisor, the manager, in effect
or released. Bench-only shortcut (as bench/generate.py): the load runs with
``SET LOCAL session_replication_role = replica`` (no pghistory rows for the slips: the gate page does
not read them).

Then, as the gate guard ``bench_guard`` (all communities, the test ``Client``, ``DJANGO_DEBUG=false``):
``frontdesk:gate_slip`` (the page the QR opens) for slips drawn at random — past, today's, released —
and the number typed on the guard's page (``frontdesk:gate_home?number=…``, a redirect); p50 / p95 / max
server time (ms) and the SQL queries per request. Target: p95 ≤ 50 ms. For information: the clerk's
"issued today" and "expired unused" lists. Exit status 1 when a target is missed (``--no-fail``).
"""

import argparse
import datetime
import os
import random
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from db import base_dataset, bench_url  # noqa: E402

DEFAULT_DB = "fd_bench_registers"
GUARD = "bench_guard"
P95_TARGET_MS = 50.0
QUERY_TARGET = 12


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--units", type=int, default=100_000)
    p.add_argument("--slips", type=int, default=100_000)
    p.add_argument("--communities", type=int, default=5)
    p.add_argument("--database-url", default=None)
    p.add_argument("--reuse", action="store_true", help="keep the database and its units; regenerate the slips")
    p.add_argument("--requests", type=int, default=200, help="timed requests per case")
    p.add_argument("--warmup", type=int, default=10)
    p.add_argument("--seed", type=int, default=11)
    p.add_argument("--no-fail", action="store_true")
    return p.parse_args(argv)


def pct(values, q):
    s = sorted(values)
    k = max(0, min(len(s) - 1, round(q / 100 * len(s) + 0.5) - 1))
    return s[k]


def load(connection, *, slips: int, now: datetime.datetime, clerk_id: int, supervisor_id: int, guard_id: int,
         log=print) -> dict:
    """Generate ``slips`` release slips (and their items and first status change) over the units already in
    the database; the caller runs it inside a transaction. Returns the row counts."""
    from django.core.management.color import no_style

    from core.models import NumberSequence
    from frontdesk.models import ReleaseSlip, SlipItem, SlipStatusChange

    t = time.perf_counter()
    params = {"n": slips, "now": now, "clerk": clerk_id, "sup": supervisor_id, "guard": guard_id}
    with connection.cursor() as cur:
        cur.execute("SET LOCAL session_replication_role = replica")
        cur.execute("TRUNCATE frontdesk_slipstatuschange, frontdesk_slipitem, frontdesk_releaseslip")
        cur.execute("DELETE FROM core_numbersequence WHERE kind = 'release_slip'")
        cur.execute("CREATE TEMP TABLE bs_units ON COMMIT DROP AS "
                    "SELECT row_number() OVER (ORDER BY id) AS rn, id, community_id, code FROM frontdesk_unit")
        cur.execute("SELECT count(*) FROM bs_units")
        n_units = cur.fetchone()[0]
        # g = 1 … n in order of creation, over the last year; the last 0.2 % (at least 10) are today's
        cur.execute("""
            CREATE TEMP TABLE bs_slips ON COMMIT DROP AS
            SELECT g, u.id AS unit_id, u.community_id,
                   CASE WHEN g > %(n)s - %(today)s THEN %(now)s::timestamptz - interval '1 minute' * (%(n)s - g)
                        ELSE %(now)s::timestamptz - interval '1 day'
                             - (364 * interval '1 day') * (%(n)s - %(today)s - g)::float / %(n)s END AS created_at
            FROM generate_series(1, %(n)s) g
            JOIN bs_units u ON u.rn = 1 + (g::bigint * 7919) %% %(units)s
        """, {**params, "units": n_units, "today": max(10, slips // 500)})
        cur.execute("""
            INSERT INTO frontdesk_releaseslip (
                community_id, unit_id, year, seq, number, token, status, applicant_kind, applicant_id, applicant_name,
                applicant_phone, consent, consent_phone, consent_letter_ref, carrier_name, carrier_id_type,
                carrier_id_number, vehicle_plate, reason, reason_other, valid_on, sign_mode, signature,
                manager_required, created_by_id, created_at, supervisor_signed_by_id, supervisor_signed_at,
                manager_approved_by_id, manager_approved_at, used_at, used_by_id, expired_at, voided_at, voided_by_id,
                void_reason)
            SELECT community_id, unit_id, year, seq, 'FX' || year || '-' || lpad(seq::text, 5, '0'),
                   md5('bench-slip-' || g), status, 'owner', NULL, '基准业主', '13800138000', '', '', '', '王师傅',
                   'resident_id', '440301198506154316', '粤B6K218',
                   (ARRAY['moving','renovation_waste','repair_return','moving'])[1 + g %% 4], '', day, 'printed', '',
                   true, %(clerk)s, created_at,
                   CASE WHEN status NOT IN ('pending_supervisor') THEN %(sup)s END,
                   CASE WHEN status NOT IN ('pending_supervisor') THEN created_at + interval '10 minutes' END,
                   CASE WHEN status NOT IN ('pending_supervisor', 'pending_manager') THEN %(sup)s END,
                   CASE WHEN status NOT IN ('pending_supervisor', 'pending_manager')
                        THEN created_at + interval '30 minutes' END,
                   CASE WHEN status = 'used' THEN created_at + interval '2 hours' END,
                   CASE WHEN status = 'used' THEN %(guard)s END,
                   CASE WHEN status = 'expired' THEN (day + 1)::timestamp AT TIME ZONE 'Asia/Shanghai' END,
                   CASE WHEN status = 'void' THEN created_at + interval '1 hour' END,
                   CASE WHEN status = 'void' THEN %(clerk)s END,
                   CASE WHEN status = 'void' THEN '业主改期' ELSE '' END
            FROM (
                SELECT s.*, d.day, d.year,
                       row_number() OVER (PARTITION BY community_id, d.year ORDER BY g) AS seq,
                       CASE WHEN d.day < (%(now)s::timestamptz AT TIME ZONE 'Asia/Shanghai')::date THEN
                                 (ARRAY['used','used','used','used','used','used','used','used','used','used','used',
                                        'used','used','used','used','used','used','expired','expired','void'])[1 + g %% 20]
                            ELSE (ARRAY['pending_supervisor','pending_manager','valid','valid','used'])[1 + g %% 5]
                       END AS status
                FROM bs_slips s
                CROSS JOIN LATERAL (SELECT (s.created_at AT TIME ZONE 'Asia/Shanghai')::date AS day,
                                           extract(year FROM s.created_at AT TIME ZONE 'Asia/Shanghai')::int AS year) d
            ) x
            ORDER BY g
        """, params)
        n_slips = cur.rowcount
        cur.execute("""
            INSERT INTO frontdesk_slipitem (slip_id, position, name, quantity, description)
            SELECT s.id, k, (ARRAY['双人床','纸箱','冰箱','装修垃圾','空调室内机'])[1 + (s.id + k) % 5],
                   1 + (s.id * 7 + k) % 12, CASE WHEN k = 0 THEN '拆开打包' ELSE '' END
            FROM frontdesk_releaseslip s CROSS JOIN generate_series(0, 1) k ORDER BY s.id, k
        """)
        n_items = cur.rowcount
        cur.execute("""
            INSERT INTO frontdesk_slipstatuschange (slip_id, from_status, to_status, actor_id, note, at)
            SELECT id, '', 'pending_supervisor', created_by_id, '', created_at FROM frontdesk_releaseslip ORDER BY id
        """)
        cur.execute(f"""
            INSERT INTO {NumberSequence._meta.db_table} (kind, scope_id, year, last)
            SELECT 'release_slip', community_id, year, max(seq) FROM frontdesk_releaseslip GROUP BY community_id, year
        """)  # noqa: S608 (our table name)
        for sql in connection.ops.sequence_reset_sql(no_style(), [ReleaseSlip, SlipItem, SlipStatusChange]):
            cur.execute(sql)
        cur.execute("SET LOCAL session_replication_role = DEFAULT")
    log(f"  slips: {n_slips:,}, items: {n_items:,} in {time.perf_counter() - t:.1f} s")
    return {"slips": n_slips, "items": n_items}


def check(connection) -> list[str]:
    """Gapless numbers per community and year, the counter at the highest."""
    with connection.cursor() as cur:
        cur.execute("""
            SELECT s.community_id, s.year, count(*), max(s.seq), min(s.seq), q.last
            FROM frontdesk_releaseslip s
            LEFT JOIN core_numbersequence q ON q.kind = 'release_slip' AND q.scope_id = s.community_id AND q.year = s.year
            GROUP BY s.community_id, s.year, q.last
        """)
        return [f"community {c} {y}: {n} slips, seq {lo}–{hi}, counter {last}"
                for c, y, n, hi, lo, last in cur.fetchall() if not (lo == 1 and hi == n == last)]


def _users():
    from django.contrib.auth import get_user_model

    from core.models import Role
    from frontdesk.models import Community

    User = get_user_model()
    clerk = User.objects.get(username="bench")
    supervisor, _ = User.objects.get_or_create(username="bench_supervisor",
                                               defaults={"role": Role.SUPERVISOR, "full_name": "基准主管"})
    guard, _ = User.objects.get_or_create(username=GUARD, defaults={"role": Role.GUARD, "full_name": "基准门岗"})
    for user in (supervisor, guard):
        user.communities.set(Community.objects.all())
    return clerk, supervisor, guard


def run_case(client, urls, warmup, *, follow_redirect=False):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, queries, sql = [], [], []
    for i, url in enumerate(urls):
        with CaptureQueriesContext(connection) as ctx:
            t = time.perf_counter()
            response = client.get(url)
            elapsed = (time.perf_counter() - t) * 1000
        assert response.status_code in (200, 302), (url, response.status_code)
        if i >= warmup:
            times.append(elapsed)
            queries.append(len(ctx.captured_queries))
            sql.append(sum(float(q["time"]) for q in ctx.captured_queries) * 1000)
    return times, queries, sql


def bench_gate(args, rng) -> bool:
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from frontdesk.models import ReleaseSlip

    _clerk, _sup, guard = _users()
    client = Client()
    client.force_login(guard)
    today = timezone.localdate()
    n = args.requests + args.warmup
    ids = list(ReleaseSlip.objects.values_list("id", flat=True))
    drawn = {
        "gate page, any slip (QR)": rng.sample(ids, min(n, len(ids))),
        "gate page, today's slips (QR)": list(ReleaseSlip.objects.filter(valid_on=today)
                                              .values_list("id", flat=True)[:n]),
        "gate page, released slips (QR)": rng.sample(list(ReleaseSlip.objects.filter(status="used")
                                                          .values_list("id", flat=True)[:50_000]), n),
    }
    tokens = dict(ReleaseSlip.objects.filter(id__in={i for v in drawn.values() for i in v}).values_list("id", "token"))
    numbers = list(ReleaseSlip.objects.filter(id__in=drawn["gate page, any slip (QR)"]).values_list("number", flat=True))
    cases = {name: [reverse("frontdesk:gate_slip", args=[tokens[i]]) for i in v] for name, v in drawn.items()}
    cases["number typed (redirect)"] = [reverse("frontdesk:gate_home") + f"?number={x}" for x in numbers]
    print(f"gate check as '{GUARD}' ({ReleaseSlip.objects.count():,} slips), {args.requests} requests per case; "
          f"load average {os.getloadavg()[0]:.2f}")
    print(f"  {'case':<36}{'p50 ms':>8}{'p95 ms':>8}{'max ms':>8}{'queries':>9}{'SQL p50 ms':>12}")
    failed = False
    for name, urls in cases.items():
        times, queries, sql = run_case(client, urls, args.warmup)
        p95 = pct(times, 95)
        miss = p95 > P95_TARGET_MS or max(queries) > QUERY_TARGET
        failed |= miss
        print(f"  {name:<36}{pct(times, 50):>8.1f}{p95:>8.1f}{max(times):>8.1f}{max(queries):>9}{pct(sql, 50):>12.1f}"
              f"{'  MISSED' if miss else ''}")
    desk = Client()
    desk.force_login(_sup)
    for show in ("today", "expired", "used"):
        url = reverse("frontdesk:slip_list") + f"?show={show}"
        times, queries, sql = run_case(desk, [url] * (20 + 3), 3)
        print(f"  {'list ' + show + ' (info)':<36}{pct(times, 50):>8.1f}{pct(times, 95):>8.1f}{max(times):>8.1f}"
              f"{max(queries):>9}{pct(sql, 50):>12.1f}")
    print(f"  load average after: {os.getloadavg()[0]:.2f}")
    return failed


def main(argv=None):
    args = parse_args(argv)
    url = bench_url(args.database_url, DEFAULT_DB)
    base_dataset(args, url)
    os.environ.setdefault("DJANGO_DEBUG", "false")
    from django.db import connection, transaction
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    setup_test_environment(debug=False)
    clerk, supervisor, guard = _users()
    print(f"\nslips: {args.slips:,} release slips into {urlsplit(url).path.lstrip('/')}")
    with transaction.atomic():
        load(connection, slips=args.slips, now=timezone.now(), clerk_id=clerk.pk, supervisor_id=supervisor.pk,
             guard_id=guard.pk)
    with connection.cursor() as cur:
        for table in ("frontdesk_releaseslip", "frontdesk_slipitem", "frontdesk_slipstatuschange"):
            cur.execute(f"VACUUM (ANALYZE) {table}")
        cur.execute("ANALYZE")  # the users and memberships added above too: stale counts give bad join plans
    problems = check(connection)
    if problems:
        sys.exit("numbering check failed:\n" + "\n".join(problems))
    failed = bench_gate(args, random.Random(args.seed))
    if failed and not args.no_fail:
        sys.exit(1)


if __name__ == "__main__":
    main()
