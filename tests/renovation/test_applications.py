"""Renovation applications: the transition table and its one writer, the identity rule, dates, one open
application per unit, reviews (never one's own; races), fees and deposit through billing before the permit,
gapless permit numbers, the permit PDF and the public check, attachments, lists and their query counts."""

import datetime
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from billing import interface as billing
from core.models import Role
from frontdesk.models import Occupancy, TenantAuthorization
from renovation.models import Renovation, RenovationFee, RenovationStatusChange
from renovation.selectors.applications import permit_check
from renovation.services import applications, fees, permits, reviews
from tests.factories import OccupancyFactory, PersonFactory, UnitFactory

from .conftest import D, S, file, issue, pay_fees, set_rates, to_payment, today

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32


def _bare(unit, clerk, status):
    """An application put straight into ``status`` (to test every move of the table from there)."""
    owner = unit.occupancies.filter(kind="owner").first().person
    now = timezone.now()
    extra = {}
    if status in Renovation.ACTIVE_STATUSES | {S.ACCEPTED, S.CLOSED}:
        extra = {"permit_number": f"T{status[:10]}", "permit_year": 2026, "permit_seq": 1 + list(S).index(status),
                 "permit_valid_from": today(), "permit_valid_to": today() + datetime.timedelta(days=30)}
    return Renovation.objects.create(
        community=unit.community, unit=unit, number=f"T-{status}", applicant_kind="owner", owner=owner,
        company="c", lead_name="l", lead_phone="13902345678", planned_start=today(),
        planned_end=today() + datetime.timedelta(days=30), scope=["walls"], agreement_accepted_at=now,
        agreement_accepted_by=clerk, status=status, created_by=clerk, created_at=now, status_changed_at=now, **extra)


def test_the_table_covers_every_status_and_only_known_ones():
    assert set(Renovation.TRANSITIONS) == set(S)
    for targets in Renovation.TRANSITIONS.values():
        assert targets <= set(S)
    assert set(S) == Renovation.OPEN_STATUSES | Renovation.FINISHED_STATUSES


@pytest.mark.parametrize(("source", "target"), [(a, b) for a, targets in Renovation.TRANSITIONS.items()
                                                 for b in sorted(targets)])
def test_every_allowed_move(source, target, unit_a, clerk):
    r = _bare(unit_a, clerk, source)
    if target in Renovation.ACTIVE_STATUSES and not r.permit_number:
        extra = {"permit_number": "TX1", "permit_year": 2026, "permit_seq": 99, "permit_valid_from": today(),
                 "permit_valid_to": today()}
    else:
        extra = {}
    moved = applications.renovation_set_status(renovation=r, to=target, actor=clerk, reason="理由", **extra)
    assert moved.status == target
    change = RenovationStatusChange.objects.get(renovation=r)
    assert (change.from_status, change.to_status, change.actor, change.reason) == (source, target, clerk, "理由")


@pytest.mark.parametrize("source", list(S))
def test_a_refused_move_from_every_state(source, unit_a, clerk):
    r = _bare(unit_a, clerk, source)
    refused = next(s for s in [S.CLOSED, S.PENDING, S.IN_PROGRESS] if s not in Renovation.TRANSITIONS[source]
                   and s != source)
    with pytest.raises(ValidationError) as exc:
        applications.renovation_set_status(renovation=r, to=refused, actor=clerk, reason="x")
    assert exc.value.code == "bad_move"
    r.refresh_from_db()
    assert r.status == source and not RenovationStatusChange.objects.filter(renovation=r).exists()


def test_reject_and_withdraw_need_a_reason(unit_a, clerk):
    r = file(unit_a, clerk)
    with pytest.raises(ValidationError) as exc:
        applications.renovation_withdraw(renovation=r, reason="  ", actor=clerk)
    assert "reason" in exc.value.message_dict
    r = applications.renovation_withdraw(renovation=r, reason="业主暂缓", actor=clerk)
    assert r.status == S.WITHDRAWN


def test_status_change_rows_are_append_only(unit_a, clerk):
    r = file(unit_a, clerk)
    change = r.status_changes.get()
    with pytest.raises(Exception), transaction.atomic():  # noqa: B017 (the trigger's error)
        RenovationStatusChange.objects.filter(pk=change.pk).update(reason="edited")


# --- the identity rule ---------------------------------------------------------------------------------------

def test_owner_files_and_a_stranger_cannot_be_the_owner(unit_a, clerk):
    r = file(unit_a, clerk)
    assert r.status == S.PENDING and r.number.startswith(f"ZX{today().year}")
    assert r.applicant == r.owner
    stranger = PersonFactory(community=unit_a.community)
    other = UnitFactory(entrance=unit_a.entrance, number="1503")
    OccupancyFactory(unit=other)
    with pytest.raises(ValidationError) as exc:
        file(other, clerk, owner=stranger)
    assert "owner" in exc.value.message_dict


def test_a_lead_needs_the_owners_written_authorisation(unit_a, clerk):
    with pytest.raises(ValidationError) as exc:
        file(unit_a, clerk, applicant_kind="lead")
    assert "owner_consent_ref" in exc.value.message_dict
    r = file(unit_a, clerk, applicant_kind="lead", owner_consent_ref="委托书 2026-12-01")
    assert r.applicant is None and r.owner_consent_ref == "委托书 2026-12-01"


def _tenant_auth(unit, scopes, **kw):
    tenancy = OccupancyFactory(unit=unit, kind=Occupancy.Kind.TENANT, share=None,
                               person=PersonFactory(community=unit.community))
    owner = unit.occupancies.filter(kind="owner").first().person
    data = {"valid_from": today() - datetime.timedelta(days=10), "valid_to": today() + datetime.timedelta(days=300)}
    data.update(kw)
    return TenantAuthorization.objects.create(community=unit.community, tenancy=tenancy, owner=owner, scopes=scopes,
                                              **data)


@pytest.mark.parametrize(("scopes", "extra", "ok"), [
    (["renovation"], {}, True),
    (["fees", "repairs"], {}, False),  # not authorised to renovate
    (["renovation"], {"valid_to": datetime.date(2020, 1, 1), "valid_from": datetime.date(2019, 1, 1)}, False),
    (["renovation"], {"revoked_at": timezone.now(), "revoke_reason": "x"}, False),
])
def test_a_tenant_only_with_a_valid_authorisation_for_renovation(unit_a, clerk, scopes, extra, ok):
    auth = _tenant_auth(unit_a, scopes, **extra)
    if ok:
        r = file(unit_a, clerk, applicant_kind="tenant", owner=None, tenant_authorization=auth)
        assert r.applicant == auth.tenancy.person and r.owner == auth.owner and r.tenant_authorization == auth
    else:
        with pytest.raises(ValidationError) as exc:
            file(unit_a, clerk, applicant_kind="tenant", owner=None, tenant_authorization=auth)
        assert "tenant_authorization" in exc.value.message_dict


def test_the_database_refuses_a_tenant_without_authorisation(unit_a, clerk):
    r = file(unit_a, clerk)
    with pytest.raises(IntegrityError), transaction.atomic():
        Renovation.objects.filter(pk=r.pk).update(applicant_kind="tenant")


# --- dates and the one open application ---------------------------------------------------------------------

@pytest.mark.parametrize(("start", "end", "reason", "field"), [
    (-1, 30, "", "planned_start"), (5, 5, "", "planned_end"), (5, 2, "", "planned_end"),
    (0, 120, "", "long_period_reason"),
])
def test_dates(unit_a, clerk, start, end, reason, field):
    d = datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        file(unit_a, clerk, planned_start=today() + start * d, planned_end=today() + end * d, long_period_reason=reason)
    assert field in exc.value.message_dict


def test_a_long_period_with_a_reason(unit_a, clerk):
    r = file(unit_a, clerk, planned_end=today() + datetime.timedelta(days=150), long_period_reason="整体翻新")
    assert r.long_period_reason == "整体翻新"


def test_a_second_open_application_is_refused_naming_the_first(unit_a, clerk):
    first = file(unit_a, clerk)
    with pytest.raises(ValidationError) as exc:
        file(unit_a, clerk)
    assert first.number in exc.value.messages[0]
    applications.renovation_withdraw(renovation=first, reason="改期", actor=clerk)
    assert file(unit_a, clerk).status == S.PENDING


def test_the_database_keeps_one_open_application_per_unit(unit_a, clerk):
    first = file(unit_a, clerk)
    with pytest.raises(IntegrityError), transaction.atomic():
        Renovation.objects.create(**{f.attname: getattr(first, f.attname) for f in Renovation._meta.concrete_fields
                                     if f.attname not in ("id", "permit_token", "number")}, number="X2")


# --- reviews ---------------------------------------------------------------------------------------------

def test_nobody_reviews_or_approves_their_own_application(unit_a, users):
    admin = users[Role.ADMIN]
    r = file(unit_a, admin)
    with pytest.raises(ValidationError) as exc:
        reviews.review_start(renovation=r, actor=admin)
    assert exc.value.code == "own"
    r = reviews.review_start(renovation=r, actor=users[Role.ENGINEER])
    with pytest.raises(ValidationError):
        reviews.engineering_decide(renovation=r, decision=D.PASS, actor=admin)
    r = reviews.engineering_decide(renovation=r, decision=D.PASS, actor=users[Role.ENGINEER])
    with pytest.raises(ValidationError):
        reviews.manager_decide(renovation=r, decision=D.PASS, actor=admin)


def test_return_and_reject_need_comments_and_move_back(unit_a, users):
    r = reviews.review_start(renovation=file(unit_a, users[Role.CLERK]), actor=users[Role.ENGINEER])
    with pytest.raises(ValidationError) as exc:
        reviews.engineering_decide(renovation=r, decision=D.RETURN, actor=users[Role.ENGINEER])
    assert "comments" in exc.value.message_dict
    r = reviews.engineering_decide(renovation=r, decision=D.RETURN, comments="缺水电图", actor=users[Role.ENGINEER])
    assert r.status == S.PENDING and r.reviews.get().decision == D.RETURN
    r = reviews.review_start(renovation=r, actor=users[Role.ENGINEER])
    r = reviews.engineering_decide(renovation=r, decision=D.PASS, conditions="不得拆改承重墙", actor=users[Role.ENGINEER])
    assert r.engineering_conditions == "不得拆改承重墙"
    r = reviews.manager_decide(renovation=r, decision=D.REJECT, comments="违反管理规约", actor=users[Role.MANAGER])
    assert r.status == S.REJECTED
    assert [c.to_status for c in r.status_changes.all()] == [S.PENDING, S.ENGINEERING, S.PENDING, S.ENGINEERING,
                                                             S.MANAGER, S.REJECTED]


def test_two_reviewers_at_once_the_second_is_told_who_won(unit_a, users, make_user, community_a):
    other = make_user(role=Role.ENGINEER, communities=[community_a], username="eng2", full_name="李工")
    first = users[Role.ENGINEER]
    r = reviews.review_start(renovation=file(unit_a, users[Role.CLERK]), actor=first)
    seen = S.ENGINEERING  # both pages show it in engineering review
    reviews.engineering_decide(renovation=r, decision=D.PASS, actor=first, expected=seen)
    with pytest.raises(ValidationError) as exc:
        reviews.engineering_decide(renovation=r, decision=D.REJECT, comments="不同意", actor=other, expected=seen)
    assert exc.value.code == "stale"
    assert first.display_name in exc.value.messages[0]
    r.refresh_from_db()
    assert r.status == S.MANAGER and r.reviews.count() == 1


def test_the_loser_sees_the_message_on_the_page(client, unit_a, users, make_user, community_a):
    r = reviews.review_start(renovation=file(unit_a, users[Role.CLERK]), actor=users[Role.ENGINEER])
    reviews.engineering_decide(renovation=r, decision=D.PASS, actor=users[Role.ENGINEER])
    client.force_login(make_user(role=Role.ENGINEER, communities=[community_a], username="eng2", full_name="李工"))
    response = client.post(reverse("renovation:review", args=[r.pk]),
                           {"decision": "reject", "comments": "不同意", "expected": S.ENGINEERING}, follow=True)
    assert response.status_code == 200
    text = response.content.decode()
    assert users[Role.ENGINEER].display_name in text


# --- fees, deposit, permit --------------------------------------------------------------------------------

def test_fees_and_deposit_are_paid_before_the_permit(unit_a, users):
    set_rates(unit_a.community, users[Role.MANAGER])
    r = to_payment(file(unit_a, users[Role.CLERK]), users)
    assert r.status == S.PAYMENT
    charged = {f.kind: f.amount for f in r.fees.all()}
    assert charged == {RenovationFee.Kind.MANAGEMENT: Decimal("300.00"), RenovationFee.Kind.RUBBISH: Decimal("200.00")}
    assert all(f.billed_at and f.bill_reference for f in r.fees.all())  # billed at once: payable at the counter
    with pytest.raises(ValidationError) as exc:
        permits.permit_issue(renovation=r, actor=users[Role.CLERK])
    assert exc.value.code == "unpaid"
    pay_fees(r, users[Role.CASHIER])
    with pytest.raises(ValidationError) as exc:
        permits.permit_issue(renovation=r, actor=users[Role.CLERK])
    assert exc.value.code == "no_deposit"
    info = fees.deposit_take(renovation=r, amount="2000", payer_name="王建军", method="cash",
                             cashier=users[Role.CASHIER])
    with pytest.raises(ValidationError):  # once only
        fees.deposit_take(renovation=r, amount="2000", payer_name="王建军", method="cash", cashier=users[Role.CASHIER])
    assert billing.deposits_for(community=r.community, source_ref=f"renovation:{r.pk}")[0].receipt_number == \
        info.receipt_number
    r = permits.permit_issue(renovation=r, actor=users[Role.CLERK])
    assert r.status == S.IN_PROGRESS
    assert r.permit_number == f"ZXXK{today().year}00001"
    assert (r.permit_valid_from, r.permit_valid_to) == (r.planned_start, r.planned_end)


def test_without_fee_rates_only_the_deposit_is_due(unit_a, users):
    r = to_payment(file(unit_a, users[Role.CLERK]), users)
    assert not r.fees.exists()
    fees.deposit_take(renovation=r, amount="2000", payer_name="王", method="cash", cashier=users[Role.CASHIER])
    assert permits.permit_issue(renovation=r, actor=users[Role.CLERK]).status == S.IN_PROGRESS


def test_permit_numbers_are_gapless_per_community_and_year(unit_a, users):
    set_rates(unit_a.community, users[Role.MANAGER])
    numbers = []
    for i in range(3):
        unit = unit_a if i == 0 else UnitFactory(entrance=unit_a.entrance, number=f"16{i:02d}")
        if i:
            OccupancyFactory(unit=unit)
        r = to_payment(file(unit, users[Role.CLERK]), users)
        if i == 1:  # a refused issue (not paid) must not use a number
            with pytest.raises(ValidationError):
                permits.permit_issue(renovation=r, actor=users[Role.CLERK])
        numbers.append(issue(r, users).permit_seq)
    assert numbers == [1, 2, 3]


def test_the_permit_pdf_has_the_chinese_font_and_the_number(client, renovating, users, tmp_path):
    client.force_login(users[Role.CLERK])
    response = client.get(reverse("renovation:permit_pdf", args=[renovating.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = response.content
    path = tmp_path / "permit.pdf"
    path.write_bytes(pdf)
    if shutil.which("pdffonts"):
        fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
        assert "WenQuanYi-Micro-Hei" in fonts
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
        assert renovating.permit_number in text
        assert "装修许可证" in text or "Renovation permit" in text  # the catalogue is regenerated by the integrator


def test_no_permit_pdf_before_the_permit(client, unit_a, users):
    r = file(unit_a, users[Role.CLERK])
    client.force_login(users[Role.CLERK])
    assert client.get(reverse("renovation:permit_pdf", args=[r.pk])).status_code == 404


def test_the_public_check_shows_only_four_fields(client, renovating):
    response = client.get(reverse("renovation:verify", args=[renovating.permit_token]))
    assert response.status_code == 200
    html = response.content.decode()
    assert renovating.permit_number in html and renovating.unit.code in html
    assert 'data-state="valid"' in html
    person = renovating.owner
    for secret in (person.name, person.phone, person.id_number, renovating.lead_name, renovating.lead_phone,
                   renovating.lead_phone[-4:] + "</", renovating.company, renovating.number):
        assert secret not in html, secret
    assert "sensitive" not in html


def test_the_public_check_by_id_or_unknown_token_is_404(client, renovating):
    assert client.get(reverse("renovation:verify", args=["nope" * 8])).status_code == 404
    assert client.get(reverse("renovation:verify", args=[str(renovating.pk)])).status_code == 404
    assert len(renovating.permit_token) >= 32


def test_the_public_check_says_expired_and_ended(renovating):
    later = renovating.permit_valid_to + datetime.timedelta(days=1)
    assert permit_check(renovating.permit_token, today=later).state == "expired"
    applications.renovation_set_status(renovation=renovating, to=S.ACCEPTANCE, actor=renovating.created_by)
    assert permit_check(renovating.permit_token).state == "valid"
    r = applications.renovation_set_status(renovation=renovating, to=S.ACCEPTED, actor=renovating.created_by)
    assert permit_check(r.permit_token).state == "ended"


# --- attachments ------------------------------------------------------------------------------------------

def test_attachments_are_type_and_size_checked(unit_a, clerk):
    fake = SimpleUploadedFile("plan.pdf", b"MZ not a pdf at all", content_type="application/pdf")
    with pytest.raises(ValidationError):
        file(unit_a, clerk, attachments=[("drawing", fake)])
    big = SimpleUploadedFile("big.png", PNG + b"\0" * (10 * 1024 * 1024), content_type="image/png")
    with pytest.raises(ValidationError):
        file(unit_a, clerk, attachments=[("drawing", big)])
    r = file(unit_a, clerk, attachments=[("drawing", SimpleUploadedFile("图纸.pdf", PDF)),
                                         ("undertaking", SimpleUploadedFile("承诺书.png", PNG))])
    names = sorted(a.original_name for a in r.attachments.all())
    assert names == ["图纸.pdf", "承诺书.png"]
    assert all("图纸" not in a.file.name and a.file.name.startswith("renovation/") for a in r.attachments.all())


def test_attachments_are_served_only_by_the_scoped_view(client, unit_a, clerk, clerk_b):
    r = file(unit_a, clerk, attachments=[("drawing", SimpleUploadedFile("plan.pdf", PDF))])
    a = r.attachments.get()
    client.force_login(clerk)
    response = client.get(reverse("renovation:attachment", args=[a.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert client.get(f"/media/{a.file.name}").status_code == 404
    client.force_login(clerk_b)
    assert client.get(reverse("renovation:attachment", args=[a.pk])).status_code == 404


def test_the_filing_form_keeps_what_was_typed(client, unit_a, clerk):
    client.force_login(clerk)
    url = reverse("renovation:create") + f"?unit={unit_a.pk}"
    response = client.post(url, {"applicant_kind": "lead", "owner": unit_a.occupancies.first().person_id,
                                 "company": "金螳螂家装", "lead_name": "王建军", "lead_phone": "12345",
                                 "planned_start": str(today() - datetime.timedelta(days=1)),
                                 "planned_end": str(today()), "scope": ["walls"],
                                 "drawing": SimpleUploadedFile("x.pdf", b"not a pdf")})
    assert response.status_code == 200
    form = response.context["form"]
    for field in ("lead_phone", "planned_start", "agreement_accepted", "drawing"):
        assert field in form.errors, field
    assert "金螳螂家装" in response.content.decode()
    assert not Renovation.objects.exists()


def test_filing_through_the_page_and_a_double_submit_makes_one(client, unit_a, clerk):
    client.force_login(clerk)
    url = reverse("renovation:create") + f"?unit={unit_a.pk}"
    page = client.get(url)
    token = page.context["form"].initial["form_token"]
    data = {"form_token": token, "applicant_kind": "owner", "owner": unit_a.occupancies.first().person_id,
            "company": "金螳螂家装", "lead_name": "王建军", "lead_phone": "13902345678",
            "planned_start": str(today()), "planned_end": str(today() + datetime.timedelta(days=30)),
            "scope": ["walls", "other"], "scope_text": "阳台改造", "agreement_accepted": "on"}
    first = client.post(url, data)
    second = client.post(url, data)
    assert first.status_code == 302 and second.status_code == 302
    assert Renovation.objects.count() == 1
    # the open application is named when the room is chosen again
    page = client.get(url)
    assert Renovation.objects.get().number in page.content.decode()


# --- where it shows, lists ---------------------------------------------------------------------------------

def test_the_unit_page_and_the_lookup_show_under_renovation(client, renovating, users):
    client.force_login(users[Role.CLERK])
    # the panel is one of those the unit page loads right after it shows
    page = client.get(reverse("frontdesk:unit_panels", args=[renovating.unit_id])).content.decode()
    assert 'id="unit-renovation"' in page and renovating.permit_number in page
    results = client.get(reverse("frontdesk:lookup"), {"q": renovating.unit.code}, HTTP_HX_REQUEST="true")
    assert "装修中" in results.content.decode() or "Under renovation" in results.content.decode()


def test_the_unit_page_stays_within_12_queries(client, renovating, users):
    client.force_login(users[Role.CLERK])
    url = reverse("frontdesk:unit_detail", args=[renovating.unit_id])
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    assert len(ctx) <= 12, [q["sql"][:100] for q in ctx.captured_queries]
    panels = reverse("frontdesk:unit_panels", args=[renovating.unit_id])
    with CaptureQueriesContext(connection) as lazy:
        assert client.get(panels).status_code == 200
    assert len(lazy) <= 12, [q["sql"][:100] for q in lazy.captured_queries]


def _many(unit_a, clerk, n):
    for i in range(n):
        unit = UnitFactory(entrance=unit_a.entrance, number=f"2{i:03d}")
        OccupancyFactory(unit=unit)
        file(unit, clerk)


def _active(unit_a, users, n, start):
    for i in range(start, start + n):
        unit = UnitFactory(entrance=unit_a.entrance, number=f"3{i:03d}")
        OccupancyFactory(unit=unit)
        r = file(unit, users[Role.CLERK])
        for to in (S.ENGINEERING, S.MANAGER, S.PAYMENT):
            r = applications.renovation_set_status(renovation=r, to=to, actor=users[Role.ADMIN])
        applications.renovation_set_status(renovation=r, to=S.IN_PROGRESS, actor=users[Role.ADMIN],
                                           permit_number=f"P{i}", permit_year=2026, permit_seq=i + 1,
                                           permit_valid_from=today(), permit_valid_to=today())


@pytest.mark.parametrize("name", ["renovation:list", "renovation:active"])
def test_lists_have_a_constant_query_count(client, unit_a, users, name, django_assert_max_num_queries):
    client.force_login(users[Role.SUPERVISOR])
    _many(unit_a, users[Role.CLERK], 2)
    _active(unit_a, users, 1, 0)
    url = reverse(name)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    _active(unit_a, users, 30, 1)
    with django_assert_max_num_queries(10):
        response = client.get(url)
    assert len(response.context["page"].object_list) >= 31
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_list_filters_and_export(client, unit_a, users):
    _many(unit_a, users[Role.CLERK], 3)
    r = Renovation.objects.first()
    applications.renovation_withdraw(renovation=r, reason="x", actor=users[Role.CLERK])
    client.force_login(users[Role.CLERK])
    page = client.get(reverse("renovation:list"), {"status": "withdrawn"})
    assert [x.pk for x in page.context["page"].object_list] == [r.pk]
    page = client.get(reverse("renovation:list"), {"status": "nonsense\x00", "building": "1e99", "date_from": "x"})
    assert page.status_code == 200 and len(page.context["page"].object_list) == 3
    export = client.get(reverse("renovation:list"), {"export": "xlsx"})
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxml")
    assert b"13902345678" not in export.getvalue()


def test_the_detail_page_shows_history_and_forms_by_role(client, renovating, users):
    client.force_login(users[Role.CLERK])
    html = client.get(renovating.get_absolute_url()).content.decode()
    assert 'id="renovation-history"' in html and 'id="permit-pdf"' in html
    assert "13902345678" in html  # a clerk sees phones in full
    client.force_login(users[Role.ENGINEER])
    html = client.get(renovating.get_absolute_url()).content.decode()
    assert "13902345678" not in html  # masked for the engineer
