"""The navigation menu is gathered from every app's registration and filtered by the permission table:
a person sees exactly the links they may open, and every link they see opens."""

import pytest
from django.test import Client
from django.urls import reverse

from core.menu import MenuLink, MenuSection, menu_for, register_menu, required_action, sections, unregister_menu
from core.models import Role
from core.permissions import ACTIONS, has_perm


def _urls(menu):
    return [link["url"] for section in menu for link in section["links"]]


def test_every_app_registers_its_section():
    keys = {section.key for section in sections()}
    assert {"frontdesk", "repairs", "billing", "duty"} <= keys


def test_every_menu_link_names_a_protected_view():
    for section in sections():
        for link in section.links:
            assert required_action(link.url_name) in ACTIONS, link.url_name


@pytest.mark.django_db
@pytest.mark.parametrize("role", Role.values)
def test_each_role_sees_the_links_it_may_open_and_they_open(role, make_user, community_a, unit_a):
    user = make_user(role=role, communities=[community_a])
    menu = menu_for(user)
    expected = [reverse(link.url_name) for section in sections() for link in section.links
                if has_perm(user, required_action(link.url_name))]
    assert _urls(menu) == expected
    client = Client()
    client.force_login(user)
    for url in _urls(menu):
        assert client.get(url, follow=True).status_code == 200, url


@pytest.mark.django_db
def test_a_link_the_role_may_not_open_is_not_shown(make_user, community_a):
    """A clerk or a cashier may not approve corrections: the corrections list is not in their menu."""
    corrections = reverse("billing:correction_list")
    for role, shown in ((Role.CLERK, False), (Role.CASHIER, False), (Role.SUPERVISOR, True)):
        user = make_user(role=role, communities=[community_a])
        assert (corrections in _urls(menu_for(user))) is shown, role


@pytest.mark.django_db
def test_the_page_renders_the_registered_menu(make_user, community_a):
    register_menu(MenuSection(key="zz-test", label="测试菜单", order=999, links=(
        MenuLink("未读通知", "core:notifications"), MenuLink("修改密码", "core:password_change", divider=True))))
    try:
        client = Client()
        client.force_login(make_user(role=Role.CLERK, communities=[community_a]))
        html = client.get(reverse("core:notifications")).content.decode()
        assert "测试菜单" in html and "未读通知" in html
        assert html.index("测试菜单") < html.index('class="dropdown-divider"', html.index("测试菜单"))
    finally:
        unregister_menu("zz-test")


@pytest.mark.django_db
def test_menu_costs_no_query(make_user, community_a, django_assert_num_queries):
    user = make_user(role=Role.MANAGER, communities=[community_a])
    with django_assert_num_queries(0):
        menu_for(user)
