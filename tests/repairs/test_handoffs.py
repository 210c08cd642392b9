"""Utility hand-offs 代办开通: the identity rule, the 2-day forwarding clock, the e-mail with the PDF, the fee
collected on behalf through billing, the providers' fees, double submit, the scoped ID copy, query counts."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core.models import Notification, OutboundMessage, Role, SensitiveDataAccess
from core.notifications import outbound_deliver
from frontdesk.models import Occupancy, TenantAuthorization
from repairs.models import Callback, Clock, Handoff, Ticket
from repairs.services import handoffs
from repairs.services.escalation import clock_breach, clock_warn, sweep
from tests.factories import OccupancyFactory, PersonFactory
from tests.repairs.matrix_handoffs import PDF, file_handoff, id_copy, network_provider, owner_of

S = Ticket.Status


@pytest.fixture
def supervisor(users):
    return users[Role.SUPERVISOR]


@pytest.fixture
def provider(community_a, supervisor):
    return network_provider(community_a, actor=supervisor)


@pytest.fixture
def tenancy(unit_a):
    return OccupancyFactory(unit=unit_a, kind=Occupancy.Kind.TENANT, share=None,
                            person=PersonFactory(community=unit_a.community, name="李租客", phone="13900001111"))


def authorise(tenancy, scopes=("services",), **fields):
    today = timezone.localdate()
    fields.setdefault("valid_from", today - datetime.timedelta(days=30))
    fields.setdefault("valid_to", today + datetime.timedelta(days=300))
    return TenantAuthorization.objects.create(community=tenancy.community, tenancy=tenancy, owner=owner_of(tenancy.unit),
                                              scopes=list(scopes), document_ref="委托书 2026-11", **fields)


# ---- the identity rule ----

def test_the_owner_files_a_network_opening(unit_a, clerk, provider):
    ticket = file_handoff(unit_a, actor=clerk, details="包月 180 元")
    handoff = ticket.handoff
    assert ticket.kind == Ticket.Kind.HANDOFF and ticket.number.startswith("DB-") and ticket.status == S.NEW
    assert handoff.applicant == owner_of(unit_a) and handoff.owner == handoff.applicant
    assert handoff.fee == Decimal("300.00") and handoff.id_copy_type == "application/pdf"
    assert not handoff.id_copy.name.endswith("身份证.pdf")  # never the uploaded name on disk
    assert ticket.contact_name == "张建国"


def test_a_tenant_without_the_owners_authorisation_is_refused_with_a_message(unit_a, clerk, provider, tenancy):
    with pytest.raises(ValidationError) as refused:
        file_handoff(unit_a, actor=clerk, applicant_kind="tenant", tenant_authorization=None)
    assert refused.value.message_dict["tenant_authorization"] == [
        "Choose the owner's written authorisation of the tenant."]
    renovation_only = authorise(tenancy, scopes=("renovation",))
    with pytest.raises(ValidationError) as refused:
        file_handoff(unit_a, actor=clerk, applicant_kind="tenant", tenant_authorization=renovation_only)
    assert refused.value.message_dict["tenant_authorization"] == [
        "The owner did not authorise this tenant to apply for services."]
    assert not Ticket.objects.exists()


def test_a_tenant_with_the_owners_authorisation_files(unit_a, clerk, provider, tenancy):
    authorization = authorise(tenancy)
    ticket = file_handoff(unit_a, actor=clerk, applicant_kind="tenant", tenant_authorization=authorization)
    assert ticket.handoff.applicant == tenancy.person and ticket.handoff.owner == owner_of(unit_a)
    assert ticket.handoff.tenant_authorization == authorization


def test_someone_who_is_not_the_owner_is_refused(unit_a, unit_b, clerk, provider):
    with pytest.raises(ValidationError) as refused:
        file_handoff(unit_a, actor=clerk, owner=owner_of(unit_b))
    assert "owner" in refused.value.message_dict


def test_the_id_copy_must_be_a_pdf_jpeg_or_png(unit_a, clerk, provider):
    service = provider.services.get(name="开通")
    with pytest.raises(ValidationError) as refused:
        handoffs.handoff_file(unit=unit_a, provider=provider, service=service, applicant_kind="owner",
                              owner=owner_of(unit_a), id_copy=id_copy("id.pdf", b"MZ\x90\x00 not a pdf"), actor=clerk)
    assert refused.value.message_dict["id_copy"] == ["Only PDF, JPEG or PNG files are accepted."]


# ---- fees: the network request types, dated, collected on behalf through billing ----

def test_network_request_types_have_their_fees_and_a_new_fee_is_dated(unit_a, clerk, supervisor, provider):
    fees = {s.name: handoffs.fee_on(s, timezone.localdate()) for s in provider.services.all()}
    assert fees == {"开通": Decimal("300.00"), "资费变更": Decimal("0.00"), "暂停": Decimal("0.00"),
                    "终止": Decimal("0.00"), "复机": Decimal("20.00")}
    reconnect = provider.services.get(name="复机")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    handoffs.provider_fee_add(service=reconnect, amount="25", valid_from=tomorrow, actor=supervisor)
    assert handoffs.fee_on(reconnect, timezone.localdate()) == Decimal("20.00")
    assert handoffs.fee_on(reconnect, tomorrow) == Decimal("25.00")
    with pytest.raises(ValidationError):
        handoffs.provider_fee_add(service=reconnect, amount="30", valid_from=tomorrow, actor=supervisor)
    assert file_handoff(unit_a, actor=clerk, type_name="复机").handoff.fee == Decimal("20.00")
    assert Handoff.objects.get(ticket=file_handoff(unit_a, actor=clerk, type_name="暂停")).billed_at is None  # no fee, no bill


def test_the_fee_is_billed_at_once_and_the_receipt_says_collected_on_behalf(client, unit_a, users, provider):
    from billing import interface as billing

    clerk, cashier = users[Role.CLERK], users[Role.CASHIER]
    handoff = Handoff.objects.get(ticket=file_handoff(unit_a, actor=clerk, type_name="复机"))
    assert handoff.bill_reference  # payable at the counter right away
    ref = f"handoff-fee:{handoff.pk}"
    assert billing.charges_outstanding(community=unit_a.community, refs=[ref]) == {ref: Decimal("20.00")}
    receipt = billing.charges_pay_now(source_key="handoff", refs=[ref], community=unit_a.community, unit=unit_a,
                                      payer_name="张建国", method="cash", cashier=cashier)
    assert receipt.amount == Decimal("20.00")
    client.force_login(cashier)
    page = client.get(reverse("billing:receipt", args=[receipt.pk])).content.decode()
    assert "复机" in page and "(collected on behalf)" in page.replace("（", "(").replace("）", ")")
    pdf = client.get(reverse("billing:receipt_pdf", args=[receipt.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_cancelling_a_hand_off_asks_a_waiver_of_its_unpaid_fee_and_the_ticket_page_follows_it(
        client, unit_a, users, provider):
    """A cancelled hand-off's 代收 fee is not left owed: cancelling asks billing for a waiver (decided by a
    supervisor, never the bill altered), and the hand-off card says where the fee stands."""
    from billing import interface as billing
    from billing.models import Correction
    from billing.services.corrections import correction_decide
    from core import idempotency

    clerk, supervisor = users[Role.CLERK], users[Role.SUPERVISOR]
    ticket = file_handoff(unit_a, actor=clerk, type_name="复机")
    ref = f"handoff-fee:{ticket.handoff.pk}"
    client.force_login(clerk)
    assert "20.00 payable at the counter" in client.get(ticket.get_absolute_url()).content.decode()
    move = reverse("repairs:ticket_move", args=[ticket.pk, "cancel"])
    seen = client.get(move).context["form"].initial["seen"]
    response = client.post(move, {"note": "业主改约下月", "seen": seen, "form_token": str(idempotency.new_token())})
    assert response.status_code == 302
    fee = billing.charge_bills(community=unit_a.community, refs=[ref])[ref]
    assert (fee.outstanding, fee.waiver_pending, fee.waived) == (Decimal("20.00"), Decimal("20.00"), Decimal("0.00"))
    waiver = Correction.objects.get(kind=Correction.Kind.WAIVER, status=Correction.Status.PENDING)
    assert waiver.requested_by == clerk and ticket.number in waiver.reason and "业主改约下月" in waiver.reason
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert "20.00 unpaid; a waiver awaits a supervisor" in page and "payable at the counter" not in page
    # asked once: a second request of the same fee asks nothing
    from repairs.charges import handoff_fee_withdraw

    assert handoff_fee_withdraw(handoff=Handoff.objects.get(ticket=ticket), actor=clerk, reason="再次") == 0
    assert Correction.objects.count() == 1

    correction_decide(correction=waiver, approver=supervisor, approve=True)
    fee = billing.charge_bills(community=unit_a.community, refs=[ref])[ref]
    assert fee.settled and fee.waived == Decimal("20.00") and fee.waiver_pending == 0
    assert "waived ¥20.00" in client.get(ticket.get_absolute_url()).content.decode().replace("¥ ", "¥")


def test_a_cancelled_hand_off_is_never_billed_later_and_a_paid_one_is_flagged(unit_a, users, provider, client):
    from billing import interface as billing
    from billing.models import Correction
    from repairs.charges import _handoff_pending
    from repairs.services import dispatch

    clerk, cashier = users[Role.CLERK], users[Role.CASHIER]
    unbilled = file_handoff(unit_a, actor=clerk, type_name="复机")
    Handoff.objects.filter(ticket=unbilled).update(billed_at=None, bill_reference="")  # as if billing had failed
    assert [c.ref for c in _handoff_pending(community=unit_a.community)] == [f"handoff-fee:{unbilled.handoff.pk}"]
    dispatch.ticket_cancel(ticket=unbilled, reason="业主取消", actor=clerk)
    assert _handoff_pending(community=unit_a.community) == []  # the next bill run leaves it alone
    assert not Correction.objects.exists()  # nothing billed, nothing to waive

    paid = file_handoff(unit_a, actor=clerk, type_name="复机")
    ref = f"handoff-fee:{paid.handoff.pk}"
    billing.charges_pay_now(source_key="handoff", refs=[ref], community=unit_a.community, unit=unit_a,
                            payer_name="张建国", method="cash", cashier=cashier)
    dispatch.ticket_cancel(ticket=paid, reason="业主取消", actor=clerk)
    assert not Correction.objects.exists()  # nothing owed: no waiver; the card tells the desk to settle it
    client.force_login(clerk)
    page = client.get(paid.get_absolute_url()).content.decode()
    assert "The fee was paid before the hand-off was cancelled" in page


def test_other_fee_items_are_not_marked_collected_on_behalf(community_a):
    from billing.models import FeeItem

    item = FeeItem.objects.create(community=community_a, code="prop", name="物业费", kind="property", basis="area")
    assert item.on_behalf is False


# ---- the 2-day forwarding clock ----

def test_filing_starts_the_2_day_forwarding_clock(unit_a, clerk, provider):
    now = timezone.now()
    ticket = file_handoff(unit_a, actor=clerk, now=now)
    clock = ticket.clocks.get()
    assert clock.kind == Clock.Kind.FORWARD and clock.due_at == now + datetime.timedelta(days=2)


def test_forwarding_clock_warns_breaches_and_escalates_once_each(unit_a, users, provider):
    clerk, supervisor = users[Role.CLERK], users[Role.SUPERVISOR]
    supervisor.email = "supervisor@example.com"
    supervisor.save(update_fields=["email"])
    start = timezone.now() - datetime.timedelta(days=3)
    ticket = file_handoff(unit_a, actor=clerk, now=start)
    clock = ticket.clocks.get(kind=Clock.Kind.FORWARD)
    warn_moment = clock.warn_at + datetime.timedelta(minutes=1)
    assert clock_warn(clock_id=clock.pk, now=warn_moment) == "warned"
    assert clock_warn(clock_id=clock.pk, now=warn_moment) == "already warned"
    assert Notification.objects.filter(user=clerk, title__contains=ticket.number).count() == 1
    breach_moment = clock.due_at + datetime.timedelta(minutes=1)
    assert clock_breach(clock_id=clock.pk, now=breach_moment) == "breached"
    assert clock_breach(clock_id=clock.pk, now=breach_moment) == "already breached"
    assert sweep(now=breach_moment) == 0  # the sweeper finds nothing left to do
    assert Notification.objects.filter(user=supervisor, title__contains=ticket.number).count() == 1  # escalated
    emails = OutboundMessage.objects.filter(recipient="supervisor@example.com")
    assert emails.count() == 1 and ticket.number in emails.get().subject
    ticket.refresh_from_db()
    assert ticket.is_overdue
    # not an arrival clock: the desk is not prompted to tell the owner engineering is late
    assert not Notification.objects.filter(user=clerk, url__contains="/clocks/").exists()


def test_forwarding_meets_the_clock(unit_a, clerk, provider, django_capture_on_commit_callbacks):
    ticket = file_handoff(unit_a, actor=clerk)
    with django_capture_on_commit_callbacks(execute=False):
        handoffs.handoff_forward(ticket=ticket, actor=clerk)
    clock = ticket.clocks.get(kind=Clock.Kind.FORWARD)
    assert clock.met_at and not clock.breached_at


# ---- the e-mail to the provider, the answer and the callback ----

def test_forwarding_e_mails_the_application_pdf_and_the_id_copy_once(unit_a, clerk, provider,
                                                                     django_capture_on_commit_callbacks):
    ticket = file_handoff(unit_a, actor=clerk)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        handoff = handoffs.handoff_forward(ticket=ticket, actor=clerk)
    assert len(queued) == 1  # the e-mail's delivery, once the forwarding commits
    with pytest.raises(ValidationError, match="already e-mailed"):
        handoffs.handoff_forward(ticket=ticket, actor=clerk)
    message = handoff.forward_message
    assert outbound_deliver(message_id=message.pk) == "sent"  # what the delivery task does (the real worker:
    assert outbound_deliver(message_id=message.pk) == "skipped"  # test_handoff_worker.py); again: skipped
    message.refresh_from_db()
    assert message.status == OutboundMessage.Status.SENT and message.recipient == "kaihu@wangtong.example.com"
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    names = [a[0] for a in sent.attachments]
    assert names == [f"handoff-{ticket.number}.pdf", f"id-copy-{ticket.number}.pdf"]
    assert sent.attachments[0][1][:5] == b"%PDF-" and sent.attachments[1][1] == PDF
    ticket.refresh_from_db()
    assert ticket.status == S.FORWARDED


def test_the_providers_answer_completes_the_ticket_and_opens_the_callback(unit_a, clerk, provider,
                                                                          django_capture_on_commit_callbacks):
    ticket = file_handoff(unit_a, actor=clerk)
    with pytest.raises(ValidationError, match="first"):
        handoffs.handoff_complete(ticket=ticket, reply="已开通", actor=clerk)
    with django_capture_on_commit_callbacks(execute=False):
        handoffs.handoff_forward(ticket=ticket, actor=clerk)
        handoffs.handoff_complete(ticket=ticket, reply="12-08 已开通，账号 0571-8888", actor=clerk)
    ticket.refresh_from_db()
    assert ticket.status == S.COMPLETED and ticket.handoff.provider_reply.startswith("12-08")
    assert Callback.objects.get(ticket=ticket).status == Callback.Status.PENDING
    with pytest.raises(ValidationError, match="already recorded"):
        handoffs.handoff_complete(ticket=ticket, reply="again", actor=clerk)


# ---- the pages ----

def _form_data(unit, service, **extra):
    from core import idempotency

    return {"unit": unit.pk, "service": service.pk, "applicant_kind": "owner", "owner": owner_of(unit).pk,
            "contact_phone": "", "details": "包月", "form_token": str(idempotency.new_token()),
            "id_copy": id_copy(), **extra}


def test_the_desk_files_from_the_room_and_a_double_submit_makes_one(clerk_client, unit_a, provider):
    url = reverse("repairs:handoff_create")
    page = clerk_client.get(url, {"unit": unit_a.pk})
    assert page.status_code == 200 and "身份证复印件" in page.content.decode()  # the provider's requirements shown
    data = _form_data(unit_a, provider.services.get(name="开通"))
    first = clerk_client.post(url, data)
    data["id_copy"] = id_copy()
    second = clerk_client.post(url, data)
    assert first.status_code == second.status_code == 302 and first["Location"] == second["Location"]
    assert Handoff.objects.count() == 1


def test_a_refused_tenant_sees_the_message_at_the_field_and_keeps_what_was_typed(clerk_client, unit_a, provider,
                                                                                 tenancy):
    data = _form_data(unit_a, provider.services.get(name="开通"), applicant_kind="tenant", owner="",
                      details="要 100M 宽带")
    response = clerk_client.post(reverse("repairs:handoff_create"), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["tenant_authorization"] == ["Choose the owner's written authorisation of the tenant."]
    assert "要 100M 宽带" in response.content.decode()
    assert not Handoff.objects.exists()


def test_the_room_is_asked_first_when_not_given(clerk_client, unit_a):
    url = reverse("repairs:handoff_create")
    assert clerk_client.get(url).status_code == 200
    assert clerk_client.get(url, {"room": "3-2-1502"})["Location"].endswith(f"?unit={unit_a.pk}")
    assert clerk_client.get(url, {"room": "\x00" * 5000}).status_code == 200


def test_forward_and_answer_from_the_ticket_page(clerk_client, clerk, unit_a, provider):
    from core import idempotency

    ticket = file_handoff(unit_a, actor=clerk)
    page = clerk_client.get(ticket.get_absolute_url()).content.decode()
    assert reverse("repairs:handoff_forward", args=[ticket.pk]) in page
    clerk_client.post(reverse("repairs:handoff_forward", args=[ticket.pk]),
                      {"form_token": str(idempotency.new_token())})
    again = clerk_client.post(reverse("repairs:handoff_forward", args=[ticket.pk]),
                              {"form_token": str(idempotency.new_token())}, follow=True)
    assert "already e-mailed" in again.content.decode()
    assert OutboundMessage.objects.filter(recipient=provider.email).count() == 1
    response = clerk_client.post(reverse("repairs:handoff_reply", args=[ticket.pk]),
                                 {"reply": "已开通", "form_token": str(idempotency.new_token())})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == S.COMPLETED


def test_the_id_copy_is_served_to_the_desk_logged_and_foreign_is_404(client, clerk, unit_a, provider, clerk_b):
    ticket = file_handoff(unit_a, actor=clerk)
    url = reverse("repairs:handoff_id_copy", args=[ticket.pk])
    client.force_login(clerk)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert SensitiveDataAccess.objects.filter(user=clerk, field="id_copy").count() == 1
    client.force_login(clerk_b)
    assert client.get(url).status_code == 404
    assert client.get(reverse("repairs:handoff_pdf", args=[ticket.pk])).status_code == 404


def test_the_application_pdf_renders(clerk_client, clerk, unit_a, provider):
    ticket = file_handoff(unit_a, actor=clerk)
    response = clerk_client.get(reverse("repairs:handoff_pdf", args=[ticket.pk]))
    assert response.status_code == 200 and response.content[:5] == b"%PDF-"


def test_providers_are_set_up_by_the_supervisor(client, supervisor, community_a):
    from core import idempotency

    client.force_login(supervisor)
    response = client.post(f"{reverse('repairs:provider_create')}?community={community_a.pk}", {
        "community_pk": community_a.pk, "name": "华数有线", "service": "cable_tv", "email": "kh@huashu.example.com",
        "requirements": "身份证复印件", "is_active": "on", "form_token": str(idempotency.new_token())})
    assert response.status_code == 302
    provider = community_a.handoff_providers.get(name="华数有线")
    client.post(reverse("repairs:provider_service_add", args=[provider.pk]), {
        "name": "开户", "amount": "150", "valid_from": "2026-01-01", "form_token": str(idempotency.new_token())})
    assert provider.services.get().fees.get().amount == Decimal("150.00")
    page = client.get(reverse("repairs:provider_list"), {"community": community_a.pk}).content.decode()
    assert "华数有线" in page and "开户" in page


def test_provider_list_and_ticket_page_queries_do_not_grow(client, supervisor, clerk, unit_a, provider,
                                                           django_assert_max_num_queries):
    from repairs.selectors.handoffs import providers_page

    tickets = [file_handoff(unit_a, actor=clerk) for _ in range(3)]
    with django_assert_max_num_queries(3):
        providers_page(community=unit_a.community)
    client.force_login(supervisor)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("repairs:provider_list")).status_code == 200
    client.force_login(clerk)
    with django_assert_max_num_queries(25):
        assert client.get(tickets[0].get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(16):  # the form and the providers' panel, whatever their number
        assert client.get(reverse("repairs:handoff_create"), {"unit": unit_a.pk}).status_code == 200


def test_demo_has_hand_offs_in_every_state_and_is_idempotent(community_a, make_user):
    import io

    from repairs import demo
    from tests.factories import BuildingFactory, EntranceFactory, UnitFactory

    community_a.code = "CH"
    community_a.save(update_fields=["code"])
    entrance = EntranceFactory(building=BuildingFactory(community=community_a, name="1"), name="1")
    for n in ("101", "102", "201", "202"):
        OccupancyFactory(unit=UnitFactory(entrance=entrance, number=n))
    for name, role in (("clerk", Role.CLERK), ("supervisor", Role.SUPERVISOR)):
        make_user(role=role, communities=[community_a], username=name)
    out = io.StringIO()
    demo.load_handoffs(out)
    assert "loaded" in out.getvalue()
    states = set(Ticket.objects.filter(kind="handoff").values_list("status", flat=True))
    assert states == {"new", "forwarded", "completed", "callback_done", "closed", "cancelled"}
    assert Clock.objects.filter(kind="forward", breached_at__isnull=False).exists()
    assert Handoff.objects.filter(forward_message__isnull=False).count() == 4
    demo.load_handoffs(out)
    assert "already" in out.getvalue() and Ticket.objects.filter(kind="handoff").count() == 7


def test_hand_offs_show_on_the_board_by_kind_the_unit_page_the_lookup_and_the_statistics(
        client, clerk_client, clerk, users, unit_a, provider):
    from repairs.selectors.stats.report import ticket_stats

    ticket = file_handoff(unit_a, actor=clerk)
    board = clerk_client.get(reverse("repairs:board"), {"kind": "handoff"}).content.decode()
    assert ticket.number in board
    assert ticket.number not in clerk_client.get(reverse("repairs:board"), {"kind": "repair"}).content.decode()
    unit_page = clerk_client.get(reverse("frontdesk:unit_detail", args=[unit_a.pk])).content.decode()
    assert ticket.number in unit_page and f"{reverse('repairs:handoff_create')}?unit={unit_a.pk}" in unit_page
    lookup = clerk_client.get(reverse("frontdesk:lookup"), {"q": "1502"}, HTTP_HX_REQUEST="true").content.decode()
    assert f"{reverse('repairs:handoff_create')}?unit={unit_a.pk}" in lookup
    stats = ticket_stats(community_ids=[unit_a.community_id], period="week", count=4)
    assert sum(stats.totals["handoffs"]) == 1
    assert any(c["kind"] == "forward" for c in stats.clocks)
    client.force_login(users[Role.SUPERVISOR])
    assert client.get(reverse("repairs:stats")).status_code == 200


def test_a_request_type_out_of_use_is_not_offered_and_keeps_its_fees(client, clerk_client, supervisor, unit_a,
                                                                      provider):
    from core import idempotency

    suspend = provider.services.get(name="暂停")
    client.force_login(supervisor)
    response = client.post(reverse("repairs:provider_service_edit", args=[suspend.pk]), {
        "name": "暂停服务", "sort_order": "5", "form_token": str(idempotency.new_token())})  # "in use" unticked
    assert response.status_code == 302
    suspend.refresh_from_db()
    assert (suspend.name, suspend.sort_order, suspend.is_active) == ("暂停服务", 5, False)
    assert suspend.fees.count() == 1
    form = clerk_client.get(reverse("repairs:handoff_create"), {"unit": unit_a.pk}).context["form"]
    assert suspend not in form.fields["service"].queryset
    taken = client.post(reverse("repairs:provider_service_edit", args=[suspend.pk]), {
        "name": "复机", "sort_order": "5", "form_token": str(idempotency.new_token())})
    assert taken.status_code == 200 and taken.context["form"].errors["name"] == ["This request type already exists."]
