"""Issue 4's browser test: the cashier finds the unit with the lookup and its "Take payment" action, pays
two of its four bills, prints the receipt (the PDF has the Chinese font embedded and the right amounts)
and asks for a void with a reason; the supervisor approves the void; the collection rate, which showed
the payment, no longer counts it, and the unit's bills are outstanding again with the receipt 作废."""

import re
import subprocess
import tempfile
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from billing.models import Bill, Correction, Receipt, ReceiptPrint, ReceiptVoid
from billing.selectors.collection import collection_report
from core.models import Role
from tests.billing.conftest import bills_a, fee_items, make_bill  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db(transaction=True)


def _english(user):
    user.language = "en"  # English source strings (the Chinese catalogue is filled in later)
    user.save(update_fields=["language"])
    return user


@pytest.fixture
def cashier(users):
    return _english(users[Role.CASHIER])


@pytest.fixture
def supervisor(users):
    return _english(users[Role.SUPERVISOR])


def _half_rate(unit):
    rate = collection_report(community_ids=[unit.community_id]).total.half.current_rate
    return "—" if rate is None else f"{rate}%"


def _pdf(content: bytes):
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(content)
        f.flush()
        fonts = subprocess.run(["pdffonts", f.name], capture_output=True, text=True, check=True).stdout
        text = subprocess.run(["pdftotext", "-layout", f.name, "-"], capture_output=True, text=True, check=True).stdout
    return fonts, text


def test_pay_two_bills_print_void_and_the_collection_rate(page, browser, live_server, login, unit_a, bills_a,  # noqa: F811
                                                          cashier, supervisor):
    aug, sep, oct_, parking = bills_a
    # 1. the cashier finds the room and takes the lookup's "Take payment" action
    login(page, cashier)
    box = page.locator("#lookup-box")
    box.press_sequentially("3-2-1502", delay=10)
    action = page.locator("#lookup-results a.unit-action", has_text="Take payment")
    action.click()
    page.wait_for_url(f"{live_server.url}/billing/units/{unit_a.pk}/")
    expect(page.locator("#id_amount")).to_have_value("1050.00")
    expect(page.locator("#id_payer_name")).to_have_value("张建国")
    expect(page.locator("#allocation-rule")).to_contain_text("oldest first")

    # 2. pays the two oldest bills: unticking the others updates the total and the amount
    page.locator(f"input.bill-box[value='{oct_.pk}']").uncheck()
    page.locator(f"input.bill-box[value='{parking.pk}']").uncheck()
    expect(page.locator("#due-total")).to_have_text("¥500.00")
    expect(page.locator("#id_amount")).to_have_value("500.00")
    page.locator("#id_method").select_option("wechat")
    page.fill("#id_reference", "4200001111")
    page.screenshot(path="/tmp/billing_counter.png", full_page=True)
    page.locator("#pay-button").dblclick()  # a double-click records one payment
    page.wait_for_url(re.compile(r"/billing/receipts/\d+/$"))
    receipt = Receipt.objects.get()
    assert receipt.amount == Decimal("500.00") and receipt.cashier == cashier and receipt.reference == "4200001111"
    assert sorted(receipt.lines.values_list("bill_id", flat=True)) == sorted([aug.pk, sep.pk])
    expect(page.locator("#receipt-title")).to_contain_text(receipt.number)
    expect(page.locator("#receipt-total")).to_have_text("¥500.00")
    paid_rate = _half_rate(unit_a)
    assert paid_rate not in ("—", "0.0%")

    # 3. prints it: the one-click "print" link serves the PDF (fetched with the page's session)
    href = page.locator("#print-receipt").get_attribute("href")
    response = page.context.request.get(f"{live_server.url}{href}")
    assert response.ok and response.headers["content-type"] == "application/pdf"
    fonts, text = _pdf(response.body())
    assert "WenQuanYi" in fonts and all(" yes " in line for line in fonts.splitlines()[2:]), fonts
    assert receipt.number in text and "¥500.00" in text and "伍佰元整" in text and "¥250.00" in text
    assert ReceiptPrint.objects.filter(receipt=receipt, is_reprint=False).count() == 1

    # 4. the collection rate shows the payment
    page.goto(f"{live_server.url}/billing/collection/")
    expect(page.locator("#rate-half")).to_have_text(paid_rate)

    # 5. the cashier asks for the void, with a reason
    page.goto(f"{live_server.url}/billing/receipts/{receipt.pk}/")
    page.get_by_role("link", name="Request void").click()
    page.fill("#id_reason", "收错户，应收 3-2-1501")
    page.get_by_role("button", name="Send for approval").click()
    page.wait_for_url(re.compile(rf"/billing/receipts/{receipt.pk}/$"))
    correction = Correction.objects.get(receipt=receipt)
    assert correction.status == "pending"

    # 6. the supervisor approves it from the approval list
    other = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 800})
    sup = other.new_page()
    sup.set_default_timeout(5_000)
    login(sup, supervisor)
    sup.goto(f"{live_server.url}/billing/corrections/")
    row = sup.locator(f"#correction-{correction.pk}")
    expect(row).to_contain_text("收错户")
    row.locator("input[name=note]").fill("核实无误，同意作废")
    # approving asks once, naming the receipt and its amount (issue 15, 1.14); "Cancel" sends nothing
    asked = []
    sup.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    row.get_by_role("button", name="Approve").click()
    expect(row).to_be_visible()
    assert asked == [f"Void receipt {receipt.number} ¥{receipt.amount:,.2f}?"]
    correction.refresh_from_db()
    assert correction.status == "pending"
    sup.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    row.get_by_role("button", name="Approve").click()
    sup.wait_for_url(re.compile(r"/billing/corrections/$"))
    assert len(asked) == 2
    void = ReceiptVoid.objects.get(receipt=receipt)
    assert (void.approved_by, void.reason) == (supervisor, "收错户，应收 3-2-1501")
    sup.goto(f"{live_server.url}/billing/receipts/{receipt.pk}/")
    expect(sup.locator("#receipt-status")).to_have_text("Void")
    expect(sup.locator("#void-info")).to_contain_text(supervisor.display_name)

    # 7. the collection rate no longer counts the voided payment; the bills are outstanding again
    voided_rate = _half_rate(unit_a)
    assert voided_rate != paid_rate
    sup.goto(f"{live_server.url}/billing/collection/")
    expect(sup.locator("#rate-half")).to_have_text(voided_rate)
    assert [b.outstanding for b in Bill.objects.filter(pk__in=[aug.pk, sep.pk])] == [Decimal("250.00")] * 2
    sup.goto(f"{live_server.url}/billing/units/{unit_a.pk}/")
    expect(sup.locator("#open-bills tr.bill-row")).to_have_count(4)
    expect(sup.locator("#unit-receipts")).to_contain_text("Void")
    sup.screenshot(path="/tmp/billing_voided.png", full_page=True)
    other.close()
