"""Issue 13 §5: the landing page is "today" for the user's role, built from the registered summary sections
(fake ones registered by the tests), scoped to the user's communities, in a constant number of queries."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import Role
from frontdesk.registry import SummarySection, TodayCard, TodayItem, register_summary_section, unregister_summary_section
from frontdesk.selectors import today
from tests.frontdesk.summary_fixtures import apps_sections_set_aside_fixture  # noqa: F401 (the fixture)

SHANGHAI = ZoneInfo("Asia/Shanghai")  # settings.TIME_ZONE

# the apps' own sections are set aside: the fake ones below are the only sections in these tests
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("apps_sections_set_aside")]

ROLES = (Role.CLERK, Role.CASHIER, Role.SUPERVISOR, Role.ENGINEER, Role.MANAGER, Role.GUARD)


def _card(key, title, roles, *, count, items=(), order=100):
    return TodayCard(key=key, title=title, count=count, url=f"/list/{key}/", items=tuple(items),
                     roles=frozenset(roles), order=order)


@pytest.fixture
def sections():
    """Two fake sections: the calls they get are recorded; items can be added per test."""
    calls = []
    extra = {"items": 3}

    def work_cards(user, community_ids, day, now=None):
        calls.append(("work", user.pk, tuple(community_ids), day))
        now = timezone.now()
        items = [TodayItem(text=f"3-2-150{i} 漏水", url=f"/work/{i}/", due=now + datetime.timedelta(minutes=10 * i - 15))
                 for i in range(extra["items"])]
        return [
            _card("tickets", "快到期的工单", {Role.CLERK}, count=len(items), items=items, order=10),
            _card("my_orders", "今天要做的工单", {Role.ENGINEER}, count=2,
                  items=[TodayItem(text="3-2-1502 水管", url="/repairs/work/1/", urgent=True)], order=10),
            _card("approve", "待审批的更正", {Role.SUPERVISOR, Role.MANAGER}, count=1,
                  items=[TodayItem(text="作废 收据 2026-0001", url="/billing/corrections/1/")], order=20),
        ]

    def money_cards(user, community_ids, day, now=None):
        calls.append(("money", user.pk, tuple(community_ids), day))
        return [_card("takings", "今日收款", {Role.CASHIER}, count=4, order=5),
                _card("close", "日结状态", {Role.CASHIER}, count=0, order=6)]

    register_summary_section(SummarySection(key="test_work", title="工单", figures=lambda ids, day: [], order=1,
                                            today=work_cards))
    register_summary_section(SummarySection(key="test_money", title="收费", figures=lambda ids, day: [], order=2,
                                            action="billing.view", today=money_cards))
    register_summary_section(SummarySection(key="test_figures_only", title="仅数据", figures=lambda ids, day: []))
    yield {"calls": calls, "extra": extra}
    for key in ("test_work", "test_money", "test_figures_only"):
        unregister_summary_section(key)


def _home(client, user):
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("role", ROLES)
def test_each_role_sees_only_its_cards(client, users, sections, role):
    response = _home(client, users[role])
    keys = [c["key"] for c in response.context["cards"]]
    html = response.content.decode()
    expected = {Role.CLERK: ["tickets"], Role.CASHIER: ["takings", "close"], Role.SUPERVISOR: ["approve"],
                Role.ENGINEER: ["my_orders"], Role.MANAGER: ["approve"], Role.GUARD: []}[role]
    assert keys == expected
    for key, title in (("tickets", "快到期的工单"), ("takings", "今日收款"), ("my_orders", "今天要做的工单"),
                       ("approve", "待审批的更正")):
        assert (title in html) == (key in expected)
    if role == Role.GUARD:  # the guard's landing page stays the check pages: no section is even asked
        assert sections["calls"] == [] and reverse("frontdesk:gate_home") in html
        assert "today-cards" not in html
    else:
        assert "today-cards" in html


def test_items_link_where_the_work_is_done_with_time_left_or_overdue(client, users, sections, english_messages):
    response = _home(client, users[Role.CLERK])
    html = response.content.decode()
    card = response.context["cards"][0]
    assert [i["url"] for i in card["items"]] == ["/work/0/", "/work/1/", "/work/2/"]
    assert card["items"][0]["overdue"] and "overdue by 15 min" in card["items"][0]["due"]
    assert "5 min left" in card["items"][2]["due"]
    assert 'href="/work/1/"' in html and 'href="/list/tickets/"' in html
    # the due time is local (Asia/Shanghai, 8 hours ahead of UTC), HH:MM
    shown = card["items"][2]["due"].rsplit(" ", 1)[1]
    soon = timezone.now() + datetime.timedelta(minutes=5)
    assert shown in {timezone.localtime(soon - datetime.timedelta(minutes=m)).strftime("%H:%M") for m in (0, 1)}
    assert shown != soon.astimezone(datetime.UTC).strftime("%H:%M")


def test_at_most_five_items_and_a_link_to_the_rest(client, users, sections):
    sections["extra"]["items"] = 8
    card = _home(client, users[Role.CLERK]).context["cards"][0]
    assert card["count"] == 8 and len(card["items"]) == 5 and card["more"] == 3


def test_a_section_gets_only_the_users_communities(client, users, sections, clerk_b, community_a, community_b):
    _home(client, clerk_b)
    assert {c[2] for c in sections["calls"]} == {(community_b.pk,)}
    sections["calls"].clear()
    _home(client, users[Role.CLERK])
    assert {c[2] for c in sections["calls"]} == {(community_a.pk,)}
    assert {c[3] for c in sections["calls"]} == {timezone.localdate()}


def test_a_section_the_role_may_not_see_is_not_asked(client, users, sections):
    _home(client, users[Role.ENGINEER])  # no billing.view
    assert [c[0] for c in sections["calls"]] == ["work"]


def test_b_cards_never_reach_a(client, users, make_user, community_a, community_b):
    """A section that builds its cards from the ids it is given: A's clerk never sees B's card."""
    def cards(user, community_ids, day, now=None):
        return [_card(f"c{pk}", f"小区{pk}的包裹", {Role.CLERK}, count=1) for pk in community_ids]

    register_summary_section(SummarySection(key="test_scoped", title="包裹", figures=lambda ids, day: [],
                                            today=cards))
    try:
        html = _home(client, users[Role.CLERK]).content.decode()
        assert f"小区{community_a.pk}的包裹" in html and f"小区{community_b.pk}的包裹" not in html
    finally:
        unregister_summary_section("test_scoped")


def test_the_engineers_work_orders_are_one_tap_away(client, users, sections):
    html = _home(client, users[Role.ENGINEER]).content.decode()
    assert 'class="btn btn-primary btn-lg home-shortcut" href="/repairs/work/"' in html
    assert 'href="/repairs/work/1/"' in html


def test_the_manager_gets_the_daily_summary_when_it_exists(client, users, sections, monkeypatch):
    response = _home(client, users[Role.MANAGER])
    assert response.context["summary_url"] == today.summary_link(users[Role.MANAGER])
    monkeypatch.setattr(today, "SUMMARY_URL", "frontdesk:unit_list")  # a page the manager may open
    html = _home(client, users[Role.MANAGER]).content.decode()
    assert 'class="btn btn-outline-primary btn-lg today-summary" href="/frontdesk/units/"' in html
    assert today.summary_link(users[Role.GUARD]) == ""  # not allowed: no link
    monkeypatch.setattr(today, "SUMMARY_URL", "frontdesk:no_such_page")
    assert today.summary_link(users[Role.MANAGER]) == ""


def test_notifications_stay(client, users, sections):
    from core.notifications import notify

    notify(users=[users[Role.CLERK]], title="回访提醒")
    assert "回访提醒" in _home(client, users[Role.CLERK]).content.decode()


def test_query_count_does_not_grow_with_items(client, users, sections, django_assert_max_num_queries):
    client.force_login(users[Role.CLERK])
    client.get(reverse("home"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("home"))
    sections["extra"]["items"] = 40
    with django_assert_max_num_queries(len(few)):
        client.get(reverse("home"))
    assert len(few) <= 8  # the page's own overhead: session, user, unread count, communities, notifications


def test_a_card_with_a_count_and_no_items_claims_no_more(client, users, sections):
    """"今日收款 4" lists nothing: its footer opens the list, it does not say "查看全部（还有 4 项）"."""
    card = {c["key"]: c for c in _home(client, users[Role.CASHIER]).context["cards"]}["takings"]
    assert card["count"] == 4 and card["items"] == [] and card["more"] == 0


def test_every_time_of_the_page_is_told_at_one_now(users, english_messages):
    """The sections get the page's ``now``; the due and since texts are told at it, so a row never shows two
    numbers computed a moment apart; long durations read in hours and days, not thousands of minutes."""
    now = datetime.datetime(2026, 12, 5, 16, 0, tzinfo=SHANGHAI)
    seen = []

    def cards(user, community_ids, day, now=None):
        seen.append(now)
        return [_card("t", "时限", {Role.CLERK}, count=3, items=[
            TodayItem(text="a", url="/a/", due=now - datetime.timedelta(minutes=279, seconds=50)),
            TodayItem(text="b", url="/b/", due=now + datetime.timedelta(seconds=30)),
            TodayItem(text="c", url="/c/", since=now - datetime.timedelta(days=9, hours=3),
                      since_label="waiting %(duration)s"),
        ])]

    register_summary_section(SummarySection(key="test_now", title="t", figures=lambda ids, day: [], today=cards))
    try:
        (card,) = today.today_cards(user=users[Role.CLERK], now=now)
    finally:
        unregister_summary_section("test_now")
    assert seen == [now]
    late, soon, waiting = card["items"]
    assert late["due"] == "overdue by 4 h 40 min · 11:20" and late["overdue"]
    assert soon["due"] == "due now · 16:00" and not soon["overdue"]
    assert waiting["since"] == "waiting 9 days" and waiting["due"] == "" and not waiting["overdue"]
