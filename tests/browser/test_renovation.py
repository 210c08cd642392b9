"""Issue 10 §1 in the browser: the clerk files an application from the lookup's "Renovation" action → the
engineer reviews it (conditions) → the manager approves it (the fees are billed) → the cashier takes the
fees at billing's counter page and the 装修押金 on the application's page → the clerk issues the permit and
prints it (the PDF has the Chinese font and the number) → the public check page (no login) says valid and
shows nothing personal; the room shows "under renovation" in the lookup."""

import datetime
import re
import subprocess
import tempfile

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from billing.models import Receipt
from core.models import Role
from renovation.models import Renovation
from tests.renovation.conftest import set_rates

pytestmark = pytest.mark.django_db(transaction=True)


def _english(user):
    user.language = "en"  # English source strings (the Chinese catalogue is filled in later)
    user.save(update_fields=["language"])
    return user


def _pdf(content: bytes):
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(content)
        f.flush()
        fonts = subprocess.run(["pdffonts", f.name], capture_output=True, text=True, check=True).stdout
        text = subprocess.run(["pdftotext", "-layout", f.name, "-"], capture_output=True, text=True, check=True).stdout
    return fonts, text


def _as(browser, login, user):
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(8_000)
    login(page, user)
    return context, page


def test_application_to_permit_and_public_check(page, browser, live_server, login, unit_a, users):
    clerk, engineer, manager, cashier = (_english(users[r]) for r in (Role.CLERK, Role.ENGINEER, Role.MANAGER,
                                                                       Role.CASHIER))
    set_rates(unit_a.community, manager)
    today = timezone.localdate()

    # 1. the clerk files the application from the lookup's action (the room is prefilled)
    login(page, clerk)
    page.locator("#lookup-box").press_sequentially("3-2-1502", delay=10)
    page.locator("#lookup-results a.unit-action", has_text="Renovation").click()
    page.wait_for_url(re.compile(r"/renovation/new/\?unit=\d+$"))
    expect(page.locator("h1")).to_contain_text("3-2-1502")
    page.locator("#id_owner").select_option(index=1)
    page.fill("#id_company", "金螳螂家装")
    page.fill("#id_lead_name", "王建军")
    page.fill("#id_lead_phone", "13902345678")
    page.fill("#id_planned_start", str(today))
    page.fill("#id_planned_end", str(today - datetime.timedelta(days=1)))  # wrong order first
    page.locator("input[name=scope][value=walls]").check()
    page.locator("input[name=scope][value=floors]").check()
    page.locator("#id_agreement_accepted").check()
    page.locator("#renovation-form button[type=submit]").click()
    expect(page.locator("#id_planned_end")).to_have_class(re.compile("is-invalid"))
    expect(page.locator("#id_company")).to_have_value("金螳螂家装")  # what was typed is kept
    page.fill("#id_planned_end", str(today + datetime.timedelta(days=60)))
    page.locator("#id_agreement_accepted").check()
    page.locator("#renovation-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/renovation/\d+/$"))
    renovation = Renovation.objects.get()
    expect(page.locator("h1")).to_contain_text(renovation.number)
    assert renovation.status == "pending" and renovation.created_by == clerk

    # 2. the engineer starts the review and passes it with a condition
    eng_ctx, eng = _as(browser, login, engineer)
    eng.goto(f"{live_server.url}{renovation.get_absolute_url()}")
    eng.locator("#review-start").click()
    eng.wait_for_url(re.compile(r"/renovation/\d+/$"))
    eng.locator("#engineering-form input[name=decision][value=pass]").check()
    eng.fill("#id_conditions", "不得拆改承重墙；卫生间闭水试验 48 小时")
    eng.locator("#engineering-form button[type=submit]").click()
    eng.wait_for_url(re.compile(r"/renovation/\d+/$"))
    renovation.refresh_from_db()
    assert renovation.status == "manager"
    eng_ctx.close()

    # 3. the manager approves: the fees are billed
    man_ctx, man = _as(browser, login, manager)
    man.goto(f"{live_server.url}{renovation.get_absolute_url()}")
    man.locator("#manager-form input[name=decision][value=pass]").check()
    man.locator("#manager-form button[type=submit]").click()
    man.wait_for_url(re.compile(r"/renovation/\d+/$"))
    renovation.refresh_from_db()
    assert renovation.status == "payment" and renovation.fees.count() == 2
    man_ctx.close()

    # 4. the cashier takes the fees at billing's counter page, then the deposit on the application's page
    cash_ctx, cash = _as(browser, login, cashier)
    cash.goto(f"{live_server.url}{renovation.get_absolute_url()}")
    cash.locator("#pay-fees").click()
    cash.wait_for_url(f"{live_server.url}/billing/units/{unit_a.pk}/")
    expect(cash.locator("#id_amount")).to_have_value("500.00")
    cash.locator("#pay-button").click()
    cash.wait_for_url(re.compile(r"/billing/receipts/\d+/$"))
    cash.goto(f"{live_server.url}{renovation.get_absolute_url()}")
    expect(cash.locator("#id_amount")).to_have_value("2000.00")
    cash.locator("#deposit-form button[type=submit]").click()
    cash.wait_for_url(re.compile(r"/renovation/\d+/$"))
    expect(cash.locator("#renovation-payment")).not_to_contain_text("To pay")
    assert Receipt.objects.count() == 2
    cash_ctx.close()

    # 5. the clerk issues the permit and prints it
    page.goto(f"{live_server.url}{renovation.get_absolute_url()}")
    page.locator("#permit-issue").click()
    page.wait_for_url(re.compile(r"/renovation/\d+/$"))
    renovation.refresh_from_db()
    assert renovation.status == "in_progress" and renovation.permit_number == f"ZXXK{today.year}00001"
    expect(page.locator("#permit-number")).to_contain_text(renovation.permit_number)
    href = page.locator("#permit-pdf").get_attribute("href")
    response = page.context.request.get(f"{live_server.url}{href}")
    assert response.ok and response.headers["content-type"] == "application/pdf"
    fonts, text = _pdf(response.body())
    assert "WenQuanYi" in fonts and all(" yes " in line for line in fonts.splitlines()[2:]), fonts
    assert renovation.permit_number in text and "3-2-1502" in text and "不得拆改承重墙" in text
    page.screenshot(path="/tmp/renovation_detail.png", full_page=True)

    # 6. the room shows "under renovation" in the lookup
    page.goto(f"{live_server.url}/")
    page.locator("#lookup-box").press_sequentially("3-2-150", delay=10)
    expect(page.locator("#lookup-results")).to_contain_text("Under renovation")

    # 7. the public check page (no login) says valid and shows nothing personal
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
