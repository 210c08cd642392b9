"""The repairs section of the daily summary (issue 13 §1, §7) and the repairs "today" cards (§5): a known day
built with fixtures, each figure's value and label, its drill-down list showing the same number of rows (as
a manager), scoping (community B never counted in A), three queries with one and with three communities."""

import datetime
import itertools
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.models import Role
from frontdesk.registry import PERCENT, summary_sections
from repairs.models import Callback, Category, Clock, Ticket
from repairs.selectors import summary
from tests.factories import BuildingFactory, CommunityFactory, EntranceFactory, UnitFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")  # settings.TIME_ZONE

K, S, C = Ticket.Kind, Ticket.Status, Ticket.Channel
_seq = itertools.count(1)
DAY = timezone.localdate() - datetime.timedelta(days=3)  # a day that is over: nothing of it changes while testing


def at(hour, minute=0, day=DAY):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def ticket(community, unit, category, *, kind=K.REPAIR, channel=C.PHONE, when=None, actor, **fields):
    when = when or at(9)
    return Ticket.objects.create(
        community=community, number=f"{Ticket.PREFIX[kind]}-S-{next(_seq):05d}", kind=kind, channel=channel,
        unit=unit, building=unit.building, contact_name="张", category=category, description="x",
        created_by=actor, created_at=when, last_activity_at=when, **fields)


def clock(t, kind, *, due, **fields):
    return Clock.objects.create(ticket=t, community_id=t.community_id, kind=kind,
                                started_at=due - datetime.timedelta(minutes=10), due_at=due,
                                warn_at=due - datetime.timedelta(minutes=3), **fields)


def place(community, building="3"):
    b = BuildingFactory(community=community, name=building)
    return UnitFactory(entrance=EntranceFactory(building=b, name="1"), number="101")


@pytest.fixture
def day(community_a, community_b, users, make_user):
    """Community A on DAY: 4 repairs (2 phone, 1 walk-in, 1 staff), 3 complaints (2 phone 噪音 in building 3,
    1 patrol 水电 in building 5), 1 suggestion by phone; 2 closed that day; 2 running breached clocks (one a
    complaint's); callbacks done 5, 4 and 1 (escalated), one overdue. Community B: the same kinds of rows,
    never counted in A."""
    actor = users[Role.CLERK]
    u3, u5 = place(community_a, "3"), place(community_a, "5")
    water = Category.objects.create(community=community_a, name="水电")
    noise = Category.objects.create(community=community_a, name="噪音")
    r1 = ticket(community_a, u3, water, actor=actor)
    r2 = ticket(community_a, u3, water, actor=actor, when=at(10))
    r3 = ticket(community_a, u5, water, channel=C.WALK_IN, actor=actor)
    ticket(community_a, u5, water, channel=C.STAFF, actor=actor)
    c1 = ticket(community_a, u3, noise, kind=K.COMPLAINT, actor=actor)
    ticket(community_a, u3, noise, kind=K.COMPLAINT, actor=actor)
    ticket(community_a, u5, water, kind=K.COMPLAINT, channel=C.PATROL, actor=actor)
    ticket(community_a, u3, water, kind=K.SUGGESTION, actor=actor, status=S.CLOSED, closed_at=at(15))
    # received the day before, closed on DAY; received the day after: neither is "new" on DAY
    ticket(community_a, u3, water, actor=actor, when=at(9) - datetime.timedelta(days=1), status=S.CLOSED,
           closed_at=at(11))
    late_done = ticket(community_a, u5, water, actor=actor, when=at(9) + datetime.timedelta(days=1))
    clock(r1, Clock.Kind.DISPATCH, due=at(9, 3), breached_at=at(9, 3))
    clock(c1, Clock.Kind.COMPLAINT, due=at(9) + datetime.timedelta(hours=24), breached_at=at(9) + datetime.timedelta(hours=24))
    clock(r2, Clock.Kind.DISPATCH, due=at(10, 3), breached_at=at(10, 3), met_at=at(10, 20))  # met late: not running
    for t, score, outcome in ((r1, 5, "satisfied"), (r2, 4, "satisfied"), (r3, 1, "escalate")):
        Callback.objects.create(ticket=t, community=community_a, due_at=at(20), status="done", satisfaction=score,
                                outcome=outcome, done_at=at(16))
    Callback.objects.create(ticket=c1, community=community_a, due_at=at(12))  # missing
    Callback.objects.create(ticket=late_done, community=community_a, due_at=at(12) + datetime.timedelta(days=5))

    b_clerk = make_user(role=Role.CLERK, communities=[community_b], username="clerk_b_summary")
    ub = place(community_b)
    wb = Category.objects.create(community=community_b, name="水电")
    rb = ticket(community_b, ub, wb, actor=b_clerk)
    cb = ticket(community_b, ub, wb, kind=K.COMPLAINT, actor=b_clerk, status=S.CLOSED, closed_at=at(12))
    clock(rb, Clock.Kind.DISPATCH, due=at(9, 3), breached_at=at(9, 3))
    Callback.objects.create(ticket=rb, community=community_b, due_at=at(12), status="done", satisfaction=1,
                            outcome="escalate", done_at=at(13))
    Callback.objects.create(ticket=cb, community=community_b, due_at=at(12))
    return {"a": community_a, "b": community_b}


EXPECTED = {  # key: (value, English label)
    "repairs.overdue": (2, "Overdue deadlines"),
    "repairs.complaints_late": (1, "Complaints past their deadline"),
    "repairs.callbacks_missing": (1, "Callbacks overdue, not done"),
    "repairs.dissatisfied": (1, "Dissatisfied callbacks"),
    "repairs.calls_visits": (6, "Calls and visits logged"),
    "repairs.opened": (7, "New repairs and complaints"),
    "repairs.closed": (2, "Tickets closed"),
    "repairs.complaints": (3, "New complaints"),
    "repairs.callbacks_done": (3, "Callbacks done"),
    "repairs.satisfaction": (Decimal("66.67"), "Average satisfaction (score of 5 as %)"),
    "repairs.complaints.hot_spots": (3, "Complaint hot spots (building · category)"),
    "repairs.repair_complaints.by_area": (3, "Complaints per building"),
    "repairs.suggestions": (1, "Suggestions"),
}


def by_key(figures):
    return {f.key: f for f in figures}


def test_registered():
    section = {s.key: s for s in summary_sections()}["repairs"]
    assert section.figures is summary.figures and section.today is summary.today_cards


def test_each_figure_value_and_label(day):
    figures = by_key(summary.figures([day["a"].pk], DAY))
    assert set(figures) == set(EXPECTED)
    for key, (value, label) in EXPECTED.items():
        assert (figures[key].value, figures[key].label) == (value, label), key
    assert figures["repairs.satisfaction"].kind == PERCENT
    assert dict(figures["repairs.satisfaction"].breakdown)["average score (of 5)"] == "3.33"
    assert dict(figures["repairs.overdue"].breakdown) == {"Dispatch": 1, "Complaint handled": 1}
    assert dict(figures["repairs.calls_visits"].breakdown) == {"Phone": 5, "Walk-in": 1}
    assert dict(figures["repairs.opened"].breakdown) == {"Repair": 4, "Complaint": 3}
    assert dict(figures["repairs.closed"].breakdown) == {"Repair": 1, "Suggestion": 1}
    assert dict(figures["repairs.complaints"].breakdown) == {"噪音": 2, "水电": 1}
    assert dict(figures["repairs.complaints.hot_spots"].breakdown) == {
        "翠湖花园 · Building 3 · 噪音": 2, "翠湖花园 · Building 5 · 水电": 1}
    assert dict(figures["repairs.repair_complaints.by_area"].breakdown) == {
        "翠湖花园 · Building 3": 2, "翠湖花园 · Building 5": 1}
    exceptions = {k for k, f in figures.items() if f.exception}
    assert exceptions == {"repairs.overdue", "repairs.complaints_late", "repairs.callbacks_missing",
                          "repairs.dissatisfied"}
    assert all(figures[k].better == "down" and figures[k].alert for k in exceptions)
    assert {f.group for f in figures.values() if "hot_spots" in f.key or "by_area" in f.key
            or f.key == "repairs.suggestions"} == {"Reports"}


def rows_shown(response) -> int:
    context = response.context
    if "callbacks" in context:
        return len(context["callbacks"])
    page = context["page"]
    if hasattr(page, "paginator"):
        return page.paginator.count
    assert not page.has_next
    return len(page.object_list)


def test_each_drill_down_list_shows_the_rows_counted(day, client, users):
    client.force_login(users[Role.MANAGER])
    for f in summary.figures([day["a"].pk], DAY):
        if f.kind == PERCENT:  # the average of the callbacks done: its list is theirs
            assert f.url == by_key(summary.figures([day["a"].pk], DAY))["repairs.callbacks_done"].url
            continue
        response = client.get(f.url)
        assert response.status_code == 200, f.key
        assert rows_shown(response) == f.value, (f.key, f.url)


def test_drill_down_of_several_communities(day, client, make_user):
    both = make_user(role=Role.MANAGER, communities=[day["a"], day["b"]], username="manager_ab")
    client.force_login(both)
    figures = by_key(summary.figures([day["a"].pk, day["b"].pk], DAY))
    assert figures["repairs.overdue"].value == 3 and figures["repairs.dissatisfied"].value == 2
    assert figures["repairs.callbacks_missing"].value == 2 and figures["repairs.closed"].value == 3
    for key in ("repairs.overdue", "repairs.dissatisfied", "repairs.callbacks_missing", "repairs.closed",
                "repairs.opened", "repairs.complaints"):
        assert rows_shown(client.get(figures[key].url)) == figures[key].value, key
    # A's figures through a manager of both: the list is cut to A
    only_a = by_key(summary.figures([day["a"].pk], DAY))["repairs.overdue"]
    assert rows_shown(client.get(only_a.url)) == 2


def test_community_b_never_counted_in_a(day):
    b = by_key(summary.figures([day["b"].pk], DAY))
    assert (b["repairs.overdue"].value, b["repairs.opened"].value, b["repairs.dissatisfied"].value,
            b["repairs.callbacks_missing"].value, b["repairs.closed"].value) == (1, 2, 1, 1, 1)
    a = by_key(summary.figures([day["a"].pk], DAY))
    assert a["repairs.opened"].value == 7 and a["repairs.dissatisfied"].value == 1


def test_a_foreign_community_in_the_url_shows_nothing(day, client, users):
    client.force_login(users[Role.MANAGER])  # A only
    url = by_key(summary.figures([day["b"].pk], DAY))["repairs.overdue"].url
    assert rows_shown(client.get(url)) == 0


def test_three_queries_with_one_and_three_communities(day, django_assert_num_queries):
    c = CommunityFactory(name="第三小区", code="DS")
    for ids in ([day["a"].pk], [day["a"].pk, day["b"].pk, c.pk]):
        with django_assert_num_queries(3):
            summary.figures(ids, DAY)
    assert summary.figures([], DAY) == []


def test_a_day_without_callbacks_has_no_satisfaction(community_a):
    figures = by_key(summary.figures([community_a.pk], DAY))
    assert figures["repairs.satisfaction"].value is None and figures["repairs.opened"].value == 0


# --- today cards -----------------------------------------------------------------------------------

@pytest.fixture
def today_work(community_a, community_b, users):
    actor = users[Role.CLERK]
    u = place(community_a)
    water = Category.objects.create(community=community_a, name="水电")
    now = timezone.now()
    soon = ticket(community_a, u, water, actor=actor, when=now, status=S.DISPATCHED,
                  assignee=users[Role.ENGINEER], dispatched_at=now)
    later = ticket(community_a, u, water, actor=actor, when=now, status=S.DISPATCHED, assignee=users[Role.ENGINEER],
                   urgency=Ticket.Urgency.URGENT, dispatched_at=now)
    clock(soon, Clock.Kind.ON_SITE, due=now + datetime.timedelta(minutes=12, seconds=30))
    clock(later, Clock.Kind.APPOINTMENT, due=now + datetime.timedelta(hours=3))
    done = ticket(community_a, u, water, actor=actor, when=now, status=S.CALLBACK_DONE)
    Callback.objects.create(ticket=done, community=community_a, due_at=now - datetime.timedelta(hours=1),
                            status="done", satisfaction=2, outcome="escalate", done_at=now)
    pending = ticket(community_a, u, water, actor=actor, when=now, status=S.COMPLETED)
    Callback.objects.create(ticket=pending, community=community_a, due_at=now + datetime.timedelta(minutes=30))
    return {"soon": soon, "later": later, "pending": pending}


def test_clerk_cards(today_work, community_a, users, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        cards = {c.key: c for c in summary.today_cards(users[Role.CLERK], [community_a.pk], timezone.localdate())}
    clocks = cards["repairs.clocks"]
    # the appointment in 3 hours is not running out yet (DUE_SOON: 2 hours)
    assert clocks.count == 1 and Role.CLERK in clocks.roles
    first = clocks.items[0]
    assert today_work["soon"].number in first.text and first.due == today_work["soon"].clocks.get().due_at
    assert "minutes" not in first.text and " min" not in first.text  # the page tells the due, at its one now
    assert first.url == reverse("repairs:ticket_detail", args=[today_work["soon"].pk])
    assert cards["repairs.overdue"].count == 0 and cards["repairs.overdue"].url.startswith(reverse("repairs:overdue"))
    callbacks = cards["repairs.callbacks"]
    assert callbacks.count == 1 and today_work["pending"].number in callbacks.items[0].text
    assert callbacks.items[0].url.startswith(reverse("repairs:callback_list"))


def test_running_out_lists_what_is_due_soon_and_the_late_have_their_own_card(community_a, users):
    """"即将超时" listed only clocks 11 days late (the oldest deadline first, forever): now it lists the clocks due
    within the coming window; the late ones are "超时未办", where a paused one reads as paused."""
    now = datetime.datetime(2026, 12, 5, 16, 0, tzinfo=SHANGHAI)
    actor, u = users[Role.CLERK], place(community_a)
    water = Category.objects.create(community=community_a, name="水电")

    def clocked(minutes, **fields):
        t = ticket(community_a, u, water, actor=actor, when=now - datetime.timedelta(days=12), status=S.DISPATCHED)
        clock(t, Clock.Kind.ON_SITE, due=now + datetime.timedelta(minutes=minutes), **fields)
        return t

    ancient = clocked(-11 * 24 * 60, breached_at=now - datetime.timedelta(days=11))
    paused = clocked(-11 * 24 * 60, breached_at=now - datetime.timedelta(days=11),
                     paused_at=now - datetime.timedelta(days=11) + datetime.timedelta(minutes=12))
    soon = clocked(46)
    clocked(3 * 60)  # not yet running out
    cards = {c.key: c for c in summary.today_cards(actor, [community_a.pk], now.date(), now=now)}
    running_out, late = cards["repairs.clocks"], cards["repairs.overdue"]
    assert running_out.count == 1 and [i.url for i in running_out.items] == [soon.get_absolute_url()]
    assert all(i.due > now for i in running_out.items)
    assert late.count == 2 and [i.url for i in late.items] == [ancient.get_absolute_url(), paused.get_absolute_url()]
    assert late.items[0].due < now
    assert late.items[1].due is None and "paused overdue by 12 min" in late.items[1].text


def test_engineer_card_in_order_of_urgency(today_work, community_a, users, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        (card,) = summary.today_cards(users[Role.ENGINEER], [community_a.pk], timezone.localdate())
    assert card.key == "repairs.work" and card.count == 2
    assert [i.url for i in card.items] == [reverse("repairs:work_ticket", args=[today_work["later"].pk]),
                                           reverse("repairs:work_ticket", args=[today_work["soon"].pk])]


def test_a_ticket_on_hold_is_paused_on_the_engineers_card_not_a_week_late(community_a, users):
    now = timezone.now()
    actor, u = users[Role.CLERK], place(community_a)
    water = Category.objects.create(community=community_a, name="水电")
    held = ticket(community_a, u, water, actor=actor, when=now - datetime.timedelta(days=8), status=S.ON_HOLD,
                  assignee=users[Role.ENGINEER], is_overdue=True)
    clock(held, Clock.Kind.ON_SITE, due=now - datetime.timedelta(days=7, minutes=12),
          breached_at=now - datetime.timedelta(days=7), paused_at=now - datetime.timedelta(days=7))
    (card,) = summary.today_cards(users[Role.ENGINEER], [community_a.pk], now.date(), now=now)
    (item,) = card.items
    assert item.due is None and "paused overdue by 12 min" in item.text and "day" not in item.text


def test_supervisor_escalations(today_work, community_a, community_b, users, client):
    (card,) = summary.today_cards(users[Role.SUPERVISOR], [community_a.pk], timezone.localdate())
    assert card.key == "repairs.escalations" and card.count == 1 and card.items[0].urgent
    client.force_login(users[Role.SUPERVISOR])
    assert rows_shown(client.get(card.url)) == 1
    assert summary.today_cards(users[Role.SUPERVISOR], [community_b.pk], timezone.localdate())[0].count == 0


def test_the_drill_down_lists_read_a_constant_number_of_queries(day, client, users):
    """More rows of each kind behind the same figures: the lists read the same number of queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(users[Role.MANAGER])
    keys = ("repairs.overdue", "repairs.dissatisfied", "repairs.callbacks_missing", "repairs.opened",
            "repairs.closed")

    def counts():
        figures = by_key(summary.figures([day["a"].pk], DAY))
        out = {}
        for key in keys:
            with CaptureQueriesContext(connection) as ctx:
                assert rows_shown(client.get(figures[key].url)) == figures[key].value
            out[key] = len(ctx.captured_queries)
        return out, {k: figures[k].value for k in keys}

    before, values = counts()
    actor, u = users[Role.CLERK], place(day["a"], "7")
    water = Category.objects.get(community=day["a"], name="水电")
    for _ in range(3):
        t = ticket(day["a"], u, water, actor=actor, status=S.CLOSED, closed_at=at(17))
        clock(t, Clock.Kind.DISPATCH, due=at(9, 3), breached_at=at(9, 3))
        Callback.objects.create(ticket=t, community=day["a"], due_at=at(20), status="done", satisfaction=2,
                                outcome="reopen", done_at=at(18))
        t2 = ticket(day["a"], u, water, kind=K.COMPLAINT, actor=actor)
        Callback.objects.create(ticket=t2, community=day["a"], due_at=at(11))
    after, more = counts()
    assert more == {k: v + (6 if k == "repairs.opened" else 3) for k, v in values.items()}
    assert after == before


def test_the_board_keeps_the_drill_down_filters(day, client, users):
    """Filtering the board again keeps what the summary opened it with (hidden fields), and says "Tickets"."""
    client.force_login(users[Role.MANAGER])
    url = by_key(summary.figures([day["a"].pk], DAY))["repairs.calls_visits"].url
    html = client.get(url).content.decode()
    for name, value in (("channel", "phone"), ("channel", "walk_in"), ("community", day["a"].pk)):
        assert f'<input type="hidden" name="{name}" value="{value}">' in html
    assert "<h1 class=\"h4 mb-0 me-auto\">Tickets" in html
    assert client.get(reverse("repairs:board") + "?closed_on=x&community=abc").status_code == 200


def test_at_full_scale_the_queries_read_only_what_they_count(day, db):
    """1M tickets (docs/performance.md, "Daily summary and today pages"): the callback counts filter the rows in
    the WHERE clause (done on the day OR pending and late), not only in each count's FILTER, so they read the
    day's callbacks instead of every callback of the communities; and the indexes that make the ticket and
    clock queries cheap exist."""
    with CaptureQueriesContext(connection) as ctx:
        summary.figures([day["a"].pk], DAY)
    sql = next(q["sql"] for q in ctx.captured_queries if 'FROM "repairs_callback"' in q["sql"])
    where = sql.split('FROM "repairs_callback"', 1)[1]
    assert '"done_at" >=' in where and '"due_at" <' in where
    with connection.cursor() as cur:
        cur.execute("SELECT indexname FROM pg_indexes WHERE indexname IN "
                    "('ticket_closed_idx', 'ticket_community_id_idx', 'clock_running_due_idx', 'bill_created_idx')")
        assert {r[0] for r in cur.fetchall()} == {"ticket_closed_idx", "ticket_community_id_idx",
                                                 "clock_running_due_idx", "bill_created_idx"}
