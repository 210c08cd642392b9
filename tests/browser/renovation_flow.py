"""Issue 10's browser steps, each taking the renovation where the previous one left it, so that the
three focused tests and the one end-to-end journey (`test_renovation_journey.py`) drive the same clicks:

- ``file_to_permit``: the clerk files from the lookup → engineering review → manager approval → the
  cashier takes the fees at billing's counter and the deposit → the permit is issued and printed;
- ``passes_to_extension``: two workers registered, paid through billing, issued and printed → the guard
  says valid → an extension re-issues the cards → the old ones say revoked;
- ``violation_to_refund``: a violation with a deduction on the round → the manager approves it →
  acceptance → the deposit refunded minus the deduction, approved in billing's corrections.
"""

import datetime
import io
import re
import subprocess
import tempfile
from decimal import Decimal

from django.utils import timezone
from playwright.sync_api import expect

from billing.models import Correction, DepositRefund, Receipt
from core.models import Role
from renovation.models import DepositDeduction, Renovation, Violation, WorkerPass
from tests.browser.conftest import PASSWORD
from tests.renovation.helpers import WORKERS


def english(user):
    user.language = "en"  # English source strings: the steps click by their English labels
    user.save(update_fields=["language"])
    return user


def pdf_fonts_and_text(content: bytes) -> tuple[str, str]:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(content)
        f.flush()
        fonts = subprocess.run(["pdffonts", f.name], capture_output=True, text=True, check=True).stdout
        text = subprocess.run(["pdftotext", "-layout", f.name, "-"], capture_output=True, text=True, check=True).stdout
    return fonts, text


def new_page(browser, login, user, *, phone=False, timeout=8_000):
    """A fresh browser context logged in as ``user`` (a phone-sized viewport with ``phone``)."""
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai",
                                  viewport={"width": 390, "height": 844} if phone else {"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(timeout)
    login(page, english(user))
    return page


def switch_user(page, login, live_url, user):
    """Log ``page`` in as ``user`` (the guard's pages have no lookup box, which ``login`` waits for)."""
    page.context.clear_cookies()
    if user.role != Role.GUARD:
        login(page, english(user))
        return
    page.goto(live_url + "/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(live_url + "/")


def _jpeg() -> dict:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (90, 120), (120, 150, 190)).save(buf, "JPEG")
    return {"name": "photo.jpg", "mimeType": "image/jpeg", "buffer": buf.getvalue()}


def gate_state(page, live_url, token):
    page.goto(f"{live_url}/renovation/gate/p/{token}/")
    return page.locator("#gate-state").get_attribute("data-state")


def file_to_permit(page, browser, live_server, login, unit, users) -> Renovation:
    clerk, engineer, manager, cashier = (english(users[r]) for r in (Role.CLERK, Role.ENGINEER, Role.MANAGER,
                                                                      Role.CASHIER))
    today = timezone.localdate()
    receipts_before = Receipt.objects.count()

    # the clerk files the application from the lookup's action (the room is prefilled)
    login(page, clerk)
    page.locator("#lookup-box").press_sequentially(unit.code, delay=10)
    page.locator("#lookup-results a.unit-action", has_text="Renovation").click()
    page.wait_for_url(re.compile(r"/renovation/new/\?unit=\d+$"))
    expect(page.locator("h1")).to_contain_text(unit.code)
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
    renovation = Renovation.objects.get(unit=unit, status="pending")
    expect(page.locator("h1")).to_contain_text(renovation.number)
    assert renovation.created_by == clerk

    # the engineer starts the review and passes it with a condition
    eng = new_page(browser, login, engineer)
    eng.goto(f"{live_server.url}{renovation.get_absolute_url()}")
    eng.locator("#review-start").click()
    eng.wait_for_url(re.compile(r"/renovation/\d+/$"))
    eng.locator("#engineering-form input[name=decision][value=pass]").check()
    eng.fill("#id_conditions", "不得拆改承重墙；卫生间闭水试验 48 小时")
    eng.locator("#engineering-form button[type=submit]").click()
    eng.wait_for_url(re.compile(r"/renovation/\d+/$"))
    renovation.refresh_from_db()
    assert renovation.status == "manager"
    eng.context.close()

    # the manager approves: the fees are billed
    man = new_page(browser, login, manager)
    man.goto(f"{live_server.url}{renovation.get_absolute_url()}")
    man.locator("#manager-form input[name=decision][value=pass]").check()
    man.locator("#manager-form button[type=submit]").click()
    man.wait_for_url(re.compile(r"/renovation/\d+/$"))
    renovation.refresh_from_db()
    assert renovation.status == "payment" and renovation.fees.count() == 2
    man.context.close()

    # the cashier takes the fees at billing's counter page, then the deposit on the application's page
    cash = new_page(browser, login, cashier)
    cash.goto(f"{live_server.url}{renovation.get_absolute_url()}")
    cash.locator("#pay-fees").click()
    cash.wait_for_url(f"{live_server.url}/billing/units/{unit.pk}/")
    expect(cash.locator("#id_amount")).to_have_value("500.00")
    cash.locator("#pay-button").click()
    cash.wait_for_url(re.compile(r"/billing/receipts/\d+/$"))
    cash.goto(f"{live_server.url}{renovation.get_absolute_url()}")
    expect(cash.locator("#id_amount")).to_have_value("2000.00")
    cash.locator("#deposit-form button[type=submit]").click()
    cash.wait_for_url(re.compile(r"/renovation/\d+/$"))
    expect(cash.locator("#renovation-payment")).not_to_contain_text("To pay")
    assert Receipt.objects.count() == receipts_before + 2
    cash.context.close()

    # the clerk issues the permit and prints it: the PDF has the Chinese font and the number
    page.goto(f"{live_server.url}{renovation.get_absolute_url()}")
    page.locator("#permit-issue").click()
    page.wait_for_url(re.compile(r"/renovation/\d+/$"))
    renovation.refresh_from_db()
    assert renovation.status == "in_progress" and renovation.permit_number == f"ZXXK{today.year}00001"
    expect(page.locator("#permit-number")).to_contain_text(renovation.permit_number)
    href = page.locator("#permit-pdf").get_attribute("href")
    response = page.context.request.get(f"{live_server.url}{href}")
    assert response.ok and response.headers["content-type"] == "application/pdf"
    fonts, text = pdf_fonts_and_text(response.body())
    assert "WenQuanYi" in fonts and all(" yes " in line for line in fonts.splitlines()[2:]), fonts
    assert renovation.permit_number in text and unit.code in text and "不得拆改承重墙" in text
    return renovation


def passes_to_extension(page, live_server, login, users, renovation) -> list[WorkerPass]:
    """Returns the re-issued passes (the old ones are revoked)."""
    clerk, cashier, engineer, manager, guard = (english(users[r]) for r in (
        Role.CLERK, Role.CASHIER, Role.ENGINEER, Role.MANAGER, Role.GUARD))
    url = live_server.url
    passes_url = f"{url}/renovation/{renovation.pk}/passes/"
    page.on("dialog", lambda dialog: dialog.accept())

    # the clerk registers two workers (photo and ID copy uploaded)
    switch_user(page, login, url, clerk)
    for name, id_number, phone, trade in WORKERS[:2]:
        page.goto(passes_url)
        page.get_by_role("link", name="New worker pass").click()
        page.fill("input[name=name]", name)
        page.fill("input[name=id_number]", id_number)
        page.fill("input[name=phone]", phone)
        page.select_option("select[name=trade]", trade)
        page.set_input_files("input[name=photo]", _jpeg())
        page.set_input_files("input[name=id_copy]", _jpeg())
        page.get_by_role("button", name="Register the pass").click()
        expect(page.locator(".alert-success")).to_contain_text("registered")
    assert WorkerPass.objects.filter(renovation=renovation, status="awaiting_payment").count() == 2

    # the cashier takes the deposits and card fees through billing
    switch_user(page, login, url, cashier)
    page.goto(passes_url)
    page.get_by_role("link", name="Take deposit and card fee").click()
    page.get_by_role("button", name="Take the money").click()
    expect(page.locator(".alert-success")).to_contain_text("Deposit and card fee taken for 2")

    # the clerk issues the cards (the lead signs the register) and prints them
    switch_user(page, login, url, clerk)
    page.goto(passes_url)
    page.get_by_role("link", name="Issue the paid cards").click()
    page.get_by_label("The lead has signed the register for these cards").check()
    page.get_by_role("button", name="Issue").click()
    expect(page.locator(".alert-success")).to_contain_text("2 card(s) issued")
    first, second = WorkerPass.objects.filter(renovation=renovation, status="issued").order_by("number")
    href = page.get_by_role("link", name="Print the cards").get_attribute("href")
    response = page.context.request.get(f"{url}{href}")
    assert response.ok and response.headers["content-type"] == "application/pdf"
    fonts, text = pdf_fonts_and_text(response.body())
    assert "WenQuanYi" in fonts and first.number in text and second.number in text

    # the guard scans the cards: valid, with the photo
    switch_user(page, login, url, guard)
    assert gate_state(page, url, first.token) == "valid"
    assert gate_state(page, url, second.token) == "valid"
    expect(page.locator("img.gate-photo")).to_be_visible()

    # an extension: filed by the clerk, reviewed by the engineer, approved by the manager
    renovation.refresh_from_db()
    new_end = renovation.permit_valid_to + datetime.timedelta(days=30)
    switch_user(page, login, url, clerk)
    page.goto(passes_url)
    page.get_by_role("link", name="Apply for an extension").click()
    page.fill("input[name=applicant_name]", "周建华")
    page.fill("textarea[name=reason]", "瓷砖到货延误")
    page.fill("input[name=new_end]", new_end.isoformat())
    page.get_by_role("button", name="File the application").click()
    expect(page.locator("#request-status")).to_have_text("Awaiting engineering review")
    request_url = page.url
    switch_user(page, login, url, engineer)
    page.goto(request_url)
    page.fill("textarea[name=comments]", "同意延期")
    page.get_by_role("button", name="Record the review").click()
    expect(page.locator("#request-status")).to_have_text("Awaiting manager approval")
    switch_user(page, login, url, manager)
    page.goto(request_url)
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator("#request-status")).to_have_text("Approved")
    page.goto(passes_url)
    expect(page.locator("#permit-valid-to")).to_have_text(new_end.isoformat())

    # the old cards say revoked at the gate (naming their replacement), the re-issued ones valid
    switch_user(page, login, url, guard)
    reissued = []
    for old in (first, second):
        old.refresh_from_db()
        assert old.status == "revoked"
        assert gate_state(page, url, old.token) == "revoked"
        expect(page.locator("main")).to_contain_text(old.replaced_by.number)
        new = old.replaced_by
        assert new.valid_to == new_end
        assert gate_state(page, url, new.token) == "valid"
        reissued.append(new)
    return reissued


def violation_to_refund(browser, live_server, login, users, site, *, sites_on_round=1, deposit="2000.00",
                        deduction="300", refund="1,700.00"):
    """Returns the clerk's page (phone-sized), on the round sheet."""
    url = live_server.url

    # the 管家 on a phone: the round sheet, the site not inspected yet, a violation with a deduction
    clerk = new_page(browser, login, users[Role.CLERK], phone=True, timeout=5_000)
    clerk.goto(f"{url}/renovation/rounds/")
    expect(clerk.locator("#round-progress")).to_contain_text(f"0 of {sites_on_round}")
    clerk.locator("a.round-row", has_text=site.unit.code).click()
    clerk.get_by_label("Permit posted at the door").check()
    clerk.get_by_label("Note").first.fill("楼道有建筑垃圾")
    clerk.get_by_label("Violation found").select_option("rubbish")
    clerk.get_by_label("What was found").fill("楼道堆放建筑垃圾未清运")
    clerk.get_by_label("Correct by").fill(timezone.localdate().isoformat())
    clerk.get_by_label("Proposed deduction from the deposit (元)").fill(deduction)
    clerk.get_by_label("Reason for the deduction").fill("公共区域清理费")
    clerk.get_by_role("button", name="Record the inspection").click()
    clerk.wait_for_url(re.compile(r"/renovation/rounds/\?community="))
    expect(clerk.locator("#round-progress")).to_contain_text(f"1 of {sites_on_round}")
    violation = Violation.objects.get(renovation=site)
    assert violation.deduction.status == DepositDeduction.Status.PROPOSED

    # the manager approves the deduction from the violation list
    manager = new_page(browser, login, users[Role.MANAGER], timeout=5_000)
    manager.goto(f"{url}/renovation/violations/")
    manager.locator("tr.violation-row a", has_text=site.unit.code).click()
    manager.get_by_label("Approve the deduction").check()
    manager.get_by_role("button", name="Record the decision").click()
    expect(manager.locator("#deduction-status")).to_contain_text("Approved")

    # the works are finished: the site asks for acceptance; the engineer passes it on a phone
    clerk.goto(f"{url}/renovation/acceptance/{site.pk}/")
    clerk.get_by_role("button", name="Works finished: ask for acceptance").click()
    expect(clerk.locator("#renovation-status")).to_have_text("Awaiting acceptance")
    engineer = new_page(browser, login, users[Role.ENGINEER], phone=True, timeout=5_000)
    engineer.goto(f"{url}/renovation/acceptance/")
    engineer.locator("tr.acceptance-row", has_text=site.unit.code).get_by_role("link", name="Acceptance").click()
    engineer.get_by_label("Passed").check()
    engineer.get_by_role("button", name="Record the result").click()
    expect(engineer.locator("#renovation-status")).to_have_text("Accepted")

    # the cashier asks billing for the refund on the one deposit ledger
    cashier = new_page(browser, login, users[Role.CASHIER], timeout=5_000)
    cashier.goto(f"{url}/renovation/ledger/{site.pk}/")
    expect(cashier.locator("#ledger-received")).to_have_text(f"¥{Decimal(deposit):,.2f}")
    expect(cashier.locator("#ledger-deducted")).to_have_text(f"¥{Decimal(deduction):,.2f}")
    expect(cashier.locator("#ledger-deductions")).to_contain_text("公共区域清理费")
    cashier.get_by_role("button", name=f"Ask billing to refund ¥{refund}").click()
    expect(cashier.locator(".refund-request")).to_contain_text("Awaiting approval")

    # the supervisor approves it among billing's corrections
    supervisor = new_page(browser, login, users[Role.SUPERVISOR], timeout=5_000)
    correction = Correction.objects.filter(kind="deposit_refund").latest("pk")
    supervisor.goto(f"{url}/billing/corrections/")
    row = supervisor.locator(f"#correction-{correction.pk}")
    supervisor.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="Approve").click()
    supervisor.wait_for_url(re.compile(r"/billing/corrections/$"))
    refund_row = DepositRefund.objects.latest("pk")
    assert (refund_row.refunded, refund_row.deduction) == (Decimal(deposit) - Decimal(deduction), Decimal(deduction))
    return clerk


def close_case(clerk, live_server, site, *, refunded="¥1,700.00", kept="¥300.00"):
    """The ledger is settled with billing's figures; the case is closed."""
    clerk.goto(f"{live_server.url}/renovation/ledger/{site.pk}/")
    expect(clerk.locator("#ledger-settled")).to_be_visible()
    expect(clerk.locator("#ledger-refunded")).to_have_text(refunded)
    expect(clerk.locator("#ledger-kept")).to_have_text(kept)
    clerk.get_by_role("button", name="Close the case").click()
    expect(clerk.locator("#renovation-status")).to_have_text("Closed")
    assert Renovation.objects.get(pk=site.pk).status == Renovation.Status.CLOSED
