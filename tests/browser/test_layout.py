"""Layout: the menu bar on one line at desktop widths for the roles with the longest menus, and no page wider
than a phone's screen (a table scrolls inside its .table-responsive box; nothing pushes the page sideways)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import Role
from frontdesk.models import Parcel
from tests.browser.conftest import PASSWORD
from tests.frontdesk.matrix_parcels import make_parcel, make_unit

pytestmark = pytest.mark.django_db(transaction=True)

# Every menu label on one line; the page no wider than the window; the user's menu button inside it.
MEASURE = """() => {
    const wrapped = [...document.querySelectorAll("#mainnav .nav-link")].filter(e => e.offsetParent).filter(e => {
        const style = getComputedStyle(e);
        const text = e.getBoundingClientRect().height - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
        return text > parseFloat(style.lineHeight) * 1.5;
    }).map(e => e.textContent.trim());
    const user = document.querySelector("nav .dropdown-menu-end").previousElementSibling.getBoundingClientRect();
    return {scrollWidth: document.documentElement.scrollWidth, width: window.innerWidth, wrapped,
            userRight: user.right};
}"""


def _login(browser, live_server, user, width, height=800):
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(8_000)
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_selector("nav.navbar")
    return context, page


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.MANAGER, Role.ADMIN])
def test_the_menu_bar_fits_the_window_on_one_line(role, browser, live_server, users):
    user = users[role]
    user.full_name = "系统管理员"  # the button's name as long as the demo administrator's
    user.save(update_fields=["full_name"])
    for width in (1280, 1366, 1024):
        context, page = _login(browser, live_server, user, width)
        try:
            result = page.evaluate(MEASURE)
            assert result["scrollWidth"] <= result["width"], (width, result)
            assert result["wrapped"] == [], (width, result)
            assert result["userRight"] <= result["width"], (width, result)
            if width >= 1200:  # expanded: every section in the bar, no toggler
                assert page.locator("#mainnav").is_visible() and not page.locator(".navbar-toggler").is_visible()
            else:  # the toggler opens the menu, whose labels are on one line too
                page.locator(".navbar-toggler").click()
                page.locator("#mainnav.show").wait_for()
                result = page.evaluate(MEASURE)
                assert result["scrollWidth"] <= result["width"] and result["wrapped"] == [], (width, result)
        finally:
            context.close()


def test_phone_pages_are_no_wider_than_the_screen(browser, live_server, users, community_a):
    manager = users[Role.MANAGER]
    for i in range(6):
        unit = make_unit(community_a, building="12", number=f"{1501 + i}", owner_phone=f"1390000{i:04d}")
        make_parcel(unit, actor=users[Role.CLERK], tracking_no=f"SF12345678901{i}", shelf=f"A{i}")
    Parcel.objects.update(arrived_at=timezone.now() - datetime.timedelta(days=20))  # overdue as well
    context, page = _login(browser, live_server, manager, 375, 740)
    try:
        for name in ("frontdesk:parcel_list", "frontdesk:parcel_overdue", "frontdesk:summary", "core:password_change",
                     "frontdesk:unit_list", "home"):
            page.goto(f"{live_server.url}{reverse(name)}")
            page.wait_for_load_state("networkidle")
            width = page.evaluate("() => document.documentElement.scrollWidth")
            assert width <= 375, (name, width)
        page.goto(f"{live_server.url}{reverse('frontdesk:parcel_list')}")
        # the table scrolls in its own box, so its last column (the pick-up button) is reachable there
        box = page.locator("#parcel-table").locator("xpath=..")
        assert box.evaluate("e => e.scrollWidth > e.clientWidth"), "the parcel table was expected to be wider than a phone"
        box.evaluate("e => e.scrollLeft = e.scrollWidth")
        assert page.locator("#parcel-table tbody tr").first.get_by_role("link").last.is_visible()
    finally:
        context.close()
