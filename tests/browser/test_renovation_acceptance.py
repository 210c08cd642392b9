"""Issue 10 §4 in the browser: an active renovation whose deposit was paid at the counter (made by the
services); the 管家 records a violation with a proposed deduction on the round; the manager approves the
deduction; the site asks for acceptance and the engineer passes it; the cashier asks billing for the refund
on the deposit ledger; the supervisor approves it in billing's corrections; the deposit is refunded minus
the deduction and the case is closed."""

import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from billing.models import Correction, DepositRefund
from core.models import Role
from renovation.models import DepositDeduction, Renovation, Violation
from tests.renovation.helpers_rounds import active_site

pytestmark = pytest.mark.django_db(transaction=True)


def _english(user):
    user.language = "en"  # English source strings (the Chinese catalogue is filled in later)
    user.save(update_fields=["language"])
    return user


def _as(browser, login, user, *, phone=False):
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai",
                                  viewport={"width": 390, "height": 844} if phone else {"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(5_000)
    login(page, _english(user))
    return page


def test_violation_deduction_acceptance_refund_and_close(browser, live_server, login, users, community_a):
    site = active_site(community_a, users, deposit="2000.00")
    other = active_site(community_a, users)
    url = live_server.url

    # 1. the 管家 on a phone: the round sheet, the site not inspected yet, a violation with a deduction
    clerk = _as(browser, login, users[Role.CLERK], phone=True)
    clerk.goto(f"{url}/renovation/rounds/")
    expect(clerk.locator("#round-progress")).to_contain_text("0 of 2")
    clerk.locator("a.round-row", has_text=site.unit.code).click()
    clerk.get_by_label("Permit posted at the door").check()
    clerk.get_by_label("Note").first.fill("楼道有建筑垃圾")
    clerk.get_by_label("Violation found").select_option("rubbish")
    clerk.get_by_label("What was found").fill("楼道堆放建筑垃圾未清运")
    clerk.get_by_label("Correct by").fill(timezone.localdate().isoformat())
    clerk.get_by_label("Proposed deduction from the deposit (元)").fill("300")
    clerk.get_by_label("Reason for the deduction").fill("公共区域清理费")
    clerk.get_by_role("button", name="Record the inspection").click()
    clerk.wait_for_url(re.compile(r"/renovation/rounds/\?community="))
    expect(clerk.locator("#round-progress")).to_contain_text("1 of 2")
    expect(clerk.locator("a.round-row").first).to_contain_text(other.unit.code)  # not inspected first
    violation = Violation.objects.get(renovation=site)
    assert violation.deduction.status == DepositDeduction.Status.PROPOSED

    # 2. the manager approves the deduction from the violation list
    manager = _as(browser, login, users[Role.MANAGER])
    manager.goto(f"{url}/renovation/violations/")
    manager.locator("tr.violation-row a", has_text=site.unit.code).click()
    manager.get_by_label("Approve the deduction").check()
    manager.get_by_role("button", name="Record the decision").click()
    expect(manager.locator("#deduction-status")).to_contain_text("Approved")

    # 3. the works are finished: the site asks for acceptance; the engineer passes it
    clerk.goto(f"{url}/renovation/acceptance/{site.pk}/")
    clerk.get_by_role("button", name="Works finished: ask for acceptance").click()
    expect(clerk.locator("#renovation-status")).to_have_text("Awaiting acceptance")
    engineer = _as(browser, login, users[Role.ENGINEER], phone=True)
    engineer.goto(f"{url}/renovation/acceptance/")
    engineer.locator("tr.acceptance-row", has_text=site.unit.code).get_by_role("link", name="Acceptance").click()
    engineer.get_by_label("Passed").check()
    engineer.get_by_role("button", name="Record the result").click()
    expect(engineer.locator("#renovation-status")).to_have_text("Accepted")

    # 4. the cashier asks billing for the refund on the one deposit ledger
    cashier = _as(browser, login, users[Role.CASHIER])
    cashier.goto(f"{url}/renovation/ledger/{site.pk}/")
    expect(cashier.locator("#ledger-received")).to_have_text("¥2,000.00")
    expect(cashier.locator("#ledger-deducted")).to_have_text("¥300.00")
    expect(cashier.locator("#ledger-deductions")).to_contain_text("公共区域清理费")
    cashier.get_by_role("button", name="Ask billing to refund ¥1,700.00").click()
    expect(cashier.locator(".refund-request")).to_contain_text("Awaiting approval")

    # 5. the supervisor approves it among billing's corrections
    supervisor = _as(browser, login, users[Role.SUPERVISOR])
    correction = Correction.objects.get(kind="deposit_refund")
    supervisor.goto(f"{url}/billing/corrections/")
    row = supervisor.locator(f"#correction-{correction.pk}")
    supervisor.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="Approve").click()
    supervisor.wait_for_url(re.compile(r"/billing/corrections/$"))
    refund = DepositRefund.objects.get()
    assert (refund.refunded, refund.deduction) == (Decimal("1700.00"), Decimal("300.00"))

    # 6. the ledger is settled with billing's figures; the case is closed
    clerk.goto(f"{url}/renovation/ledger/{site.pk}/")
    expect(clerk.locator("#ledger-settled")).to_be_visible()
    expect(clerk.locator("#ledger-refunded")).to_have_text("¥1,700.00")
    expect(clerk.locator("#ledger-kept")).to_have_text("¥300.00")
    clerk.get_by_role("button", name="Close the case").click()
    expect(clerk.locator("#renovation-status")).to_have_text("Closed")
    assert Renovation.objects.get(pk=site.pk).status == Renovation.Status.CLOSED
