"""Time the clerk's ticket board and intake → dispatch against the repairs bench database.

    python bench/repairs_list.py [--requests 40] [--explain] [--database-url URL]

Database: ``fd_bench_tickets`` (see bench/repairs_generate.py). Runs with ``config.settings.local``,
``DJANGO_DEBUG=false``. As the clerk ``bench`` (all communities) it requests ``repairs:board`` with the
test Client for:

- the default open list;
- a filter by building + status (buildings and statuses drawn from the open tickets);
- a search by room code (``3-2-1502`` style, drawn from rooms with tickets);
- a page deep in the list (page 200 of the open list, or the last page when there are fewer);
- the open list sorted by last activity;

and prints p50 / p95 / max in ms and the SQL queries per request (targets: ≤ 10 queries, p95 ≤ 150 ms),
and the p50 / p95 of the bench process's own CPU time per request (``time.process_time``: Django and the
rendering, without the database server and without the time spent waiting for a core — on a shared
machine the wall-clock figures grow with the load, these much less).
Then, for information only (no target; marked "info"): a free-text search of a description word,
a search by the last 4 digits of a phone, the open list sorted by "due soonest", and the open list
filtered to each newer kind (issue 12: hand-offs, paid services, suggestions — whichever exist). The load average
(1 minute) is printed before and after the board cases: the machine is shared.
Then intake → dispatch server time: ``intake.ticket_create`` + ``dispatch.ticket_dispatch`` for a room,
inside a transaction that is rolled back afterwards (the bench data stays as generated; the ETA tasks
queued on commit are therefore not sent) — target ≤ 100 ms.
``--explain`` prints EXPLAIN ANALYZE of the slowest query of each case. Exit status 1 when a target is
missed (``--no-fail`` to always exit 0).
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

from db import setup_django_for_timing
from repairs_generate import ENGINEER, bench_url

QUERY_TARGET = 10
P95_TARGET_MS = 150.0
INTAKE_TARGET_MS = 100.0


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--requests", type=int, default=40, help="timed requests per case")
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--deep-page", type=int, default=200)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--database-url", default=None)
    p.add_argument("--wait-for-board", type=int, default=0, help="seconds to retry while repairs:board is missing")
    p.add_argument("--explain", action="store_true")
    p.add_argument("--only", choices=["board", "intake"])
    p.add_argument("--no-fail", action="store_true")
    return p.parse_args(argv)


def pct(values, q):
    s = sorted(values)
    k = max(0, min(len(s) - 1, round(q / 100 * len(s) + 0.5) - 1))
    return s[k]


def _board_url(wait):
    from django.urls import NoReverseMatch, clear_url_caches, reverse

    deadline = time.monotonic() + wait
    while True:
        try:
            return reverse("repairs:board")
        except NoReverseMatch:
            if time.monotonic() >= deadline:
                sys.exit("repairs:board does not exist (yet): the board view is missing.")
            time.sleep(10)
            clear_url_caches()


def draw_cases(rng, n, deep_page):
    from repairs.models import Ticket

    open_qs = Ticket.objects.filter(status__in=Ticket.OPEN_STATUSES)
    open_ids = list(open_qs.values_list("id", flat=True)[:200_000])
    sample = list(Ticket.objects.filter(id__in=rng.sample(open_ids, min(n * 2, len(open_ids))))
                  .values("building_id", "status", "unit__code"))
    rng.shuffle(sample)
    n_open = len(open_ids)
    page = min(deep_page, max(1, n_open // 50))
    return {
        "default open list": [{}] * n,
        "building + status": [{"building": s["building_id"], "status": s["status"]} for s in sample[:n]],
        "search by room": [{"q": s["unit__code"]} for s in sample[:n] if s["unit__code"]],
        f"page {page} of the open list": [{"page": page}] * n,
        "sort by last activity": [{"sort": "activity"}] * n,
    }, {
        "search a description word": [{"q": rng.choice(["漏水", "噪音", "不亮", "堵塞", "物业费"])} for _ in range(n)],
        "search last 4 phone digits": [{"q": f"{rng.randrange(10_000):04d}"} for _ in range(n)],
        "sort by due soonest": [{"sort": "due"}] * n,
        # the newer kinds (issue 12): the open list filtered to each
        **{f"open {kind} tickets": [{"kind": kind}] * n for kind in Ticket.Kind.values
           if kind not in ("repair", "complaint", "enquiry")},
    }, n_open


def run_case(client, url, params_list, warmup):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for params in params_list[:warmup]:
        client.get(url, params)
    times, cpu, queries, slowest = [], [], [], (0.0, "")
    for params in params_list:
        with CaptureQueriesContext(connection) as ctx:
            t, c = time.perf_counter(), time.process_time()
            response = client.get(url, params)
            elapsed = (time.perf_counter() - t) * 1000
            cpu.append((time.process_time() - c) * 1000)
        assert response.status_code == 200, (params, response.status_code)
        times.append(elapsed)
        queries.append(len(ctx.captured_queries))
        for q in ctx.captured_queries:
            if q["sql"].lstrip().upper().startswith("SELECT") and float(q["time"]) > slowest[0]:
                slowest = (float(q["time"]), q["sql"])
    return times, cpu, queries, slowest


def explain(sql):
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return "\n".join("      " + r[0] for r in cur.fetchall())


def bench_board(args, rng):
    from django.contrib.auth import get_user_model
    from django.test import Client

    url = _board_url(args.wait_for_board)
    user = get_user_model().objects.get(username="bench")
    client = Client()
    client.force_login(user)
    cases, extra, n_open = draw_cases(rng, args.requests, args.deep_page)
    from repairs.models import Ticket

    print(f"board as clerk 'bench' ({Ticket.objects.count():,} tickets, {n_open:,} open), "
          f"{args.requests} requests per case; load average {os.getloadavg()[0]:.2f}")
    print(f"  {'case':<32}{'p50 ms':>8}{'p95 ms':>8}{'max ms':>8}{'queries':>9}{'cpu p50':>9}{'cpu p95':>9}")
    failed = False
    for name, params_list in [*cases.items(), *((f"{k} (info)", v) for k, v in extra.items())]:
        times, cpu, queries, slowest = run_case(client, url, params_list, args.warmup)
        p95 = pct(times, 95)
        q = max(queries)
        miss = (p95 > P95_TARGET_MS or q > QUERY_TARGET) and not name.endswith("(info)")
        failed |= miss
        print(f"  {name:<32}{pct(times, 50):>8.1f}{p95:>8.1f}{max(times):>8.1f}{q:>9}{pct(cpu, 50):>9.1f}"
              f"{pct(cpu, 95):>9.1f}{'  MISSED' if miss else ''}")
        if args.explain or miss:
            print(f"    slowest query ({slowest[0] * 1000:.1f} ms): {slowest[1][:300]}…")
            print(explain(slowest[1]))
    print(f"  load average after the board cases: {os.getloadavg()[0]:.2f}")
    return failed


class _Rollback(Exception):
    pass


def bench_intake(args, rng):
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from frontdesk.models import Unit
    from repairs.models import Category, Ticket
    from repairs.services import dispatch, intake

    User = get_user_model()
    clerk = User.objects.get(username="bench")
    engineer = User.objects.get(username=ENGINEER)
    ids = list(Unit.objects.values_list("id", flat=True)[:100_000])
    units = list(Unit.objects.filter(id__in=rng.sample(ids, min(len(ids), args.requests + args.warmup)))
                 .select_related("community"))
    categories = {c.community_id: c for c in Category.objects.order_by("-sort_order")}
    times, queries = [], []
    for i, unit in enumerate(units):
        with CaptureQueriesContext(connection) as ctx:
            try:
                with transaction.atomic():
                    t = time.perf_counter()
                    ticket = intake.ticket_create(
                        community=unit.community, kind=Ticket.Kind.REPAIR, channel=Ticket.Channel.PHONE, unit=unit,
                        contact_name="基准业主", contact_phone="13800138000", category=categories[unit.community_id],
                        description="厨房水龙头漏水", actor=clerk)
                    dispatch.ticket_dispatch(ticket=ticket, assignee=engineer, actor=clerk)
                    elapsed = (time.perf_counter() - t) * 1000
                    raise _Rollback
            except _Rollback:
                pass
        if i >= args.warmup:
            times.append(elapsed)
            queries.append(len(ctx.captured_queries))
    p95 = pct(times, 95)
    miss = p95 > INTAKE_TARGET_MS
    print(f"intake → dispatch (services, {len(times)} rooms): p50 {pct(times, 50):.1f} ms, p95 {p95:.1f} ms, "
          f"max {max(times):.1f} ms, {max(queries)} queries{'  MISSED' if miss else ''}")
    return miss


def main(argv=None):
    args = parse_args(argv)
    setup_django_for_timing(bench_url(args.database_url))
    rng = random.Random(args.seed)
    failed = False
    if args.only in (None, "board"):
        failed |= bench_board(args, rng)
    if args.only in (None, "intake"):
        failed |= bench_intake(args, rng)
    if failed and not args.no_fail:
        sys.exit(1)


if __name__ == "__main__":
    main()
