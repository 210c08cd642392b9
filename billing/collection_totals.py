"""The collection rate's running totals (收费率 pre-aggregated): what ``billing.selectors.collection`` would
otherwise re-add from half a year of bills and receipt lines on every request.

Two tables, both derived, never edited by hand:

* ``billing_collectionbilltotal`` — per (community, building, bill month): the number of bills,
  Σ (amount − waived), Σ paid, Σ outstanding. The bills' state *now*.
* ``billing_collectionmovetotal`` — per (community, building, bill month, month of the move): the number of
  moves, what was paid (lines of receipts that are not void, by the receipt's business day; prepaid-balance
  applications, by their local day) and what was waived (waiver vouchers, by their business day) on bills
  of that month. Every boundary of the rate is a month start, so the month of the day is enough.

They are kept by PostgreSQL triggers in the same statement as the write (so in its transaction): one
statement-level trigger per writing operation, reading the statement's transition tables, adding the
difference with ``INSERT … ON CONFLICT DO UPDATE SET x = x + EXCLUDED.x`` (never read-modify-write), and
first taking a transaction advisory lock per building touched, in building order, so that two cashiers of
one building wait for each other instead of deadlocking on the two tables in opposite orders (a counter
payment writes bills then lines; a balance application writes entries then bills). Every writer of
bills, lines, voids, balance entries and vouchers — services, demo data, bench loaders, raw SQL — is
covered without being listed; TRUNCATE is not (``bench/billing_generate.py`` empties every ``billing_*``
table, these included).

``VERIFY_SQL`` recomputes both from scratch and lists the differences (``manage.py collection_totals``,
and the nightly beat task ``billing.tasks.collection_totals_verify`` logs any at ERROR);
``REBUILD_SQL`` rewrites them from scratch (the migration that created them ran it once).
"""

import pgtrigger
from django.conf import settings

BILL_TABLE = "billing_collectionbilltotal"
MOVE_TABLE = "billing_collectionmovetotal"

# pg_advisory_xact_lock(LOCK_SPACE, building_id): the building's totals are being changed by this transaction.
LOCK_SPACE = 1308

# The local day of a balance application (``created_at`` is a timestamp): the project's one time zone.
_TZ = settings.TIME_ZONE

# ---- from scratch: the reference (same rules as the selector's docstring) ------------------------------

BILL_SCRATCH_SQL = """
SELECT community_id, building_id, period, COUNT(*) AS bills, SUM(amount - waived) AS billed, SUM(paid) AS paid,
       SUM(outstanding) AS open
FROM billing_bill GROUP BY community_id, building_id, period
"""

MOVE_SCRATCH_SQL = f"""
SELECT community_id, building_id, bill_period, month, SUM(n) AS moves, SUM(paid) AS paid, SUM(waived) AS waived
FROM (
    SELECT l.community_id, l.building_id, l.bill_period, date_trunc('month', l.business_date)::date AS month,
           1 AS n, l.amount AS paid, 0 AS waived
    FROM billing_receiptline l
    WHERE l.kind = 'bill' AND l.community_id IS NOT NULL AND l.building_id IS NOT NULL
      AND l.bill_period IS NOT NULL AND l.business_date IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM billing_receiptvoid v WHERE v.receipt_id = l.receipt_id)
    UNION ALL
    SELECT e.community_id, e.building_id, e.bill_period,
           date_trunc('month', e.created_at AT TIME ZONE '{_TZ}')::date, 1, -e.amount, 0
    FROM billing_balanceentry e
    WHERE e.kind = 'apply' AND e.building_id IS NOT NULL AND e.bill_period IS NOT NULL
    UNION ALL
    SELECT w.community_id, b.building_id, b.period, date_trunc('month', w.business_date)::date, 1, 0, w.amount
    FROM billing_voucher w JOIN billing_bill b ON b.id = w.bill_id
    WHERE w.kind = 'waiver'
) m
GROUP BY community_id, building_id, bill_period, month
"""

REBUILD_SQL = f"""
LOCK TABLE {BILL_TABLE}, {MOVE_TABLE} IN EXCLUSIVE MODE;
DELETE FROM {BILL_TABLE};
DELETE FROM {MOVE_TABLE};
INSERT INTO {BILL_TABLE} (community_id, building_id, period, bills, billed, paid, open) {BILL_SCRATCH_SQL.strip()};
INSERT INTO {MOVE_TABLE} (community_id, building_id, bill_period, month, moves, paid, waived) {MOVE_SCRATCH_SQL.strip()};
ANALYZE {BILL_TABLE};
ANALYZE {MOVE_TABLE};
"""

# The differences (one row per key whose totals are not the from-scratch ones; a row of zeros equals none).
VERIFY_SQL = f"""
SELECT 'bill' AS what, community_id, building_id, period, NULL::date AS month,
       COALESCE(t.bills, 0) AS kept_n, COALESCE(s.bills, 0) AS scratch_n,
       ARRAY[t.billed, t.paid, t.open]::text AS kept, ARRAY[s.billed, s.paid, s.open]::text AS scratch
FROM {BILL_TABLE} t FULL JOIN ({BILL_SCRATCH_SQL}) s USING (community_id, building_id, period)
WHERE (COALESCE(t.bills, 0), COALESCE(t.billed, 0), COALESCE(t.paid, 0), COALESCE(t.open, 0))
      IS DISTINCT FROM (COALESCE(s.bills, 0), COALESCE(s.billed, 0), COALESCE(s.paid, 0), COALESCE(s.open, 0))
UNION ALL
SELECT 'move', community_id, building_id, bill_period, month, COALESCE(t.moves, 0), COALESCE(s.moves, 0),
       ARRAY[t.paid, t.waived]::text, ARRAY[s.paid, s.waived]::text
FROM {MOVE_TABLE} t FULL JOIN ({MOVE_SCRATCH_SQL}) s USING (community_id, building_id, bill_period, month)
WHERE (COALESCE(t.moves, 0), COALESCE(t.paid, 0), COALESCE(t.waived, 0))
      IS DISTINCT FROM (COALESCE(s.moves, 0), COALESCE(s.paid, 0), COALESCE(s.waived, 0))
ORDER BY 1, 2, 3, 4, 5
"""

# ---- the triggers' bodies (plpgsql; ``new_rows`` / ``old_rows`` are the statement's transition tables) ----


def _lock(source: str) -> str:
    return (f"PERFORM pg_advisory_xact_lock({LOCK_SPACE}, mod(b, 2147483647)::int) "
            f"FROM (SELECT DISTINCT building_id AS b FROM ({source}) s WHERE building_id IS NOT NULL ORDER BY 1) locks; ")


def _bill_upsert(delta: str) -> str:
    return _lock(delta) + (
        f"INSERT INTO {BILL_TABLE} AS t (community_id, building_id, period, bills, billed, paid, open) "
        f"SELECT community_id, building_id, period, SUM(n), SUM(billed), SUM(paid), SUM(open) FROM ({delta}) d "
        f"GROUP BY community_id, building_id, period ORDER BY building_id, period, community_id "
        f"ON CONFLICT (community_id, building_id, period) DO UPDATE SET bills = t.bills + EXCLUDED.bills, "
        f"billed = t.billed + EXCLUDED.billed, paid = t.paid + EXCLUDED.paid, open = t.open + EXCLUDED.open; "
        f"RETURN NULL;")


def _move_upsert(delta: str) -> str:
    return _lock(delta) + (
        f"INSERT INTO {MOVE_TABLE} AS t (community_id, building_id, bill_period, month, moves, paid, waived) "
        f"SELECT community_id, building_id, bill_period, month, SUM(n), SUM(paid), SUM(waived) FROM ({delta}) d "
        f"GROUP BY community_id, building_id, bill_period, month "
        f"ORDER BY building_id, bill_period, month, community_id "
        f"ON CONFLICT (community_id, building_id, bill_period, month) DO UPDATE SET moves = t.moves + EXCLUDED.moves, "
        f"paid = t.paid + EXCLUDED.paid, waived = t.waived + EXCLUDED.waived; "
        f"RETURN NULL;")


_BILL_COLS = "community_id, building_id, period, {sign}1 AS n, {sign}(amount - waived) AS billed, {sign}paid AS paid, " \
             "{sign}outstanding AS open"

BILL_INSERT = _bill_upsert(f"SELECT {_BILL_COLS.format(sign='')} FROM new_rows")
BILL_DELETE = _bill_upsert(f"SELECT {_BILL_COLS.format(sign='-')} FROM old_rows")
# Only the rows whose totals or keys changed (a bill run stamping its bills, say, changes nothing here).
BILL_UPDATE = _bill_upsert(
    f"SELECT {_BILL_COLS.format(sign='')} FROM new_rows WHERE id IN ("
    "SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id "
    "WHERE (n.community_id, n.building_id, n.period, n.amount, n.waived, n.paid, n.outstanding) IS DISTINCT FROM "
    "(o.community_id, o.building_id, o.period, o.amount, o.waived, o.paid, o.outstanding)) "
    f"UNION ALL SELECT {_BILL_COLS.format(sign='-')} FROM old_rows WHERE id IN ("
    "SELECT o.id FROM old_rows o JOIN new_rows n ON n.id = o.id "
    "WHERE (n.community_id, n.building_id, n.period, n.amount, n.waived, n.paid, n.outstanding) IS DISTINCT FROM "
    "(o.community_id, o.building_id, o.period, o.amount, o.waived, o.paid, o.outstanding))")

_LINE_MOVE = ("SELECT l.community_id, l.building_id, l.bill_period, date_trunc('month', l.business_date)::date AS month, "
              "{sign}1 AS n, {sign}l.amount AS paid, 0 AS waived FROM {lines} "
              "WHERE l.kind = 'bill' AND l.community_id IS NOT NULL AND l.building_id IS NOT NULL "
              "AND l.bill_period IS NOT NULL AND l.business_date IS NOT NULL")
RECEIPTLINE_INSERT = _move_upsert(
    _LINE_MOVE.format(sign="", lines="new_rows l")
    + " AND NOT EXISTS (SELECT 1 FROM billing_receiptvoid v WHERE v.receipt_id = l.receipt_id)")
RECEIPTVOID_INSERT = _move_upsert(
    _LINE_MOVE.format(sign="-", lines="billing_receiptline l JOIN new_rows v ON v.receipt_id = l.receipt_id"))
BALANCEENTRY_INSERT = _move_upsert(
    "SELECT community_id, building_id, bill_period, "
    f"date_trunc('month', created_at AT TIME ZONE '{_TZ}')::date AS month, 1 AS n, -amount AS paid, 0 AS waived "
    "FROM new_rows WHERE kind = 'apply' AND building_id IS NOT NULL AND bill_period IS NOT NULL")
VOUCHER_INSERT = _move_upsert(
    "SELECT w.community_id, b.building_id, b.period AS bill_period, "
    "date_trunc('month', w.business_date)::date AS month, 1 AS n, 0 AS paid, w.amount AS waived "
    "FROM new_rows w JOIN billing_bill b ON b.id = w.bill_id WHERE w.kind = 'waiver'")


def _after(name: str, operation, func: str, *, old: bool = False, new: bool = False) -> pgtrigger.Trigger:
    return pgtrigger.Trigger(name=name, operation=operation, level=pgtrigger.Statement, when=pgtrigger.After,
                             referencing=pgtrigger.Referencing(old="old_rows" if old else None,
                                                               new="new_rows" if new else None),
                             func=func)


# Registered on the models (``@pgtrigger.register(*BILL_TRIGGERS)``); PostgreSQL allows transition tables only on
# a trigger of one operation, hence three for the bills.
BILL_TRIGGERS = [
    _after("collection_bill_insert", pgtrigger.Insert, BILL_INSERT, new=True),
    _after("collection_bill_update", pgtrigger.Update, BILL_UPDATE, old=True, new=True),
    _after("collection_bill_delete", pgtrigger.Delete, BILL_DELETE, old=True),
]
RECEIPTLINE_TRIGGER = _after("collection_line_insert", pgtrigger.Insert, RECEIPTLINE_INSERT, new=True)
RECEIPTVOID_TRIGGER = _after("collection_void_insert", pgtrigger.Insert, RECEIPTVOID_INSERT, new=True)
BALANCEENTRY_TRIGGER = _after("collection_balance_insert", pgtrigger.Insert, BALANCEENTRY_INSERT, new=True)
VOUCHER_TRIGGER = _after("collection_voucher_insert", pgtrigger.Insert, VOUCHER_INSERT, new=True)
