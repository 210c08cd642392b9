"""交接班: start, both signatures (password, each on their own login, outgoing first), item counts
with missing/damaged notes, pending items taken over, the important-job block and the supervisor's
override, the late successor, the handover log entry, the PDF, shared items, query counts."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from core.models import Notification, Role
from duty.models import (
    Assignment,
    DutyLogEntry,
    Handover,
    HandoverItemCount,
    Roster,
    SharedItem,
    ShiftTemplate,
)
from duty.services.handover import (
    handover_accept,
    handover_override,
    handover_sign_outgoing,
    handover_start,
    late_minutes,
)
from duty.services.log import entry_append
from tests.browser.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def clerk2(make_user, community_a):
    return make_user(role=Role.CLERK, communities=[community_a], username="clerk2_a")


@pytest.fixture
def items(community_a):
    return [SharedItem.objects.create(community=community_a, name="对讲机", expected_count=4, sort_order=1),
            SharedItem.objects.create(community=community_a, name="钥匙", expected_count=2, sort_order=2),
            SharedItem.objects.create(community=community_a, name="旧物", expected_count=1, is_active=False)]


@pytest.fixture
def follow_up(community_a, clerk):
    return entry_append(community=community_a, author=clerk, kind="call", content="1502 漏水，明天回访", follow_up_needed=True)


def _start(community, clerk, clerk2, **kwargs):
    return handover_start(community=community, incoming=clerk2, actor=clerk, **kwargs)


def _counts(items, radio=(4, "ok", ""), keys=(2, "ok", "")):
    return {items[0].pk: radio, items[1].pk: keys}


# --- start -------------------------------------------------------------------------------------------

def test_start_snapshots_open_follow_ups_marking_important(community_a, clerk, clerk2, follow_up):
    important = entry_append(community=community_a, author=clerk, kind="incident", content="消防报警待复位",
                             follow_up_needed=True, important=True)
    entry_append(community=community_a, author=clerk, kind="call", content="普通来电")
    handover = _start(community_a, clerk, clerk2, notes="一台对讲机送修")
    pending = {p.entry_id: p.important for p in handover.pending_items.all()}
    assert pending == {follow_up.pk: False, important.pk: True}
    assert handover.status == Handover.Status.OPEN and handover.notes == "一台对讲机送修"


def test_only_one_open_handover_per_community(client, community_a, clerk, clerk2, make_user):
    clerk3 = make_user(role=Role.CLERK, communities=[community_a], username="clerk3_a")
    first = _start(community_a, clerk, clerk2)
    with pytest.raises(ValidationError) as exc:
        handover_start(community=community_a, incoming=clerk3, actor=clerk2)
    assert "already in progress" in str(exc.value)
    with pytest.raises(IntegrityError), transaction.atomic():  # the model constraint is the guarantee
        Handover.objects.create(community=community_a, outgoing=clerk2, incoming=clerk, started_at=timezone.now())
    # the page: a second start says so and goes to the open one
    client.force_login(clerk2)
    response = client.get(reverse("duty:handover_start"))
    assert response.status_code == 302 and response["Location"] == reverse("duty:handover_detail", args=[first.pk])
    response = client.post(reverse("duty:handover_start"), {"incoming": clerk3.pk, "notes": ""})
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert Handover.objects.count() == 1


def test_incoming_must_be_another_clerk_of_the_community(community_a, clerk, clerk_b, users):
    for incoming in (clerk, clerk_b, users[Role.ENGINEER], users[Role.SUPERVISOR]):
        with pytest.raises(ValidationError) as exc:
            handover_start(community=community_a, incoming=incoming, actor=clerk)
        assert "incoming" in exc.value.error_dict


def test_only_clerks_are_offered_to_take_over_the_desk(client, community_a, clerk, clerk2, users):
    """Issue 15 (1.13): the supervisor was offered as a handover recipient; the desk goes to a clerk, and the
    default is the next clerk on the roster even when a supervisor's shift starts first."""
    now = timezone.now()
    _roster(community_a, users[Role.SUPERVISOR], users[Role.SUPERVISOR], now + datetime.timedelta(minutes=5))
    _roster(community_a, clerk2, users[Role.SUPERVISOR], now + datetime.timedelta(minutes=20))
    client.force_login(clerk)
    form = client.get(reverse("duty:handover_start")).context["form"]
    assert list(form.fields["incoming"].queryset) == [clerk2]
    assert form.initial["incoming"] == clerk2.pk


def _roster(community, user, supervisor, starts_at, hours=8):
    month = starts_at.date().replace(day=1)
    roster, _ = Roster.objects.get_or_create(community=community, month=month, defaults={"created_by": supervisor})
    shift, _ = ShiftTemplate.objects.get_or_create(community=community, code="E", defaults={
        "name": "早班", "start_time": datetime.time(7, 30), "end_time": datetime.time(15, 30)})
    return Assignment.objects.create(community=community, roster=roster, user=user, date=timezone.localdate(starts_at),
                                     shift=shift, starts_at=starts_at, ends_at=starts_at + datetime.timedelta(hours=hours))


def test_start_page_defaults_to_the_person_on_the_next_assignment(client, community_a, clerk, clerk2, users):
    now = timezone.now()
    _roster(community_a, clerk, users[Role.SUPERVISOR], now - datetime.timedelta(hours=7))
    _roster(community_a, clerk2, users[Role.SUPERVISOR], now + datetime.timedelta(minutes=20))
    client.force_login(clerk)
    form = client.get(reverse("duty:handover_start")).context["form"]
    assert form.initial["incoming"] == clerk2.pk


def test_start_page_double_submit_creates_one(client, community_a, clerk, clerk2, django_capture_on_commit_callbacks):
    client.force_login(clerk)
    data = {"incoming": clerk2.pk, "notes": "", "form_token": "2b8f2d1e-4a0b-4e4e-8f61-9c1f1d2e3a4b",
            "community": community_a.pk}
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("duty:handover_start"), data).status_code == 302
        assert client.post(reverse("duty:handover_start"), data).status_code == 302
    assert Handover.objects.count() == 1
    assert Notification.objects.filter(user=clerk2).exists()


# --- signatures ---------------------------------------------------------------------------------

def test_outgoing_signs_with_own_password_wrong_one_refused(community_a, clerk, clerk2):
    handover = _start(community_a, clerk, clerk2)
    with pytest.raises(ValidationError) as exc:
        handover_sign_outgoing(handover=handover, password="wrong", actor=clerk)
    assert "password" in exc.value.error_dict
    with pytest.raises(ValidationError):  # the incoming may not sign as the outgoing
        handover_sign_outgoing(handover=handover, password=PASSWORD, actor=clerk2)
    handover = handover_sign_outgoing(handover=handover, password=PASSWORD, actor=clerk)
    assert handover.outgoing_signed_at and handover.status == Handover.Status.OPEN


def test_handover_cannot_complete_without_both_signatures(community_a, clerk, clerk2, items):
    handover = _start(community_a, clerk, clerk2)
    with pytest.raises(ValidationError) as exc:  # incoming before the outgoing has signed
        handover_accept(handover=handover, counts=_counts(items), taken={}, read_up_to=0, password=PASSWORD, actor=clerk2)
    assert "signs first" in str(exc.value)
    handover_sign_outgoing(handover=handover, password=PASSWORD, actor=clerk)
    with pytest.raises(ValidationError):  # the outgoing may not sign for the incoming
        handover_accept(handover=handover, counts=_counts(items), taken={}, read_up_to=0, password=PASSWORD, actor=clerk)
    with pytest.raises(ValidationError) as exc:  # wrong password
        handover_accept(handover=handover, counts=_counts(items), taken={}, read_up_to=0, password="nope", actor=clerk2)
    assert "password" in exc.value.error_dict
    handover.refresh_from_db()
    assert handover.status == Handover.Status.OPEN and handover.incoming_signed_at is None
    handover = handover_accept(handover=handover, counts=_counts(items), taken={}, read_up_to=0, password=PASSWORD,
                               actor=clerk2)
    assert handover.status == Handover.Status.COMPLETED and handover.incoming_signed_at and handover.completed_at
    with pytest.raises(ValidationError):  # completed: no second acceptance
        handover_accept(handover=handover, counts=_counts(items), taken={}, read_up_to=0, password=PASSWORD, actor=clerk2)


def test_missing_and_damaged_need_a_note_and_a_short_count_must_say_missing(community_a, clerk, clerk2, items):
    handover = _start(community_a, clerk, clerk2)
    handover_sign_outgoing(handover=handover, password=PASSWORD, actor=clerk)
    with pytest.raises(ValidationError) as exc:
        handover_accept(handover=handover, counts=_counts(items, radio=(3, "missing", ""), keys=(2, "damaged", "")),
                        taken={}, read_up_to=0, password=PASSWORD, actor=clerk2)
    assert {f"note_{items[0].pk}", f"note_{items[1].pk}"} <= set(exc.value.error_dict)
    with pytest.raises(ValidationError) as exc:
        handover_accept(handover=handover, counts=_counts(items, radio=(3, "ok", "")), taken={}, read_up_to=0,
                        password=PASSWORD, actor=clerk2)
    assert f"condition_{items[0].pk}" in exc.value.error_dict
    assert not HandoverItemCount.objects.exists()


def test_completion_records_counts_takeovers_and_a_handover_log_entry(community_a, clerk, clerk2, items, follow_up,
                                                                       django_capture_on_commit_callbacks):
    handover = _start(community_a, clerk, clerk2)
    handover_sign_outgoing(handover=handover, password=PASSWORD, actor=clerk)
    pending = handover.pending_items.get()
    with django_capture_on_commit_callbacks(execute=True):
        handover_accept(handover=handover, counts=_counts(items, radio=(3, "missing", "一台送修")),
                        taken={pending.pk: (True, "明早回访")}, read_up_to=follow_up.seq, password=PASSWORD, actor=clerk2)
    handover.refresh_from_db()
    assert handover.last_entry_seq == follow_up.seq
    radio = HandoverItemCount.objects.get(item=items[0])
    assert (radio.expected, radio.counted, radio.condition, radio.note) == (4, 3, "missing", "一台送修")
    assert HandoverItemCount.objects.count() == 2  # the item not in use is not counted
    pending.refresh_from_db()
    assert pending.taken_over and pending.note == "明早回访"
    log = DutyLogEntry.objects.get(kind=DutyLogEntry.Kind.HANDOVER)
    assert log.author == clerk2 and "对讲机" in log.content and "一台送修" in log.content and "1 of 1" in log.content
    assert Notification.objects.filter(user=clerk, url=reverse("duty:handover_detail", args=[handover.pk])).exists()


def test_important_unfinished_job_blocks_until_supervisor_overrides(community_a, clerk, clerk2, items, users):
    important = entry_append(community=community_a, author=clerk, kind="incident", content="电梯困人，等待维保",
                             follow_up_needed=True, important=True)
    handover = _start(community_a, clerk, clerk2)
    handover_sign_outgoing(handover=handover, password=PASSWORD, actor=clerk)
    pending = handover.pending_items.get(entry=important)
    with pytest.raises(ValidationError) as exc:
        handover_accept(handover=handover, counts=_counts(items), taken={pending.pk: (False, "")}, read_up_to=0,
                        password=PASSWORD, actor=clerk2)
    assert f"take_{pending.pk}" in exc.value.error_dict
    supervisor = users[Role.SUPERVISOR]
    with pytest.raises(ValidationError):  # a reason is required
        handover_override(handover=handover, reason=" ", actor=supervisor)
    handover_override(handover=handover, reason="维保已在现场，由主管跟进", actor=supervisor)
    handover = handover_accept(handover=handover, counts=_counts(items), taken={pending.pk: (False, "")}, read_up_to=0,
                               password=PASSWORD, actor=clerk2)
    assert handover.status == Handover.Status.COMPLETED
    assert (handover.override_by, handover.override_reason) == (supervisor, "维保已在现场，由主管跟进")
    assert "Overridden" in DutyLogEntry.objects.get(kind="handover").content


def test_taking_over_the_important_job_needs_no_override(community_a, clerk, clerk2, items):
    important = entry_append(community=community_a, author=clerk, kind="incident", content="电梯困人",
                             follow_up_needed=True, important=True)
    handover = _start(community_a, clerk, clerk2)
    handover_sign_outgoing(handover=handover, password=PASSWORD, actor=clerk)
    pending = handover.pending_items.get(entry=important)
    handover = handover_accept(handover=handover, counts=_counts(items), taken={pending.pk: (True, "")}, read_up_to=0,
                               password=PASSWORD, actor=clerk2)
    assert handover.status == Handover.Status.COMPLETED and handover.override_by is None


def test_override_refused_without_an_important_job(community_a, clerk, clerk2, users, follow_up):
    handover = _start(community_a, clerk, clerk2)
    with pytest.raises(ValidationError):
        handover_override(handover=handover, reason="无", actor=users[Role.SUPERVISOR])


def test_late_successor_is_recorded(community_a, clerk, clerk2, items, users):
    _roster(community_a, clerk2, users[Role.SUPERVISOR], timezone.now() - datetime.timedelta(minutes=25))
    handover = _start(community_a, clerk, clerk2)
    assert handover.incoming_assignment is not None
    handover_sign_outgoing(handover=handover, password=PASSWORD, actor=clerk)
    handover = handover_accept(handover=handover, counts=_counts(items), taken={}, read_up_to=0, password=PASSWORD,
                               actor=clerk2)
    assert handover.incoming_late_minutes == 25
    assert "25 minutes late" in DutyLogEntry.objects.get(kind="handover").content


def test_late_minutes_rule():
    start = timezone.now()
    assignment = Assignment(starts_at=start)
    assert late_minutes(None, start) == 0
    assert late_minutes(assignment, start - datetime.timedelta(minutes=10)) == 0  # early, as the rules ask
    assert late_minutes(assignment, start + datetime.timedelta(minutes=7, seconds=59)) == 7


# --- pages -------------------------------------------------------------------------------------

def test_pages_end_to_end(client, community_a, clerk, clerk2, items, follow_up):
    client.force_login(clerk)
    client.post(reverse("duty:handover_start"), {"incoming": clerk2.pk, "notes": "一台对讲机送修"})
    handover = Handover.objects.get()
    html = client.get(reverse("duty:today")).content.decode()
    assert "handover-banner" in html
    assert "you may not leave" in html or "不得离岗" in html or "不能离" in html
    # wrong password: message at the field, nothing signed
    response = client.post(reverse("duty:handover_sign_out", args=[handover.pk]), {"password": "bad"})
    assert response.status_code == 200 and "password" in response.context["sign_form"].errors
    assert client.post(reverse("duty:handover_sign_out", args=[handover.pk]), {"password": PASSWORD}).status_code == 302
    # the outgoing may not sign for the incoming, even knowing the form
    response = client.post(reverse("duty:handover_accept", args=[handover.pk]), {
        f"count_{items[0].pk}": 4, f"condition_{items[0].pk}": "ok", f"count_{items[1].pk}": 2,
        f"condition_{items[1].pk}": "ok", "password": PASSWORD})
    assert response.status_code == 200
    handover.refresh_from_db()
    assert handover.status == Handover.Status.OPEN

    client.force_login(clerk2)
    page = client.get(reverse("duty:handover_detail", args=[handover.pk]))
    assert page.context["accept_form"] is not None and "1502 漏水" in page.content.decode()
    pending = handover.pending_items.get()
    data = {f"count_{items[0].pk}": 3, f"condition_{items[0].pk}": "missing", f"note_{items[0].pk}": "",
            f"count_{items[1].pk}": 2, f"condition_{items[1].pk}": "ok", f"take_{pending.pk}": "on",
            "read_up_to": follow_up.seq, "password": PASSWORD}
    response = client.post(reverse("duty:handover_accept", args=[handover.pk]), data)
    assert response.status_code == 200 and f"note_{items[0].pk}" in response.context["accept_form"].errors
    assert 'value="3"' in response.content.decode()  # what was typed is kept
    data[f"note_{items[0].pk}"] = "一台送修"
    assert client.post(reverse("duty:handover_accept", args=[handover.pk]), data).status_code == 302
    handover.refresh_from_db()
    assert handover.status == Handover.Status.COMPLETED
    html = client.get(reverse("duty:handover_detail", args=[handover.pk])).content.decode()
    assert "一台送修" in html and "item-counts" in html
    pdf = client.get(reverse("duty:handover_pdf", args=[handover.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    client.force_login(clerk)
    assert "handover-banner" not in client.get(reverse("duty:today")).content.decode()


def test_detail_and_list_pages_have_constant_queries(client, community_a, clerk, clerk2, items, users):
    def make(n):
        for i in range(n):
            entry_append(community=community_a, author=clerk, kind="call", content=f"待跟进{i}", follow_up_needed=True,
                         important=i == 0)

    make(2)
    handover = _start(community_a, clerk, clerk2)
    client.force_login(clerk2)
    url = reverse("duty:handover_detail", args=[handover.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    Handover.objects.filter(pk=handover.pk)  # more pending items on a second handover
    handover_sign_outgoing(handover=handover, password=PASSWORD, actor=clerk)
    handover_override(handover=handover, reason="测试", actor=users[Role.SUPERVISOR])
    handover_accept(handover=handover, counts=_counts(items), taken={}, read_up_to=0, password=PASSWORD, actor=clerk2)
    make(12)
    SharedItem.objects.create(community=community_a, name="备用金", expected_count=1)
    second = _start(community_a, clerk2, clerk)
    client.force_login(clerk)
    url = reverse("duty:handover_detail", args=[second.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["handover"].pending_items.all()) == 14
    assert len(many) <= len(few) + 1, [q["sql"][:100] for q in many.captured_queries]  # +1: the previous handover's seq

    client.get(reverse("duty:handover_list"))
    with CaptureQueriesContext(connection) as listing:
        assert client.get(reverse("duty:handover_list")).status_code == 200
    for _i in range(3):
        h = Handover.objects.filter(status="open").get()
        handover_sign_outgoing(handover=h, password=PASSWORD, actor=h.outgoing)
        handover_override(handover=h, reason="测试", actor=users[Role.SUPERVISOR])
        handover_accept(handover=h, counts=_counts(items) | {SharedItem.objects.get(name="备用金").pk: (1, "ok", "")},
                        taken={}, read_up_to=0, password=PASSWORD, actor=h.incoming)
        _start(community_a, h.incoming, h.outgoing)
    with CaptureQueriesContext(connection) as listing_more:
        response = client.get(reverse("duty:handover_list"))
    assert len(response.context["handovers"]) == 5 and len(listing_more) == len(listing)


# --- shared items ----------------------------------------------------------------------------------

def test_shared_items_page(client, users, community_a):
    client.force_login(users[Role.SUPERVISOR])
    url = reverse("duty:items")
    assert client.post(url, {"name": "对讲机", "expected_count": 4, "sort_order": 1, "is_active": "on"}).status_code == 302
    response = client.post(url, {"name": "对讲机", "expected_count": 2, "sort_order": 1, "is_active": "on"})
    assert response.status_code == 200 and "name" in response.context["form"].errors
    item = SharedItem.objects.get()
    response = client.post(reverse("duty:item_edit", args=[item.pk]), {"name": "对讲机", "expected_count": 5, "sort_order": 1})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.expected_count == 5 and not item.is_active
    client.force_login(users[Role.CLERK])
    assert client.get(url).status_code == 403


def test_items_page_has_constant_queries(client, users, community_a):
    client.force_login(users[Role.SUPERVISOR])
    SharedItem.objects.create(community=community_a, name="对讲机", expected_count=4)
    client.get(reverse("duty:items"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("duty:items"))
    for i in range(8):
        SharedItem.objects.create(community=community_a, name=f"钥匙{i}", expected_count=1)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("duty:items"))
    assert len(response.context["items"]) == 9 and len(many) == len(few)
