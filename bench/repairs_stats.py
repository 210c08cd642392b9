"""Time the repairs statistics page (``repairs:stats``) against the repairs bench database.

    python bench/repairs_stats.py [--requests 10] [--explain] [--database-url URL]

Database: ``fd_bench_tickets`` (see bench/repairs_generate.py; 1M tickets over two years). Runs with
``config.settings.local``, ``DJANGO_DEBUG=false``. As a supervisor of all five communities
(``bench_supervisor``, created when missing) it requests the page for 8 weeks (the default) and for
6 months, all communities, and for 8 weeks of one community; prints p50 / p95 / max in ms and the SQL
queries per request. ``--explain`` prints EXPLAIN (ANALYZE, BUFFERS) of every query of the first
case. Informational: no target in issue 3 (the page was 1.4–2.0 s at 1M before the date indexes).
"""

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from db import setup_django_for_timing
from repairs_generate import bench_url
from repairs_list import pct

SUPERVISOR = "bench_supervisor"


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--requests", type=int, default=10, help="timed requests per case")
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--database-url", default=None)
    p.add_argument("--explain", action="store_true")
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    setup_django_for_timing(bench_url(args.database_url))
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from core.models import Role
    from frontdesk.models import Community

    communities = list(Community.objects.order_by("id"))
    user, _created = get_user_model().objects.get_or_create(
        username=SUPERVISOR, defaults={"role": Role.SUPERVISOR, "full_name": "基准主管"})
    user.communities.set(communities)
    client = Client()
    client.force_login(user)
    url = reverse("repairs:stats")
    cases = {
        "8 weeks, all communities": {},
        "6 months, all communities": {"period": "month"},
        "8 weeks, one community": {"community": communities[0].pk},
    }
    print(f"repairs:stats as '{SUPERVISOR}', {args.requests} requests per case")
    print(f"  {'case':<30}{'p50 ms':>8}{'p95 ms':>8}{'max ms':>8}{'queries':>9}")
    for i, (name, params) in enumerate(cases.items()):
        for _ in range(args.warmup):
            client.get(url, params)
        times, queries = [], []
        for _ in range(args.requests):
            with CaptureQueriesContext(connection) as ctx:
                t = time.perf_counter()
                response = client.get(url, params)
                times.append((time.perf_counter() - t) * 1000)
            assert response.status_code == 200, response.status_code
            queries.append(len(ctx.captured_queries))
        print(f"  {name:<30}{pct(times, 50):>8.1f}{pct(times, 95):>8.1f}{max(times):>8.1f}{max(queries):>9}")
        if args.explain and i == 0:
            for q in ctx.captured_queries:
                if "repairs_" in q["sql"] and q["sql"].lstrip().upper().startswith("SELECT"):
                    with connection.cursor() as cur:
                        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + q["sql"])
                        print(f"    {q['sql'][:200]}…")
                        print("\n".join("      " + r[0] for r in cur.fetchall()))


if __name__ == "__main__":
    main()
