"""Generate the repairs benchmark data set: 1M tickets with their status changes, clocks and callbacks
over 100k units, in a dedicated database.

    python bench/repairs_generate.py                       # 100,000 units, 1,000,000 tickets
    python bench/repairs_generate.py --units 5000 --tickets 50000      # small, quick
    python bench/repairs_generate.py --reuse              # keep the units, regenerate only the tickets

Database: ``fd_bench_tickets`` on the server named by ``DATABASE_URL`` (or ``--database-url``). Without
``--reuse`` it is DROPPED and recreated, migrated and filled with the units, people and vehicles of
``bench/generate.py`` (same generator, same seed). Then the tickets are generated **server-side**
(``INSERT … SELECT`` over ``generate_series`` with ``setseed``: deterministic, no round trips).

Bench-only shortcut (as in bench/generate.py): the ticket load runs with
``SET LOCAL session_replication_role = replica``, which switches off the pghistory triggers and the
FK checks (every id is consistent by construction). No history events are written for the tickets:
the board and intake do not read them.

Tickets are numbered and written in order of creation (their status changes, clocks and callbacks
too), as they are in production: a date range is a contiguous stretch of each table.

What it builds: 10 categories and two teams per community, an engineer ``bench_engineer``; tickets
over two years (75 % repairs, 18 % complaints, 7 % enquiries), 5 % of them open (the last two
weeks, in every open state), the rest closed, cancelled or awaiting the callback; every status change
a legal move (paths checked against ``Ticket.TRANSITIONS``); a dispatch clock per repair (met on time
or late), a 24-hour clock per complaint, a callback clock and a ``Callback`` (done with a satisfaction
1–5, or to do) for every completed repair and answered complaint.
"""

import argparse
import datetime
import sys
import time
from itertools import pairwise
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import db  # noqa: E402
from db import base_dataset  # noqa: E402

DEFAULT_DB = "fd_bench_tickets"
ENGINEER = "bench_engineer"
OPEN_SHARE = 0.05

# (kind, path from "new", weight among the open / among the finished tickets of that kind)
N, D, A, OS, H, C, CB, CL, RO, CA = ("new", "dispatched", "accepted", "on_site", "on_hold", "completed",
                                     "callback_done", "closed", "reopened", "cancelled")
AS, IP, RP = "assigned", "in_progress", "replied"
OPEN_PATHS = {
    "repair": [([N], 3), ([N, D], 3), ([N, D, A], 3), ([N, D, A, OS], 2), ([N, D, A, H], 1), ([N, D, A, OS, C], 4),
               ([N, D, A, OS, C, RO], 1)],
    "complaint": [([N], 1), ([N, AS], 2), ([N, AS, IP], 3), ([N, AS, IP, H], 1), ([N, AS, IP, RP], 2)],
    "enquiry": [([N], 1), ([N, RP], 1)],
    # issue 12: paid home services (their time confirmed as they are dispatched) and suggestions
    "service": [([N], 3), ([N, D], 3), ([N, D, A], 2), ([N, D, A, OS], 2), ([N, D, A, OS, C], 4)],
    "suggestion": [([N], 1), ([N, AS], 2), ([N, AS, RP], 2)],
}
DONE_PATHS = {
    "repair": [([N, D, A, OS, C, CB, CL], 85), ([N, D, A, OS, C, CB], 5), ([N, CA], 5), ([N, D, CA], 3),
               ([N, D, A, OS, C, RO, D, A, OS, C, CB, CL], 2)],
    "complaint": [([N, AS, IP, RP, CB, CL], 90), ([N, AS, IP, RP, CB], 5), ([N, CA], 5)],
    "enquiry": [([N, RP, CL], 95), ([N, CA], 5)],
    "service": [([N, D, A, OS, C, CB, CL], 90), ([N, CA], 10)],
    "suggestion": [([N, AS, RP, CB, CL], 95), ([N, CA], 5)],
}
CATEGORIES = ["水电维修", "电气", "门窗", "电梯", "公共设施", "保洁环境", "噪音", "安全", "停车", "其他"]
REPAIR_TEXT = ["厨房水龙头漏水", "卫生间下水道堵塞", "客厅灯不亮", "插座没电", "入户门锁芯坏了", "窗户关不严",
               "阳台地漏返味", "热水器进水管渗水", "墙面渗水发霉", "楼道声控灯不亮"]
COMPLAINT_TEXT = ["楼上夜间装修噪音", "楼道垃圾未及时清运", "车位被他人占用", "报修三天无人上门", "陌生人随意进出单元门"]
ENQUIRY_TEXT = ["咨询物业费缴纳方式", "建议增设快递柜", "咨询装修申请流程"]
SERVICE_TEXT = ["家居清洁", "擦玻璃", "油烟机清洗", "地板打蜡"]
SUGGESTION_TEXT = ["建议增设充电桩", "建议延长会所开放时间", "建议增加垃圾分类指引牌"]


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--units", type=int, default=100_000)
    p.add_argument("--tickets", type=int, default=1_000_000)
    p.add_argument("--communities", type=int, default=5)
    p.add_argument("--database-url", default=None)
    p.add_argument("--reuse", action="store_true", help="keep the database and its units; regenerate the tickets")
    return p.parse_args(argv)


def bench_url(explicit):
    """This data set's database (``fd_bench_tickets``) on DATABASE_URL's server, or ``explicit``."""
    return db.bench_url(explicit, DEFAULT_DB)


def _check_paths():
    from repairs.models import Ticket

    for table in (OPEN_PATHS, DONE_PATHS):
        for kind, paths in table.items():
            for path, _w in paths:
                for a, b in pairwise(path):
                    assert b in Ticket.TRANSITIONS[kind][a], (kind, a, b)


def _path_rows():
    """rp_paths rows: (id, kind, is_open, lo, hi, path) with [lo, hi) a slice of [0, 1) by weight."""
    rows, pid = [], 0
    for is_open, table in ((True, OPEN_PATHS), (False, DONE_PATHS)):
        for kind, paths in table.items():
            total = sum(w for _p, w in paths)
            lo = 0.0
            for path, w in paths:
                pid += 1
                hi = lo + w / total
                rows.append((pid, kind, is_open, lo, 1.000001 if hi > 0.99999 else hi, path))
                lo = hi
    return rows


def _at(name):
    """SQL: the moment the ticket first reached ``name`` on its path (NULL when it never did)."""
    return (f"CASE WHEN array_position(p.path, '{name}') IS NOT NULL "
            f"THEN k.created + (array_position(p.path, '{name}') - 1) * k.step END")


def _last_at(name):
    """The last time it reached ``name`` (a reopened and redone repair reaches 'completed' twice)."""
    return (f"(SELECT k.created + (max(i) - 1) * k.step FROM generate_subscripts(p.path, 1) i "
            f"WHERE p.path[i] = '{name}')")


def generate_tickets(connection, n_tickets, now):
    from django.contrib.auth import get_user_model
    from django.core.management.color import no_style

    from frontdesk.models import Community
    from repairs.models import (
        Callback,
        Category,
        Clock,
        ClockSettings,
        Team,
        Ticket,
        TicketStatusChange,
    )

    User = get_user_model()
    clerk = User.objects.get(username="bench")
    engineer, _c = User.objects.get_or_create(username=ENGINEER, defaults={"role": "engineer", "full_name": "基准工程师"})
    communities = list(Community.objects.order_by("id"))
    engineer.communities.set(communities)
    for c in communities:
        ClockSettings.objects.get_or_create(community=c)
        for i, name in enumerate(CATEGORIES):
            Category.objects.get_or_create(community=c, name=name, defaults={"sort_order": (i + 1) * 10})
        team, _c = Team.objects.get_or_create(community=c, name="工程部")
        team.members.add(engineer)
        Team.objects.get_or_create(community=c, name="客服部")
    with connection.cursor() as cur:
        cur.execute("SELECT max(id) FROM frontdesk_unit")
        n_units = cur.fetchone()[0]
        cur.execute("SET LOCAL session_replication_role = replica")
        cur.execute("SET LOCAL synchronous_commit = off")
        cur.execute("SET LOCAL work_mem = '256MB'")
        cur.execute("SET LOCAL maintenance_work_mem = '512MB'")
        cur.execute("CREATE TEMP TABLE rp_paths (id int, kind text, is_open bool, lo float, hi float, path text[]) "
                    "ON COMMIT DROP")
        cur.executemany("INSERT INTO rp_paths VALUES (%s, %s, %s, %s, %s, %s)", _path_rows())
        cur.execute("CREATE TEMP TABLE rp_cat ON COMMIT DROP AS SELECT community_id, row_number() OVER "
                    "(PARTITION BY community_id ORDER BY sort_order, id) AS idx, id FROM repairs_category")
        cur.execute("CREATE TEMP TABLE rp_team ON COMMIT DROP AS SELECT community_id, "
                    "min(id) FILTER (WHERE name = '工程部') AS eng, "
                    "min(id) FILTER (WHERE name = '客服部') AS svc FROM repairs_team GROUP BY community_id")
        cur.execute("SELECT setseed(0.2026)")
        t0 = time.perf_counter()
        # one row per ticket: its unit, kind, path, creation time and step between moves
        cur.execute(f"""
            CREATE TEMP TABLE rp_tk0 ON COMMIT DROP AS
            WITH base AS (
                SELECT g, random() AS r1, random() AS r2, random() AS r3, random() AS r4, random() AS r5
                FROM generate_series(1, %(n)s) g
            ), b AS (
                SELECT g, r1, r2, r5, 1 + floor(r4 * %(units)s)::int AS unit_id, r5 < {OPEN_SHARE} AS is_open,
                       CASE WHEN r3 < 0.72 THEN 'repair' WHEN r3 < 0.88 THEN 'complaint' WHEN r3 < 0.93 THEN 'enquiry'
                            WHEN r3 < 0.97 THEN 'service' ELSE 'suggestion' END AS kind
                FROM base
            )
            SELECT b.g AS id, b.kind, b.unit_id, p.id AS path_id, (b.g %% 37 + 2) * interval '1 minute' AS step,
                   %(now)s::timestamptz - CASE WHEN b.is_open THEN b.r1 * interval '14 days'
                                               ELSE interval '15 days' + b.r1 * interval '715 days' END AS created
            FROM b JOIN rp_paths p ON p.kind = b.kind AND p.is_open = b.is_open AND b.r2 >= p.lo AND b.r2 < p.hi
        """, {"n": n_tickets, "units": n_units, "now": now})
        # keep every move in the past
        cur.execute("UPDATE rp_tk0 k SET created = %(now)s::timestamptz - (array_length(p.path, 1) + 1) * k.step "
                    "FROM rp_paths p WHERE p.id = k.path_id "
                    "AND k.created + (array_length(p.path, 1) - 1) * k.step > %(now)s::timestamptz", {"now": now})
        # ids in order of creation, and every table below written in that order: as in production, where
        # tickets, clocks and callbacks are inserted as they happen, so a date range is a contiguous
        # stretch of the table (the statistics page depends on it; a random order made every date range
        # touch nearly every page)
        cur.execute("CREATE TEMP TABLE rp_tk ON COMMIT DROP AS SELECT row_number() OVER (ORDER BY created, id) AS id, "
                    "kind, unit_id, path_id, step, created FROM rp_tk0")
        cur.execute("ALTER TABLE rp_tk ADD PRIMARY KEY (id)")
        print(f"  plan: {time.perf_counter() - t0:.1f} s")

        t = time.perf_counter()
        last = "k.created + (array_length(p.path, 1) - 1) * k.step"
        status = "p.path[array_length(p.path, 1)]"
        texts = {"repair": REPAIR_TEXT, "complaint": COMPLAINT_TEXT, "enquiry": ENQUIRY_TEXT, "service": SERVICE_TEXT,
                 "suggestion": SUGGESTION_TEXT}
        desc = "CASE k.kind " + " ".join(
            f"WHEN '{kind}' THEN (ARRAY[{', '.join(repr(x) for x in lst)}])[1 + mod(k.id, {len(lst)})]"
            for kind, lst in texts.items()) + " END"
        cur.execute(f"""
            INSERT INTO repairs_ticket (id, community_id, number, kind, channel, unit_id, location, building_id,
                contact_name, contact_phone, category_id, description, urgency, is_paid, status, assignee_id, team_id,
                created_by_id, created_at, dispatched_at, accepted_at, arrived_at, completed_at, replied_at, closed_at,
                last_activity_at, hold_reason, on_hold_since, is_overdue, work_done, materials, labour_minutes,
                owner_confirmation, owner_signature, cancel_reason)
            SELECT k.id, u.community_id,
                   CASE k.kind WHEN 'repair' THEN 'BX' WHEN 'complaint' THEN 'TS' WHEN 'service' THEN 'FW'
                               WHEN 'suggestion' THEN 'JY' ELSE 'ZX' END || '-'
                       || to_char(k.created AT TIME ZONE 'Asia/Shanghai', 'YYYYMMDD') || '-' || lpad(k.id::text, 7, '0'),
                   k.kind, (ARRAY['phone','phone','phone','walk_in','patrol','letter'])[1 + mod(k.id, 6)],
                   u.id, '', u.building_id, '业主' || mod(k.id, 997),
                   '138' || lpad(mod(k.id::bigint * 7919, 100000000)::text, 8, '0'),
                   c.id, {desc}, CASE WHEN k.kind = 'repair' AND mod(k.id, 10) = 0 THEN 'urgent' ELSE 'normal' END,
                   false, {status},
                   CASE WHEN 'dispatched' = ANY(p.path) THEN %(eng)s WHEN 'assigned' = ANY(p.path) THEN %(clerk)s END,
                   CASE WHEN 'dispatched' = ANY(p.path) THEN tm.eng WHEN 'assigned' = ANY(p.path) THEN tm.svc END,
                   %(clerk)s, k.created, {_at('dispatched')}, {_last_at('accepted')}, {_last_at('on_site')},
                   {_last_at('completed')}, {_at('replied')}, {_at('closed')}, {last},
                   CASE WHEN {status} = 'on_hold' THEN '等配件到货' ELSE '' END,
                   CASE WHEN {status} = 'on_hold' THEN {last} END,
                   p.is_open AND ((k.kind = 'repair' AND {status} = 'new'
                                   AND k.created < %(now)s::timestamptz - interval '3 minutes')
                                  OR (k.kind = 'service' AND {status} = 'new'
                                      AND k.created < %(now)s::timestamptz - interval '2 hours')
                                  OR (k.kind = 'complaint' AND {status} IN ('new', 'assigned', 'in_progress')
                                      AND k.created < %(now)s::timestamptz - interval '24 hours')),
                   CASE WHEN 'completed' = ANY(p.path) THEN '已修复' ELSE '' END, '',
                   CASE WHEN 'completed' = ANY(p.path) THEN 30 END,
                   CASE WHEN 'completed' = ANY(p.path) THEN '业主' ELSE '' END, '',
                   CASE WHEN {status} = 'cancelled' THEN '业主已自行修好' ELSE '' END
            FROM rp_tk k JOIN rp_paths p ON p.id = k.path_id JOIN frontdesk_unit u ON u.id = k.unit_id
                 JOIN rp_cat c ON c.community_id = u.community_id AND c.idx = 1 + mod(k.id * 31, 10)
                 JOIN rp_team tm ON tm.community_id = u.community_id
            ORDER BY k.id
        """, {"eng": engineer.pk, "clerk": clerk.pk, "now": now})
        print(f"  tickets: {cur.rowcount} in {time.perf_counter() - t:.1f} s")

        t = time.perf_counter()
        cur.execute("""
            INSERT INTO repairs_ticketstatuschange (ticket_id, from_status, to_status, actor_id, note, at)
            SELECT k.id, p.path[i - 1], p.path[i],
                   CASE WHEN p.path[i] IN ('accepted', 'on_site', 'completed', 'on_hold') THEN %(eng)s ELSE %(clerk)s END,
                   '', k.created + (i - 1) * k.step
            FROM rp_tk k JOIN rp_paths p ON p.id = k.path_id CROSS JOIN LATERAL generate_subscripts(p.path, 1) i
            WHERE i > 1
            ORDER BY k.created + (i - 1) * k.step, k.id
        """, {"eng": engineer.pk, "clerk": clerk.pk})
        print(f"  status changes: {cur.rowcount} in {time.perf_counter() - t:.1f} s")

        t = time.perf_counter()
        # dispatch clock (repairs) and complaint clock: met when dispatched / answered, cancelled when
        # cancelled first, breached when late or still open past the deadline
        cur.execute(f"""
            INSERT INTO repairs_clock (ticket_id, kind, started_at, due_at, warn_at, met_at, cancelled_at, paused_at,
                                       warned_at, breached_at, owner_informed_note)
            SELECT x.id, x.kind, x.created, x.due, x.created + (x.due - x.created) * 0.67, x.met,
                   CASE WHEN x.met IS NULL THEN x.finished END, x.paused,
                   CASE WHEN coalesce(x.met, x.finished, x.paused, %(now)s::timestamptz) >= x.created + (x.due - x.created) * 0.67
                        THEN x.created + (x.due - x.created) * 0.67 END,
                   CASE WHEN coalesce(x.met, x.finished, x.paused, %(now)s::timestamptz) > x.due THEN x.due END, ''
            FROM (
                SELECT k.id, CASE k.kind WHEN 'repair' THEN 'dispatch' WHEN 'service' THEN 'confirm'
                                         ELSE 'complaint' END AS kind, k.created,
                       k.created + CASE k.kind WHEN 'repair' THEN interval '3 minutes' WHEN 'service' THEN interval '2 hours'
                                               ELSE interval '24 hours' END AS due,
                       CASE WHEN k.kind IN ('repair', 'service') THEN {_at('dispatched')} ELSE {_at('replied')} END AS met,
                       coalesce({_at('cancelled')}, {_at('closed')}) AS finished,
                       CASE WHEN p.path[array_length(p.path, 1)] = 'on_hold' AND k.kind = 'complaint'
                            THEN k.created + (array_length(p.path, 1) - 1) * k.step END AS paused
                FROM rp_tk k JOIN rp_paths p ON p.id = k.path_id WHERE k.kind IN ('repair', 'complaint', 'service')
            ) x
            ORDER BY x.created, x.id
        """, {"now": now})
        n_clocks = cur.rowcount
        # callback clock and callback: from the (last) completion / answer; done at callback_done or reopened
        cur.execute(f"""
            CREATE TEMP TABLE rp_cb ON COMMIT DROP AS
            SELECT k.id, u.community_id, done, done + interval '8 hours' AS due,
                   coalesce({_last_at('callback_done')},
                            CASE WHEN p.path[array_length(p.path, 1)] = 'reopened' THEN {_last_at('reopened')} END) AS finished,
                   p.path[array_length(p.path, 1)] AS status
            FROM rp_tk k JOIN rp_paths p ON p.id = k.path_id JOIN frontdesk_unit u ON u.id = k.unit_id
                 CROSS JOIN LATERAL (SELECT coalesce({_last_at('completed')}, {_last_at('replied')}) AS done) d
            WHERE k.kind IN ('repair', 'complaint', 'service', 'suggestion') AND d.done IS NOT NULL
        """)
        cur.execute("""
            INSERT INTO repairs_clock (ticket_id, kind, started_at, due_at, warn_at, met_at, cancelled_at, warned_at,
                                       breached_at, owner_informed_note)
            SELECT id, 'callback', done, due, done + (due - done) * 0.67, finished, NULL,
                   CASE WHEN coalesce(finished, %(now)s::timestamptz) >= done + (due - done) * 0.67
                        THEN done + (due - done) * 0.67 END,
                   CASE WHEN coalesce(finished, %(now)s::timestamptz) > due THEN due END, ''
            FROM rp_cb ORDER BY done, id
        """, {"now": now})
        n_clocks += cur.rowcount
        cur.execute("""
            INSERT INTO repairs_callback (ticket_id, community_id, due_at, status, satisfaction, outcome, comment,
                                          done_by_id, done_at)
            SELECT id, community_id, due, CASE WHEN finished IS NULL THEN 'pending' ELSE 'done' END,
                   CASE WHEN finished IS NULL THEN NULL WHEN status = 'reopened' THEN 1 + id %% 2
                        ELSE (ARRAY[5,5,5,5,5,5,5,5,5,5,5,4,4,4,4,4,3,3,2,1])[1 + id * 13 %% 20] END,
                   CASE WHEN finished IS NULL THEN '' WHEN status = 'reopened' THEN 'reopen' ELSE 'satisfied' END,
                   '', CASE WHEN finished IS NOT NULL THEN %(clerk)s END, finished
            FROM rp_cb ORDER BY done, id
        """, {"clerk": clerk.pk})
        n_callbacks = cur.rowcount
        print(f"  clocks: {n_clocks}, callbacks: {n_callbacks} in {time.perf_counter() - t:.1f} s")
        for sql in connection.ops.sequence_reset_sql(no_style(), [Ticket, TicketStatusChange, Clock, Callback]):
            cur.execute(sql)
        cur.execute("SET LOCAL session_replication_role = DEFAULT")


def main(argv=None):
    args = parse_args(argv)
    t0 = time.perf_counter()
    url = bench_url(args.database_url)
    base_dataset(args, url)
    from django.db import connection, transaction

    _check_paths()
    now = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    t1 = time.perf_counter()
    print(f"\nrepairs: {args.tickets} tickets into {urlsplit(url).path.lstrip('/')}")
    with transaction.atomic():
        with connection.cursor() as cur:
            cur.execute("TRUNCATE repairs_callbackattempt, repairs_callback, repairs_charge, repairs_clock, "
                        "repairs_ticketphoto, repairs_ticketstatuschange, repairs_ticket, repairs_savedfilter CASCADE")
        generate_tickets(connection, args.tickets, now)
    t2 = time.perf_counter()
    with connection.cursor() as cur:
        for table in ("repairs_ticket", "repairs_ticketstatuschange", "repairs_clock", "repairs_callback"):
            cur.execute(f"VACUUM (ANALYZE) {table}")
        cur.execute("SELECT relname, n_live_tup FROM pg_stat_user_tables WHERE relname LIKE 'repairs\\_%%' "
                    "AND n_live_tup > 0 ORDER BY relname")
        rows = cur.fetchall()
        cur.execute("SELECT status, count(*) FROM repairs_ticket GROUP BY status ORDER BY 2 DESC")
        statuses = cur.fetchall()
        cur.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cur.fetchone()[0]
    print(f"  tickets loaded in {t2 - t1:.1f} s, VACUUM ANALYZE {time.perf_counter() - t2:.1f} s")
    for relname, n in rows:
        print(f"  {relname:<34}{n:>10}")
    print("  by status: " + ", ".join(f"{s} {n}" for s, n in statuses))
    print(f"  database size: {size}; TOTAL {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
