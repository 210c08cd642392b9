"""Key custody 钥匙托管 (issue 11 §4): the deposit rule, tag numbers, sign-out/in, the status machine, the overdue
list, a lost key (owner told, desk notified), two clerks at once, bad input, double submit, query counts,
masking, the export, the unit panel, the lookup action, the handover's keys out and the demo data."""

import datetime
import threading
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from core.models import Notification, OutboundMessage, Role
from frontdesk.models import Key, KeyMovement, Occupancy, TenantAuthorization
from frontdesk.registry import handover_sources, unit_actions
from frontdesk.selectors import keys as selectors
from frontdesk.services import keys as services
from tests.factories import OccupancyFactory, PersonFactory, UnitFactory
from tests.frontdesk.matrix_keys import CONTRACTOR, deposit, owner_of, sign_out

pytestmark = pytest.mark.usefixtures("english_messages")

CONTRACTOR_ID = CONTRACTOR["id_number"]
MASKED_CONTRACTOR_ID = "440305********0015"
HOUR = datetime.timedelta(hours=1)


def _due(hours=2):
    return timezone.localtime(timezone.now() + hours * HOUR).strftime("%Y-%m-%dT%H:%M")


def _make_overdue(key, hours=3):
    """Time passes: the key's expected return (and its sign-out row's) is moved into the past."""
    past = timezone.now() - hours * HOUR
    Key.objects.filter(pk=key.pk).update(due_back_at=past)
    # the movement table is append-only at the database: the past due time stays on the key, which the lists read


def deposit_data(unit, **fields):
    return {"depositor": owner_of(unit).pk, "purpose": "vacant", "consent_ref": "委托书 2026-018",
            "consent_on_file": "on", "tag_no": "k-018", "envelope_no": "F0018", "opens": "入户门、信箱",
            "quantity": "2", "notes": "空置房，每周开窗一次"} | fields


# -- the deposit rule ----------------------------------------------------------------------------------------

def test_owner_deposits_a_key_with_a_movement_row(unit_a, clerk):
    key = deposit(unit_a, clerk, tag=" k-7 ")
    assert key.status == Key.Status.IN and key.kind == Key.Kind.OWNER
    assert key.tag_no == "K-7"  # as written on the tag, upper case
    [row] = key.movements.all()
    assert (row.kind, row.from_status, row.to_status, row.actor) == (KeyMovement.Kind.DEPOSIT, "", "in", clerk)
    assert row.person == owner_of(unit_a)


def test_a_tenant_cannot_deposit_even_with_an_authorisation(unit_a, clerk):
    tenancy = OccupancyFactory(unit=unit_a, kind=Occupancy.Kind.TENANT, share=None,
                               person=PersonFactory(community=unit_a.community))
    TenantAuthorization.objects.create(community=unit_a.community, tenancy=tenancy, owner=owner_of(unit_a),
                                       valid_from=datetime.date(2026, 1, 1), valid_to=datetime.date(2030, 12, 31),
                                       scopes=["renovation", "services"])
    with pytest.raises(ValidationError) as refused:
        deposit(unit_a, clerk, depositor=tenancy.person)
    assert refused.value.message_dict == {"depositor": ["Only a current owner of this room may deposit a key."]}
    assert not Key.objects.exists()


def test_a_former_owner_or_another_rooms_owner_cannot_deposit(unit_a, clerk):
    other = OccupancyFactory(unit=UnitFactory(entrance=unit_a.entrance, number="1601")).person
    with pytest.raises(ValidationError):
        deposit(unit_a, clerk, depositor=other)
    former = Occupancy.objects.get(unit=unit_a, kind="owner")
    Occupancy.objects.filter(pk=former.pk).update(end_date=datetime.date(2026, 1, 1))
    with pytest.raises(ValidationError):
        deposit(unit_a, clerk, depositor=former.person)


@pytest.mark.parametrize("field", ["consent_ref", "envelope_no", "tag_no"])
def test_consent_envelope_and_tag_are_required(unit_a, clerk, field):
    with pytest.raises(ValidationError) as refused:
        deposit(unit_a, clerk, **({"tag": " "} if field == "tag_no" else {field: "  "}))
    assert field in refused.value.message_dict


# -- tag numbers ---------------------------------------------------------------------------------------------

def test_tag_number_is_unique_among_the_keys_held(unit_a, clerk, unit_b, clerk_b):
    key = deposit(unit_a, clerk, tag="K001")
    with pytest.raises(ValidationError) as refused:
        deposit(unit_a, clerk, tag="k001")
    assert refused.value.message_dict["tag_no"] == ["A key with this tag number is already held in this community."]
    with pytest.raises(ValidationError):
        services.key_register_public(community=unit_a.community, tag_no="K001", opens="水泵房", actor=clerk)
    deposit(unit_b, clerk_b, tag="K001")  # another community's cabinet
    sign_out(key, clerk)
    with pytest.raises(ValidationError):
        deposit(unit_a, clerk, tag="K001")  # signed out is still held
    services.key_sign_in(key=key, returned_by_name="王师傅", actor=clerk)
    services.key_return_to_owner(key=key, person=owner_of(unit_a), id_checked=True, signed=True, actor=clerk)
    again = deposit(unit_a, clerk, tag="K001")  # the tag is free once the key went back to the owner
    assert again.pk != key.pk and Key.objects.filter(tag_no="K001", community=unit_a.community).count() == 2


def test_the_database_refuses_a_second_held_key_with_the_same_tag(unit_a, clerk):
    from django.db import IntegrityError, transaction

    key = deposit(unit_a, clerk, tag="K9")
    with pytest.raises(IntegrityError), transaction.atomic():
        Key.objects.create(community=key.community, kind="public", tag_no="K9", opens="x", created_at=timezone.now(),
                           created_by=clerk)


# -- sign out / in and the status machine --------------------------------------------------------------------

def test_sign_out_to_a_contractor_and_back_in(unit_a, clerk):
    key = deposit(unit_a, clerk)
    due = timezone.now() + 3 * HOUR
    out = sign_out(key, clerk, due_back_at=due, id_number="44030519880512001" + "5")
    key.refresh_from_db()
    assert key.status == Key.Status.OUT and key.out_movement == out and key.due_back_at == due
    assert (out.taker_name, out.taker_company, out.taker_id_number, out.taker_phone, out.reason) == (
        "王师傅", "安居装饰", CONTRACTOR_ID, "13922223333", "装修量房")
    back = services.key_sign_in(key=key, returned_by_name="王师傅", actor=clerk)
    key.refresh_from_db()
    assert key.status == Key.Status.IN and key.out_movement is None and key.due_back_at is None
    assert (back.from_status, back.to_status, back.returned_by_name) == ("out", "in", "王师傅")
    assert [m.kind for m in key.movements.order_by("at", "id")] == ["deposit", "sign_out", "sign_in"]


def test_sign_out_to_a_staff_member_of_the_community_only(unit_a, clerk, users, clerk_b):
    key = deposit(unit_a, clerk)
    with pytest.raises(ValidationError) as refused:
        services.key_sign_out(key=key, taker_kind="staff", staff=clerk_b, reason="维修", actor=clerk,
                              due_back_at=timezone.now() + HOUR)
    assert "staff" in refused.value.message_dict
    with pytest.raises(ValidationError):
        services.key_sign_out(key=key, taker_kind="staff", staff=users[Role.GUARD], reason="维修", actor=clerk,
                              due_back_at=timezone.now() + HOUR)
    out = services.key_sign_out(key=key, taker_kind="staff", staff=users[Role.ENGINEER], reason="维修", actor=clerk,
                                due_back_at=timezone.now() + HOUR)
    assert out.taker_label == users[Role.ENGINEER].full_name


@pytest.mark.parametrize(("field", "value"), [("id_number", "440305198805120016"), ("id_number", ""),
                                              ("phone", "12345"), ("phone", ""), ("name", " "),
                                              ("reason", ""), ("taker_kind", "friend")])
def test_sign_out_refuses_bad_contractor_details(unit_a, clerk, field, value):
    key = deposit(unit_a, clerk)
    with pytest.raises(ValidationError) as refused:
        sign_out(key, clerk, **{field: value})
    assert field in refused.value.message_dict
    key.refresh_from_db()
    assert key.status == Key.Status.IN and key.movements.count() == 1


def test_the_expected_return_must_be_later_than_now(unit_a, clerk):
    key = deposit(unit_a, clerk)
    with pytest.raises(ValidationError) as refused:
        sign_out(key, clerk, due_back_at=timezone.now() - HOUR)
    assert "due_back_at" in refused.value.message_dict


def test_the_status_machine_refuses_moves_not_in_transitions(unit_a, clerk):
    expected = {"in": {"out", "returned", "lost"}, "out": {"in", "lost"}, "returned": set(), "lost": set()}
    assert dict(Key.TRANSITIONS) == expected
    key = deposit(unit_a, clerk)
    with pytest.raises(ValidationError):
        services.key_sign_in(key=key, returned_by_name="x", actor=clerk)  # in → in
    sign_out(key, clerk)
    with pytest.raises(ValidationError):  # out → returned: sign it in first
        services.key_return_to_owner(key=key, person=owner_of(unit_a), id_checked=True, signed=True, actor=clerk)
    services.key_sign_in(key=key, returned_by_name="王师傅", actor=clerk)
    services.key_return_to_owner(key=key, person=owner_of(unit_a), id_checked=True, signed=True, actor=clerk)
    for move in (lambda: sign_out(key, clerk), lambda: services.key_report_lost(key=key, reason="x", actor=clerk)):
        with pytest.raises(ValidationError):
            move()
    key.refresh_from_db()
    assert key.status == Key.Status.RETURNED


def test_return_to_the_owner_needs_identity_check_and_signature(unit_a, clerk):
    key = deposit(unit_a, clerk)
    with pytest.raises(ValidationError) as refused:
        services.key_return_to_owner(key=key, person=owner_of(unit_a), id_checked=False, signed=False, actor=clerk)
    assert set(refused.value.message_dict) == {"id_checked", "signed"}
    stranger = PersonFactory(community=unit_a.community)
    with pytest.raises(ValidationError) as refused:
        services.key_return_to_owner(key=key, person=stranger, id_checked=True, signed=True, actor=clerk)
    assert "person" in refused.value.message_dict
    row = services.key_return_to_owner(key=key, person=owner_of(unit_a), id_checked=True, signed=True, actor=clerk)
    assert row.id_checked and row.signed and Key.objects.filter(pk=key.pk).exists()  # never deleted


def test_movements_are_written_once(unit_a, clerk):
    from django.db import InternalError, ProgrammingError, transaction

    key = deposit(unit_a, clerk)
    with pytest.raises((InternalError, ProgrammingError)), transaction.atomic():
        KeyMovement.objects.filter(key=key).update(reason="changed")
    with pytest.raises((InternalError, ProgrammingError)), transaction.atomic():
        KeyMovement.objects.filter(key=key).delete()


# -- overdue -------------------------------------------------------------------------------------------------

def test_overdue_list_shows_keys_past_their_expected_return(clerk_client, unit_a, clerk):
    late = deposit(unit_a, clerk, tag="LATE")
    in_time = deposit(unit_a, clerk, tag="ONTIME")
    home = deposit(unit_a, clerk, tag="HOME")
    sign_out(late, clerk)
    sign_out(in_time, clerk)
    _make_overdue(late)
    now = timezone.now()
    assert [k.tag_no for k in selectors.overdue_keys([unit_a.community_id], now)] == ["LATE"]
    assert selectors.keys_overdue_count([unit_a.community_id], timezone.localdate()) == 1
    html = clerk_client.get(reverse("frontdesk:key_overdue")).content.decode()
    assert "LATE" in html and "ONTIME" not in html and "HOME" not in html
    listed = clerk_client.get(reverse("frontdesk:key_list"), {"overdue": "1"}).context["page"].object_list
    assert [k.tag_no for k in listed] == ["LATE"]
    assert home.status == Key.Status.IN


def test_overdue_list_is_scoped(client, unit_a, clerk, clerk_b):
    key = deposit(unit_a, clerk, tag="LATE")
    sign_out(key, clerk)
    _make_overdue(key)
    client.force_login(clerk_b)
    assert "LATE" not in client.get(reverse("frontdesk:key_overdue")).content.decode()
    assert list(client.get(reverse("frontdesk:key_list")).context["page"].object_list) == []


# -- lost ----------------------------------------------------------------------------------------------------

def test_lost_key_is_recorded_the_owner_told_and_the_desk_notified(unit_a, clerk, users, django_capture_on_commit_callbacks):
    key = deposit(unit_a, clerk, tag="K-LOST")
    sign_out(key, clerk)
    with django_capture_on_commit_callbacks(execute=False):
        row = services.key_report_lost(key=key, reason="施工人员遗失", actor=clerk)
    key.refresh_from_db()
    assert key.status == Key.Status.LOST and key.out_movement is None
    assert (row.kind, row.from_status, row.reason) == ("lost", "out", "施工人员遗失")
    sms = OutboundMessage.objects.get()
    assert row.owner_message == sms and sms.channel == "sms" and sms.recipient == "13812345678"
    assert "3 Bldg 2 Ent. 1502" in sms.body
    told = set(Notification.objects.filter(title__contains="K-LOST").values_list("user__role", flat=True))
    assert told == {Role.CLERK, Role.SUPERVISOR, Role.MANAGER}
    note = Notification.objects.filter(user=users[Role.SUPERVISOR]).get()
    assert "施工人员遗失" in note.body and "138****5678" in note.body and note.url == key.get_absolute_url()
    with pytest.raises(ValidationError):  # never used again
        services.key_sign_in(key=key, returned_by_name="x", actor=clerk)
    assert deposit(unit_a, clerk, tag="K-LOST").status == Key.Status.IN  # a new key can carry the tag


def test_lost_public_key_sends_no_sms(community_a, clerk, users):
    key = services.key_register_public(community=community_a, tag_no="G1", opens="1栋水泵房", actor=clerk)
    services.key_report_lost(key=key, reason="盘点缺失", actor=clerk)
    assert not OutboundMessage.objects.exists()
    assert Notification.objects.filter(title__contains="G1", user=users[Role.CLERK]).exists()


def test_lost_needs_a_reason(unit_a, clerk):
    key = deposit(unit_a, clerk)
    with pytest.raises(ValidationError) as refused:
        services.key_report_lost(key=key, reason="  ", actor=clerk)
    assert "reason" in refused.value.message_dict


def test_lost_through_the_page(clerk_client, unit_a, clerk):
    key = deposit(unit_a, clerk)
    response = clerk_client.post(reverse("frontdesk:key_lost", args=[key.pk]), {"reason": "业主称钥匙已遗失"})
    assert response.status_code == 302
    key.refresh_from_db()
    assert key.status == "lost"
    assert "业主称钥匙已遗失" in clerk_client.get(key.get_absolute_url()).content.decode()


# -- two clerks at once --------------------------------------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_two_clerks_sign_out_one_key_at_once(unit_a, make_user):
    clerks = [make_user(role=Role.CLERK, communities=[unit_a.community], username=f"desk{i}") for i in range(2)]
    key = deposit(unit_a, clerks[0])
    barrier = threading.Barrier(2)
    won, lost = [], []

    def clerk_at_work(i):
        try:
            barrier.wait(timeout=30)
            sign_out(Key.objects.get(pk=key.pk), clerks[i], name=f"师傅{i}")
            won.append(i)
        except ValidationError as exc:
            lost.append(exc.messages[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=clerk_at_work, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(won) == 1 and len(lost) == 1, (won, lost)
    winner = clerks[won[0]]
    assert lost[0].startswith("This key is already “Signed out”") and (winner.full_name or winner.username) in lost[0]
    assert KeyMovement.objects.filter(key=key, kind="sign_out").count() == 1


def test_the_loser_of_a_race_is_told_on_the_form(client, unit_a, clerk, users):
    key = deposit(unit_a, clerk)
    url = reverse("frontdesk:key_sign_out", args=[key.pk])
    client.force_login(users[Role.SUPERVISOR])
    page = client.get(url)  # the second clerk opens the form…
    sign_out(key, clerk)  # …while the first signs the key out
    data = CONTRACTOR | {"reason": "量房", "due_back_at": _due(), "form_token": page.context["form"].initial["form_token"]}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "This key is already “Signed out”" in response.content.decode()
    assert KeyMovement.objects.filter(key=key, kind="sign_out").count() == 1


# -- pages: bad input, double submit -------------------------------------------------------------------------

def test_deposit_page_keeps_what_was_typed(clerk_client, unit_a, clerk):
    deposit(unit_a, clerk, tag="K-018")
    url = reverse("frontdesk:key_deposit", args=[unit_a.pk])
    response = clerk_client.post(url, deposit_data(unit_a, consent_on_file=""))
    html = response.content.decode()
    assert response.status_code == 200 and "Keep the owner&#x27;s written consent on file first." in html
    assert "委托书 2026-018" in html and "空置房，每周开窗一次" in html and 'value="F0018"' in html
    response = clerk_client.post(url, deposit_data(unit_a))  # the tag is held already: said at the field
    assert response.context["form"].errors["tag_no"] == ["A key with this tag number is already held in this community."]
    assert 'value="k-018"' in response.content.decode()


def test_deposit_page_refuses_a_tenant(clerk_client, unit_a):
    tenant = OccupancyFactory(unit=unit_a, kind=Occupancy.Kind.TENANT, share=None,
                              person=PersonFactory(community=unit_a.community))
    response = clerk_client.post(reverse("frontdesk:key_deposit", args=[unit_a.pk]),
                                 deposit_data(unit_a, depositor=tenant.person.pk))
    assert response.status_code == 200
    assert response.context["form"].errors["depositor"] == ["Choose a current owner of this room."]
    assert not Key.objects.exists()


def test_sign_out_page_keeps_what_was_typed(clerk_client, unit_a, clerk):
    key = deposit(unit_a, clerk)
    data = CONTRACTOR | {"id_number": "440305198805120016", "phone": "139-2222", "reason": "装修进场量房",
                         "due_back_at": _due()}
    response = clerk_client.post(reverse("frontdesk:key_sign_out", args=[key.pk]), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["id_number"] == ["The check digit is wrong: please check the number again."]
    assert "phone" in errors
    html = response.content.decode()
    assert "装修进场量房" in html and "安居装饰" in html and 'value="440305198805120016"' in html
    key.refresh_from_db()
    assert key.status == "in"


def test_sign_out_page_refuses_a_past_return_time(clerk_client, unit_a, clerk):
    key = deposit(unit_a, clerk)
    data = CONTRACTOR | {"reason": "量房", "due_back_at": _due(-2)}
    response = clerk_client.post(reverse("frontdesk:key_sign_out", args=[key.pk]), data)
    assert response.context["form"].errors["due_back_at"] == ["The expected return must be later than now."]


def test_too_long_text_is_said_at_the_field(clerk_client, unit_a, clerk):
    key = deposit(unit_a, clerk)
    response = clerk_client.post(reverse("frontdesk:key_lost", args=[key.pk]), {"reason": "丢" * 201})
    assert response.status_code == 200 and "reason" in response.context["form"].errors
    assert "丢" * 201 in response.content.decode()


def test_double_submit_deposits_one_key(clerk_client, unit_a):
    url = reverse("frontdesk:key_deposit", args=[unit_a.pk])
    token = clerk_client.get(url).context["form"].initial["form_token"]
    first = clerk_client.post(url, deposit_data(unit_a, form_token=token))
    second = clerk_client.post(url, deposit_data(unit_a, form_token=token))
    assert first.status_code == second.status_code == 302 and first["Location"] == second["Location"]
    assert Key.objects.count() == 1


def test_double_submit_signs_out_once(clerk_client, unit_a, clerk):
    key = deposit(unit_a, clerk)
    url = reverse("frontdesk:key_sign_out", args=[key.pk])
    token = clerk_client.get(url).context["form"].initial["form_token"]
    data = CONTRACTOR | {"reason": "量房", "due_back_at": _due(), "form_token": token}
    assert clerk_client.post(url, data).status_code == 302
    assert clerk_client.post(url, data).status_code == 302
    assert KeyMovement.objects.filter(key=key, kind="sign_out").count() == 1


def test_public_key_and_sign_out_to_staff_through_the_pages(clerk_client, community_a, users):
    response = clerk_client.post(reverse("frontdesk:key_public_create"),
                                 {"community": community_a.pk, "tag_no": "g-01", "opens": "3栋屋面门", "quantity": "1"})
    key = Key.objects.get()
    assert response["Location"] == key.get_absolute_url() and key.kind == "public" and key.unit is None
    engineer = users[Role.ENGINEER]
    response = clerk_client.post(reverse("frontdesk:key_sign_out", args=[key.pk]), {
        "taker_kind": "staff", "staff": engineer.pk, "id_type": "resident_id", "reason": "屋面防水检查",
        "due_back_at": _due()})
    assert response.status_code == 302
    key.refresh_from_db()
    assert key.status == "out" and key.out_movement.taker_staff == engineer
    response = clerk_client.post(reverse("frontdesk:key_sign_in", args=[key.pk]), {"returned_by_name": "张强"})
    assert response.status_code == 302
    key.refresh_from_db()
    assert key.status == "in"


def test_return_through_the_page(clerk_client, unit_a, clerk):
    key = deposit(unit_a, clerk)
    url = reverse("frontdesk:key_return", args=[key.pk])
    response = clerk_client.post(url, {"person": owner_of(unit_a).pk, "note": "装修完工"})
    assert set(response.context["form"].errors) == {"id_checked", "signed"}
    response = clerk_client.post(url, {"person": owner_of(unit_a).pk, "id_checked": "on", "signed": "on"})
    assert response.status_code == 302
    key.refresh_from_db()
    assert key.status == "returned"


# -- masking and export ----------------------------------------------------------------------------------------

def test_contractor_id_is_masked_on_the_key_page(clerk_client, unit_a, clerk):
    key = deposit(unit_a, clerk)
    sign_out(key, clerk)
    html = clerk_client.get(key.get_absolute_url()).content.decode()
    assert CONTRACTOR_ID not in html and MASKED_CONTRACTOR_ID in html


def test_export_is_masked_and_for_the_desk_only(client, unit_a, clerk, users):
    key = deposit(unit_a, clerk, tag="K-EXP")
    sign_out(key, clerk)
    services.key_register_public(community=unit_a.community, tag_no="G-EXP", opens="配电房", actor=clerk)
    client.force_login(users[Role.SUPERVISOR])
    response = client.get(reverse("frontdesk:key_list"), {"export": "xlsx"})
    assert response.status_code == 200
    rows = list(load_workbook(BytesIO(response.getvalue())).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("Community", "Key tag number", "Kind of key")
    by_tag = {row[1]: row for row in rows[1:]}
    assert set(by_tag) == {"K-EXP", "G-EXP"}
    assert MASKED_CONTRACTOR_ID in by_tag["K-EXP"] and CONTRACTOR_ID not in str(rows)
    assert "Signed out" in by_tag["K-EXP"] and "王师傅（安居装饰）" in by_tag["K-EXP"]
    for role in (Role.CASHIER, Role.ENGINEER, Role.GUARD):
        client.force_login(users[role])
        assert client.get(reverse("frontdesk:key_list"), {"export": "xlsx"}).status_code == 403


def test_list_filters(clerk_client, unit_a, clerk):
    owner_key = deposit(unit_a, clerk, tag="K1", opens="入户门")
    services.key_register_public(community=unit_a.community, tag_no="G1", opens="1栋水泵房", actor=clerk)
    sign_out(owner_key, clerk)

    def tags(**params):
        return sorted(k.tag_no for k in clerk_client.get(reverse("frontdesk:key_list"), params).context["page"])

    assert tags() == ["G1", "K1"]
    assert tags(kind="public") == ["G1"]
    assert tags(status="out") == ["K1"]
    assert tags(q="水泵") == ["G1"]
    assert tags(q="3-2-1502") == ["K1"]
    assert tags(unit=str(unit_a.pk)) == ["K1"]
    assert tags(status="bogus\x00") == ["G1", "K1"]  # a bad value is ignored with a notice


# -- query counts ----------------------------------------------------------------------------------------------

def _count(client, url, **params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(ctx)


def _grow(unit, clerk, n, start):
    for i in range(start, start + n):
        key = deposit(unit, clerk, tag=f"Q{i}")
        if i % 2:
            sign_out(key, clerk, staff=None)
            _make_overdue(key)
        services.key_register_public(community=unit.community, tag_no=f"P{i}", opens="水泵房", actor=clerk)


@pytest.mark.parametrize("name", ["frontdesk:key_list", "frontdesk:key_overdue"])
def test_lists_have_a_constant_query_count(client, users, unit_a, name):
    clerk = users[Role.CLERK]
    client.force_login(users[Role.SUPERVISOR])
    _grow(unit_a, clerk, 2, 0)
    small = _count(client, reverse(name))
    _grow(unit_a, clerk, 10, 100)
    assert _count(client, reverse(name)) == small and small <= 12, (name, small)


def test_key_page_has_a_constant_query_count(clerk_client, unit_a, clerk):
    key = deposit(unit_a, clerk)
    sign_out(key, clerk)
    small = _count(clerk_client, key.get_absolute_url())
    services.key_sign_in(key=key, returned_by_name="王师傅", actor=clerk)
    for _ in range(5):
        sign_out(key, clerk)
        services.key_sign_in(key=key, returned_by_name="王师傅", actor=clerk)
    sign_out(key, clerk)
    assert _count(clerk_client, key.get_absolute_url()) == small


def test_unit_page_shows_the_keys_panel_within_12_queries(clerk_client, unit_a, clerk):
    url = reverse("frontdesk:unit_detail", args=[unit_a.pk])
    deposit(unit_a, clerk, tag="U1")
    small = _count(clerk_client, url)
    _grow(unit_a, clerk, 6, 200)
    big = _count(clerk_client, url)
    assert big == small and big <= 12, (small, big)
    panels = reverse("frontdesk:unit_panels", args=[unit_a.pk])  # the registers load right after the page
    assert 'id="lazy-panels"' in clerk_client.get(url).content.decode()
    html = clerk_client.get(panels).content.decode()
    assert 'id="panel-keys"' in html and "U1" in html and "Q201" in html and "P201" not in html


def test_handover_lines_keys_out_in_constant_queries(unit_a, clerk, django_assert_max_num_queries):
    [source] = [s for s in handover_sources() if s.key == "keys_out"]
    assert source.confirm
    late = deposit(unit_a, clerk, tag="H-LATE")
    sign_out(late, clerk)
    _make_overdue(late)
    deposit(unit_a, clerk, tag="H-IN")
    public = services.key_register_public(community=unit_a.community, tag_no="H-PUB", opens="屋面门", actor=clerk)
    services.key_sign_out(key=public, taker_kind="staff", staff=clerk, reason="检查", actor=clerk,
                          due_back_at=timezone.now() + HOUR)
    with django_assert_max_num_queries(1):
        lines = source.lines(unit_a.community)
    assert [line.text.split(" · ")[0] for line in lines] == ["Key H-LATE", "Key H-PUB"]
    assert lines[0].text.endswith("(overdue)") and "王师傅（安居装饰）" in lines[0].text
    assert lines[0].url == late.get_absolute_url()
    assert CONTRACTOR["phone"] not in lines[0].text and CONTRACTOR_ID not in lines[0].text


# -- lookup action, figures, demo ------------------------------------------------------------------------------

def test_lookup_action_opens_the_rooms_keys(rf, users, unit_a, clerk, clerk_client):
    request = rf.get("/")
    request.user = users[Role.CLERK]
    action = {a.key: a for a in unit_actions(request)}["keys"]
    assert action.url_name == "frontdesk:key_list" and action.param == "unit"
    request.user = users[Role.CASHIER]
    assert "keys" not in {a.key for a in unit_actions(request)}
    deposit(unit_a, clerk, tag="LK1")
    response = clerk_client.get(reverse("frontdesk:key_list"), {"unit": unit_a.pk})
    html = response.content.decode()
    assert "LK1" in html and reverse("frontdesk:key_deposit", args=[unit_a.pk]) in html


def test_figures_for_the_managers_summary(unit_a, clerk):
    community = [unit_a.community_id]
    today = timezone.localdate()
    a = deposit(unit_a, clerk, tag="F1")
    b = deposit(unit_a, clerk, tag="F2")
    sign_out(a, clerk)
    services.key_return_to_owner(key=b, person=owner_of(unit_a), id_checked=True, signed=True, actor=clerk)
    assert selectors.keys_held(community, today) == 1
    assert selectors.keys_held(community, today - datetime.timedelta(days=1)) == 0
    moves = selectors.key_moves_on(community, today)
    assert moves == {"deposit": 2, "sign_out": 1, "sign_in": 0, "return": 1, "lost": 0}


def test_demo_keys_show_every_state(community_a, users):
    from frontdesk.demo import _keys

    entrance = UnitFactory(entrance__building__community=community_a).entrance
    for i in range(40):
        OccupancyFactory(unit=UnitFactory(entrance=entrance, number=f"{100 + i}"))
    _keys(community_a)
    states = set(Key.objects.values_list("status", flat=True))
    assert states == {"in", "out", "returned", "lost"}
    assert selectors.overdue_keys([community_a.pk], timezone.now()).count() == 2
    assert Key.objects.filter(kind="public").exists() and Key.objects.filter(kind="owner").exists()
    assert KeyMovement.objects.filter(kind="sign_in").exists()
