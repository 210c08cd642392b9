"""Issue 13's browser test: a manager on a phone (390×844) logs in → the daily summary shows the exceptions first
→ the overdue item opens its list → back on the summary, the archive → yesterday's PDF opens, with the Chinese
font embedded. The figures come from a summary section the test registers (the apps' own sections are tested
with their apps); yesterday is frozen through the freeze service."""

import datetime
import re
import subprocess
import tempfile
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from core.models import Role
from frontdesk.services.summary import summary_freeze
from tests.browser.conftest import PASSWORD
from tests.frontdesk.summary_fixtures import apps_sections_set_aside_fixture, fake_section_fixture  # noqa: F401 (the fixtures)

pytestmark = pytest.mark.django_db(transaction=True)


def _pdf(content: bytes):
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(content)
        f.flush()
        fonts = subprocess.run(["pdffonts", f.name], capture_output=True, text=True, check=True).stdout
        text = subprocess.run(["pdftotext", "-layout", f.name, "-"], capture_output=True, text=True, check=True).stdout
    return fonts, text


def test_a_manager_reads_the_summary_on_a_phone_and_opens_yesterdays_pdf(browser, live_server, users, community_a,
                                                                         fake_section):
    manager = users[Role.MANAGER]
    manager.language = "en"
    manager.save(update_fields=["language"])
    today = timezone.localdate()
    yesterday = today - datetime.timedelta(days=1)
    fake_section.overdue_url = reverse("repairs:board")
    fake_section.set(community_a, yesterday, overdue=1, opened=4, collected=Decimal("820.00"))
    summary_freeze(community=community_a, day=yesterday)
    fake_section.set(community_a, today, overdue=3, opened=6, collected=Decimal("1500.00"), paid=90, due=100,
                     complaints=3, noise=2, cleaning=1)

    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 390, "height": 844},
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(8_000)
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", manager.username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_selector("nav.navbar")

    page.goto(f"{live_server.url}{reverse('frontdesk:summary')}")
    # exceptions first: above every section, large and red
    exceptions = page.locator("#summary-exceptions")
    expect(exceptions.locator(".summary-exception")).to_have_count(1)
    expect(exceptions).to_contain_text("Overdue tickets")
    expect(exceptions).to_contain_text("3")
    first_box, section_box = exceptions.bounding_box(), page.locator("#summary-test").bounding_box()
    assert first_box["y"] < section_box["y"]
    assert first_box["width"] <= 390  # one column on the phone
    # the comparison with yesterday (frozen): more overdue tickets is worse, shown red with an up arrow
    overdue = page.locator('.summary-figure[data-key="test.overdue"] .summary-comparison').first
    expect(overdue).to_have_attribute("data-arrow", "up")
    expect(overdue).to_have_attribute("data-tone", "bad")
    expect(page.locator("#chart-trend")).to_be_visible()
    expect(page.locator("#chart-complaints")).to_be_visible()
    page.screenshot(path="/tmp/summary_phone.png", full_page=True)

    # the exception opens its list
    exceptions.locator("a.summary-exception").click()
    page.wait_for_url(re.compile(r"/repairs/$"))
    expect(page.locator("h1").first).to_be_visible()

    # the archive: yesterday's PDF opens, with the Chinese font embedded
    page.goto(f"{live_server.url}{reverse('frontdesk:summary_archive')}")
    row = page.locator("#archive-table tbody tr").first
    expect(row).to_contain_text(yesterday.strftime("%Y-%m-%d"))
    href = row.locator("a.summary-pdf").get_attribute("href")
    response = page.context.request.get(f"{live_server.url}{href}")
    assert response.ok and response.headers["content-type"] == "application/pdf"
    fonts, text = _pdf(response.body())
    assert "WenQuanYi" in fonts and all(" yes " in line for line in fonts.splitlines()[2:]), fonts
    assert "翠湖花园" in text and yesterday.strftime("%Y-%m-%d") in text and "Overdue tickets" in text
    assert "¥820.00" in text
    assert not [e for e in errors if "Content Security Policy" in e], errors
    context.close()
