"""The counter's main path in a real browser: log in, find the room with the keyboard, see masked data.

Each test logs in through the login form (no session shortcuts) so the whole chain — login, htmx
lookup, app.js keyboard handling, the "show" prompt — is exercised as a clerk meets it.
"""

import re

import pytest
from playwright.sync_api import expect

from core.models import Role, SensitiveDataAccess
from tests.factories import OccupancyFactory, PersonFactory, UnitFactory

pytestmark = pytest.mark.django_db(transaction=True)

FULL_ID = "11010519491231002X"
MASKED_ID = "110105********002X"
FULL_PHONE = "13812345678"
MASKED_PHONE = "138****5678"

ITEMS = "#lookup-results a.lookup-item"


def type_lookup(page, text):
    """Type into the lookup box and wait until htmx has swapped in the results for this query."""
    box = page.locator("#lookup-box")
    box.fill("")
    box.press_sequentially(text, delay=10)
    # htmx marks the element while a request is in flight; the debounce (150 ms) comes first.
    page.wait_for_timeout(200)
    expect(box).not_to_have_class(re.compile(r"\bhtmx-request\b"))
    return page.locator(ITEMS)


def unit_url(live_server, unit):
    return f"{live_server.url}/frontdesk/units/{unit.pk}/"


def test_clerk_finds_room_with_keyboard_and_sees_masked_id(page, live_server, login, unit_a, clerk):
    login(page, clerk)
    items = type_lookup(page, "3-2-1502")
    expect(items).to_have_count(1)
    expect(items.first).to_contain_text("1502")
    expect(items.first).to_contain_text("张建国")
    expect(items.first).to_have_class(re.compile(r"\bactive\b"))  # first result highlighted for Enter
    page.screenshot(path="/tmp/lookup.png")

    page.locator("#lookup-box").press("Enter")
    page.wait_for_url(unit_url(live_server, unit_a))

    people = page.locator("table").first
    expect(people).to_contain_text("张建国")
    expect(people).to_contain_text(MASKED_ID)
    assert FULL_ID not in page.content()
    page.screenshot(path="/tmp/unit_page.png", full_page=True)


def test_clerk_reveals_id_number_with_a_reason(page, live_server, login, unit_a, clerk):
    login(page, clerk)
    page.goto(unit_url(live_server, unit_a))
    page.on("dialog", lambda dialog: dialog.accept("核对身份"))

    id_cell = page.locator("td", has_text=MASKED_ID)
    id_cell.get_by_role("button").click()

    expect(page.locator(".sensitive.revealed")).to_have_text(FULL_ID)
    expect(page.get_by_text(MASKED_ID)).to_have_count(0)
    person = unit_a.occupancies.get().person
    access = SensitiveDataAccess.objects.get()
    assert (access.user_id, access.record_id, access.field, access.reason) == (clerk.pk, person.pk, "id_number", "核对身份")
    assert access.record_type == "frontdesk.person"


def test_lookup_by_phone_tail_name_and_plate_with_arrow_keys(page, live_server, login, unit_a, clerk):
    other_unit = UnitFactory(entrance=unit_a.entrance, number="1601")
    OccupancyFactory(unit=other_unit, person=PersonFactory(community=unit_a.community, name="李建国", phone="13900001111",
                                                           id_number=""))
    login(page, clerk)

    items = type_lookup(page, "5678")
    expect(items).to_have_count(1)
    expect(items.first).to_contain_text("张建国")
    expect(items.first).to_contain_text(FULL_PHONE)  # clerks see phones in full

    items = type_lookup(page, "粤B123")
    expect(items).to_have_count(1)
    expect(items.first).to_contain_text("粤B12345")
    expect(items.first).to_have_attribute("href", f"/frontdesk/units/{unit_a.pk}/")

    items = type_lookup(page, "建国")
    expect(items).to_have_count(2)
    expect(page.locator("#lookup-results")).to_contain_text("张建国")
    expect(page.locator("#lookup-results")).to_contain_text("李建国")
    active = page.locator(f"{ITEMS}.active")
    expect(active).to_have_count(1)
    first_href = items.nth(0).get_attribute("href")
    second_href = items.nth(1).get_attribute("href")
    assert {first_href, second_href} == {f"/frontdesk/units/{unit_a.pk}/", f"/frontdesk/units/{other_unit.pk}/"}
    expect(items.nth(0)).to_have_class(re.compile(r"\bactive\b"))

    box = page.locator("#lookup-box")
    box.press("ArrowDown")
    expect(items.nth(1)).to_have_class(re.compile(r"\bactive\b"))
    expect(items.nth(1)).to_have_attribute("aria-current", "true")
    expect(active).to_have_count(1)
    box.press("ArrowDown")  # wraps round
    expect(items.nth(0)).to_have_class(re.compile(r"\bactive\b"))
    box.press("ArrowUp")
    expect(items.nth(1)).to_have_class(re.compile(r"\bactive\b"))

    box.press("Enter")
    page.wait_for_url(f"{live_server.url}{second_href}")


def test_engineer_sees_phone_masked_clerk_in_full(browser, page, live_server, login, unit_a, clerk, users):
    login(page, clerk)
    page.goto(unit_url(live_server, unit_a))
    expect(page.locator("table").first).to_contain_text(FULL_PHONE)

    engineer_context = browser.new_context(locale="zh-CN")
    try:
        engineer_page = engineer_context.new_page()
        engineer_page.set_default_timeout(5_000)
        login(engineer_page, users[Role.ENGINEER])
        engineer_page.goto(unit_url(live_server, unit_a))
        table = engineer_page.locator("table").first
        expect(table).to_contain_text("张建国")
        expect(table).to_contain_text(MASKED_PHONE)
        expect(table).to_contain_text(MASKED_ID)
        html = engineer_page.content()
        assert FULL_PHONE not in html
        assert FULL_ID not in html
        # An engineer may not reveal ID numbers at all: no "show" button on the ID cell.
        expect(engineer_page.locator("td", has_text=MASKED_ID).get_by_role("button")).to_have_count(0)
    finally:
        engineer_context.close()


@pytest.mark.django_db
def test_name_column_is_not_labelled_task_name(client, unit_a, clerk):
    """Without a project translation of "Name", gettext falls back to django-celery-beat's zh_Hans
    catalogue, which says 任务名 ("task name"): the clerk saw it above every person's name (unit page
    table header, person forms). Guards the project catalogue's entry. Rendered with the test client
    rather than the browser: same HTML, and it keeps the browser suite fast."""
    client.force_login(clerk)
    html = client.get(f"/frontdesk/units/{unit_a.pk}/").content.decode()
    assert "任务名" not in html
    html = client.get("/frontdesk/people/new/").content.decode()
    assert "任务名" not in html


def test_enter_on_a_room_code_of_two_communities_lists_the_choice(page, live_server, login, unit_a, community_a,
                                                                    community_b, make_user):
    from tests.factories import BuildingFactory, EntranceFactory

    twin = UnitFactory(entrance=EntranceFactory(building=BuildingFactory(community=community_b, name="3"), name="2"),
                       number="1502")
    clerk = make_user(role=Role.CLERK, communities=[community_a, community_b], username="clerk_ab")
    login(page, clerk)
    items = type_lookup(page, "3-2-1502")
    expect(items).to_have_count(2)
    expect(page.locator("#lookup-results a.lookup-item.active")).to_have_count(0)  # nothing chosen for the clerk
    page.locator("#lookup-box").press("Enter")
    page.wait_for_url(re.compile(r"/frontdesk/lookup/\?q="))
    content = page.content()
    assert "翠湖花园" in content and "锦绣家园" in content
    assert f"/frontdesk/units/{twin.pk}/" in content and f"/frontdesk/units/{unit_a.pk}/" in content
