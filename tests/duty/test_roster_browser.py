"""The roster in a real browser: the supervisor types shifts with the keyboard (one key per cell, arrows
between cells), saves the grid in one POST and submits; the manager approves from a phone-sized screen."""

import os

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import pytest

from core.models import Role
from duty.models import Assignment, Roster
from duty.selectors import roster as roster_selectors
from duty.services import roster as services
from tests.duty.test_roster import covered_cells, make_staff, next_month_start

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": "/usr/bin/chromium", "args": CHROMIUM_ARGS, "headless": True}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "en", "timezone_id": "Asia/Shanghai",
            "viewport": {"width": 1280, "height": 800}}


def _login(page, live_server, user):
    user.language = "en"
    user.save(update_fields=["language"])
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "pw-123456")
    page.locator("form button[type=submit]").click()
    page.wait_for_selector("#lookup-box")


def test_supervisor_types_saves_submits_and_manager_approves_on_a_phone(page, browser, live_server, community_a,
                                                                        make_user, users):
    page.set_default_timeout(10_000)
    supervisor, manager = users[Role.SUPERVISOR], users[Role.MANAGER]
    make_staff(make_user, community_a)
    staff = list(roster_selectors.community_staff(community_a, roles=(Role.CLERK,)))  # in the grid's row order
    month = next_month_start()
    services.shift_templates_ensure(community_a)
    # everything but the first two days is planned already; the supervisor types those by keyboard
    cells = covered_cells(staff, month)
    for user in staff:
        cells[(user.pk, 1)] = cells[(user.pk, 2)] = ""
    services.roster_save_grid(community=community_a, month=month, cells=cells, actor=supervisor)
    url = f"{live_server.url}/duty/roster/{community_a.pk}/{month.year}/{month.month}/"
    _login(page, live_server, supervisor)
    page.goto(url)
    assert "nobody on duty" in page.locator("#problems").inner_text()
    page.locator(f'input[name="c-{staff[0].pk}-1"]').click()
    # as the hint says: type a code in the cell, arrows or Enter move (typing does not jump a day ahead)
    page.keyboard.type("e")
    page.keyboard.press("ArrowRight")
    page.keyboard.type("e")
    page.keyboard.press("ArrowDown")  # the next person's day 2
    page.keyboard.press("ArrowLeft")
    page.keyboard.type("l")
    page.keyboard.press("Enter")
    page.keyboard.type("e")
    page.keyboard.type("l")  # a second code typed over the first replaces it
    cell = lambda user, day: page.locator(f'input[name="c-{user.pk}-{day}"]').input_value()  # noqa: E731
    assert (cell(staff[0], 1), cell(staff[0], 2), cell(staff[1], 1), cell(staff[1], 2)) == ("E", "E", "L", "L")
    page.locator("#save-grid").click()
    page.wait_for_selector("#problems-ok")
    assert Assignment.objects.filter(user=staff[1], date=month.replace(day=2), is_active=True).get().shift.code == "L"
    page.locator("#submit-roster").click()
    page.wait_for_selector("#roster-status")
    assert Roster.objects.get(community=community_a, month=month).status == Roster.Status.SUBMITTED

    phone = browser.new_context(viewport={"width": 375, "height": 740}, locale="en")
    mobile = phone.new_page()
    mobile.set_default_timeout(10_000)
    _login(mobile, live_server, manager)
    mobile.goto(f"{live_server.url}/duty/roster/")
    assert mobile.evaluate("document.documentElement.scrollWidth") <= 375
    mobile.get_by_role("link", name="Approve or return").click()
    mobile.wait_for_selector("input[value=approved]")  # the decision page has loaded, not the list still leaving
    assert mobile.evaluate("document.documentElement.scrollWidth") <= 375  # no sideways scrolling of the page
    mobile.check("input[value=approved]")
    mobile.locator("button.w-100").click()
    mobile.wait_for_selector("#roster-status")
    assert Roster.objects.get(community=community_a, month=month).status == Roster.Status.APPROVED
    assert mobile.locator("input.cell").count() == 0  # approved: read-only
    assert mobile.evaluate("document.documentElement.scrollWidth") <= 375  # the grid scrolls inside its box
    phone.close()
