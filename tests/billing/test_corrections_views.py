"""Corrections through the pages: a void asked from the receipt and approved by a supervisor (the number
stays, marked 作废), waivers and refunds with their numbered vouchers (page and PDF), rejections that
need a note and keep what was typed, nobody approving their own request; scoping and query counts."""

import subprocess
import tempfile
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from billing import interface
from billing.models import Bill, Correction, Receipt, ReceiptVoid, UnitAccount, Voucher
from billing.services import corrections
from core.idempotency import new_token
from core.models import Role
from tests.billing.matrix_counter import pay

pytestmark = pytest.mark.django_db


def _post(client, url, **data):
    return client.post(url, {"form_token": new_token(), **data})


def _count(client, url, **params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx)


def _request(kind, unit, actor, **kw):
    return corrections.correction_request(kind=kind, community=unit.community, actor=actor,
                                          reason=kw.pop("reason", "核对有误"), **kw)


def test_void_from_the_receipt_then_the_supervisor_approves_it(client, unit_a, bills_a, cashier, supervisor):
    receipt = pay(unit_a, bills_a[:2], "500", cashier)
    client.force_login(cashier)
    url = reverse("billing:correction_void", args=[receipt.pk])
    response = _post(client, url, reason="收错户，应为 3-2-1501")
    assert response["Location"] == reverse("billing:receipt", args=[receipt.pk])
    correction = Correction.objects.get(receipt=receipt)
    assert (correction.status, correction.requested_by, correction.kind) == ("pending", cashier, "void")
    assert "waiting for approval" in client.get(response["Location"]).content.decode()
    client.force_login(supervisor)
    listing = client.get(reverse("billing:correction_list"))
    assert [row["correction"] for row in listing.context["rows"]] == [correction]
    response = _post(client, reverse("billing:correction_decide", args=[correction.pk]), decision="approve", note="")
    assert response.status_code == 302
    void = ReceiptVoid.objects.get(receipt=receipt)
    assert (void.approved_by, void.reason) == (supervisor, "收错户，应为 3-2-1501")
    assert Receipt.objects.filter(number=receipt.number).exists()  # the number stays in the sequence
    assert all(b.outstanding == b.amount for b in Bill.objects.filter(pk__in=[b.pk for b in bills_a[:2]]))
    page = client.get(reverse("billing:receipt", args=[receipt.pk])).content.decode()
    assert 'id="void-info"' in page and supervisor.display_name in page and "收错户" in page
    unit_page = client.get(reverse("billing:unit", args=[unit_a.pk]))
    assert len(unit_page.context["bills"]) == 4


def test_a_void_needs_a_reason_and_keeps_what_was_typed(client, unit_a, bills_a, cashier):
    receipt = pay(unit_a, bills_a[:1], "250", cashier)
    client.force_login(cashier)
    response = _post(client, reverse("billing:correction_void", args=[receipt.pk]), reason="x")
    assert response.status_code == 200 and "reason" in response.context["form"].errors
    assert not Correction.objects.exists()
    _request("void", unit_a, cashier, receipt=receipt)
    response = _post(client, reverse("billing:correction_void", args=[receipt.pk]), reason="重复收费")
    assert response.status_code == 200 and "already waiting" in response.content.decode()
    assert "重复收费" in response.content.decode()


def test_rejection_needs_a_note_and_keeps_the_typed_input(client, unit_a, bills_a, cashier, supervisor):
    receipt = pay(unit_a, bills_a[:1], "250", cashier)
    correction = _request("void", unit_a, cashier, receipt=receipt)
    client.force_login(supervisor)
    url = reverse("billing:correction_decide", args=[correction.pk])
    response = _post(client, url, decision="reject", note="")
    assert response.status_code == 200 and "Say why" in response.content.decode()
    correction.refresh_from_db()
    assert correction.status == "pending"
    response = _post(client, url, decision="reject", note="票据无误，不予作废")
    assert response.status_code == 302
    correction.refresh_from_db()
    assert (correction.status, correction.decision_note, correction.decided_by) == ("rejected", "票据无误，不予作废",
                                                                                   supervisor)
    assert not ReceiptVoid.objects.exists()
    again = _post(client, url, decision="approve", note="")
    assert again.status_code == 200 and "already been decided" in again.content.decode()


def test_nobody_approves_their_own_request(client, unit_a, bills_a, users):
    admin = users[Role.ADMIN]  # may both collect and approve
    receipt = pay(unit_a, bills_a[:1], "250", admin)
    correction = _request("void", unit_a, admin, receipt=receipt)
    client.force_login(admin)
    response = _post(client, reverse("billing:correction_decide", args=[correction.pk]), decision="approve",
                     note="同意")
    assert response.status_code == 200 and "other than the one who asked" in response.content.decode()
    assert 'value="approve" checked' in response.content.decode() or "同意" in response.content.decode()
    correction.refresh_from_db()
    assert correction.status == "pending"


def test_waiver_from_a_bill_gets_a_numbered_voucher_with_its_pdf(client, unit_a, bills_a, cashier, supervisor):
    client.force_login(cashier)
    url = reverse("billing:correction_waiver", args=[bills_a[0].pk])
    response = _post(client, url, amount="300", reason="业委会决议")
    assert response.status_code == 200 and "at most ¥250.00" in response.content.decode()
    assert 'value="300"' in response.content.decode() or 'value="300.00"' in response.content.decode()
    assert _post(client, url, amount="50", reason="业委会决议").status_code == 302
    correction = Correction.objects.get(kind="waiver")
    client.force_login(supervisor)
    _post(client, reverse("billing:correction_decide", args=[correction.pk]), decision="approve", note="同意")
    voucher = Voucher.objects.get()
    assert voucher.kind == "waiver" and voucher.number.startswith("JM") and voucher.amount == Decimal("50.00")
    bill = Bill.objects.get(pk=bills_a[0].pk)
    assert (bill.waived, bill.outstanding) == (Decimal("50.00"), Decimal("200.00"))
    page = client.get(reverse("billing:voucher", args=[voucher.pk]))
    assert voucher.number in page.content.decode() and "伍拾元整" in page.content.decode()
    pdf = client.get(reverse("billing:voucher_pdf", args=[voucher.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf.content)
        f.flush()
        fonts = subprocess.run(["pdffonts", f.name], capture_output=True, text=True, check=True).stdout
        text = subprocess.run(["pdftotext", "-layout", f.name, "-"], capture_output=True, text=True).stdout
    assert "WenQuanYi" in fonts and all(" yes " in line for line in fonts.splitlines()[2:])
    assert voucher.number in text and "¥50.00" in text and "伍拾元整" in text and "业委会决议" in text
    assert "Waiver voucher" in text  # 减免单


def test_refund_of_the_prepaid_balance(client, unit_a, cashier, supervisor):
    pay(unit_a, [], "300", cashier, prepay_rest=True)
    client.force_login(cashier)
    url = reverse("billing:correction_refund", args=[unit_a.pk])
    response = _post(client, url, amount="400", method="transfer", reference="6222 0001", reason="业主搬离")
    assert response.status_code == 200 and "at most ¥300.00" in response.content.decode()
    assert "6222 0001" in response.content.decode()
    assert _post(client, url, amount="300", method="transfer", reference="6222 0001", reason="业主搬离").status_code == 302
    correction = Correction.objects.get(kind="refund")
    client.force_login(supervisor)
    _post(client, reverse("billing:correction_decide", args=[correction.pk]), decision="approve", note="")
    voucher = Voucher.objects.get()
    assert voucher.kind == "refund" and voucher.number.startswith("TK") and voucher.reference == "6222 0001"
    assert UnitAccount.objects.get(unit=unit_a).balance == 0


def test_the_approval_list_shows_every_kind_pending_first(client, unit_a, bills_a, cashier, supervisor):
    receipt = pay(unit_a, bills_a[:1], "250", cashier)
    deposit = interface.deposit_collect(community=unit_a.community, unit=unit_a, kind="renovation", amount="2000",
                                        payer_name="张建国", method="cash", cashier=cashier)
    interface.deposit_refund_request(deposit_id=deposit.id, actor=cashier, reason="装修验收合格", deduction="100",
                                     method="cash")
    void = _request("void", unit_a, cashier, receipt=receipt)
    done = _request("waiver", unit_a, cashier, bill=bills_a[1], amount="10")
    corrections.correction_decide(correction=done, approver=supervisor, approve=False, note="不符合条件")
    client.force_login(supervisor)
    response = client.get(reverse("billing:correction_list"))
    kinds = [row["correction"].kind for row in response.context["rows"]]
    assert kinds == ["deposit_refund", "void"] and void.pk in [r["correction"].pk for r in response.context["rows"]]
    assert [c.pk for c in response.context["decided"]] == [done.pk]
    html = response.content.decode()
    assert "deduction" in html and "¥1,900.00" in html


def test_correction_lists_query_counts_are_constant(client, unit_a, fee_items, make_bill, cashier, supervisor):
    import datetime

    def grow(n, start):
        for month in range(start, start + n):
            bill = make_bill(unit_a, fee_items["property"], datetime.date(2025, month, 1), "250")
            receipt = pay(unit_a, [bill], "250", cashier)
            _request("void", unit_a, cashier, receipt=receipt)
            waiver = _request("waiver", unit_a, cashier, bill=bill, amount="5")
            corrections.correction_decide(correction=waiver, approver=supervisor, approve=True)

    grow(1, 1)
    client.force_login(supervisor)
    urls = [reverse("billing:correction_list"), reverse("billing:correction_history")]
    small = [_count(client, url) for url in urls]
    grow(6, 2)
    assert [_count(client, url) for url in urls] == small and max(small) <= 10


def test_foreign_corrections_and_vouchers_are_404(client, unit_a, bills_a, cashier, supervisor, make_user,
                                                 community_b):
    waiver = _request("waiver", unit_a, cashier, bill=bills_a[0], amount="10")
    corrections.correction_decide(correction=waiver, approver=supervisor, approve=True)
    client.force_login(make_user(role=Role.SUPERVISOR, communities=[community_b], username="sup_b"))
    assert client.get(reverse("billing:correction_detail", args=[waiver.pk])).status_code == 404
    assert client.get(reverse("billing:voucher", args=[waiver.voucher.pk])).status_code == 404
    assert client.get(reverse("billing:correction_waiver", args=[bills_a[0].pk])).status_code == 403  # no collect
    assert not client.get(reverse("billing:correction_history")).context["page"].object_list


def test_the_cashier_sees_the_status_of_their_own_requests(client, unit_a, fee_items, make_bill, bills_a,
                                                           cashier, supervisor, make_user, community_a):
    """Issue 15, 1.3: the cashier who asks for a void sees what became of it (status, decided by whom, when):
    their own requests only, in their communities, in a constant number of queries."""
    import datetime

    other = make_user(role=Role.CASHIER, communities=[community_a], username="cashier2")
    mine = _request("void", unit_a, cashier, receipt=pay(unit_a, bills_a[:1], "250", cashier), reason="收错户")
    corrections.correction_decide(correction=mine, approver=supervisor, approve=True, note="同意")
    waiting = _request("waiver", unit_a, cashier, bill=bills_a[1], amount="10", reason="漏水减免")
    theirs = _request("waiver", unit_a, other, bill=bills_a[2], amount="5", reason="别人的申请")
    client.force_login(cashier)
    url = reverse("billing:correction_mine")
    response = client.get(url)
    assert response.status_code == 200
    assert [c.pk for c in response.context["page"].object_list] == [waiting.pk, mine.pk]
    html = response.content.decode()
    mine.refresh_from_db()
    assert f'id="my-correction-{mine.pk}"' in html and supervisor.display_name in html
    assert mine.get_status_display() in html and waiting.get_status_display() in html
    from django.utils import timezone as tz
    assert tz.localtime(mine.decided_at).strftime("%Y-%m-%d %H:%M") in html
    assert theirs.reason not in html
    # a supervisor cannot open it (no collect); the other cashier sees only their own
    client.force_login(supervisor)
    assert client.get(url).status_code == 403
    client.force_login(other)
    assert [c.pk for c in client.get(url).context["page"].object_list] == [theirs.pk]
    # constant queries as the list grows
    client.force_login(cashier)
    small = _count(client, url)
    for month in range(1, 6):
        bill = make_bill(unit_a, fee_items["property"], datetime.date(2025, month, 1), "250")
        c = _request("void", unit_a, cashier, receipt=pay(unit_a, [bill], "250", cashier))
        corrections.correction_decide(correction=c, approver=supervisor, approve=month % 2 == 0, note="核实")
    assert _count(client, url) == small


def test_approving_a_money_correction_asks_once(client, unit_a, bills_a, cashier, supervisor):
    """Issue 15, 1.14: the approve button carries the question the browser asks (static/js/confirm.js)."""
    receipt = pay(unit_a, bills_a[:1], "250", cashier)
    _request("void", unit_a, cashier, receipt=receipt)
    _request("waiver", unit_a, cashier, bill=bills_a[1], amount="10")
    client.force_login(supervisor)
    html = client.get(reverse("billing:correction_list")).content.decode()
    assert f'data-confirm="Void receipt {receipt.number} ¥250.00?"' in html
    assert 'data-confirm="Waive ¥10.00?"' in html
    assert html.count('value="approve" data-confirm=') == 2 and "js/app.js" in html  # its one data-confirm listener
