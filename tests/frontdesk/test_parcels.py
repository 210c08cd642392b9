"""Parcels and mail (邮件包裹): arrival with a unique pickup code and one SMS, pick-up by code or by room (a proxy
shows an ID for a high-value parcel), reminders and returns through a real Celery worker (once each), a courier's
batch, voids, bad input, double submit, two clerks at once, query counts and masking."""

import datetime
import json
import threading
import time
import uuid
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.models import OutboundMessage, Role
from frontdesk.models import Parcel, ParcelNotice, ParcelSettings, ParcelStatusChange
from frontdesk.registry import handover_sources
from frontdesk.selectors import parcels as selectors
from frontdesk.services import parcels as services
from tests.factories import OccupancyFactory, PersonFactory
from tests.frontdesk.matrix_parcels import make_parcel, make_unit

pytestmark = pytest.mark.usefixtures("english_messages")

VALID_ID = "11010519491231002X"
MASKED_ID = "110105********002X"
QUEUE = f"test-parcels-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def room(community_a):
    return make_unit(community_a)


def _token(client, url):
    return client.get(url).context["form"].initial["form_token"]


def _sms(parcel, kind=ParcelNotice.Kind.ARRIVAL):
    return OutboundMessage.objects.filter(pk__in=ParcelNotice.objects.filter(parcel=parcel, kind=kind)
                                          .values("message_id"))


# --- arrival: the code and the one SMS -------------------------------------------------------------------

@pytest.mark.django_db
def test_arrival_gives_a_six_digit_code_and_texts_the_owner_once(room, clerk, community_a):
    community_a.phone = "0755-26881234"
    community_a.save()
    parcel = make_parcel(room, actor=clerk, tracking_no="sf 1234 5678 90", shelf="A3", high_value=True)
    assert parcel.tracking_no == "SF1234567890" and parcel.status == Parcel.Status.WAITING
    assert len(parcel.pickup_code) == 6 and parcel.pickup_code.isdigit()
    [message] = _sms(parcel)
    assert message.channel == "sms" and message.recipient == "13900001111"
    assert parcel.pickup_code in message.body and "P9-1-901" in message.body and "7890" in message.body
    assert "0755-26881234" in message.body
    assert OutboundMessage.objects.count() == 1
    # the notice is claimed once: asking again sends nothing
    assert services._notify(parcel, ParcelNotice.Kind.ARRIVAL, "again", "13900001111") is False
    assert OutboundMessage.objects.count() == 1
    assert list(parcel.status_changes.values_list("to_status", flat=True)) == ["waiting"]


@pytest.mark.django_db
def test_addressee_gets_the_text_and_a_room_without_a_phone_is_recorded_not_sent(room, clerk, community_a):
    tenant = OccupancyFactory(unit=room, kind="tenant", share=None,
                              person=PersonFactory(community=community_a, name="周杰", phone="13700002222"))
    parcel = make_parcel(room, actor=clerk, addressee=tenant.person)
    assert _sms(parcel).get().recipient == "13700002222"
    silent = make_unit(community_a, number="902", owner_phone="")
    quiet = make_parcel(silent, actor=clerk, tracking_no="YT55550000")
    notice = ParcelNotice.objects.get(parcel=quiet)
    assert notice.message is None  # recorded: nothing to send it to
    stranger = PersonFactory(community=community_a, name="外人")
    with pytest.raises(ValidationError) as refused:
        make_parcel(room, actor=clerk, tracking_no="YT55550001", addressee=stranger)
    assert "addressee" in refused.value.message_dict


@pytest.mark.django_db
def test_pickup_codes_are_unique_among_waiting_parcels_and_free_again_after_pickup(room, clerk, monkeypatch):
    codes = iter(["111111", "111111", "111111", "222222", "111111"])
    monkeypatch.setattr(services, "_new_code", lambda: next(codes))
    first = make_parcel(room, actor=clerk, tracking_no="AAAA0001")
    second = make_parcel(room, actor=clerk, tracking_no="AAAA0002")
    assert (first.pickup_code, second.pickup_code) == ("111111", "222222")
    services.parcels_pick_up(actor=clerk, parcel_ids=[first.pk], collector="addressee", signed_on_paper=True)
    third = make_parcel(room, actor=clerk, tracking_no="AAAA0003")
    assert third.pickup_code == "111111"  # only waiting parcels hold a code
    monkeypatch.undo()
    many = [make_parcel(room, actor=clerk, tracking_no=f"BULK{n:04d}") for n in range(60)]
    waiting = Parcel.objects.filter(status="waiting").values_list("pickup_code", flat=True)
    assert len(set(waiting)) == len(waiting) == 62 and all(len(c) == 6 for c in waiting)
    assert many


@pytest.mark.django_db
def test_the_database_refuses_two_waiting_parcels_with_one_code(room, clerk):
    parcel = make_parcel(room, actor=clerk)
    clash = Parcel(community_id=parcel.community_id, unit=room, carrier="sf", tracking_no="OTHER0001",
                   pickup_code=parcel.pickup_code, arrived_at=timezone.now(), received_by=clerk)
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        clash.save()


@pytest.mark.django_db
def test_the_arrival_page_resolves_the_room_and_double_submit_records_one_parcel(client, clerk, room):
    client.force_login(clerk)
    url = reverse("frontdesk:parcel_create")
    hint = client.get(reverse("frontdesk:parcel_resolve"), {"q": "P9-1-901", "addressee": "1"})
    assert "P9" in hint.content.decode() and "李秀英" in hint.content.decode()
    data = {"form_token": _token(client, url), "tracking_no": "JD0012345678", "room": "P9-1-901", "carrier": "jd",
            "size": "medium", "shelf": "B2"}
    first = client.post(url, data)
    second = client.post(url, data)
    assert first.status_code == second.status_code == 302
    parcel = Parcel.objects.get()
    assert parcel.unit == room and parcel.shelf == "B2" and parcel.carrier == "jd"
    assert OutboundMessage.objects.count() == 1


@pytest.mark.django_db
def test_bad_input_is_told_at_the_field_and_what_was_typed_stays(client, clerk, room, community_a):
    make_unit(community_a, building="Q8", number="901")  # "901" alone is now two rooms
    client.force_login(clerk)
    url = reverse("frontdesk:parcel_create")
    data = {"form_token": _token(client, url), "tracking_no": "单号!!", "room": "901", "carrier": "other",
            "carrier_other": "", "size": "huge", "shelf": "x" * 25}
    response = client.post(url, data)
    assert response.status_code == 200 and not Parcel.objects.exists()
    errors = response.context["form"].errors
    assert "4 to 40 letters" in str(errors["tracking_no"])
    assert "Several rooms match" in str(errors["room"])
    assert "Name the carrier" in str(errors["carrier_other"])
    assert "size" in errors and "at most 20 characters" in str(errors["shelf"])
    html = response.content.decode()
    assert 'value="单号!!"' in html and 'value="901"' in html
    data["room"] = "99-9-9999"
    assert "No room matches" in str(client.post(url, data).context["form"].errors["room"])


@pytest.mark.django_db
def test_a_tracking_number_already_waiting_is_refused(room, clerk):
    make_parcel(room, actor=clerk, tracking_no="SF0000111")
    with pytest.raises(ValidationError) as refused:
        make_parcel(room, actor=clerk, tracking_no="sf0000111")
    assert "already waiting" in str(refused.value)


# --- a courier's batch ------------------------------------------------------------------------------------

def _batch_data(token, rows, carrier="zto"):
    data = {"form_token": token, "carrier": carrier, "carrier_other": "", "row-TOTAL_FORMS": "30",
            "row-INITIAL_FORMS": "0", "row-MIN_NUM_FORMS": "0", "row-MAX_NUM_FORMS": "60"}
    for index in range(30):
        tracking, room, shelf = rows[index] if index < len(rows) else ("", "", "")
        data |= {f"row-{index}-tracking_no": tracking, f"row-{index}-room": room, f"row-{index}-size": "small",
                 f"row-{index}-shelf": shelf}
    return data


@pytest.mark.django_db
def test_batch_saves_every_row_or_none_and_keeps_what_was_typed(client, clerk, room, community_a):
    other = make_unit(community_a, number="903", owner_phone="13900003333")
    client.force_login(clerk)
    url = reverse("frontdesk:parcel_batch")
    token = client.get(url).context["head"].initial["form_token"]
    rows = [("ZT1000001", "P9-1-901", "A1"), ("ZT1000002", "P9-1-999", "A1"), ("ZT1000001", "P9-1-903", "A2")]
    response = client.post(url, _batch_data(token, rows))
    assert response.status_code == 200 and not Parcel.objects.exists()
    forms = response.context["rows"].forms
    assert "No room matches" in str(forms[1].errors["room"])
    html = response.content.decode()
    assert 'value="P9-1-999"' in html and 'value="ZT1000002"' in html
    rows[1] = ("ZT1000002", "P9-1-903", "A1")
    response = client.post(url, _batch_data(token, rows))
    assert "also on row 1" in str(response.context["rows"].forms[2].errors["tracking_no"])
    rows[2] = ("ZT1000003", "P9-1-903", "A2")
    response = client.post(url, _batch_data(token, rows))
    assert response.status_code == 302
    assert sorted(Parcel.objects.values_list("tracking_no", "unit_id")) == [
        ("ZT1000001", room.pk), ("ZT1000002", other.pk), ("ZT1000003", other.pk)]
    assert OutboundMessage.objects.count() == 3
    assert client.post(url, _batch_data(token, rows)).status_code == 302  # double submit: still three
    assert Parcel.objects.count() == 3


@pytest.mark.django_db
def test_batch_row_refused_by_the_service_saves_nothing(client, clerk, room):
    make_parcel(room, actor=clerk, tracking_no="ZT2000002")
    client.force_login(clerk)
    url = reverse("frontdesk:parcel_batch")
    token = client.get(url).context["head"].initial["form_token"]
    response = client.post(url, _batch_data(token, [("ZT2000001", "P9-1-901", ""), ("ZT2000002", "P9-1-901", "")]))
    assert response.status_code == 200
    assert "already waiting" in str(response.context["rows"].forms[1].errors)
    assert Parcel.objects.count() == 1 and OutboundMessage.objects.count() == 1
    empty = client.post(url, _batch_data(client.get(url).context["head"].initial["form_token"], []))
    assert "at least one parcel" in str(empty.context["rows"].non_form_errors())


# --- pick-up ----------------------------------------------------------------------------------------------

def _pickup_post(client, query, data):
    url = reverse("frontdesk:parcel_pickup") + query
    token = client.get(url).context["form"].initial["form_token"]
    return client.post(url, {"form_token": token, **data})


@pytest.mark.django_db
def test_pickup_by_code_signed_on_the_pad(client, clerk, room):
    parcel = make_parcel(room, actor=clerk)
    make_parcel(room, actor=clerk, tracking_no="SF9990")
    client.force_login(clerk)
    page = client.get(reverse("frontdesk:parcel_pickup"), {"code": parcel.pickup_code})
    assert [p.pk for p in page.context["candidates"]] == [parcel.pk]
    signature = "data:image/png;base64,iVBORw0KGgo="
    response = _pickup_post(client, f"?code={parcel.pickup_code}",
                            {"parcels": [parcel.pk], "collector": "addressee", "signature": signature})
    assert response.status_code == 302
    parcel.refresh_from_db()
    assert parcel.status == "picked_up" and parcel.handed_over_by == clerk and parcel.picked_up_at
    assert parcel.signature == signature and parcel.collector == "addressee"
    assert Parcel.objects.filter(status="waiting").count() == 1


@pytest.mark.django_db
def test_pickup_by_room_hands_over_all_chosen_and_needs_a_signature(client, clerk, room):
    first = make_parcel(room, actor=clerk, tracking_no="JD0001")
    second = make_parcel(room, actor=clerk, tracking_no="JD0002")
    client.force_login(clerk)
    page = client.get(reverse("frontdesk:parcel_pickup"), {"room": "P9-1-901"})
    assert {p.pk for p in page.context["candidates"]} == {first.pk, second.pk}
    unsigned = _pickup_post(client, f"?unit={room.pk}", {"parcels": [first.pk, second.pk], "collector": "addressee"})
    assert unsigned.status_code == 200 and "signs on the pad" in str(unsigned.context["form"].errors["signature"])
    forged = _pickup_post(client, f"?unit={room.pk}", {"parcels": [first.pk], "collector": "addressee",
                                                        "signature": "javascript:alert(1)"})
    assert "could not be read" in str(forged.context["form"].errors["signature"])
    done = _pickup_post(client, f"?unit={room.pk}", {"parcels": [first.pk, second.pk], "collector": "addressee",
                                                      "signed_on_paper": "on"})
    assert done.status_code == 302 and Parcel.objects.filter(status="picked_up").count() == 2


@pytest.mark.django_db
def test_proxy_collects_a_high_value_parcel_only_with_a_valid_id_shown_masked(client, clerk, room):
    parcel = make_parcel(room, actor=clerk, high_value=True)
    client.force_login(clerk)
    query = f"?code={parcel.pickup_code}"
    base = {"parcels": [parcel.pk], "collector": "proxy", "collector_name": "王小明", "signed_on_paper": "on",
            "collector_id_type": "resident_id"}
    no_id = _pickup_post(client, query, base)
    assert "only against an ID document" in str(no_id.context["form"].errors["collector_id_number"])
    bad_id = _pickup_post(client, query, base | {"collector_id_number": "110105194912310021"})
    assert "check digit" in str(bad_id.context["form"].errors["collector_id_number"])
    assert 'value="110105194912310021"' in bad_id.content.decode()  # kept as typed
    no_name = _pickup_post(client, query, base | {"collector_name": "", "collector_id_number": VALID_ID})
    assert "proxy's name" in " ".join(no_name.context["form"].errors["collector_name"])
    assert Parcel.objects.get().status == "waiting"
    done = _pickup_post(client, query, base | {"collector_id_number": VALID_ID.lower()})
    assert done.status_code == 302
    parcel.refresh_from_db()
    assert parcel.collector_id_number == VALID_ID and parcel.collector_name == "王小明"
    html = client.get(parcel.get_absolute_url()).content.decode()
    assert MASKED_ID in html and VALID_ID not in html
    # the rule is the service's too, not only the form's
    other = make_parcel(room, actor=clerk, tracking_no="HV0002", high_value=True)
    with pytest.raises(ValidationError):
        services.parcels_pick_up(actor=clerk, parcel_ids=[other.pk], collector="proxy", collector_name="王小明",
                                 signed_on_paper=True)


@pytest.mark.django_db
def test_a_second_handover_of_the_same_parcel_says_who_already_did(client, clerk, users, room):
    parcel = make_parcel(room, actor=clerk)
    client.force_login(clerk)
    query = f"?unit={room.pk}"
    url = reverse("frontdesk:parcel_pickup") + query
    token = client.get(url).context["form"].initial["form_token"]
    services.parcels_pick_up(actor=users[Role.SUPERVISOR], parcel_ids=[parcel.pk], collector="addressee",
                             signed_on_paper=True)
    response = client.post(url, {"form_token": token, "parcels": [parcel.pk], "collector": "addressee",
                                 "signed_on_paper": "on"})
    assert response.status_code == 200
    assert "already handed over by" in str(response.context["form"].non_field_errors())
    assert ParcelStatusChange.objects.filter(parcel=parcel, to_status="picked_up").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_clerks_hand_over_one_parcel_at_once_one_wins(community_a, users, room):
    parcel = make_parcel(room, actor=users[Role.CLERK])
    barrier = threading.Barrier(2)
    results = []

    def hand_over(user):
        from django.db import connections

        try:
            barrier.wait()
            services.parcels_pick_up(actor=user, parcel_ids=[parcel.pk], collector="addressee", signed_on_paper=True)
            results.append("done")
        except ValidationError as exc:
            results.append(str(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=hand_over, args=(users[role],)) for role in (Role.CLERK, Role.SUPERVISOR)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count("done") == 1 and len(results) == 2
    assert "already handed over" in next(r for r in results if r != "done")
    assert ParcelStatusChange.objects.filter(parcel=parcel, to_status="picked_up").count() == 1


# --- void -------------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_a_wrong_entry_is_voided_with_a_reason_never_deleted(client, clerk, room):
    parcel = make_parcel(room, actor=clerk)
    client.force_login(clerk)
    url = reverse("frontdesk:parcel_void", args=[parcel.pk])
    no_reason = client.post(url, {"form_token": _token(client, url), "reason": " "})
    assert no_reason.status_code == 200 and "reason" in no_reason.context["form"].errors
    assert client.post(url, {"form_token": _token(client, url), "reason": "录错房号"}).status_code == 302
    parcel.refresh_from_db()
    assert parcel.status == "void" and parcel.void_reason == "录错房号" and parcel.voided_by == clerk
    assert client.get(reverse("frontdesk:parcel_pickup"), {"code": parcel.pickup_code}).context["candidates"] == []
    with pytest.raises(ValidationError):
        services.parcel_void(actor=clerk, parcel=parcel, reason="again")
    assert Parcel.objects.count() == 1
    assert client.get(reverse("frontdesk:parcel_list"), {"status": "void"}).context["page"].paginator.count == 1


# --- reminders and returns through a real worker -----------------------------------------------------------

@pytest.fixture
def sms_gateway(settings):
    """Only the gateway's HTTP call is mocked; everything else is the real sender."""
    settings.SMS_GATEWAY = "core.notifications.HttpSmsGateway"
    settings.SMS_GATEWAY_URL = "https://sms.example.invalid/send"
    response = mock.MagicMock(status=200)
    response.__enter__.return_value = response
    with mock.patch("core.notifications.urllib.request.urlopen", return_value=response) as urlopen:
        yield urlopen


def _wait(check, seconds=20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not check():
        time.sleep(0.2)
    return check()


def _sent_texts(gateway):
    return [json.loads(call.args[0].data) for call in gateway.call_args_list]


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_reminds_once_each_and_returns_after_m_days(community_a, users, sms_gateway):
    from celery.contrib.testing.worker import start_worker

    from config.celery import app
    from core.tasks import deliver_outbound
    from frontdesk.tasks import parcels_sweep

    clerk = users[Role.CLERK]
    ParcelSettings.objects.create(community=community_a, remind_after_days=3, return_after_days=7)
    now = timezone.now()
    units = [make_unit(community_a, number=f"9{n:02d}", owner_phone=f"1390000{n:04d}") for n in range(4)]
    with mock.patch("core.tasks.deliver_outbound.delay"):  # the arrival texts are not what this test counts
        fresh = make_parcel(units[0], actor=clerk, tracking_no="FRESH01", now=now - datetime.timedelta(days=1))
        due = [make_parcel(units[n], actor=clerk, tracking_no=f"DUE0{n}", now=now - datetime.timedelta(days=4))
               for n in (1, 2)]
        old = make_parcel(units[3], actor=clerk, tracking_no="OLD001", now=now - datetime.timedelta(days=8))
    OutboundMessage.objects.update(status=OutboundMessage.Status.SENT)

    with (mock.patch("core.tasks.deliver_outbound.delay",
                     side_effect=lambda pk: deliver_outbound.apply_async(args=[pk], queue=QUEUE)),
          start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10, queues=[QUEUE])):
        parcels_sweep.apply_async(queue=QUEUE)
        parcels_sweep.apply_async(queue=QUEUE)  # the beat fired twice (or two beats): still once each
        assert _wait(lambda: OutboundMessage.objects.filter(status="sent").count() == 4 + 3)
        time.sleep(1)
        parcels_sweep.apply_async(queue=QUEUE)
        time.sleep(2)
    texts = _sent_texts(sms_gateway)
    assert sorted(t["phone"] for t in texts) == ["13900000001", "13900000002", "13900000003"]
    assert all("returned to the sender" in t["text"] for t in texts if t["phone"] != "13900000003")
    assert "has been returned" in next(t["text"] for t in texts if t["phone"] == "13900000003")
    for parcel in due:
        assert ParcelNotice.objects.filter(parcel=parcel, kind="reminder").count() == 1
        assert Parcel.objects.get(pk=parcel.pk).status == "waiting"
    old.refresh_from_db()
    assert old.status == "returned" and old.returned_at
    assert not ParcelNotice.objects.filter(parcel=old, kind="reminder").exists()  # past M days: returned, not reminded
    assert old.status_changes.last().by is None and "7 days" in old.status_changes.last().note
    assert not ParcelNotice.objects.filter(parcel=fresh, kind="reminder").exists()


@pytest.mark.django_db
def test_the_sweep_catches_up_after_an_outage_and_requeues_lost_messages(community_a, clerk, room):
    with mock.patch("core.tasks.deliver_outbound.delay"):
        parcel = make_parcel(room, actor=clerk, now=timezone.now() - datetime.timedelta(days=5))
    later = timezone.now() + datetime.timedelta(days=1)  # the beat was down for days
    with mock.patch("core.tasks.deliver_outbound.delay") as delay:
        result = services.parcels_sweep(now=later)
        assert result["reminded"] == 1 and result["returned"] == 0
        reminder = ParcelNotice.objects.get(parcel=parcel, kind="reminder")
        assert "after" in reminder.message.body
        # the arrival text and the reminder never left (Redis lost them): queued again
        assert result["requeued"] == 2 and delay.call_count == 2
        OutboundMessage.objects.update(status=OutboundMessage.Status.SENT)
        assert services.parcels_sweep(now=later) == {"returned": 0, "reminded": 0, "requeued": 0}
        later += datetime.timedelta(days=9)
        assert services.parcels_sweep(now=later)["returned"] == 1
    assert ParcelNotice.objects.filter(parcel=parcel).count() == 3


@pytest.mark.django_db
def test_settings_page_sets_the_days_per_community(client, users, community_a):
    client.force_login(users[Role.MANAGER])
    url = reverse("frontdesk:parcel_settings")
    token = _token(client, url)
    bad = client.post(url, {"form_token": token, "remind_after_days": "5", "return_after_days": "5"})
    assert bad.status_code == 200 and "more days than the reminder" in str(bad.context["form"].errors)
    assert client.post(url, {"form_token": token, "remind_after_days": "2", "return_after_days": "10"}).status_code == 302
    assert ParcelSettings.objects.get(community=community_a).return_after_days == 10
    client.force_login(users[Role.CLERK])
    assert client.get(url).status_code == 403


# --- lists, the unit page, the lookup, the handover ----------------------------------------------------------

def _queries(client, url, params=None):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_lists_and_unit_page_take_a_constant_number_of_queries(client, clerk, room, community_a):
    client.force_login(clerk)
    make_parcel(room, actor=clerk, tracking_no="QQ00", now=timezone.now() - datetime.timedelta(days=5))
    urls = [(reverse("frontdesk:parcel_list"), None), (reverse("frontdesk:parcel_overdue"), None),
            (reverse("frontdesk:parcel_pickup"), {"unit": room.pk}), (reverse("frontdesk:unit_detail", args=[room.pk]), None),
            (reverse("frontdesk:unit_panels", args=[room.pk]), None),
            (reverse("frontdesk:parcel_list"), {"status": "all", "q": "P9-1"})]
    small = [_queries(client, url, params) for url, params in urls]
    for n in range(1, 25):
        unit = make_unit(community_a, number=f"8{n:02d}")
        make_parcel(unit if n % 2 else room, actor=clerk, tracking_no=f"QQ{n:02d}", high_value=n % 3 == 0,
                    addressee=None, now=timezone.now() - datetime.timedelta(days=n % 6))
    big = [_queries(client, url, params) for url, params in urls]
    assert small == big, (small, big)
    assert max(big[:3] + big[4:]) <= 10 and big[3] <= 12, big
    page = client.get(reverse("frontdesk:unit_panels", args=[room.pk])).content.decode()  # loaded after the page
    assert "parcels waiting" in page and reverse("frontdesk:parcel_create") + f"?unit={room.pk}" in page
    with CaptureQueriesContext(connection) as ctx:
        lines = selectors.handover_lines(community_a)
    assert len(ctx.captured_queries) <= 3
    assert "25 parcels waiting" in lines[0].text and len(lines) == 1 + 8
    assert lines[1].text.startswith("High value: ")


@pytest.mark.django_db
def test_overdue_list_shows_only_parcels_past_the_reminder_days(client, clerk, room, community_a):
    ParcelSettings.objects.create(community=community_a, remind_after_days=2, return_after_days=9)
    late = make_parcel(room, actor=clerk, tracking_no="LATE1", now=timezone.now() - datetime.timedelta(days=3))
    make_parcel(room, actor=clerk, tracking_no="NEW01")
    client.force_login(clerk)
    page = client.get(reverse("frontdesk:parcel_overdue")).context["page"]
    assert [p.pk for p in page.object_list] == [late.pk]
    assert selectors.parcels_overdue([community_a.pk]) == 1
    assert selectors.parcels_waiting([community_a.pk]) == 2
    assert selectors.parcels_arrived([community_a.pk], timezone.localdate()) >= 1


@pytest.mark.django_db
def test_lookup_offers_parcels_next_to_each_room_and_the_handover_has_the_source(client, clerk, room):
    client.force_login(clerk)
    html = client.get(reverse("frontdesk:lookup"), {"q": "P9-1-90"}, HTTP_HX_REQUEST="true").content.decode()
    assert reverse("frontdesk:parcel_pickup") + f"?unit={room.pk}" in html
    assert "parcels" in {s.key for s in handover_sources()}
    cashier = client.get(reverse("frontdesk:lookup"), {"q": "P9-1-90"}, HTTP_HX_REQUEST="true")
    assert cashier.status_code == 200


@pytest.mark.django_db
def test_a_foreign_room_is_never_resolved_nor_picked_up(client, clerk, clerk_b, room):
    parcel = make_parcel(room, actor=clerk)
    client.force_login(clerk_b)
    assert client.get(reverse("frontdesk:parcel_pickup"), {"unit": room.pk}).status_code == 404
    assert client.get(reverse("frontdesk:parcel_pickup"), {"code": parcel.pickup_code}).context["candidates"] == []
    hint = client.get(reverse("frontdesk:parcel_resolve"), {"q": "P9-1-901"}).content.decode()
    assert "No room matches" in hint
    assert client.get(reverse("frontdesk:parcel_create"), {"unit": room.pk}).status_code == 404
    assert client.get(parcel.get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_the_same_room_code_in_two_communities_is_chosen_not_guessed(client, make_user, community_a, community_b):
    here, there = make_unit(community_a), make_unit(community_b)
    assert here.code == there.code
    clerk = make_user(role=Role.CLERK, communities=[community_a, community_b], username="clerk_ab")
    client.force_login(clerk)
    hint = client.get(reverse("frontdesk:parcel_resolve"), {"q": here.code}).content.decode()
    assert f'data-pick-unit="{there.pk}"' in hint and "data-resolved" not in hint
    picked = client.get(reverse("frontdesk:parcel_resolve"), {"q": here.code, "unit": there.pk}).content.decode()
    assert f'data-resolved="{there.pk}"' in picked
    url = reverse("frontdesk:parcel_create")
    page = client.get(url, {"unit": there.pk})
    assert page.context["form"].initial["unit_id"] == str(there.pk)
    data = {"form_token": page.context["form"].initial["form_token"], "tracking_no": "EMS00001", "room": here.code,
            "carrier": "ems", "size": "small"}
    refused = client.post(url, data)
    assert "Several rooms match" in " ".join(refused.context["form"].errors["room"])
    assert client.post(url, data | {"unit_id": str(there.pk)}).status_code == 302
    assert Parcel.objects.get().unit == there
    data["form_token"] = client.get(url).context["form"].initial["form_token"]
    other_code = client.post(url, data | {"unit_id": str(there.pk), "room": "P9-1-90"})  # the id counts only with its code
    assert other_code.status_code == 200 and Parcel.objects.count() == 1


# --- demo data ---------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_demo_has_parcels_in_every_state_and_loads_once(make_user):
    import io

    from frontdesk import demo
    from tests.factories import BuildingFactory, CommunityFactory, EntranceFactory, UnitFactory

    communities = [CommunityFactory(code="CH", name="翠湖花园"), CommunityFactory(code="JX", name="锦绣家园")]
    for community in communities:
        entrance = EntranceFactory(building=BuildingFactory(community=community, name="1"), name="1")
        for n in range(40):
            unit = UnitFactory(entrance=entrance, number=f"{n + 101}")
            OccupancyFactory(unit=unit, person=PersonFactory(community=community, phone=f"1380000{n:04d}",
                                                             id_number=""))
    make_user(role=Role.CLERK, communities=communities, username="clerk")
    out = io.StringIO()
    with mock.patch("core.tasks.deliver_outbound.delay"):
        demo.load_parcels(out)
        assert "loaded" in out.getvalue()
        states = set(Parcel.objects.values_list("status", flat=True))
        assert states == set(Parcel.Status.values)
        assert Parcel.objects.filter(status="waiting", high_value=True).exists()
        assert Parcel.objects.filter(collector="proxy").exclude(collector_id_number="").exists()
        assert ParcelNotice.objects.filter(kind="reminder").exists()
        assert ParcelNotice.objects.filter(kind="returned").exists()
        count = Parcel.objects.count()
        demo.load_parcels(out)
        assert "already loaded" in out.getvalue() and Parcel.objects.count() == count


@pytest.mark.django_db
def test_waiting_figure_for_a_past_day_counts_what_was_on_the_shelf_that_evening(room, clerk, community_a):
    now = timezone.now()
    kept = make_parcel(room, actor=clerk, tracking_no="DAY00001", now=now - datetime.timedelta(days=3))
    taken = make_parcel(room, actor=clerk, tracking_no="DAY00002", now=now - datetime.timedelta(days=3))
    services.parcels_pick_up(actor=clerk, parcel_ids=[taken.pk], collector="addressee", signed_on_paper=True,
                             now=now - datetime.timedelta(days=1))
    make_parcel(room, actor=clerk, tracking_no="DAY00003")
    two_days_ago = timezone.localdate() - datetime.timedelta(days=2)
    assert selectors.parcels_waiting([community_a.pk], two_days_ago) == 2
    assert selectors.parcels_waiting([community_a.pk]) == 2  # now: kept and the new one
    assert selectors.parcels_picked_up([community_a.pk], timezone.localdate(now - datetime.timedelta(days=1))) == 1
    assert kept.status == "waiting"
