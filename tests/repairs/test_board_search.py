"""The board's free-text search (issue 14 §5): what it matches, and that every arm of it can use an index, so a
rare string (a phone's last 4 digits) reads only the matching tickets at 1M tickets (docs/performance.md,
"Board search by phone tail")."""

import pytest
from django.db import connection

from frontdesk.models import Unit
from repairs.models import Ticket
from repairs.selectors import board as selectors
from repairs.services import dispatch
from tests.factories import BuildingFactory, EntranceFactory, UnitFactory
from tests.repairs.test_dispatch import new_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def tickets(community_a, community_b, clerk, clerk_b, unit_a):
    other = UnitFactory(entrance=EntranceFactory(building=BuildingFactory(community=community_a, name="12"), name="1"),
                        number="0803")
    made = [
        new_ticket(community_a, clerk, unit=unit_a, location="", description="卫生间地漏返水", contact_phone="13900001111"),
        new_ticket(community_a, clerk, unit=other, location="阳台", description="窗户关不上", contact_phone="13722220803"),
        new_ticket(community_a, clerk, location="5号楼电梯厅", description="灯不亮", contact_phone="13722223333"),
        new_ticket(community_a, clerk, location="地下车库B2", description="Door closer broken", contact_phone=""),
        new_ticket(community_a, clerk, location="100%充电桩", description="充电桩_故障", contact_phone="13500001502"),
    ]
    cancelled = new_ticket(community_a, clerk, location="东门", description="门禁卡失灵", contact_phone="13611111111")
    made.append(dispatch.ticket_cancel(ticket=cancelled, reason="重复", actor=clerk))
    # another community's ticket matching everything: never shown to community A's clerk
    new_ticket(community_b, clerk_b, location="5号楼电梯厅", description="灯不亮 Door closer", contact_phone="13900001111")
    return made


def expected(tickets, q, *, open_only=True):
    """What the search means, in Python: the text anywhere in the description, the room code or the location
    (ignoring case), anywhere in the contact phone, or the whole ticket number (ignoring case)."""
    Q = q.upper()
    codes = dict(Unit.objects.values_list("pk", "code"))
    return {t.number for t in tickets if (not open_only or t.status in Ticket.OPEN_STATUSES) and (
        Q in t.description.upper() or Q in codes.get(t.unit_id, "\0").upper() or q in t.contact_phone
        or t.number.upper() == Q or Q in t.location.upper())}


def found(user, q, **filters):
    return {t.number for t in selectors.ticket_board_page(user=user, q=q, size=50, **filters).object_list}


QUERIES = [
    "1111",  # a phone's last 4 digits (and the cancelled ticket's phone, shown with status=all)
    "0803",  # a phone tail that is also the other room's number: both arms match one ticket
    "2-150",  # part of a room code (not a whole room: no entrance)
    "12-1",  # part of the other room's code
    "1502",  # a room number and a phone tail of different tickets
    "电梯",  # a location word
    "b2",  # a location, in another case
    "door CLOSER",  # a description, in another case
    "漏",  # one character
    "%",  # LIKE's wildcards are plain characters
    "_故",
    "返水 ",  # trailing space: trimmed
    "13722223333",  # a whole phone
    "无此内容",  # nothing
]


@pytest.mark.parametrize("q", QUERIES)
def test_search_matches_description_room_location_phone_and_number(tickets, clerk, q):
    assert found(clerk, q) == expected(tickets, q.strip())
    assert found(clerk, q, status="all") == expected(tickets, q.strip(), open_only=False)


def test_search_by_ticket_number_is_whole_and_ignores_case(tickets, clerk):
    number = tickets[3].number  # BX-20261207-0004
    assert found(clerk, number.lower()) == {number}
    assert found(clerk, number[:-1]) == set()  # a part of a number is not searched
    assert found(clerk, "X" + number) == set()
    assert found(clerk, tickets[5].number, status="all") == {tickets[5].number}


def test_search_by_whole_room_code_uses_the_room(tickets, clerk, unit_a):
    # 3-2-1502 and 3栋2单元1502室 name the room itself: not the phone ending in 1502
    assert found(clerk, "3-2-1502") == {tickets[0].number}
    assert found(clerk, "3栋2单元1502室") == {tickets[0].number}


def test_search_keeps_the_other_filters_and_the_scope(tickets, clerk, clerk_b, unit_a):
    assert found(clerk, "1111", building=unit_a.building_id) == {tickets[0].number}
    assert found(clerk, "电梯", kind="complaint") == set()
    assert found(clerk_b, "电梯") == {t.number for t in Ticket.objects.filter(community=clerk_b.communities.first())}


SEARCH_INDEXES = {"ticket_description_trgm", "ticket_location_trgm", "ticket_phone_trgm", "ticket_number_upper_idx",
                  "unit_code_trgm"}


def test_every_arm_of_the_search_can_use_an_index(community_a, clerk):
    """A page of the board searched for a phone's last 4 digits, with only bitmap index scans allowed: the
    ticket's own columns are one BitmapOr over an index each, the room code the tickets of the units found by the
    units' trigram index: nothing needs to read every ticket. At 1M tickets PostgreSQL takes this plan for a rare
    text and reads only the matching tickets (docs/performance.md, "Board search by phone tail")."""
    new_ticket(community_a, clerk)
    # every status: the open tickets' partial indexes would otherwise be an index-only way to read every open ticket
    ids = selectors._board_filter(Ticket.objects.all(), user=clerk, q="5678", status="all", depth=51).values("pk")
    sql, params = ids.query.sql_with_params()
    with connection.cursor() as cur:
        cur.execute("SET LOCAL enable_seqscan = off")
        cur.execute("SET LOCAL enable_indexscan = off")
        cur.execute("EXPLAIN " + sql, params)
        plan = "\n".join(r[0] for r in cur.fetchall())
    assert "Seq Scan" not in plan, plan
    assert "BitmapOr" in plan, plan
    assert {name for name in SEARCH_INDEXES if f" on {name}" in plan} == SEARCH_INDEXES, plan


def test_short_or_common_texts_keep_the_single_or():
    """Four letters or digits in a row, or three letters: the indexes narrow the search down. Other texts are
    searched in one OR (its walk in the board's order stops at the page's last match of a common text)."""
    assert all(selectors.INDEXED_TEXT.search(q) for q in ("1234", "物业费", "3-2-1502", "BX-2026", "zzz", "13812345678"))
    assert not any(selectors.INDEXED_TEXT.search(q) for q in ("漏水", "150", "138", "3-2", "1-1", "b2x", "ab_c",
                                                              "a b c", "%%%"))
