"""The duty path of issue 5 in a real browser: a clerk logs entries (one needing a follow-up), hands
over with a radio missing noted and signs; the next clerk, in a second browser context, counts the
items, takes over the follow-up and signs with the password; the supervisor signs the day's log.

Every step goes through the pages (login form, keyboard submit, the forms' own fields); the end
state is checked in the database and on the pages."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from core.models import Role
from duty.models import DailyReview, DutyLogEntry, Handover, HandoverItemCount, HandoverPendingItem, SharedItem

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def _new_page(browser, live_server):
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(5_000)
    page.set_default_navigation_timeout(10_000)
    return context, page


def test_log_handover_and_daily_sign_off(browser, page, live_server, login, community_a, users, make_user):
    clerk, supervisor = users[Role.CLERK], users[Role.SUPERVISOR]
    clerk_b = make_user(role=Role.CLERK, communities=[community_a], username="clerk_next", full_name="周晓燕")
    radios = SharedItem.objects.create(community=community_a, name="对讲机", expected_count=4, sort_order=1)
    keys = SharedItem.objects.create(community=community_a, name="钥匙", expected_count=2, sort_order=2)

    # 1. the outgoing clerk logs two entries; the second needs a follow-up (submitted with Ctrl+Enter)
    login(page, clerk)
    page.goto(f"{live_server.url}/duty/")
    page.select_option("#id_kind", "patrol")
    page.fill("#id_content", "巡查大堂，一切正常")
    page.locator("#entry-form button[type=submit]").click()
    expect(page.locator("#log-entries")).to_contain_text("巡查大堂，一切正常")

    page.select_option("#id_kind", "call")
    page.fill("#id_content", "1502 业主来电：厨房漏水")
    page.fill("#id_handling", "已通知工程部，明早回访")
    page.check("#id_follow_up_needed")
    page.locator("#id_content").press("Control+Enter")
    expect(page.locator("#log-entries")).to_contain_text("1502 业主来电：厨房漏水")
    expect(page.locator("#open-follow-ups")).to_contain_text("厨房漏水")
    follow_up = DutyLogEntry.objects.get(follow_up_needed=True)

    # 2. hands over to the next clerk, noting the missing radio, and signs with the password
    page.locator("a[href^='/duty/handovers/start/']").click()
    page.select_option("#id_incoming", str(clerk_b.pk))
    page.fill("#id_notes", "对讲机少一台，已送修")
    page.locator("#handover-start-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/duty/handovers/\d+/$"))
    handover = Handover.objects.get()
    page.fill("#sign-out-form input[name=password]", "wrong-password")
    page.locator("#sign-out-form button[type=submit]").click()
    expect(page.locator("#sign-out-form .invalid-feedback, #sign-out-form .text-danger").first).to_be_visible()
    page.fill("#sign-out-form input[name=password]", PASSWORD)
    page.locator("#sign-out-form button[type=submit]").click()
    expect(page.locator("#outgoing-signature .text-success")).to_be_visible()
    page.goto(f"{live_server.url}/duty/")
    expect(page.locator("#handover-banner")).to_be_visible()  # not released until the successor signs
    page.screenshot(path="/tmp/duty_outgoing.png", full_page=True)

    # 3. the incoming clerk, in their own browser context, counts, takes over and signs
    context_b, page_b = _new_page(browser, live_server)
    try:
        login(page_b, clerk_b)
        page_b.goto(f"{live_server.url}/duty/")
        expect(page_b.locator("#handover-banner")).to_contain_text(clerk.display_name)
        page_b.locator("#handover-banner a").click()
        expect(page_b.locator("#accept-form")).to_be_visible()
        expect(page_b.locator("body")).to_contain_text("对讲机少一台，已送修")
        expect(page_b.locator("body")).to_contain_text("巡查大堂，一切正常")  # the log since the last handover
        page_b.fill(f"[name=count_{radios.pk}]", "3")
        page_b.select_option(f"[name=condition_{radios.pk}]", "missing")
        page_b.fill(f"[name=count_{keys.pk}]", "2")
        pending = HandoverPendingItem.objects.get(handover=handover)
        page_b.check(f"[name=take_{pending.pk}]")
        page_b.fill("#accept-form input[name=password]", PASSWORD)
        page_b.locator("#accept-form button[type=submit]").click()
        # missing without a note: refused at the field, the counts stay as typed
        expect(page_b.locator("[data-item='对讲机'] .text-danger")).to_be_visible()
        expect(page_b.locator(f"[name=count_{radios.pk}]")).to_have_value("3")
        page_b.fill(f"[name=note_{radios.pk}]", "一台送修")
        page_b.fill("#accept-form input[name=password]", PASSWORD)
        page_b.locator("#accept-form button[type=submit]").click()
        expect(page_b.locator("#handover-status")).to_have_class(re.compile(r"text-bg-success"))
        expect(page_b.locator("#item-counts")).to_contain_text("一台送修")
        expect(page_b.locator("#item-counts")).to_contain_text("3 / 4")
        expect(page_b.locator("#incoming-signature .text-success")).to_be_visible()
        page_b.screenshot(path="/tmp/duty_incoming.png", full_page=True)
    finally:
        context_b.close()

    page.goto(f"{live_server.url}/duty/")
    expect(page.locator("#handover-banner")).to_have_count(0)  # released
    expect(page.locator("#log-entries")).to_contain_text("对讲机")  # the handover's own log entry

    # 4. the supervisor opens the day and signs it
    context_s, page_s = _new_page(browser, live_server)
    try:
        login(page_s, supervisor)
        page_s.goto(f"{live_server.url}/duty/signoff/")
        page_s.locator("#unsigned-days a").first.click()
        expect(page_s.locator("#log-entries")).to_contain_text("1502 业主来电：厨房漏水")
        page_s.fill("#id_comment", "记录完整，跟进漏水")
        page_s.locator("#sign-day-form button[type=submit]").click()
        expect(page_s.locator("#signed-box")).to_contain_text(supervisor.display_name)
        expect(page_s.locator("#signed-box")).to_contain_text("记录完整，跟进漏水")
        page_s.screenshot(path="/tmp/duty_signoff.png", full_page=True)
    finally:
        context_s.close()

    handover.refresh_from_db()
    assert handover.status == Handover.Status.COMPLETED
    assert handover.outgoing_signed_at and handover.incoming_signed_at
    assert handover.last_entry_seq >= follow_up.seq
    radio = HandoverItemCount.objects.get(handover=handover, item=radios)
    assert (radio.counted, radio.condition, radio.note) == (3, HandoverItemCount.Condition.MISSING, "一台送修")
    assert HandoverPendingItem.objects.get(handover=handover).taken_over
    review = DailyReview.objects.get(community=community_a, date=timezone.localdate())
    assert review.reviewer == supervisor and review.comment == "记录完整，跟进漏水"
    assert DutyLogEntry.objects.filter(kind=DutyLogEntry.Kind.HANDOVER).count() == 1
