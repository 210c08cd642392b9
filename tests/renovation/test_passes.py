"""装修人员出入证: the validity never beyond the permit (the database refuses it), the deposit and card fee
through billing, issue against the lead's signature, return (refund asked of billing) and lost (deposit
kept), the guard's check page, the card PDF, masking and the private files, bad input, double submit,
query counts."""

import datetime
import io
import subprocess
import tempfile
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from billing import interface as billing
from billing.models import Correction, Receipt
from core.models import Role, SensitiveDataAccess
from renovation.demo import demo_photo
from renovation.models import WorkerPass, WorkerPassStatusChange
from renovation.selectors import passes as selectors
from renovation.services import passes as services

from .helpers import WORKERS, active_renovation, issued, register

pytestmark = pytest.mark.django_db
S = WorkerPass.Status


# -- validity within the permit ---------------------------------------------------------------------------------

def test_the_database_refuses_a_pass_beyond_the_permit(renovation, clerk):
    worker_pass = register(renovation, clerk)
    later = renovation.permit_valid_to + datetime.timedelta(days=1)
    with pytest.raises(IntegrityError, match="beyond the permit"), transaction.atomic():
        WorkerPass.objects.filter(pk=worker_pass.pk).update(valid_to=later)
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkerPass.objects.create(
            renovation=renovation, community=renovation.community, year=2026, seq=999, number="RY202600999",
            name="x", id_number=WORKERS[1][1], phone="13800138000", trade="plumber", photo="a.jpg", id_copy="b.jpg",
            valid_from=timezone.localdate(), valid_to=later, status_changed_at=timezone.now(), created_by=clerk,
            created_at=timezone.now())
    # nor may the permit's end move before a live pass's end
    with pytest.raises(IntegrityError, match="before a live worker pass"), transaction.atomic():
        type(renovation).objects.filter(pk=renovation.pk).update(
            permit_valid_to=renovation.permit_valid_to - datetime.timedelta(days=2))
    worker_pass.refresh_from_db()
    assert worker_pass.valid_to == renovation.permit_valid_to


def test_the_service_says_so_at_the_field(renovation, clerk):
    with pytest.raises(ValidationError) as error:
        register(renovation, clerk, valid_to=renovation.permit_valid_to + datetime.timedelta(days=1))
    assert "beyond the permit" in error.value.message_dict["valid_to"][0]
    with pytest.raises(ValidationError) as error:
        register(renovation, clerk, valid_from=timezone.localdate() - datetime.timedelta(days=1))
    assert "valid_from" in error.value.message_dict
    assert not WorkerPass.objects.exists()


def test_no_pass_without_an_active_permit(unit_a, clerk):
    renovation = active_renovation(unit_a, clerk)
    type(renovation).objects.filter(pk=renovation.pk).update(status="acceptance_failed")
    renovation.refresh_from_db()
    register(renovation, clerk)  # still on site (rectification)
    type(renovation).objects.filter(pk=renovation.pk).update(status="accepted")
    renovation.refresh_from_db()
    with pytest.raises(ValidationError, match="in force"):
        register(renovation, clerk, worker=1)


def test_bad_input_is_refused_field_by_field(renovation, clerk):
    gif = io.BytesIO(b"GIF89a" + b"\0" * 20)
    gif.name = "x.gif"
    gif.size = 26
    with pytest.raises(ValidationError) as error:
        services.pass_create(renovation=renovation, name=" ", id_number="110101198001010011", phone="12345",
                             trade="astronaut", photo=gif, id_copy=None, valid_from=timezone.localdate(),
                             valid_to=renovation.permit_valid_to, actor=clerk)
    assert set(error.value.message_dict) == {"name", "id_number", "phone", "trade", "photo", "id_copy"}
    register(renovation, clerk)
    with pytest.raises(ValidationError, match="already has a pass"):
        register(renovation, clerk)


# -- paid through billing, issued, returned, lost ---------------------------------------------------------------

def test_deposit_and_card_fee_are_paid_through_billing_before_issue(renovation, clerk, cashier):
    first, second = register(renovation, clerk), register(renovation, clerk, worker=1)
    with pytest.raises(ValidationError, match="issued or changed"):
        services.passes_issue(renovation=renovation, pass_ids=[first.pk], received_by="周建华", actor=clerk)
    services.passes_pay(renovation=renovation, pass_ids=[first.pk, second.pk], payer_name="周建华", method="cash",
                        cashier=cashier)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == second.status == S.PAID
    # billing's own figures: two deposits of 100 held (one receipt each), the card fees' bills paid on one receipt
    for p in (first, second):
        [deposit] = billing.deposits_for(community=renovation.community, source_ref=f"worker-pass:{p.pk}")
        assert (deposit.id, deposit.amount, deposit.state, deposit.kind) == (p.deposit_id, Decimal("100.00"), "held",
                                                                             "worker_pass")
        assert deposit.receipt_number == p.deposit_receipt
    assert first.fee_receipt == second.fee_receipt
    assert Receipt.objects.get(number=first.fee_receipt).amount == Decimal("10.00")
    assert billing.charges_outstanding(community=renovation.community,
                                       refs=[f"worker-pass:{first.pk}", f"worker-pass:{second.pk}"]) == {
        f"worker-pass:{first.pk}": Decimal("0.00"), f"worker-pass:{second.pk}": Decimal("0.00")}
    # paying again is refused, nothing written twice
    with pytest.raises(ValidationError, match="paid or changed"):
        services.passes_pay(renovation=renovation, pass_ids=[first.pk], payer_name="周建华", method="cash",
                            cashier=cashier)
    assert Receipt.objects.count() == 3
    # the lead signs for the cards
    with pytest.raises(ValidationError) as error:
        services.passes_issue(renovation=renovation, pass_ids=[first.pk], received_by=" ", actor=clerk)
    assert "received_by" in error.value.message_dict
    services.passes_issue(renovation=renovation, pass_ids=[first.pk, second.pk], received_by="周建华", actor=clerk)
    first.refresh_from_db()
    assert (first.status, first.received_by, first.issued_by) == (S.ISSUED, "周建华", clerk)
    assert [c.to_status for c in first.status_changes.all()] == [S.AWAITING_PAYMENT, S.PAID, S.ISSUED]


def test_issue_checks_billing_not_only_the_pass(renovation, clerk, cashier):
    """A paid pass whose deposit receipt billing no longer shows as held (e.g. voided) is not issued."""
    worker_pass = register(renovation, clerk)
    services.passes_pay(renovation=renovation, pass_ids=[worker_pass.pk], payer_name="周建华", method="cash",
                        cashier=cashier)
    worker_pass.refresh_from_db()
    WorkerPass.objects.filter(pk=worker_pass.pk).update(deposit_id=worker_pass.deposit_id + 1000)
    with pytest.raises(ValidationError, match="Billing does not show"):
        services.passes_issue(renovation=renovation, pass_ids=[worker_pass.pk], received_by="周建华", actor=clerk)


def test_the_case_does_not_close_while_a_pass_is_out(renovation, clerk, cashier):
    from renovation.hooks import closeout_problems

    worker_pass, other = issued(renovation, clerk, cashier, workers=(0, 1))
    problems = closeout_problems(renovation)
    assert len(problems) == 1 and worker_pass.number in problems[0] and other.number in problems[0]
    services.pass_return(worker_pass=worker_pass, note="完工交回", actor=clerk)
    services.pass_lost(worker_pass=other, note="遗失", actor=clerk)
    assert closeout_problems(renovation) == []


def test_passes_ending_within_three_days_are_reminded_once(unit_a, clerk, cashier):
    from core.models import Notification
    from renovation.services.reminders import reminders_sweep

    ending = active_renovation(unit_a, clerk, days=2)
    issued(ending, clerk, cashier, workers=(0, 1))
    reminders_sweep()
    reminders_sweep()
    titles = list(Notification.objects.filter(user=clerk).values_list("title", flat=True))
    assert sum("2 worker passes of" in t and unit_a.code in t for t in titles) == 1, titles


def test_returned_card_asks_billing_for_the_refund(renovation, clerk, cashier):
    [worker_pass] = issued(renovation, clerk, cashier)
    services.pass_return(worker_pass=worker_pass, note="完工交回", actor=clerk)
    worker_pass.refresh_from_db()
    assert worker_pass.status == S.RETURNED and worker_pass.refund_request_id
    correction = Correction.objects.get(pk=worker_pass.refund_request_id)
    assert (correction.kind, correction.deposit_id, correction.deduction) == ("deposit_refund", worker_pass.deposit_id,
                                                                              Decimal("0.00"))
    with pytest.raises(ValidationError, match="cannot be done any more"):
        services.pass_lost(worker_pass=worker_pass, note="x", actor=clerk)


def test_lost_card_is_revoked_and_its_deposit_kept(renovation, clerk, cashier, guard, client):
    [worker_pass] = issued(renovation, clerk, cashier)
    with pytest.raises(ValidationError) as error:
        services.pass_lost(worker_pass=worker_pass, note="", actor=clerk)
    assert "reason" in error.value.message_dict
    services.pass_lost(worker_pass=worker_pass, note="遗失", actor=clerk)
    worker_pass.refresh_from_db()
    assert worker_pass.status == S.LOST and worker_pass.deposit_kept
    correction = Correction.objects.get(pk=worker_pass.refund_request_id)
    assert correction.deduction == Decimal("100.00")
    client.force_login(guard)
    assert client.get(reverse("renovation:gate_check", args=[worker_pass.token])).context["state"] == "revoked"


def test_passes_still_out_when_the_renovation_ends(renovation, clerk, cashier, client):
    first, second = issued(renovation, clerk, cashier, workers=(0, 1))
    services.pass_return(worker_pass=second, actor=clerk)
    type(renovation).objects.filter(pk=renovation.pk).update(status="accepted")
    renovation.refresh_from_db()
    assert selectors.passes_out(renovation) == [first]
    client.force_login(clerk)
    page = client.get(reverse("renovation:pass_list"), {"out": "1"}).context["page"]
    assert [p.pk for p in page] == [first.pk]


def test_transition_table_refuses_every_other_move(renovation, clerk):
    worker_pass = register(renovation, clerk)
    for status in S.values:
        allowed = WorkerPass.TRANSITIONS[status]
        for to in set(S.values) - allowed:
            worker_pass.status = status
            with pytest.raises(ValidationError):
                services.pass_set_status(worker_pass=worker_pass, to=to, actor=clerk, reason="x")
    assert WorkerPassStatusChange.objects.filter(worker_pass__pk=worker_pass.pk).count() == 1


# -- the guard's page --------------------------------------------------------------------------------------------

def test_gate_check_states_and_photo(renovation, clerk, cashier, guard, client, make_user, community_b):
    [worker_pass] = issued(renovation, clerk, cashier)
    url = reverse("renovation:gate_check", args=[worker_pass.token])
    client.force_login(guard)
    response = client.get(url)
    assert response.status_code == 200 and response.context["state"] == "valid"
    html = response.content.decode()
    assert reverse("renovation:gate_photo", args=[worker_pass.token]) in html and worker_pass.id_number not in html
    assert worker_pass.phone not in html
    assert client.get(reverse("renovation:gate_photo", args=[worker_pass.token])).status_code == 200
    # by the printed number
    found = client.get(reverse("renovation:gate_home"), {"number": worker_pass.number.lower()})
    assert found.status_code == 302 and found["Location"] == url
    # expired once the day is past
    today = timezone.localdate()
    assert selectors.gate_state(worker_pass, today + datetime.timedelta(days=400)) == "expired"
    assert selectors.gate_state(worker_pass, worker_pass.valid_from - datetime.timedelta(days=1)) == "not_yet"
    # the guard sees nothing else
    assert client.get(reverse("renovation:pass_list")).status_code == 403
    assert client.get(reverse("renovation:pass_detail", args=[worker_pass.pk])).status_code == 403
    # a guard of another community: 404, for the page and the photo; an unknown token: 404
    client.force_login(make_user(role=Role.GUARD, communities=[community_b], username="guard_b"))
    assert client.get(url).status_code == 404
    assert client.get(reverse("renovation:gate_photo", args=[worker_pass.token])).status_code == 404
    assert client.get(reverse("renovation:gate_home"), {"number": worker_pass.number}).status_code == 200
    client.force_login(guard)
    assert client.get(reverse("renovation:gate_check", args=["x" * 32])).status_code == 404


def test_gate_check_query_count(renovation, clerk, cashier, guard, client, django_assert_max_num_queries):
    [worker_pass] = issued(renovation, clerk, cashier)
    client.force_login(guard)
    url = reverse("renovation:gate_check", args=[worker_pass.token])
    client.get(url)
    with django_assert_max_num_queries(8):
        assert client.get(url).status_code == 200


# -- the card PDF, private files, masking ------------------------------------------------------------------------

def _pdf(content: bytes) -> tuple[str, str, int]:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(content)
        f.flush()
        fonts = subprocess.run(["pdffonts", f.name], capture_output=True, text=True, check=True).stdout
        text = subprocess.run(["pdftotext", "-layout", f.name, "-"], capture_output=True, text=True, check=True).stdout
        info = subprocess.run(["pdfinfo", f.name], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    return fonts, text, pages


def test_card_pdf_has_the_number_the_font_and_several_per_sheet(renovation, clerk, cashier, client):
    passes = issued(renovation, clerk, cashier, workers=(0, 1, 2))
    client.force_login(clerk)
    response = client.get(reverse("renovation:pass_cards", args=[renovation.pk]))
    assert response["Content-Type"] == "application/pdf"
    fonts, text, pages = _pdf(response.content)
    assert pages == 1 and "WenQuanYi" in fonts
    assert all(p.number in text for p in passes) and renovation.unit.code in text
    assert passes[0].id_number not in text and passes[0].phone not in text
    one = client.get(reverse("renovation:pass_cards", args=[renovation.pk]), {"pass": str(passes[0].pk)})
    _fonts, text, _pages = _pdf(one.content)
    assert passes[0].number in text and passes[1].number not in text


def test_id_copy_is_private_scoped_and_logged(renovation, clerk, cashier, client, clerk_b, settings):
    [worker_pass] = issued(renovation, clerk, cashier)
    client.force_login(clerk)
    response = client.get(reverse("renovation:pass_id_copy", args=[worker_pass.pk]))
    assert response.status_code == 200
    log = SensitiveDataAccess.objects.get(record_type="renovation.workerpass", record_id=worker_pass.pk)
    assert log.user == clerk and log.field == "id_copy"
    client.force_login(cashier)
    assert client.get(reverse("renovation:pass_id_copy", args=[worker_pass.pk])).status_code == 403
    client.force_login(clerk_b)
    assert client.get(reverse("renovation:pass_id_copy", args=[worker_pass.pk])).status_code == 404
    assert client.get(reverse("renovation:pass_photo", args=[worker_pass.pk])).status_code == 404
    client.force_login(clerk)
    assert client.get(settings.MEDIA_URL + worker_pass.id_copy.name).status_code == 404


def test_pass_page_masks_the_id_number_and_phone(renovation, clerk, cashier, client):
    [worker_pass] = issued(renovation, clerk, cashier)
    client.force_login(cashier)
    html = client.get(reverse("renovation:pass_detail", args=[worker_pass.pk])).content.decode()
    assert worker_pass.id_number not in html and worker_pass.phone not in html
    assert "110101********0010" in html and "138****8001" in html


# -- the pages: bad input, double submit, query counts -----------------------------------------------------------

def _form(client, url):
    page = client.get(url)
    return page.context["form"].initial["form_token"]


def test_pass_form_keeps_what_was_typed_and_double_submit_makes_one(renovation, clerk, client):
    client.force_login(clerk)
    url = reverse("renovation:pass_create", args=[renovation.pk])
    token = _form(client, url)
    data = {"name": "李建军", "id_number": "110101198001010011", "phone": "13800138001", "trade": "electrician",
            "valid_from": timezone.localdate().isoformat(), "valid_to": renovation.permit_valid_to.isoformat(),
            "form_token": token}
    response = client.post(url, {**data, "photo": demo_photo(), "id_copy": demo_photo("id.jpg")})
    assert response.status_code == 400
    assert "check digit" in str(response.context["form"].errors["id_number"]) and "李建军" in response.content.decode()
    data["id_number"] = WORKERS[0][1]
    late = (renovation.permit_valid_to + datetime.timedelta(days=3)).isoformat()
    response = client.post(url, {**data, "valid_to": late, "photo": demo_photo(), "id_copy": demo_photo("id.jpg")})
    assert response.status_code == 400 and "beyond the permit" in str(response.context["form"].errors["valid_to"])
    first = client.post(url, {**data, "photo": demo_photo(), "id_copy": demo_photo("id.jpg")})
    again = client.post(url, {**data, "photo": demo_photo(), "id_copy": demo_photo("id.jpg")})
    assert first.status_code == again.status_code == 302 and again["Location"] == first["Location"]
    assert WorkerPass.objects.count() == 1


def test_pay_and_issue_pages(renovation, clerk, cashier, client):
    passes = [register(renovation, clerk), register(renovation, clerk, worker=1)]
    client.force_login(cashier)
    url = reverse("renovation:passes_pay", args=[renovation.pk])
    token = client.get(url).context["form"].initial["form_token"]
    data = {"passes": [str(p.pk) for p in passes], "payer_name": "周建华", "method": "cash", "form_token": token}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302  # the repeat goes where the first went
    assert Receipt.objects.count() == 3
    client.force_login(clerk)
    url = reverse("renovation:passes_issue", args=[renovation.pk])
    form = client.get(url).context["form"]
    assert form.initial["received_by"] == renovation.lead_name
    data = {"passes": [str(p.pk) for p in passes], "received_by": "周建华", "form_token": form.initial["form_token"]}
    assert client.post(url, data).status_code == 200  # the signature box is not ticked
    assert client.post(url, {**data, "signed": "on"}).status_code == 302
    assert set(WorkerPass.objects.values_list("status", flat=True)) == {S.ISSUED}


def test_list_and_renovation_page_query_counts(renovation, clerk, cashier, client, django_assert_max_num_queries):
    issued(renovation, clerk, cashier, workers=(0, 1, 2))
    client.force_login(clerk)
    for url, params in ((reverse("renovation:pass_list"), {}), (reverse("renovation:pass_list"), {"status": "issued",
                                                                                                   "q": "李"}),
                        (reverse("renovation:renovation_passes", args=[renovation.pk]), {})):
        client.get(url, params)
        with django_assert_max_num_queries(10):
            assert client.get(url, params).status_code == 200


def test_list_ignores_junk_parameters(renovation, clerk, client):
    client.force_login(clerk)
    response = client.get(reverse("renovation:pass_list"), {"status": "bogus\x00", "community": "1e9999",
                                                            "q": "x" * 5000, "page": "-1"})
    assert response.status_code == 200


def test_a_card_fee_billed_by_a_run_and_paid_at_the_counter_is_not_taken_twice(renovation, clerk, cashier):
    from billing.models import Bill
    from billing.services.payments import pay_at_counter

    worker_pass = register(renovation, clerk)
    [bill] = [b for b in billing.charges_to_bills(community=renovation.community, actor=cashier)
              if b.source_ref == f"worker-pass:{worker_pass.pk}"]
    worker_pass.refresh_from_db()
    assert worker_pass.fee_bill == bill.reference and bill.amount == Decimal("5.00")
    assert billing.charges_to_bills(community=renovation.community, actor=cashier) == []  # billed once
    pay_at_counter(community=renovation.community, unit=renovation.unit, bill_ids=[bill.pk], amount="5",
                   method="cash", payer_name="周建华", cashier=cashier)
    services.passes_pay(renovation=renovation, pass_ids=[worker_pass.pk], payer_name="周建华", method="cash",
                        cashier=cashier)
    worker_pass.refresh_from_db()
    assert worker_pass.status == S.PAID and worker_pass.fee_receipt == "" and worker_pass.deposit_receipt
    assert Bill.objects.get(pk=bill.pk).outstanding == 0 and Receipt.objects.count() == 2
    services.passes_issue(renovation=renovation, pass_ids=[worker_pass.pk], received_by="周建华", actor=clerk)
