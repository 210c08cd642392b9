"""Duty log at 3 years' size: hash-chain verification time and the day page's query count.

    python bench/duty_log.py [--database-url URL] [--years 3] [--per-day 90] [--busy 400] [--runs 3]
    python bench/duty_log.py --database-url …/fd_bench_summary --community HY   # into an existing community

Uses its own database (default ``fd_bench_log`` on ``$DATABASE_URL``'s server; created and migrated
when missing) with ``DJANGO_SETTINGS_MODULE=config.settings.local`` and ``DJANGO_DEBUG=false``.

Generates ``years × 365 × per-day`` entries (~100k) for one community, plus one busy day of
``--busy`` entries, with the REAL chain: each row's ``prev_hash`` is the previous row's hash and its
``hash`` comes from ``duty.chain.entry_hash`` — only the writing is bulk (bulk_create in
batches instead of 100k ``entry_append`` calls). Then prints:

- ``verify_chain`` wall time over the whole community (best and median of ``--runs``); target ≤ 2 s;
- the day page (``duty:today?date=…``) query count and time for an ordinary and the busy day
  (constant count whatever the number of entries).

``--community CODE`` writes the entries into that existing community (e.g. ``HY``, the first of
``bench/generate.py``'s) instead of a community of its own (``BL``, created when missing), so the log can
share a database with the other generators' data (the daily summary bench, ``bench/summary.py``).

Exit status 1 when a target is missed (``--no-fail`` to always exit 0).
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.db import bench_url, ensure_database, setup_django_for_timing  # noqa: E402

VERIFY_TARGET_S = 2.0
BENCH_CODE = "BL"
BENCH_USER = "bench_duty"
KINDS = ("call", "visit", "help", "incident", "patrol", "other")
TEXTS = ("业主来电：{n} 室厨房漏水，已通知工程部", "访客登记：快递员送件到 {n} 室", "巡查大堂及地库，一切正常",
         "{n} 室业主反映楼道灯不亮，已派单", "电梯困人报警，维保 12 分钟到场，人员安全", "停车场道闸故障，已手动放行",
         "业主咨询物业费缴纳方式，已解答", "噪音投诉：{n} 室装修超时，已劝止")


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--database-url")
    p.add_argument("--years", type=int, default=3)
    p.add_argument("--per-day", type=int, default=90)
    p.add_argument("--busy", type=int, default=400, help="entries on the busy day")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--batch", type=int, default=5000)
    p.add_argument("--community", default=None, help="code of an existing community to write into (default: BL)")
    p.add_argument("--no-fail", action="store_true")
    return p.parse_args(argv)


def generate(args):
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from core.models import Role
    from duty.chain import GENESIS, entry_hash
    from duty.models import DutyLogChain, DutyLogEntry
    from frontdesk.models import Community

    if args.community:
        community = Community.objects.get(code=args.community)
    else:
        community, _ = Community.objects.get_or_create(code=BENCH_CODE, defaults={"name": "基准测试小区"})
    user, created = get_user_model().objects.get_or_create(
        username=BENCH_USER, defaults={"role": Role.CLERK, "full_name": "基准值班员"})
    if created:
        user.set_password("bench")
        user.save()
    user.communities.add(community)
    existing = DutyLogEntry.objects.filter(community=community).count()
    if existing:
        print(f"data: {existing:,} entries already in the bench database (community {community.code})")
        return community, user
    rng = random.Random(7)
    tz = timezone.get_current_timezone()
    today = timezone.localdate()
    days = args.years * 365
    busy_day = today - datetime.timedelta(days=10)
    seq, prev = 0, GENESIS
    batch, total = [], 0
    started = time.perf_counter()
    with transaction.atomic():
        for d in range(days, 0, -1):
            day = today - datetime.timedelta(days=d)
            n = args.busy if day == busy_day else args.per_day
            start = datetime.datetime.combine(day, datetime.time(0, 5), tzinfo=tz)
            step = (24 * 3600 - 600) / n
            for i in range(n):
                seq += 1
                occurred = start + datetime.timedelta(seconds=int(i * step), microseconds=rng.randrange(10**6))
                follow = rng.random() < 0.08
                entry = DutyLogEntry(
                    community=community, seq=seq, author=user, occurred_at=occurred,
                    recorded_at=occurred + datetime.timedelta(seconds=rng.randrange(30, 900)),
                    kind=rng.choice(KINDS), content=rng.choice(TEXTS).format(
                        n=f"{rng.randint(1, 20)}-{rng.randint(1, 2)}-{rng.randint(1, 33)}0{rng.randint(1, 4)}"),
                    handling="已处理" if rng.random() < 0.6 else "", follow_up_needed=follow,
                    important=follow and rng.random() < 0.1, reference=f"WX{seq:07d}" if rng.random() < 0.2 else "",
                    prev_hash=prev)
                entry.hash = prev = entry_hash(entry)
                batch.append(entry)
                if len(batch) >= args.batch:
                    DutyLogEntry.objects.bulk_create(batch)
                    total += len(batch)
                    batch = []
        if batch:
            DutyLogEntry.objects.bulk_create(batch)
            total += len(batch)
        DutyLogChain.objects.update_or_create(community=community, defaults={"last_seq": seq, "last_hash": prev})
    print(f"data: generated {total:,} entries over {days} days in {time.perf_counter() - started:.1f} s "
          f"(busy day {busy_day}: {args.busy} entries)")
    return community, user


def main(argv=None):
    args = parse_args(argv)
    url = bench_url(args.database_url, "fd_bench_log")
    ensure_database(url)
    setup_django_for_timing(url, test_client=False)
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from django.urls import reverse
    from django.utils import timezone

    from duty.models import DutyLogEntry
    from duty.selectors.log import verify_chain

    call_command("migrate", verbosity=0)
    community, user = generate(args)
    count = DutyLogEntry.objects.filter(community=community).count()

    times, cpu = [], []
    for _ in range(args.runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        report = verify_chain(community=community)
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
        assert report.ok and report.checked == count, report
    best, median = min(times), statistics.median(times)
    load = os.getloadavg()[0]
    print(f"verify_chain: {count:,} entries, best {best:.2f} s, median {median:.2f} s wall; Python CPU "
          f"{min(cpu):.2f} s (target ≤ {VERIFY_TARGET_S:.1f} s; load average {load:.1f} on {os.cpu_count()} cores)")

    setup_test_environment(debug=False)
    client = Client()
    client.force_login(user)
    today = timezone.localdate()
    busy_day = today - datetime.timedelta(days=10)
    ordinary_day = today - datetime.timedelta(days=11)
    figures = {}
    for label, day in (("ordinary", ordinary_day), ("busy", busy_day)):
        url = f"{reverse('duty:today')}?community={community.pk}&date={day.isoformat()}"
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            elapsed = time.perf_counter() - started
        assert response.status_code == 200
        shown = len(response.context["entries"])
        figures[label] = len(queries)
        print(f"day page, {label} day {day}: {shown} entries, {len(queries)} queries, {elapsed * 1000:.0f} ms")
    constant = figures["ordinary"] == figures["busy"]
    print(f"day page query count constant: {'yes' if constant else 'NO'}")
    ok = best <= VERIFY_TARGET_S and constant
    if not ok and not args.no_fail:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
