"""Time the roster grid page (30 staff × 31 days) against its own database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fd_bench_roster python bench/duty_roster.py [--runs 50]

Creates the database when missing and migrates it, then builds (once; reused on later runs) a
community ``RB`` with 30 staff (29 clerks + 1 supervisor) and a full, covered 31-day roster for
January 2027, through the same service the page uses (``roster_save_grid``). Then it requests the
grid page (``duty:roster_month``) ``--runs`` times with the Django test Client as the supervisor
and prints p50 / p95 / max in ms, the number of SQL queries per request and the number of cells.
Runs with ``DJANGO_SETTINGS_MODULE=config.settings.local`` (unless set) and ``DJANGO_DEBUG`` false.
Exit status 1 when p95 misses the 200 ms target (``--no-fail`` to always exit 0).
"""

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

P95_TARGET_MS = 200.0
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/fd_bench_roster"
MONTH = datetime.date(2027, 1, 1)
STAFF = 30


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--runs", type=int, default=50)
    p.add_argument("--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_URL))
    p.add_argument("--no-fail", action="store_true")
    return p.parse_args(argv)


def ensure_database(url: str) -> None:
    from urllib.parse import urlparse

    import psycopg2

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    if "bench" not in name:
        sys.exit(f"refusing to use {name!r}: the bench database's name must contain 'bench'")
    conn = psycopg2.connect(host=parsed.hostname, port=parsed.port or 5432, user=parsed.username or "postgres",
                            password=parsed.password, dbname="postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cur.fetchone() is None:
            cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def build():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from core.models import Role
    from duty.models import Roster
    from duty.services import roster as services
    from frontdesk.models import Community

    community, _ = Community.objects.get_or_create(code="RB", defaults={"name": "排班基准小区"})
    services.shift_templates_ensure(community)
    User = get_user_model()
    password = make_password("bench-2026")
    staff = []
    for i in range(STAFF):
        role = Role.SUPERVISOR if i == 0 else Role.CLERK
        user, created = User.objects.get_or_create(username=f"roster_bench_{i:02d}",
                                                   defaults={"role": role, "full_name": f"值班员{i:02d}", "password": password})
        if created:
            user.communities.add(community)
        staff.append(user)
    if not Roster.objects.filter(community=community, month=MONTH).exists():
        cycle = ["E", "M", "L", "E", "L", ""]
        cells = {(u.pk, d.day): cycle[(d.day + i) % len(cycle)] for i, u in enumerate(staff)
                 for d in services.month_days(MONTH)}
        services.roster_save_grid(community=community, month=MONTH, cells=cells, actor=staff[0])
    return community, staff[0]


def main(argv=None):
    args = parse_args(argv)
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ.setdefault("DJANGO_DEBUG", "false")
    ensure_database(args.database_url)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from duty.models import Assignment

    call_command("migrate", verbosity=0)
    community, supervisor = build()
    settings.ALLOWED_HOSTS = ["*"]
    client = Client()
    client.force_login(supervisor)
    url = reverse("duty:roster_month", kwargs={"community_pk": community.pk, "year": MONTH.year, "month": MONTH.month})
    cells = Assignment.objects.filter(roster__community=community, roster__month=MONTH, is_active=True).count()
    for _ in range(3):  # warm-up: templates compiled, connections open
        assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    queries = len(ctx.captured_queries)
    timings = []
    for _ in range(args.runs):
        start = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    timings.sort()
    p50 = statistics.median(timings)
    p95 = timings[max(0, round(0.95 * len(timings)) - 1)]
    print(f"roster grid page: {STAFF} staff × {MONTH:%Y-%m} (31 days), {cells} assignments, "
          f"{len(response.content) // 1024} KB of HTML")
    print(f"  runs {args.runs}: p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {timings[-1]:.1f} ms; "
          f"{queries} SQL queries per request (target p95 ≤ {P95_TARGET_MS:.0f} ms)")
    if p95 > P95_TARGET_MS and not args.no_fail:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
