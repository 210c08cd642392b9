"""Issue 11's browser test: a tenant with the owner's phone consent applies for a goods release slip at the
counter (from the lookup's "Release slip" next to the room, signing on the screen) → the duty supervisor
signs (password) → the manager approves → the slip prints (the PDF has the Chinese font and the number) →
the guard's phone page, opened from the QR's URL, marks it used → a second scan says already used."""

import datetime
import re
import subprocess
import tempfile

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from core.models import Role
from frontdesk.models import Occupancy, ReleaseSlip
from tests.browser.conftest import PASSWORD
from tests.factories import OccupancyFactory, PersonFactory

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


def _context(browser, **kwargs):
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", **kwargs)
    page = context.new_page()
    page.set_default_timeout(5_000)
    return page


def test_tenant_slip_signed_approved_printed_and_released_once(page, browser, live_server, login, unit_a, users):
    clerk, supervisor, manager, guard = (_english(users[r]) for r in (Role.CLERK, Role.SUPERVISOR, Role.MANAGER,
                                                                      Role.GUARD))
    owner = unit_a.occupancies.get(kind=Occupancy.Kind.OWNER).person
    tenant = OccupancyFactory(unit=unit_a, kind=Occupancy.Kind.TENANT, share=None,
                              person=PersonFactory(community=unit_a.community, name="赵租客")).person

    # 1. the clerk finds the room and takes the lookup's "Release slip" action
    login(page, clerk)
    page.locator("#lookup-box").press_sequentially("3-2-1502", delay=10)
    page.locator("#lookup-results a.unit-action", has_text="Release slip").click()
    page.wait_for_url(re.compile(r"/slips/new/\?unit=\d+$"))

    # 2. the tenant applies with the owner's consent by phone (recorded: who, which number, when)
    page.get_by_label("Tenant", exact=True).check()
    page.locator("#id_applicant").select_option(str(tenant.pk))
    page.get_by_label("Owner's phone call (recorded)").check()
    page.locator("#id_consent_owner").select_option(str(owner.pk))
    page.fill("#id_consent_phone", "13812345678")
    called = timezone.localtime() - datetime.timedelta(minutes=15)
    page.fill("#id_consent_at", called.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_carrier_name", "王师傅")
    page.fill("#id_carrier_id_number", "440301198506154316")
    page.fill("#id_vehicle_plate", "粤B6K218")
    page.fill("#id_items-0-name", "双人床")
    page.fill("#id_items-0-quantity", "1")
    page.fill("#id_items-1-name", "纸箱")
    page.fill("#id_items-1-quantity", "12")
    page.fill("#id_items-1-description", "衣物、书籍")
    page.locator("#id_reason").select_option("moving")
    page.locator("#signature-canvas").scroll_into_view_if_needed()
    box = page.locator("#signature-canvas").bounding_box()
    page.mouse.move(box["x"] + 30, box["y"] + 70)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(box["x"] + 30 + step * 30, box["y"] + 70 + (25 if step % 2 else -25))
    page.mouse.up()
    expect(page.get_by_label("Signed on screen")).to_be_checked()
    page.screenshot(path="/tmp/slip_form.png", full_page=True)
    page.get_by_role("button", name="Issue the slip").dblclick()  # a double-click issues one slip
    page.wait_for_url(re.compile(r"/slips/\d+/$"))
    slip = ReleaseSlip.objects.get()
    assert slip.applicant == tenant and slip.consent == "phone" and slip.consent_taken_by == clerk
    assert slip.signature.name.endswith(".png") and slip.items.count() == 2
    expect(page.locator("#slip-status")).to_have_text("Awaiting the supervisor's signature")

    # 3. the duty supervisor signs with their password
    sup = _context(browser, viewport={"width": 1280, "height": 800})
    login(sup, supervisor)
    sup.goto(f"{live_server.url}{slip.get_absolute_url()}")
    sup.fill("#sign-form input[name=password]", PASSWORD)
    sup.locator("#sign-form button[type=submit]").click()
    expect(sup.locator("#slip-status")).to_have_text("Awaiting the manager's approval")

    # 4. the manager approves
    mgr = _context(browser, viewport={"width": 1280, "height": 800})
    login(mgr, manager)
    mgr.goto(f"{live_server.url}{slip.get_absolute_url()}")
    mgr.fill("#approve-form input[name=password]", PASSWORD)
    mgr.locator("#approve-form button[type=submit]").click()
    expect(mgr.locator("#slip-status")).to_have_text("In effect")

    # 5. the slip prints: the PDF has the embedded Chinese font, the number and the items
    page.reload()
    href = page.get_by_role("link", name="Print (PDF)").get_attribute("href")
    response = page.context.request.get(f"{live_server.url}{href}")
    assert response.ok and response.headers["content-type"] == "application/pdf"
    fonts, text = _pdf(response.body())
    assert "WenQuanYi" in fonts and all(" yes " in line for line in fonts.splitlines()[2:]), fonts
    slip.refresh_from_db()
    assert slip.number in text and "双人床" in text and "440301********4316" in text

    # 6. the guard's phone: the QR's URL opens the check page; "Confirm release" marks it used
    phone = _context(browser, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    phone.goto(f"{live_server.url}/login/")
    phone.fill("input[name=username]", guard.username)
    phone.fill("input[name=password]", PASSWORD)
    phone.locator("main form button[type=submit]").click()
    phone.wait_for_url(f"{live_server.url}/")
    phone.goto(f"{live_server.url}{reverse('frontdesk:gate_slip', args=[slip.token])}")
    expect(phone.locator("#gate-state")).to_contain_text("Valid today")
    expect(phone.locator("main")).to_contain_text("王**")
    phone.once("dialog", lambda dialog: dialog.accept())
    phone.get_by_role("button", name="Confirm release").click()
    expect(phone.locator("#gate-state")).to_contain_text("Already used")
    phone.screenshot(path="/tmp/gate_released.png", full_page=True)
    slip.refresh_from_db()
    assert slip.status == "used" and slip.used_by == guard

    # 7. a second scan (by number, as typed on the landing page) says already used, when and by whom
    phone.goto(f"{live_server.url}/")
    phone.get_by_role("link", name="Gate check").click()
    phone.fill("#gate-number", slip.number)
    phone.get_by_role("button", name="Check").click()
    expect(phone.locator("#gate-state")).to_contain_text(
        f"Already used: released at {timezone.localtime(slip.used_at):%Y-%m-%d %H:%M} by {guard.display_name}")
    expect(phone.get_by_role("button", name="Confirm release")).to_have_count(0)
