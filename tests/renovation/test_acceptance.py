"""Final acceptance (fail → rectification → pass) and the one deposit ledger: received → deductions → refund
through billing (approved there), reconciled with billing's own figures; the case closes only when the
deposit is settled and every registered close-out check is clear."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from billing import interface as billing
from billing.models import Correction, Deposit, DepositRefund
from billing.services.corrections import correction_decide
from core.models import Role
from renovation.hooks import register_closeout_check, unregister_closeout_check
from renovation.models import Acceptance, DepositRefundRequest, Renovation, RenovationStatusChange
from renovation.selectors.ledger import ledger_for, source_ref
from renovation.services import acceptance, ledger, rounds
from tests.renovation.helpers_rounds import active_site

pytestmark = pytest.mark.django_db
S = Renovation.Status
TOMORROW = timezone.localdate() + datetime.timedelta(days=1)


def _accepted(site, users, *, deductions=()):
    """Violations with approved deductions, then acceptance asked for and passed."""
    for amount in deductions:
        violation = rounds.violation_record(renovation=site, category="rubbish", description="楼道垃圾",
                                            deadline=TOMORROW, deduction=amount, deduction_reason="清理费",
                                            actor=users[Role.CLERK])
        rounds.deduction_decide(deduction=violation.deduction, approve=True, actor=users[Role.MANAGER])
    acceptance.acceptance_request(renovation=site, actor=users[Role.CLERK])
    acceptance.acceptance_record(renovation=site, result="pass", actor=users[Role.ENGINEER])
    return Renovation.objects.get(pk=site.pk)


def _approve_in_billing(site, users):
    for row in DepositRefundRequest.objects.filter(renovation=site):
        correction_decide(correction=Correction.objects.get(pk=row.request_id), approver=users[Role.SUPERVISOR],
                          approve=True)


def test_acceptance_fails_back_to_renovation_then_passes(client, users, community_a):
    site = active_site(community_a, users)
    client.force_login(users[Role.CLERK])
    assert client.post(reverse("renovation:acceptance_request", args=[site.pk])).status_code == 302
    site.refresh_from_db()
    assert site.status == S.ACCEPTANCE
    client.force_login(users[Role.ENGINEER])
    record = reverse("renovation:acceptance_record", args=[site.pk])
    response = client.post(record, {"result": "fail", "items": ""})
    assert response.status_code == 200 and "items" in response.context["form"].errors
    assert client.post(record, {"result": "fail", "items": "卫生间防水重做\n阳台门框修补"}).status_code == 302
    site.refresh_from_db()
    assert site.status == S.IN_PROGRESS
    moves = list(RenovationStatusChange.objects.filter(renovation=site).values_list("from_status", "to_status"))
    assert moves[-3:] == [(S.IN_PROGRESS, S.ACCEPTANCE), (S.ACCEPTANCE, S.ACCEPTANCE_FAILED),
                          (S.ACCEPTANCE_FAILED, S.IN_PROGRESS)]
    assert RenovationStatusChange.objects.filter(renovation=site, to_status=S.ACCEPTANCE_FAILED,
                                                 reason__contains="卫生间防水重做").exists()
    # a second engineer acting on the same acceptance: told who won
    response = client.post(record, {"result": "pass"})
    assert response.status_code == 200 and "already recorded" in response.content.decode()
    # rectified: asked again, passed
    client.force_login(users[Role.CLERK])
    client.post(reverse("renovation:acceptance_request", args=[site.pk]))
    client.force_login(users[Role.ENGINEER])
    assert client.post(record, {"result": "pass", "note": "复验合格"}).status_code == 302
    site.refresh_from_db()
    assert site.status == S.ACCEPTED
    assert list(Acceptance.objects.filter(renovation=site).values_list("result", flat=True)) == ["fail", "pass"]
    page = client.get(reverse("renovation:acceptance", args=[site.pk])).content.decode()
    assert "阳台门框修补" in page


def test_only_the_engineer_records_acceptance(client, users, community_a):
    site = active_site(community_a, users)
    acceptance.acceptance_request(renovation=site, actor=users[Role.CLERK])
    client.force_login(users[Role.CLERK])
    assert client.post(reverse("renovation:acceptance_record", args=[site.pk]), {"result": "pass"}).status_code == 403
    with pytest.raises(ValidationError):
        acceptance.acceptance_request(renovation=site, actor=users[Role.CLERK])  # already waiting


def test_ledger_reconciled_with_billing(client, users, community_a, django_assert_max_num_queries):
    site = active_site(community_a, users, deposit="3000.00")
    site = _accepted(site, users, deductions=["200", "150.50"])
    client.force_login(users[Role.CASHIER])
    url = reverse("renovation:ledger", args=[site.pk])
    with django_assert_max_num_queries(14):
        response = client.get(url)
    book = response.context["ledger"]
    assert book.received_total == Decimal("3000.00") and book.deduction_total == Decimal("350.50")
    assert book.refund_due == Decimal("2649.50") and not book.settled
    receipt = Deposit.objects.get(source_ref=source_ref(site)).receipt.number
    assert receipt in response.content.decode()
    # the refund asked of billing: the deductions kept back
    response = client.post(reverse("renovation:ledger_refund", args=[site.pk]), {"method": "cash"})
    assert response.status_code == 302
    request = DepositRefundRequest.objects.get()
    correction = Correction.objects.get(pk=request.request_id)
    assert correction.kind == "deposit_refund" and correction.deduction == Decimal("350.50")
    assert "after acceptance; deductions: Rubbish left in common areas 200.00" in correction.reason  # one sentence
    assert correction.amount == Decimal("2649.50") and correction.status == "pending"
    assert "pending" in [r.info.status for r in ledger_for(site).requests]
    # asked twice: refused (billing's pending request)
    with pytest.raises(ValidationError):
        ledger.ledger_refund_request(renovation=site, method="cash", actor=users[Role.CASHIER])
    # not closed before billing approves
    with pytest.raises(ValidationError, match="not settled"):
        ledger.renovation_close(renovation=site, actor=users[Role.CLERK])
    _approve_in_billing(site, users)
    book = ledger_for(site)
    info = billing.deposits_for(community=community_a, source_ref=source_ref(site))[0]
    refund = DepositRefund.objects.get(deposit_id=info.id)
    # billing's own figures = the ledger's
    assert info.state == "refunded" and book.settled and book.reconciled
    assert refund.refunded == book.refund_due == book.refunded_total == Decimal("2649.50")
    assert refund.deduction == book.deduction_total == book.kept_total == Decimal("350.50")
    assert book.received_total == refund.refunded + refund.deduction == info.amount
    client.force_login(users[Role.CLERK])
    assert client.post(reverse("renovation:ledger_close", args=[site.pk])).status_code == 302
    site.refresh_from_db()
    assert site.status == S.CLOSED


def test_refund_waits_for_every_proposed_deduction(users, community_a):
    site = active_site(community_a, users)
    rounds.violation_record(renovation=site, category="rubbish", description="垃圾", deadline=TOMORROW,
                            deduction="100", deduction_reason="清理费", actor=users[Role.CLERK])
    site = _accepted(site, users)
    with pytest.raises(ValidationError, match="proposed deduction"):
        ledger.ledger_refund_request(renovation=site, method="cash", actor=users[Role.CASHIER])


def test_no_refund_before_acceptance(users, community_a):
    site = active_site(community_a, users)
    with pytest.raises(ValidationError, match="after the acceptance"):
        ledger.ledger_refund_request(renovation=site, method="cash", actor=users[Role.CASHIER])


def test_closeout_checks_of_other_areas_block_closing(client, users, community_a):
    site = _accepted(active_site(community_a, users), users)
    ledger.ledger_refund_request(renovation=site, method="cash", actor=users[Role.CASHIER])
    _approve_in_billing(site, users)
    register_closeout_check("test-passes", lambda renovation: ["2 worker passes are still out."])
    try:
        client.force_login(users[Role.CLERK])
        response = client.post(reverse("renovation:ledger_close", args=[site.pk]), follow=True)
        assert "2 worker passes are still out." in response.content.decode()
        site.refresh_from_db()
        assert site.status == S.ACCEPTED
    finally:
        unregister_closeout_check("test-passes")
    ledger.renovation_close(renovation=site, actor=users[Role.CLERK])
    site.refresh_from_db()
    assert site.status == S.CLOSED


def test_acceptance_queue_in_few_queries(client, users, community_a, django_assert_max_num_queries):
    for _n in range(3):
        acceptance.acceptance_request(renovation=active_site(community_a, users), actor=users[Role.CLERK])
    _accepted(active_site(community_a, users), users)
    client.force_login(users[Role.ENGINEER])
    with django_assert_max_num_queries(10):
        response = client.get(reverse("renovation:acceptance_list"))
    rows = list(response.context["page"])
    assert [r.status for r in rows] == [S.ACCEPTANCE] * 3 + [S.ACCEPTED]
    assert client.get(reverse("renovation:acceptance_list"), {"status": "\x00", "q": "x" * 900}).status_code == 200
