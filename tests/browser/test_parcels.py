"""Parcels in a real browser: a courier's delivery of three parcels typed with the keyboard only (Enter moves to
the next field and row, each room resolved as it is typed, Ctrl+Enter saves), then a pick-up by code with the
collector's signature drawn on the pad."""

import re

import pytest
from playwright.sync_api import expect

from frontdesk.models import Parcel
from tests.frontdesk.matrix_parcels import make_unit

pytestmark = pytest.mark.django_db(transaction=True)


def test_batch_arrival_by_keyboard_then_pickup_by_code(page, live_server, login, unit_a, clerk, community_a):
    make_unit(community_a, building="5", number="801", owner_phone="13900008888")
    make_unit(community_a, building="5", number="802", owner_phone="13900009999")
    login(page, clerk)
    page.goto(f"{live_server.url}/frontdesk/parcels/batch/")
    first = page.locator("#id_row-0-tracking_no")
    expect(first).to_be_focused()
    page.select_option("#id_carrier", "zto")
    first.focus()
    rows = [("ZT7000000001", "3-2-1502", "A1"), ("ZT7000000002", "5-1-801", "A2"), ("ZT7000000003", "5-1-802", "B1")]
    for index, (tracking, room, shelf) in enumerate(rows):
        page.keyboard.type(tracking)
        page.keyboard.press("Enter")  # a scanner ends with Enter: on to the room
        expect(page.locator(f"#id_row-{index}-room")).to_be_focused()
        page.keyboard.type(room, delay=20)
        hint = page.locator("[data-batch-row]").nth(index).locator("[data-resolve-target]")
        expect(hint).to_contain_text("✓")  # resolved as it was typed, as in the lookup
        page.keyboard.press("Enter")
        expect(page.locator(f"#id_row-{index}-size")).to_be_focused()
        page.keyboard.press("Enter")
        expect(page.locator(f"#id_row-{index}-shelf")).to_be_focused()
        page.keyboard.type(shelf)
        page.keyboard.press("Enter")  # the next row
        expect(page.locator(f"#id_row-{index + 1}-tracking_no")).to_be_focused()
    page.keyboard.press("Control+Enter")
    page.wait_for_url(re.compile(r"/frontdesk/parcels/\?status=waiting"))
    expect(page.locator("#parcel-table tbody tr")).to_have_count(3)
    assert sorted(Parcel.objects.values_list("tracking_no", "shelf", "carrier")) == [
        ("ZT7000000001", "A1", "zto"), ("ZT7000000002", "A2", "zto"), ("ZT7000000003", "B1", "zto")]

    parcel = Parcel.objects.get(tracking_no="ZT7000000002")
    page.goto(f"{live_server.url}/frontdesk/parcels/pickup/")
    page.locator("#pickup-code").fill(parcel.pickup_code)
    page.keyboard.press("Enter")
    expect(page.locator("#pickup-form")).to_contain_text("ZT7000000002")
    expect(page.locator("#pickup-form tbody tr")).to_have_count(1)
    pad = page.locator("canvas[data-signature-pad]")
    box = pad.bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + 40)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(box["x"] + 20 + step * 25, box["y"] + 40 + (step % 3) * 20)
    page.mouse.up()
    page.locator("#pickup-form button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text("1")
    parcel.refresh_from_db()
    assert parcel.status == Parcel.Status.PICKED_UP and parcel.handed_over_by == clerk
    assert parcel.signature.startswith("data:image/png;base64,")
    assert Parcel.objects.filter(status=Parcel.Status.WAITING).count() == 2
    page.goto(f"{live_server.url}{parcel.get_absolute_url()}")
    expect(page.locator("img.signature-image")).to_be_visible()
