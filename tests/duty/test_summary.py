"""The duty section of the daily summary (issue 13 §1, §7) and the duty "today" cards (§5): a known day,
each figure's value and label, its drill-down list showing the same number of rows (as a manager),
scoping (community B never counted in A), three queries with one and with three communities."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from core.models import Role
from duty.models import DailyReview, Handover, SpotCheck
from duty.selectors import summary
from duty.services.log import entry_append
from frontdesk.registry import summary_sections
from tests.duty.matrix_roster import objects as roster_objects
from tests.factories import CommunityFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = TODAY - datetime.timedelta(days=(TODAY.weekday() - 4) % 7 or 7)  # the last Friday before today


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def at(day, hour=10, minute=0):
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=timezone.get_current_timezone())


def before(n):
    return DAY - datetime.timedelta(days=n)


def add(community, author, when, kind="call"):
    return entry_append(community=community, author=author, kind=kind, content="来电", occurred_at=when)


def handover(community, outgoing, incoming, when, late=0, **fields):
    return Handover.objects.create(community=community, outgoing=outgoing, incoming=incoming, started_at=when,
                                   incoming_late_minutes=late, **fields)


def name(user):
    return user.full_name or user.username


@pytest.fixture
def day(community_a, community_b, users, make_user):
    """A on DAY (a Friday): 3 entries (clerk 2 calls, supervisor 1 incident); unsigned days DAY-1 and DAY-5 (DAY-2 signed,
    DAY-40 too old, DAY itself not over); one late handover (another on time, one late the day before);
    one spot check this week (so 2 behind the pace of 3). B: rows of each kind, never counted in A."""
    clerk, supervisor = users[Role.CLERK], users[Role.SUPERVISOR]
    for when in (before(40), before(5), before(2), before(1)):
        add(community_a, clerk, at(when))
    add(community_a, clerk, at(DAY, 9))
    add(community_a, clerk, at(DAY, 23, 59))
    add(community_a, supervisor, at(DAY, 12), kind="incident")
    DailyReview.objects.create(community=community_a, date=before(2), reviewer=supervisor, signed_at=at(before(1)),
                               last_entry_seq=99)
    handover(community_a, clerk, supervisor, at(DAY, 8), late=5, status=Handover.Status.COMPLETED)
    handover(community_a, supervisor, clerk, at(DAY, 16), status=Handover.Status.COMPLETED)
    handover(community_a, clerk, supervisor, at(before(1), 8), late=7, status=Handover.Status.COMPLETED)
    SpotCheck.objects.create(community=community_a, checked_at=at(DAY, 11), checker=supervisor, clerk=clerk)
    SpotCheck.objects.create(community=community_a, checked_at=at(before(7), 11), checker=supervisor, clerk=clerk)

    clerk_b = make_user(role=Role.CLERK, communities=[community_b], username="clerk_b_duty")
    for when in (at(before(1)), at(DAY, 9)):
        add(community_b, clerk_b, when)
    handover(community_b, clerk_b, clerk_b, at(DAY, 8), late=3, status=Handover.Status.COMPLETED)
    for n in range(3):
        SpotCheck.objects.create(community=community_b, checked_at=at(DAY, 9 + n), checker=clerk_b, clerk=clerk_b)
    return {"a": community_a, "b": community_b, "clerk": clerk, "supervisor": supervisor}


def by_key(figures):
    return {f.key: f for f in figures}


def test_registered():
    section = {s.key: s for s in summary_sections()}["duty"]
    assert section.figures is summary.figures and section.today is summary.today_cards


def test_each_figure_value_and_label(day):
    figures = by_key(summary.figures([day["a"].pk], DAY))
    expected = {
        "duty.unsigned_days": (2, "Duty log days not signed (last 31 days)"),
        "duty.late_handovers": (1, "Late handovers"),
        "duty.spot_checks_behind": (2, "Spot checks missing this week (3 a week)"),
        "duty.entries": (3, "Duty log entries"),
        "duty.calls_visits": (2, "Calls and visits in the duty log"),
        "duty.entries.by_staff": (3, "Duty log entries by staff"),
    }
    assert {k: (f.value, f.label) for k, f in figures.items()} == expected
    assert dict(figures["duty.entries.by_staff"].breakdown) == {name(day["clerk"]): 2, name(day["supervisor"]): 1}
    assert dict(figures["duty.calls_visits"].breakdown) == {"Phone call": 2}
    assert {k for k, f in figures.items() if f.exception} == {"duty.unsigned_days", "duty.late_handovers",
                                                               "duty.spot_checks_behind"}
    assert all(f.alert for f in figures.values() if f.exception)


def test_drill_down_lists_show_the_rows_counted(day, client, users):
    client.force_login(users[Role.MANAGER])
    figures = by_key(summary.figures([day["a"].pk], DAY))
    context = {"duty.unsigned_days": "days", "duty.late_handovers": "handovers", "duty.entries": "entries",
               "duty.calls_visits": "entries",
               "duty.entries.by_staff": "entries"}
    for key, name_ in context.items():
        response = client.get(figures[key].url)
        assert response.status_code == 200, key
        assert len(response.context[name_]) == figures[key].value, (key, figures[key].url)
    # the weekly counter: this week's checks of A, red
    response = client.get(figures["duty.spot_checks_behind"].url)
    assert response.status_code == 200


def test_spot_checks_on_pace_are_not_behind(day):
    assert by_key(summary.figures([day["b"].pk], DAY))["duty.spot_checks_behind"].value == 0
    monday = DAY - datetime.timedelta(days=DAY.weekday())  # half of the week not gone: nobody is behind yet
    assert by_key(summary.figures([day["a"].pk], monday))["duty.spot_checks_behind"].value == 0


def test_community_b_never_counted_in_a(day):
    b = by_key(summary.figures([day["b"].pk], DAY))
    assert (b["duty.entries"].value, b["duty.unsigned_days"].value, b["duty.late_handovers"].value) == (1, 1, 1)
    both = by_key(summary.figures([day["a"].pk, day["b"].pk], DAY))
    assert (both["duty.entries"].value, both["duty.unsigned_days"].value, both["duty.late_handovers"].value,
            both["duty.spot_checks_behind"].value) == (4, 3, 2, 2)
    assert dict(both["duty.late_handovers"].breakdown) == {day["a"].name: 1, day["b"].name: 1}
    assert both["duty.entries"].url == ""  # the duty pages show one community at a time


def test_three_queries_with_one_and_three_communities(day, django_assert_num_queries):
    c = CommunityFactory(name="第三小区", code="DS")
    for ids in ([day["a"].pk], [day["a"].pk, day["b"].pk, c.pk]):
        with django_assert_num_queries(3):
            summary.figures(ids, DAY)
    assert summary.figures([], DAY) == []


# --- today cards -----------------------------------------------------------------------------------

def test_clerk_sees_the_handover_pending(community_a, community_b, users, make_user, django_assert_max_num_queries):
    clerk, supervisor = users[Role.CLERK], users[Role.SUPERVISOR]
    open_one = handover(community_a, supervisor, clerk, timezone.now())
    clerk_b = make_user(role=Role.CLERK, communities=[community_b], username="clerk_b_today")
    handover(community_b, clerk_b, clerk_b, timezone.now())
    with django_assert_max_num_queries(1):
        (card,) = summary.today_cards(clerk, [community_a.pk], TODAY)
    assert card.key == "duty.handover" and card.count == 1 and Role.CLERK in card.roles
    assert card.items[0].url == reverse("duty:handover_detail", args=[open_one.pk]) and card.items[0].urgent


def test_supervisor_cards(community_a, users, django_assert_max_num_queries):
    clerk, supervisor = users[Role.CLERK], users[Role.SUPERVISOR]
    yesterday, two_days_ago = TODAY - datetime.timedelta(days=1), TODAY - datetime.timedelta(days=2)
    add(community_a, clerk, at(yesterday))
    add(community_a, clerk, at(two_days_ago))
    DailyReview.objects.create(community=community_a, date=two_days_ago, reviewer=supervisor,
                               signed_at=timezone.now(), last_entry_seq=99)
    SpotCheck.objects.create(community=community_a, checked_at=timezone.now(), checker=supervisor, clerk=clerk)
    change = roster_objects(community_a, users)["roster_change_request"]
    with django_assert_max_num_queries(3):
        cards = {c.key: c for c in summary.today_cards(supervisor, [community_a.pk], TODAY)}
    assert cards["duty.signoff"].count == 1
    assert cards["duty.signoff"].items[0].url == (
        f"{reverse('duty:signoff_day', args=[yesterday.isoformat()])}?community={community_a.pk}")
    assert cards["duty.spot_checks"].count == 1 and cards["duty.spot_checks"].items[0].text.endswith("1/3")
    assert cards["duty.requests"].count == 1
    assert cards["duty.requests"].items[0].url == reverse("duty:request_decide", args=[change.pk])
    assert summary.today_cards(users[Role.MANAGER], [community_a.pk], TODAY) == []
