"""Time the counter (payment + receipt, receipt PDF) and the collection-rate and arrears pages against the
billing bench database.

    python bench/billing_counter.py [--payments 200] [--requests 30] [--only pay,pdf,collection,arrears]

Database: ``fd_bench_billing`` (bench/billing_generate.py: 100k units, 24 months, ~4M bills). Settings
``config.settings.local`` with ``DJANGO_DEBUG=false``. As the cashier ``bench_cashier`` (all communities),
through Django's test ``Client`` (middleware, session, templates: the server's whole time, no network):

- **payment + receipt**: POST ``billing:pay`` for ``--payments`` different units drawn from the units with
  open bills (all their open bills, amount = what they owe, cash), after ``--warmup`` untimed ones; the
  response is the redirect to the new receipt. p50 / p95 / max, queries, and the same split by the
  number of bills paid. Target p95 ≤ 100 ms.
- **receipt PDF**: GET ``billing:receipt_pdf`` of receipts made above (each print is recorded: the first
  is the original, later ones 补打); median of warm requests. Target ≤ 150 ms.
- **collection rate**: GET ``billing:collection`` (all communities, this month; one community; an older
  month). Target p95 ≤ 500 ms at 2.4M bills.
- **arrears list**: GET ``billing:arrears`` with the view's page size set to 25 and to 200 (the module
  constant ``billing.views.arrears.PAGE_SIZE``, patched in this process), sorted by amount, oldest first,
  a deep page: SQL queries per request (target ≤ 10 whatever the page size) and p95.

Each case runs when its URL exists and prints "not available yet" otherwise (the views are written in
parallel). The payments are real (committed, like production); afterwards everything they wrote is
removed (receipts, lines, prints, bill history rows, the cashier's idempotency keys; the bills' totals
and the receipt counters are restored) with the triggers off (bench-only: the receipt tables are
append-only), and ``--check`` re-runs the data set's consistency checks. ``--keep`` leaves the rows.
Exit status 1 when a target is missed (``--no-fail`` to always exit 0).
"""

import argparse
import os
import random
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from billing_generate import CASHIER, DEFAULT_DB
from db import bench_url, setup_django_for_timing

PAY_TARGET_MS = 100.0
PDF_TARGET_MS = 150.0
COLLECTION_TARGET_MS = 500.0
ARREARS_QUERY_TARGET = 10
CASES = ("pay", "pdf", "collection", "arrears")
SLOW_S, SLOW_REQUESTS = 2.0, 5


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--payments", type=int, default=200)
    p.add_argument("--warmup", type=int, default=10)
    p.add_argument("--requests", type=int, default=30, help="timed requests per page case")
    p.add_argument("--pdfs", type=int, default=40)
    p.add_argument("--seed", type=int, default=11)
    p.add_argument("--only", default=",".join(CASES))
    p.add_argument("--database-url", default=None)
    p.add_argument("--keep", action="store_true", help="keep the payments made (no cleanup)")
    p.add_argument("--check", action="store_true", help="run the data set's consistency checks after the cleanup")
    p.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE the slowest query of each page case")
    p.add_argument("--pg-set", action="append", default=[], metavar="NAME=VALUE",
                   help="a PostgreSQL setting for this process's connections, e.g. jit=off (to try a fix)")
    p.add_argument("--no-fail", action="store_true")
    return p.parse_args(argv)


def pct(values, q):
    s = sorted(values)
    k = max(0, min(len(s) - 1, round(q / 100 * len(s) + 0.5) - 1))
    return s[k]


def url_or_none(name, *args):
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def timed(client, method, url, data=None):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        t = time.perf_counter()
        response = getattr(client, method)(url, data or {})
        elapsed = (time.perf_counter() - t) * 1000
    slowest = max(((float(q["time"]), q["sql"]) for q in ctx.captured_queries), default=(0.0, ""))
    return response, elapsed, len(ctx.captured_queries), slowest


def explain(sql):
    from django.db import connection, transaction

    # pghistory's middleware prefixes each query with its context (SELECT set_config(...), ...;) and a
    # selector may start with SET LOCAL statements: run those, EXPLAIN the rest, in one transaction
    sql = re.sub(r"^\s*SELECT set_config\('pghistory\.context_id'.*?\);\s*", "", sql, flags=re.S)
    settings = re.findall(r"\s*(SET LOCAL [^;]+);", sql)
    sql = re.sub(r"^(\s*SET LOCAL [^;]+;)+\s*", "", sql)
    try:
        with transaction.atomic(), connection.cursor() as cur:
            for statement in settings:
                cur.execute(statement)
            cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            return "\n".join("      " + str(r[0]) for r in cur.fetchall())
    except Exception as exc:  # a bench must not die on a plan it cannot show
        return f"      (EXPLAIN failed: {exc})"


def line(name, times, queries, extra=""):
    q = f"{min(queries)}–{max(queries)}" if min(queries) != max(queries) else str(max(queries))
    print(f"  {name:<40}{pct(times, 50):>8.1f}{pct(times, 95):>8.1f}{max(times):>8.1f}{q:>9}{extra}")


HEADER = f"  {'case':<40}{'p50 ms':>8}{'p95 ms':>8}{'max ms':>8}{'queries':>9}"


# --- payment + receipt ------------------------------------------------------------------------------------

class Marks:
    """The highest ids before the bench wrote anything, to remove exactly what it wrote."""

    TABLES = ("billing_receipt", "billing_receiptline", "billing_receiptprint", "billing_balanceentry")

    def __init__(self):
        from django.db import connection

        self.bill_event = _bill_event_table()
        with connection.cursor() as cur:
            self.ids = {}
            for table in self.TABLES:
                cur.execute(f'SELECT coalesce(max(id), 0) FROM "{table}"')
                self.ids[table] = cur.fetchone()[0]
            cur.execute(f'SELECT coalesce(max(pgh_id), 0) FROM "{self.bill_event}"')
            self.ids["event"] = cur.fetchone()[0]

    def cleanup(self, cashier):
        from django.db import connection, transaction

        r, rl, rp, be = (self.ids[t] for t in self.TABLES)
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute("SET LOCAL session_replication_role = replica")  # bench-only: append-only tables
            cur.execute("SELECT count(*) FROM billing_balanceentry WHERE id > %s", [be])
            if cur.fetchone()[0]:
                raise SystemExit("a payment touched a prepaid balance: the cleanup does not undo that; regenerate")
            cur.execute("""
                UPDATE billing_bill b SET paid = b.paid - x.s, outstanding = b.outstanding + x.s
                FROM (SELECT bill_id, sum(amount) AS s FROM billing_receiptline WHERE id > %s AND bill_id IS NOT NULL
                      GROUP BY bill_id) x
                WHERE b.id = x.bill_id
            """, [rl])
            bills = cur.rowcount
            # the collection rate's running totals (billing.collection_totals): their triggers are off here, so the
            # payments are taken out of them by hand, as the triggers would have (else `manage.py collection_totals`
            # finds the difference)
            cur.execute("""
                UPDATE billing_collectionbilltotal t SET paid = t.paid - x.s, open = t.open + x.s
                FROM (SELECT b.community_id, b.building_id, b.period, sum(l.amount) AS s
                      FROM billing_receiptline l JOIN billing_bill b ON b.id = l.bill_id WHERE l.id > %s
                      GROUP BY 1, 2, 3) x
                WHERE (t.community_id, t.building_id, t.period) = (x.community_id, x.building_id, x.period)
            """, [rl])
            cur.execute("""
                UPDATE billing_collectionmovetotal t SET moves = t.moves - x.n, paid = t.paid - x.s
                FROM (SELECT community_id, building_id, bill_period, date_trunc('month', business_date)::date AS month,
                             count(*) AS n, sum(amount) AS s
                      FROM billing_receiptline
                      WHERE id > %s AND kind = 'bill' AND community_id IS NOT NULL AND building_id IS NOT NULL
                        AND bill_period IS NOT NULL AND business_date IS NOT NULL
                      GROUP BY 1, 2, 3, 4) x
                WHERE (t.community_id, t.building_id, t.bill_period, t.month)
                      = (x.community_id, x.building_id, x.bill_period, x.month)
            """, [rl])
            cur.execute("DELETE FROM billing_receiptprint WHERE id > %s OR receipt_id > %s", [rp, r])
            cur.execute("DELETE FROM billing_receiptline WHERE id > %s", [rl])
            cur.execute("DELETE FROM billing_receipt WHERE id > %s", [r])
            receipts = cur.rowcount
            cur.execute(f'DELETE FROM "{self.bill_event}" WHERE pgh_id > %s', [self.ids["event"]])
            cur.execute("DELETE FROM core_idempotencykey WHERE user_id = %s", [cashier.pk])
            cur.execute("""
                UPDATE billing_documentcounter d SET last = coalesce(
                    (SELECT max(seq) FROM billing_receipt r WHERE r.community_id = d.community_id AND r.year = d.year), 0)
                WHERE d.kind = 'receipt'
            """)
            for table in (*self.TABLES, "billing_bill"):
                cur.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                            f'coalesce((SELECT max(id) FROM "{table}"), 1))', [table])
        print(f"cleanup: {receipts} receipts removed, {bills} bills restored")


def _bill_event_table():
    import pghistory.models
    from django.apps import apps

    from billing.models import Bill

    for m in apps.get_models():
        if issubclass(m, pghistory.models.Event) and getattr(m, "pgh_tracked_model", None) is Bill:
            return m._meta.db_table
    raise SystemExit("no history table for billing.Bill")


def draw_payers(rng, n):
    """``n`` distinct units with open bills: (unit_id, [bill ids], total owed), all open bills of each."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT min(id), max(id) FROM frontdesk_unit")
        lo, hi = cur.fetchone()
        candidates = rng.sample(range(lo, hi + 1), min(hi - lo + 1, n * 4))
        cur.execute("""
            SELECT unit_id, array_agg(id ORDER BY id), sum(outstanding) FROM billing_bill
            WHERE unit_id = ANY(%s) AND outstanding > 0 GROUP BY unit_id
        """, [candidates])
        rows = cur.fetchall()
    rng.shuffle(rows)
    return rows[:n]


def bench_pay(args, client, rng):
    from core.idempotency import new_token

    units = draw_payers(rng, args.payments + args.warmup)
    times, queries, sizes, receipts = [], [], [], []
    for i, (unit_id, bill_ids, owed) in enumerate(units):
        url = url_or_none("billing:pay", unit_id)
        data = {"bills": [str(b) for b in bill_ids], "amount": str(owed), "method": "cash", "reference": "",
                "payer_name": "基准业主", "note": "", "form_token": new_token()}
        response, ms, nq, _slow = timed(client, "post", url, data)
        if response.status_code != 302:
            body = response.content.decode()[:2000]
            raise SystemExit(f"billing:pay answered {response.status_code} for unit {unit_id}: {body}")
        receipts.append(int(response["Location"].rstrip("/").split("/")[-1]))
        if i >= args.warmup:
            times.append(ms)
            queries.append(nq)
            sizes.append(len(bill_ids))
    print(f"payment + receipt: POST billing:pay, {len(times)} units (after {args.warmup} warm-up), "
          "all open bills, cash")
    print(HEADER)
    p95 = pct(times, 95)
    miss = p95 > PAY_TARGET_MS
    line("all payments", times, queries, "  MISSED" if miss else "")
    for label, lo, hi in (("1–3 bills", 1, 3), ("4–12 bills", 4, 12), ("13+ bills (long arrears)", 13, 10_000)):
        sel = [k for k, s in enumerate(sizes) if lo <= s <= hi]
        if sel:
            line(f"  {label} ({len(sel)} payments)", [times[k] for k in sel], [queries[k] for k in sel])
    # what the cashier then sees: the receipt page (the redirect's target)
    url = url_or_none("billing:receipt", receipts[-1])
    if url:
        page = [timed(client, "get", url_or_none("billing:receipt", r))[1:3] for r in receipts[-40:]]
        line("then the receipt page (GET)", [p[0] for p in page], [p[1] for p in page])
    return miss, receipts


def bench_pdf(args, client, receipts):
    from django.contrib.auth import get_user_model

    from billing.models import Receipt

    if not receipts:
        receipts = list(Receipt.objects.order_by("-id").values_list("id", flat=True)[:args.pdfs + 5])
    sample = receipts[: args.pdfs + 5]
    times, queries = [], []
    for i, pk in enumerate(sample):
        response, ms, nq, _slow = timed(client, "get", url_or_none("billing:receipt_pdf", pk))
        assert response.status_code == 200 and response.content[:4] == b"%PDF", response.status_code
        if i >= 5:
            times.append(ms)
            queries.append(nq)
    med = statistics.median(times)
    miss = med > PDF_TARGET_MS
    print(f"receipt PDF: GET billing:receipt_pdf, {len(times)} receipts (after 5 warm-up; first prints)")
    print(HEADER)
    line("receipt PDF (original)", times, queries, f"  median {med:.1f}{'  MISSED' if miss else ''}")
    times = [timed(client, "get", url_or_none("billing:receipt_pdf", pk))[1] for pk in sample[5:25]]
    line("receipt PDF again (补打)", times, [0], f"  median {statistics.median(times):.1f}")
    try:
        from billing.documents import receipt_pdf as receipt_pdf_render

        user = get_user_model().objects.get(username=CASHIER)
        objs = list(Receipt.objects.filter(pk__in=sample[5:25]).select_related("community", "unit", "cashier", "void")
                    .prefetch_related("lines"))
        times = []
        for r in objs:
            t = time.perf_counter()
            receipt_pdf_render(r, user=user, reprint=False)
            times.append((time.perf_counter() - t) * 1000)
        line("  of which the render alone", times, [0], f"  median {statistics.median(times):.1f}")
    except ImportError:
        pass
    return miss


def run_cases(args, client, name, url, cases, target=None, query_target=None):
    print(HEADER)
    failed = False
    for label, params_list in cases:
        t = time.perf_counter()
        for params in params_list[:2]:
            client.get(url, params)  # warm-up
        if (time.perf_counter() - t) / 2 > SLOW_S:  # a slow page: fewer requests keep the bench short
            params_list = params_list[:SLOW_REQUESTS]
        times, queries, slowest = [], [], (0.0, "")
        for params in params_list:
            response, ms, nq, slow = timed(client, "get", url, params)
            assert response.status_code == 200, (label, params, response.status_code)
            times.append(ms)
            queries.append(nq)
            slowest = max(slowest, slow)
        p95 = pct(times, 95)
        miss = (target is not None and p95 > target) or (query_target is not None and max(queries) > query_target)
        failed |= miss
        line(label, times, queries, "  MISSED" if miss else "")
        if args.explain or miss:
            print(f"    slowest query ({slowest[0] * 1000:.1f} ms): {slowest[1][:400]}…")
            print(explain(slowest[1]))
    return failed


def bench_collection(args, client):
    from frontdesk.models import Community

    url = url_or_none("billing:collection")
    if url is None:
        print("collection rate: billing:collection not available yet")
        return False
    first = Community.objects.order_by("id").first()
    n = args.requests
    print(f"collection rate: GET billing:collection, {n} requests per case")
    failed = run_cases(args, client, "collection", url, [
        ("all communities, this month", [{}] * n),
        ("one community, this month", [{"community": first.pk}] * n),
        ("all communities, 2026-06", [{"month": "2026-06"}] * n),
    ], target=COLLECTION_TARGET_MS)
    # The size, 2.4M bills: a manager of three of the five communities (~800k bills each).
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from billing.models import Bill
    from core.models import Role

    three = list(Community.objects.order_by("id")[:3])
    manager, _created = get_user_model().objects.update_or_create(
        username="bench_manager3", defaults={"role": Role.MANAGER, "full_name": "bench manager"})
    for community in three:
        community.staff.add(manager)
    in_scope = Bill.objects.filter(community__in=three).aggregate(n=Count("id"))["n"]
    print(f"collection rate as a manager of {len(three)} communities: {in_scope:,} bills in scope")
    from django.test import Client

    client3 = Client()
    client3.force_login(manager)
    failed |= run_cases(args, client3, "collection", url, [
        (f"{len(three)} communities ({in_scope / 1e6:.1f}M bills), this month", [{}] * n),
        (f"{len(three)} communities, 2026-06", [{"month": "2026-06"}] * n),
    ], target=COLLECTION_TARGET_MS)
    return failed


def bench_arrears(args, client, rng):
    from frontdesk.models import Building

    url = url_or_none("billing:arrears")
    if url is None:
        print("arrears list: billing:arrears not available yet")
        return False
    import billing.views.arrears as view

    n = args.requests
    buildings = list(Building.objects.values_list("id", flat=True))
    failed = False
    original = getattr(view, "PAGE_SIZE", None)
    for size in (25, 200):
        if original is not None:
            view.PAGE_SIZE = size
        print(f"arrears list: GET billing:arrears, page size {size}, {n} requests per case")
        failed |= run_cases(args, client, "arrears", url, [
            ("default (largest amount first)", [{}] * n),
            ("oldest first", [{"sort": "oldest"}] * n),
            ("a building", [{"building": b} for b in rng.sample(buildings, n)]),
            ("over 1 year overdue bucket", [{"bucket": view_bucket(view, -1)}] * n),
            ("page 20", [{"page": 20}] * n),
        ], query_target=ARREARS_QUERY_TARGET)
    if original is not None:
        view.PAGE_SIZE = original
    return failed


def view_bucket(view, index):
    keys = getattr(view.selectors, "BUCKET_KEYS", None) or [""]
    return list(keys)[index]


def main(argv=None):
    args = parse_args(argv)
    setup_django_for_timing(bench_url(args.database_url, DEFAULT_DB))
    from django.contrib.auth import get_user_model
    from django.test import Client

    from billing.models import Bill

    if args.pg_set:
        from django.db import connection
        from django.db.backends.signals import connection_created

        def apply_settings(sender, connection, **kwargs):
            with connection.cursor() as cur:
                for item in args.pg_set:
                    name, value = item.split("=", 1)
                    cur.execute("SELECT set_config(%s, %s, false)", [name, value])

        connection_created.connect(apply_settings)
        connection.close()  # the next query reconnects with the settings
        print(f"PostgreSQL settings for this run: {', '.join(args.pg_set)}")
    only = set(args.only.split(","))
    rng = random.Random(args.seed)
    cashier = get_user_model().objects.get(username=CASHIER)
    client = Client()
    client.force_login(cashier)
    print(f"data: {Bill.objects.count():,} bills; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    failed = False
    marks = None
    receipts = []
    try:
        if "pay" in only:
            if url_or_none("billing:pay", 1) is None:
                print("payment + receipt: billing:pay not available yet")
            else:
                marks = Marks()
                miss, receipts = bench_pay(args, client, rng)
                failed |= miss
        if "pdf" in only:
            if url_or_none("billing:receipt_pdf", 1) is None:
                print("receipt PDF: billing:receipt_pdf not available yet")
            else:
                marks = marks or Marks()
                failed |= bench_pdf(args, client, receipts)
        if "collection" in only:
            failed |= bench_collection(args, client)
        if "arrears" in only:
            failed |= bench_arrears(args, client, rng)
    finally:
        if marks is not None and not args.keep:
            marks.cleanup(cashier)
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if args.check:
        from billing_generate import check
        from django.db import connection

        failures = check(connection)
        print(f"checks: {'all passed' if not failures else '; '.join(failures)}")
        failed |= bool(failures)
    if failed and not args.no_fail:
        sys.exit(1)


if __name__ == "__main__":
    main()
