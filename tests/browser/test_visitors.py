"""Issue 11 §2 in the browser: an unexpected visitor comes to the desk; the clerk finds the room with the
lookup, registers the visitor from the room's "Visitor" action, is refused the time in until the owner's
answer is recorded, records "agreed", lets the visitor in with one click, sees them on the on-site list,
and checks them out with one click there. The database is checked after each step."""

import re

import pytest
from playwright.sync_api import expect

from frontdesk.models import Visitor

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def desk_clerk(clerk):
    clerk.language = "en"  # English source strings (the Chinese catalogue is filled in later)
    clerk.save(update_fields=["language"])
    return clerk


def test_unexpected_visitor_owner_agrees_time_in_on_site_time_out(page, live_server, login, unit_a, desk_clerk):
    # 1. the lookup finds the room; its "Visitor" action opens the form with the room filled in
    login(page, desk_clerk)
    box = page.locator("#lookup-box")
    box.press_sequentially("3-2-1502", delay=10)
    expect(page.locator("#lookup-results a.lookup-item").first).to_contain_text("1502")
    page.locator("#lookup-results a.unit-action", has_text="Visitor").first.click()
    page.wait_for_url(re.compile(r"/frontdesk/visitors/new/\?unit="))
    expect(page.locator("#id_room")).to_have_value("3-2-1502")

    # 2. an unexpected visitor: name, phone, plate, two people
    page.locator("input[name=kind][value=unexpected]").check()
    page.fill("#id_name", "王来访")
    page.fill("#id_phone", "13900001234")
    page.fill("#id_plate", "粤B7A123")
    page.fill("#id_people_count", "2")
    page.fill("#id_purpose", "看望朋友")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/frontdesk/visitors/\d+/$"))
    visitor = Visitor.objects.get()
    assert (visitor.status, visitor.kind, visitor.plate, visitor.people_count, visitor.created_by) == \
        ("consulting", "unexpected", "粤B7A123", 2, desk_clerk)
    expect(page.locator("#visitor-status")).to_have_text("Asking the owner")
    expect(page.locator("button.visitor-in")).to_have_count(0)  # no time in before the owner agreed

    # 3. the desk board lists them as waiting for the owner's answer, not on site
    page.goto(f"{live_server.url}/frontdesk/visitors/")
    expect(page.locator("#consulting")).to_contain_text("王来访")
    expect(page.locator("#on-site")).not_to_contain_text("王来访")

    # 4. the clerk calls the owner and records "agreed"
    page.locator("#consulting").get_by_role("link", name="Ask the owner").click()
    page.wait_for_url(re.compile(rf"/frontdesk/visitors/{visitor.pk}/"))
    form = page.locator("#answer form")
    form.locator("#id_asked_person").fill("张建国")
    form.locator("input[name=answer][value=agreed]").check()
    form.locator("#id_note").fill("业主说是朋友")
    form.get_by_role("button", name="Record the answer").click()
    page.wait_for_url(re.compile(rf"/frontdesk/visitors/{visitor.pk}/$"))
    visitor.refresh_from_db()
    assert (visitor.answer, visitor.asked_person, visitor.answered_by, visitor.status) == \
        ("agreed", "张建国", desk_clerk, "consulting")
    expect(page.locator("#visitor-answer")).to_contain_text("Agreed")

    # 5. time in: one click
    page.locator("button.visitor-in").click()
    page.wait_for_url(re.compile(rf"/frontdesk/visitors/{visitor.pk}/$"))
    expect(page.locator("#visitor-status")).to_have_text("On site")
    visitor.refresh_from_db()
    assert visitor.status == "on_site" and visitor.time_in and visitor.time_in_by == desk_clerk

    # 6. the on-site list shows them, with the plate and the number of people
    page.goto(f"{live_server.url}/frontdesk/visitors/")
    row = page.locator("#on-site tbody tr", has_text="王来访")
    expect(row).to_contain_text("粤B7A123")
    expect(row).to_contain_text("2")
    expect(page.locator("#on-site-count")).to_have_text("1")

    # 7. time out from the list: one click, and the list is empty again
    row.get_by_role("button", name="Time out").click()
    page.wait_for_url(f"{live_server.url}/frontdesk/visitors/")
    expect(page.locator("#on-site")).to_contain_text("No visitors on site.")
    visitor.refresh_from_db()
    assert visitor.status == "left" and visitor.time_out >= visitor.time_in and visitor.time_out_by == desk_clerk
    assert list(visitor.status_changes.order_by("at", "id").values_list("to_status", flat=True)) == \
        ["on_site", "left"]

    # 8. the unit page's panel shows today's visit
    page.goto(f"{live_server.url}{unit_a.get_absolute_url()}")
    expect(page.locator("#panel-visitors")).to_contain_text("王来访")
    expect(page.locator("#panel-visitors")).to_contain_text("Left")
