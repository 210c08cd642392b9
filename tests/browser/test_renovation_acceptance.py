"""Issue 10 §4 in the browser: an active renovation whose deposit was paid at the counter (made by the
services); the 管家 records a violation with a proposed deduction on the round; the manager approves the
deduction; the site asks for acceptance and the engineer passes it; the cashier asks billing for the refund
on the deposit ledger; the supervisor approves it in billing's corrections; the deposit is refunded minus
the deduction and the case is closed."""

import pytest
from playwright.sync_api import expect

from tests.browser.renovation_flow import close_case, violation_to_refund
from tests.renovation.helpers_rounds import active_site

pytestmark = pytest.mark.django_db(transaction=True)


def test_violation_deduction_acceptance_refund_and_close(browser, live_server, login, users, community_a):
    site = active_site(community_a, users, deposit="2000.00")
    other = active_site(community_a, users)
    clerk = violation_to_refund(browser, live_server, login, users, site, sites_on_round=2)
    clerk.goto(f"{live_server.url}/renovation/rounds/")
    expect(clerk.locator("a.round-row").first).to_contain_text(other.unit.code)  # not inspected first
    close_case(clerk, live_server, site)
