"""Key custody (issue 11 §4): generate a key register over the frontdesk data set and time its pages.

    python bench/keys.py                                  # 100,000 units, a key for 20 % of them
    python bench/keys.py --units 5000                     # small, quick
    python bench/keys.py --reuse                          # keep the units and keys, time again

Database: ``fd_bench_keys`` on the server named by ``DATABASE_URL`` (or ``--database-url``). Without
``--reuse`` it is DROPPED and recreated with the units, people and vehicles of ``bench/generate.py``, then the
keys are written with ``bulk_create`` under ``session_replication_role = replica`` (no history events, as the
other generators): owners' keys for ``--key-share`` of the sold units (every key with its deposit movement;
a third returned to the owner, 2 % lost), 40 public keys per community, and of the keys held 10 % signed out
(a sign-out movement each; a fifth of those overdue), with sign-in history for another 30 %.

Timed as the clerk ``bench`` (all communities) with the test Client, p50 / p95 / max in ms and queries per
request: the key register (default, a tag search, a room search, status "out"), the overdue list, a unit page
with keys, and the handover's "keys out" lines of one community (a function call). Targets (issue 11 §6 for
the registers' lists): ≤ 10 queries and p95 ≤ 150 ms; the unit page ≤ 12 queries.
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

import db  # noqa: E402
from db import base_dataset  # noqa: E402

DEFAULT_DB = "fd_bench_keys"
QUERY_TARGET = 10
UNIT_QUERY_TARGET = 12
P95_TARGET_MS = 150.0
CHUNK = 5000


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--units", type=int, default=100_000)
    p.add_argument("--communities", type=int, default=5)
    p.add_argument("--key-share", type=float, default=0.2, help="share of sold units with a deposited key")
    p.add_argument("--requests", type=int, default=30)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--seed", type=int, default=11)
    p.add_argument("--reuse", action="store_true")
    p.add_argument("--database-url", default=None)
    p.add_argument("--no-fail", action="store_true")
    return p.parse_args(argv)


def pct(values, q):
    s = sorted(values)
    return s[max(0, min(len(s) - 1, round(q / 100 * len(s) + 0.5) - 1))]


def generate(rng):
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.utils import timezone

    from frontdesk.models import Community, Key, KeyMovement, Occupancy

    started = time.perf_counter()
    clerk = get_user_model().objects.get(username="bench")
    now = timezone.now()
    hour = datetime.timedelta(hours=1)
    owners = list(Occupancy.objects.filter(kind="owner", end_date__isnull=True)
                  .order_by("unit_id", "id").distinct("unit_id").values_list("unit_id", "person_id", "community_id"))
    chosen = [row for row in owners if rng.random() < ARGS.key_share]
    with transaction.atomic():
        with connection.cursor() as cur:
            cur.execute("SET LOCAL session_replication_role = replica")
        keys, serial = [], {}
        for unit_id, person_id, community_id in chosen:
            serial[community_id] = serial.get(community_id, 0) + 1
            n = serial[community_id]
            roll = rng.random()
            status = "lost" if roll < 0.02 else "returned" if roll < 0.35 else "in"
            keys.append(Key(community_id=community_id, kind="owner", unit_id=unit_id, depositor_id=person_id,
                            purpose=rng.choice(Key.Purpose.values), consent_ref=f"委托书 {n:06d}", tag_no=f"K{n:06d}",
                            envelope_no=f"F{n:06d}", opens="入户门", quantity=rng.choice((1, 1, 2)), status=status,
                            created_at=now - rng.randint(2, 700) * 24 * hour, created_by=clerk))
        for community_id in Community.objects.values_list("pk", flat=True):
            for i in range(40):
                keys.append(Key(community_id=community_id, kind="public", tag_no=f"G{i:03d}", opens=f"{i % 30 + 1}栋水泵房",
                                status="in", created_at=now - 800 * 24 * hour, created_by=clerk))
        keys = Key.objects.bulk_create(keys, batch_size=CHUNK)
        moves, out = [], []
        for key in keys:
            moves.append(KeyMovement(key=key, kind="deposit", to_status="in", at=key.created_at, actor=clerk,
                                     person_id=key.depositor_id))
            if key.status in ("returned", "lost"):
                moves.append(KeyMovement(key=key, kind="return" if key.status == "returned" else "lost",
                                         from_status="in", to_status=key.status, at=key.created_at + 24 * hour,
                                         actor=clerk, reason="bench", id_checked=True, signed=True))
                continue
            if rng.random() < 0.3:
                taken = key.created_at + 2 * hour
                moves.append(KeyMovement(key=key, kind="sign_out", from_status="in", to_status="out", at=taken,
                                         actor=clerk, taker_kind="contractor", taker_name="王师傅", reason="维修",
                                         taker_id_type="resident_id", taker_id_number="440305198805120015",
                                         taker_phone="13922223333", due_back_at=taken + 4 * hour))
                moves.append(KeyMovement(key=key, kind="sign_in", from_status="out", to_status="in",
                                         at=taken + 3 * hour, actor=clerk, returned_by_name="王师傅"))
            if rng.random() < 0.1:
                due = now + (-rng.randint(1, 48) if rng.random() < 0.2 else rng.randint(1, 8)) * hour
                row = KeyMovement(key=key, kind="sign_out", from_status="in", to_status="out", at=now - 6 * hour,
                                  actor=clerk, taker_kind="contractor", taker_name="李师傅", taker_company="安居装饰",
                                  taker_id_type="resident_id", taker_id_number="440305198805120015",
                                  taker_phone="13922223333", reason="装修", due_back_at=due)
                moves.append(row)
                out.append((key, row, due))
        KeyMovement.objects.bulk_create(moves, batch_size=CHUNK)
        for key, row, due in out:
            key.status, key.out_movement, key.due_back_at = "out", row, due
        Key.objects.bulk_update([k for k, _r, _d in out], ["status", "out_movement", "due_back_at"], batch_size=CHUNK)
    with connection.cursor() as cur:
        cur.execute("VACUUM (ANALYZE) frontdesk_key, frontdesk_keymovement")
    print(f"keys: {len(keys):,} keys, {len(moves):,} movements, {len(out):,} out "
          f"({time.perf_counter() - started:.1f} s)")


def timed(label, fn, requests, warmup, query_target):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        fn()
    times, queries = [], 0
    for _ in range(requests):
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            fn()
            times.append((time.perf_counter() - t0) * 1000)
        queries = max(queries, len(ctx))
    p95 = pct(times, 95)
    ok = p95 <= P95_TARGET_MS and queries <= query_target
    print(f"{label:<34} p50 {pct(times, 50):7.1f} ms  p95 {p95:7.1f} ms  max {max(times):7.1f} ms  "
          f"queries {queries:2d}  {'ok' if ok else 'MISSED'}")
    return ok


def run(args):
    from django.contrib.auth import get_user_model
    from django.db.models import Count
    from django.test import Client
    from django.urls import reverse

    from frontdesk.models import Community, Key
    from frontdesk.registry import handover_sources

    client = Client()
    client.force_login(get_user_model().objects.get(username="bench"))
    rng = random.Random(args.seed)
    tags = list(Key.objects.filter(status__in=("in", "out")).values_list("tag_no", flat=True)[:500])
    rooms = list(Key.objects.filter(status__in=("in", "out"), kind="owner").values_list("unit__code", flat=True)[:500])
    unit_id = (Key.objects.filter(kind="owner").values("unit_id").annotate(n=Count("id")).order_by("-n")
               .values_list("unit_id", flat=True).first())
    community = Community.objects.annotate(n=Count("id")).order_by("pk").first()
    [source] = [s for s in handover_sources() if s.key == "keys_out"]

    def get(url, params=None):
        def fn():
            response = client.get(url, params() if callable(params) else params)
            assert response.status_code == 200, (url, response.status_code)
        return fn

    print(f"load average (1 min) before: {os.getloadavg()[0]:.1f}")
    timed("(baseline) vehicle list, info", get(reverse("frontdesk:vehicle_list")), args.requests, args.warmup, 99)
    results = [
        timed("key register (default)", get(reverse("frontdesk:key_list")), args.requests, args.warmup, QUERY_TARGET),
        timed("key register, tag search", get(reverse("frontdesk:key_list"), lambda: {"q": rng.choice(tags)}),
              args.requests, args.warmup, QUERY_TARGET),
        timed("key register, room search", get(reverse("frontdesk:key_list"), lambda: {"q": rng.choice(rooms)}),
              args.requests, args.warmup, QUERY_TARGET),
        timed("key register, signed out", get(reverse("frontdesk:key_list"), {"status": "out"}),
              args.requests, args.warmup, QUERY_TARGET),
        timed("overdue keys", get(reverse("frontdesk:key_overdue")), args.requests, args.warmup, QUERY_TARGET),
        timed("unit page with keys", get(reverse("frontdesk:unit_detail", args=[unit_id])), args.requests,
              args.warmup, UNIT_QUERY_TARGET),
        timed("handover: keys out (1 community)", lambda: source.lines(community), args.requests, args.warmup,
              QUERY_TARGET),
    ]
    print(f"load average (1 min) after: {os.getloadavg()[0]:.1f}")
    return all(results)


ARGS = None


def main(argv=None):
    global ARGS
    ARGS = args = parse_args(argv)
    url = db.bench_url(args.database_url, DEFAULT_DB)
    base_dataset(args, url)
    db.setup_django_for_timing(url)
    if not args.reuse:
        generate(random.Random(args.seed))
    ok = run(args)
    if not ok and not args.no_fail:
        sys.exit(1)


if __name__ == "__main__":
    main()
