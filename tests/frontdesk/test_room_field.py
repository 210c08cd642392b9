"""The room typed at the counter (``UnitCodeField``: renovation, hand-offs, hot work, people, parking, the duty
log): the same code in two of the user's communities is never guessed; the community's name before the code
picks one."""

import pytest
from django.urls import reverse

from core.models import Role
from tests.factories import BuildingFactory, EntranceFactory, OccupancyFactory, UnitFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_messages")]


@pytest.fixture
def twin(community_b):
    """3-2-1502 in community B too."""
    unit = UnitFactory(entrance=EntranceFactory(building=BuildingFactory(community=community_b, name="3"), name="2"),
                       number="1502")
    OccupancyFactory(unit=unit)
    return unit


def test_a_code_in_two_communities_is_asked_not_guessed(client, make_user, unit_a, twin, community_a, community_b):
    assert unit_a.code == twin.code == "3-2-1502"
    manager = make_user(role=Role.MANAGER, communities=[community_a, community_b], username="both")
    client.force_login(manager)
    page = client.get(reverse("renovation:create"), {"room": "3-2-1502"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "is in more than one community (翠湖花园、锦绣家园)" in html and "翠湖花园 3-2-1502" in html
    assert 'value="3-2-1502"' in html  # what was typed is kept
    chosen = client.get(reverse("renovation:create"), {"room": "锦绣家园 3-2-1502"})
    assert chosen.status_code == 302 and chosen["Location"].endswith(f"?unit={twin.pk}")
    page = client.get(chosen["Location"]).content.decode()
    assert "锦绣家园" in page  # the form says which community's room it is


def test_a_code_in_one_of_the_users_communities_is_taken(client, make_user, unit_a, twin, community_a):
    clerk = make_user(role=Role.CLERK, communities=[community_a], username="only_a")
    client.force_login(clerk)
    response = client.get(reverse("repairs:handoff_create"), {"room": "3-2-1502"})
    assert response.status_code == 302 and f"unit={unit_a.pk}" in response["Location"]
