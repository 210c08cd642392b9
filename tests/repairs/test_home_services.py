"""Paid home services (有偿服务) and suggestions (建议), issue 12: the dated price list, booking with the
price shown, the 2-hour confirmation clock, the worker's completion with the charge payable at the counter
at once, the same-day callback, suggestions passed to a department and answered, statistics, query counts."""

import datetime
import time
import uuid
import zoneinfo
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core.models import Notification, OutboundMessage, Role
from repairs.models import Callback, Charge, Clock, ServicePrice, Team, Ticket
from repairs.selectors.home_services import price_list, price_on
from repairs.services import callbacks, dispatch, home_services, work
from repairs.services.escalation import clock_breach, clock_warn, sweep

S, K, CK = Ticket.Status, Ticket.Kind, Clock.Kind
TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
MIN = datetime.timedelta(minutes=1)


@pytest.fixture
def clerk(users):
    return users[Role.CLERK]


@pytest.fixture
def engineer(users):
    return users[Role.ENGINEER]


@pytest.fixture
def supervisor(users):
    user = users[Role.SUPERVISOR]
    user.email = "supervisor@example.com"
    user.save(update_fields=["email"])
    return user


@pytest.fixture
def cleaning(community_a, users):
    today = timezone.localdate()
    item = home_services.service_item_add(community=community_a, name="家居清洁", unit_of_charge="小时", price="35",
                                          valid_from=today - datetime.timedelta(days=60), actor=users[Role.SUPERVISOR])
    home_services.service_price_add(item=item, price="40", valid_from=today - datetime.timedelta(days=1),
                                    actor=users[Role.SUPERVISOR])
    return item


def book(unit, item, clerk, now=None, **over):
    now = now or timezone.now()
    values = {"quantity": "3", "workers": 1, "wanted_at": now + datetime.timedelta(hours=3), "contact_name": "张建国",
              "contact_phone": "13812345678"} | over
    return home_services.service_book(unit=unit, item=item, actor=clerk, now=now, **values)


def _any_unit(community):
    from tests.factories import BuildingFactory, EntranceFactory, UnitFactory

    return UnitFactory(entrance=EntranceFactory(building=BuildingFactory(community=community, name="7"), name="1"))


def titles(user):
    return list(Notification.objects.filter(user=user).order_by("id").values_list("title", flat=True))


# --- the price list: dated, never edited ----------------------------------------------------------

def test_a_new_price_starts_on_its_day_and_the_old_one_stays(cleaning, users):
    today = timezone.localdate()
    assert price_on(item=cleaning, day=today - datetime.timedelta(days=30)).price == Decimal("35.00")
    assert price_on(item=cleaning, day=today).price == Decimal("40.00")
    assert price_on(item=cleaning, day=today - datetime.timedelta(days=61)) is None
    later = home_services.service_price_add(item=cleaning, price="45", valid_from=today + datetime.timedelta(days=10),
                                            actor=users[Role.MANAGER])
    assert price_on(item=cleaning, day=today).price == Decimal("40.00")  # not yet
    assert price_on(item=cleaning, day=later.valid_from).price == Decimal("45.00")
    assert ServicePrice.objects.filter(item=cleaning).count() == 3  # nothing replaced
    with pytest.raises(ValidationError) as exc:
        home_services.service_price_add(item=cleaning, price="50", valid_from=later.valid_from, actor=users[Role.MANAGER])
    assert "valid_from" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        home_services.service_price_add(item=cleaning, price="-1", valid_from=today + datetime.timedelta(days=20),
                                        actor=users[Role.MANAGER])
    assert "price" in exc.value.message_dict
    [line] = price_list(community=cleaning.community, day=today)
    assert line.price == Decimal("40.00") and line.valid_from == today - datetime.timedelta(days=1)


def test_the_price_list_page_and_a_new_price_by_the_supervisor(client, cleaning, users, django_assert_max_num_queries):
    client.force_login(users[Role.CLERK])
    with django_assert_max_num_queries(10):
        page = client.get(reverse("repairs:service_prices"))
    assert "家居清洁" in page.content.decode() and not page.context["can_price"]
    client.force_login(users[Role.SUPERVISOR])
    url = reverse("repairs:service_price_create", args=[cleaning.pk])
    day = timezone.localdate() + datetime.timedelta(days=7)
    data = {"form_token": str(uuid.uuid4()), "price": "48", "valid_from": day.isoformat()}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302  # double submit: one price
    assert ServicePrice.objects.filter(item=cleaning, valid_from=day).count() == 1
    again = client.post(url, data | {"form_token": str(uuid.uuid4()), "price": "49"})
    assert again.status_code == 200 and again.context["form"].errors["valid_from"]
    assert again.context["form"]["price"].value() == "49"  # what was typed is kept
    history = client.get(reverse("repairs:service_prices")).context["history"]
    [yesterday, older] = [p for p in history[0].all_prices if p.valid_from < day]
    assert yesterday.valid_to == day - datetime.timedelta(days=1) and older.valid_to == yesterday.valid_from - \
        datetime.timedelta(days=1)
    # taken off the list: no more bookings, its prices stay; put back
    toggle = reverse("repairs:service_item_toggle", args=[cleaning.pk])
    assert client.post(toggle, {"form_token": str(uuid.uuid4())}).status_code == 302
    cleaning.refresh_from_db()
    assert not cleaning.is_active and ServicePrice.objects.filter(item=cleaning).count() == 3
    with pytest.raises(ValidationError):
        book(cleaning.community.units.first() or _any_unit(cleaning.community), cleaning, users[Role.CLERK])
    client.post(toggle, {"form_token": str(uuid.uuid4())})
    cleaning.refresh_from_db()
    assert cleaning.is_active


# --- booking, confirming within 2 hours -----------------------------------------------------------

def test_booking_from_the_lookup_shows_the_price_and_double_submit_books_once(client, clerk, cleaning, unit_a,
                                                                              django_assert_max_num_queries):
    client.force_login(clerk)
    url = reverse("repairs:service_book")
    lookup = client.get(reverse("frontdesk:lookup"), {"q": unit_a.code}, follow=True).content.decode()
    assert f"{url}?unit={unit_a.pk}" in lookup  # the action next to the room (the lookup opens its page)
    with django_assert_max_num_queries(14):
        page = client.get(url, {"unit": unit_a.pk})
    assert "¥40.00" in page.content.decode()  # the price told to the owner first
    wanted = timezone.localtime() + datetime.timedelta(hours=4)
    data = {"form_token": str(uuid.uuid4()), "unit": unit_a.pk, "item": cleaning.pk, "quantity": "3", "workers": "2",
            "wanted_at": wanted.strftime("%Y-%m-%dT%H:%M"), "contact_name": "张建国", "contact_phone": "13812345678",
            "description": "全屋清洁"}
    first, second = client.post(url, data), client.post(url, data)
    assert first.status_code == 302 and second["Location"] == first["Location"]
    ticket = Ticket.objects.get(kind=K.SERVICE)
    assert ticket.number.startswith("FW-") and ticket.is_paid and ticket.service_workers == 2
    assert ticket.service_item == cleaning and ticket.service_quantity == Decimal("3.00")
    clock = Clock.objects.get(ticket=ticket, kind=CK.CONFIRM)
    assert clock.due_at - clock.started_at == datetime.timedelta(hours=2)
    bad = client.post(url, data | {"form_token": str(uuid.uuid4()), "workers": "0", "quantity": "abc"})
    assert bad.status_code == 200 and set(bad.context["form"].errors) >= {"workers", "quantity"}
    assert bad.context["form"]["contact_name"].value() == "张建国"


def test_a_service_without_a_price_or_of_another_community_is_refused(clerk, users, community_a, unit_a, unit_b):
    future = home_services.service_item_add(community=community_a, name="擦玻璃", unit_of_charge="平方米", price="5",
                                            valid_from=timezone.localdate() + datetime.timedelta(days=3),
                                            actor=users[Role.SUPERVISOR])
    with pytest.raises(ValidationError) as exc:
        book(unit_a, future, clerk)
    assert "item" in exc.value.message_dict
    with pytest.raises(ValidationError):
        book(unit_b, future, clerk)


def test_the_confirmation_clock_warns_breaches_and_escalates_once_each(clerk, supervisor, cleaning, unit_a):
    ticket = book(unit_a, cleaning, clerk)
    clock = Clock.objects.get(ticket=ticket, kind=CK.CONFIRM)
    assert clock_warn(clock_id=clock.pk, now=clock.warn_at - MIN) == "not yet due"
    assert clock_warn(clock_id=clock.pk, now=clock.warn_at) == "warned"
    assert clock_warn(clock_id=clock.pk, now=clock.warn_at + MIN) == "already warned"
    assert len(titles(clerk)) == 1 and ticket.number in titles(clerk)[0] and titles(supervisor) == []
    assert clock_breach(clock_id=clock.pk, now=clock.due_at) == "breached"
    assert clock_breach(clock_id=clock.pk, now=clock.due_at + MIN) == "already breached"
    assert sweep(now=clock.due_at + 5 * MIN) == 0
    ticket.refresh_from_db()
    assert ticket.is_overdue and len(titles(supervisor)) == 1
    assert list(OutboundMessage.objects.values_list("recipient", flat=True)) == ["supervisor@example.com"]
    assert len(titles(clerk)) == 1  # the desk itself is late: no "inform the owner" prompt


def test_confirming_in_time_meets_the_clock_and_dispatches(clerk, engineer, supervisor, cleaning, unit_a):
    ticket = book(unit_a, cleaning, clerk)
    start = timezone.now() + datetime.timedelta(hours=3)
    ticket = home_services.service_confirm(ticket=ticket, start=start, end=start + datetime.timedelta(hours=3),
                                           assignee=engineer, actor=clerk)
    assert ticket.status == S.DISPATCHED and ticket.assignee == engineer and ticket.appointment_start == start
    confirm = Clock.objects.get(ticket=ticket, kind=CK.CONFIRM)
    assert confirm.met_at and sweep(now=confirm.due_at + MIN) == 0 and titles(supervisor) == []
    assert Clock.objects.get(ticket=ticket, kind=CK.APPOINTMENT, met_at__isnull=True).due_at == ticket.appointment_end
    with pytest.raises(ValidationError) as exc:  # moving it to another time needs a reason
        home_services.service_confirm(ticket=ticket, start=start + MIN * 60, end=start + MIN * 120, assignee=engineer,
                                      actor=clerk)
    assert "note" in exc.value.message_dict
    moved = home_services.service_confirm(ticket=ticket, start=start + MIN * 60, end=start + MIN * 120,
                                          assignee=engineer, note="业主改时间", actor=clerk)
    assert Clock.objects.filter(ticket=moved, kind=CK.APPOINTMENT, met_at__isnull=True,
                                cancelled_at__isnull=True).get().due_at == start + MIN * 120


def test_the_confirm_move_on_the_ticket_page(client, clerk, engineer, cleaning, unit_a):
    ticket = book(unit_a, cleaning, clerk)
    client.force_login(clerk)
    page = client.get(ticket.get_absolute_url())
    assert page.context["moves"][0] == "confirm"
    url = reverse("repairs:ticket_move", args=[ticket.pk, "confirm"])
    start = timezone.localtime() + datetime.timedelta(hours=2)
    form = client.get(url).context["form"]
    data = {"form_token": str(uuid.uuid4()), "seen": form.initial["seen"], "dispatch_to": f"u{engineer.pk}",
            "start": start.strftime("%Y-%m-%dT%H:%M"), "end": (start + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "note": ""}
    bad = client.post(url, data | {"end": start.strftime("%Y-%m-%dT%H:%M")})
    assert bad.status_code == 200 and bad.context["form"].errors
    assert client.post(url, data).status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == S.DISPATCHED and ticket.assignee == engineer


# --- completion: the charge at the counter at once, the same-day callback --------------------------

def _confirmed(unit, item, clerk, engineer, now=None):
    now = now or timezone.now()
    ticket = book(unit, item, clerk, now=now)
    return home_services.service_confirm(ticket=ticket, start=now + MIN * 60, end=now + MIN * 180, assignee=engineer,
                                         actor=clerk, now=now + MIN * 10)


def test_the_worker_completes_on_the_phone_and_the_cashier_takes_the_charge_at_once(client, clerk, engineer, users,
                                                                                   cleaning, unit_a):
    from billing.models import Receipt

    ticket = _confirmed(unit_a, cleaning, clerk, engineer)
    client.force_login(engineer)
    assert client.get(reverse("repairs:work_list")).context["tickets"] == [ticket]
    for step in ("work_accept", "work_arrive"):
        client.post(reverse(f"repairs:{step}", args=[ticket.pk]), {"form_token": str(uuid.uuid4())})
    url = reverse("repairs:work_complete", args=[ticket.pk])
    form = client.get(url).context["form"]
    assert "charge_amount" not in form.fields and form.initial["quantity"] == Decimal("3.00")
    response = client.post(url, {"form_token": str(uuid.uuid4()), "work_done": "全屋清洁完成", "quantity": "3.5",
                                 "materials": "", "labour_minutes": "", "owner_confirmation": "张建国",
                                 "owner_signature": ""})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == S.COMPLETED and ticket.charge_amount == Decimal("140.00")  # 40 × 3.5
    assert ticket.service_quantity == Decimal("3.50")
    charge = Charge.objects.get(ticket=ticket)
    assert charge.billed_at and "家居清洁" in charge.description
    # the same-day callback, with its clock
    cb = Callback.objects.get(ticket=ticket)
    local_due = timezone.localtime(cb.due_at, TZ)
    done_local = timezone.localtime(ticket.completed_at, TZ)
    if done_local.time() <= datetime.time(20, 0):
        assert local_due.date() == done_local.date() and local_due.time() == datetime.time(20, 0)
    assert Clock.objects.get(ticket=ticket, kind=CK.CALLBACK).due_at == cb.due_at
    # the cashier: outstanding at once, paid, a receipt
    client.force_login(users[Role.CASHIER])
    page = client.get(reverse("billing:unit", args=[unit_a.pk]))
    bills = [b for b in page.context["bills"] if ticket.number in b.description]
    assert len(bills) == 1 and bills[0].outstanding == Decimal("140.00")
    response = client.post(reverse("billing:pay", args=[unit_a.pk]), {
        "form_token": page.context["form"].initial["form_token"], "bills": [bills[0].pk], "amount": "140.00",
        "method": "cash", "payer_name": "张建国", "reference": "", "note": ""})
    assert response.status_code == 302
    assert Receipt.objects.get().amount == Decimal("140.00")
    # the service order PDF
    client.force_login(clerk)
    pdf = client.get(reverse("repairs:service_order_pdf", args=[ticket.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_a_paid_repair_is_payable_at_the_counter_right_after_completion(client, clerk, engineer, users, community_a,
                                                                       unit_a):
    from tests.repairs.matrix_work import dispatched_to, move

    ticket = move(dispatched_to(engineer, community_a, actor=clerk, unit=unit_a, is_paid=True), S.ACCEPTED, S.ON_SITE,
                  actor=engineer)
    work.ticket_complete(ticket=ticket, actor=engineer, work_done="换阀芯", charge_amount="80",
                         owner_confirmation="张建国")
    client.force_login(users[Role.CASHIER])
    bills = [b for b in client.get(reverse("billing:unit", args=[unit_a.pk])).context["bills"]
             if ticket.number in b.description]
    assert len(bills) == 1 and bills[0].outstanding == Decimal("80.00")


def test_same_day_callback_clock_of_a_service_breaches_once(clerk, engineer, supervisor, cleaning, unit_a):
    now = datetime.datetime.combine(timezone.localdate(), datetime.time(9, 0), tzinfo=TZ)
    ticket = _confirmed(unit_a, cleaning, clerk, engineer, now=now - datetime.timedelta(days=0))
    ticket = work.ticket_arrive(ticket=work.ticket_accept(ticket=ticket, actor=engineer, now=now + MIN * 20),
                                actor=engineer, now=now + MIN * 60)
    ticket = home_services.service_complete(ticket=ticket, actor=engineer, quantity="3", work_done="完成",
                                            owner_confirmation="张建国", now=now + MIN * 180)
    clock = Clock.objects.get(ticket=ticket, kind=CK.CALLBACK)
    assert timezone.localtime(clock.due_at, TZ).time() == datetime.time(20, 0)
    assert timezone.localtime(clock.due_at, TZ).date() == now.date()
    assert clock_warn(clock_id=clock.pk, now=clock.warn_at) == "warned"
    assert clock_breach(clock_id=clock.pk, now=clock.due_at) == "breached"
    assert clock_breach(clock_id=clock.pk, now=clock.due_at + MIN) == "already breached"
    assert len(titles(supervisor)) == 1
    cb = callbacks.callback_result_record(callback=ticket.callback, satisfaction=5, actor=clerk,
                                          now=clock.due_at + MIN)
    assert cb.status == Callback.Status.DONE
    ticket.refresh_from_db()
    assert ticket.status == S.CALLBACK_DONE


# --- suggestions ------------------------------------------------------------------------------------

def test_a_suggestion_is_passed_on_answered_and_the_answer_given_to_the_owner(client, clerk, community_a, unit_a):
    team = Team.objects.create(community=community_a, name="客服部")
    client.force_login(clerk)
    page = client.get(reverse("repairs:ticket_create"), {"unit": unit_a.pk})
    kinds = [v for v, _label in page.context["form"].fields["kind"].choices]
    assert K.SUGGESTION in kinds and K.SERVICE not in kinds
    category = page.context["form"].initial["category"]
    data = {"form_token": str(uuid.uuid4()), "kind": K.SUGGESTION, "channel": "walk_in", "unit": unit_a.pk,
            "contact_name": "张建国", "contact_phone": "13812345678", "description": "建议增设充电桩",
            "category": category.pk if category.pk else f"new-{community_a.pk}-{category.sort_order}",
            "urgency": "normal", "dispatch_to": f"t{team.pk}"}
    response = client.post(reverse("repairs:ticket_create"), data)
    assert response.status_code == 302, response.context["form"].errors
    ticket = Ticket.objects.get(kind=K.SUGGESTION)
    assert ticket.number.startswith("JY-") and ticket.status == S.ASSIGNED and ticket.team == team
    assert not Clock.objects.filter(ticket=ticket).exists()
    assert "reply" in client.get(ticket.get_absolute_url()).context["moves"]
    ticket = dispatch.ticket_reply(ticket=ticket, text="计划下月安装", actor=clerk)
    assert ticket.status == S.REPLIED
    cb = Callback.objects.get(ticket=ticket)  # the answer is given to the owner by the callback
    callbacks.callback_result_record(callback=cb, satisfaction=4, comment="认可", actor=clerk)
    ticket.refresh_from_db()
    assert ticket.status == S.CALLBACK_DONE
    assert dispatch.ticket_close(ticket=ticket, actor=clerk).status == S.CLOSED


def test_suggestions_are_counted_apart_from_enquiries(client, community_a, users, clerk):
    from repairs.services import intake, manage

    manage.categories_ensure(community=community_a)
    category = community_a.ticket_categories.first()
    for kind in (K.SUGGESTION, K.SUGGESTION, K.ENQUIRY):
        intake.ticket_create(community=community_a, kind=kind, channel="phone", location="大堂", contact_name="张",
                             contact_phone="13812345678", category=category, description="x", actor=clerk)
    client.force_login(users[Role.SUPERVISOR])
    page = client.get(reverse("repairs:stats"))
    stats = page.context["stats"]
    by_kind = {row["kind"]: row["total"] for row in stats.by_kind}
    assert by_kind[K.SUGGESTION] == 2 and by_kind[K.ENQUIRY] == 1 and by_kind[K.SERVICE] == 0
    assert sum(stats.totals["suggestions"]) == 2 and sum(stats.totals["enquiries"]) == 1
    assert 'id="by-kind"' in page.content.decode()


# --- the board with the new kinds -----------------------------------------------------------------

def test_the_board_with_services_and_suggestions_keeps_its_query_count(client, clerk, engineer, cleaning, unit_a,
                                                                       community_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from repairs.services import intake, manage

    manage.categories_ensure(community=community_a)
    category = community_a.ticket_categories.first()
    for i in range(6):
        ticket = book(unit_a, cleaning, clerk)
        if i % 2:
            home_services.service_confirm(ticket=ticket, start=timezone.now() + MIN * 60,
                                          end=timezone.now() + MIN * 120, assignee=engineer, actor=clerk)
        intake.ticket_create(community=community_a, kind=K.SUGGESTION, channel="phone", unit=unit_a,
                             contact_name="张", contact_phone="13812345678", category=category, description="建议",
                             actor=clerk)
    client.force_login(clerk)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("repairs:board"), {"kind": K.SERVICE}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and len(ctx) <= 10, "\n".join(q["sql"][:150] for q in ctx)
    assert response.content.decode().count("FW-") >= 6
    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("repairs:board"))
    assert len(ctx) <= 10


# --- the real worker: the confirmation clock's ETA task and the sweeper ------------------------------

QUEUE = f"test-repairs-services-{uuid.uuid4().hex[:8]}"


def _wait(check, seconds=15):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not check():
        time.sleep(0.2)
    return check()


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_breaches_a_missed_confirmation_once(community_a, users):
    from unittest import mock

    from celery.contrib.testing.worker import start_worker

    from config.celery import app
    from core.tasks import deliver_outbound
    from repairs.tasks import clock_fire, clock_sweep
    from tests.factories import BuildingFactory, EntranceFactory, UnitFactory

    clerk, supervisor = users[Role.CLERK], users[Role.SUPERVISOR]
    supervisor.email = "supervisor@example.com"
    supervisor.save(update_fields=["email"])
    unit = UnitFactory(entrance=EntranceFactory(building=BuildingFactory(community=community_a, name="8"), name="1"))
    item = home_services.service_item_add(community=community_a, name="家居清洁", unit_of_charge="小时", price="40",
                                          valid_from=timezone.localdate() - datetime.timedelta(days=1), actor=supervisor)
    past = timezone.now() - datetime.timedelta(hours=3)
    with mock.patch("repairs.services.clocks._schedule"):  # booked 3 hours ago: its ETA tasks are fired below
        by_eta = book(unit, item, clerk, now=past)
        by_sweep = book(unit, item, clerk, now=past)
    eta_clock = Clock.objects.get(ticket=by_eta, kind=CK.CONFIRM)

    def told(ticket):
        return Notification.objects.filter(user=supervisor, title__contains=ticket.number).count()

    with (mock.patch("core.tasks.deliver_outbound.delay",
                     side_effect=lambda pk: deliver_outbound.apply_async(args=[pk], queue=QUEUE)),
          start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10, queues=[QUEUE])):
        clock_fire.apply_async(args=[eta_clock.pk, "breach"], queue=QUEUE)
        clock_fire.apply_async(args=[eta_clock.pk, "breach"], queue=QUEUE)  # twice: acted on once
        assert _wait(lambda: told(by_eta) == 1)
        clock_sweep.apply_async(queue=QUEUE)
        assert _wait(lambda: told(by_sweep) == 1)
        clock_sweep.apply_async(queue=QUEUE)  # a second sweep finds nothing
        time.sleep(1)
    assert told(by_eta) == 1 and told(by_sweep) == 1
    assert Clock.objects.filter(kind=CK.CONFIRM, breached_at__isnull=False).count() == 2
    assert Ticket.objects.filter(kind=K.SERVICE, is_overdue=True).count() == 2
