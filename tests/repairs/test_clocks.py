"""The clocks: each kind warned and breached once, by its ETA task or by the sweeper; pauses move
deadlines; escalation reaches the clerks and supervisors of the community exactly once; the overdue
list and "the owner was informed"."""

import datetime
import threading
from unittest import mock

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import Notification, OutboundMessage, Role
from repairs.models import Clock, ClockSettings, Ticket
from repairs.selectors.clocks import clock_state
from repairs.services import clocks
from repairs.services.escalation import (
    clock_breach,
    clock_owner_informed,
    clock_warn,
    sweep,
)
from repairs.services.tickets import ticket_set_status
from tests.repairs.matrix_clocks import T0, make_clock, make_ticket

K = Clock.Kind
S = Ticket.Status
MIN = datetime.timedelta(minutes=1)


@pytest.fixture
def clerk(users):
    return users[Role.CLERK]


@pytest.fixture
def supervisor(users):
    user = users[Role.SUPERVISOR]
    user.email = "supervisor@example.com"
    user.save(update_fields=["email"])
    return user


@pytest.fixture
def ticket(community_a, clerk):
    return make_ticket(community_a, actor=clerk)


def titles(user):
    return list(Notification.objects.filter(user=user).order_by("id").values_list("title", flat=True))


def emails():
    return list(OutboundMessage.objects.values_list("recipient", flat=True))


# --- starting a clock queues its ETA tasks --------------------------------------------------------

def test_clock_start_queues_the_warning_and_the_deadline_after_commit(ticket, django_capture_on_commit_callbacks):
    with (mock.patch("repairs.tasks.clock_fire.apply_async") as apply_async,
          django_capture_on_commit_callbacks(execute=True)):
        clock = clocks.clock_start(ticket=ticket, kind=K.DISPATCH, due_at=T0 + 3 * MIN, now=T0)
        assert apply_async.call_count == 0  # nothing leaves before the commit
    assert clock.due_at == T0 + 3 * MIN
    assert clock.warn_at == T0 + 3 * MIN - 3 * MIN * 0.33
    assert sorted((c.kwargs["args"][1], c.kwargs["eta"]) for c in apply_async.call_args_list) == [
        ("breach", clock.due_at), ("warn", clock.warn_at)]
    assert clocks.clock_start(ticket=ticket, kind=K.DISPATCH, due_at=T0 + 9 * MIN, now=T0) == clock  # one open per kind


# --- dispatch within 3 minutes: the ETA path ------------------------------------------------------

def test_dispatch_clock_warns_the_clerks_then_breaches_once(ticket, clerk, supervisor, users):
    clock = make_clock(ticket, K.DISPATCH)
    assert clock_warn(clock_id=clock.pk, now=clock.warn_at - datetime.timedelta(seconds=1)) == "not yet due"
    assert titles(clerk) == []
    assert clock_warn(clock_id=clock.pk, now=clock.warn_at) == "warned"
    assert clock_warn(clock_id=clock.pk, now=clock.warn_at + MIN) == "already warned"
    [warning] = titles(clerk)
    assert ticket.number in warning
    assert titles(supervisor) == []  # a warning is for the desk only

    assert clock_breach(clock_id=clock.pk, now=clock.due_at - datetime.timedelta(seconds=1)) == "not yet due"
    assert clock_breach(clock_id=clock.pk, now=clock.due_at) == "breached"
    assert clock_breach(clock_id=clock.pk, now=clock.due_at + MIN) == "already breached"
    clock.refresh_from_db()
    ticket.refresh_from_db()
    assert clock.breached_at == clock.due_at and ticket.is_overdue and ticket.status == S.NEW
    assert ticket.last_activity_at == clock.due_at
    assert len(titles(supervisor)) == 1 and ticket.number in titles(supervisor)[0]
    assert emails() == ["supervisor@example.com"]
    # the desk is prompted to inform the owner, with a link to the page where it is recorded
    prompt = Notification.objects.filter(user=clerk).order_by("id").last()
    assert prompt.url == reverse("repairs:clock_inform_owner", args=[clock.pk])
    assert Notification.objects.filter(user=clerk).count() == 2
    # nobody else of the community, and nobody of another community
    assert not Notification.objects.exclude(user__in=[clerk, supervisor]).exists()


def test_the_bell_shows_one_unread_notification_per_ticket_updated_in_place(community_a, clerk, supervisor):
    """Issue 15 (3): the clerk's bell reached 26 unread in half an hour. A ticket's clock warnings and breaches
    are one unread notification per person (the newest), by the sweeper and by the ETA task alike; once
    read, the next one is new."""
    first, second = make_ticket(community_a, actor=clerk), make_ticket(community_a, actor=clerk)
    make_clock(first, K.COMPLAINT, minutes=30)
    make_clock(first, K.CALLBACK, minutes=60, started=T0 - 30 * MIN)
    make_clock(second, K.COMPLAINT, minutes=30)

    def unread(user):
        rows = Notification.objects.filter(user=user, read_at__isnull=True)
        return sorted((n.url, n.title) for n in rows)

    url = {t: reverse("repairs:ticket_detail", args=[t.pk]) for t in (first, second)}
    sweep(now=T0 + 25 * MIN)  # three warnings, two tickets
    assert [u for u, _title in unread(clerk)] == sorted([url[first], url[second]])
    dispatch = make_clock(first, K.DISPATCH, started=T0 + 25 * MIN)
    clock_warn(clock_id=dispatch.pk, now=dispatch.warn_at)  # the ETA path: the same notification, updated
    assert len(unread(clerk)) == 2 and any("Dispatch" in t for u, t in unread(clerk) if u == url[first])
    sweep(now=T0 + 31 * MIN)  # three breaches, two tickets
    assert [u for u, _title in unread(supervisor)] == sorted([url[first], url[second]])
    Notification.objects.filter(user=supervisor).update(read_at=T0)
    again = make_clock(second, K.CALLBACK, started=T0 + 60 * MIN)
    clock_breach(clock_id=again.pk, now=again.due_at)
    assert len(unread(supervisor)) == 1 and Notification.objects.filter(user=supervisor).count() == 3


def test_a_breach_at_its_moment_does_not_say_0_minutes_late(ticket, clerk, supervisor):
    """Issue 15 (3): "已超时 0 分钟" when the ETA task fires on the deadline itself."""
    clock = make_clock(ticket, K.DISPATCH)
    clock_breach(clock_id=clock.pk, now=clock.due_at)
    body = Notification.objects.get(user=supervisor).body
    assert "just passed" in body and "0\xa0minutes" not in body and "0 minutes" not in body


def test_escalation_stays_in_the_community(ticket, clerk, supervisor, make_user, community_b):
    other_supervisor = make_user(role=Role.SUPERVISOR, communities=[community_b], username="sup_b", email="b@example.com")
    other_clerk = make_user(role=Role.CLERK, communities=[community_b], username="clerk_b2")
    inactive = make_user(role=Role.SUPERVISOR, communities=[ticket.community], username="gone", is_active=False)
    clock = make_clock(ticket, K.DISPATCH)
    assert clock_breach(clock_id=clock.pk, now=clock.due_at) == "breached"
    assert not Notification.objects.filter(user__in=[other_supervisor, other_clerk, inactive]).exists()
    assert emails() == ["supervisor@example.com"]


def test_a_breach_first_means_no_warning_after_it(ticket, clerk, supervisor):
    clock = make_clock(ticket, K.DISPATCH)
    assert clock_breach(clock_id=clock.pk, now=clock.due_at + MIN) == "breached"
    assert clock_warn(clock_id=clock.pk, now=clock.due_at + MIN) == "already breached"
    clock.refresh_from_db()
    assert clock.warned_at == clock.breached_at  # stamped with the breach: the sweeper never picks it up again
    assert sweep(now=clock.due_at + 10 * MIN) == 0


def test_met_cancelled_and_paused_clocks_do_nothing(community_a, clerk, supervisor):
    met = make_clock(make_ticket(community_a, actor=clerk), met_at=T0 + MIN)
    cancelled = make_clock(make_ticket(community_a, actor=clerk), cancelled_at=T0 + MIN)
    paused = make_clock(make_ticket(community_a, actor=clerk), paused_at=T0 + MIN)
    late = T0 + 60 * MIN
    assert [clock_breach(clock_id=c.pk, now=late) for c in (met, cancelled, paused)] == ["met", "cancelled", "paused"]
    assert [clock_warn(clock_id=c.pk, now=late) for c in (met, cancelled, paused)] == ["met", "cancelled", "paused"]
    assert clock_breach(clock_id=999999, now=late) == "missing"
    assert sweep(now=late) == 0
    assert not Notification.objects.exists() and not Ticket.objects.filter(is_overdue=True).exists()


def test_dispatching_in_time_meets_the_clock(ticket, clerk, supervisor, users):
    clock = make_clock(ticket, K.DISPATCH)
    ticket_set_status(ticket=ticket, to=S.DISPATCHED, actor=clerk, assignee=users[Role.ENGINEER], now=T0 + 2 * MIN)
    assert clock_breach(clock_id=clock.pk, now=clock.due_at) == "met"
    assert sweep(now=T0 + 60 * MIN) == 0
    assert not Notification.objects.exists()


# --- the sweeper ------------------------------------------------------------------------------------

def test_sweeper_catches_missed_warnings_and_breaches(community_a, clerk, supervisor):
    tickets = [make_ticket(community_a, actor=clerk) for _ in range(4)]
    soon = make_clock(tickets[0], K.DISPATCH)                      # warn at T0+2:00.6, due T0+3
    late = make_clock(tickets[1], K.DISPATCH, started=T0 - 10 * MIN)  # long overdue
    later = make_clock(tickets[2], K.COMPLAINT, minutes=24 * 60)   # not yet
    make_clock(tickets[3], K.DISPATCH, paused_at=T0)               # on hold: not swept
    now = T0 + 2 * MIN + 30 * datetime.timedelta(seconds=1)
    assert sweep(now=now) == 2  # late: breached (its warning superseded); soon: warned
    for c in (soon, late, later):
        c.refresh_from_db()
    assert soon.warned_at == now and soon.breached_at is None
    assert late.breached_at == now and late.warned_at == now
    assert later.warned_at is None and later.breached_at is None
    assert len(titles(supervisor)) == 1 and tickets[1].number in titles(supervisor)[0]
    clerk_titles = titles(clerk)
    assert len(clerk_titles) == 2 and not any(tickets[2].number in t for t in clerk_titles)
    assert sweep(now=now) == 0  # run again: nothing twice
    assert sweep(now=T0 + 3 * MIN) == 1  # soon's deadline
    assert len(titles(supervisor)) == 2 and len(emails()) == 2


class Queries(CaptureQueriesContext):
    """Statements sent, leaving out the SAVEPOINTs a test's outer transaction adds (in production the
    sweeper's transactions are plain BEGIN/COMMIT, which are not statements)."""

    def __init__(self):
        super().__init__(connection)

    @property
    def sql(self):
        return [q["sql"] for q in self.captured_queries if "SAVEPOINT" not in q["sql"]]


def test_sweeper_with_nothing_due_is_two_indexed_queries(community_a, clerk):
    for _ in range(5):
        make_clock(make_ticket(community_a, actor=clerk), K.COMPLAINT, minutes=24 * 60)
    with Queries() as q:
        assert sweep(now=T0 + MIN) == 0
    assert len(q.sql) == 2 and all("FOR UPDATE" in sql and "SKIP LOCKED" in sql for sql in q.sql)


def test_sweeper_works_in_batches_with_constant_queries(community_a, clerk, supervisor):
    def batch(n, started):
        return [make_clock(make_ticket(community_a, actor=clerk), K.COMPLAINT, started=started, minutes=60)
                for _ in range(n)]

    batch(3, T0)
    with Queries() as q:
        assert sweep(now=T0 + 61 * MIN) == 3
    # breach batch + clock update + ticket update + staff + the unread grouped notifications + the in-app
    # notifications + ONE e-mail + the empty warn batch
    assert len(q.sql) == 8
    batch(6, T0 + 2 * 60 * MIN)
    with Queries() as q:
        assert sweep(now=T0 + 4 * 60 * MIN) == 6
    assert len(q.sql) == 8  # constant: set-based
    # batches smaller than the number due: every clock is still handled, each once
    batch(5, T0 + 6 * 60 * MIN)
    assert sweep(now=T0 + 8 * 60 * MIN, batch_size=2) == 5
    assert Clock.objects.filter(breached_at__isnull=True).count() == 0
    assert len(titles(supervisor)) == 14
    # the supervisor's e-mail lists a batch's breaches: one e-mail per batch, each breach in exactly one
    messages = list(OutboundMessage.objects.order_by("id"))
    assert len(messages) == 1 + 1 + 3 and {m.recipient for m in messages} == {"supervisor@example.com"}
    # a digest lists its tickets in the body; a single breach names its ticket in the subject
    listed = "\n".join(m.body if "deadlines missed" in m.subject else m.subject for m in messages)
    for ticket in Ticket.objects.all():
        assert listed.count(ticket.number) == 1
    assert "3" in messages[0].subject and reverse("repairs:overdue") in messages[0].body


# --- the other clocks -----------------------------------------------------------------------------

def test_urgent_repair_on_site_within_15_minutes_of_dispatch(community_a, clerk, supervisor, users):
    ticket = make_ticket(community_a, actor=clerk, urgency=Ticket.Urgency.URGENT)
    ticket_set_status(ticket=ticket, to=S.DISPATCHED, actor=clerk, assignee=users[Role.ENGINEER], now=T0 + MIN)
    on_site = Clock.objects.get(ticket=ticket, kind=K.ON_SITE)
    assert on_site.due_at == T0 + 16 * MIN
    # by the ETA task
    assert clock_breach(clock_id=on_site.pk, now=T0 + 16 * MIN) == "breached"
    assert [n.url for n in Notification.objects.filter(user=clerk)] == [
        reverse("repairs:clock_inform_owner", args=[on_site.pk])]
    # the engineer arrives late: the clock is met, the ticket no longer overdue, nothing more is sent
    ticket_set_status(ticket=ticket, to=S.ACCEPTED, actor=users[Role.ENGINEER], now=T0 + 17 * MIN)
    ticket_set_status(ticket=ticket, to=S.ON_SITE, actor=users[Role.ENGINEER], now=T0 + 20 * MIN)
    ticket.refresh_from_db()
    assert not ticket.is_overdue
    assert sweep(now=T0 + 60 * MIN) == 0 and len(titles(supervisor)) == 1


def test_urgent_on_site_clock_by_the_sweeper(community_a, clerk, supervisor, users):
    ticket = make_ticket(community_a, actor=clerk, urgency=Ticket.Urgency.URGENT)
    ticket_set_status(ticket=ticket, to=S.DISPATCHED, actor=clerk, assignee=users[Role.ENGINEER], now=T0)
    assert sweep(now=T0 + 14 * MIN) == 1  # the warning
    assert sweep(now=T0 + 15 * MIN) == 1  # the breach
    clock = Clock.objects.get(ticket=ticket, kind=K.ON_SITE)
    assert clock.warned_at == T0 + 14 * MIN and clock.breached_at == T0 + 15 * MIN
    assert len(titles(supervisor)) == 1 and len(titles(clerk)) == 2  # warning + inform-the-owner prompt


def test_a_normal_repair_has_no_on_site_clock(ticket, clerk, users):
    ticket_set_status(ticket=ticket, to=S.DISPATCHED, actor=clerk, assignee=users[Role.ENGINEER], now=T0)
    assert not Clock.objects.filter(ticket=ticket, kind=K.ON_SITE).exists()


@pytest.mark.parametrize("path", ["eta", "sweeper"])
def test_appointment_window_missed(community_a, clerk, supervisor, path):
    start, end = T0 + 60 * MIN, T0 + 120 * MIN
    ticket = make_ticket(community_a, actor=clerk, appointment_start=start, appointment_end=end)
    clock = clocks.clock_start(ticket=ticket, kind=K.APPOINTMENT, due_at=end, now=T0)
    if path == "eta":
        assert clock_breach(clock_id=clock.pk, now=end) == "breached"
    else:
        assert sweep(now=end) == 1
    assert len(titles(supervisor)) == 1
    assert Notification.objects.filter(user=clerk, url=reverse("repairs:clock_inform_owner", args=[clock.pk])).count() == 1


@pytest.mark.parametrize("path", ["eta", "sweeper"])
def test_complaint_handled_within_24_hours(community_a, clerk, supervisor, path):
    ticket = make_ticket(community_a, actor=clerk, kind=Ticket.Kind.COMPLAINT)
    clock = clocks.clock_start(ticket=ticket, kind=K.COMPLAINT, due_at=T0 + datetime.timedelta(hours=24), now=T0)
    assert clock.warn_at == T0 + datetime.timedelta(hours=24) * 0.67
    warn, due = clock.warn_at, clock.due_at
    if path == "eta":
        assert clock_warn(clock_id=clock.pk, now=warn) == "warned"
        assert clock_breach(clock_id=clock.pk, now=due) == "breached"
    else:
        assert sweep(now=warn) == 1
        assert sweep(now=due) == 1
    assert len(titles(clerk)) == 1  # the warning; no "inform the owner" prompt for a complaint
    assert len(titles(supervisor)) == 1 and emails() == ["supervisor@example.com"]
    ticket.refresh_from_db()
    assert ticket.is_overdue


@pytest.mark.parametrize("path", ["eta", "sweeper"])
def test_callback_clock(community_a, clerk, supervisor, path):
    """The callback clock is started by the callbacks work; here a row stands for it."""
    ticket = make_ticket(community_a, actor=clerk)
    clock = make_clock(ticket, K.CALLBACK, minutes=8 * 60)
    if path == "eta":
        assert clock_breach(clock_id=clock.pk, now=clock.due_at) == "breached"
    else:
        assert sweep(now=clock.due_at) == 1
    assert len(titles(supervisor)) == 1 and titles(clerk) == []


# --- pauses move the deadline ------------------------------------------------------------------------

def test_on_hold_pauses_and_resuming_extends_the_deadline(community_a, clerk, supervisor, users,
                                                         django_capture_on_commit_callbacks):
    ticket = make_ticket(community_a, actor=clerk, urgency=Ticket.Urgency.URGENT)
    ticket_set_status(ticket=ticket, to=S.DISPATCHED, actor=clerk, assignee=users[Role.ENGINEER], now=T0)
    clock = Clock.objects.get(ticket=ticket, kind=K.ON_SITE)
    first_due = clock.due_at
    ticket_set_status(ticket=ticket, to=S.ON_HOLD, actor=clerk, hold_reason="等配件", now=T0 + 5 * MIN)
    # the original ETA task and the sweeper fire while on hold: nothing
    assert clock_breach(clock_id=clock.pk, now=first_due) == "paused"
    assert sweep(now=first_due + 30 * MIN) == 0
    with (mock.patch("repairs.tasks.clock_fire.apply_async") as apply_async,
          django_capture_on_commit_callbacks(execute=True)):
        ticket_set_status(ticket=ticket, to=S.DISPATCHED, actor=clerk, now=T0 + 65 * MIN)
    clock.refresh_from_db()
    assert clock.due_at == first_due + 60 * MIN and clock.paused_at is None
    assert ("breach", clock.due_at) in [(c.kwargs["args"][1], c.kwargs["eta"]) for c in apply_async.call_args_list]
    # a stale ETA task for the old deadline does nothing; the new one breaches
    assert clock_breach(clock_id=clock.pk, now=first_due + 50 * MIN) == "not yet due"
    assert clock_breach(clock_id=clock.pk, now=clock.due_at) == "breached"
    assert len(titles(supervisor)) == 1


# --- durations per community ----------------------------------------------------------------------

def test_durations_are_configured_per_community(community_a, community_b, clerk, make_user):
    ClockSettings.objects.create(community=community_a, onsite_urgent_minutes=30, warn_before_percent=50)
    clerk_b = make_user(role=Role.CLERK, communities=[community_b], username="desk_b")
    a = make_ticket(community_a, actor=clerk, urgency=Ticket.Urgency.URGENT)
    b = make_ticket(community_b, actor=clerk_b, urgency=Ticket.Urgency.URGENT)
    for ticket, actor in ((a, clerk), (b, clerk_b)):
        ticket_set_status(ticket=ticket, to=S.DISPATCHED, actor=actor, now=T0)
    clock_a = Clock.objects.get(ticket=a, kind=K.ON_SITE)
    clock_b = Clock.objects.get(ticket=b, kind=K.ON_SITE)
    assert (clock_a.due_at, clock_a.warn_at) == (T0 + 30 * MIN, T0 + 15 * MIN)
    assert clock_b.due_at == T0 + 15 * MIN  # defaults from the seeds
    assert sweep(now=T0 + 15 * MIN) == 2  # A warned, B breached
    clock_a.refresh_from_db()
    clock_b.refresh_from_db()
    assert clock_a.warned_at and not clock_a.breached_at and clock_b.breached_at


# --- exactly once, under races -------------------------------------------------------------------

def _in_thread(fn, results, key, hold=None, release=None):
    def run():
        try:
            if hold is None:
                results[key] = fn()
            else:
                with transaction.atomic():
                    results[key] = fn()
                    hold.set()
                    release.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.mark.django_db(transaction=True)
def test_two_eta_tasks_at_once_send_once(community_a, users):
    clerk, supervisor = users[Role.CLERK], users[Role.SUPERVISOR]
    supervisor.email = "s@example.com"
    supervisor.save()
    clock = make_clock(make_ticket(community_a, actor=clerk), K.DISPATCH)
    results, held, release = {}, threading.Event(), threading.Event()
    # committed transactions run on_commit: keep the e-mail off the shared Redis (no worker of ours listens)
    patcher = mock.patch("core.tasks.deliver_outbound.delay")
    delay = patcher.start()
    first = _in_thread(lambda: clock_breach(clock_id=clock.pk, now=clock.due_at), results, "first", held, release)
    assert held.wait(10)  # the first holds the row lock, uncommitted
    second = _in_thread(lambda: clock_breach(clock_id=clock.pk, now=clock.due_at), results, "second")
    second.join(0.5)
    assert second.is_alive()  # waiting for the lock
    release.set()
    first.join(10)
    second.join(10)
    patcher.stop()
    assert results == {"first": "breached", "second": "already breached"}
    assert Notification.objects.filter(user=supervisor).count() == 1
    assert OutboundMessage.objects.count() == 1 and delay.call_count == 1


@pytest.mark.django_db(transaction=True)
def test_eta_task_and_sweeper_racing_send_once(community_a, users):
    clerk, supervisor = users[Role.CLERK], users[Role.SUPERVISOR]
    clocks_ = [make_clock(make_ticket(community_a, actor=clerk), K.DISPATCH) for _ in range(3)]
    due = clocks_[0].due_at
    # the ETA task holds one clock; the sweeper skips it (SKIP LOCKED) and handles the others
    results, held, release = {}, threading.Event(), threading.Event()
    eta = _in_thread(lambda: clock_breach(clock_id=clocks_[0].pk, now=due), results, "eta", held, release)
    assert held.wait(10)
    assert sweep(now=due) == 2
    release.set()
    eta.join(10)
    assert results["eta"] == "breached"
    assert sweep(now=due + MIN) == 0
    # the sweeper holds its batch; an ETA task for one of them waits, then finds it done
    more = [make_clock(make_ticket(community_a, actor=clerk), K.DISPATCH) for _ in range(2)]
    results, held, release = {}, threading.Event(), threading.Event()
    sweeper = _in_thread(lambda: sweep(now=due), results, "sweep", held, release)
    assert held.wait(10)
    late_eta = _in_thread(lambda: clock_breach(clock_id=more[0].pk, now=due), results, "eta")
    late_eta.join(0.5)
    assert late_eta.is_alive()
    release.set()
    sweeper.join(10)
    late_eta.join(10)
    assert results == {"sweep": 2, "eta": "already breached"}
    assert Notification.objects.filter(user=supervisor).count() == 5
    assert Clock.objects.filter(breached_at__isnull=False).count() == 5


# --- clock_state, for the board -------------------------------------------------------------------

def test_clock_state_is_pure_and_reads_like_the_board(ticket, django_assert_num_queries):
    clock = make_clock(ticket, K.DISPATCH)  # warn at 2:00.6, due at 3:00

    def read(at):
        state = clock_state(clock, at)
        return {"state": state["state"], "seconds_left": state["seconds_left"]}

    with django_assert_num_queries(0):
        assert read(T0 + MIN) == {"state": "ok", "seconds_left": 120}
        assert read(T0 + 150 * datetime.timedelta(seconds=1)) == {"state": "warn", "seconds_left": 30}
        assert read(T0 + 4 * MIN) == {"state": "late", "seconds_left": -60}
        assert clock_state(clock, T0 + 4 * MIN)["late"] and clock_state(clock, T0 + 4 * MIN)["mins"] == 1
        clock.paused_at = T0 + 2 * MIN
        assert read(T0 + 50 * MIN) == {"state": "paused", "seconds_left": 60}
        clock.paused_at, clock.met_at = None, T0 + 4 * MIN
        assert read(T0 + 50 * MIN) == {"state": "met", "seconds_left": -60}


# --- the owner was informed ------------------------------------------------------------------------

@pytest.fixture
def breached(ticket, clerk):
    clock = make_clock(ticket, K.DISPATCH)
    clock_breach(clock_id=clock.pk, now=clock.due_at)
    clock.refresh_from_db()
    return clock


def test_inform_owner_page_records_who_when_and_what(client, clerk, breached):
    client.force_login(clerk)
    url = reverse("repairs:clock_inform_owner", args=[breached.pk])
    page = client.get(url)
    assert page.status_code == 200 and breached.ticket.number in page.content.decode()
    token = page.context["form"].initial["form_token"]
    data = {"form_token": token, "informed_at": "2026-11-22T09:05", "note": "工程部15:30前到,业主同意"}
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"] == reverse("repairs:overdue")
    breached.refresh_from_db()
    assert breached.owner_informed_by == clerk and breached.owner_informed_note == "工程部15:30前到,业主同意"
    assert breached.owner_informed_at == T0 + 5 * MIN
    from django.apps import apps

    history = apps.get_model("repairs", "ClockEvent").objects.filter(pgh_obj_id=breached.pk)
    assert history.filter(owner_informed_note="工程部15:30前到,业主同意", owner_informed_by=clerk).exists()
    assert history.filter(breached_at__isnull=False, owner_informed_at__isnull=True).exists()  # the breach too
    # the double click: the same form again changes nothing
    client.post(url, {**data, "note": "别的"})
    breached.refresh_from_db()
    assert breached.owner_informed_note == "工程部15:30前到,业主同意"
    assert "工程部15:30前到" in client.get(url).content.decode()  # shown, no form any more


def test_inform_owner_bad_input_is_shown_at_the_field_and_kept(client, clerk, breached):
    client.force_login(clerk)
    url = reverse("repairs:clock_inform_owner", args=[breached.pk])
    response = client.post(url, {"informed_at": "", "note": ""})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"informed_at", "note"}
    response = client.post(url, {"informed_at": "2030-01-01T10:00", "note": "业主知悉"})
    assert response.status_code == 200 and "future" in str(response.context["form"].errors["informed_at"])
    assert "业主知悉" in response.content.decode()
    response = client.post(url, {"informed_at": "2026-11-21T10:00", "note": "业主知悉"})
    assert "before the ticket" in str(response.context["form"].errors["informed_at"])
    breached.refresh_from_db()
    assert breached.owner_informed_at is None


def test_inform_owner_only_for_missed_arrival_clocks(client, clerk, ticket):
    client.force_login(clerk)
    running = make_clock(ticket, K.DISPATCH)
    complaint = make_clock(make_ticket(ticket.community, actor=clerk, kind="complaint"), K.COMPLAINT,
                           breached_at=T0 + 3 * MIN)
    for clock in (running, complaint):
        assert client.get(reverse("repairs:clock_inform_owner", args=[clock.pk])).status_code == 404
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        clock_owner_informed(clock=running, informed_at=T0 + 5 * MIN, note="x", actor=clerk)


def test_inform_owner_service_refuses_a_second_record(clerk, breached):
    from django.core.exceptions import ValidationError

    clock_owner_informed(clock=breached, informed_at=T0 + 5 * MIN, note="已告知", actor=clerk, now=T0 + 6 * MIN)
    with pytest.raises(ValidationError, match="already informed"):
        clock_owner_informed(clock=breached, informed_at=T0 + 7 * MIN, note="再告知", actor=clerk, now=T0 + 8 * MIN)
    breached.refresh_from_db()
    assert breached.owner_informed_note == "已告知"


# --- the overdue list --------------------------------------------------------------------------------

def _overdue_rows(community, clerk, n, kind=K.DISPATCH):
    from tests.factories import UnitFactory

    made = []
    for i in range(n):
        ticket = make_ticket(community, actor=clerk, unit=UnitFactory(entrance__building__community=community)
                             if i % 2 else None)
        clock = make_clock(ticket, kind)
        clock_breach(clock_id=clock.pk, now=clock.due_at)
        made.append(clock)
    return made


def test_overdue_list_shows_missed_deadlines_with_owner_state(client, clerk, supervisor, community_a, community_b,
                                                               make_user):
    mine = _overdue_rows(community_a, clerk, 3)
    clock_owner_informed(clock=mine[0], informed_at=T0 + 5 * MIN, note="已告知业主", actor=clerk, now=T0 + 6 * MIN)
    _overdue_rows(community_a, clerk, 1, kind=K.COMPLAINT)
    met = make_clock(make_ticket(community_a, actor=clerk), K.DISPATCH, breached_at=T0, met_at=T0 + MIN)
    foreign = _overdue_rows(community_b, make_user(role=Role.CLERK, communities=[community_b], username="cb"), 1)
    client.force_login(supervisor)
    response = client.get(reverse("repairs:overdue"))
    shown = [row["clock"].pk for row in response.context["rows"]]
    assert len(shown) == 4 and met.pk not in shown and foreign[0].pk not in shown
    html = response.content.decode()
    assert "已告知业主" in html and html.count(reverse("repairs:clock_inform_owner", args=[mine[1].pk])) == 1
    pending = client.get(reverse("repairs:overdue"), {"pending": "1"}).context["rows"]
    assert [r["clock"].pk for r in pending] == [mine[1].pk, mine[2].pk]
    complaints = client.get(reverse("repairs:overdue"), {"kind": K.COMPLAINT}).context["rows"]
    assert [r["clock"].kind for r in complaints] == [K.COMPLAINT]


def test_overdue_list_queries_do_not_grow_with_rows(client, clerk, community_a, django_assert_num_queries):
    client.force_login(clerk)
    _overdue_rows(community_a, clerk, 2)
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("repairs:overdue"))
    _overdue_rows(community_a, clerk, 6)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(reverse("repairs:overdue"))
    assert len(response.context["rows"]) == 8


def test_a_warning_under_a_minute_before_the_deadline_says_due_now_not_0_minutes(ticket, clerk, english_messages):
    """The dispatch clock (3 min, warned with a third left) warns 59.4 s before its deadline: its title said
    "派单时限剩余 0 分钟" beside the breaches of the same minute; now "due now"."""
    clock = make_clock(ticket, K.DISPATCH)
    assert clock_warn(clock_id=clock.pk, now=clock.warn_at) == "warned"
    [warning] = titles(clerk)
    assert warning.endswith("due now") and "0 min" not in warning


def test_the_ticket_pages_clocks_read_like_the_today_page(ticket, english_messages):
    """"超时 260 小时 29 分钟" on the ticket page: days for long ones, as every deadline is told."""
    from repairs.selectors.clocks import clock_badges

    clock = make_clock(ticket, K.DISPATCH)  # due at T0 + 3 min
    late, soon = (clock_badges([clock], T0 + 3 * MIN + at)[0]["text"]
                  for at in (260 * 60 * MIN + 29 * MIN, -30 * datetime.timedelta(seconds=1)))
    assert late.endswith("overdue by 10 days") and soon.endswith("due now")
    clock.paused_at = T0 + 15 * MIN
    assert clock_badges([clock], T0 + 7 * 24 * 60 * MIN)[0]["text"].endswith("paused overdue by 12 min")
