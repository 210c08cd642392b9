"""Issue 15 item 4: the engineer's landing page has 我的工单 one tap away (a big button in the page, not
only in the collapsed menu); other roles' landing pages do not get it."""

import pytest
from django.urls import reverse

from core.menu import home_shortcuts
from core.models import Role

pytestmark = pytest.mark.django_db

BUTTON = 'class="btn btn-primary btn-lg home-shortcut" href="/repairs/work/"'


def test_the_engineers_home_has_a_big_my_tickets_button(client, users):
    client.force_login(users[Role.ENGINEER])
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert BUTTON in response.content.decode()
    assert home_shortcuts(users[Role.ENGINEER]) == [{"label": "My tickets", "url": "/repairs/work/"}]


@pytest.mark.parametrize("role", [Role.CLERK, Role.CASHIER, Role.SUPERVISOR, Role.MANAGER])
def test_other_roles_homes_have_no_such_button(client, users, role):
    client.force_login(users[role])
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "home-shortcut" not in response.content.decode()
