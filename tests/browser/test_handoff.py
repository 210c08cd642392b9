"""Issue 12's hand-off in the browser: the clerk files a network opening for the owner from the unit page with
the ID copy, e-mails it to the provider (the e-mail recorded), records the provider's completion and calls the
owner back. Every step through the real pages; the database checked after each one."""

import json
import re
import subprocess

import pytest
from playwright.sync_api import expect

from core.models import OutboundMessage, Role
from repairs.models import Callback, Handoff, Ticket
from tests.browser.test_accessibility import AXE, JAVA, RUN_AXE, VNU, WCAG_AA
from tests.repairs.matrix_handoffs import PDF, network_provider

pytestmark = pytest.mark.django_db(transaction=True)

# axe on the page's own content (the navigation bar is every page's, checked by test_accessibility.py)
RUN_AXE_ON_MAIN = RUN_AXE.replace("axe.run(document,", "axe.run(document.querySelector('main'),")


@pytest.fixture
def desk_clerk(clerk):
    clerk.language = "en"  # English source strings (the Chinese catalogue is filled in later)
    clerk.save(update_fields=["language"])
    return clerk


def _checked(page, label, found, html_dir):
    """axe (WCAG 2.1 AA) on the page as shown; its HTML kept for the Nu checker."""
    page.wait_for_load_state("load")
    page.wait_for_function("() => !document.querySelector('.htmx-request')")
    found += [(label, v["id"], v["nodes"][:2]) for v in page.evaluate(RUN_AXE_ON_MAIN, WCAG_AA)]
    (html_dir / f"{len(list(html_dir.iterdir())):02d}.html").write_text(page.content())


def test_network_opening_from_the_unit_page_to_the_callback(page, live_server, login, unit_a, desk_clerk, users,
                                                            tmp_path):
    provider = network_provider(unit_a.community, actor=users[Role.SUPERVISOR])
    opening = provider.services.get(name="开通")
    page.add_init_script(path=str(AXE))
    found, html_dir = [], tmp_path / "html"
    html_dir.mkdir()

    # 1. from the unit page, the hand-off form: the providers' requirements and fees are shown
    login(page, desk_clerk)
    page.goto(f"{live_server.url}{unit_a.get_absolute_url()}")
    page.locator(f"a[href$='/repairs/handoffs/new/?unit={unit_a.pk}']").first.click()
    page.wait_for_url(re.compile(r"/repairs/handoffs/new/\?unit="))
    expect(page.locator("main")).to_contain_text("身份证复印件")
    expect(page.locator("main")).to_contain_text("复机")
    _checked(page, "hand-off form", found, html_dir)

    # 2. files a network opening for the owner with the ID copy
    page.locator("#id_service").select_option(str(opening.pk))
    page.locator("#id_owner").select_option(label="张建国")
    page.fill("#id_details", "包月 180 元，100M")
    page.locator("#id_id_copy").set_input_files(files=[{"name": "身份证.pdf", "mimeType": "application/pdf",
                                                        "buffer": PDF}])
    page.get_by_role("button", name="File the hand-off").click()
    page.wait_for_url(re.compile(r"/repairs/tickets/\d+/$"))
    ticket = Ticket.objects.get(unit=unit_a, kind="handoff")
    handoff = Handoff.objects.get(ticket=ticket)
    assert (ticket.status, handoff.service, handoff.applicant.name, handoff.fee) == ("new", opening, "张建国", 300)
    assert ticket.clocks.filter(kind="forward", met_at__isnull=True).exists()
    expect(page.locator("#handoff-card")).to_contain_text("网通")
    _checked(page, "hand-off ticket", found, html_dir)

    # 3. e-mails it to the provider: recorded on the hand-off, the clock met
    page.get_by_role("button", name=re.compile("E-mail to kaihu@wangtong")).click()
    page.wait_for_url(re.compile(rf"/repairs/tickets/{ticket.pk}/$"))
    expect(page.locator("h1")).to_contain_text("Forwarded to the provider")
    handoff.refresh_from_db()
    message = OutboundMessage.objects.get(pk=handoff.forward_message_id)
    assert message.recipient == "kaihu@wangtong.example.com" and message.attachments.count() == 2
    assert ticket.clocks.get(kind="forward").met_at is not None
    expect(page.locator("#handoff-forwarded")).not_to_contain_text("not yet")

    # 4. records the provider's completion: the callback opens
    page.get_by_role("link", name="Record the provider's answer").click()
    page.wait_for_url(re.compile(rf"/repairs/handoffs/{ticket.pk}/reply/$"))
    _checked(page, "provider's answer", found, html_dir)
    page.fill("#id_reply", "12-08 已开通，账号 0571-8888")
    page.get_by_role("button", name="Record and complete").click()
    page.wait_for_url(re.compile(rf"/repairs/tickets/{ticket.pk}/$"))
    expect(page.locator("#handoff-reply")).to_contain_text("已开通")
    ticket.refresh_from_db()
    callback = Callback.objects.get(ticket=ticket)
    assert ticket.status == "completed" and callback.status == "pending"

    # 5. calls the owner back: satisfied
    page.locator(f"a[href$='/repairs/callbacks/{callback.pk}/']").first.click()
    page.wait_for_url(re.compile(rf"/repairs/callbacks/{callback.pk}/$"))
    form = page.locator("#result-form")
    form.locator("input[name=satisfaction][value='5']").check()
    form.get_by_role("button", name="Record the result").click()
    page.wait_for_load_state()
    callback.refresh_from_db()
    ticket.refresh_from_db()
    assert (callback.status, callback.satisfaction, ticket.status) == ("done", 5, "callback_done")
    page.screenshot(path="/tmp/handoff_callback_done.png", full_page=True)
    assert found == [], found
    vnu = subprocess.run([JAVA, "-jar", str(VNU), "--errors-only", "--format", "json", "--exit-zero-always",
                          str(html_dir)], capture_output=True, text=True, timeout=300)
    assert json.loads(vnu.stderr or vnu.stdout)["messages"] == []


def test_the_supervisor_sets_up_a_provider_with_its_fees(page, live_server, login, community_a, users, tmp_path):
    supervisor = users[Role.SUPERVISOR]
    supervisor.language = "en"
    supervisor.save(update_fields=["language"])
    page.add_init_script(path=str(AXE))
    found, html_dir = [], tmp_path / "html"
    html_dir.mkdir()
    login(page, supervisor)
    page.goto(f"{live_server.url}/repairs/handoffs/providers/")
    _checked(page, "providers (none)", found, html_dir)
    page.get_by_role("link", name="Add a provider").click()
    _checked(page, "new provider", found, html_dir)
    page.fill("#id_name", "港华燃气")
    page.locator("#id_service").select_option("gas")
    page.fill("#id_email", "kaihu@ganghua.example.com")
    page.fill("#id_requirements", "业主身份证复印件；房产证复印件")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/repairs/handoffs/providers/\?community="))
    page.get_by_role("link", name="Add a request type").click()
    page.fill("#id_name", "开户")
    page.fill("#id_amount", "200")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/repairs/handoffs/providers/\?community="))
    expect(page.locator("main")).to_contain_text("开户")
    expect(page.locator("main")).to_contain_text("200.00")
    _checked(page, "providers", found, html_dir)
    service = community_a.handoff_providers.get(name="港华燃气").services.get()
    assert service.fees.get().amount == 200
    assert found == [], found
    vnu = subprocess.run([JAVA, "-jar", str(VNU), "--errors-only", "--format", "json", "--exit-zero-always",
                          str(html_dir)], capture_output=True, text=True, timeout=300)
    assert json.loads(vnu.stderr or vnu.stdout)["messages"] == []
