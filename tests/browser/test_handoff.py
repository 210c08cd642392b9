"""Issue 12's hand-off in the browser: the clerk files a network opening for the owner from the unit page with
the ID copy, e-mails it to the provider (the e-mail recorded), records the provider's completion and calls the
owner back. Every step through the real pages; the database checked after each one."""

import re

import pytest
from playwright.sync_api import expect

from core.models import OutboundMessage, Role
from repairs.models import Callback, Handoff, Ticket
from tests.repairs.matrix_handoffs import PDF, network_provider

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def desk_clerk(clerk):
    clerk.language = "en"  # English source strings (the Chinese catalogue is filled in later)
    clerk.save(update_fields=["language"])
    return clerk


def test_network_opening_from_the_unit_page_to_the_callback(page, live_server, login, unit_a, desk_clerk, users):
    provider = network_provider(unit_a.community, actor=users[Role.SUPERVISOR])
    opening = provider.services.get(name="开通")

    # 1. from the unit page, the hand-off form: the providers' requirements and fees are shown
    login(page, desk_clerk)
    page.goto(f"{live_server.url}{unit_a.get_absolute_url()}")
    page.locator(f"a[href$='/repairs/handoffs/new/?unit={unit_a.pk}']").first.click()
    page.wait_for_url(re.compile(r"/repairs/handoffs/new/\?unit="))
    expect(page.locator("main")).to_contain_text("身份证复印件")
    expect(page.locator("main")).to_contain_text("复机")

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
