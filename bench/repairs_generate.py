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
over two years of every kind in ``Ticket.Kind`` at run time (65 % repairs, 15 % complaints, 5 % enquiries,
the other 15 % split evenly over the newer kinds: utility hand-offs, paid home services, suggestions, …),
5 % of them open (the last two weeks, in every open state), the rest closed, cancelled or awaiting the
callback; every status change a legal move (paths checked against ``Ticket.TRANSITIONS``; a kind this
file has no paths for gets them from the table: the shortest walk from "new" to "closed", its open
prefixes and "new → cancelled"); numbers with ``Ticket.PREFIX``; a dispatch clock per repair (met on time
or late), a 24-hour clock per complaint, a 2-day "forward" clock per hand-off and a 2-hour "confirm" clock
per paid service (each only if that ``Clock.Kind`` exists), a callback clock and a ``Callback`` (done with
a satisfaction 1–5, or to do) for every completed or answered ticket of a kind that has callbacks; a
provider with two request types per community and the ``Handoff`` row of every hand-off (the ticket page
joins it), and when ``ServiceItem`` exists one price-list line per community on every paid service.
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
}
DONE_PATHS = {
    "repair": [([N, D, A, OS, C, CB, CL], 85), ([N, D, A, OS, C, CB], 5), ([N, CA], 5), ([N, D, CA], 3),
               ([N, D, A, OS, C, RO, D, A, OS, C, CB, CL], 2)],
    "complaint": [([N, AS, IP, RP, CB, CL], 90), ([N, AS, IP, RP, CB], 5), ([N, CA], 5)],
    "enquiry": [([N, RP, CL], 95), ([N, CA], 5)],
}
# the newer kinds (issue 12), used only when ``Ticket.Kind`` has them
FW = "forwarded"
OPEN_PATHS.update({
    "handoff": [([N], 2), ([N, FW], 3), ([N, FW, C], 1)],
    "service": [([N], 2), ([N, D], 2), ([N, D, A], 3), ([N, D, A, OS], 2), ([N, D, A, OS, C], 3)],
    "suggestion": [([N], 1), ([N, AS], 2), ([N, AS, RP], 1)],
})
DONE_PATHS.update({
    "handoff": [([N, FW, C, CB, CL], 90), ([N, FW, C, CB], 3), ([N, CA], 4), ([N, FW, CA], 3)],
    "service": [([N, D, A, OS, C, CB, CL], 85), ([N, D, A, OS, C, CB], 5), ([N, CA], 7), ([N, D, CA], 3)],
    "suggestion": [([N, AS, RP, CB, CL], 90), ([N, AS, RP, CB], 5), ([N, CA], 5)],
})
# share of all tickets; every other kind of Ticket.Kind shares what is left equally
KIND_WEIGHTS = {"repair": 0.65, "complaint": 0.15, "enquiry": 0.05}
PREFIXES = {"repair": "BX", "complaint": "TS", "enquiry": "ZX", "handoff": "DB", "service": "FW", "suggestion": "JY"}
# a clock from creation for the newer kinds: (Clock kind, duration, met on reaching this status)
NEW_KIND_CLOCKS = {"handoff": ("forward", "2 days", FW), "service": ("confirm", "2 hours", D)}
CATEGORIES = ["水电维修", "电气", "门窗", "电梯", "公共设施", "保洁环境", "噪音", "安全", "停车", "其他"]
REPAIR_TEXT = ["厨房水龙头漏水", "卫生间下水道堵塞", "客厅灯不亮", "插座没电", "入户门锁芯坏了", "窗户关不严",
               "阳台地漏返味", "热水器进水管渗水", "墙面渗水发霉", "楼道声控灯不亮"]
COMPLAINT_TEXT = ["楼上夜间装修噪音", "楼道垃圾未及时清运", "车位被他人占用", "报修三天无人上门", "陌生人随意进出单元门"]
ENQUIRY_TEXT = ["咨询物业费缴纳方式", "建议增设快递柜", "咨询装修申请流程"]
KIND_TEXT = {
    "repair": REPAIR_TEXT, "complaint": COMPLAINT_TEXT, "enquiry": ENQUIRY_TEXT,
    "handoff": ["宽带网络 · 开通", "宽带网络 · 资费变更", "有线电视 · 开通", "有线电视 · 暂停"],
    "service": ["家居清洁 2小时", "擦玻璃 20平方米", "疏通下水道", "更换水龙头"],
    "suggestion": ["建议增设快递柜", "建议增加夜间巡逻", "建议小区增设儿童游乐设施"],
}
PROVIDERS = [("宽带网络公司", "network", ["开通", "资费变更"]), ("有线电视公司", "cable_tv", ["开通", "暂停"])]


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


def _kinds():
    """Every kind of ``Ticket.Kind`` at run time, with its share of the tickets."""
    from repairs.models import Ticket

    kinds = [str(k) for k in Ticket.Kind.values]
    rest = [k for k in kinds if k not in KIND_WEIGHTS]
    fixed = {k: w for k, w in KIND_WEIGHTS.items() if k in kinds}
    share = (1 - sum(fixed.values())) / len(rest) if rest else 0
    weights = {k: fixed.get(k, share) for k in kinds}
    total = sum(weights.values())  # 1 unless an old kind is gone
    return {k: w / total for k, w in weights.items()}


def _walk(table, start, goal):
    """The shortest walk from ``start`` to ``goal`` in one kind's transition table (None if there is none)."""
    seen, queue = {start}, [[start]]
    while queue:
        path = queue.pop(0)
        if path[-1] == goal:
            return path
        for nxt in sorted(map(str, table.get(path[-1], ()))):
            if nxt not in seen:
                seen.add(nxt)
                queue.append(path + [nxt])
    return None


def _paths():
    """(open paths, finished paths) for every kind at run time: this file's tables, or, for a kind they do
    not know, walks of ``Ticket.TRANSITIONS``."""
    from repairs.models import Ticket

    open_paths, done_paths = {}, {}
    for kind in _kinds():
        if kind in OPEN_PATHS and kind in DONE_PATHS:
            open_paths[kind], done_paths[kind] = OPEN_PATHS[kind], DONE_PATHS[kind]
            continue
        table = {str(a): {str(b) for b in bs} for a, bs in Ticket.TRANSITIONS[kind].items()}
        happy = _walk(table, N, CL) or [N]
        open_paths[kind] = [(happy[:i], 1) for i in range(1, len(happy)) if happy[i - 1] in Ticket.OPEN_STATUSES] \
            or [([N], 1)]
        done_paths[kind] = [(happy, 95)] + ([([N, CA], 5)] if CA in table.get(N, ()) else [])
    return open_paths, done_paths


def _check_paths():
    from repairs.models import Ticket

    for table in _paths():
        for kind, paths in table.items():
            for path, _w in paths:
                for a, b in pairwise(path):
                    assert b in Ticket.TRANSITIONS[kind][a], (kind, a, b)


def _path_rows():
    """rp_paths rows: (id, kind, is_open, lo, hi, path) with [lo, hi) a slice of [0, 1) by weight."""
    rows, pid = [], 0
    open_paths, done_paths = _paths()
    for is_open, table in ((True, open_paths), (False, done_paths)):
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
    kinds = _kinds()
    # the kind of each ticket: [lo, hi) slices of [0, 1) by share
    kind_case, lo = "CASE", 0.0
    for kind, share in kinds.items():
        lo += share
        kind_case += f" WHEN r3 < {lo:.6f} THEN '{kind}'"
    kind_case += f" ELSE '{list(kinds)[-1]}' END"
    prefixes = {**PREFIXES, **{str(k): v for k, v in getattr(Ticket, "PREFIX", {}).items()}}
    number_prefix = "CASE k.kind " + " ".join(f"WHEN '{k}' THEN '{prefixes.get(k, k[:2].upper())}'" for k in kinds) + " END"
    clock_kinds = set(Clock.Kind.values)
    new_clocks = {k: v for k, v in NEW_KIND_CLOCKS.items() if k in kinds and v[0] in clock_kinds}
    # kinds whose tickets get a callback once completed or answered
    callback_kinds = [k for k in kinds if "callback_done" in {str(b) for bs in Ticket.TRANSITIONS[k].values() for b in bs}]
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
    if "handoff" in kinds:
        _providers(communities, clerk, now)
    service_items = _service_items(communities, clerk, now) if "service" in kinds else False
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
                       {kind_case} AS kind
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
        texts = {k: KIND_TEXT.get(k) or [str(Ticket.Kind(k).label)] for k in kinds}
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
                   {number_prefix} || '-'
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
                                  OR (k.kind = 'complaint' AND {status} IN ('new', 'assigned', 'in_progress')
                                      AND k.created < %(now)s::timestamptz - interval '24 hours')
                                  {"".join(f"OR (k.kind = '{k}' AND {status} = 'new' AND k.created < "
                                           f"%(now)s::timestamptz - interval '{d}')"
                                           for k, (_c, d, _m) in new_clocks.items())}),
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
            INSERT INTO repairs_clock (ticket_id, community_id, kind, started_at, due_at, warn_at, met_at, cancelled_at,
                                       paused_at, warned_at, breached_at, owner_informed_note)
            SELECT x.id, x.community_id, x.kind, x.created, x.due, x.created + (x.due - x.created) * 0.67, x.met,
                   CASE WHEN x.met IS NULL THEN x.finished END, x.paused,
                   CASE WHEN coalesce(x.met, x.finished, x.paused, %(now)s::timestamptz) >= x.created + (x.due - x.created) * 0.67
                        THEN x.created + (x.due - x.created) * 0.67 END,
                   CASE WHEN coalesce(x.met, x.finished, x.paused, %(now)s::timestamptz) > x.due THEN x.due END, ''
            FROM (
                SELECT k.id, u.community_id, CASE k.kind WHEN 'repair' THEN 'dispatch' ELSE 'complaint' END AS kind,
                       k.created,
                       k.created + CASE k.kind WHEN 'repair' THEN interval '3 minutes' ELSE interval '24 hours' END AS due,
                       CASE k.kind WHEN 'repair' THEN {_at('dispatched')} ELSE {_at('replied')} END AS met,
                       coalesce({_at('cancelled')}, {_at('closed')}) AS finished,
                       CASE WHEN p.path[array_length(p.path, 1)] = 'on_hold' AND k.kind = 'complaint'
                            THEN k.created + (array_length(p.path, 1) - 1) * k.step END AS paused
                FROM rp_tk k JOIN rp_paths p ON p.id = k.path_id JOIN frontdesk_unit u ON u.id = k.unit_id
                WHERE k.kind IN ('repair', 'complaint')
            ) x
            ORDER BY x.created, x.id
        """, {"now": now})
        n_clocks = cur.rowcount
        for kind, (clock_kind, duration, met_on) in new_clocks.items():
            # the newer kinds' clock from creation: met on reaching ``met_on``, else cancelled when finished
            cur.execute(f"""
                INSERT INTO repairs_clock (ticket_id, community_id, kind, started_at, due_at, warn_at, met_at,
                                           cancelled_at, warned_at, breached_at, owner_informed_note)
                SELECT x.id, x.community_id, %(clock)s, x.created, x.due, x.created + (x.due - x.created) * 0.67, x.met,
                       CASE WHEN x.met IS NULL THEN x.finished END,
                       CASE WHEN coalesce(x.met, x.finished, %(now)s::timestamptz) >= x.created + (x.due - x.created) * 0.67
                            THEN x.created + (x.due - x.created) * 0.67 END,
                       CASE WHEN coalesce(x.met, x.finished, %(now)s::timestamptz) > x.due THEN x.due END, ''
                FROM (
                    SELECT k.id, u.community_id, k.created, k.created + interval '{duration}' AS due,
                           {_at(met_on)} AS met, coalesce({_at('cancelled')}, {_at('closed')}) AS finished
                    FROM rp_tk k JOIN rp_paths p ON p.id = k.path_id JOIN frontdesk_unit u ON u.id = k.unit_id
                    WHERE k.kind = %(kind)s
                ) x
                ORDER BY x.created, x.id
            """, {"now": now, "clock": clock_kind, "kind": kind})
            n_clocks += cur.rowcount
        # callback clock and callback: from the (last) completion / answer; done at callback_done or reopened
        cur.execute(f"""
            CREATE TEMP TABLE rp_cb ON COMMIT DROP AS
            SELECT k.id, u.community_id, done, done + interval '8 hours' AS due,
                   coalesce({_last_at('callback_done')},
                            CASE WHEN p.path[array_length(p.path, 1)] = 'reopened' THEN {_last_at('reopened')} END) AS finished,
                   p.path[array_length(p.path, 1)] AS status
            FROM rp_tk k JOIN rp_paths p ON p.id = k.path_id JOIN frontdesk_unit u ON u.id = k.unit_id
                 CROSS JOIN LATERAL (SELECT coalesce({_last_at('completed')}, {_last_at('replied')}) AS done) d
            WHERE k.kind = ANY(%(kinds)s) AND d.done IS NOT NULL
        """, {"kinds": callback_kinds})
        cur.execute("""
            INSERT INTO repairs_clock (ticket_id, community_id, kind, started_at, due_at, warn_at, met_at, cancelled_at,
                                       warned_at, breached_at, owner_informed_note)
            SELECT id, community_id, 'callback', done, due, done + (due - done) * 0.67, finished, NULL,
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
        extra = []
        if "handoff" in kinds:
            from repairs.models import Handoff

            t = time.perf_counter()
            _handoff_rows(cur, clerk)
            print(f"  hand-offs: {cur.rowcount} in {time.perf_counter() - t:.1f} s")
            extra.append(Handoff)
        if service_items:
            cur.execute("UPDATE repairs_ticket t SET service_item_id = i.id, service_quantity = 2, service_workers = 1, "
                        "service_wanted_at = t.created_at + interval '1 day' "
                        "FROM repairs_serviceitem i WHERE t.kind = 'service' AND i.community_id = t.community_id "
                        "AND i.name = %s", [SERVICE_ITEM])
            print(f"  paid services with their price-list line: {cur.rowcount}")
        for sql in connection.ops.sequence_reset_sql(no_style(), [Ticket, TicketStatusChange, Clock, Callback, *extra]):
            cur.execute(sql)
        cur.execute("SET LOCAL session_replication_role = DEFAULT")


SERVICE_ITEM = "家居清洁"


def _providers(communities, clerk, now):
    """A network and a cable TV provider per community, two request types each (fee 0: no 代收 bills)."""
    from repairs.models import Provider, ProviderService, ProviderServiceFee

    for c in communities:
        for name, service, requests in PROVIDERS:
            provider, _c = Provider.objects.get_or_create(
                community=c, name=name, defaults={"service": service, "email": f"{service}@bench.invalid"})
            for i, request in enumerate(requests):
                ps, _c = ProviderService.objects.get_or_create(provider=provider, name=request,
                                                               defaults={"sort_order": (i + 1) * 10})
                ProviderServiceFee.objects.get_or_create(service=ps, valid_from=datetime.date(2024, 1, 1),
                                                         defaults={"amount": 0, "created_by": clerk, "created_at": now})


def _service_items(communities, clerk, now):
    """One price-list line per community, when the paid-services models exist (issue 12, being merged)."""
    from repairs import models

    if not hasattr(models, "ServiceItem") or "service_item" not in {f.name for f in models.Ticket._meta.fields}:
        return False
    for c in communities:
        item, _c = models.ServiceItem.objects.get_or_create(
            community=c, name=SERVICE_ITEM, defaults={"unit_of_charge": "小时", "created_by": clerk})
        if hasattr(models, "ServicePrice"):
            models.ServicePrice.objects.get_or_create(item=item, valid_from=datetime.date(2024, 1, 1),
                                                      defaults={"price": 50, "created_by": clerk})
    return True


def _handoff_rows(cur, clerk):
    """Every hand-off ticket's application (one-to-one): the unit's current owner applies (any person for a
    flat without one), to a provider of the community; forwarded / answered as the ticket's path says."""
    cur.execute("CREATE TEMP TABLE rp_ps ON COMMIT DROP AS SELECT p.community_id, s.id AS service_id, "
                "p.id AS provider_id, row_number() OVER (PARTITION BY p.community_id ORDER BY p.id, s.id) - 1 AS idx, "
                "count(*) OVER (PARTITION BY p.community_id) AS n "
                "FROM repairs_provider p JOIN repairs_providerservice s ON s.provider_id = p.id")
    cur.execute("SELECT min(id) FROM frontdesk_person")
    anyone = cur.fetchone()[0]
    cur.execute(f"""
        INSERT INTO repairs_handoff (ticket_id, community_id, provider_id, service_id, applicant_kind, owner_id,
            applicant_id, tenant_authorization_id, details, id_copy, id_copy_type, fee, billed_at, bill_reference,
            forwarded_at, forwarded_by_id, forward_message_id, provider_reply, provider_reply_at, provider_reply_by_id)
        SELECT k.id, u.community_id, ps.provider_id, ps.service_id, 'owner', o.person_id, o.person_id, NULL, '',
               'handoffs/bench/' || k.id || '.pdf', 'application/pdf', 0, NULL, '',
               {_at('forwarded')}, CASE WHEN 'forwarded' = ANY(p.path) THEN %(clerk)s END, NULL,
               CASE WHEN 'completed' = ANY(p.path) THEN '已办理' ELSE '' END, {_at('completed')},
               CASE WHEN 'completed' = ANY(p.path) THEN %(clerk)s END
        FROM rp_tk k JOIN rp_paths p ON p.id = k.path_id JOIN frontdesk_unit u ON u.id = k.unit_id
             JOIN rp_ps ps ON ps.community_id = u.community_id AND ps.idx = mod(k.id, ps.n)
             CROSS JOIN LATERAL (SELECT coalesce(
                 (SELECT min(person_id) FROM frontdesk_occupancy oc
                  WHERE oc.unit_id = k.unit_id AND oc.kind = 'owner' AND oc.end_date IS NULL), %(anyone)s) AS person_id) o
        WHERE k.kind = 'handoff'
        ORDER BY k.id
    """, {"clerk": clerk.pk, "anyone": anyone})


def main(argv=None):
    args = parse_args(argv)
    t0 = time.perf_counter()
    url = bench_url(args.database_url)
    base_dataset(args, url)
    from django.db import connection, transaction

    from repairs.models import OPEN_STATUS_VALUES

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
        for table in ("repairs_ticket", "repairs_ticketstatuschange", "repairs_clock", "repairs_callback",
                      "repairs_handoff"):
            cur.execute(f"VACUUM (ANALYZE) {table}")
        cur.execute("SELECT relname, n_live_tup FROM pg_stat_user_tables WHERE relname LIKE 'repairs\\_%%' "
                    "AND n_live_tup > 0 ORDER BY relname")
        rows = cur.fetchall()
        cur.execute("SELECT status, count(*) FROM repairs_ticket GROUP BY status ORDER BY 2 DESC")
        statuses = cur.fetchall()
        cur.execute("SELECT kind, count(*), count(*) FILTER (WHERE status = ANY(%s)) FROM repairs_ticket "
                    "GROUP BY kind ORDER BY 2 DESC", [sorted(OPEN_STATUS_VALUES)])
        kinds = cur.fetchall()
        cur.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cur.fetchone()[0]
    print(f"  tickets loaded in {t2 - t1:.1f} s, VACUUM ANALYZE {time.perf_counter() - t2:.1f} s")
    for relname, n in rows:
        print(f"  {relname:<34}{n:>10}")
    print("  by status: " + ", ".join(f"{s} {n}" for s, n in statuses))
    print("  by kind (open): " + ", ".join(f"{k} {n} ({o})" for k, n, o in kinds))
    print(f"  database size: {size}; TOTAL {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
