"""Callbacks (回访): due times, the list, attempts, results (satisfied, reopen, escalate), reminders."""

import datetime
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import Notification, Role
from repairs.models import (
    Callback,
    CallbackAttempt,
    CallbackStatusChange,
    Clock,
    Ticket,
)
from repairs.services import callbacks as cb
from repairs.services import work
from tests.repairs.matrix_work import dispatched_to, move

S = Ticket.Status
TZ = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(hour, minute=0, day=22):
    return datetime.datetime(2026, 11, day, hour, minute, tzinfo=TZ)


def completed(users, community, unit=None, now=None):
    engineer, clerk = users[Role.ENGINEER], users[Role.CLERK]
    ticket = move(dispatched_to(engineer, community, actor=clerk, unit=unit), S.ACCEPTED, S.ON_SITE, actor=engineer)
    work.ticket_complete(ticket=ticket, actor=engineer, work_done="修好", owner_confirmation="张建国", now=now)
    return Callback.objects.select_related("ticket").get(ticket=ticket)


# --- due times -----------------------------------------------------------------------------------

def test_home_repair_due_same_evening_or_next_noon_others_in_24_hours(users, community_a, unit_a):
    ticket = dispatched_to(users[Role.ENGINEER], community_a, actor=users[Role.CLERK], unit=unit_a)
    assert cb.callback_due_at(ticket=ticket, done_at=at(15)) == at(20)
    assert cb.callback_due_at(ticket=ticket, done_at=at(20)) == at(20)
    assert cb.callback_due_at(ticket=ticket, done_at=at(21, 30)) == at(12, day=23)
    common = dispatched_to(users[Role.ENGINEER], community_a, actor=users[Role.CLERK])
    assert cb.callback_due_at(ticket=common, done_at=at(15)) == at(15, day=23)


def test_completing_opens_the_callback_with_its_clock(users, community_a, unit_a):
    callback = completed(users, community_a, unit=unit_a, now=at(21, 30))
    assert callback.due_at == at(12, day=23)
    clock = Clock.objects.get(ticket=callback.ticket, kind=Clock.Kind.CALLBACK)
    assert clock.due_at == callback.due_at and clock.met_at is None


def test_complaint_replied_opens_a_callback(users, community_a):
    clerk = users[Role.CLERK]
    from tests.repairs.matrix_work import make_ticket

    complaint = move(make_ticket(community_a, actor=clerk, kind=Ticket.Kind.COMPLAINT), S.ASSIGNED, S.IN_PROGRESS,
                     S.REPLIED, actor=clerk)
    callback = cb.callback_open_for(complaint, now=at(10))
    assert callback.due_at == at(10, day=23)


# --- the list ------------------------------------------------------------------------------------

def test_list_by_due_time_overdue_first_constant_queries(client, users, community_a, unit_a, clerk_b, unit_b):
    first = completed(users, community_a, unit=unit_a)
    Callback.objects.filter(pk=first.pk).update(due_at=at(8, day=20))
    client.force_login(users[Role.CLERK])
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("repairs:callback_list"))
    later = [completed(users, community_a) for _ in range(4)]
    CallbackAttempt.objects.create(callback=later[0], result="no_answer", by=users[Role.CLERK], at=at(9))
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("repairs:callback_list"))
    rows = response.context["callbacks"]
    assert rows[0].pk == first.pk and len(rows) == 5
    assert [r.due_at for r in rows] == sorted(r.due_at for r in rows)
    assert len(many) == len(few)
    overdue = client.get(reverse("repairs:callback_list"), {"show": "overdue"}).context["callbacks"]
    assert [c.pk for c in overdue] == [first.pk]
    client.force_login(clerk_b)
    assert list(client.get(reverse("repairs:callback_list")).context["callbacks"]) == []


# --- attempts and results ------------------------------------------------------------------------

def test_record_an_attempt(client, users, community_a):
    callback = completed(users, community_a)
    client.force_login(users[Role.CLERK])
    url = reverse("repairs:callback_attempt", args=[callback.pk])
    response = client.post(url, {"result": ""})
    assert response.status_code == 200 and response.context["attempt_form"].errors["result"]
    token = "5f0c1a3e-1111-4b4b-8c8c-000000000001"
    assert client.post(url, {"result": "no_answer", "note": "无人接听", "form_token": token}).status_code == 302
    assert client.post(url, {"result": "no_answer", "note": "无人接听", "form_token": token}).status_code == 302
    assert list(callback.attempts.values_list("result", "note")) == [("no_answer", "无人接听")]


def test_satisfied_result_marks_callback_done(client, users, community_a):
    callback = completed(users, community_a)
    client.force_login(users[Role.CLERK])
    response = client.post(reverse("repairs:callback_result", args=[callback.pk]), {"satisfaction": "4", "comment": "师傅很好"})
    assert response.status_code == 302
    callback.refresh_from_db()
    callback.ticket.refresh_from_db()
    assert callback.status == Callback.Status.DONE and callback.outcome == Callback.Outcome.SATISFIED
    assert callback.satisfaction == 4 and callback.done_by == users[Role.CLERK]
    assert callback.ticket.status == S.CALLBACK_DONE
    assert Clock.objects.get(ticket=callback.ticket, kind=Clock.Kind.CALLBACK).met_at is not None
    # a second result is refused
    with pytest.raises(ValidationError):
        cb.callback_result_record(callback=callback, satisfaction=5, actor=users[Role.CLERK])


def test_callback_status_has_one_writer_checked_against_its_table(users, community_a):
    clerk = users[Role.CLERK]
    callback = completed(users, community_a)
    with pytest.raises(ValidationError) as exc:  # the rejected move: to do -> to do
        cb.callback_set_status(callback=callback, to=Callback.Status.PENDING, actor=clerk)
    assert exc.value.code == "bad_move" and not CallbackStatusChange.objects.exists()
    done = cb.callback_set_status(callback=callback, to=Callback.Status.DONE, actor=clerk, note="核实",
                                  satisfaction=5, done_by=clerk)
    assert done.status == Callback.Status.DONE and done.satisfaction == 5
    change = CallbackStatusChange.objects.get()
    assert (change.callback, change.from_status, change.to_status, change.actor, change.note) == (
        callback, "pending", "done", clerk, "核实")
    with pytest.raises(ValidationError) as exc:  # done -> done
        cb.callback_set_status(callback=callback, to=Callback.Status.DONE, actor=clerk)
    assert exc.value.code == "done"


def test_completed_again_puts_the_callback_back_to_do_with_a_change_row(users, community_a):
    callback = completed(users, community_a)
    cb.callback_result_record(callback=callback, satisfaction=1, action="reopen", reason="还漏", actor=users[Role.CLERK])
    ticket = move(Ticket.objects.get(pk=callback.ticket_id), S.DISPATCHED, S.ACCEPTED, S.ON_SITE,
                  actor=users[Role.ENGINEER])
    work.ticket_complete(ticket=ticket, actor=users[Role.ENGINEER], work_done="再修", owner_confirmation="张建国")
    callback.refresh_from_db()
    assert callback.status == Callback.Status.PENDING and callback.satisfaction is None and callback.outcome == ""
    assert list(CallbackStatusChange.objects.filter(callback=callback).values_list("from_status", "to_status", "actor")) == [
        ("pending", "done", users[Role.CLERK].pk), ("done", "pending", users[Role.ENGINEER].pk)]


def test_dissatisfied_needs_a_choice_and_a_reason(client, users, community_a):
    callback = completed(users, community_a)
    client.force_login(users[Role.CLERK])
    response = client.post(reverse("repairs:callback_result", args=[callback.pk]), {"satisfaction": "2", "comment": "还漏"})
    form = response.context["result_form"]
    assert response.status_code == 200 and form.errors["action"] and form.errors["reason"]
    assert "还漏" in response.content.decode()
    callback.refresh_from_db()
    assert callback.status == Callback.Status.PENDING
    with pytest.raises(ValidationError) as exc:
        cb.callback_result_record(callback=callback, satisfaction=1, actor=users[Role.CLERK])
    assert set(exc.value.message_dict) == {"action", "reason"}


def test_dissatisfied_reopens_the_ticket(client, users, community_a):
    callback = completed(users, community_a)
    client.force_login(users[Role.CLERK])
    client.post(reverse("repairs:callback_result", args=[callback.pk]),
                {"satisfaction": "1", "action": "reopen", "reason": "水龙头仍在漏水"})
    callback.refresh_from_db()
    ticket = Ticket.objects.get(pk=callback.ticket_id)
    assert ticket.status == S.REOPENED and callback.outcome == Callback.Outcome.REOPEN
    assert ticket.status_changes.last().note.endswith("水龙头仍在漏水")
    assert not Clock.objects.filter(ticket=ticket, kind=Clock.Kind.CALLBACK, met_at__isnull=True).exists()
    # fixed again: the same callback is to do again, with a new deadline
    engineer = users[Role.ENGINEER]
    ticket = move(ticket, S.DISPATCHED, actor=users[Role.CLERK], assignee=engineer)
    ticket = move(ticket, S.ACCEPTED, S.ON_SITE, actor=engineer)
    work.ticket_complete(ticket=ticket, actor=engineer, work_done="换整个龙头")
    callback.refresh_from_db()
    assert callback.status == Callback.Status.PENDING and callback.satisfaction is None


def test_dissatisfied_escalates_to_the_supervisors(client, users, community_a, make_user, community_b):
    make_user(role=Role.SUPERVISOR, communities=[community_b], username="sup_b")
    callback = completed(users, community_a)
    client.force_login(users[Role.CLERK])
    client.post(reverse("repairs:callback_result", args=[callback.pk]),
                {"satisfaction": "2", "action": "escalate", "reason": "态度差"})
    callback.refresh_from_db()
    assert callback.outcome == Callback.Outcome.ESCALATE and callback.status == Callback.Status.DONE
    assert Ticket.objects.get(pk=callback.ticket_id).status == S.CALLBACK_DONE
    notes = Notification.objects.filter(title__contains=callback.ticket.number)
    assert [n.user for n in notes] == [users[Role.SUPERVISOR]]
    assert "态度差" in notes[0].body


# --- reminders -----------------------------------------------------------------------------------

def test_reminders_go_to_the_clerks_once(users, community_a, community_b, make_user):
    make_user(role=Role.CLERK, communities=[community_b], username="clerk_b2")
    soon = completed(users, community_a)
    late = completed(users, community_a)
    later = completed(users, community_a)
    now = at(15)
    Callback.objects.filter(pk=soon.pk).update(due_at=now + datetime.timedelta(minutes=45))
    Callback.objects.filter(pk=late.pk).update(due_at=now - datetime.timedelta(hours=1))
    Callback.objects.filter(pk=later.pk).update(due_at=now + datetime.timedelta(hours=2))
    assert sorted(cb.callback_reminders_send(now=now)) == sorted([soon.pk, late.pk])
    assert cb.callback_reminders_send(now=now) == []
    notes = Notification.objects.filter(title__contains="BX-")
    assert notes.count() == 2 and {n.user for n in notes} == {users[Role.CLERK]}
    assert Callback.objects.get(pk=soon.pk).reminder_sent_at == now


def test_reminder_task_calls_the_service(users, community_a):
    from repairs.tasks import callback_reminders

    callback = completed(users, community_a)
    Callback.objects.filter(pk=callback.pk).update(due_at=at(1, day=1))
    assert callback_reminders.run() == 1
    assert callback_reminders.run() == 0


@pytest.mark.django_db(transaction=True)
def test_reminders_running_at_once_send_each_once(users, community_a):
    """Two overlapping runs (a slow beat and the next one): each callback is reminded exactly once."""
    import threading

    from django.db import connections, transaction

    for _ in range(6):
        with transaction.atomic():
            callback = completed(users, community_a)
        Callback.objects.filter(pk=callback.pk).update(due_at=at(1, day=1))
    results, barrier = [], threading.Barrier(2)

    def run():
        try:
            barrier.wait()
            results.append(cb.callback_reminders_send())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    sent = [pk for batch in results for pk in batch]
    assert len(sent) == 6 and len(set(sent)) == 6
    assert Notification.objects.filter(title__contains="BX-").count() == 6
