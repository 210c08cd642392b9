"""Time the manager's daily summary 前台日报 (issue 13 §8) on a bench database that already holds data.

    python bench/summary.py                                   # fd_bench_tickets (bench/repairs_generate.py)
    python bench/summary.py --database-url postgres://…/fd_bench_billing --requests 30
    python bench/summary.py --history-days 0                  # do not freeze past days first

Database: ``fd_bench_tickets`` by default (1M tickets; point ``--database-url`` at the database that also holds
the billing and duty bench data when they are loaded together). Runs with ``config.settings.local``,
``DJANGO_DEBUG=false``. The figures come from whatever summary sections the apps register.

1. History (untimed, skipped for days already frozen): the last ``--history-days`` (default 40) days are
   frozen for every community through ``summary_freeze``, so the comparisons and the 14-day chart read real
   frozen rows. (Bench data only: frozen rows are append-only.)
2. The live page ``frontdesk:summary`` for today, as a manager of one community and as a manager of all five
   (``bench_manager1``, ``bench_manager5``, created when missing): p50 / p95 / max ms over ``--requests`` and the
   queries per request (the same for 1 and 5 communities, or the run fails).
3. Freezing today for every community (the work of one beat run), timed inside a transaction that is rolled
   back, so the run can be repeated: ``--freezes`` runs.
4. The PDF of yesterday (frozen in step 1), warm: ``--pdfs`` renders.
5. The "today" pages: the landing page ``/`` as a user of each role (clerk, cashier, supervisor, engineer, manager;
   ``bench_today_<role>``, created when missing, in the first ``--today-communities`` communities, default all):
   p50 / p95 / max ms over ``--requests`` and the queries per request.

``--only page,today`` runs only the named steps (history, page, freeze, pdf, today; default all).

Targets (issue 13): page ≤ 300 ms p95 for one community, ≤ 600 ms for five, constant query count; freezing a day
for five communities ≤ 10 s; the PDF ≤ 1 s; each "today" page ≤ 200 ms p95. Exit status 1 when a target is missed
(``--no-fail``: always 0).
"""

import argparse
import datetime
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from db import bench_url, setup_django_for_timing  # noqa: E402

DEFAULT_DB = "fd_bench_tickets"
PAGE_TARGET_MS = {1: 300.0, 5: 600.0}
FREEZE_TARGET_S = 10.0
PDF_TARGET_MS = 1000.0
TODAY_TARGET_MS = 200.0
TODAY_ROLES = ("clerk", "cashier", "supervisor", "engineer", "manager")
STEPS = ("history", "page", "freeze", "pdf", "today")


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--requests", type=int, default=20, help="timed page requests per case")
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--freezes", type=int, default=3, help="timed freezes of today (rolled back)")
    p.add_argument("--pdfs", type=int, default=5)
    p.add_argument("--history-days", type=int, default=40, help="past days frozen first (untimed)")
    p.add_argument("--today-communities", type=int, default=5, help="communities of the bench_today_<role> users")
    p.add_argument("--only", default=",".join(STEPS), help=f"comma-separated steps: {','.join(STEPS)}")
    p.add_argument("--database-url", default=None)
    p.add_argument("--no-fail", action="store_true")
    args = p.parse_args(argv)
    args.only = {step.strip() for step in args.only.split(",") if step.strip()}
    unknown = args.only - set(STEPS)
    if unknown:
        p.error(f"unknown step(s): {', '.join(sorted(unknown))}")
    return args


def pct(values, q):
    s = sorted(values)
    return s[max(0, min(len(s) - 1, round(q / 100 * len(s) + 0.5) - 1))]


def _staff(username, role, communities, full_name="基准经理"):
    """The bench user ``username`` (created when missing) with ``role`` in exactly ``communities``."""
    from django.contrib.auth import get_user_model

    user, _created = get_user_model().objects.get_or_create(
        username=username, defaults={"role": role, "full_name": full_name})
    if user.role != role:
        user.role = role
        user.save(update_fields=["role"])
    user.communities.set(communities)
    return user


def _manager(username, communities):
    from core.models import Role

    return _staff(username, Role.MANAGER, communities)


def time_get(client, url, *, warmup, requests):
    """``requests`` timed GETs of ``url`` after ``warmup`` untimed ones: (times in ms, queries per request)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        client.get(url)
    times, queries = [], []
    for _ in range(requests):
        with CaptureQueriesContext(connection) as ctx:
            t = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries.append(len(ctx.captured_queries))
    return times, queries


def today_pages(communities, *, warmup, requests):
    """The landing page ``/`` as ``bench_today_<role>`` of ``communities``, for each role of ``TODAY_ROLES``:
    ``(role, times in ms, queries per request, cards shown)``."""
    from django.test import Client
    from django.urls import reverse

    from core.models import Role

    url = reverse("home")
    rows = []
    for role in TODAY_ROLES:
        client = Client()
        client.force_login(_staff(f"bench_today_{role}", Role(role), communities, full_name="基准用户"))
        times, queries = time_get(client, url, warmup=warmup, requests=requests)
        rows.append((role, times, queries, len(client.get(url).context["cards"])))
    return rows


def main(argv=None):
    args = parse_args(argv)
    setup_django_for_timing(bench_url(args.database_url, DEFAULT_DB))
    from django.db import transaction
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from frontdesk import documents
    from frontdesk.models import Community
    from frontdesk.registry import summary_sections
    from frontdesk.selectors.summary import frozen_pairs
    from frontdesk.services.summary import summary_freeze

    communities = list(Community.objects.order_by("id"))
    today = timezone.localdate()
    sections = summary_sections()
    print(f"daily summary: {len(communities)} communities, {len(sections)} sections registered "
          f"({', '.join(s.key for s in sections) or 'none'}); load average {os.getloadavg()[0]:.2f}")

    # 1. history (untimed)
    if args.history_days and "history" in args.only:
        first = today - datetime.timedelta(days=args.history_days)
        done = frozen_pairs([c.pk for c in communities], first, today)
        t = time.perf_counter()
        n = 0
        for back in range(args.history_days, 0, -1):
            day = today - datetime.timedelta(days=back)
            for community in communities:
                if (community.pk, day) not in done:
                    summary_freeze(community=community, day=day)
                    n += 1
        print(f"  history: {n} community-days frozen in {time.perf_counter() - t:.1f} s")

    failed = False
    # 2. the live page
    if "page" in args.only:
        print(f"\nfrontdesk:summary (today), {args.requests} requests per case")
        print(f"  {'case':<28}{'p50 ms':>8}{'p95 ms':>8}{'max ms':>8}{'queries':>9}")
        url = reverse("frontdesk:summary")
        query_counts = {}
        for size in (1, 5):
            client = Client()
            client.force_login(_manager(f"bench_manager{size}", communities[:size]))
            times, queries = time_get(client, url, warmup=args.warmup, requests=args.requests)
            query_counts[size] = max(queries)
            miss = pct(times, 95) > PAGE_TARGET_MS[size]
            failed |= miss
            label = f"{size} communit" + ("y" if size == 1 else "ies")
            print(f"  {label:<28}{pct(times, 50):>8.1f}{pct(times, 95):>8.1f}{max(times):>8.1f}{max(queries):>9}"
                  f"{'  MISSED' if miss else ''}   (p95 target {PAGE_TARGET_MS[size]:.0f} ms)")
        if query_counts[1] != query_counts[5]:
            failed = True
            print(f"  MISSED: the query count grows with the communities ({query_counts[1]} → {query_counts[5]})")

    # 3. freezing today for every community (rolled back: repeatable)
    if "freeze" in args.only and args.freezes:
        times = []
        for _ in range(args.freezes):
            with transaction.atomic():
                t = time.perf_counter()
                rows = sum(summary_freeze(community=c, day=today) for c in communities[:5])
                times.append(time.perf_counter() - t)
                transaction.set_rollback(True)
        miss = max(times) > FREEZE_TARGET_S
        failed |= miss
        print(f"\nfreeze today, {min(5, len(communities))} communities ({rows} figures): "
              f"median {sorted(times)[len(times) // 2]:.2f} s, max {max(times):.2f} s{'  MISSED' if miss else ''}"
              f"   (target {FREEZE_TARGET_S:.0f} s)")

    # 4. the PDF of yesterday, warm
    if "pdf" in args.only and args.pdfs:
        yesterday = today - datetime.timedelta(days=1)
        manager = _manager("bench_manager1", communities[:1])
        documents.daily_summary(community=communities[0], day=yesterday, user=manager)  # loads the font
        times = []
        for _ in range(args.pdfs):
            t = time.perf_counter()
            pdf, _name = documents.daily_summary(community=communities[0], day=yesterday, user=manager)
            times.append((time.perf_counter() - t) * 1000)
        assert pdf.startswith(b"%PDF")
        miss = pct(times, 95) > PDF_TARGET_MS
        failed |= miss
        print(f"PDF of yesterday (warm, {len(pdf) // 1024} KB): p50 {pct(times, 50):.0f} ms, "
              f"p95 {pct(times, 95):.0f} ms{'  MISSED' if miss else ''}   (target {PDF_TARGET_MS:.0f} ms)")

    # 5. the "today" page (the landing page) of every role
    if "today" in args.only:
        scope = communities[:args.today_communities]
        print(f"\ntoday pages (/ as each role, {len(scope)} communities), {args.requests} requests per role")
        print(f"  {'role':<28}{'p50 ms':>8}{'p95 ms':>8}{'max ms':>8}{'queries':>9}{'cards':>7}")
        for role, times, queries, cards in today_pages(scope, warmup=args.warmup, requests=args.requests):
            miss = pct(times, 95) > TODAY_TARGET_MS
            failed |= miss
            print(f"  {role:<28}{pct(times, 50):>8.1f}{pct(times, 95):>8.1f}{max(times):>8.1f}{max(queries):>9}"
                  f"{cards:>7}{'  MISSED' if miss else ''}   (p95 target {TODAY_TARGET_MS:.0f} ms)")

    print(f"load average after: {os.getloadavg()[0]:.2f}")
    sys.exit(1 if failed and not args.no_fail else 0)


if __name__ == "__main__":
    main()
