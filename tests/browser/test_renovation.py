"""Issue 10 §1 in the browser: the clerk files an application from the lookup's "Renovation" action → the
engineer reviews it (conditions) → the manager approves it (the fees are billed) → the cashier takes the
fees at billing's counter page and the 装修押金 on the application's page → the clerk issues the permit and
prints it (the PDF has the Chinese font and the number) → the public check page (no login) says valid and
shows nothing personal; the room shows "under renovation" in the lookup."""

import pytest
from playwright.sync_api import expect

from tests.browser.renovation_flow import file_to_permit
from tests.renovation.conftest import set_rates

pytestmark = pytest.mark.django_db(transaction=True)


def test_application_to_permit_and_public_check(page, browser, live_server, login, unit_a, users):
    set_rates(unit_a.community, users["manager"])
    renovation = file_to_permit(page, browser, live_server, login, unit_a, users)
    page.screenshot(path="/tmp/renovation_detail.png", full_page=True)

    # the room shows "under renovation" in the lookup
    page.goto(f"{live_server.url}/")
    page.locator("#lookup-box").press_sequentially("3-2-150", delay=10)
    expect(page.locator("#lookup-results")).to_contain_text("Under renovation")

    # the public check page (no login) says valid and shows nothing personal
    public_ctx = browser.new_context(locale="zh-CN")
    public = public_ctx.new_page()
    public.goto(f"{live_server.url}/renovation/p/{renovation.permit_token}/")
    expect(public.locator("#permit-state")).to_have_attribute("data-state", "valid")
    expect(public.locator("#permit-number")).to_have_text(renovation.permit_number)
    html = public.content()
    for secret in ("张建国", "13812345678", "王建军", "13902345678", "金螳螂"):
        assert secret not in html, secret
    public.screenshot(path="/tmp/renovation_verify.png")
    public_ctx.close()
