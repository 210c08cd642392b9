"""Issue 3's browser test: the clerk finds a room, logs a repair from the unit page, dispatches it;
the engineer, on a phone-sized screen, accepts, arrives and completes it with the work done; the clerk
records the callback (satisfied). Every step goes through the real pages; the database is checked
after each one."""

import re

import pytest
from playwright.sync_api import expect

from core.models import Role
from repairs.models import Callback, Ticket, TicketStatusChange

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def engineer(make_user, community_a):
    return make_user(role=Role.ENGINEER, communities=[community_a], username="eng_a", full_name="王师傅", language="en")


@pytest.fixture
def desk_clerk(clerk):
    clerk.language = "en"  # English source strings (the Chinese catalogue is filled in later)
    clerk.save(update_fields=["language"])
    return clerk


def _lookup(page, text):
    box = page.locator("#lookup-box")
    box.fill("")
    box.press_sequentially(text, delay=10)
    page.wait_for_timeout(200)
    expect(box).not_to_have_class(re.compile(r"\bhtmx-request\b"))
    expect(page.locator("#lookup-results a.lookup-item").first).to_contain_text("1502")


def test_repair_from_lookup_to_callback(page, browser, live_server, login, unit_a, desk_clerk, engineer):
    # 1. the clerk finds the room with the lookup and opens it with Enter
    login(page, desk_clerk)
    _lookup(page, "3-2-1502")
    page.locator("#lookup-box").press("Enter")
    page.wait_for_url(f"{live_server.url}/frontdesk/units/{unit_a.pk}/")

    # 2. logs a repair from the unit page: the contact is the owner, prefilled
    page.locator("a[href*='/repairs/new/?unit=']").click()
    page.wait_for_url(re.compile(r"/repairs/new/\?unit="))
    expect(page.locator("#id_contact_name")).to_have_value("张建国")
    expect(page.locator("#id_contact_phone")).to_have_value("13812345678")
    page.fill("#id_description", "厨房水龙头漏水，关不紧")
    page.get_by_role("button", name="Save ticket").click()
    page.wait_for_url(re.compile(r"/repairs/tickets/\d+/$"))
    ticket = Ticket.objects.get(unit=unit_a)
    assert (ticket.status, ticket.kind, ticket.contact_name, ticket.created_by) == ("new", "repair", "张建国", desk_clerk)
    assert ticket.clocks.filter(kind="dispatch", met_at__isnull=True).exists()
    expect(page.locator("h1")).to_contain_text(ticket.number)
    expect(page.locator("h1")).to_contain_text("New")

    # 3. dispatches it to the engineer
    page.locator("#ticket-actions").get_by_role("link", name="Dispatch").click()
    page.locator("select[name=dispatch_to]").select_option(f"u{engineer.pk}")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/repairs/tickets/{ticket.pk}/$"))
    expect(page.locator("h1")).to_contain_text("Dispatched")
    ticket.refresh_from_db()
    assert (ticket.status, ticket.assignee) == ("dispatched", engineer)
    assert ticket.clocks.get(kind="dispatch").met_at is not None
    page.screenshot(path="/tmp/repairs_dispatched.png", full_page=True)

    # 4. the engineer, on the phone: accepts, arrives, completes with the work done
    phone = browser.new_context(viewport=PHONE, locale="zh-CN", timezone_id="Asia/Shanghai", is_mobile=True,
                                has_touch=True)
    eng = phone.new_page()
    eng.set_default_timeout(5_000)
    login(eng, engineer)
    eng.goto(f"{live_server.url}/repairs/work/")
    eng.get_by_text(ticket.number).click()
    eng.wait_for_url(re.compile(rf"/repairs/work/{ticket.pk}/$"))
    eng.get_by_role("button", name="Accept").click()
    expect(eng.get_by_role("button", name="Arrived on site")).to_be_visible()
    ticket.refresh_from_db()
    assert ticket.status == "accepted" and ticket.accepted_at
    eng.get_by_role("button", name="Arrived on site").click()
    expect(eng.get_by_role("link", name="Complete the work order")).to_be_visible()
    ticket.refresh_from_db()
    assert ticket.status == "on_site" and ticket.arrived_at
    eng.get_by_role("link", name="Complete the work order").click()
    eng.fill("#id_work_done", "更换水龙头阀芯")
    eng.fill("#id_materials", "阀芯 1 个")
    eng.fill("#id_labour_minutes", "30")
    eng.fill("#id_owner_confirmation", "张建国")
    assert eng.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    eng.screenshot(path="/tmp/repairs_engineer_complete.png", full_page=True)
    eng.get_by_role("button", name="Complete", exact=True).click()
    eng.wait_for_url(re.compile(r"/repairs/work/"))
    ticket.refresh_from_db()
    assert (ticket.status, ticket.work_done, ticket.labour_minutes, ticket.owner_confirmation) == \
        ("completed", "更换水龙头阀芯", 30, "张建国")
    callback = Callback.objects.get(ticket=ticket)
    assert callback.status == "pending"
    phone.close()

    # 5. the clerk records the callback: owner satisfied
    page.goto(f"{live_server.url}/repairs/callbacks/")
    page.get_by_text(ticket.number).click()
    page.wait_for_url(re.compile(rf"/repairs/callbacks/{callback.pk}/$"))
    form = page.locator("#result-form")
    form.locator("input[name=satisfaction][value='5']").check()
    form.locator("textarea[name=comment]").fill("师傅很专业")
    form.get_by_role("button", name="Record the result").click()
    page.wait_for_load_state()
    callback.refresh_from_db()
    ticket.refresh_from_db()
    assert (callback.status, callback.satisfaction, callback.outcome, callback.done_by) == ("done", 5, "satisfied", desk_clerk)
    assert ticket.status == "callback_done"
    assert list(TicketStatusChange.objects.filter(ticket=ticket).order_by("at", "id").values_list("to_status", flat=True)) == \
        ["dispatched", "accepted", "on_site", "completed", "callback_done"]
    page.goto(f"{live_server.url}{ticket.get_absolute_url()}")
    expect(page.locator("h1")).to_contain_text("Callback done")
    expect(page.locator("body")).to_contain_text("更换水龙头阀芯")
    page.screenshot(path="/tmp/repairs_callback_done.png", full_page=True)


def test_back_and_send_again_makes_one_ticket_and_a_changed_form_a_second(page, live_server, login, unit_a, desk_clerk):
    """The Back button brings the form up again with what was typed (the page is fetched anew, with a new
    double-submit token): sending it unchanged goes to the first ticket; changing it makes a new one."""
    login(page, desk_clerk)
    for description in ("楼道灯不亮", "厨房水龙头漏水，关不紧"):  # the first ticket saves the community's categories
        page.goto(f"{live_server.url}/repairs/new/?unit={unit_a.pk}")
        page.fill("#id_description", description)
        category = page.locator("#id_category").input_value()
        page.get_by_role("button", name="Save ticket").click()
        page.wait_for_url(re.compile(r"/repairs/tickets/\d+/$"))
    first = page.url

    def again(description):
        page.go_back()
        assert "/repairs/new/" in page.url
        page.fill("#id_description", description)  # as the browser puts it back (or as changed)
        page.select_option("#id_category", category)
        page.get_by_role("button", name="Save ticket").click()
        page.wait_for_url(re.compile(r"/repairs/tickets/\d+/$"))

    again("厨房水龙头漏水，关不紧")
    assert page.url == first and Ticket.objects.filter(unit=unit_a).count() == 2
    again("卫生间地漏堵塞")  # another fault: a ticket of its own
    assert page.url != first and Ticket.objects.filter(unit=unit_a).count() == 3
