"""押金: the interface the renovation app calls (collect, deposits_for, refund with a deduction approved by a
supervisor, void of a deposit receipt) and the counter's pages (list, collect × N, detail, refund request)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from billing import interface
from billing.models import Correction, Deposit, DepositRefund, Receipt, Voucher
from billing.services import corrections
from core.models import Role

pytestmark = pytest.mark.django_db


def collect(community, cashier, unit=None, **kw):
    kw.setdefault("kind", "renovation")
    kw.setdefault("amount", "2000")
    kw.setdefault("method", "cash")
    return interface.deposit_collect(community=community, unit=unit, payer_name=kw.pop("payer_name", "王五"),
                                     cashier=cashier, **kw)


def decide(correction_id, approver, approve=True, note=""):
    return corrections.correction_decide(correction=Correction.objects.get(pk=correction_id), approver=approver,
                                         approve=approve, note=note)


def test_collect_writes_a_receipt_and_holds_the_deposit(unit_a, cashier):
    info = collect(unit_a.community, cashier, unit=unit_a, source_ref="renovation:12")
    assert info.state == "held" and info.amount == Decimal("2000.00") and info.refunded is None
    receipt = Receipt.objects.get(number=info.receipt_number)
    assert receipt.amount == Decimal("2000.00") and receipt.unit == unit_a
    assert [(line.kind, line.amount) for line in receipt.lines.all()] == [("deposit", Decimal("2000.00"))]
    assert interface.deposits_for(community=unit_a.community, source_ref="renovation:12") == [info]
    assert interface.deposits_for(community=unit_a.community, source_ref="renovation:13") == []


def test_collect_refuses_bad_input(unit_a, cashier):
    for kw, key in (({"amount": "0"}, "amount"), ({"kind": "bogus"}, "kind"), ({"method": "wechat"}, "reference")):
        with pytest.raises(ValidationError) as error:
            collect(unit_a.community, cashier, **kw)
        assert key in error.value.message_dict
    with pytest.raises(TypeError):
        collect(unit_a.community, cashier, amount=100.0)
    assert not Deposit.objects.exists() and not Receipt.objects.exists()


def test_refund_with_deduction_approved_by_a_supervisor(unit_a, cashier, supervisor):
    info = collect(unit_a.community, cashier, unit=unit_a, source_ref="renovation:12")
    request_id = interface.deposit_refund_request(deposit_id=info.id, actor=cashier, reason="墙面损坏修复",
                                                  deduction="300", method="cash")
    with pytest.raises(ValidationError, match="already waiting"):
        interface.deposit_refund_request(deposit_id=info.id, actor=cashier, reason="again", deduction="0",
                                         method="cash")
    with pytest.raises(ValidationError, match="someone other"):
        decide(request_id, cashier)
    decide(request_id, supervisor)
    [after] = interface.deposits_for(community=unit_a.community, source_ref="renovation:12")
    assert (after.state, after.refunded, after.deduction) == ("refunded", Decimal("1700.00"), Decimal("300.00"))
    refund = DepositRefund.objects.get()
    assert refund.voucher.kind == Voucher.Kind.REFUND and refund.voucher.amount == Decimal("1700.00")
    assert refund.deduction_reason == "墙面损坏修复" and refund.approved_by == supervisor
    with pytest.raises(ValidationError, match="not held"):
        interface.deposit_refund_request(deposit_id=info.id, actor=cashier, reason="再次申请", method="cash")
    # a refunded deposit's receipt cannot be voided any more
    c = corrections.correction_request(kind="void", community=unit_a.community, actor=cashier, reason="收错",
                                       receipt=Receipt.objects.get(number=info.receipt_number))
    with pytest.raises(ValidationError, match="refunded"):
        corrections.correction_decide(correction=c, approver=supervisor, approve=True)


def test_full_deduction_writes_no_voucher_and_rejection_keeps_it_held(unit_a, cashier, supervisor):
    info = collect(unit_a.community, cashier, amount="500")
    rejected = interface.deposit_refund_request(deposit_id=info.id, actor=cashier, reason="退押金", method="cash")
    with pytest.raises(ValidationError):
        decide(rejected, supervisor, approve=False)  # a rejection needs its reason
    decide(rejected, supervisor, approve=False, note="未验收")
    assert interface.deposits_for(community=unit_a.community, source_ref="")[0].state == "held"
    with pytest.raises(ValidationError) as error:
        interface.deposit_refund_request(deposit_id=info.id, actor=cashier, reason="扣除", deduction="600")
    assert "deduction" in error.value.message_dict
    kept = interface.deposit_refund_request(deposit_id=info.id, actor=cashier, reason="损坏公共门禁，全额扣除",
                                            deduction="500")
    decide(kept, supervisor)
    refund = DepositRefund.objects.get()
    assert refund.voucher is None and refund.refunded == 0 and refund.deduction == Decimal("500.00")


def test_void_of_a_deposit_receipt(unit_a, cashier, supervisor):
    info = collect(unit_a.community, cashier, kind="worker_pass", amount="100")
    receipt = Receipt.objects.get(number=info.receipt_number)
    c = corrections.correction_request(kind="void", community=unit_a.community, actor=cashier, reason="重复收取",
                                       receipt=receipt)
    corrections.correction_decide(correction=c, approver=supervisor, approve=True)
    [after] = interface.deposits_for(community=unit_a.community, source_ref="")
    assert after.state == "void" and after.receipt_number == receipt.number  # the number is kept
    with pytest.raises(ValidationError, match="not held"):
        interface.deposit_refund_request(deposit_id=info.id, actor=cashier, reason="退还押金", method="cash")


# --- pages -------------------------------------------------------------------------------------------------

def test_collect_page_worker_passes_times_n(client, unit_a, cashier):
    client.force_login(cashier)
    url = reverse("billing:deposit_collect")
    page = client.get(url, {"kind": "worker_pass"})
    assert page.status_code == 200 and page.context["form"].initial["amount"] == "100.00"
    token = page.context["form"].initial["form_token"]
    data = {"form_token": token, "community": unit_a.community_id, "unit": "", "payer_name": "施工队 李师傅",
            "kind": "worker_pass", "amount": "100", "count": "3", "method": "cash", "reference": "",
            "description": "出入证"}
    response = client.post(url, data)
    assert response.status_code == 302 and "state=held" in response["Location"]
    assert Deposit.objects.filter(kind="worker_pass", amount=Decimal("100.00")).count() == 3
    assert Receipt.objects.count() == 3
    # double submit of the same form → still three deposits and three receipts
    again = client.post(url, data)
    assert again.status_code == 302 and again["Location"] == response["Location"]
    assert Deposit.objects.count() == 3 and Receipt.objects.count() == 3


def test_collect_page_with_a_room_and_errors(client, unit_a, cashier):
    client.force_login(cashier)
    url = reverse("billing:deposit_collect")
    token = client.get(url).context["form"].initial["form_token"]
    data = {"form_token": token, "community": unit_a.community_id, "unit": "9-9-9999", "payer_name": "王五",
            "kind": "renovation", "amount": "2000", "count": "1", "method": "wechat", "reference": ""}
    bad = client.post(url, data)
    assert bad.status_code == 200 and "unit" in bad.context["form"].errors
    data["unit"] = unit_a.code
    bad = client.post(url, data)
    assert bad.status_code == 200 and "reference" in bad.context["form"].errors  # the service's message
    assert bad.context["form"]["payer_name"].value() == "王五"
    data["reference"] = "4200001234"
    done = client.post(url, data)
    deposit = Deposit.objects.get()
    assert done["Location"] == reverse("billing:deposit_detail", args=[deposit.pk]) and deposit.unit == unit_a
    assert client.get(done["Location"]).status_code == 200


def test_refund_page_and_detail_states(client, unit_a, cashier, supervisor):
    info = collect(unit_a.community, cashier, unit=unit_a)
    client.force_login(cashier)
    detail = reverse("billing:deposit_detail", args=[info.id])
    page = client.get(detail)
    assert page.context["deposit"].state == "held" and b"refund-form" in page.content
    url = reverse("billing:deposit_refund", args=[info.id])
    token = page.context["refund_form"].initial["form_token"]
    bad = client.post(url, {"form_token": token, "deduction": "3000", "reason": "墙面损坏", "method": "cash"})
    assert bad.status_code == 200 and "deduction" in bad.context["refund_form"].errors
    ok = client.post(url, {"form_token": token, "deduction": "200", "reason": "墙面损坏", "method": "cash"})
    assert ok.status_code == 302
    page = client.get(detail)
    assert page.context["deposit"].refund_pending and b"refund-form" not in page.content
    decide(Correction.objects.get(deposit_id=info.id).pk, supervisor)
    page = client.get(detail)
    assert page.context["deposit"].state == "refunded" and page.context["voucher"].amount == Decimal("1800.00")
    assert page.context["voucher"].number.startswith("TK")


def test_list_filters_scoping_and_query_count(client, unit_a, unit_b, cashier, users, make_user, community_b,
                                             supervisor, django_assert_max_num_queries):
    community = unit_a.community
    held = collect(community, cashier, unit=unit_a, payer_name="王五")
    passes = [collect(community, cashier, kind="worker_pass", amount="100", payer_name="李师傅") for _ in range(2)]
    c = corrections.correction_request(kind="void", community=community, actor=cashier, reason="重复收取",
                                       receipt=Receipt.objects.get(number=passes[0].receipt_number))
    corrections.correction_decide(correction=c, approver=supervisor, approve=True)
    refund = interface.deposit_refund_request(deposit_id=held.id, actor=cashier, reason="验收合格", method="cash")
    decide(refund, supervisor)
    b_cashier = make_user(role=Role.CASHIER, communities=[community_b], username="cashier_b")
    collect(community_b, b_cashier, unit=unit_b)

    client.force_login(users[Role.CLERK])
    url = reverse("billing:deposit_list")
    with django_assert_max_num_queries(12) as few:
        rows = list(client.get(url).context["page"])
    first = len(few)
    assert len(rows) == 3  # not community B's
    assert {r.state for r in rows} == {"held", "void", "refunded"}

    def ids(**params):
        return {d.pk for d in client.get(url, params).context["page"]}

    assert ids(state="held") == {passes[1].id}
    assert ids(state="void") == {passes[0].id}
    assert ids(state="refunded") == {held.id}
    assert ids(kind="worker_pass") == {p.id for p in passes}
    assert ids(unit=unit_a.code) == {held.id}
    assert ids(payer="李") == {p.id for p in passes}
    assert ids(payer=held.receipt_number) == {held.id}
    for _ in range(20):
        collect(community, cashier, kind="worker_pass", amount="100", payer_name="张师傅", unit=unit_a)
    with django_assert_max_num_queries(first):
        assert len(client.get(url).context["page"]) == 23


def test_foreign_deposit_is_404(client, unit_a, clerk_b, cashier):
    info = collect(unit_a.community, cashier)
    client.force_login(clerk_b)
    assert client.get(reverse("billing:deposit_detail", args=[info.id])).status_code == 404
