"""Issue 10 §8, the whole paper procedure in one journey on one renovation: application → engineering review
→ manager approval → fees and deposit paid at the counter → permit printed (Chinese font, number) → two
passes issued and printed → the guard page says valid → an extension re-issues the passes (the old ones say
revoked) → a violation with a deduction → acceptance → the deposit refunded minus the deduction → the cards
handed back → the case closed. Each step is the same code as the focused tests (``renovation_flow``)."""

import pytest
from playwright.sync_api import expect

from core.models import Role
from renovation.models import WorkerPass
from tests.browser.renovation_flow import close_case, file_to_permit, passes_to_extension, switch_user, violation_to_refund
from tests.renovation.conftest import set_rates

pytestmark = pytest.mark.django_db(transaction=True)


def test_renovation_from_application_to_closed_case(page, browser, live_server, login, unit_a, users):
    set_rates(unit_a.community, users[Role.MANAGER])
    renovation = file_to_permit(page, browser, live_server, login, unit_a, users)
    reissued = passes_to_extension(page, live_server, login, users, renovation)
    clerk = violation_to_refund(browser, live_server, login, users, renovation, sites_on_round=1)

    # the case cannot close while the cards are out: the workers hand them back at the desk
    switch_user(page, login, live_server.url, users[Role.CLERK])
    for worker_pass in reissued:
        page.goto(f"{live_server.url}/renovation/passes/{worker_pass.pk}/")
        page.get_by_role("link", name="Card returned").click()
        page.get_by_role("button", name="Confirm").click()
        expect(page.locator(".alert-success")).to_be_visible()
    assert not WorkerPass.objects.filter(renovation=renovation, status="issued").exists()

    close_case(clerk, live_server, renovation)
