"""The counter's pages: a unit's bills and the pay form, paying (double submit, kept input, stale bills),
receipts (page, PDF with the font and the amounts, 补打 on reprints, 作废 across a void), the list,
the unit page's panel and the lookup's action; scoping and query counts."""

import datetime
import re
import subprocess
import tempfile
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from billing.models import Receipt, ReceiptPrint, UnitAccount
from billing.selectors import counter as selectors
from billing.services import corrections
from billing.services.payments import receipt_print
from core.models import Role
from frontdesk.registry import unit_actions
from tests.billing.matrix_counter import pay

pytestmark = pytest.mark.django_db


@pytest.fixture
def cashier_client(client, cashier):
    client.force_login(cashier)
    return client


def _token(client, unit):
    response = client.get(reverse("billing:unit", args=[unit.pk]))
    return response.context["form"].initial["form_token"]


def _pay_data(client, unit, bills, amount, **extra):
    data = {"form_token": _token(client, unit), "bills": [b.pk for b in bills], "amount": amount,
            "method": "cash", "payer_name": "张建国", "reference": "", "note": ""}
    data.update(extra)
    return data


def _count(client, url, **params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx)


def _pdf_text(pdf: bytes):
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        fonts = subprocess.run(["pdffonts", f.name], capture_output=True, text=True, check=True).stdout
        text = subprocess.run(["pdftotext", "-layout", f.name, "-"], capture_output=True, text=True, check=True).stdout
        info = subprocess.run(["pdfinfo", f.name], capture_output=True, text=True, check=True).stdout
    return fonts, text, info


# --- the unit's counter --------------------------------------------------------------------------

def test_unit_page_lists_open_bills_oldest_first_all_ticked_with_the_total_and_the_owner(cashier_client, unit_a,
                                                                                           bills_a):
    response = cashier_client.get(reverse("billing:unit", args=[unit_a.pk]))
    assert response.status_code == 200
    assert [b.pk for b in response.context["bills"]] == [b.pk for b in bills_a]
    assert response.context["checked"] == {b.pk for b in bills_a}
    form = response.context["form"]
    assert form.initial["amount"] == Decimal("1050.00") and form.initial["payer_name"] == "张建国"
    html = response.content.decode()
    assert html.count('name="bills"') == 4 and "oldest first" in html  # the allocation rule, stated


def test_desk_sees_the_bills_but_no_pay_form(client, clerk, unit_a, bills_a):
    client.force_login(clerk)
    response = client.get(reverse("billing:unit", args=[unit_a.pk]))
    assert response.status_code == 200 and response.context["form"] is None
    assert 'name="bills"' not in response.content.decode()


def test_paying_two_bills_issues_one_receipt_and_a_double_submit_records_one_payment(cashier_client, unit_a,
                                                                                     bills_a, cashier):
    data = _pay_data(cashier_client, unit_a, bills_a[:2], "500.00")
    url = reverse("billing:pay", args=[unit_a.pk])
    first = cashier_client.post(url, data)
    receipt = Receipt.objects.get()
    assert first.status_code == 302 and first["Location"] == reverse("billing:receipt", args=[receipt.pk])
    second = cashier_client.post(url, data)
    assert second.status_code == 302 and second["Location"] == first["Location"]
    assert Receipt.objects.count() == 1
    assert (receipt.amount, receipt.cashier, receipt.payer_name) == (Decimal("500.00"), cashier, "张建国")
    assert [line.bill_id for line in receipt.lines.order_by("id")] == [bills_a[0].pk, bills_a[1].pk]
    page = cashier_client.get(first["Location"])
    assert receipt.number in page.content.decode() and "伍佰元整" in page.content.decode()


def test_a_refused_payment_keeps_what_was_typed(cashier_client, unit_a, bills_a):
    data = _pay_data(cashier_client, unit_a, bills_a[:1], "300.00", method="wechat", reference="4200001234",
                     payer_name="李四", note="代付")
    response = cashier_client.post(reverse("billing:pay", args=[unit_a.pk]), data)
    assert response.status_code == 200 and not Receipt.objects.exists()
    form = response.context["form"]
    assert "more than the chosen bills" in str(form.errors)
    html = response.content.decode()
    assert 'value="4200001234"' in html and 'value="李四"' in html and 'value="300.00"' in html
    assert response.context["checked"] == {bills_a[0].pk}  # the ticks are kept too


def test_a_non_cash_payment_needs_a_reference_and_nothing_ticked_needs_prepay(cashier_client, unit_a, bills_a):
    url = reverse("billing:pay", args=[unit_a.pk])
    response = cashier_client.post(url, _pay_data(cashier_client, unit_a, bills_a[:1], "250", method="alipay"))
    assert "reference" in response.context["form"].errors
    response = cashier_client.post(url, _pay_data(cashier_client, unit_a, [], "250"))
    assert "keep the rest as prepayment" in str(response.context["form"].non_field_errors())
    assert not Receipt.objects.exists()


def test_a_bill_paid_meanwhile_is_refused_with_a_clear_message(cashier_client, unit_a, bills_a, cashier):
    data = _pay_data(cashier_client, unit_a, bills_a[:1], "250")
    pay(unit_a, bills_a[:1], "250", cashier)  # another cashier, meanwhile
    response = cashier_client.post(reverse("billing:pay", args=[unit_a.pk]), data)
    assert response.status_code == 200 and "paid or changed meanwhile" in response.content.decode()
    assert [b.pk for b in response.context["bills"]] == [b.pk for b in bills_a[1:]]  # the list is reloaded


def test_prepayment_only_goes_to_the_balance(cashier_client, unit_a, cashier):
    response = cashier_client.post(reverse("billing:pay", args=[unit_a.pk]),
                                   _pay_data(cashier_client, unit_a, [], "600", prepay_rest="on"))
    assert response.status_code == 302
    assert UnitAccount.objects.get(unit=unit_a).balance == Decimal("600.00")
    page = cashier_client.get(reverse("billing:unit", args=[unit_a.pk]))
    assert page.context["balance"] == Decimal("600.00")


def test_the_lookup_action_leads_to_the_unit_counter(cashier_client, client, unit_a, users, rf):
    response = cashier_client.get(reverse("billing:counter"), {"unit": unit_a.pk})
    assert response["Location"] == reverse("billing:unit", args=[unit_a.pk])
    assert cashier_client.get(reverse("billing:counter")).status_code == 200
    for role, user in users.items():
        request = rf.get("/")
        request.user = user
        keys = {a.key for a in unit_actions(request)}
        assert ("billing" in keys) is (role in {Role.CASHIER, Role.ADMIN}), role


def test_foreign_units_and_receipts_are_404(client, unit_a, unit_b, bills_a, cashier, make_user, community_b):
    receipt = pay(unit_a, bills_a[:1], "250", cashier)
    client.force_login(cashier)
    assert client.get(reverse("billing:unit", args=[unit_b.pk])).status_code == 404
    assert client.get(reverse("billing:counter"), {"unit": unit_b.pk}).status_code == 404
    client.force_login(make_user(role=Role.CASHIER, communities=[community_b], username="cashier_b"))
    for name in ("billing:receipt", "billing:receipt_pdf", "billing:correction_void"):
        assert client.get(reverse(name, args=[receipt.pk])).status_code == 404, name
    assert client.post(reverse("billing:pay", args=[unit_a.pk]), {}).status_code == 404
    assert not client.get(reverse("billing:receipt_list")).context["page"].object_list


def test_unit_page_query_count_is_constant(cashier_client, unit_a, fee_items, make_bill, cashier):
    url = reverse("billing:unit", args=[unit_a.pk])
    first = make_bill(unit_a, fee_items["property"], datetime.date(2026, 1, 1), "250")
    pay(unit_a, [first], "250", cashier)
    small = _count(cashier_client, url)
    for month in range(2, 12):
        bill = make_bill(unit_a, fee_items["property"], datetime.date(2026, month, 1), "250")
        make_bill(unit_a, fee_items["parking"], datetime.date(2026, month, 1), "300")
        pay(unit_a, [bill], "100", cashier)
    assert _count(cashier_client, url) == small <= 16


# --- receipts ------------------------------------------------------------------------------------

def test_receipt_pdf_has_the_font_the_amounts_and_reprints_are_marked(cashier_client, unit_a, bills_a, cashier):
    receipt = pay(unit_a, bills_a[:2], "500.00", cashier, method="wechat", reference="4200009999")
    url = reverse("billing:receipt_pdf", args=[receipt.pk])
    response = cashier_client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    fonts, text, info = _pdf_text(response.content)
    assert "WenQuanYi" in fonts and all(" yes " in line for line in fonts.splitlines()[2:]), fonts
    assert "Pages:           1" in info and re.search(r"Page size:\s+595(\.\d+)? x 419", info), info  # one A5 page
    assert receipt.number in text and "3-2-1502" in text and "张建国" in text
    assert "¥500.00" in text and "伍佰元整" in text and "¥250.00" in text and "4200009999" in text
    assert "2026-08 物业服务费" in text and "Reprint" not in text
    _fonts, again, _info = _pdf_text(cashier_client.get(url).content)
    assert "Reprint" in again  # 补打
    assert list(ReceiptPrint.objects.filter(receipt=receipt).values_list("is_reprint", flat=True)) == [False, True]
    page = cashier_client.get(reverse("billing:receipt", args=[receipt.pk]))
    assert page.context["print_count"] == 2


def test_a_voided_receipt_prints_with_void_across_it(unit_a, bills_a, cashier, supervisor):
    receipt = pay(unit_a, bills_a[:1], "250", cashier)
    request = corrections.correction_request(kind="void", community=unit_a.community, actor=cashier,
                                             reason="收错户", receipt=receipt)
    corrections.correction_decide(correction=request, approver=supervisor, approve=True)
    _fonts, text, _info = _pdf_text(receipt_print(receipt=selectors.receipt_for_pdf(user=cashier, pk=receipt.pk),
                                                  actor=cashier))
    assert "VOID" in text and receipt.number in text


def test_receipt_pdf_is_quick_enough(unit_a, bills_a, cashier):
    """Rough guard (the real benchmark is in bench/): a warm receipt renders well under a second."""
    import time

    receipt = pay(unit_a, bills_a, "1050", cashier)
    receipt = selectors.receipt_for_pdf(user=cashier, pk=receipt.pk)
    receipt_print(receipt=receipt, actor=cashier)
    start = time.perf_counter()
    receipt_print(receipt=receipt, actor=cashier)
    assert time.perf_counter() - start < 1.0


def test_receipt_list_filters_and_query_count(cashier_client, unit_a, fee_items, make_bill, cashier, users):
    def grow(n, start):
        for month in range(start, start + n):
            bill = make_bill(unit_a, fee_items["property"], datetime.date(2025, month, 1), "250")
            pay(unit_a, [bill], "250", cashier, method="wechat" if month % 2 else "cash", reference=f"R{month}")

    grow(2, 1)
    url = reverse("billing:receipt_list")
    small = _count(cashier_client, url)
    grow(9, 3)
    assert _count(cashier_client, url) == small <= 10
    assert _count(cashier_client, url, method="wechat", cashier=cashier.pk, page=1) <= small + 1  # the cashier check
    page = cashier_client.get(url, {"method": "wechat"}).context["page"]
    assert {r.method for r in page.object_list} == {"wechat"} and len(page.object_list) == 6
    number = Receipt.objects.order_by("seq").first().number
    assert [r.number for r in cashier_client.get(url, {"q": number}).context["page"].object_list] == [number]
    other = users[Role.ADMIN]
    assert not cashier_client.get(url, {"cashier": other.pk}).context["page"].object_list
    today = Receipt.objects.first().business_date
    assert len(cashier_client.get(url, {"date_from": today, "date_to": today}).context["page"].object_list) == 11
    assert cashier_client.get(url, {"date_from": "not a date"}).status_code == 200


# --- the unit page's panel -----------------------------------------------------------------------

def test_unit_panel_shows_arrears_oldest_month_balance_and_last_receipts(client, clerk, unit_a, bills_a, cashier,
                                                                         django_assert_num_queries):
    receipts = [pay(unit_a, [b], "250", cashier) for b in bills_a[:3]]
    pay(unit_a, [], "80", cashier, prepay_rest=True)  # applied at once to the parking bill
    with django_assert_num_queries(1):
        summary = selectors.unit_summary(unit_a)
    assert summary.arrears == Decimal("220.00") and summary.open_count == 1
    assert summary.oldest_period == datetime.date(2026, 10, 1) and summary.balance == Decimal("0.00")
    assert [r.number for r in summary.receipts][1:] == [receipts[2].number, receipts[1].number]
    client.force_login(clerk)
    html = client.get(reverse("frontdesk:unit_detail", args=[unit_a.pk])).content.decode()
    assert 'id="panel-billing"' in html and "¥220.00" in html and receipts[2].number in html


def test_unit_panel_is_hidden_from_roles_without_billing(client, users, unit_a):
    client.force_login(users[Role.ENGINEER])
    assert 'id="panel-billing"' not in client.get(reverse("frontdesk:unit_detail", args=[unit_a.pk])).content.decode()
