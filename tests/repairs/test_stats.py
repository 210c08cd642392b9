"""Statistics: counts per period × category/building, on-time rate per clock, satisfaction, complaint hot
spots, the 002 target per building; a fixed number of queries; scoping; the .xlsx export."""

import datetime
import io
import itertools
import zoneinfo

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from core.models import Role
from repairs.models import Callback, Category, Clock, Ticket
from repairs.selectors.stats import report as stats_service
from tests.factories import BuildingFactory, EntranceFactory, UnitFactory

K, S = Ticket.Kind, Ticket.Status
NOW = datetime.datetime(2026, 11, 22, 10, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))  # a Sunday; the week began 11-16
_seq = itertools.count(1)


def make_ticket(community, unit, category, *, kind=K.REPAIR, at=NOW, actor, building=None, location=""):
    n = next(_seq)
    return Ticket.objects.create(
        community=community, number=f"{Ticket.PREFIX[kind]}-T-{n:05d}", kind=kind, unit=unit, location=location,
        building=building or (unit.building if unit else None), contact_name="张", category=category,
        description="x", created_by=actor, created_at=at, last_activity_at=at)


@pytest.fixture(autouse=True)
def english(users):
    """English source strings on the page and in the service (the Chinese catalogue is filled in later)."""
    for user in users.values():
        user.language = "en"
        user.save(update_fields=["language"])
    with translation.override("en"):
        yield


@pytest.fixture
def setup(community_a, users):
    b3 = BuildingFactory(community=community_a, name="3")
    b5 = BuildingFactory(community=community_a, name="5")
    u3 = UnitFactory(entrance=EntranceFactory(building=b3, name="1"), number="101")
    u5 = UnitFactory(entrance=EntranceFactory(building=b5, name="1"), number="202")
    plumbing = Category.objects.create(community=community_a, name="水电")
    noise = Category.objects.create(community=community_a, name="噪音")
    return {"u3": u3, "u5": u5, "plumbing": plumbing, "noise": noise, "actor": users[Role.CLERK]}


def test_counts_per_week_by_category_and_building(community_a, setup):
    s = setup
    this_week, last_week = NOW - datetime.timedelta(days=1), NOW - datetime.timedelta(days=8)
    for _ in range(3):
        make_ticket(community_a, s["u3"], s["plumbing"], at=this_week, actor=s["actor"])
    make_ticket(community_a, s["u5"], s["plumbing"], at=last_week, actor=s["actor"])
    make_ticket(community_a, s["u5"], s["noise"], kind=K.COMPLAINT, at=this_week, actor=s["actor"])
    make_ticket(community_a, None, s["noise"], kind=K.COMPLAINT, at=this_week, actor=s["actor"], location="花园")
    make_ticket(community_a, s["u3"], s["noise"], kind=K.ENQUIRY, at=this_week, actor=s["actor"])
    make_ticket(community_a, s["u3"], s["plumbing"], at=NOW - datetime.timedelta(days=70), actor=s["actor"])  # too old

    st = stats_service.ticket_stats(community_ids=[community_a.pk], period="week", count=8, now=NOW)
    assert st.labels[-2:] == ["11-09", "11-16"]
    assert st.totals["repairs"][-2:] == [1, 3]
    assert st.totals["complaints"][-1] == 2 and st.totals["enquiries"][-1] == 1
    cat = {c["name"]: c for c in st.by_category}
    assert cat["水电"]["repairs"][-2:] == [1, 3] and cat["水电"]["total"] == 4
    assert cat["噪音"]["complaints"][-1] == 2
    bld = {b["name"]: b for b in st.by_building}
    assert bld["翠湖花园 · Building 3"]["repairs"][-1] == 3
    assert bld["翠湖花园 · Building 5"]["repairs"][-2:] == [1, 0] and bld["翠湖花园 · Building 5"]["complaints"][-1] == 1
    assert bld["翠湖花园 · Common areas"]["complaints"][-1] == 1

    month = stats_service.ticket_stats(community_ids=[community_a.pk], period="month", count=3, now=NOW)
    assert month.labels == ["2026-09", "2026-10", "2026-11"]
    assert month.totals["repairs"] == [1, 0, 4]


def test_hot_spots_show_the_rise_and_the_monthly_target_is_flagged(community_a, setup):
    s = setup
    for _ in range(4):
        make_ticket(community_a, s["u3"], s["noise"], kind=K.COMPLAINT, at=NOW - datetime.timedelta(days=2), actor=s["actor"])
    make_ticket(community_a, s["u3"], s["noise"], kind=K.COMPLAINT, at=NOW - datetime.timedelta(days=9), actor=s["actor"])
    # building 5: two this month (within target), three the week before (falling: not a hot spot)
    for days in (9, 10, 11):
        make_ticket(community_a, s["u5"], s["plumbing"], kind=K.COMPLAINT, at=NOW - datetime.timedelta(days=days),
                    actor=s["actor"])
    st = stats_service.ticket_stats(community_ids=[community_a.pk], period="week", now=NOW)
    hot = {(h["dimension"], h["name"]): h for h in st.hot_spots}
    assert hot[("Category", "噪音")]["rise"] == 3 and hot[("Category", "噪音")]["previous"] == 1
    assert hot[("Building", "翠湖花园 · Building 3")]["current"] == 4
    assert ("Building", "翠湖花园 · Building 5") not in hot and ("Category", "水电") not in hot

    target = {t["building"]: t for t in st.target_rows}
    assert st.target_months == ["2026-09", "2026-10", "2026-11"]
    assert target["翠湖花园 · Building 3"]["months"][-1] == 5 and target["翠湖花园 · Building 3"]["over_now"]
    assert target["翠湖花园 · Building 5"]["months"][-1] == 3 and target["翠湖花园 · Building 5"]["over_now"]
    make_ticket(community_a, s["u5"], s["plumbing"], kind=K.COMPLAINT, at=NOW - datetime.timedelta(days=60), actor=s["actor"])
    st = stats_service.ticket_stats(community_ids=[community_a.pk], period="week", now=NOW)
    b5 = {t["building"]: t for t in st.target_rows}["翠湖花园 · Building 5"]
    assert b5["months"] == [1, 0, 3] and b5["over"] == [False, False, True]


def test_on_time_rate_per_clock_and_average_satisfaction(community_a, setup):
    s = setup
    t = make_ticket(community_a, s["u3"], s["plumbing"], at=NOW - datetime.timedelta(days=1), actor=s["actor"])
    start = NOW - datetime.timedelta(days=1)

    def clock(kind, **kw):
        return Clock.objects.create(ticket=t, community_id=t.community_id, kind=kind, started_at=start,
                                    due_at=start + datetime.timedelta(minutes=3),
                                    warn_at=start + datetime.timedelta(minutes=2), **kw)

    m = datetime.timedelta(minutes=1)
    clock("dispatch", met_at=start + m)  # on time
    clock("on_site", met_at=start + 10 * m, breached_at=start + 3 * m)  # breached, met late
    clock("appointment", breached_at=start + 3 * m)  # breached, still open
    clock("complaint", cancelled_at=start + m)  # cancelled: neither
    t2 = make_ticket(community_a, s["u3"], s["plumbing"], at=start, actor=s["actor"])
    Clock.objects.create(ticket=t2, community_id=t2.community_id, kind="dispatch", started_at=start,
                         due_at=start + 3 * m, warn_at=start + 2 * m, met_at=start + 2 * m)
    # open, not due
    Clock.objects.create(ticket=t2, community_id=t2.community_id, kind="callback", started_at=start,
                         due_at=start + 3 * m, warn_at=start + 2 * m)
    Callback.objects.create(ticket=t, community=community_a, due_at=NOW, status="done", satisfaction=5, done_at=NOW - m)
    Callback.objects.create(ticket=t2, community=community_a, due_at=NOW, status="done", satisfaction=2, done_at=NOW - m)

    st = stats_service.ticket_stats(community_ids=[community_a.pk], period="week", now=NOW)
    clocks = {c["kind"]: c for c in st.clocks}
    assert (clocks["dispatch"]["on_time"], clocks["dispatch"]["late"], clocks["dispatch"]["rate"]) == (2, 0, 100.0)
    assert (clocks["on_site"]["on_time"], clocks["on_site"]["late"], clocks["on_site"]["rate"]) == (0, 1, 0.0)
    assert clocks["appointment"]["late"] == 1
    assert clocks["complaint"]["rate"] is None and clocks["callback"]["rate"] is None
    assert st.clock_rate_by_period[-1] == 50.0
    assert st.satisfaction[-1] == {"average": 3.5, "count": 2}
    assert st.satisfaction_overall == 3.5 and st.satisfaction_count == 2


def _bulk(community_a, s, n):
    for i in range(n):
        t = make_ticket(community_a, s["u3"] if i % 2 else s["u5"], s["plumbing"] if i % 3 else s["noise"],
                        kind=K.COMPLAINT if i % 4 == 0 else K.REPAIR, at=NOW - datetime.timedelta(days=i % 40), actor=s["actor"])
        Clock.objects.create(ticket=t, community_id=t.community_id, kind="dispatch", started_at=t.created_at,
                             due_at=t.created_at + datetime.timedelta(minutes=3), warn_at=t.created_at,
                             met_at=t.created_at)
        Callback.objects.create(ticket=t, community=community_a, due_at=NOW, status="done", satisfaction=4,
                                done_at=t.created_at)


def ctx_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return ctx.captured_queries


def _page_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_page_runs_a_fixed_number_of_queries(client, community_a, setup, users):
    client.force_login(users[Role.MANAGER])
    url = reverse("repairs:stats")
    _bulk(community_a, setup, 3)
    few = _page_queries(client, url)
    extra = BuildingFactory(community=community_a, name="9")
    more_unit = UnitFactory(entrance=EntranceFactory(building=extra, name="1"), number="909")
    for i in range(5):
        Category.objects.create(community=community_a, name=f"类{i}")
    setup["u5"] = more_unit
    _bulk(community_a, setup, 40)
    assert _page_queries(client, url) == few
    assert _page_queries(client, url + "?period=month&count=12") == few
    assert few <= 12, [q["sql"][:120] for q in ctx_queries(client, url)]


def test_the_page_shows_charts_tables_and_the_target_on_a_manager_phone(client, community_a, setup, users):
    s = setup
    for _ in range(3):
        make_ticket(community_a, s["u3"], s["noise"], kind=K.COMPLAINT, at=timezone.now() - datetime.timedelta(hours=1),
                    actor=s["actor"])
    client.force_login(users[Role.SUPERVISOR])
    response = client.get(reverse("repairs:stats"))
    html = response.content.decode()
    assert "vendor/chartjs/chart.umd.min.js" in html
    assert 'id="chart-periods"' in html and 'id="stats-data"' in html
    assert "over target" in html and "翠湖花园 · Building 3" in html
    assert 'name="viewport"' in html


def test_only_the_users_communities_are_counted(client, community_a, community_b, setup, users, make_user):
    s = setup
    make_ticket(community_a, s["u3"], s["plumbing"], at=timezone.now(), actor=s["actor"])
    foreign_cat = Category.objects.create(community=community_b, name="外区类别")
    bb = BuildingFactory(community=community_b, name="1")
    ub = UnitFactory(entrance=EntranceFactory(building=bb, name="1"), number="101")
    foreign = make_ticket(community_b, ub, foreign_cat, at=timezone.now(), actor=s["actor"])
    m = datetime.timedelta(minutes=1)
    Clock.objects.create(ticket=foreign, community_id=foreign.community_id, kind="dispatch",
                         started_at=foreign.created_at - 9 * m, due_at=foreign.created_at - 6 * m,
                         warn_at=foreign.created_at - 7 * m, breached_at=foreign.created_at - 6 * m)
    Callback.objects.create(ticket=foreign, community=community_b, due_at=timezone.now(), status="done", satisfaction=1,
                            done_at=timezone.now())
    client.force_login(users[Role.MANAGER])
    html = client.get(reverse("repairs:stats")).content.decode()
    assert "水电" in html and "外区类别" not in html and "JX Building 1" not in html
    assert 'id="satisfaction-overall">—' in html  # the foreign callback is not counted
    assert "0 met, 1 late" not in html  # nor the foreign breached clock
    # a community parameter the user may not see is ignored, not obeyed
    html = client.get(reverse("repairs:stats"), {"community": community_b.pk}).content.decode()
    assert "外区类别" not in html
    both = make_user(role=Role.MANAGER, communities=[community_a, community_b], username="m2", language="en")
    client.force_login(both)
    html = client.get(reverse("repairs:stats"), {"community": community_b.pk}).content.decode()
    assert "外区类别" in html and "水电" not in html


def test_bad_parameters_fall_back_to_the_defaults(client, users, community_a):
    client.force_login(users[Role.MANAGER])
    for params in ({"period": "year"}, {"count": "abc"}, {"count": "-5"}, {"count": "999"}, {"community": "x"}):
        assert client.get(reverse("repairs:stats"), params).status_code == 200


def test_clerks_and_engineers_may_not_see_the_statistics(client, users):
    for role in (Role.CLERK, Role.ENGINEER, Role.CASHIER):
        client.force_login(users[role])
        assert client.get(reverse("repairs:stats")).status_code == 403


def test_export_has_the_same_tables(client, community_a, setup, users):
    s = setup
    make_ticket(community_a, s["u3"], s["plumbing"], at=timezone.now(), actor=s["actor"])
    make_ticket(community_a, s["u3"], s["noise"], kind=K.COMPLAINT, at=timezone.now(), actor=s["actor"])
    client.force_login(users[Role.MANAGER])
    response = client.get(reverse("repairs:stats"), {"period": "month", "export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.getvalue())).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    flat = [str(c) for row in rows for c in row if c is not None]
    for title in ("Repairs and complaints by category", "Repairs and complaints by building", "Clocks: on time",
                  "Satisfaction (callbacks)", "Complaint hot spots"):
        assert title in flat
    rows = [[c for c in row if c is not None] for row in rows]  # openpyxl pads rows to the widest
    plumbing_repairs = next(r for r in rows if r[:2] == ["水电", "Repairs"])
    assert plumbing_repairs[-1] == 1  # total
    assert ["Category", "噪音", 0, 1, 1] in rows  # hot spot: 0 -> 1, rise 1


def test_date_columns_are_indexed():
    """The statistics filter on these dates (the last N periods): migration repairs/0003 indexes them
    (figures at 1M tickets in docs/performance.md, "Repairs")."""
    with connection.cursor() as cur:
        cur.execute("SELECT indexname, tablename, indexdef FROM pg_indexes WHERE indexname IN "
                    "('ticket_created_idx', 'clock_started_idx', 'callback_done_idx')")
        found = {name: (table, definition) for name, table, definition in cur.fetchall()}
    assert found["ticket_created_idx"][0] == "repairs_ticket" and "(created_at)" in found["ticket_created_idx"][1]
    assert found["clock_started_idx"][0] == "repairs_clock" and "(started_at)" in found["clock_started_idx"][1]
    assert found["callback_done_idx"][0] == "repairs_callback" and "(done_at)" in found["callback_done_idx"][1]


def test_the_counts_read_covering_indexes():
    """The ticket and clock counts read only the covering indexes of repairs/0014 (docs/performance.md,
    "Statistics by ids"): their key columns and every column the queries read."""
    with connection.cursor() as cur:
        cur.execute("SELECT indexname, indexdef FROM pg_indexes WHERE indexname IN ('ticket_stats_cov', 'clock_stats_cov')")
        found = dict(cur.fetchall())
    assert "repairs_ticket USING btree (community_id, created_at) INCLUDE (kind, category_id, building_id)" in (
        found["ticket_stats_cov"])
    assert "repairs_clock USING btree (community_id, started_at) INCLUDE (kind, met_at, breached_at, due_at, id)" in (
        found["clock_stats_cov"])


def test_long_tables_show_their_first_rows_and_every_row_on_request(client, community_a, setup, users, monkeypatch):
    """Buildings, hot spots and the target table show FIRST_ROWS rows (the biggest first), every building over
    the target this month whatever their number, and every row with ``all=1``; bad values of ``all`` are ignored."""
    from repairs.views import stats as stats_view

    monkeypatch.setattr(stats_view, "FIRST_ROWS", 1)
    s = setup
    at = timezone.now() - datetime.timedelta(hours=1)
    for _ in range(3):  # building 3: 3 complaints (over the target), building 5: 1 repair and 3 complaints
        make_ticket(community_a, s["u3"], s["noise"], kind=K.COMPLAINT, at=at, actor=s["actor"])
        make_ticket(community_a, s["u5"], s["noise"], kind=K.COMPLAINT, at=at, actor=s["actor"])
    make_ticket(community_a, s["u5"], s["plumbing"], at=at, actor=s["actor"])
    client.force_login(users[Role.SUPERVISOR])
    url = reverse("repairs:stats")

    def table(html, table_id):
        part = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
        return part.split("<tbody>", 1)[1].count("<tr")

    html = client.get(url, {"period": "month"}).content.decode()
    assert table(html, "by-building") == 1 and "翠湖花园 · Building 5" in html.split('id="by-building"')[1][:2000]
    assert table(html, "hot-spots") == 1
    assert table(html, "target-table") == 2  # both buildings are over the target this month: both stay
    assert "1 more row not shown." in html and "2 more rows not shown." in html  # buildings; hot spots
    assert "all=1" in html and "period=month" in html
    html = client.get(url, {"period": "month", "all": "1"}).content.decode()
    assert table(html, "by-building") == 2 and table(html, "hot-spots") == 3 and "more row" not in html
    for bad in ("yes", "2", "", "1' OR 1=1"):
        assert table(client.get(url, {"all": bad}).content.decode(), "by-building") == 1
