"""使用楼梯/电梯: the manager's lift list, bookings by the owner or the lead with the undertaking, the fire lift's
engineering review, the day board, no double booking (the database refuses it, also for two at once), the
status table, the lists' query counts, bad input kept, double submit."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from core.models import Role
from renovation.models import Lift, LiftBooking, LiftBookingStatusChange
from renovation.services import lifts as services
from tests.renovation.hotwork_data import book, make_lift, make_site, make_unit

S = LiftBooking.Status
TOMORROW = timezone.localdate() + datetime.timedelta(days=1)


@pytest.fixture
def unit(community_a):
    return make_unit(community_a)


@pytest.fixture
def lift(unit, users):
    return make_lift(unit, users[Role.MANAGER])


def test_a_lift_name_is_unique_per_building_and_a_lift_is_taken_out_of_use_not_deleted(unit, users, lift):
    with pytest.raises(ValidationError):
        make_lift(unit, users[Role.MANAGER])
    lift = services.lift_set_active(lift=lift, active=False, actor=users[Role.MANAGER])
    assert Lift.objects.get(pk=lift.pk).is_active is False
    with pytest.raises(ValidationError) as exc:
        book(unit, lift, users[Role.CLERK])
    assert "lift" in exc.value.error_dict


def test_an_ordinary_lift_is_booked_at_once_and_the_fire_lift_waits_for_engineering_and_the_duty_manager(
        unit, users, lift):
    clerk, engineer, supervisor = users[Role.CLERK], users[Role.ENGINEER], users[Role.SUPERVISOR]
    booking = book(unit, lift, clerk)
    assert booking.status == S.BOOKED and booking.applicant_name == "王业主"
    fire = make_lift(unit, users[Role.MANAGER], name="消防梯", kind=Lift.Kind.FIRE)
    pending = book(unit, fire, clerk, items="红砖、砂、石")
    assert pending.status == S.REVIEW
    with pytest.raises(ValidationError, match="filed themselves"):
        services.booking_review(booking=pending, passed=True, comments="", actor=clerk)
    with pytest.raises(ValidationError):
        services.booking_review(booking=pending, passed=False, comments="", actor=engineer)
    with pytest.raises(ValidationError, match="not awaiting approval"):
        services.booking_approve(booking=pending, approve=True, actor=supervisor)
    reviewed = services.booking_review(booking=pending, passed=True, comments="注意保护轿厢", actor=engineer)
    assert reviewed.status == S.APPROVAL and reviewed.engineering_by == engineer
    with pytest.raises(ValidationError, match="no longer awaiting review: .* made it"):
        services.booking_review(booking=pending, passed=True, comments="", actor=engineer)
    with pytest.raises(ValidationError, match="filed or reviewed"):
        services.booking_approve(booking=pending, approve=True, actor=engineer)
    done = services.booking_approve(booking=pending, approve=True, actor=supervisor)
    assert done.status == S.BOOKED and done.approved_by == supervisor
    assert [c.to_status for c in done.status_changes.all()] == [S.REVIEW, S.APPROVAL, S.BOOKED]
    other = services.booking_review(booking=book(unit, fire, clerk, start=datetime.time(14), end=datetime.time(15)),
                                    passed=True, comments="", actor=engineer)
    refused = services.booking_approve(booking=other, approve=False, reason="当晚消防检查", actor=supervisor)
    assert refused.status == S.REFUSED
    assert book(unit, fire, clerk, start=datetime.time(14), end=datetime.time(15)).status == S.REVIEW  # slot freed


def test_the_fire_lift_through_the_pages(unit, users, client):
    fire = make_lift(unit, users[Role.MANAGER], name="消防梯", kind=Lift.Kind.FIRE)
    booking = book(unit, fire, users[Role.CLERK])
    detail = reverse("renovation:lift_booking_detail", args=[booking.pk])
    client.force_login(users[Role.ENGINEER])
    assert 'id="review-form"' in client.get(detail).content.decode()
    client.post(reverse("renovation:lift_booking_review", args=[booking.pk]), {"decision": "pass"})
    client.force_login(users[Role.SUPERVISOR])
    assert 'id="approval-form"' in client.get(detail).content.decode()
    bad = client.post(reverse("renovation:lift_booking_approve", args=[booking.pk]), {"decision": "refuse"})
    assert bad.status_code == 200 and bad.context["approval_form"].errors["reason"]
    client.post(reverse("renovation:lift_booking_approve", args=[booking.pk]), {"decision": "approve"})
    assert LiftBooking.objects.get(pk=booking.pk).status == S.BOOKED


def test_only_the_owner_or_the_lead_may_apply_and_the_undertaking_is_required(unit, users, lift, community_a):
    from tests.factories import PersonFactory

    clerk = users[Role.CLERK]
    stranger = PersonFactory(community=community_a, name="路人")
    with pytest.raises(ValidationError) as exc:
        book(unit, lift, clerk, owner=stranger)
    assert "owner" in exc.value.error_dict
    with pytest.raises(ValidationError) as exc:
        book(unit, lift, clerk, applicant_kind="lead", owner=None)
    assert "applicant_kind" in exc.value.error_dict  # no renovation on site
    site = make_site(community_a, clerk, unit=unit)
    by_lead = book(unit, lift, clerk, applicant_kind="lead", owner=None)
    assert by_lead.applicant_name == site.lead_name and by_lead.renovation == site
    with pytest.raises(ValidationError) as exc:
        book(unit, lift, clerk, start=datetime.time(14), end=datetime.time(15), undertaking_received=False)
    assert "undertaking_received" in exc.value.error_dict


def test_no_double_booking_of_one_lift_but_another_lift_or_a_freed_slot_is_fine(unit, users, lift):
    clerk = users[Role.CLERK]
    first = book(unit, lift, clerk, start=datetime.time(9), end=datetime.time(11))
    with pytest.raises(ValidationError, match="already booked from 09:00 to 11:00") as exc:
        book(unit, lift, clerk, start=datetime.time(10), end=datetime.time(12))
    assert "start" in exc.value.error_dict
    assert book(unit, lift, clerk, start=datetime.time(11), end=datetime.time(12)).status == S.BOOKED  # touching
    other = make_lift(unit, users[Role.MANAGER], name="2号客梯", kind=Lift.Kind.PASSENGER)
    assert book(unit, other, clerk, start=datetime.time(9), end=datetime.time(11)).status == S.BOOKED
    services.booking_cancel(booking=first, reason="改期", actor=clerk)
    assert book(unit, lift, clerk, start=datetime.time(9), end=datetime.time(10)).status == S.BOOKED


def test_the_database_itself_refuses_an_overlap(unit, users, lift):
    from django.db import IntegrityError, transaction

    booking = book(unit, lift, users[Role.CLERK])
    with pytest.raises(IntegrityError), transaction.atomic():
        LiftBooking.objects.create(**{f.attname: getattr(booking, f.attname) for f in LiftBooking._meta.concrete_fields
                                      if f.attname != "id"})


@pytest.mark.django_db(transaction=True)
def test_two_bookings_of_one_slot_at_once_make_one(community_a, users):
    from django.db import close_old_connections

    unit = make_unit(community_a)
    lift = make_lift(unit, users[Role.MANAGER])
    clerks = [users[Role.CLERK], users[Role.SUPERVISOR]]
    results, barrier = [], threading.Barrier(2)

    def attempt(clerk):
        try:
            barrier.wait()
            book(unit, lift, clerk, start=datetime.time(9), end=datetime.time(10))
            results.append("ok")
        except ValidationError as exc:
            results.append(exc.message_dict["start"][0])
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=attempt, args=(c,)) for c in clerks]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count("ok") == 1 and any("already booked" in r for r in results), results
    assert LiftBooking.objects.filter(lift=lift).count() == 1


def test_every_allowed_move_and_a_refused_move_from_every_state(unit, users, lift):
    clerk = users[Role.CLERK]
    for hour, (source, targets) in enumerate(LiftBooking.TRANSITIONS.items()):
        for target in S:
            booking = book(unit, lift, clerk, start=datetime.time(hour), end=datetime.time(hour, 30))
            LiftBooking.objects.filter(pk=booking.pk).update(status=source)
            try:
                services.booking_set_status(booking=booking, to=target, actor=clerk, reason="原因")
            except ValidationError:
                assert target not in targets
            else:
                assert target in targets
                assert LiftBookingStatusChange.objects.filter(booking=booking, to_status=target).exists()
            LiftBooking.objects.filter(pk=booking.pk).update(status=S.CANCELLED)


def test_the_day_board_shows_each_lifts_slots_in_a_constant_number_of_queries(unit, users, lift, client,
                                                                               django_assert_max_num_queries):
    clerk = users[Role.CLERK]
    other = make_lift(unit, users[Role.MANAGER], name="消防梯", kind=Lift.Kind.FIRE)
    for hour in (8, 10, 13):
        book(unit, lift, clerk, start=datetime.time(hour), end=datetime.time(hour + 1))
    book(unit, other, clerk, start=datetime.time(9), end=datetime.time(10))
    cancelled = book(unit, other, clerk, start=datetime.time(15), end=datetime.time(16))
    services.booking_cancel(booking=cancelled, reason="改期", actor=clerk)
    book(unit, lift, clerk, day=TOMORROW + datetime.timedelta(days=1))  # another day
    client.force_login(clerk)
    url = reverse("renovation:lift_board")
    with django_assert_max_num_queries(10):
        response = client.get(url, {"day": f"{TOMORROW:%Y-%m-%d}", "community": unit.community_id})
    rows = {row.lift.name: [b.starts_at for b in row.bookings] for row in response.context["rows"]}
    assert len(rows[lift.name]) == 3 and len(rows[other.name]) == 1
    html = response.content.decode()
    assert "08:00–09:00" in html and "awaiting review" in html
    assert client.get(url, {"day": "2026-99-99", "building": "x"}).status_code == 200


def test_booking_through_the_page_keeps_bad_input_refuses_a_double_booking_and_submits_once(unit, users, lift, client):
    client.force_login(users[Role.CLERK])
    url = f"{reverse('renovation:lift_book')}?unit={unit.pk}"
    owner = unit.occupancies.first().person
    data = {"lift": lift.pk, "day": f"{TOMORROW:%Y-%m-%d}", "start": "09:00", "end": "10:00", "applicant_kind": "owner",
            "owner": owner.pk, "items": "瓷砖、水泥", "undertaking_received": "on",
            "form_token": "7f1d6c1e-0000-4000-8000-000000000002"}
    bad = client.post(url, {**data, "end": "08:00", "undertaking_received": ""})
    assert bad.status_code == 200 and set(bad.context["form"].errors) >= {"end", "undertaking_received"}
    assert "瓷砖、水泥" in bad.content.decode()
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302  # the same form again: one booking
    assert LiftBooking.objects.count() == 1
    clash = client.post(url, {**data, "form_token": "7f1d6c1e-0000-4000-8000-000000000003", "start": "09:30",
                              "end": "10:30"})
    assert clash.status_code == 200 and "already booked" in str(clash.context["form"].errors["start"])
    assert LiftBooking.objects.count() == 1


def test_the_manager_adds_a_lift_on_the_page(community_a, unit, users, client):
    client.force_login(users[Role.MANAGER])
    url = reverse("renovation:lift_manage")
    response = client.post(url, {"community": community_a.pk, "building": unit.building_id, "name": "3号货梯",
                                 "kind": "freight", "form_token": "7f1d6c1e-0000-4000-8000-000000000004"})
    assert response.status_code == 302 and Lift.objects.filter(name="3号货梯").exists()
    duplicate = client.post(url, {"community": community_a.pk, "building": unit.building_id, "name": "3号货梯",
                                  "kind": "freight", "form_token": "7f1d6c1e-0000-4000-8000-000000000005"})
    assert duplicate.status_code == 200 and duplicate.context["form"].errors["name"]
    lift = Lift.objects.get(name="3号货梯")
    for _twice in range(2):  # a double click takes it out of use once, never back in
        client.post(reverse("renovation:lift_toggle", args=[lift.pk]), {"active": "0"})
    assert Lift.objects.get(pk=lift.pk).is_active is False
    html = client.get(url, {"community": community_a.pk}).content.decode()
    assert "3号货梯" in html and "Back in use" in html


def test_the_bookings_list_filters_in_few_queries(unit, users, lift, client, django_assert_max_num_queries):
    clerk = users[Role.CLERK]
    for hour in range(6, 12):
        book(unit, lift, clerk, start=datetime.time(hour), end=datetime.time(hour, 45))
    client.force_login(clerk)
    url = reverse("renovation:lift_booking_list")
    with django_assert_max_num_queries(10):
        response = client.get(url)
    assert len(response.context["page"].object_list) == 6
    assert len(client.get(url, {"status": "cancelled"}).context["page"].object_list) == 0
    assert len(client.get(url, {"day": f"{TOMORROW:%Y-%m-%d}"}).context["page"].object_list) == 6
