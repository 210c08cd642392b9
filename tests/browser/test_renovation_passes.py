"""Issue 10 §2–3 in the browser: on an active renovation (made with the factory), the clerk registers two
workers (photo and ID copy uploaded), the cashier takes their deposit and card fee through billing, the
clerk issues the cards against the lead's signature and prints them (the PDF has the Chinese font and the
numbers); the guard's check page says valid; an extension is filed, reviewed by the engineer and approved
by the manager; the old cards then say revoked at the gate and the re-issued ones valid."""

import datetime
import io
import subprocess
import tempfile

import pytest
from playwright.sync_api import expect

from core.models import Role
from renovation.models import WorkerPass
from tests.renovation.helpers import WORKERS, active_renovation

pytestmark = pytest.mark.django_db(transaction=True)


def _english(user):
    user.language = "en"  # English source strings (the Chinese catalogue is filled in later)
    user.save(update_fields=["language"])
    return user


def _jpeg() -> dict:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (90, 120), (120, 150, 190)).save(buf, "JPEG")
    return {"name": "photo.jpg", "mimeType": "image/jpeg", "buffer": buf.getvalue()}


def _as(page, login, user):
    page.context.clear_cookies()
    if user.role != Role.GUARD:
        login(page, user)
        return
    # the guard's pages have no lookup box (what ``login`` waits for): wait for the landing page instead
    from tests.browser.conftest import PASSWORD

    page.goto(_LIVE["url"] + "/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(_LIVE["url"] + "/")


_LIVE = {}


def _gate_state(page, live_server, token):
    page.goto(f"{live_server.url}/renovation/gate/p/{token}/")
    return page.locator("#gate-state").get_attribute("data-state")


def test_passes_issued_paid_printed_checked_and_reissued_by_an_extension(page, live_server, login, users, unit_a):
    clerk, cashier, engineer, manager, guard = (_english(users[r]) for r in (
        Role.CLERK, Role.CASHIER, Role.ENGINEER, Role.MANAGER, Role.GUARD))
    renovation = active_renovation(unit_a, clerk)
    _LIVE["url"] = live_server.url
    passes_url = f"{live_server.url}/renovation/{renovation.pk}/passes/"
    page.on("dialog", lambda dialog: dialog.accept())

    # 1. the clerk registers two workers
    _as(page, login, clerk)
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
    assert WorkerPass.objects.filter(status="awaiting_payment").count() == 2

    # 2. the cashier takes the deposits and card fees through billing
    _as(page, login, cashier)
    page.goto(passes_url)
    page.get_by_role("link", name="Take deposit and card fee").click()
    page.get_by_role("button", name="Take the money").click()
    expect(page.locator(".alert-success")).to_contain_text("Deposit and card fee taken for 2")

    # 3. the clerk issues the cards (the lead signs the register) and prints them
    _as(page, login, clerk)
    page.goto(passes_url)
    page.get_by_role("link", name="Issue the paid cards").click()
    page.get_by_label("The lead has signed the register for these cards").check()
    page.get_by_role("button", name="Issue").click()
    expect(page.locator(".alert-success")).to_contain_text("2 card(s) issued")
    first, second = WorkerPass.objects.filter(status="issued").order_by("number")
    href = page.get_by_role("link", name="Print the cards").get_attribute("href")
    response = page.context.request.get(f"{live_server.url}{href}")
    assert response.ok and response.headers["content-type"] == "application/pdf"
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(response.body())
        f.flush()
        fonts = subprocess.run(["pdffonts", f.name], capture_output=True, text=True, check=True).stdout
        text = subprocess.run(["pdftotext", "-layout", f.name, "-"], capture_output=True, text=True, check=True).stdout
    assert "WenQuanYi" in fonts and first.number in text and second.number in text

    # 4. the guard scans the cards: valid
    _as(page, login, guard)
    assert _gate_state(page, live_server, first.token) == "valid"
    assert _gate_state(page, live_server, second.token) == "valid"
    expect(page.locator("img.gate-photo")).to_be_visible()

    # 5. an extension: filed by the clerk, reviewed by the engineer, approved by the manager
    new_end = renovation.permit_valid_to + datetime.timedelta(days=30)
    _as(page, login, clerk)
    page.goto(passes_url)
    page.get_by_role("link", name="Apply for an extension").click()
    page.fill("input[name=applicant_name]", "周建华")
    page.fill("textarea[name=reason]", "瓷砖到货延误")
    page.fill("input[name=new_end]", new_end.isoformat())
    page.get_by_role("button", name="File the application").click()
    expect(page.locator("#request-status")).to_have_text("Awaiting engineering review")
    request_url = page.url
    _as(page, login, engineer)
    page.goto(request_url)
    page.fill("textarea[name=comments]", "同意延期")
    page.get_by_role("button", name="Record the review").click()
    expect(page.locator("#request-status")).to_have_text("Awaiting manager approval")
    _as(page, login, manager)
    page.goto(request_url)
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator("#request-status")).to_have_text("Approved")
    page.goto(passes_url)
    expect(page.locator("#permit-valid-to")).to_have_text(new_end.isoformat())

    # 6. the old cards say revoked at the gate, the re-issued ones valid
    _as(page, login, guard)
    for old in (first, second):
        old.refresh_from_db()
        assert old.status == "revoked"
        assert _gate_state(page, live_server, old.token) == "revoked"
        expect(page.locator("main")).to_contain_text(old.replaced_by.number)
        new = old.replaced_by
        assert new.valid_to == new_end
        assert _gate_state(page, live_server, new.token) == "valid"
