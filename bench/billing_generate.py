"""Generate the billing benchmark data set: 24 months of bills for 100k units, most of them paid on
numbered receipts, arrears of every age and some voided receipts, in a dedicated database.

    python bench/billing_generate.py                  # 100,000 units (bench/generate.py), 24 months
    python bench/billing_generate.py --reuse          # keep the units, regenerate only the billing tables
    python bench/billing_generate.py --units 5000 --months 6         # small, quick

Database: ``fd_bench_billing`` on the server named by ``DATABASE_URL`` (or ``--database-url``). Without
``--reuse`` it is DROPPED and recreated, migrated and filled with the units, people, vehicles and parking
spaces of ``bench/generate.py`` (same generator, same seed). With ``--reuse`` it is migrated (new
migrations only) and every ``billing_*`` table is emptied first.

What it builds, per community: fee items 物业服务费 (by floor area; the price rises by 0.20 from
2026-01-01, a second rate row), 停车费 (per parking space of the unit), 电梯使用费 (per unit, with a
building-scoped rate in every third building only) and 水费 (meter, no bills: the bill run ignores it);
one done ``BillRun`` per community and month; for every active unit and month up to November 2026 a
property bill, a parking bill when the unit has spaces and a lift bill in lift buildings. Payments: each
unit pays its bills a quarter at a time on one receipt (the lines are the bills of that quarter), at
the counter in the 40 days after the quarter's last month started. 70 % of the units are paid up, 12 %
owe the last 1–3 months, 15 % stopped paying 4–24 months ago (arrears of every age), 3 % never paid;
one unit in ten with a payment left the property bill of its last paid month half paid. One receipt in
250 is voided (an approved ``Correction`` + ``ReceiptVoid``; its bills are outstanding again). Receipt
numbers are gapless per community and year, and ``DocumentCounter.last`` is the highest number issued.
Not generated: prepaid balances, deposits, waivers, reminders, daily closes; the past months are
billed in full for every active unit (no proration for owners who moved in during the 24 months).

How it loads (server-side, deterministic: every choice is a hash of the ids): fee items, rates and
staff through the ORM; bills, bill runs, receipts, lines, corrections and voids with ``INSERT … SELECT``
over ``generate_series`` and the unit table. Bench-only shortcuts, as in bench/generate.py: the load
runs with ``SET LOCAL session_replication_role = replica``, which switches off the append-only and
pghistory triggers and the FK checks (every id is consistent by construction; the check constraints
still apply: ``amount = paid + waived + outstanding``); the history "insert" rows of the corrections are
written set-based afterwards (bills record no insert events). The secondary indexes of the bill,
receipt and line tables are dropped before the load and recreated from their own definitions after it
(faster than maintaining them row by row); then VACUUM ANALYZE.
"""

import argparse
import datetime
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from db import base_dataset, bench_url

DEFAULT_DB = "fd_bench_billing"
TODAY = datetime.date(2026, 11, 22)  # bench/generate.py's fixed "today"
LAST_PERIOD = datetime.date(2026, 11, 1)
CASHIER = "bench_cashier"
SUPERVISOR = "bench_supervisor"
PASSWORD = "bench-2026"
VOID_ONE_IN = 250
# Tables whose secondary indexes are rebuilt after the load.
REINDEXED = ("billing_bill", "billing_receipt", "billing_receiptline")


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--units", type=int, default=100_000)
    p.add_argument("--months", type=int, default=24)
    p.add_argument("--communities", type=int, default=5)
    p.add_argument("--database-url", default=None)
    p.add_argument("--reuse", action="store_true", help="keep the database and its units; regenerate billing")
    args = p.parse_args(argv)
    if args.months < 1:
        p.error("--months must be at least 1")
    return args


def add_months(day: datetime.date, n: int) -> datetime.date:
    y, m = divmod(day.year * 12 + day.month - 1 + n, 12)
    return datetime.date(y, m + 1, 1)


def staff(communities):
    """The bench cashier and supervisor (password bench-2026) in every community."""
    from django.contrib.auth import get_user_model

    from core.models import Role

    User = get_user_model()
    out = {}
    for username, role, name in ((CASHIER, Role.CASHIER, "基准收银员"), (SUPERVISOR, Role.SUPERVISOR, "基准主管")):
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, role=role, full_name=name)
            user.set_password(PASSWORD)
            user.save()
        user.communities.set(communities)
        out[role] = user
    return out[Role.CASHIER], out[Role.SUPERVISOR]


def fee_setup(communities):
    """Fee items and rates per community (through the ORM: their history rows are written by the triggers).
    Returns {community_id: {code: FeeItem}}."""
    from billing.models import FeeItem, FeeRate
    from frontdesk.models import Building

    items = {}
    rates = []
    since = datetime.date(2020, 1, 1)
    for i, c in enumerate(communities):
        base = [("property", "物业服务费", FeeItem.Kind.PROPERTY, FeeItem.Basis.AREA),
                ("parking", "停车费", FeeItem.Kind.PARKING, FeeItem.Basis.SPACE),
                ("lift", "电梯使用费", FeeItem.Kind.LIFT, FeeItem.Basis.UNIT),
                ("water", "水费", FeeItem.Kind.WATER, FeeItem.Basis.METER)]
        items[c.pk] = {}
        for order, (code, name, kind, basis) in enumerate(base, start=1):
            items[c.pk][code] = FeeItem.objects.create(community=c, code=code, name=name, kind=kind, basis=basis,
                                                       sort_order=order * 10)
        p0 = f"{1.80 + 0.35 * (i % 5):.2f}"
        rates += [FeeRate(fee_item=items[c.pk]["property"], valid_from=since, price=p0),
                  FeeRate(fee_item=items[c.pk]["property"], valid_from=datetime.date(2026, 1, 1),
                          price=f"{float(p0) + 0.20:.2f}"),
                  FeeRate(fee_item=items[c.pk]["parking"], valid_from=since, price=f"{200 + 50 * (i % 5)}.00"),
                  FeeRate(fee_item=items[c.pk]["water"], valid_from=since, price="3.50")]
        for b in Building.objects.filter(community=c).order_by("id"):
            if b.pk % 3 == 0:  # lift fee only in these buildings: no community-wide rate
                rates.append(FeeRate(fee_item=items[c.pk]["lift"], building=b, valid_from=since, price="25.00"))
    FeeRate.objects.bulk_create(rates)
    return items


def _secondary_indexes(cur, tables):
    """(name, definition) of the indexes of ``tables`` that back no constraint (primary key, unique)."""
    cur.execute("""
        SELECT i.relname, pg_get_indexdef(x.indexrelid)
        FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
        WHERE t.relname = ANY(%s) AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
        ORDER BY t.relname, i.relname
    """, [list(tables)])
    return cur.fetchall()


def load(connection, *, months: int = 24, last_period: datetime.date = LAST_PERIOD, today: datetime.date = TODAY,
         rebuild_indexes: bool = True, log=print) -> dict:
    """Fill the (empty) billing tables for every active unit; call inside ``transaction.atomic()``.
    Returns the row counts by table."""
    from django.core.management.color import no_style

    from billing.models import Bill, BillRun, Correction, Receipt, ReceiptLine, ReceiptVoid
    from billing.services.numbers import PREFIX
    from frontdesk.models import Community

    communities = list(Community.objects.order_by("id"))
    cashier, supervisor = staff(communities)
    fee_setup(communities)
    first = add_months(last_period, -(months - 1))
    counts = {}
    p = {"cashier": cashier.pk, "supervisor": supervisor.pk, "today": today, "first": first, "months": months,
         "void": VOID_ONE_IN, "prefix": PREFIX["receipt"]}
    with connection.cursor() as cur:
        cur.execute("SET LOCAL session_replication_role = replica")
        cur.execute("SET LOCAL synchronous_commit = off")
        cur.execute("SET LOCAL work_mem = '256MB'")
        cur.execute("SET LOCAL maintenance_work_mem = '512MB'")
        dropped = []
        if rebuild_indexes:
            dropped = _secondary_indexes(cur, REINDEXED)
            for name, _definition in dropped:
                cur.execute(f'DROP INDEX "{name}"')

        t = time.perf_counter()
        cur.execute("""
            CREATE TEMP TABLE bg_item ON COMMIT DROP AS
            SELECT id, community_id, code, name, sort_order FROM billing_feeitem WHERE code IN ('property', 'parking', 'lift')
        """)
        cur.execute("""
            CREATE TEMP TABLE bg_period ON COMMIT DROP AS
            SELECT m, (%(first)s::date + m * interval '1 month')::date AS period FROM generate_series(0, %(months)s - 1) m
        """, p)
        # the price of each item (and building, for building-scoped rates) in each month: the latest rate
        cur.execute("""
            CREATE TEMP TABLE bg_price ON COMMIT DROP AS
            SELECT DISTINCT ON (r.fee_item_id, r.building_id, pr.m) r.fee_item_id, r.building_id, pr.m, r.price
            FROM billing_feerate r JOIN bg_item i ON i.id = r.fee_item_id JOIN bg_period pr ON r.valid_from <= pr.period
            ORDER BY r.fee_item_id, r.building_id, pr.m, r.valid_from DESC
        """)
        # one row per active unit: how far it has paid (hashes of the id decide), spaces, lift, payer
        cur.execute("""
            CREATE TEMP TABLE bg_unit ON COMMIT DROP AS
            SELECT u.id AS unit_id, u.community_id, u.building_id, u.area,
                   CASE WHEN h.h1 < 700 THEN %(months)s
                        WHEN h.h1 < 820 THEN greatest(0, %(months)s - 1 - mod(h.h2, 3))
                        WHEN h.h1 < 970 THEN greatest(0, %(months)s - 4 - mod(h.h2, greatest(1, %(months)s - 3)))
                        ELSE 0 END AS paid_upto,
                   mod(h.h2, 10) = 7 AS partial,
                   (SELECT count(*) FROM frontdesk_parkingspace s WHERE s.unit_id = u.id) AS spaces,
                   coalesce(o.name, '业主') AS payer
            FROM frontdesk_unit u
            CROSS JOIN LATERAL (SELECT mod(u.id::bigint * 7919 + 13, 1000) AS h1, mod(u.id::bigint * 104729 + 7, 997) AS h2) h
            LEFT JOIN LATERAL (SELECT pe.name FROM frontdesk_occupancy oc JOIN frontdesk_person pe ON pe.id = oc.person_id
                               WHERE oc.unit_id = u.id AND oc.kind = 'owner' AND oc.end_date IS NULL
                               ORDER BY oc.id LIMIT 1) o ON true
            WHERE u.is_active
        """, p)
        cur.execute("ALTER TABLE bg_unit ADD PRIMARY KEY (unit_id)")
        cur.execute("ANALYZE bg_unit")
        # one done bill run per community and month
        cur.execute("""
            CREATE TEMP TABLE bg_run ON COMMIT DROP AS
            SELECT row_number() OVER (ORDER BY pr.m, c.id) AS id, c.id AS community_id, pr.m, pr.period,
                   ((pr.period + time '02:00') AT TIME ZONE 'Asia/Shanghai') AS at
            FROM frontdesk_community c CROSS JOIN bg_period pr
        """)
        log(f"  plan: {len(communities)} communities, {months} months from {first:%Y-%m}, "
            f"{time.perf_counter() - t:.1f} s")

        t = time.perf_counter()
        # Bills: ids in bill-run order (month, community, unit, item). A bill of month m is paid when
        # m < paid_upto, unless the receipt of its quarter is voided; the partial one is half paid.
        cur.execute("""
            CREATE TEMP TABLE bg_bill ON COMMIT DROP AS
            SELECT y.*, CASE WHEN y.m >= y.paid_upto THEN 0
                             WHEN y.partial AND y.m = y.paid_upto - 1 AND y.code = 'property' THEN round(y.amount / 2, 2)
                             ELSE y.amount END AS would_pay,
                   mod(y.unit_id * 31 + (y.m / 3) * 17, %(void)s) = 0 AS voided
            FROM (
                SELECT row_number() OVER (ORDER BY x.m, x.community_id, x.unit_id, x.sort_order) AS id, x.*,
                       round(x.quantity * x.price, 2) AS amount
                FROM (
                    SELECT pr.m, pr.period, u.unit_id, u.community_id, u.building_id, u.paid_upto, u.partial,
                           i.id AS fee_item_id, i.sort_order, i.name AS item_name, i.code, u.area AS quantity, pp.price
                    FROM bg_unit u CROSS JOIN bg_period pr
                    JOIN bg_item i ON i.community_id = u.community_id AND i.code = 'property'
                    JOIN bg_price pp ON pp.fee_item_id = i.id AND pp.building_id IS NULL AND pp.m = pr.m
                    UNION ALL
                    SELECT pr.m, pr.period, u.unit_id, u.community_id, u.building_id, u.paid_upto, u.partial,
                           i.id, i.sort_order, i.name, i.code, u.spaces, pp.price
                    FROM bg_unit u CROSS JOIN bg_period pr
                    JOIN bg_item i ON i.community_id = u.community_id AND i.code = 'parking'
                    JOIN bg_price pp ON pp.fee_item_id = i.id AND pp.building_id IS NULL AND pp.m = pr.m
                    WHERE u.spaces > 0
                    UNION ALL
                    SELECT pr.m, pr.period, u.unit_id, u.community_id, u.building_id, u.paid_upto, u.partial,
                           i.id, i.sort_order, i.name, i.code, 1, pp.price
                    FROM bg_unit u CROSS JOIN bg_period pr
                    JOIN bg_item i ON i.community_id = u.community_id AND i.code = 'lift'
                    JOIN bg_price pp ON pp.fee_item_id = i.id AND pp.building_id = u.building_id AND pp.m = pr.m
                ) x
            ) y
        """, p)
        cur.execute("""
            INSERT INTO billing_billrun (id, community_id, building_id, period, status, steps_total, steps_done,
                                         bills_created, amount_created, error, created_by_id, created_at, started_at,
                                         finished_at)
            SELECT r.id, r.community_id, NULL, r.period, 'done', count(b.id), count(b.id), count(b.id),
                   coalesce(sum(b.amount), 0), '', %(cashier)s, r.at, r.at, r.at + interval '1 minute'
            FROM bg_run r LEFT JOIN bg_bill b ON b.community_id = r.community_id AND b.m = r.m
            GROUP BY r.id, r.community_id, r.period, r.at
        """, p)
        counts["billing_billrun"] = cur.rowcount
        cur.execute("""
            INSERT INTO billing_bill (id, community_id, building_id, unit_id, fee_item_id, period, source, source_ref,
                                      description, quantity, unit_price, prorate_days, amount, paid, waived,
                                      outstanding, due_date, bill_run_id, created_at)
            SELECT b.id, b.community_id, b.building_id, b.unit_id, b.fee_item_id, b.period, 'run', '', '', b.quantity,
                   b.price, NULL, b.amount, p.paid, 0, b.amount - p.paid, b.period + 30, r.id, r.at
            FROM bg_bill b JOIN bg_run r ON r.community_id = b.community_id AND r.m = b.m
            CROSS JOIN LATERAL (SELECT CASE WHEN b.voided THEN 0 ELSE b.would_pay END AS paid) p
        """)
        counts["billing_bill"] = cur.rowcount
        log(f"  bills: {counts['billing_bill']:,} in {time.perf_counter() - t:.1f} s")

        t = time.perf_counter()
        # Receipts: one per unit and quarter with something paid; numbered per community and year in
        # business-day order.
        cur.execute("""
            CREATE TEMP TABLE bg_rcpt ON COMMIT DROP AS
            SELECT row_number() OVER (ORDER BY q.day, q.unit_id) AS id, q.*
            FROM (
                SELECT b.unit_id, b.community_id, b.m / 3 AS q, sum(b.would_pay) AS amount, bool_or(b.voided) AS voided,
                       greatest(max(b.period), least(max(b.period) + mod(b.unit_id * 7 + (b.m / 3) * 13, 40)::int,
                                                     %(today)s::date - 1)) AS day
                FROM bg_bill b WHERE b.would_pay > 0 GROUP BY b.unit_id, b.community_id, b.m / 3
            ) q
        """, p)
        cur.execute("""
            ALTER TABLE bg_rcpt ADD COLUMN seq int, ADD COLUMN at timestamptz;
            UPDATE bg_rcpt r SET seq = s.seq,
                   at = ((r.day + time '09:00' + mod(r.id, 480) * interval '1 minute') AT TIME ZONE 'Asia/Shanghai')
            FROM (SELECT id, row_number() OVER (PARTITION BY community_id, extract(year FROM day) ORDER BY day, id) AS seq
                  FROM bg_rcpt) s
            WHERE s.id = r.id;
            ALTER TABLE bg_rcpt ADD PRIMARY KEY (id);
            CREATE INDEX ON bg_rcpt (unit_id, q);
        """)
        cur.execute("""
            INSERT INTO billing_receipt (id, community_id, unit_id, year, seq, number, payer_name, method, reference,
                                         amount, note, cashier_id, business_date, created_at)
            SELECT r.id, r.community_id, r.unit_id, extract(year FROM r.day)::int, r.seq,
                   %(prefix)s || extract(year FROM r.day)::int || '-' || lpad(r.seq::text, 6, '0'), u.payer, m.method,
                   CASE WHEN m.method = 'cash' THEN '' ELSE upper(m.method) || lpad(r.id::text, 12, '0') END,
                   r.amount, '', %(cashier)s, r.day, r.at
            FROM bg_rcpt r JOIN bg_unit u ON u.unit_id = r.unit_id
            CROSS JOIN LATERAL (SELECT (ARRAY['cash', 'wechat', 'wechat', 'alipay', 'card', 'transfer'])[1 + mod(r.id, 6)::int]
                                AS method) m
        """, p)
        counts["billing_receipt"] = cur.rowcount
        # lines carry copies of the receipt's community and day and the bill's month and building where
        # the model has them (what payments.receipt_line writes)
        fields = {f.attname for f in ReceiptLine._meta.concrete_fields}
        copies = [("community_id", "r.community_id"), ("business_date", "r.day"), ("bill_period", "b.period"),
                  ("building_id", "b.building_id")]
        copies = [(column, expr) for column, expr in copies if column in fields]
        extra_cols = "".join(f", {column}" for column, _expr in copies)
        extra_vals = "".join(f", {expr}" for _column, expr in copies)
        cur.execute(f"""
            INSERT INTO billing_receiptline (receipt_id, kind, bill_id, description, amount{extra_cols})
            SELECT r.id, 'bill', b.id,
                   to_char(b.period, 'YYYY-MM') || ' ' || b.item_name
                       || CASE WHEN b.would_pay <> b.amount THEN ' (部分 ' || b.would_pay || '/' || b.amount || ')' ELSE '' END,
                   b.would_pay{extra_vals}
            FROM bg_bill b JOIN bg_rcpt r ON r.unit_id = b.unit_id AND r.q = b.m / 3
            WHERE b.would_pay > 0
            ORDER BY r.id, b.period, b.sort_order, b.id
        """)
        counts["billing_receiptline"] = cur.rowcount
        cur.execute("""
            INSERT INTO billing_documentcounter (community_id, kind, year, last)
            SELECT community_id, 'receipt', year, max(seq) FROM billing_receipt GROUP BY community_id, year
        """)
        counts["billing_documentcounter"] = cur.rowcount
        log(f"  receipts: {counts['billing_receipt']:,}, lines: {counts['billing_receiptline']:,} "
            f"in {time.perf_counter() - t:.1f} s")

        t = time.perf_counter()
        # voids: an approved correction and the void row, a day after the payment
        cur.execute("""
            INSERT INTO billing_correction (id, community_id, kind, status, unit_id, receipt_id, bill_id, deposit_id, amount,
                                            deduction, method, reference, reason, requested_by_id, requested_at,
                                            decided_by_id, decided_at, decision_note)
            SELECT row_number() OVER (ORDER BY r.id), r.community_id, 'void', 'approved', r.unit_id, r.id, NULL, NULL,
                   r.amount, NULL, '', '', '金额录错，作废重开', %(cashier)s, r.at + interval '1 hour', %(supervisor)s,
                   r.at + interval '1 day', ''
            FROM bg_rcpt r WHERE r.voided
        """, p)
        counts["billing_correction"] = cur.rowcount
        cur.execute("""
            INSERT INTO billing_receiptvoid (receipt_id, correction_id, reason, approved_by_id, business_date, created_at)
            SELECT c.receipt_id, c.id, c.reason, c.decided_by_id, (c.decided_at AT TIME ZONE 'Asia/Shanghai')::date,
                   c.decided_at
            FROM billing_correction c WHERE c.kind = 'void'
        """)
        counts["billing_receiptvoid"] = cur.rowcount
        for sql in connection.ops.sequence_reset_sql(no_style(), [Bill, BillRun, Receipt, ReceiptLine, Correction,
                                                                  ReceiptVoid]):
            cur.execute(sql)
        cur.execute("SET LOCAL session_replication_role = DEFAULT")
        log(f"  voids: {counts['billing_receiptvoid']:,} in {time.perf_counter() - t:.1f} s")

        if dropped:
            t = time.perf_counter()
            for _name, definition in dropped:
                cur.execute(definition)
            log(f"  {len(dropped)} indexes rebuilt in {time.perf_counter() - t:.1f} s")
    import generate

    counts.update(generate.write_history(connection, [Correction]))
    return counts


def check(connection) -> list[str]:
    """Consistency checks of the loaded data; returns the failures (empty when all is well)."""
    queries = {
        "receipt amount = sum of its lines": """
            SELECT count(*) FROM billing_receipt r
            LEFT JOIN (SELECT receipt_id, sum(amount) AS s FROM billing_receiptline GROUP BY receipt_id) l
                ON l.receipt_id = r.id
            WHERE r.amount IS DISTINCT FROM l.s""",
        "bill paid = its lines on receipts that are not void": """
            SELECT count(*) FROM billing_bill b
            LEFT JOIN (SELECT l.bill_id, sum(l.amount) AS s FROM billing_receiptline l
                       WHERE NOT EXISTS (SELECT 1 FROM billing_receiptvoid v WHERE v.receipt_id = l.receipt_id)
                       GROUP BY l.bill_id) x ON x.bill_id = b.id
            WHERE b.paid <> coalesce(x.s, 0)""",
        "lines carry their receipt's day and their bill's month and building": """
            SELECT count(*) FROM billing_receiptline l JOIN billing_receipt r ON r.id = l.receipt_id
            JOIN billing_bill b ON b.id = l.bill_id
            WHERE l.business_date IS DISTINCT FROM r.business_date OR l.bill_period IS DISTINCT FROM b.period
               OR l.building_id IS DISTINCT FROM b.building_id OR l.community_id IS DISTINCT FROM r.community_id""",
        "counter = highest number, no gaps": """
            SELECT count(*) FROM (SELECT community_id, year, max(seq) AS mx, count(*) AS n FROM billing_receipt
                                  GROUP BY community_id, year) s
            LEFT JOIN billing_documentcounter d ON d.community_id = s.community_id AND d.kind = 'receipt' AND d.year = s.year
            WHERE d.last IS DISTINCT FROM s.mx OR s.n <> s.mx""",
    }
    from billing.models import ReceiptLine

    if "bill_period" not in {f.attname for f in ReceiptLine._meta.concrete_fields}:
        queries = {k: v for k, v in queries.items() if not k.startswith("lines carry")}
    failures = []
    with connection.cursor() as cur:
        for name, sql in queries.items():
            cur.execute(sql)
            n = cur.fetchone()[0]
            if n:
                failures.append(f"{name}: {n} rows wrong")
    return failures


def truncate_billing(connection):
    """Empty every billing table (the append-only ones refuse TRUNCATE unless the triggers are off)."""
    from django.db import transaction

    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SET LOCAL session_replication_role = replica")
        cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 'billing\\_%%'")
        tables = [r[0] for r in cur.fetchall()]
        cur.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE")


def main(argv=None):
    args = parse_args(argv)
    t0 = time.perf_counter()
    url = bench_url(args.database_url, DEFAULT_DB)
    base_dataset(args, url)
    if args.reuse:
        from django.core.management import call_command
        from django.db import connection

        truncate_billing(connection)  # first: new migrations then build their indexes on empty tables
        call_command("migrate", verbosity=0, interactive=False)
    from django.db import connection, transaction

    t1 = time.perf_counter()
    print(f"\nbilling: {args.months} months into {url.rsplit('/', 1)[-1]}")
    with transaction.atomic():
        counts = load(connection, months=args.months)
    from billing.services.collection_totals import collection_totals_rebuild

    collection_totals_rebuild()  # the load ran with the triggers off (replica): fill the collection totals once
    t2 = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 'billing\\_%%'")
        for (table,) in cur.fetchall():
            cur.execute(f'VACUUM (ANALYZE) "{table}"')
    t3 = time.perf_counter()
    failures = check(connection)
    with connection.cursor() as cur:
        cur.execute("""SELECT count(*), count(*) FILTER (WHERE outstanding > 0),
                              sum(paid) / nullif(sum(amount), 0), min(period) FILTER (WHERE outstanding > 0)
                       FROM billing_bill""")
        n_bills, n_open, rate, oldest = cur.fetchone()
        cur.execute("SELECT pg_size_pretty(pg_database_size(current_database())), "
                    "pg_size_pretty(pg_total_relation_size('billing_bill'))")
        size, bill_size = cur.fetchone()
    print(f"  loaded in {t2 - t1:.1f} s, VACUUM ANALYZE {t3 - t2:.1f} s")
    for table, n in sorted(counts.items()):
        print(f"  {table:<34}{n:>10,}")
    print(f"  bills {n_bills:,}, outstanding {n_open:,} (oldest {oldest:%Y-%m}), collected {rate:.1%} of the amount billed")
    print(f"  checks: {'all passed' if not failures else '; '.join(failures)}")
    print(f"  database size: {size} (bills {bill_size}); TOTAL {time.perf_counter() - t0:.1f} s")
    if failures:
        sys.exit(1)


if __name__ == "__main__":
    main()
