"""The counter's registers and move-ins/outs in the daily summary (issue 13 §1, §5, §7): a known day gives known
figures with their labels; a drill-down lists as many rows as its figure counts; community B is never counted
for A; two queries for one or three communities; the clerk's "today" cards."""

import datetime

import pytest
from django.utils import timezone

from core.models import Role
from frontdesk.models import Key
from frontdesk.registry import summary_sections
from frontdesk.selectors import summary_registers as summary
from frontdesk.services import visitors as visitor_services
from tests.factories import CommunityFactory, OccupancyFactory, PersonFactory
from tests.frontdesk.matrix_keys import deposit, sign_out
from tests.frontdesk.matrix_parcels import make_parcel, make_unit
from tests.frontdesk.matrix_slips import issue, owner_unit
from tests.frontdesk.matrix_visitors import make_visitor

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_messages")]

TODAY = timezone.localdate()


@pytest.fixture
def known_day(unit_a, unit_b, clerk, clerk_b, community_a):
    """Community A today: two visitors registered, one let in (still inside); a parcel arrived today and one
    waiting for four days; a key deposited and signed out, overdue; a release slip issued; a move-in and a
    move-out. Community B: a visitor let in, a parcel and a move-in."""
    inside = make_visitor(unit_a, actor=clerk, name="李预约")
    visitor_services.visitor_time_in(visitor=inside, actor=clerk)
    make_visitor(unit_a, actor=clerk, name="王预约")
    room = make_unit(community_a)
    make_parcel(room, actor=clerk, tracking_no="SF0000000001")
    make_parcel(room, actor=clerk, tracking_no="SF0000000002", now=timezone.now() - datetime.timedelta(days=4))
    key = deposit(unit_a, clerk)
    sign_out(key, clerk)
    Key.objects.filter(pk=key.pk).update(due_back_at=timezone.now() - datetime.timedelta(hours=3))
    slip_unit, owner = owner_unit(community_a)
    issue(slip_unit, owner, actor=clerk)
    OccupancyFactory(unit=unit_a, person=PersonFactory(community=community_a), kind="resident", start_date=TODAY)
    OccupancyFactory(unit=unit_a, person=PersonFactory(community=community_a), kind="tenant",
                     start_date=TODAY - datetime.timedelta(days=90), end_date=TODAY)
    in_b = make_visitor(unit_b, actor=clerk_b, name="赵预约")
    visitor_services.visitor_time_in(visitor=in_b, actor=clerk_b)
    make_parcel(unit_b, actor=clerk_b, tracking_no="SF0000000003")
    OccupancyFactory(unit=unit_b, kind="resident", start_date=TODAY)


EXPECTED_A = {
    "registers.keys_overdue": 1, "registers.parcels_waiting_long": 1, "registers.visitors_not_out": 1,
    "registers.visitors_registered": 2, "registers.visitors_let_in": 1, "registers.parcels_arrived": 1,
    "registers.parcels_picked_up": 0, "registers.slips_issued": 1, "registers.slips_used": 0,
    "registers.keys_held": 1, "frontdesk.move_ins": 1, "frontdesk.move_outs": 1,
}


def by_key(community_ids):
    return {f.key: f for f in summary.figures(community_ids, TODAY)}


def test_the_section_is_registered():
    section = next(s for s in summary_sections() if s.key == "registers")
    assert section.figures is summary.figures and section.today is summary.today_cards


def test_a_known_day_gives_known_figures(known_day, community_a):
    f = by_key([community_a.pk])
    assert {key: figure.value for key, figure in f.items()} == EXPECTED_A
    assert f["registers.keys_overdue"].label == "Keys overdue" and f["registers.keys_overdue"].exception
    assert f["frontdesk.move_ins"].label == "Move-ins" and f["registers.keys_held"].additive is False
    assert all(figure.label and figure.url.startswith("/") for figure in f.values())


def test_drill_downs_list_the_rows_counted(known_day, client, users, community_a):
    client.force_login(users[Role.MANAGER])
    f = by_key([community_a.pk])
    assert len(client.get(f["registers.keys_overdue"].url).context["keys"]) == 1
    assert client.get(f["registers.parcels_waiting_long"].url).context["page"].paginator.count == 1
    assert client.get(f["registers.visitors_not_out"].url).context["board"]["on_site_total"] == 1
    assert client.get(f["registers.visitors_registered"].url).context["page"].paginator.count == 2
    assert client.get(f["registers.slips_issued"].url).context["page"].paginator.count == 1
    assert client.get(f["registers.keys_held"].url).context["page"].paginator.count == 1
    assert client.get(f["registers.slips_used"].url).context["page"].paginator.count == 0
    assert client.get(f["frontdesk.move_ins"].url).context["page"].paginator.count == 1
    assert client.get(f["frontdesk.move_outs"].url).context["page"].paginator.count == 1
    assert client.get(f["registers.visitors_let_in"].url).context["page"].paginator.count == 1
    assert client.get(f["registers.parcels_arrived"].url).context["page"].paginator.count == 1
    assert client.get(f["registers.parcels_picked_up"].url).context["page"].paginator.count == 0
    for figure in f.values():
        assert client.get(figure.url).status_code == 200, figure.key


def test_a_day_that_is_over_is_counted_and_listed_as_it_stood_at_its_end(unit_a, clerk, client, users, community_a):
    """Yesterday a key was out past its return time, a parcel had waited four days and a visitor was still inside;
    all three were settled this morning. Yesterday's figures still count them (as the frozen summary did: no false
    "corrected" mark), its drill-downs list them as they stood then, and today's count nothing."""
    from frontdesk.services import keys as key_services
    from frontdesk.services import parcels as parcel_services

    yesterday = TODAY - datetime.timedelta(days=1)
    at = lambda day, hour: timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))  # noqa: E731
    this_morning = min(at(TODAY, 0) + datetime.timedelta(minutes=5), timezone.now())
    key = deposit(unit_a, clerk, now=at(yesterday, 8))
    sign_out(key, clerk, now=at(yesterday, 9), due_back_at=at(yesterday, 12))
    key_services.key_sign_in(key=key, returned_by_name="装修工 王", actor=clerk, now=this_morning)
    room = make_unit(community_a)
    parcel = make_parcel(room, actor=clerk, tracking_no="SF0000000009", now=at(yesterday, 9) - datetime.timedelta(days=4))
    parcel_services.parcels_pick_up(actor=clerk, parcel_ids=[parcel.pk], collector="addressee", signed_on_paper=True,
                                    now=this_morning)
    guest = make_visitor(unit_a, actor=clerk, name="李留宿")
    visitor_services.visitor_time_in(visitor=guest, actor=clerk, now=at(yesterday, 21))
    visitor_services.visitor_time_out(visitor=guest, actor=clerk, now=this_morning)

    then = {f.key: f for f in summary.figures([community_a.pk], yesterday)}
    assert [then[k].value for k in ("registers.keys_overdue", "registers.parcels_waiting_long",
                                    "registers.visitors_not_out")] == [1, 1, 1]
    now = by_key([community_a.pk])
    assert [now[k].value for k in ("registers.keys_overdue", "registers.parcels_waiting_long",
                                   "registers.visitors_not_out")] == [0, 0, 0]

    client.force_login(users[Role.MANAGER])
    keys_page = client.get(then["registers.keys_overdue"].url)
    assert [k.pk for k in keys_page.context["keys"]] == [key.pk]
    html = keys_page.content.decode()
    assert 'id="as-of"' in html and "装修量房" in html and "In the key cabinet" in html  # the sign-out then, the key now
    parcels_page = client.get(then["registers.parcels_waiting_long"].url)
    assert [p.pk for p in parcels_page.context["page"]] == [parcel.pk] and 'id="as-of"' in parcels_page.content.decode()
    visitors_page = client.get(then["registers.visitors_not_out"].url)
    assert [v.pk for v in visitors_page.context["page"]] == [guest.pk]
    assert "Still inside at the end of" in visitors_page.content.decode()
    # today's drill-downs are today's lists
    assert client.get(now["registers.keys_overdue"].url).context["keys"] == []
    assert client.get(now["registers.parcels_waiting_long"].url).context["page"].paginator.count == 0


def test_community_b_is_never_counted_for_a(known_day, community_a, community_b):
    b = {key: figure.value for key, figure in by_key([community_b.pk]).items()}
    assert b["registers.visitors_let_in"] == 1 and b["registers.parcels_arrived"] == 1 and b["frontdesk.move_ins"] == 1
    assert b["registers.keys_held"] == 0 and b["registers.slips_issued"] == 0
    both = {key: figure.value for key, figure in by_key([community_a.pk, community_b.pk]).items()}
    assert both == {key: value + b[key] for key, value in EXPECTED_A.items()}


def test_two_queries_for_one_or_three_communities(known_day, community_a, community_b,
                                                  django_assert_max_num_queries):
    third = CommunityFactory()
    with django_assert_max_num_queries(2):
        summary.figures([community_a.pk], TODAY)
    with django_assert_max_num_queries(2):
        summary.figures([community_a.pk, community_b.pk, third.pk], TODAY)


def test_the_clerks_today_cards(known_day, clerk, users, community_a, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        cards = {c.key: c for c in summary.today_cards(clerk, [community_a.pk], TODAY)}
    assert cards["registers.parcels_waiting"].count == 2 and len(cards["registers.parcels_waiting"].items) == 2
    assert cards["registers.parcels_waiting"].items[0].text.startswith("P9-1-901")  # the oldest first
    assert cards["registers.visitors_on_site"].count == 1 and "李**" in cards["registers.visitors_on_site"].items[0].text
    assert cards["registers.slips_to_check"].count == 1
    assert all(Role.CLERK in c.roles and c.url for c in cards.values())
    assert summary.today_cards(users[Role.CASHIER], [community_a.pk], TODAY) == []


def test_keys_are_unique_and_every_figure_has_a_label_and_a_list(community_a):
    """The registers', billing's and renovation's figures of a quiet day: unique keys (they are frozen by key),
    a label and a drill-down each; nothing to report is zero, not an error."""
    mine = [s for s in summary_sections() if s.key in ("registers", "billing", "renovation")]
    figures = [f for s in mine for f in s.figures([community_a.pk], TODAY)]
    keys = [f.key for f in figures]
    assert len(mine) == 3 and len(keys) == len(set(keys))
    assert all(f.label and f.url for f in figures)
    assert not any(f.value for f in figures if f.exception)


def test_the_clerks_cards_tell_how_long_things_wait_and_list_their_first_items(known_day, clerk, community_a):
    """Parcels: "到达 已超时 13081 分钟" (arrival passed as a deadline): now how long each has waited, red only
    past the community's reminder days (3 by default). Visitors: since when, never overdue. Slips: a count of 5
    with no items said "还有 5 项": now the card lists them."""
    from core import durations

    now = timezone.now()
    cards = {c.key: c for c in summary.today_cards(clerk, [community_a.pk], TODAY, now=now)}
    old, new = cards["registers.parcels_waiting"].items
    assert old.due is None and new.due is None
    assert old.urgent and not new.urgent  # four days waiting, past the 3 reminder days; today's is not
    assert durations.since_text(old.since_label, old.since, now) == "waiting 4 days"
    (visitor,) = cards["registers.visitors_on_site"].items
    assert visitor.due is None and not visitor.urgent and visitor.since is not None
    slips = cards["registers.slips_to_check"]
    assert slips.count == 1 and len(slips.items) == 1 and slips.items[0].url.startswith("/")


def test_a_visitor_in_since_an_earlier_day_shows_that_day(unit_a, clerk, community_a):
    since = timezone.localtime() - datetime.timedelta(days=1)
    guest = make_visitor(unit_a, actor=clerk, name="李留宿")
    visitor_services.visitor_time_in(visitor=guest, actor=clerk, now=since)
    cards = {c.key: c for c in summary.today_cards(clerk, [community_a.pk], TODAY)}
    assert f"in since {since:%m-%d %H:%M}" in cards["registers.visitors_on_site"].items[0].text
