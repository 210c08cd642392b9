"""Two communities share room numbers: staff who work in both see the community wherever a room or a ticket
is, and an ambiguous room code in the lookup shows the choice instead of opening one."""

import pytest
from django.urls import reverse

from core.models import Role
from repairs.models import Ticket
from repairs.services.callbacks import callback_open_for
from tests.factories import BuildingFactory, EntranceFactory, OccupancyFactory, PersonFactory, UnitFactory
from tests.repairs.matrix_work import dispatched_to, move

S = Ticket.Status
A_NAME = '<span class="community-name">翠湖花园</span>'
B_NAME = '<span class="community-name">锦绣家园</span>'


@pytest.fixture
def twin_b(community_b):
    """3-2-1502 in community B as well, with its own owner."""
    unit = UnitFactory(entrance=EntranceFactory(building=BuildingFactory(community=community_b, name="3"), name="2"),
                       number="1502")
    OccupancyFactory(unit=unit, person=PersonFactory(community=community_b, name="张建军", phone="13900001111"))
    return unit


@pytest.fixture
def both(community_a, community_b, make_user):
    return {role: make_user(role=role, communities=[community_a, community_b], username=f"{role}_ab")
            for role in (Role.CLERK, Role.ENGINEER)}


@pytest.fixture
def tickets(both, unit_a, twin_b, community_a, community_b):
    clerk, engineer = both[Role.CLERK], both[Role.ENGINEER]
    return [dispatched_to(engineer, community, actor=clerk, unit=unit)
            for community, unit in ((community_a, unit_a), (community_b, twin_b))]


def _page(client, user, name, **kwargs):
    client.force_login(user)
    response = client.get(reverse(name, kwargs=kwargs or None))
    assert response.status_code == 200
    return response.content.decode()


def test_the_engineer_list_and_ticket_page_say_which_community(client, both, tickets):
    html = _page(client, both[Role.ENGINEER], "repairs:work_list")
    assert A_NAME in html and B_NAME in html
    assert B_NAME in _page(client, both[Role.ENGINEER], "repairs:work_ticket", pk=tickets[1].pk)


def test_the_ticket_list_says_which_community(client, both, tickets):
    html = _page(client, both[Role.CLERK], "repairs:board")
    assert A_NAME in html and B_NAME in html


def test_the_callback_pages_say_which_community(client, both, tickets):
    engineer = both[Role.ENGINEER]
    done = move(tickets[1], S.ACCEPTED, S.ON_SITE, S.COMPLETED, actor=engineer, work_done="换阀芯")
    callback = callback_open_for(done)
    assert B_NAME in _page(client, both[Role.CLERK], "repairs:callback_list")
    assert B_NAME in _page(client, both[Role.CLERK], "repairs:callback_detail", pk=callback.pk)


def test_lookup_person_rows_say_which_community(client, both, unit_a, twin_b):
    client.force_login(both[Role.CLERK])
    html = client.get(reverse("frontdesk:lookup"), {"q": "张建"}, HTTP_HX_REQUEST="true").content.decode()
    assert A_NAME in html and B_NAME in html


def test_one_community_shows_no_community_name(client, users, community_a, unit_a):
    engineer = users[Role.ENGINEER]
    dispatched_to(engineer, community_a, actor=users[Role.CLERK], unit=unit_a)
    assert "community-name" not in _page(client, engineer, "repairs:work_list")


def test_an_ambiguous_room_code_shows_the_choice(client, both, unit_a, twin_b):
    client.force_login(both[Role.CLERK])
    url = reverse("frontdesk:lookup")
    partial = client.get(url, {"q": "3-2-1502"}, HTTP_HX_REQUEST="true").content.decode()
    assert "data-ambiguous" in partial  # the box does not preselect the first room for Enter
    assert "翠湖花园" in partial and "锦绣家园" in partial
    full = client.get(url, {"q": "3-2-1502"})  # Enter without a choice: the page lists both
    assert full.status_code == 200
    assert full.context["result"]["ambiguous"] is True


def test_a_room_code_in_one_community_is_not_ambiguous(client, both, unit_a):
    client.force_login(both[Role.CLERK])
    partial = client.get(reverse("frontdesk:lookup"), {"q": "3-2-1502"}, HTTP_HX_REQUEST="true").content.decode()
    assert "data-ambiguous" not in partial
