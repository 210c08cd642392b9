"""Issue 11 §4 in a real browser: the clerk finds the room, deposits the owner's key from the unit page, signs it
out to a contractor; once its expected return has passed (moved into the past here) it is on the overdue list,
from which the clerk signs it back in. The database is checked after each step."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from frontdesk.models import Key, KeyMovement

pytestmark = pytest.mark.django_db(transaction=True)

CONTRACTOR_ID = "440305198805120015"


@pytest.fixture
def desk_clerk(clerk):
    clerk.language = "en"  # English source strings (the Chinese catalogue is filled in later)
    clerk.save(update_fields=["language"])
    return clerk


def test_deposit_sign_out_overdue_sign_in(page, live_server, login, unit_a, desk_clerk):
    # 1. the room from the lookup: its "Keys" action and the unit page's panel
    login(page, desk_clerk)
    box = page.locator("#lookup-box")
    box.press_sequentially("3-2-1502", delay=10)
    page.wait_for_timeout(200)
    expect(box).not_to_have_class(re.compile(r"\bhtmx-request\b"))
    expect(page.locator(f"#lookup-results a[href$='/frontdesk/keys/?unit={unit_a.pk}']")).to_have_count(1)
    box.press("Enter")
    page.wait_for_url(f"{live_server.url}/frontdesk/units/{unit_a.pk}/")
    expect(page.locator("#panel-keys")).to_contain_text("No keys held for this room.")

    # 2. deposit the owner's key with the written consent
    page.locator("#panel-keys").get_by_role("link", name="Deposit a key").click()
    page.wait_for_url(re.compile(rf"/frontdesk/units/{unit_a.pk}/keys/new/$"))
    page.select_option("#id_purpose", "renovation")
    page.fill("#id_consent_ref", "委托书 2026-031")
    page.check("#id_consent_on_file")
    page.fill("#id_tag_no", "k-031")
    page.fill("#id_envelope_no", "F0031")
    page.fill("#id_opens", "入户门")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/frontdesk/keys/\d+/$"))
    key = Key.objects.get()
    assert (key.status, key.tag_no, key.unit, key.depositor.name) == ("in", "K-031", unit_a, "张建国")
    expect(page.locator("h1")).to_contain_text("K-031")
    expect(page.locator("h1")).to_contain_text("In the key cabinet")

    # 3. sign it out to a contractor: a wrong ID number is said at the field and the rest is kept
    page.get_by_role("link", name="Sign out", exact=True).click()
    page.wait_for_url(re.compile(rf"/frontdesk/keys/{key.pk}/sign-out/$"))
    page.check("input[name=taker_kind][value=contractor]")
    page.fill("#id_name", "王师傅")
    page.fill("#id_company", "安居装饰")
    page.fill("#id_id_number", CONTRACTOR_ID[:-1] + "6")
    page.fill("#id_phone", "13922223333")
    page.fill("#id_reason", "装修进场量房")
    due = timezone.localtime(timezone.now() + datetime.timedelta(hours=2))
    page.fill("#id_due_back_at", due.strftime("%Y-%m-%dT%H:%M"))
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#id_id_number")).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(page.locator("#id_reason")).to_have_value("装修进场量房")
    expect(page.locator("#id_name")).to_have_value("王师傅")
    page.fill("#id_id_number", CONTRACTOR_ID)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/frontdesk/keys/{key.pk}/$"))
    key.refresh_from_db()
    assert key.status == "out" and key.out_movement.taker_name == "王师傅"
    expect(page.locator("h1")).to_contain_text("Signed out")
    expect(page.locator("main")).to_contain_text("440305********0015")
    assert CONTRACTOR_ID not in page.content()
    page.goto(f"{live_server.url}/frontdesk/keys/overdue/")
    expect(page.locator("main")).not_to_contain_text("K-031")

    # 4. its expected return passes: the key is on the overdue list
    Key.objects.filter(pk=key.pk).update(due_back_at=timezone.now() - datetime.timedelta(minutes=30))
    page.goto(f"{live_server.url}/frontdesk/keys/overdue/")
    row = page.locator(f"#key-{key.pk}")
    expect(row).to_contain_text("K-031")
    expect(row).to_contain_text("王师傅（安居装饰）")
    expect(row).to_contain_text("late by")
    page.screenshot(path="/tmp/keys_overdue.png", full_page=True)

    # 5. the contractor brings it back: signed in from the overdue list
    row.get_by_role("link", name="Sign in").click()
    page.wait_for_url(re.compile(rf"/frontdesk/keys/{key.pk}/sign-in/$"))
    expect(page.locator("#id_returned_by_name")).to_have_value("王师傅（安居装饰）")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/frontdesk/keys/{key.pk}/$"))
    expect(page.locator("h1")).to_contain_text("In the key cabinet")
    key.refresh_from_db()
    assert key.status == "in" and key.due_back_at is None
    assert list(KeyMovement.objects.filter(key=key).order_by("at", "id").values_list("kind", flat=True)) == [
        "deposit", "sign_out", "sign_in"]
    page.goto(f"{live_server.url}/frontdesk/keys/overdue/")
    expect(page.locator("main")).to_contain_text("Every signed-out key is within its time.")
    page.screenshot(path="/tmp/keys_back.png", full_page=True)
