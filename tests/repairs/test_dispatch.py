"""The desk's moves: the whole transition table (each allowed move, and a rejected one), dispatch and
reassignment, complaints, hold/resume/cancel/close, bulk dispatch, and two clerks at once."""

import threading
from collections import deque

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from core.models import Role
from repairs.models import Category, Team, Ticket, TicketStatusChange
from repairs.selectors.tickets import ticket_version
from repairs.services import dispatch, intake, manage
from repairs.services.tickets import ticket_set_status
from repairs.views.moves import desk_moves

S = Ticket.Status
K = Ticket.Kind


def new_ticket(community, actor, kind=K.REPAIR, **kw):
    manage.categories_ensure(community=community)
    values = {"community": community, "kind": kind, "channel": "phone", "location": "3号楼大堂", "contact_name": "张建国",
                  "contact_phone": "13812345678", "category": Category.objects.filter(community=community).first(),
                  "description": "水管漏水", "urgency": "normal", "actor": actor}
    values.update(kw)
    return intake.ticket_create(**values)


def path_to(kind, target):
    """The shortest sequence of moves from NEW to ``target`` in the transition table."""
    table = Ticket.TRANSITIONS[kind]
    queue, seen = deque([(S.NEW, [])]), {S.NEW}
    while queue:
        status, path = queue.popleft()
        if status == target:
            return path
        for nxt in sorted(table.get(status, ())):
            if nxt not in seen:
                seen.add(nxt)
                queue.append((nxt, path + [nxt]))
    raise AssertionError(f"{target} unreachable for {kind}")


CASES = [(kind, status, to) for kind, table in Ticket.TRANSITIONS.items() for status, moves in table.items()
         for to in sorted(moves)]
REJECTED = [(kind, status) for kind, table in Ticket.TRANSITIONS.items() for status in table]


@pytest.mark.django_db
@pytest.mark.parametrize("kind, status, to", CASES)
def test_every_allowed_move(kind, status, to, community_a, clerk):
    ticket = new_ticket(community_a, clerk, kind=kind)
    for step in path_to(kind, status):
        ticket = ticket_set_status(ticket=ticket, to=step, actor=clerk, note="step")
    ticket = ticket_set_status(ticket=ticket, to=to, actor=clerk, note="the move")
    ticket.refresh_from_db()
    assert ticket.status == to
    last = TicketStatusChange.objects.filter(ticket=ticket).last()
    assert (last.from_status, last.to_status, last.actor, last.note) == (status, to, clerk, "the move")


@pytest.mark.django_db
@pytest.mark.parametrize("kind, status", REJECTED)
def test_a_rejected_move_from_every_status_changes_nothing(kind, status, community_a, clerk):
    ticket = new_ticket(community_a, clerk, kind=kind)
    for step in path_to(kind, status):
        ticket = ticket_set_status(ticket=ticket, to=step, actor=clerk)
    bad = next(s for s in [S.CLOSED, S.NEW, S.COMPLETED, S.DISPATCHED, S.CANCELLED]
               if s not in Ticket.TRANSITIONS[kind][status])
    before = (TicketStatusChange.objects.filter(ticket=ticket).count(), ticket.last_activity_at)
    with pytest.raises(ValidationError) as exc:
        ticket_set_status(ticket=ticket, to=bad, actor=clerk)
    assert "cannot become" in str(exc.value)
    ticket.refresh_from_db()
    assert ticket.status == status
    assert (TicketStatusChange.objects.filter(ticket=ticket).count(), ticket.last_activity_at) == before


# --- the desk's services -------------------------------------------------------------------------

@pytest.fixture
def engineer(users):
    return users[Role.ENGINEER]


@pytest.fixture
def engineer2(make_user, community_a):
    return make_user(role=Role.ENGINEER, communities=[community_a], username="engineer2_a", full_name="张工")


@pytest.fixture
def team(community_a, engineer):
    team = Team.objects.create(community=community_a, name="工程部")
    team.members.add(engineer)
    return team


@pytest.mark.django_db
def test_dispatch_then_reassign_needs_a_reason(community_a, clerk, engineer, engineer2, team):
    ticket = new_ticket(community_a, clerk)
    ticket = dispatch.ticket_dispatch(ticket=ticket, assignee=engineer, actor=clerk)
    assert ticket.status == S.DISPATCHED and ticket.assignee == engineer and ticket.dispatched_at
    with pytest.raises(ValidationError) as exc:
        dispatch.ticket_dispatch(ticket=ticket, team=team, actor=clerk)
    assert "note" in exc.value.error_dict
    ticket.refresh_from_db()
    assert ticket.team is None and ticket.assignee == engineer
    ticket = dispatch.ticket_dispatch(ticket=ticket, assignee=engineer2, team=team, actor=clerk, note="王工请假")
    assert ticket.assignee == engineer2 and ticket.team == team
    assert TicketStatusChange.objects.filter(ticket=ticket).last().note == "王工请假"


@pytest.mark.django_db
def test_dispatch_refuses_someone_who_is_not_an_engineer_here(community_a, community_b, clerk, make_user, users):
    ticket = new_ticket(community_a, clerk)
    foreign = make_user(role=Role.ENGINEER, communities=[community_b], username="eng_b")
    for wrong in (foreign, users[Role.CASHIER], users[Role.SUPERVISOR]):
        with pytest.raises(ValidationError) as exc:
            dispatch.ticket_dispatch(ticket=ticket, assignee=wrong, actor=clerk)
        assert "assignee" in exc.value.error_dict
    with pytest.raises(ValidationError):
        dispatch.ticket_dispatch(ticket=ticket, actor=clerk)
    ticket.refresh_from_db()
    assert ticket.status == S.NEW


@pytest.mark.django_db
def test_only_engineers_are_offered_for_a_repair(client, community_a, clerk, engineer, users):
    """Issue 15 (1.13): the supervisor was offered as a repair engineer."""
    supervisor = users[Role.SUPERVISOR]
    ticket = new_ticket(community_a, clerk)
    client.force_login(clerk)
    form = client.get(reverse("repairs:ticket_move", args=[ticket.pk, "dispatch"])).context["form"]
    offered = str(form["dispatch_to"])
    assert f"u{engineer.pk}" in offered and f"u{supervisor.pk}" not in offered
    board = client.get(reverse("repairs:board")).context["form"]
    assert [pk for pk, _name in board.option_lists["engineer"] if pk] == [engineer.pk]


@pytest.mark.django_db
def test_complaint_department_reply_and_close(community_a, clerk, team):
    ticket = new_ticket(community_a, clerk, kind=K.COMPLAINT)
    with pytest.raises(ValidationError):
        dispatch.ticket_dispatch(ticket=ticket, team=team, actor=clerk)  # complaints are assigned, not dispatched
    ticket = dispatch.complaint_assign(ticket=ticket, team=team, actor=clerk)
    assert ticket.status == S.ASSIGNED and ticket.clocks.get(kind="complaint").met_at is None
    ticket = dispatch.complaint_start(ticket=ticket, actor=clerk)
    with pytest.raises(ValidationError):
        dispatch.ticket_reply(ticket=ticket, text="", actor=clerk)
    ticket = dispatch.ticket_reply(ticket=ticket, text="已协调保洁，今晚处理并致歉", actor=clerk)
    assert ticket.status == S.REPLIED and ticket.replied_at
    assert ticket.clocks.get(kind="complaint").met_at is not None
    assert TicketStatusChange.objects.filter(ticket=ticket).last().note == "已协调保洁，今晚处理并致歉"
    callback = ticket.callback  # the answered complaint is queued for its callback, with its clock
    assert callback.status == "pending" and ticket.clocks.get(kind="callback").due_at == callback.due_at
    with pytest.raises(ValidationError):
        dispatch.ticket_close(ticket=ticket, actor=clerk)  # callback first
    ticket = ticket_set_status(ticket=ticket, to=S.CALLBACK_DONE, actor=clerk)
    assert dispatch.ticket_close(ticket=ticket, actor=clerk).status == S.CLOSED


@pytest.mark.django_db
def test_hold_pauses_and_resume_goes_back(community_a, clerk, engineer):
    ticket = dispatch.ticket_dispatch(ticket=new_ticket(community_a, clerk), assignee=engineer, actor=clerk)
    ticket = ticket_set_status(ticket=ticket, to=S.ACCEPTED, actor=engineer)
    with pytest.raises(ValidationError):
        dispatch.ticket_hold(ticket=ticket, reason="", actor=clerk)
    ticket = dispatch.ticket_hold(ticket=ticket, reason="等配件", actor=clerk)
    assert ticket.status == S.ON_HOLD and ticket.hold_reason == "等配件"
    assert desk_moves(ticket) == ["resume", "cancel"]
    ticket = dispatch.ticket_resume(ticket=ticket, actor=clerk)
    assert ticket.status == S.ACCEPTED and ticket.hold_reason == ""
    with pytest.raises(ValidationError):
        dispatch.ticket_resume(ticket=ticket, actor=clerk)


@pytest.mark.django_db
def test_cancel_needs_a_reason_and_is_final(community_a, clerk):
    ticket = new_ticket(community_a, clerk)
    with pytest.raises(ValidationError):
        dispatch.ticket_cancel(ticket=ticket, reason=" ", actor=clerk)
    ticket = dispatch.ticket_cancel(ticket=ticket, reason="业主自行修好", actor=clerk)
    assert ticket.status == S.CANCELLED and ticket.cancel_reason == "业主自行修好"
    assert ticket.clocks.get().cancelled_at is not None
    assert desk_moves(ticket) == []
    with pytest.raises(ValidationError):
        dispatch.ticket_cancel(ticket=ticket, reason="again", actor=clerk)


@pytest.mark.django_db
def test_enquiry_is_answered_then_closed(community_a, clerk, engineer):
    ticket = new_ticket(community_a, clerk, kind=K.ENQUIRY)
    assert desk_moves(ticket) == ["reply", "cancel"]
    with pytest.raises(ValidationError):
        dispatch.ticket_dispatch(ticket=ticket, assignee=engineer, actor=clerk)
    ticket = dispatch.ticket_reply(ticket=ticket, text="物业费可在前台或App缴纳", actor=clerk)
    assert dispatch.ticket_close(ticket=ticket, actor=clerk).status == S.CLOSED


@pytest.mark.django_db
def test_stale_page_is_refused_with_who_did_what(community_a, clerk, engineer, engineer2, users):
    ticket = new_ticket(community_a, clerk)
    seen = ticket_version(ticket)
    dispatch.ticket_dispatch(ticket=ticket, assignee=engineer, actor=users[Role.SUPERVISOR], seen=seen)
    with pytest.raises(ValidationError) as exc:
        dispatch.ticket_dispatch(ticket=ticket, assignee=engineer2, actor=clerk, note="x", seen=seen)
    message = exc.value.messages[0]
    assert users[Role.SUPERVISOR].display_name in message and engineer.display_name in message
    ticket.refresh_from_db()
    assert ticket.assignee == engineer and ticket.status_changes.count() == 1


@pytest.mark.django_db
def test_bulk_dispatch_reports_each_failure(community_a, clerk, engineer):
    good = [new_ticket(community_a, clerk) for _ in range(3)]
    cancelled = dispatch.ticket_cancel(ticket=new_ticket(community_a, clerk), reason="重复报修", actor=clerk)
    done, failed = dispatch.dispatch_bulk(tickets=good + [cancelled], assignee=engineer, actor=clerk)
    assert [t.pk for t in done] == [t.pk for t in good]
    assert [t.pk for t, _why in failed] == [cancelled.pk] and "cannot become" in failed[0][1]
    assert Ticket.objects.filter(status=S.DISPATCHED, assignee=engineer).count() == 3


# --- through the pages ---------------------------------------------------------------------------

@pytest.mark.django_db
def test_ticket_page_offers_only_allowed_moves(client, community_a, clerk, engineer):
    ticket = new_ticket(community_a, clerk)
    url = reverse("repairs:ticket_detail", args=[ticket.pk])
    client.force_login(clerk)
    response = client.get(url)
    assert response.context["moves"] == ["dispatch", "cancel"]
    html = response.content.decode()
    assert reverse("repairs:ticket_move", args=[ticket.pk, "dispatch"]) in html
    assert reverse("repairs:ticket_move", args=[ticket.pk, "close"]) not in html
    client.force_login(engineer)
    assert client.get(url).context["moves"] == []


@pytest.mark.django_db
def test_dispatch_through_the_page_and_a_rejected_one(client, community_a, clerk, engineer):
    ticket = new_ticket(community_a, clerk)
    client.force_login(clerk)
    url = reverse("repairs:ticket_move", args=[ticket.pk, "dispatch"])
    form = client.get(url).context["form"]
    data = {"form_token": form.initial["form_token"], "seen": form.initial["seen"], "dispatch_to": f"u{engineer.pk}"}
    assert client.post(url, data)["Location"] == ticket.get_absolute_url()
    ticket.refresh_from_db()
    assert ticket.status == S.DISPATCHED
    close = reverse("repairs:ticket_move", args=[ticket.pk, "close"])
    response = client.post(close, {"form_token": "", "seen": ticket_version(ticket)})
    assert response.status_code == 200 and "cannot become" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == S.DISPATCHED


@pytest.mark.django_db
def test_bulk_dispatch_view(client, community_a, clerk, engineer):
    tickets = [new_ticket(community_a, clerk) for _ in range(2)]
    client.force_login(clerk)
    response = client.post(reverse("repairs:bulk_dispatch"), {
        "tickets": [t.pk for t in tickets], "dispatch_to": f"u{engineer.pk}", "form_token": ""}, follow=True)
    assert Ticket.objects.filter(status=S.DISPATCHED).count() == 2
    assert "Dispatched" in response.content.decode() or tickets[0].number in response.content.decode()


@pytest.mark.django_db
def test_bulk_dispatch_ignores_foreign_tickets(client, community_a, community_b, clerk_b, clerk, engineer):
    ticket = new_ticket(community_a, clerk)
    client.force_login(clerk_b)
    client.post(reverse("repairs:bulk_dispatch"), {"tickets": [ticket.pk], "dispatch_to": f"u{engineer.pk}"})
    ticket.refresh_from_db()
    assert ticket.status == S.NEW


# --- two clerks at once --------------------------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_two_clerks_dispatching_at_once_one_wins(community_a, users, make_user):
    clerk, other_clerk = users[Role.CLERK], make_user(role=Role.CLERK, communities=[community_a], username="clerk2")
    first_eng = users[Role.ENGINEER]
    second_eng = make_user(role=Role.ENGINEER, communities=[community_a], username="engineer2")
    ticket = new_ticket(community_a, clerk)
    seen = ticket_version(ticket)
    barrier = threading.Barrier(2)
    results = {}

    def work(actor, engineer):
        try:
            barrier.wait(timeout=10)
            done = dispatch.ticket_dispatch(ticket=ticket, assignee=engineer, actor=actor, seen=seen)
            results[actor.username] = ("ok", done.assignee_id)
        except ValidationError as exc:
            results[actor.username] = ("refused", exc.messages[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(clerk, first_eng)),
               threading.Thread(target=work, args=(other_clerk, second_eng))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    outcomes = sorted(r[0] for r in results.values())
    assert outcomes == ["ok", "refused"], results
    winner = next(name for name, r in results.items() if r[0] == "ok")
    refused = next(r[1] for r in results.values() if r[0] == "refused")
    ticket.refresh_from_db()
    assert ticket.status == S.DISPATCHED and ticket.status_changes.count() == 1
    winner_user = clerk if winner == clerk.username else other_clerk
    assert winner_user.display_name in refused and ticket.assignee.display_name in refused


@pytest.mark.django_db
def test_two_tabs_dispatching_the_second_sees_who_won(client, community_a, clerk, engineer, engineer2, users):
    from django.test import Client

    ticket = new_ticket(community_a, clerk)
    url = reverse("repairs:ticket_move", args=[ticket.pk, "dispatch"])
    other = Client()
    other.force_login(users[Role.SUPERVISOR])
    client.force_login(clerk)
    mine, theirs = client.get(url).context["form"], other.get(url).context["form"]
    other.post(url, {"form_token": theirs.initial["form_token"], "seen": theirs.initial["seen"],
                     "dispatch_to": f"u{engineer.pk}"})
    response = client.post(url, {"form_token": mine.initial["form_token"], "seen": mine.initial["seen"],
                                 "dispatch_to": f"u{engineer2.pk}"})
    assert response.status_code == 302 and response["Location"] == ticket.get_absolute_url()
    errors = " ".join(str(m) for m in client.get(response["Location"]).context["messages"])
    assert "Meanwhile" in errors and users[Role.SUPERVISOR].display_name in errors and engineer.display_name in errors
    ticket.refresh_from_db()
    assert ticket.assignee == engineer and ticket.status_changes.count() == 1
    # reassigning on purpose (fresh page) needs a reason, given at the field
    fresh = client.get(url).context["form"]
    response = client.post(url, {"form_token": fresh.initial["form_token"], "seen": fresh.initial["seen"],
                                 "dispatch_to": f"u{engineer2.pk}"})
    assert response.context["form"].errors["note"]
    response = client.post(url, {"form_token": fresh.initial["form_token"], "seen": fresh.initial["seen"],
                                 "dispatch_to": f"u{engineer2.pk}", "note": "张工在忙"})
    ticket.refresh_from_db()
    assert response.status_code == 302 and ticket.assignee == engineer2
