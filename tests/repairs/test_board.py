"""The board: clocks and colours, filters, sort, search, saved filters, query counts; the ticket page
and the settings pages."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.models import Role
from repairs.models import Category, ClockSettings, SavedFilter, Team, Ticket
from repairs.selectors import board as selectors
from repairs.services import dispatch
from tests.factories import BuildingFactory, EntranceFactory, UnitFactory
from tests.repairs.test_dispatch import new_ticket

pytestmark = pytest.mark.django_db
S = Ticket.Status


def board(client, **params):
    return client.get(reverse("repairs:board"), params)


def numbers(response):
    return {row["ticket"].number for row in response.context["rows"]}


FIGURES = {}


@pytest.mark.parametrize("size", [5, 50])
def test_board_queries_do_not_grow_with_the_page(clerk_client, community_a, clerk, users, size):
    unit = UnitFactory(entrance=EntranceFactory(building=BuildingFactory(community=community_a, name="5"), name="1"))
    for i in range(size):
        ticket = new_ticket(community_a, clerk, unit=unit if i % 2 else None,
                            kind="complaint" if i % 5 == 0 else "repair")
        if i % 3 == 0 and ticket.kind == "repair":
            dispatch.ticket_dispatch(ticket=ticket, assignee=users[Role.ENGINEER], actor=clerk)
    SavedFilter.objects.create(user=clerk, name="超时", query="overdue=on")
    # the list (the htmx refresh): ≤ 10 for the whole request, session and notification badge included
    with CaptureQueriesContext(connection) as ctx:
        response = clerk_client.get(reverse("repairs:board"), {"sort": "due", "overdue": "on", "kind": "repair"},
                                    HTTP_HX_REQUEST="true")
    assert len(ctx) <= 10, "\n".join(q["sql"][:150] for q in ctx)
    # the whole page: ≤ 10 too (issue 3, section 8). Its option lists (categories, buildings, engineers,
    # teams, saved filters) come in one query, and there is no COUNT
    with CaptureQueriesContext(connection) as ctx2:
        response = board(clerk_client, sort="activity")
    assert len(response.context["rows"]) == size
    assert len(ctx2) <= 10, "\n".join(q["sql"][:150] for q in ctx2)
    assert not any("COUNT(" in q["sql"] and "repairs_ticket" in q["sql"] for q in ctx.captured_queries + ctx2.captured_queries)
    # a deep page costs no more than the first (here it is past the end: no clocks to read)
    with CaptureQueriesContext(connection) as ctx3:
        board(clerk_client, page=200)
    assert len(ctx3) <= len(ctx2)
    FIGURES[size] = (len(ctx), len(ctx2))
    print(f"board queries, {size} rows: list {len(ctx)}, page {len(ctx2)}")
    if len(FIGURES) == 2:
        assert FIGURES[5] == FIGURES[50]


def test_board_pages_without_a_count(clerk_client, community_a, clerk, monkeypatch):
    from repairs.views import board as views

    monkeypatch.setattr(views, "PAGE_SIZE", 4)
    made = [new_ticket(community_a, clerk, description=f"单{i}") for i in range(9)]
    newest_first = [t.number for t in reversed(made)]
    first = board(clerk_client, kind="repair")
    page = first.context["page"]
    assert [r["ticket"].number for r in first.context["rows"]] == newest_first[:4]
    assert page.has_next and not page.has_previous and page.total is None
    html = first.content.decode()
    assert "?kind=repair&amp;page=2" in html and "Previous" not in html
    third = board(clerk_client, kind="repair", page=3)
    assert [r["ticket"].number for r in third.context["rows"]] == newest_first[8:]
    assert not third.context["page"].has_next and third.context["page"].total == 9
    assert "?kind=repair&amp;page=2" in third.content.decode()
    assert board(clerk_client, page=7).context["rows"] == []  # past the end: empty, no error
    assert board(clerk_client, page="x").context["page"].number == 1
    assert numbers(board(clerk_client, page=2, HTTP_HX_REQUEST="true")) == set(newest_first[4:8])
    # the ids-first page keeps every sort
    due = board(clerk_client, sort="due", page=2).context["rows"]
    assert len(due) == 4


def test_board_options_in_one_query(community_a, community_b, clerk, users, make_user, django_assert_num_queries):
    from frontdesk.models import Building
    from repairs.services import manage

    manage.categories_ensure(community=community_a)
    manage.categories_ensure(community=community_b)
    BuildingFactory(community=community_a, name="2")
    BuildingFactory(community=community_a, name="10")
    BuildingFactory(community=community_b, name="外")
    Team.objects.create(community=community_a, name="工程部")
    Team.objects.create(community=community_b, name="外部")
    make_user(role=Role.ENGINEER, communities=[community_b], username="eng_b")
    SavedFilter.objects.create(user=clerk, name="b", query="kind=repair")
    SavedFilter.objects.create(user=clerk, name="a", query="overdue=on")
    with django_assert_num_queries(1):
        options = selectors.board_options(clerk)
    # the same lists, in the same order, as the one-list selectors
    assert [c.pk for c in options.categories] == [c.pk for c in selectors.categories_for_user(clerk)]
    assert [b.pk for b in options.buildings] == [b.pk for b in selectors.buildings_for_user(clerk)]
    assert [u.pk for u in options.engineers] == [u.pk for u in selectors.engineers_for_user(clerk)]
    assert [u.display_name for u in options.engineers] == [u.display_name for u in selectors.engineers_for_user(clerk)]
    assert [t.name for t in options.teams] == ["工程部"] and options.teams[0].community.name == community_a.name
    assert [(f.name, f.query) for f in options.saved] == [("a", "overdue=on"), ("b", "kind=repair")]
    assert not any(b.community_id == community_b.pk for b in options.buildings)
    assert Building.objects.filter(community=community_b).exists()
    admin = users[Role.ADMIN]  # sees every community
    everything = selectors.board_options(admin)
    assert {b.community_id for b in everything.buildings} >= {community_a.pk, community_b.pk}
    assert [u.pk for u in everything.engineers] == [u.pk for u in selectors.engineers_for_user(admin)]
    assert len(everything.engineers) > len(options.engineers)


def test_board_filter_selects_keep_the_choice(clerk_client, community_a, clerk, unit_a):
    html = board(clerk_client, building=unit_a.building_id, status="dispatched", sort="activity").content.decode()
    assert f'<option value="{unit_a.building_id}" selected>' in html
    assert '<option value="dispatched" selected>' in html and '<option value="activity" selected>' in html
    assert 'name="overdue"' in html and 'name="date_from"' in html and 'type="date"' in html


def test_board_selector_constant_queries(community_a, clerk, django_assert_num_queries):
    for _ in range(6):
        new_ticket(community_a, clerk)
    with django_assert_num_queries(2):  # rows with their joins, then their open clocks
        rows = list(selectors.ticket_board(user=clerk))
        assert all(len(t.open_clocks) == 1 for t in rows) and rows[0].category.name


def test_clock_colours(clerk_client, community_a, clerk):
    ok = new_ticket(community_a, clerk, description="ok")
    near = new_ticket(community_a, clerk, description="near")
    late = new_ticket(community_a, clerk, description="late")
    now = timezone.now()
    near.clocks.update(warn_at=now - datetime.timedelta(seconds=5), due_at=now + datetime.timedelta(minutes=1))
    late.clocks.update(warn_at=now - datetime.timedelta(minutes=5), due_at=now - datetime.timedelta(minutes=2))
    html = board(clerk_client).content.decode()
    assert "text-bg-warning clock-warn" in html and "text-bg-danger clock-late" in html and "clock-ok" in html
    states = {r["ticket"].description: r["clocks"][0]["state"] for r in board(clerk_client).context["rows"]}
    assert states == {"ok": "ok", "near": "warn", "late": "late"}
    assert ok


def test_filters_search_and_sort(clerk_client, community_a, clerk, users, unit_a):
    engineer = users[Role.ENGINEER]
    other = Category.objects.filter(community=community_a)
    a = new_ticket(community_a, clerk, unit=unit_a, description="厨房水管漏水", contact_phone="13900001111")
    b = new_ticket(community_a, clerk, kind="complaint", description="楼上噪音", category=other.last())
    c = dispatch.ticket_dispatch(ticket=new_ticket(community_a, clerk, description="电梯异响"), assignee=engineer,
                                 actor=clerk)
    closed = dispatch.ticket_cancel(ticket=new_ticket(community_a, clerk, description="取消"), reason="重复", actor=clerk)
    Ticket.objects.filter(pk=b.pk).update(is_overdue=True, created_at=timezone.now() - datetime.timedelta(days=3))
    assert numbers(board(clerk_client)) == {a.number, b.number, c.number}  # open only
    assert numbers(board(clerk_client, status="cancelled")) == {closed.number}
    assert numbers(board(clerk_client, status="dispatched")) == {c.number}
    assert numbers(board(clerk_client, kind="complaint")) == {b.number}
    assert numbers(board(clerk_client, category=other.last().pk)) == {b.number}
    assert numbers(board(clerk_client, building=unit_a.building_id)) == {a.number}
    assert numbers(board(clerk_client, engineer=engineer.pk)) == {c.number}
    assert numbers(board(clerk_client, overdue="on")) == {b.number}
    today = timezone.localdate()
    assert numbers(board(clerk_client, date_from=today.isoformat())) == {a.number, c.number}
    assert numbers(board(clerk_client, date_to=(today - datetime.timedelta(days=1)).isoformat())) == {b.number}
    assert numbers(board(clerk_client, q="噪音")) == {b.number}
    assert numbers(board(clerk_client, q=unit_a.code)) == {a.number}
    assert numbers(board(clerk_client, q="00001111")) == {a.number}
    assert next(r["ticket"] for r in board(clerk_client, sort="oldest").context["rows"]) == b
    Ticket.objects.filter(pk=a.pk).update(last_activity_at=timezone.now() + datetime.timedelta(minutes=1))
    assert board(clerk_client, sort="activity").context["rows"][0]["ticket"] == a
    # due soonest: c's dispatch clock is met; a's dispatch clock is the earliest open one
    assert board(clerk_client, sort="due").context["rows"][0]["ticket"] == a


def test_board_is_scoped(client, clerk_b, community_a, clerk):
    new_ticket(community_a, clerk)
    client.force_login(clerk_b)
    assert board(client).context["rows"] == []


def test_saved_filters(clerk_client, clerk, users):
    from django.test import Client

    client = Client()
    response = clerk_client.post(reverse("repairs:board_filter_save"),
                                 {"name": "我的超时单", "query": "overdue=on&kind=repair&evil=1", "form_token": ""})
    saved = SavedFilter.objects.get(user=clerk)
    assert saved.query == "overdue=on&kind=repair" and response["Location"].endswith("?overdue=on&kind=repair")
    assert "我的超时单" in board(clerk_client).content.decode()
    client.force_login(users[Role.SUPERVISOR])
    client.post(reverse("repairs:board_filter_delete", args=[saved.pk]))
    assert SavedFilter.objects.filter(pk=saved.pk).exists()  # only one's own
    clerk_client.post(reverse("repairs:board_filter_delete", args=[saved.pk]))
    assert not SavedFilter.objects.exists()


def test_ticket_page_queries_constant(clerk_client, community_a, clerk, users):
    ticket = new_ticket(community_a, clerk)
    url = reverse("repairs:ticket_detail", args=[ticket.pk])
    with CaptureQueriesContext(connection) as before:
        clerk_client.get(url)
    ticket = dispatch.ticket_dispatch(ticket=ticket, assignee=users[Role.ENGINEER], actor=clerk)
    ticket = dispatch.ticket_hold(ticket=ticket, reason="等配件", actor=clerk)
    ticket = dispatch.ticket_resume(ticket=ticket, actor=clerk)
    with CaptureQueriesContext(connection) as after:
        response = clerk_client.get(url)
    assert len(after) == len(before)
    html = response.content.decode()
    assert "等配件" in html and ticket.number in html


# --- settings ------------------------------------------------------------------------------------

def test_manage_pages(client, users, community_a, make_user, community_b):
    manager = users[Role.MANAGER]
    client.force_login(manager)
    response = client.get(reverse("repairs:manage"))
    assert response.context["categories"] == [] and len(response.context["default_categories"]) == 10
    assert not Category.objects.exists() and not ClockSettings.objects.exists()  # no write on a GET
    client.post(reverse("repairs:manage_categories_default"), {"community_pk": community_a.pk, "form_token": ""})
    assert len(client.get(reverse("repairs:manage")).context["categories"]) == 10
    url = reverse("repairs:manage_category_create") + f"?community={community_a.pk}"
    token = client.get(url).context["form"].initial["form_token"]
    client.post(url, {"name": "绿化", "sort_order": 5, "is_active": "on", "form_token": token})
    assert Category.objects.filter(community=community_a, name="绿化").exists()
    response = client.post(url, {"name": "绿化", "sort_order": 5, "is_active": "on", "form_token": ""})
    assert response.status_code == 200  # duplicate name refused on the form
    foreign = make_user(role=Role.ENGINEER, communities=[community_b], username="eng_b")
    team_url = reverse("repairs:manage_team_create") + f"?community={community_a.pk}"
    form = client.get(team_url).context["form"]
    assert foreign not in form.fields["members"].queryset
    client.post(team_url, {"name": "水电班", "members": [users[Role.ENGINEER].pk], "is_active": "on", "form_token": ""})
    assert list(Team.objects.get(name="水电班").members.all()) == [users[Role.ENGINEER]]
    clocks_url = reverse("repairs:manage_clocks") + f"?community={community_a.pk}"
    response = client.post(clocks_url, {"dispatch_minutes": 5, "onsite_urgent_minutes": 15, "complaint_hours": 24,
                                         "callback_end_of_day": "20:00", "warn_before_percent": 33, "confirm_minutes": 120,
                                         "form_token": ""})
    assert response.status_code == 302 and ClockSettings.objects.get(community=community_a).dispatch_minutes == 5
    ticket = new_ticket(community_a, users[Role.CLERK])
    assert ticket.clocks.get().due_at == ticket.created_at + datetime.timedelta(minutes=5)


def test_manage_foreign_category_is_404(client, community_a, community_b, make_user):
    from repairs.services import manage

    manage.categories_ensure(community=community_a)
    client.force_login(make_user(role=Role.MANAGER, communities=[community_b], username="mgr_b"))
    category = Category.objects.filter(community=community_a).first()
    assert client.get(reverse("repairs:manage_category_edit", args=[category.pk])).status_code == 404


OPEN_INDEXES = ("ticket_open_newest_cov", "ticket_open_activity_cov")


def test_open_indexes_cover_every_open_status():
    """The board filters ``status IN OPEN_STATUS_VALUES``: the covering partial indexes (migrations 0003,
    0008) are usable only while their predicate lists the same statuses. A new open status (hand-offs'
    ``forwarded``) without a migration rebuilding them turned "sort by last activity" into a sequential scan
    of every ticket (docs/performance.md)."""
    from repairs.models import OPEN_STATUS_VALUES

    with connection.cursor() as cur:
        cur.execute("SELECT indexname, indexdef FROM pg_indexes WHERE indexname = ANY(%s)", [list(OPEN_INDEXES)])
        defs = dict(cur.fetchall())
    assert set(defs) == set(OPEN_INDEXES)
    for name, definition in defs.items():
        predicate = definition.split(" WHERE ", 1)[1]
        assert set(re.findall(r"'([a-z_]+)'", predicate)) == OPEN_STATUS_VALUES, name


@pytest.mark.parametrize(("sort", "index"), [("newest", "ticket_open_newest_cov"),
                                             ("activity", "ticket_open_activity_cov")])
def test_open_board_page_can_walk_its_index(community_a, clerk, sort, index):
    """The page's ids query of the open list can use the covering index (with sequential scans and sorts
    discouraged, as the planner does at 1M tickets)."""
    new_ticket(community_a, clerk)
    ids = selectors._board_order(selectors._board_filter(Ticket.objects.all(), user=clerk), sort).values("pk")[:51]
    sql, params = ids.query.sql_with_params()
    with connection.cursor() as cur:
        cur.execute("SET LOCAL enable_seqscan = off")
        cur.execute("SET LOCAL enable_sort = off")
        cur.execute("EXPLAIN " + sql, params)
        plan = "\n".join(r[0] for r in cur.fetchall())
    assert index in plan, plan
