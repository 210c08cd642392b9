"""Issue 12's browser test: the clerk books a home cleaning from the lookup with the price shown, confirms
the time (and the worker) within the 2-hour clock; the worker completes it on a phone-sized screen with the
quantity done; the cashier takes the charge at the counter at once (no bill run); the clerk makes the
same-day callback. Every step through the real pages; the database is checked after each one."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from core.models import Role
from repairs.models import Callback, Charge, Clock, Ticket
from repairs.services import home_services

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


def _english(user):
    user.language = "en"  # English source strings (the Chinese catalogue is filled in later)
    user.save(update_fields=["language"])
    return user


@pytest.fixture
def worker(make_user, community_a):
    return make_user(role=Role.ENGINEER, communities=[community_a], username="cleaner_a", full_name="李阿姨",
                     language="en")


@pytest.fixture
def cleaning(community_a, users):
    return home_services.service_item_add(community=community_a, name="家居清洁", unit_of_charge="小时", price="40",
                                          valid_from=timezone.localdate() - datetime.timedelta(days=1),
                                          actor=users[Role.SUPERVISOR])


def test_home_cleaning_from_booking_to_the_counter_and_the_callback(page, browser, live_server, login, unit_a, users,
                                                                     worker, cleaning):
    clerk, cashier = _english(users[Role.CLERK]), _english(users[Role.CASHIER])

    # 1. the clerk finds the room and takes the lookup's "Book a paid service" action: the price is shown
    login(page, clerk)
    box = page.locator("#lookup-box")
    box.press_sequentially("3-2-1502", delay=10)
    page.locator("#lookup-results a.unit-action", has_text="Book a paid service").click()
    page.wait_for_url(re.compile(r"/repairs/services/book/\?unit="))
    expect(page.locator("#service-price-list")).to_contain_text("家居清洁")
    expect(page.locator("#service-price-list")).to_contain_text("¥40.00")
    expect(page.locator("#id_contact_name")).to_have_value("张建国")
    page.locator("#id_item").select_option(str(cleaning.pk))
    page.fill("#id_quantity", "3")
    page.fill("#id_workers", "1")
    wanted = timezone.localtime() + datetime.timedelta(hours=3)
    page.fill("#id_wanted_at", wanted.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Book", exact=True).click()
    page.wait_for_url(re.compile(r"/repairs/tickets/\d+/$"))
    ticket = Ticket.objects.get(unit=unit_a, kind="service")
    assert ticket.status == "new" and ticket.service_item == cleaning and ticket.created_by == clerk
    confirm = Clock.objects.get(ticket=ticket, kind="confirm")
    assert confirm.due_at - confirm.started_at == datetime.timedelta(hours=2) and confirm.met_at is None
    expect(page.locator("h1")).to_contain_text(ticket.number)

    # 2. the clerk confirms the time (agreed with the team lead) and the worker: the clock is met
    page.locator("#ticket-actions").get_by_role("link", name="Confirm the time and dispatch").click()
    start = timezone.localtime() + datetime.timedelta(hours=1)
    page.fill("#id_start", start.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_end", (start + datetime.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"))
    page.locator("select[name=dispatch_to]").select_option(f"u{worker.pk}")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/repairs/tickets/{ticket.pk}/$"))
    expect(page.locator("h1")).to_contain_text("Dispatched")
    ticket.refresh_from_db()
    confirm.refresh_from_db()
    assert (ticket.status, ticket.assignee) == ("dispatched", worker) and confirm.met_at is not None
    assert ticket.appointment_start is not None

    # 3. the worker, on the phone: accepts, arrives, completes with the quantity done
    phone = browser.new_context(viewport=PHONE, locale="zh-CN", timezone_id="Asia/Shanghai", is_mobile=True,
                                has_touch=True)
    eng = phone.new_page()
    eng.set_default_timeout(5_000)
    login(eng, worker)
    eng.goto(f"{live_server.url}/repairs/work/")
    eng.get_by_text(ticket.number).click()
    eng.wait_for_url(re.compile(rf"/repairs/work/{ticket.pk}/$"))
    expect(eng.locator("body")).to_contain_text("家居清洁")
    eng.get_by_role("button", name="Accept").click()
    eng.get_by_role("button", name="Arrived on site").click()
    eng.get_by_role("link", name="Complete the work order").click()
    expect(eng.locator("#id_quantity")).to_have_value("3.00")
    eng.fill("#id_work_done", "全屋清洁，厨房卫生间重点处理")
    eng.fill("#id_quantity", "3.5")
    eng.fill("#id_owner_confirmation", "张建国")
    assert eng.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    eng.get_by_role("button", name="Complete", exact=True).click()
    eng.wait_for_url(re.compile(r"/repairs/work/$"))
    ticket.refresh_from_db()
    assert ticket.status == "completed" and ticket.completed_at and ticket.charge_amount == Decimal("140.00")
    assert Charge.objects.get(ticket=ticket).billed_at  # on a bill at once
    phone.close()

    # 4. the cashier takes the charge at the counter at once
    cash = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    counter = cash.new_page()
    counter.set_default_timeout(5_000)
    login(counter, cashier)
    counter.goto(f"{live_server.url}/billing/units/{unit_a.pk}/")
    expect(counter.locator("body")).to_contain_text(ticket.number)
    expect(counter.locator("#id_amount")).to_have_value("140.00")
    counter.locator("#pay-button").click()
    counter.wait_for_url(re.compile(r"/billing/receipts/\d+/$"))
    expect(counter.locator("#receipt-total")).to_have_text("¥140.00")
    from billing.models import Receipt

    assert Receipt.objects.get().amount == Decimal("140.00")
    cash.close()

    # 5. the clerk's same-day callback: satisfied
    callback = Callback.objects.get(ticket=ticket)
    done, due = timezone.localtime(ticket.completed_at), timezone.localtime(callback.due_at)
    if done.time() <= datetime.time(20, 0):  # the same day by 20:00 (after 20:00: the next day at noon)
        assert (due.date(), due.time()) == (done.date(), datetime.time(20, 0))
    else:
        assert due.date() == done.date() + datetime.timedelta(days=1)
    assert Clock.objects.get(ticket=ticket, kind="callback").due_at == callback.due_at
    page.goto(f"{live_server.url}/repairs/callbacks/")
    page.get_by_text(ticket.number).click()
    page.wait_for_url(re.compile(rf"/repairs/callbacks/{callback.pk}/$"))
    form = page.locator("#result-form")
    form.locator("input[name=satisfaction][value='5']").check()
    form.locator("textarea[name=comment]").fill("阿姨很细心")
    form.get_by_role("button", name="Record the result").click()
    page.wait_for_load_state()
    callback.refresh_from_db()
    ticket.refresh_from_db()
    assert (callback.status, callback.satisfaction) == ("done", 5) and ticket.status == "callback_done"
