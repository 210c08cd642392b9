"""Reminders of the renovation rounds, each sent once through the notification centre: permits ending in 3
days, sites not inspected by 16:00 (caught up the next day after an outage), acceptance overdue, and the
sources other areas register — through a real Celery worker on Redis."""

import datetime
import time
import uuid
from unittest import mock

import pytest
from django.utils import timezone

from core.models import Notification, Role
from renovation.hooks import Reminder, ReminderSource, register_reminder_source, unregister_reminder_source
from renovation.models import NoticeSent, Renovation
from renovation.services import acceptance, rounds
from renovation.services.reminders import reminders_sweep
from tests.renovation.helpers_rounds import active_site

QUEUE = f"test-renovation-reminders-{uuid.uuid4().hex[:8]}"


def _at(day, hour, minute=0):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _titles(user):
    return sorted(Notification.objects.filter(user=user).values_list("title", flat=True))


@pytest.mark.django_db
def test_each_reminder_once_and_caught_up_after_an_outage(users, community_a):
    today = timezone.localdate()
    ending = active_site(community_a, users, start=today - datetime.timedelta(days=58), days=60)  # ends in 2 days
    later = active_site(community_a, users)  # ends in 60 days: no reminder
    clerk, supervisor, engineer = users[Role.CLERK], users[Role.SUPERVISOR], users[Role.ENGINEER]
    rounds.inspection_record(renovation=later, checks_ok=[], actor=clerk, now=_at(today, 10))
    # before 16:00: the permit ending, and yesterday's round (the site was active then, nobody inspected it)
    assert reminders_sweep(now=_at(today, 9)) == 2
    assert [t for t in _titles(clerk) if ending.permit_number in t]
    assert reminders_sweep(now=_at(today, 9, 15)) == 0
    # after 16:00 one site of the community is not inspected today: once, to the clerks and the supervisor
    assert reminders_sweep(now=_at(today, 16, 1)) == 1
    assert reminders_sweep(now=_at(today, 16, 15)) == 0
    assert sum("not inspected" in t for t in _titles(supervisor)) == 2  # yesterday's and today's
    assert sum(today.isoformat() in t and "not inspected" in t for t in _titles(supervisor)) == 1
    # the worker was down from 16:00 until the next morning: tomorrow's sweep still sends yesterday's once
    # (already sent here) and nothing for tomorrow before 16:00
    assert reminders_sweep(now=_at(today + datetime.timedelta(days=1), 8)) == 0
    # an acceptance asked for 4 days ago and not recorded: the engineers, once
    acceptance.acceptance_request(renovation=later, actor=clerk, now=timezone.now() - datetime.timedelta(days=4))
    assert reminders_sweep() >= 1
    assert sum("Acceptance of" in t for t in _titles(engineer)) == 1
    reminders_sweep()
    assert sum("Acceptance of" in t for t in _titles(engineer)) == 1
    assert NoticeSent.objects.filter(kind="acceptance_overdue").count() == 1


@pytest.mark.django_db
def test_the_not_inspected_reminder_is_caught_up_the_next_morning(users, community_a):
    today = timezone.localdate()
    active_site(community_a, users, start=today - datetime.timedelta(days=3))
    # nothing ran yesterday after 16:00 (outage); this morning's sweep sends yesterday's reminder once
    reminders_sweep(now=_at(today, 7))
    titles = _titles(users[Role.CLERK])
    yesterday = (today - datetime.timedelta(days=1)).isoformat()
    assert sum(yesterday in t and "not inspected" in t for t in titles) == 1
    assert not any(today.isoformat() in t and "not inspected" in t for t in titles)


@pytest.mark.django_db
def test_registered_sources_are_swept(users, community_a):
    register_reminder_source(ReminderSource(kind="test_pass_expiring", collect=lambda now: [
        Reminder(key="pass-7", community_id=community_a.pk, title="Pass 7 expires", roles=(Role.CLERK,))]))
    try:
        assert reminders_sweep() >= 1
        reminders_sweep()
    finally:
        unregister_reminder_source("test_pass_expiring")
    assert _titles(users[Role.CLERK]).count("Pass 7 expires") == 1


def _wait(check, seconds=20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not check():
        time.sleep(0.2)
    return check()


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_each_reminder_once(users, community_a):
    from celery.contrib.testing.worker import start_worker

    from config.celery import app
    from renovation.tasks import reminders_sweep as task

    today = timezone.localdate()
    ending = active_site(community_a, users, start=today - datetime.timedelta(days=59), days=60)
    site = active_site(community_a, users)
    acceptance.acceptance_request(renovation=site, actor=users[Role.CLERK],
                                  now=timezone.now() - datetime.timedelta(days=5))
    assert Renovation.objects.get(pk=site.pk).status == Renovation.Status.ACCEPTANCE
    clerk, engineer = users[Role.CLERK], users[Role.ENGINEER]

    def permit_told():
        return Notification.objects.filter(user=clerk, title__contains=ending.permit_number).count()

    def acceptance_told():
        return Notification.objects.filter(user=engineer, title__contains=site.unit.code).count()

    with mock.patch("core.tasks.deliver_outbound.delay"), \
            start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10, queues=[QUEUE]):
        task.apply_async(queue=QUEUE)
        task.apply_async(queue=QUEUE)  # the beat fires again (or the task is re-queued): nothing twice
        assert _wait(lambda: permit_told() == 1 and acceptance_told() == 1)
        task.apply_async(queue=QUEUE)
        time.sleep(2)
    assert permit_told() == 1 and acceptance_told() == 1
    assert NoticeSent.objects.filter(kind="permit_expiring").count() == 1
