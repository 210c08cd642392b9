"""Generate the worker-pass data set and time the gate guard's check page.

    python bench/renovation_passes.py                                 # 100,000 units, 5,000 renovations, 50,000 passes
    python bench/renovation_passes.py --units 5000 --renovations 1000 --passes 10000    # small, quick
    python bench/renovation_passes.py --reuse                         # keep the units, regenerate renovations and passes

Database: ``fd_bench_reno_passes`` on the server named by ``DATABASE_URL`` (or ``--database-url``). Without
``--reuse`` it is DROPPED and recreated, migrated and filled with the units, people and vehicles of
``bench/generate.py``. Then, server-side (``INSERT … SELECT`` over ``generate_series``):

- ``--renovations`` renovations with their permit issued (装修中), one per owned unit, permits running
  from 20 days ago to 10–70 days ahead, numbered per community;
- ``--passes`` worker passes spread over them (10 each by default): 70 % issued, 10 % revoked by an
  extension, 10 % returned, 5 % awaiting payment, 5 % lost; validity always within the permit (the
  database's trigger checks every row of the load: it stays on);
- a gate guard ``bench_guard`` in every community.

Every trigger stays on for the load (the pass validity check and the history events are written for
every row, as in production).

Then, as the guard with the test Client: ``renovation:gate_check`` for random tokens (p50 / p95 / max and
queries per request; target p95 ≤ 50 ms, ≤ 10 queries), and for information the desk's pass list (first
page, a status filter, a name search) and a 10-card PDF. Exit status 1 when a target is missed
(``--no-fail`` to always exit 0).
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

DEFAULT_DB = "fd_bench_reno_passes"
GUARD = "bench_guard"
P95_TARGET_MS = 50.0
QUERY_TARGET = 10


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--units", type=int, default=100_000)
    p.add_argument("--communities", type=int, default=5)
    p.add_argument("--renovations", type=int, default=5_000)
    p.add_argument("--passes", type=int, default=50_000)
    p.add_argument("--requests", type=int, default=200)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--database-url", default=None)
    p.add_argument("--reuse", action="store_true")
    p.add_argument("--no-fail", action="store_true")
    return p.parse_args(argv)


def pct(values, q):
    s = sorted(values)
    k = max(0, min(len(s) - 1, round(q / 100 * len(s) + 0.5) - 1))
    return s[k]


def generate(args):
    from django.contrib.auth import get_user_model
    from django.core.files.storage import default_storage
    from django.db import connection, transaction

    from core.models import Role
    from frontdesk.models import Community
    from renovation.demo import demo_photo

    User = get_user_model()
    clerk = User.objects.filter(username="bench").first() or User.objects.filter(is_active=True).first()
    guard, _created = User.objects.get_or_create(username=GUARD, defaults={"role": Role.GUARD, "full_name": "门岗"})
    for community in Community.objects.all():
        community.staff.add(guard)
    photo = default_storage.save("renovation/passes/bench/photo.jpg", demo_photo())
    per = max(1, args.passes // args.renovations)
    t = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cur:
        # a rerun empties the bench's own tables (append-only ones included: this database is the bench's)
        cur.execute("SET LOCAL frontdesk.allow_truncate = 'on'")
        cur.execute("TRUNCATE renovation_workerpassstatuschange, renovation_workerpass, "
                    "renovation_renovationstatuschange, renovation_renovation CASCADE")
        cur.execute("SELECT setseed(0.42)")
        cur.execute("""
            INSERT INTO renovation_renovation (community_id, unit_id, number, applicant_kind, owner_id,
                owner_consent_ref, company, lead_name, lead_phone, planned_start, planned_end, long_period_reason,
                scope, scope_text, agreement_accepted_at, agreement_accepted_by_id, status, engineering_conditions,
                permit_year, permit_seq, permit_number, permit_token, permit_valid_from, permit_valid_to,
                permit_issued_at, permit_issued_by_id, created_by_id, created_at, status_changed_at)
            SELECT o.community_id, o.unit_id, 'ZXSQ2026' || lpad(o.rn::text, 6, '0'), 'owner', o.person_id,
                '', '美家装饰', '周建华', '13912345678', current_date - 20, current_date + 10 + (o.rn %% 60)::int, '',
                ARRAY['walls', 'floors'], '', now(), %(clerk)s, 'in_progress', '', 2026, o.rn,
                'ZXXK2026' || lpad(o.rn::text, 6, '0'), md5(random()::text || o.rn), current_date - 20,
                current_date + 10 + (o.rn %% 60)::int, now(), %(clerk)s, %(clerk)s, now(), now()
            FROM (SELECT d.*, row_number() OVER (ORDER BY d.unit_id) AS rn
                  FROM (SELECT DISTINCT ON (unit_id) unit_id, person_id, community_id
                        FROM frontdesk_occupancy WHERE kind = 'owner' AND end_date IS NULL ORDER BY unit_id) d) o
            WHERE o.rn <= %(n)s
        """, {"clerk": clerk.pk, "n": args.renovations})
        renovations = cur.rowcount
        cur.execute("""
            INSERT INTO renovation_workerpass (renovation_id, community_id, year, seq, number, token, name, id_number,
                phone, trade, photo, id_copy, valid_from, valid_to, status, status_changed_at, deposit_id,
                deposit_receipt, fee_receipt, fee_bill, paid_at, issued_at, issued_by_id, received_by, ended_at,
                ended_by_id, end_note, deposit_kept, refund_request_id, created_by_id, created_at)
            SELECT r.id, r.community_id, 2026, row_number() OVER (PARTITION BY r.community_id ORDER BY r.id, g),
                'RY2026' || lpad((row_number() OVER (PARTITION BY r.community_id ORDER BY r.id, g))::text, 6, '0'),
                md5(random()::text || r.id || g) || md5(g::text || random()::text), '工人' || g,
                '110101198001010010', '138' || lpad((r.id * 10 + g)::text, 8, '0'),
                (ARRAY['electrician','plumber','carpenter','mason','painter','labourer'])[1 + g %% 6],
                %(photo)s, %(photo)s, current_date - 15, r.permit_valid_to,
                CASE WHEN g %% 20 < 14 THEN 'issued' WHEN g %% 20 < 16 THEN 'revoked' WHEN g %% 20 < 18 THEN 'returned'
                     WHEN g %% 20 = 18 THEN 'awaiting_payment' ELSE 'lost' END,
                now(), NULL, '', '', '', now(), now(), %(clerk)s, '周建华', NULL, NULL, '',
                g %% 20 = 19, NULL, %(clerk)s, now() - (g || ' minutes')::interval
            FROM renovation_renovation r CROSS JOIN generate_series(1, %(per)s) g
            ORDER BY r.id, g
            LIMIT %(passes)s
        """, {"clerk": clerk.pk, "photo": photo, "per": per, "passes": args.passes})
        passes = cur.rowcount
        cur.execute("UPDATE renovation_workerpass SET paid_at = NULL, issued_at = NULL "
                    "WHERE status = 'awaiting_payment'")
    with connection.cursor() as cur:
        cur.execute("VACUUM (ANALYZE) renovation_renovation")
        cur.execute("VACUUM (ANALYZE) renovation_workerpass")
    print(f"  {renovations} renovations, {passes} passes loaded in {time.perf_counter() - t:.1f} s")
    return guard, clerk


def time_urls(client, urls, warmup=5):
    from django.db import connection, reset_queries

    for url in urls[:warmup]:
        client.get(url)
    times, queries = [], []
    for url in urls:
        reset_queries()
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        queries.append(len(connection.queries))
        assert response.status_code == 200, (url, response.status_code)
    return times, queries


def report(label, times, queries, target=None):
    p95 = pct(times, 95)
    mark = "" if target is None else ("  OK" if p95 <= target else "  MISSED")
    print(f"  {label:<34} p50 {pct(times, 50):6.1f} ms  p95 {p95:6.1f} ms  max {max(times):6.1f} ms  "
          f"queries {max(queries)}{mark if target is not None else '  (info)'}")
    return p95


def main(argv=None):
    args = parse_args(argv)
    url = db.bench_url(args.database_url, DEFAULT_DB)
    base_dataset(args, url)
    os.environ.setdefault("DJANGO_DEBUG", "false")
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    setup_test_environment(debug=False)
    settings.DEBUG = True  # count queries (connection.queries) without the toolbar: the log is all it adds
    print(f"\nrenovation passes: {args.renovations} renovations, {args.passes} passes")
    guard, clerk = generate(args)
    from renovation.models import WorkerPass

    rng = random.Random(args.seed)
    tokens = list(WorkerPass.objects.values_list("token", flat=True).order_by("?")[:args.requests])
    rng.shuffle(tokens)
    load = os.getloadavg()[0]
    client = Client()
    client.force_login(guard)
    times, queries = time_urls(client, [reverse("renovation:gate_check", args=[t]) for t in tokens])
    p95 = report("gate check (guard)", times, queries, P95_TARGET_MS)
    ok = p95 <= P95_TARGET_MS and max(queries) <= QUERY_TARGET
    desk = Client()
    desk.force_login(clerk)
    base = reverse("renovation:pass_list")
    for label, query in (("pass list, first page", ""), ("pass list, issued", "?status=issued"),
                         ("pass list, name search", "?q=%E5%B7%A5%E4%BA%BA7"), ("pass list, page 200", "?page=200"),
                         ("passes still out", "?out=1")):
        times, queries = time_urls(desk, [base + query] * 20, warmup=2)
        report(label, times, queries)
        ok = ok and max(queries) <= QUERY_TARGET
    renovation_id = WorkerPass.objects.filter(status="issued").values_list("renovation_id", flat=True).first()
    times, queries = time_urls(desk, [reverse("renovation:pass_cards", args=[renovation_id])] * 5, warmup=1)
    report("pass cards PDF (one renovation)", times, queries)
    print(f"  load average (1 min): {load:.2f} before, {os.getloadavg()[0]:.2f} after")
    connection.close()
    if not ok and not args.no_fail:
        sys.exit(1)


if __name__ == "__main__":
    main()
