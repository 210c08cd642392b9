"""装修延期 and 增加项目: the transition table, engineering review then manager approval (nobody decides their
own application), the fee through billing, the permit's valid-to moved with its history row, every issued
pass re-issued (the old one revoked and kept, never edited), the archived PDF of additional works, the
pages (bad input, double submit, two people at once) and the lists' query counts."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from billing import interface as billing
from billing.models import Receipt
from renovation.models import PermitValidityChange, RenovationRequest, WorkerPass
from renovation.selectors.passes import gate_state
from renovation.services import requests as services

from .helpers import issued, register

pytestmark = pytest.mark.django_db
S, K = RenovationRequest.Status, RenovationRequest.Kind


def extension(renovation, clerk, days=30):
    return services.request_file(renovation=renovation, kind=K.EXTENSION, applicant_kind="lead",
                                 applicant_name="周建华", reason="材料延误",
                                 new_end=renovation.permit_valid_to + datetime.timedelta(days=days), actor=clerk)


def works(renovation, clerk, items=("wall_opening", "security_door")):
    return services.request_file(renovation=renovation, kind=K.WORKS, applicant_kind="owner", applicant_name="张建国",
                                 reason="加装防盗门", items=list(items), details="入户门", actor=clerk)


def test_extension_reissues_every_issued_pass_and_revokes_the_old(renovation, clerk, cashier, engineer, manager):
    old_end = renovation.permit_valid_to
    first, second = issued(renovation, clerk, cashier, workers=(0, 1))
    waiting = register(renovation, clerk, worker=2)
    req = extension(renovation, clerk)
    services.request_review(request=req, passed=True, comments="同意", conditions="", actor=engineer)
    req = services.request_approve(request=req, decision="approve", comments="同意", actor=manager)
    assert req.status == S.APPROVED
    renovation.refresh_from_db()
    assert renovation.permit_valid_to == req.new_end
    change = PermitValidityChange.objects.get(request=req)
    assert (change.old_valid_to, change.new_valid_to, change.actor) == (old_end, req.new_end, manager)
    for old in (first, second):
        before = (old.number, old.token, old.valid_to)
        old.refresh_from_db()
        assert old.status == WorkerPass.Status.REVOKED and (old.number, old.token, old.valid_to) == before
        new = old.replaced_by
        assert new.status == WorkerPass.Status.ISSUED and new.valid_to == req.new_end
        assert new.number != old.number and new.token != old.token and new.deposit_id == old.deposit_id
        assert gate_state(old) == "revoked" and gate_state(new) == "valid"
    waiting.refresh_from_db()
    assert waiting.status == WorkerPass.Status.AWAITING_PAYMENT and waiting.valid_to == old_end
    assert [c.to_status for c in req.status_changes.all()] == [S.ENGINEERING, S.MANAGER, S.APPROVED]
    # the deposit is still one per worker in billing
    deposits = billing.deposits_for(community=renovation.community, source_ref=f"worker-pass:{first.pk}")
    assert len(deposits) == 1 and deposits[0].state == "held"


def test_extension_with_a_fee_applies_once_paid_through_billing(renovation, clerk, cashier, engineer, manager):
    issued(renovation, clerk, cashier)
    req = extension(renovation, clerk)
    services.request_review(request=req, passed=True, comments="", actor=engineer)
    req = services.request_approve(request=req, decision="approve", fee="200", actor=manager)
    assert req.status == S.PAYMENT
    renovation.refresh_from_db()
    assert renovation.permit_valid_to == req.old_end
    req = services.request_fee_pay(request=req, payer_name="周建华", method="cash", cashier=cashier)
    assert req.status == S.APPROVED and Receipt.objects.get(number=req.fee_receipt).amount == Decimal("200.00")
    assert billing.charges_outstanding(community=renovation.community,
                                       refs=[f"renovation-request:{req.pk}"])[f"renovation-request:{req.pk}"] == 0
    renovation.refresh_from_db()
    assert renovation.permit_valid_to == req.new_end
    with pytest.raises(ValidationError, match="already moved"):
        services.request_fee_pay(request=req, payer_name="周建华", method="cash", cashier=cashier)


def test_nobody_decides_their_own_application_and_reasons_are_required(renovation, clerk, engineer, manager):
    req = extension(renovation, manager)
    with pytest.raises(ValidationError, match="filed"):
        services.request_review(request=req, passed=True, comments="", actor=manager)
    services.request_review(request=req, passed=True, comments="", actor=engineer)
    with pytest.raises(ValidationError, match="filed"):
        services.request_approve(request=req, decision="approve", actor=manager)
    with pytest.raises(ValidationError):
        services.request_approve(request=req, decision="reject", comments="", actor=engineer)


def test_second_reviewer_is_told_who_won(renovation, clerk, engineer, make_user, community_a):
    from core.models import Role

    other = make_user(role=Role.ENGINEER, communities=[community_a], username="engineer2")
    req = extension(renovation, clerk)
    services.request_review(request=req, passed=True, comments="", actor=engineer)
    with pytest.raises(ValidationError, match="already moved") as error:
        services.request_review(request=req, passed=False, comments="no", actor=other)
    assert engineer.display_name in str(error.value)


def test_one_open_extension_and_dates_checked(renovation, clerk):
    with pytest.raises(ValidationError) as error:
        extension(renovation, clerk, days=0)
    assert "new_end" in error.value.message_dict
    extension(renovation, clerk)
    with pytest.raises(ValidationError, match="already has an open extension"):
        extension(renovation, clerk, days=40)


def test_transition_table_refuses_every_other_move(renovation, clerk):
    req = extension(renovation, clerk)
    for status in S.values:
        for to in set(S.values) - RenovationRequest.TRANSITIONS[status]:
            req.status = status
            with pytest.raises(ValidationError):
                services.request_set_status(request=req, to=to, actor=clerk, reason="x")


def test_additional_works_reviewed_approved_and_archived(renovation, clerk, engineer, manager, client):
    with pytest.raises(ValidationError) as error:
        works(renovation, clerk, items=["bogus"])
    assert "items" in error.value.message_dict
    req = works(renovation, clerk)
    services.request_review(request=req, passed=True, comments="不得破坏承重墙", conditions="8:00-18:00",
                            actor=engineer)
    services.request_approve(request=req, decision="return", comments="补充图纸", actor=manager)
    req.refresh_from_db()
    assert req.status == S.ENGINEERING and not req.archive
    services.request_review(request=req, passed=True, comments="图纸已补", conditions="8:00-18:00", actor=engineer)
    req = services.request_approve(request=req, decision="approve", actor=manager)
    assert req.status == S.APPROVED and req.archive.name.endswith(".pdf")
    client.force_login(clerk)
    response = client.get(reverse("renovation:request_archive", args=[req.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    page = client.get(reverse("renovation:renovation_passes", args=[renovation.pk])).content.decode()
    assert req.number in page and reverse("renovation:request_archive", args=[req.pk]) in page


def test_request_pages_bad_input_and_double_submit(renovation, clerk, engineer, client):
    client.force_login(clerk)
    url = reverse("renovation:extension_create", args=[renovation.pk])
    token = client.get(url).context["form"].initial["form_token"]
    bad = {"applicant_kind": "tenant", "applicant_name": "周建华", "reason": "延期", "form_token": token,
           "new_end": renovation.permit_valid_to.isoformat()}
    response = client.post(url, bad)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "applicant_kind" in errors and "new_end" in errors and "周建华" in response.content.decode()
    good = {**bad, "applicant_kind": "lead",
            "new_end": (renovation.permit_valid_to + datetime.timedelta(days=10)).isoformat()}
    first, again = client.post(url, good), client.post(url, good)
    assert first.status_code == again.status_code == 302 and first["Location"] == again["Location"]
    assert RenovationRequest.objects.count() == 1
    req = RenovationRequest.objects.get()
    client.force_login(engineer)
    review = reverse("renovation:request_review", args=[req.pk])
    response = client.post(review, {"decision": "reject", "comments": "", "form_token": "t-1"})
    assert response.status_code == 400 and "comments" in response.context["review_form"].errors
    assert client.post(review, {"decision": "pass", "comments": "", "form_token": "t-2"}).status_code == 302
    response = client.post(review, {"decision": "pass", "comments": "", "form_token": "t-3"})
    assert response.status_code == 400 and "already moved" in str(response.context["review_form"].non_field_errors())


def test_lists_query_counts(renovation, clerk, client, django_assert_max_num_queries):
    extension(renovation, clerk)
    works(renovation, clerk)
    works(renovation, clerk, items=["drilling"])
    client.force_login(clerk)
    for name in ("renovation:extension_list", "renovation:works_list"):
        for params in ({}, {"status": "open", "q": "周"}, {"status": "\x00", "community": "x"}):
            client.get(reverse(name), params)
            with django_assert_max_num_queries(10):
                assert client.get(reverse(name), params).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("renovation:request_detail",
                                  args=[RenovationRequest.objects.first().pk])).status_code == 200
