"""Issue 10 §3's browser test for hot work and lifts: the clerk files a hot-work application from the lookup
(with the welder's copies); the engineer and the safety reviewer (the supervisor) review it; the manager
approves; the permit PDF has the Chinese font and the number; after the window the page says expired and
the sweep expires it. Then the manager lists a freight lift, the clerk books it from the lookup, the day
board shows the slot, and a second booking of an overlapping slot is refused at the field."""

import datetime
import io
import re
import subprocess
import tempfile

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from core.models import Role
from renovation.models import HotWorkPermit, Lift, LiftBooking
from renovation.services.hotwork import hotwork_sweep
from tests.renovation.hotwork_data import make_site

pytestmark = pytest.mark.django_db(transaction=True)


def _png(path) -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(buffer, "PNG")
    path.write_bytes(buffer.getvalue())
    return str(path)


def _pdf(content: bytes):
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(content)
        f.flush()
        fonts = subprocess.run(["pdffonts", f.name], capture_output=True, text=True, check=True).stdout
        text = subprocess.run(["pdftotext", "-layout", f.name, "-"], capture_output=True, text=True, check=True).stdout
    return fonts, text


@pytest.fixture
def people(users):
    for user in users.values():
        user.language = "en"  # English source strings (the Chinese catalogue is filled in later)
        user.save(update_fields=["language"])
    return users


def _as(browser, login, user):
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(8_000)
    login(page, user)
    return page


def _lookup_action(page, label):
    box = page.locator("#lookup-box")
    box.fill("")
    box.press_sequentially("3-2-1502", delay=10)
    action = page.locator("#lookup-results a.unit-action", has_text=label).first
    expect(action).to_be_visible()
    action.click()


def test_hot_work_permit_and_a_lift_booking(page, browser, live_server, login, unit_a, people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    clerk, engineer, supervisor, manager = (people[Role.CLERK], people[Role.ENGINEER], people[Role.SUPERVISOR],
                                            people[Role.MANAGER])
    site = make_site(unit_a.community, clerk, unit=unit_a)
    today = timezone.localdate()

    # 1. the clerk files the application from the lookup, with the welder's certificate and ID copies
    login(page, clerk)
    _lookup_action(page, "Hot-work permit")
    page.wait_for_url(re.compile(r"/renovation/hotwork/new/\?unit="))
    page.select_option("#id_applicant_kind", "lead")
    page.fill("#id_location", "阳台")
    page.fill("#id_work", "焊接阳台护栏")
    page.fill("#id_work_date", f"{today:%Y-%m-%d}")
    page.fill("#id_start_time", "00:00")
    page.fill("#id_end_time", "23:59")
    page.fill("#id_welder_name", "刘铁军")
    page.fill("#id_welder_certificate_no", "T440300198001")
    page.set_input_files("#id_certificate", _png(tmp_path / "cert.png"))
    page.set_input_files("#id_id_copy", _png(tmp_path / "id.png"))
    page.fill("#id_fire_watcher_name", "赵刚")
    page.fill("#id_fire_watcher_phone", "13700002000")
    page.check("#id_extinguishers_checked")
    page.fill("#id_extinguisher_count", "2")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/renovation/hotwork/\d+/$"))
    permit = HotWorkPermit.objects.get(renovation=site)
    assert permit.status == "review" and permit.attachments.count() == 2
    expect(page.locator("#hotwork-status")).to_have_text("Engineering and safety review")

    # 2. the engineer's review, then the safety review by the supervisor
    eng = _as(browser, login, engineer)
    eng.goto(f"{live_server.url}/renovation/hotwork/{permit.pk}/")
    eng.check("#id_engineering-decision_0")
    eng.fill("#id_engineering-comments", "焊点远离燃气管道")
    eng.get_by_role("button", name="Record the engineering review").click()
    expect(eng.locator("#hotwork-engineering")).to_contain_text("焊点远离燃气管道")
    sup = _as(browser, login, supervisor)
    sup.goto(f"{live_server.url}/renovation/hotwork/{permit.pk}/")
    sup.check("#id_safety-decision_0")
    sup.get_by_role("button", name="Record the safety review").click()
    expect(sup.locator("#hotwork-status")).to_have_text("Awaiting manager approval")

    # 3. the manager approves: the permit is numbered and printed with the Chinese font
    mgr = _as(browser, login, manager)
    mgr.goto(f"{live_server.url}/renovation/hotwork/{permit.pk}/")
    mgr.check("#id_decision_0")
    mgr.get_by_role("button", name="Record the decision").click()
    expect(mgr.locator("#hotwork-status")).to_have_text("Permit issued")
    permit.refresh_from_db()
    assert permit.number == f"DH{today.year}00001"
    expect(mgr.locator("h1")).to_contain_text(permit.number)
    href = mgr.locator("#hotwork-pdf").get_attribute("href")
    response = mgr.context.request.get(f"{live_server.url}{href}")
    assert response.ok and response.headers["content-type"] == "application/pdf"
    fonts, text = _pdf(response.body())
    assert "WenQuanYi" in fonts and all(" yes " in line for line in fonts.splitlines()[2:]), fonts
    assert permit.number in text and "阳台" in text and "刘铁军" in text and "3-2-1502" in text

    # 4. the window ends: the page says expired at once, and the beat's sweep expires it
    now = timezone.now()
    HotWorkPermit.objects.filter(pk=permit.pk).update(starts_at=now - datetime.timedelta(hours=8),
                                                      ends_at=now - datetime.timedelta(minutes=1))
    page.goto(f"{live_server.url}/renovation/hotwork/{permit.pk}/")
    expect(page.locator("#hotwork-status")).to_have_text("Expired (awaiting close-out)")
    assert hotwork_sweep() == {"reminded": 0, "expired": 1}
    assert HotWorkPermit.objects.get(pk=permit.pk).status == "expired"

    # 5. the manager lists the building's freight lift
    mgr.goto(f"{live_server.url}/renovation/lifts/")
    mgr.select_option("#id_building", str(unit_a.building_id))
    mgr.fill("#id_name", "2号货梯")
    mgr.select_option("#id_kind", "freight")
    mgr.get_by_role("button", name="Add").click()
    expect(mgr.locator("tr.lift-row")).to_contain_text("2号货梯")
    lift = Lift.objects.get(name="2号货梯")

    # 6. the clerk books it from the lookup; the day board shows the slot
    tomorrow = today + datetime.timedelta(days=1)
    page.goto(f"{live_server.url}/")
    _lookup_action(page, "Lift or stair booking")
    page.wait_for_url(re.compile(r"/renovation/lifts/book/\?unit="))

    def fill_booking(start, end):
        page.select_option("#id_lift", str(lift.pk))
        page.fill("#id_day", f"{tomorrow:%Y-%m-%d}")
        page.fill("#id_start", start)
        page.fill("#id_end", end)
        page.select_option("#id_applicant_kind", "owner")
        page.select_option("#id_owner", index=1)
        page.fill("#id_items", "瓷砖、水泥")
        page.check("#id_undertaking_received")
        page.get_by_role("button", name="Save").click()

    fill_booking("09:00", "10:30")
    page.wait_for_url(re.compile(r"/renovation/lifts/board/"))
    expect(page.locator("#lift-board .board-slot")).to_contain_text("09:00–10:30 3-2-1502")
    assert LiftBooking.objects.get(lift=lift).status == "booked"

    # 7. a second booking of an overlapping slot is refused at the field, what was typed kept
    page.goto(f"{live_server.url}/renovation/lifts/book/?unit={unit_a.pk}")
    fill_booking("10:00", "11:00")
    expect(page.locator("#id_start").locator("xpath=..")).to_contain_text("already booked from 09:00 to 10:30")
    expect(page.locator("#id_items")).to_have_value("瓷砖、水泥")
    assert LiftBooking.objects.filter(lift=lift).count() == 1
    for other in (eng, sup, mgr):
        other.context.close()
