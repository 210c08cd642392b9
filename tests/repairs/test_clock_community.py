"""``Clock.community``: a copy of the ticket's community, set by every writer of clocks (issue 14 §5), and the
readers that use it instead of joining the tickets: the statistics, the daily summary's overdue count, the clerk's
"today" card and the board's "due soonest" page (docs/performance.md, "Clocks by community")."""

import ast
import datetime
import io
import re
from pathlib import Path

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.models import Role
from repairs import demo
from repairs.models import Clock, Ticket
from repairs.selectors import board as board_selectors
from repairs.selectors import summary
from repairs.selectors.stats import clocks as stats_clocks
from repairs.services import clocks as clock_services
from tests.factories import BuildingFactory, EntranceFactory, OccupancyFactory, UnitFactory
from tests.repairs.test_dispatch import new_ticket

pytestmark = pytest.mark.django_db
K = Clock.Kind
ROOT = Path(__file__).resolve().parents[2]
MIN = datetime.timedelta(minutes=1)


def mismatched():
    return Clock.objects.exclude(community_id=F("ticket__community_id"))


def test_every_service_path_copies_the_ticket_community(community_a, community_b, make_user):
    """Intake starts the dispatch / complaint clocks, the other kinds go through the same ``clock_start``: in two
    communities, every clock carries its ticket's community."""
    actor = make_user(role=Role.CLERK, communities=[community_a, community_b], username="both")
    for community in (community_a, community_b):
        repair = new_ticket(community, actor)
        complaint = new_ticket(community, actor, kind=Ticket.Kind.COMPLAINT)
        for kind in K.values:
            clock_services.clock_start(ticket=repair if kind != K.COMPLAINT else complaint, kind=kind,
                                       due_at=timezone.now() + 30 * MIN)
    assert Clock.objects.count() == 2 * len(K.values)
    assert set(Clock.objects.values_list("community_id", flat=True)) == {community_a.pk, community_b.pk}
    assert not mismatched().exists()


def test_the_demo_clocks_carry_their_ticket_community(community_a, community_b, make_user):
    for community in (community_a, community_b):
        entrance = EntranceFactory(building=BuildingFactory(community=community, name="1"), name="1")
        for n in ("101", "102"):
            OccupancyFactory(unit=UnitFactory(entrance=entrance, number=n))
    for name, role in (("clerk", Role.CLERK), ("engineer", Role.ENGINEER), ("supervisor", Role.SUPERVISOR)):
        make_user(role=role, communities=[community_a, community_b], username=name)
    demo.load(io.StringIO())
    assert Clock.objects.filter(community=community_a).exists() and Clock.objects.filter(community=community_b).exists()
    assert not mismatched().exists()


def _sources():
    """(relative path, text) of every Python file of the project outside the tests and the migrations."""
    for path in sorted([*ROOT.glob("*/*.py"), *ROOT.glob("*/*/*.py")]):
        rel = path.relative_to(ROOT).as_posix()
        if not (rel.startswith((".venv/", "tests/", "var/")) or "/migrations/" in rel):
            yield rel, path.read_text(encoding="utf-8")


def _python_writers():
    """(file, function, call) of every ``Clock(...)`` / ``Clock.objects.create(...)`` outside the tests."""
    for rel, text in _sources():
        tree = ast.parse(text)
        for fn in [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]:
            for call in [n for n in ast.walk(fn) if isinstance(n, ast.Call)]:
                f = call.func
                if (isinstance(f, ast.Name) and f.id == "Clock") or (
                        isinstance(f, ast.Attribute) and f.attr in ("create", "get_or_create")
                        and ast.unparse(f.value) == "Clock.objects"):
                    yield rel, fn.name, call


def test_every_writer_of_clocks_sets_the_community():
    """Source check over the whole tree (services, demo, bench generators): each ``Clock(…)`` passes the community,
    and each raw ``INSERT INTO repairs_clock`` lists ``community_id``. The one exception, the demo's ``_clock``,
    builds a clock before its ticket exists; its caller sets both (``test_the_demo_clocks_…`` checks the rows)."""
    found = list(_python_writers())
    assert {(rel, fn) for rel, fn, _c in found} >= {("repairs/services/clocks.py", "clock_start"),
                                                  ("bench/repairs_sweep.py", "generate")}
    for rel, fn, call in found:
        if (rel, fn) == ("repairs/demo.py", "_clock"):
            continue
        assert {"community", "community_id"} & {k.arg for k in call.keywords}, f"{rel}:{call.lineno} ({fn})"
    inserts = 0
    for rel, text in _sources():
        for columns in re.findall(r"INSERT INTO repairs_clock\s*\(([^)]*)\)", text):
            inserts += 1
            assert "community_id" in columns, rel
    assert inserts >= 3  # bench/repairs_generate.py


# --- the readers ---------------------------------------------------------------------------------------

@pytest.fixture
def world(community_a, community_b, make_user):
    clerk = make_user(role=Role.CLERK, communities=[community_a], username="clerk_a")
    other = make_user(role=Role.CLERK, communities=[community_b], username="clerk_b")
    return {"clerk": clerk, "other": other, "a": community_a, "b": community_b}


def _clock(ticket, kind, due, **fields):
    return Clock.objects.create(ticket=ticket, community_id=ticket.community_id, kind=kind, started_at=due - 10 * MIN,
                                due_at=due, warn_at=due - 3 * MIN, **fields)


def test_the_readers_filter_clocks_by_their_own_community(world):
    """No join to the tickets for the community: the statistics, the overdue count and the "today" card read
    ``repairs_clock.community_id`` (what ``clock_stats_cov`` / ``clock_community_running_idx`` index)."""
    now = timezone.now()
    mine = new_ticket(world["a"], world["clerk"])
    theirs = new_ticket(world["b"], world["other"])
    for t in (mine, theirs):
        _clock(t, K.COMPLAINT, now - 5 * MIN, breached_at=now - 5 * MIN)
    assert summary._overdue_counts([world["a"].pk]) == {K.COMPLAINT: 1}
    with CaptureQueriesContext(connection) as ctx:
        summary._overdue_counts([world["a"].pk])
        rows, total = summary.first_with_total(summary.clocks_running_out([world["a"].pk], now))
        kinds, _rates = stats_clocks.on_time(community_ids=[world["a"].pk],
                                             starts=[timezone.localdate(now) - datetime.timedelta(days=7)])
    # running out: mine's dispatch clock; its breached complaint clock is on the card of the late ones
    assert total == 1 and {c.ticket_id for c in rows} == {mine.pk}
    late, late_total = summary.first_with_total(summary.clocks_overdue([world["a"].pk]))
    assert late_total == 1 and late[0].kind == K.COMPLAINT and late[0].ticket_id == mine.pk
    assert {k["kind"]: k["late"] for k in kinds}[K.COMPLAINT] == 1  # theirs is not counted
    counts, stats = ctx.captured_queries[0]["sql"], ctx.captured_queries[2]["sql"]
    assert '"repairs_clock"."community_id" IN' in counts and "repairs_ticket" not in counts, counts
    assert "c.community_id = ANY(" in stats and "repairs_ticket" not in stats, stats
    # the card joins the tickets for what it shows (number, room, category), not to filter by community
    assert '"repairs_clock"."community_id" IN' in ctx.captured_queries[1]["sql"]


def _reference(user, **filters):
    """The "due soonest" order as defined (``_board_order``): every ticket's earliest running deadline, those
    without one last, then newest first; computed in Python from the rows."""
    rows = list(board_selectors._board_filter(Ticket.objects.filter(community__staff=user), user=user, **filters))
    running = {}
    for c in Clock.objects.filter(met_at__isnull=True, cancelled_at__isnull=True):
        running[c.ticket_id] = min(running.get(c.ticket_id, c.due_at), c.due_at)

    def key(t):
        due = running.get(t.pk)
        return (due is None, due.timestamp() if due else 0, -t.created_at.timestamp(), -t.pk)

    return [t.pk for t in sorted(rows, key=key)]


@pytest.mark.parametrize("filters", [{}, {"status": "all"}, {"kind": "complaint"}, {"overdue": True}])
def test_due_soonest_pages_keep_the_order(world, filters):
    """The ids-first page for "due soonest" (the running clocks by deadline, then the tickets without one) gives
    exactly the defined order on every page: several running clocks per ticket (the earliest counts), equal
    deadlines (newest ticket first), paused clocks (still running), met / cancelled clocks (not running), tickets
    without any clock, closed tickets, another community's tickets (never shown)."""
    now = timezone.now()
    clerk = world["clerk"]
    t = [new_ticket(world["a"], clerk, kind=Ticket.Kind.COMPLAINT if i % 3 == 0 else Ticket.Kind.REPAIR)
         for i in range(12)]
    Clock.objects.all().update(cancelled_at=now)  # start from tickets without a running clock
    for i, ticket in enumerate(t):
        Ticket.objects.filter(pk=ticket.pk).update(created_at=now - (i % 4) * MIN)  # equal creation times too
    _clock(t[0], K.DISPATCH, now + 50 * MIN)
    _clock(t[0], K.CALLBACK, now + 10 * MIN)  # t0's next deadline: +10
    _clock(t[1], K.DISPATCH, now + 10 * MIN)  # tie with t0
    _clock(t[2], K.COMPLAINT, now + 5 * MIN, paused_at=now)  # paused: still running
    _clock(t[3], K.DISPATCH, now - 20 * MIN, breached_at=now - 20 * MIN)  # overdue, running
    _clock(t[4], K.DISPATCH, now - 30 * MIN, met_at=now - 40 * MIN)  # met: not running
    _clock(t[4], K.CALLBACK, now + 90 * MIN)
    _clock(t[5], K.DISPATCH, now + 10 * MIN)  # tie again
    _clock(t[6], K.DISPATCH, now + 1 * MIN, cancelled_at=now)  # cancelled: t6 has no running clock
    _clock(t[9], K.COMPLAINT, now + 3 * MIN)
    Ticket.objects.filter(pk__in=[t[3].pk, t[9].pk]).update(is_overdue=True)
    Ticket.objects.filter(pk=t[9].pk).update(status=Ticket.Status.CLOSED)  # closed, clock still running
    foreign = new_ticket(world["b"], world["other"])
    _clock(foreign, K.CALLBACK, now - 60 * MIN)
    expected = _reference(clerk, **filters)
    assert foreign.pk not in expected and len(expected) >= 1
    for size in (2, 3, 50):
        got, number = [], 1
        while True:
            page = board_selectors.ticket_board_page(user=clerk, number=number, size=size, sort="due", **filters)
            got += [r.pk for r in page.object_list]
            if not page.has_next:
                break
            number += 1
        assert got == expected, (size, filters)
    # the non-paged selector (the same definition, computed per ticket) agrees
    assert [r.pk for r in board_selectors.ticket_board(user=clerk, sort="due", **filters)] == expected


def test_due_soonest_reads_the_running_clocks_in_deadline_order(world):
    """At 1M tickets the page must not compute every ticket's next deadline (``_board_order``'s subquery over all
    50k open tickets, ~150–250 ms): its ids come from the running clocks walked by deadline and limited to the page,
    then from the tickets without a running clock, newest first; and the indexes for it exist."""
    new_ticket(world["a"], world["clerk"])
    with CaptureQueriesContext(connection) as ctx:
        board_selectors.ticket_board_page(user=world["clerk"], size=5, sort="due")
    sql = ctx.captured_queries[0]["sql"]
    ids = sql.split("ARRAY((", 1)[1]
    assert "UNION ALL" in ids and ids.count("LIMIT 6") == 3  # each branch and the page: size + 1 rows
    assert 'MIN("' not in ids  # no per-ticket aggregate over the whole filter
    with connection.cursor() as cur:
        cur.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'repairs_clock'")
        indexes = dict(cur.fetchall())
    assert "(community_id, started_at) INCLUDE (kind, met_at, breached_at, due_at, id)" in indexes["clock_stats_cov"]
    assert "clock_community_started_idx" not in indexes  # clock_stats_cov has its columns first (repairs 0014)
    assert "(community_id, due_at, id)" in indexes["clock_community_running_idx"]
    assert "(due_at, id) INCLUDE (community_id, ticket_id)" in indexes["clock_running_due_cov"]
    for name in ("clock_community_running_idx", "clock_running_due_cov"):
        assert "WHERE ((met_at IS NULL) AND (cancelled_at IS NULL))" in indexes[name], indexes[name]
