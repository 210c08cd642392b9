"""The engineer's phone view: my tickets, accept / arrive / hold / resume / complete, scoping."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from core.models import Role
from repairs.models import (
    Callback,
    Charge,
    Clock,
    Team,
    Ticket,
    TicketPhoto,
    TicketStatusChange,
)
from tests.repairs.matrix_work import dispatched_to, make_ticket, move

S = Ticket.Status


@pytest.fixture
def engineer(users):
    return users[Role.ENGINEER]


@pytest.fixture
def eng_client(client, engineer):
    client.force_login(engineer)
    return client


def png(name="after.png"):
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buf, "PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


def on_site(engineer, clerk, community, **kwargs):
    return move(dispatched_to(engineer, community, actor=clerk, **kwargs), S.ACCEPTED, S.ON_SITE, actor=engineer)


# --- my tickets ----------------------------------------------------------------------------------

def test_my_tickets_are_mine_and_my_teams_overdue_and_urgent_first(eng_client, engineer, clerk, community_a, make_user):
    other = make_user(role=Role.ENGINEER, communities=[community_a], username="other_eng")
    team = Team.objects.create(community=community_a, name="水电班")
    team.members.add(engineer)
    mine = dispatched_to(engineer, community_a, actor=clerk)
    urgent = dispatched_to(engineer, community_a, actor=clerk, urgency=Ticket.Urgency.URGENT)
    late = dispatched_to(engineer, community_a, actor=clerk)
    Ticket.objects.filter(pk=late.pk).update(is_overdue=True)
    teams = move(make_ticket(community_a, actor=clerk), S.DISPATCHED, actor=clerk, team=team)
    not_mine = dispatched_to(other, community_a, actor=clerk)
    response = eng_client.get(reverse("repairs:work_list"))
    shown = [t.pk for t in response.context["tickets"]]
    assert shown[:2] == [late.pk, urgent.pk]
    assert set(shown) == {mine.pk, urgent.pk, late.pk, teams.pk}
    assert not_mine.pk not in shown
    assert eng_client.get(reverse("repairs:work_ticket", args=[not_mine.pk])).status_code == 404


def test_my_tickets_constant_queries(eng_client, engineer, clerk, community_a):
    dispatched_to(engineer, community_a, actor=clerk)
    with CaptureQueriesContext(connection) as few:
        assert eng_client.get(reverse("repairs:work_list")).status_code == 200
    for _ in range(5):
        on_site(engineer, clerk, community_a, urgency=Ticket.Urgency.URGENT)
    with CaptureQueriesContext(connection) as many:
        response = eng_client.get(reverse("repairs:work_list"))
    assert len(response.context["tickets"]) == 6
    assert len(many) == len(few)


def test_my_tickets_read_the_assignee_and_team_indexes(eng_client, engineer, clerk, community_a):
    """The team ids go in as a list (PostgreSQL then ORs ticket_assignee_idx and ticket_team_status_idx, repairs
    0015) and the nearest deadline is a sub-select, not a grouping of every joined column (issue 14 §1)."""
    dispatched_to(engineer, community_a, actor=clerk)
    with CaptureQueriesContext(connection) as ctx:
        assert eng_client.get(reverse("repairs:work_list")).status_code == 200
    listing = [q["sql"] for q in ctx.captured_queries if 'ORDER BY "repairs_ticket"."is_overdue" DESC' in q["sql"]]
    assert len(listing) == 1, [q["sql"][:100] for q in ctx.captured_queries]
    assert "repairs_team_members" not in listing[0] and "GROUP BY" not in listing[0]
    with connection.cursor() as cur:
        cur.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'ticket_team_status_idx'")
        assert "repairs_ticket USING btree (team_id, status)" in cur.fetchone()[0]


# --- moves ---------------------------------------------------------------------------------------

def test_accept_then_a_second_accept_is_refused(eng_client, engineer, clerk, community_a):
    ticket = dispatched_to(engineer, community_a, actor=clerk)
    url = reverse("repairs:work_accept", args=[ticket.pk])
    assert eng_client.post(url).status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == S.ACCEPTED and ticket.accepted_at
    response = eng_client.post(url, follow=True)
    assert "cannot become" in response.content.decode() or "不能" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == S.ACCEPTED
    assert TicketStatusChange.objects.filter(ticket=ticket, to_status=S.ACCEPTED).count() == 1


def test_team_ticket_is_taken_by_the_engineer_who_accepts(eng_client, engineer, clerk, community_a):
    team = Team.objects.create(community=community_a, name="木工班")
    team.members.add(engineer)
    ticket = move(make_ticket(community_a, actor=clerk), S.DISPATCHED, actor=clerk, team=team)
    eng_client.post(reverse("repairs:work_accept", args=[ticket.pk]))
    ticket.refresh_from_db()
    assert ticket.status == S.ACCEPTED and ticket.assignee == engineer


def test_arrive_meets_the_on_site_clock_and_not_before_accepting(eng_client, engineer, clerk, community_a):
    ticket = dispatched_to(engineer, community_a, actor=clerk, urgency=Ticket.Urgency.URGENT)
    eng_client.post(reverse("repairs:work_arrive", args=[ticket.pk]))  # not accepted yet: refused
    ticket.refresh_from_db()
    assert ticket.status == S.DISPATCHED and ticket.arrived_at is None
    eng_client.post(reverse("repairs:work_accept", args=[ticket.pk]))
    eng_client.post(reverse("repairs:work_arrive", args=[ticket.pk]))
    ticket.refresh_from_db()
    assert ticket.status == S.ON_SITE and ticket.arrived_at
    assert Clock.objects.get(ticket=ticket, kind=Clock.Kind.ON_SITE).met_at is not None


def test_hold_needs_a_reason_pauses_and_resumes(eng_client, engineer, clerk, community_a):
    ticket = on_site(engineer, clerk, community_a)
    url = reverse("repairs:work_hold", args=[ticket.pk])
    response = eng_client.post(url, {"reason": " "})
    assert response.status_code == 200 and response.context["form"].errors["reason"]
    ticket.refresh_from_db()
    assert ticket.status == S.ON_SITE
    assert eng_client.post(url, {"reason": "等配件"}).status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == S.ON_HOLD and ticket.hold_reason == "等配件"
    eng_client.post(reverse("repairs:work_resume", args=[ticket.pk]))
    ticket.refresh_from_db()
    assert ticket.status == S.ON_SITE and ticket.hold_reason == ""


def test_supervisor_may_act_on_any_ticket_of_the_community(client, users, engineer, clerk, community_a):
    ticket = dispatched_to(engineer, community_a, actor=clerk)
    client.force_login(users[Role.SUPERVISOR])
    client.post(reverse("repairs:work_accept", args=[ticket.pk]))
    ticket.refresh_from_db()
    assert ticket.status == S.ACCEPTED and ticket.assignee == engineer


# --- complete ------------------------------------------------------------------------------------

def _complete_data(**over):
    data = {"work_done": "更换水龙头阀芯", "materials": "阀芯 1 个", "labour_minutes": "40", "charge_amount": "120.50",
            "owner_confirmation": "张建国", "owner_signature": "", "form_token": "8a3c1f0e-2222-4a4a-9f9f-000000000001"}
    data.update(over)
    return data


def test_paid_repair_needs_a_charge_and_keeps_what_was_typed(eng_client, engineer, clerk, community_a, unit_a):
    ticket = on_site(engineer, clerk, community_a, unit=unit_a, is_paid=True)
    url = reverse("repairs:work_complete", args=[ticket.pk])
    response = eng_client.post(url, _complete_data(charge_amount=""))
    assert response.status_code == 200
    assert response.context["form"].errors["charge_amount"]
    assert "更换水龙头阀芯" in response.content.decode()
    response = eng_client.post(url, _complete_data(charge_amount="-5", form_token="8a3c1f0e-2222-4a4a-9f9f-000000000002"))
    assert response.context["form"].errors["charge_amount"]
    response = eng_client.post(url, _complete_data(charge_amount="abc", form_token="8a3c1f0e-2222-4a4a-9f9f-000000000003"))
    assert response.context["form"].errors["charge_amount"]
    ticket.refresh_from_db()
    assert ticket.status == S.ON_SITE and not Charge.objects.exists()


def test_complete_paid_repair_records_charge_callback_and_clock_once(eng_client, engineer, clerk, community_a, unit_a,
                                                                     django_capture_on_commit_callbacks):
    ticket = on_site(engineer, clerk, community_a, unit=unit_a, is_paid=True)
    url = reverse("repairs:work_complete", args=[ticket.pk])
    data = _complete_data(owner_signature="M10 10 L50 60 L90 20", photos_after=[png()], photos_before=[png("b.png")])
    with django_capture_on_commit_callbacks(execute=False) as queued:
        assert eng_client.post(url, data).status_code == 302
    again = _complete_data()  # a double-click: same token
    assert eng_client.post(url, again).status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == S.COMPLETED and ticket.completed_at
    assert ticket.work_done == "更换水龙头阀芯" and ticket.labour_minutes == 40
    assert ticket.charge_amount == Decimal("120.50") and ticket.owner_signature.startswith("M10 10")
    charge = Charge.objects.get(ticket=ticket)
    assert charge.amount == Decimal("120.50") and charge.unit == unit_a and charge.billed_at  # billed at once
    assert TicketStatusChange.objects.filter(ticket=ticket, to_status=S.COMPLETED).count() == 1
    callback = Callback.objects.get(ticket=ticket)
    assert callback.status == Callback.Status.PENDING
    clock = Clock.objects.get(ticket=ticket, kind=Clock.Kind.CALLBACK)
    assert clock.due_at == callback.due_at
    assert len(queued) >= 2  # the callback clock's warning and deadline tasks
    assert set(TicketPhoto.objects.filter(ticket=ticket).values_list("stage", flat=True)) == {"before", "after"}


def test_free_repair_records_no_charge(eng_client, engineer, clerk, community_a):
    ticket = on_site(engineer, clerk, community_a)
    response = eng_client.post(reverse("repairs:work_complete", args=[ticket.pk]),
                               _complete_data(owner_confirmation="", charge_amount=""))
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == S.COMPLETED and ticket.charge_amount is None
    assert not Charge.objects.exists() and Callback.objects.filter(ticket=ticket).exists()


def test_extra_work_found_on_site_is_charged_and_payable_at_the_counter_at_once(eng_client, engineer, clerk, users,
                                                                               community_a, unit_a, client):
    """Issue 15 (1.7): a repair not marked paid at intake takes a charge from the engineer (the extra work is
    found on site), and the cashier takes the money at once, with no bill run in between."""
    from billing.models import Receipt

    ticket = on_site(engineer, clerk, community_a, unit=unit_a)
    url = reverse("repairs:work_complete", args=[ticket.pk])
    assert "charge_amount" in eng_client.get(url).context["form"].fields
    assert eng_client.post(url, _complete_data(charge_amount="1234.50")).status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == S.COMPLETED and ticket.is_paid and ticket.charge_amount == Decimal("1234.50")
    client.force_login(users[Role.CASHIER])
    page = client.get(reverse("billing:unit", args=[unit_a.pk]))
    bills = [b for b in page.context["bills"] if ticket.number in b.description]
    assert len(bills) == 1 and bills[0].outstanding == Decimal("1234.50")
    token = page.context["form"].initial["form_token"]
    response = client.post(reverse("billing:pay", args=[unit_a.pk]), {
        "form_token": token, "bills": [bills[0].pk], "amount": "1234.50", "method": "cash", "payer_name": "张建国",
        "reference": "", "note": ""})
    assert response.status_code == 302
    receipt = Receipt.objects.get()
    assert receipt.amount == Decimal("1234.50") and receipt.lines.get().bill_id == bills[0].pk
    assert Charge.objects.get(ticket=ticket).billed_at


def test_paid_repair_with_no_charge_records_no_charge_row(eng_client, engineer, clerk, community_a, unit_a):
    ticket = on_site(engineer, clerk, community_a, unit=unit_a, is_paid=True)
    eng_client.post(reverse("repairs:work_complete", args=[ticket.pk]), _complete_data(charge_amount="0"))
    ticket.refresh_from_db()
    assert ticket.status == S.COMPLETED and ticket.charge_amount == Decimal("0.00")
    assert not Charge.objects.exists()


def test_bad_photo_is_refused_and_the_rest_is_kept(eng_client, engineer, clerk, community_a, unit_a):
    ticket = on_site(engineer, clerk, community_a, unit=unit_a)
    fake = SimpleUploadedFile("leak.jpg", b"not really a jpeg", content_type="image/jpeg")
    gif = io.BytesIO()
    Image.new("RGB", (4, 4)).save(gif, "GIF")
    response = eng_client.post(reverse("repairs:work_complete", args=[ticket.pk]),
                               _complete_data(photos_after=[fake], photos_before=[SimpleUploadedFile("a.gif", gif.getvalue())]))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "leak.jpg" in str(errors["photos_after"]) and "a.gif" in str(errors["photos_before"])
    assert "更换水龙头阀芯" in response.content.decode() and "阀芯 1 个" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == S.ON_SITE and not TicketPhoto.objects.exists()


def test_too_big_photo_is_refused(eng_client, engineer, clerk, community_a):
    ticket = on_site(engineer, clerk, community_a)
    big = SimpleUploadedFile("big.png", b"\x89PNG" + b"0" * (8 * 1024 * 1024 + 1), content_type="image/png")
    response = eng_client.post(reverse("repairs:work_complete", args=[ticket.pk]), _complete_data(photos_after=[big]))
    assert "8 MB" in str(response.context["form"].errors["photos_after"])


def test_home_repair_needs_the_owners_confirmation_and_a_readable_signature(eng_client, engineer, clerk, community_a, unit_a):
    ticket = on_site(engineer, clerk, community_a, unit=unit_a)
    url = reverse("repairs:work_complete", args=[ticket.pk])
    response = eng_client.post(url, _complete_data(owner_confirmation=""))
    assert response.context["form"].errors["owner_confirmation"]
    response = eng_client.post(url, _complete_data(owner_confirmation="", owner_signature="<script>",
                                                   form_token="8a3c1f0e-2222-4a4a-9f9f-000000000009"))
    assert response.context["form"].errors["owner_signature"]
    ticket.refresh_from_db()
    assert ticket.status == S.ON_SITE


def test_complete_is_refused_before_arriving(eng_client, engineer, clerk, community_a):
    ticket = move(dispatched_to(engineer, community_a, actor=clerk), S.ACCEPTED, actor=engineer)
    response = eng_client.post(reverse("repairs:work_complete", args=[ticket.pk]), _complete_data())
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    ticket.refresh_from_db()
    assert ticket.status == S.ACCEPTED and not Callback.objects.exists()


# --- privacy -------------------------------------------------------------------------------------

def test_engineer_sees_the_phone_masked_with_a_logged_show(eng_client, engineer, clerk, community_a, unit_a):
    ticket = dispatched_to(engineer, community_a, actor=clerk, unit=unit_a)
    html = eng_client.get(reverse("repairs:work_ticket", args=[ticket.pk])).content.decode()
    assert "138****5678" in html and "13812345678" not in html
    person = unit_a.occupancies.get().person
    assert reverse("frontdesk:person_reveal", args=[person.pk, "phone"]) in html


def test_my_tickets_come_a_page_at_a_time_most_urgent_first(eng_client, engineer, clerk, community_a, monkeypatch):
    """A team with thousands of open tickets: the phone gets PAGE_SIZE cards, the count of all, and the pages."""
    from repairs.views import engineer as engineer_views

    monkeypatch.setattr(engineer_views, "PAGE_SIZE", 2)
    plain = [dispatched_to(engineer, community_a, actor=clerk) for _ in range(2)]
    urgent = dispatched_to(engineer, community_a, actor=clerk, urgency=Ticket.Urgency.URGENT)
    first = eng_client.get(reverse("repairs:work_list"))
    assert [t.pk for t in first.context["tickets"]][0] == urgent.pk and len(first.context["tickets"]) == 2
    html = first.content.decode()
    assert first.context["page"].paginator.count == 3 and "page=2" in html
    second = eng_client.get(reverse("repairs:work_list"), {"page": "2"})
    assert len(second.context["tickets"]) == 1 and second.context["tickets"][0].pk in {p.pk for p in plain}
    for bad in ("x", "0", "99999999999", "-1"):
        assert eng_client.get(reverse("repairs:work_list"), {"page": bad}).status_code == 200


def _only_clock(ticket, *, due, **fields):
    """The ticket's one open clock, due at ``due`` (the clocks the moves started are set aside)."""
    import datetime

    from django.utils import timezone

    Clock.objects.filter(ticket=ticket).update(cancelled_at=timezone.now())
    return Clock.objects.create(ticket=ticket, community_id=ticket.community_id, kind=Clock.Kind.APPOINTMENT,
                                started_at=due - datetime.timedelta(hours=1), due_at=due,
                                warn_at=due - datetime.timedelta(minutes=20), **fields)


def test_my_tickets_tell_the_time_left_to_a_deadline(eng_client, engineer, clerk, community_a, english_messages):
    """"16:46 截止（剩余 0 分钟）" at 16:00: ``timeuntil``'s arguments were the wrong way round."""
    import datetime

    from django.utils import timezone

    t = dispatched_to(engineer, community_a, actor=clerk)
    due = timezone.now() + datetime.timedelta(minutes=46)
    _only_clock(t, due=due)
    html = eng_client.get(reverse("repairs:work_list")).content.decode()
    assert f"due {timezone.localtime(due):%H:%M} (46 min left)" in html and "(0 minutes left)" not in html


def test_a_ticket_on_hold_reads_paused_with_how_late_it_was_not_a_week_late(eng_client, engineer, clerk, community_a,
                                                                            english_messages):
    """Paused clocks stand still: the list says so, with how late the clock was when paused (as the ticket page),
    and does not count the week since as late."""
    import datetime

    from django.utils import timezone

    t = dispatched_to(engineer, community_a, actor=clerk)
    paused_at = timezone.now() - datetime.timedelta(days=7)
    _only_clock(t, due=paused_at - datetime.timedelta(minutes=12), breached_at=paused_at, paused_at=paused_at)
    Ticket.objects.filter(pk=t.pk).update(status=S.ON_HOLD)
    html = eng_client.get(reverse("repairs:work_list")).content.decode()
    assert "paused overdue by 12 min" in html and "clock-paused" in html
    assert "7 days" not in html and "1 week" not in html and "clock-late" not in html
