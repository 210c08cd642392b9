"""Roster services: shift templates, the grid, coverage rules, the status pipeline, reminders (incl. a
real Celery worker), leave and swaps. The helpers at the top are shared with test_roster_views.py."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core import dates
from core.models import Notification, OutboundMessage, Role
from duty.models import (
    Assignment,
    Roster,
    RosterStatusChange,
    ShiftChangeRequest,
    ShiftTemplate,
)
from duty.selectors import coverage
from duty.selectors import roster as roster_selectors
from duty.services import roster as services


def next_month_start() -> datetime.date:
    return dates.next_month(timezone.localdate())


def today_before(month: datetime.date) -> datetime.date:
    """A fixed "today" in the month before ``month`` (the 22nd)."""
    return dates.previous_month(month).replace(day=22)


def covered_cells(staff, month, *, codes=("E", "L", "")) -> dict:
    """staff[0] early every day, staff[1] late every day, staff[2] off: every opening hour covered, rests ≥ 16 h."""
    return {(user.pk, day.day): codes[i] if i < len(codes) else "" for day in dates.month_days(month)
            for i, user in enumerate(staff)}


def build(community, staff, supervisor, month, *, status=Roster.Status.DRAFT, manager=None, cells=None):
    services.shift_templates_ensure(community)
    result = services.roster_save_grid(community=community, month=month, cells=cells or covered_cells(staff, month),
                                       actor=supervisor)
    roster = result["roster"]
    if status in (Roster.Status.SUBMITTED, Roster.Status.APPROVED):
        roster = services.roster_set_status(roster=roster, to_status=Roster.Status.SUBMITTED, actor=supervisor)
    if status == Roster.Status.APPROVED:
        roster = services.roster_set_status(roster=roster, to_status=Roster.Status.APPROVED, actor=manager)
    return roster


def make_staff(make_user, community, n=3, prefix="rc"):
    return [make_user(role=Role.CLERK, communities=[community], username=f"{prefix}{i}") for i in range(n)]


# --- tests -----------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def english():
    """Assertions read English messages (the Chinese catalogue is filled in separately)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def staff(make_user, community_a):
    return make_staff(make_user, community_a)


@pytest.fixture
def supervisor(users):
    return users[Role.SUPERVISOR]


@pytest.fixture
def manager(users):
    return users[Role.MANAGER]


@pytest.fixture
def month():
    return next_month_start()


def _cell(community, staff, month, changes):
    cells = covered_cells(staff, month)
    cells.update(changes)
    return cells


# shift templates

def test_default_shifts_are_created_once(community_a):
    services.shift_templates_ensure(community_a)
    services.shift_templates_ensure(community_a)
    shifts = {t.code: t for t in ShiftTemplate.objects.filter(community=community_a)}
    assert set(shifts) == {"E", "M", "L", "D"}
    assert (shifts["E"].start_time, shifts["E"].end_time) == (datetime.time(7, 30), datetime.time(15, 30))
    assert (shifts["M"].start_time, shifts["L"].start_time) == (datetime.time(9, 30), datetime.time(12, 0))
    assert shifts["D"].crosses_midnight and coverage.is_24h(shifts["D"])


def test_a_24_hour_shift_ends_the_next_morning(community_a):
    services.shift_templates_ensure(community_a)
    d = ShiftTemplate.objects.get(community=community_a, code="D")
    starts, ends = coverage.shift_span(datetime.date(2026, 12, 31), d)
    assert timezone.is_aware(starts) and ends - starts == datetime.timedelta(hours=24)
    assert timezone.localtime(ends).date() == datetime.date(2027, 1, 1)
    assert timezone.localtime(starts).strftime("%H:%M") == "08:30"


def test_shift_code_must_be_unique_in_the_community(community_a, supervisor):
    services.shift_templates_ensure(community_a)
    with pytest.raises(ValidationError) as exc:
        services.shift_template_save(community=community_a, code="e", name="夜班", start_time=datetime.time(20),
                                     end_time=datetime.time(8), is_active=True, sort_order=50, actor=supervisor)
    assert "code" in exc.value.error_dict
    night = services.shift_template_save(community=community_a, code="n", name="夜班", start_time=datetime.time(20),
                                         end_time=datetime.time(8), is_active=True, sort_order=50, actor=supervisor)
    assert night.code == "N" and night.crosses_midnight


# the grid

def test_grid_save_writes_aware_times_and_diffs(community_a, staff, supervisor, month):
    roster = build(community_a, staff, supervisor, month)
    first = Assignment.objects.get(roster=roster, user=staff[0], date=month)
    assert timezone.localtime(first.starts_at).strftime("%H:%M") == "07:30"
    assert Assignment.objects.filter(roster=roster, is_active=True).count() == 2 * len(dates.month_days(month))
    # change one cell, empty another, add a third: only those are written; old rows stay (inactive)
    result = services.roster_save_grid(community=community_a, month=month, actor=supervisor, cells=_cell(
        community_a, staff, month, {(staff[0].pk, 1): "M", (staff[1].pk, 2): "", (staff[2].pk, 3): "D"}))
    assert (result["added"], result["removed"]) == (2, 2)
    first.refresh_from_db()
    assert first.is_active is False
    assert Assignment.objects.get(roster=roster, user=staff[0], date=month, is_active=True).shift.code == "M"
    assert Assignment.objects.filter(roster=roster, user=staff[1], date=month.replace(day=2)).get().is_active is False
    d = Assignment.objects.get(roster=roster, user=staff[2], date=month.replace(day=3), is_active=True)
    assert d.ends_at - d.starts_at == datetime.timedelta(hours=24)
    # saving the same grid again writes nothing
    again = services.roster_save_grid(community=community_a, month=month, actor=supervisor, cells=_cell(
        community_a, staff, month, {(staff[0].pk, 1): "M", (staff[1].pk, 2): "", (staff[2].pk, 3): "D"}))
    assert (again["added"], again["removed"]) == (0, 0)


def test_unknown_code_is_refused_and_nothing_written(community_a, staff, supervisor, month):
    services.shift_templates_ensure(community_a)
    with pytest.raises(ValidationError) as exc:
        services.roster_save_grid(community=community_a, month=month, actor=supervisor,
                                  cells=_cell(community_a, staff, month, {(staff[0].pk, 4): "X"}))
    assert "X" in str(exc.value.messages)
    assert not Assignment.objects.exists()


def test_grid_of_someone_not_on_the_staff_is_refused(community_a, staff, supervisor, month, clerk_b):
    services.shift_templates_ensure(community_a)
    with pytest.raises(ValidationError):
        services.roster_save_grid(community=community_a, month=month, actor=supervisor, cells={(clerk_b.pk, 1): "E"})


# coverage

def _problems(community, staff, supervisor, month, changes):
    roster = build(community, staff, supervisor, month, cells=_cell(community, staff, month, changes))
    return coverage.roster_problems(roster)


def test_a_covered_month_has_no_problems(community_a, staff, supervisor, month):
    assert _problems(community_a, staff, supervisor, month, {}) == []


def test_a_gap_in_the_opening_hours_is_found(community_a, staff, supervisor, month):
    problems = _problems(community_a, staff, supervisor, month, {(staff[1].pk, 3): ""})
    assert [(p.kind, p.date.day) for p in problems] == [("gap", 3)]
    assert "15:30–20:00" in problems[0].message


def test_a_24_hour_shift_covers_the_whole_day(community_a, staff, supervisor, month):
    problems = _problems(community_a, staff, supervisor, month,
                         {(staff[0].pk, 3): "", (staff[1].pk, 3): "", (staff[2].pk, 3): "D"})
    assert [p for p in problems if p.kind == "gap"] == []


def test_overlapping_shifts_and_short_rest_are_found(community_a, staff, supervisor, month):
    # staff[2]: 24 h on the 4th (until 08:30 on the 5th), then early on the 5th (07:30): overlap;
    # 24 h on the 9th, then middle on the 10th (09:30): one hour of rest.
    problems = _problems(community_a, staff, supervisor, month, {
        (staff[2].pk, 4): "D", (staff[2].pk, 5): "E", (staff[2].pk, 9): "D", (staff[2].pk, 10): "M"})
    kinds = {(p.kind, p.date.day, p.user_id) for p in problems}
    assert ("overlap", 5, staff[2].pk) in kinds
    assert ("rest", 10, staff[2].pk) in kinds


def test_late_then_early_respects_eleven_hours(community_a, staff, supervisor, month, settings):
    changes = {(staff[2].pk, 6): "L", (staff[2].pk, 7): "E"}  # 20:00 -> 07:30 = 11.5 h
    assert _problems(community_a, staff, supervisor, month, changes) == []
    settings.DUTY_MIN_REST_HOURS = 12
    roster = services.Roster.objects.get(community=community_a, month=month)
    assert [p.kind for p in coverage.roster_problems(roster)] == ["rest"]


# status

def test_submit_with_problems_is_refused_with_the_list(community_a, staff, supervisor, month):
    roster = build(community_a, staff, supervisor, month, cells=_cell(community_a, staff, month, {(staff[1].pk, 3): ""}))
    with pytest.raises(ValidationError) as exc:
        services.roster_set_status(roster=roster, to_status=Roster.Status.SUBMITTED, actor=supervisor)
    assert any("15:30–20:00" in m for m in exc.value.messages)
    roster.refresh_from_db()
    assert roster.status == Roster.Status.DRAFT and not RosterStatusChange.objects.exists()


def test_submit_approve_and_the_records(community_a, staff, supervisor, manager, month):
    roster = build(community_a, staff, supervisor, month)
    roster = services.roster_set_status(roster=roster, to_status=Roster.Status.SUBMITTED, actor=supervisor)
    assert roster.status == Roster.Status.SUBMITTED and roster.submitted_at
    assert Notification.objects.filter(user=manager, url__contains=f"/{month.year}/{month.month}/").count() == 1
    with pytest.raises(ValidationError):  # the supervisor cannot approve their own roster
        services.roster_set_status(roster=roster, to_status=Roster.Status.APPROVED, actor=supervisor)
    roster = services.roster_set_status(roster=roster, to_status=Roster.Status.APPROVED, actor=manager, note="好")
    assert roster.status == Roster.Status.APPROVED and roster.manager_comment == "好"
    moves = list(RosterStatusChange.objects.filter(roster=roster).values_list("from_status", "to_status", "actor"))
    assert moves == [("draft", "submitted", supervisor.pk), ("submitted", "approved", manager.pk)]
    assert Notification.objects.filter(user=supervisor, title__contains="approved").exists()
    # approved is final: no move, and the grid is read-only
    with pytest.raises(ValidationError):
        services.roster_set_status(roster=roster, to_status=Roster.Status.RETURNED, actor=manager, note="x")
    with pytest.raises(ValidationError):
        services.roster_save_grid(community=community_a, month=month, actor=supervisor, cells=covered_cells(staff, month))


def test_draft_cannot_be_approved_directly(community_a, staff, supervisor, manager, month):
    roster = build(community_a, staff, supervisor, month)
    with pytest.raises(ValidationError):
        services.roster_set_status(roster=roster, to_status=Roster.Status.APPROVED, actor=manager)
    roster.refresh_from_db()
    assert roster.status == Roster.Status.DRAFT


def test_return_needs_a_comment_then_resubmit(community_a, staff, supervisor, manager, month):
    roster = build(community_a, staff, supervisor, month, status=Roster.Status.SUBMITTED)
    with pytest.raises(ValidationError) as exc:
        services.roster_set_status(roster=roster, to_status=Roster.Status.RETURNED, actor=manager)
    assert "note" in exc.value.error_dict
    roster = services.roster_set_status(roster=roster, to_status=Roster.Status.RETURNED, actor=manager, note="周末人手不足")
    assert Notification.objects.filter(user=supervisor, body="周末人手不足").exists()
    # returned: the grid is editable again, then submitted again
    services.roster_save_grid(community=community_a, month=month, actor=supervisor,
                              cells=_cell(community_a, staff, month, {(staff[2].pk, 6): "M"}))
    roster = services.roster_set_status(roster=roster, to_status=Roster.Status.SUBMITTED, actor=supervisor)
    assert roster.status == Roster.Status.SUBMITTED and roster.decided_at is None


def test_late_submission_is_marked(community_a, staff, supervisor, month):
    roster = build(community_a, staff, supervisor, month, status=Roster.Status.SUBMITTED)
    tz = timezone.get_default_timezone()
    deadline = roster.submission_deadline
    assert deadline == dates.previous_month(month).replace(day=25)
    roster.submitted_at = timezone.make_aware(datetime.datetime.combine(deadline, datetime.time(23, 59)), tz)
    assert not roster_selectors.roster_is_late(roster)
    roster.submitted_at = timezone.make_aware(datetime.datetime.combine(deadline + datetime.timedelta(days=1),
                                                                        datetime.time(0, 1)), tz)
    assert roster_selectors.roster_is_late(roster)


def test_copy_last_month_by_weekday_and_by_day(community_a, staff, supervisor, manager, month):
    previous = dates.previous_month(month)
    cells = covered_cells(staff, previous)
    cells[(staff[2].pk, 10)] = "M"
    Roster.objects.create(community=community_a, month=previous, created_by=supervisor)
    services.shift_templates_ensure(community_a)
    # write last month's grid directly through the service (it is editable while a draft)
    services.roster_save_grid(community=community_a, month=previous, cells=cells, actor=supervisor)
    services.roster_copy_previous(community=community_a, month=month, mode="day", actor=supervisor)
    roster = Roster.objects.get(community=community_a, month=month)
    assert Assignment.objects.get(roster=roster, user=staff[2], is_active=True).date == month.replace(day=10)
    services.roster_copy_previous(community=community_a, month=month, mode="weekday", actor=supervisor)
    copied = Assignment.objects.get(roster=roster, user=staff[2], is_active=True)
    source = previous.replace(day=10)
    assert copied.date == source + datetime.timedelta(days=28) and copied.date.weekday() == source.weekday()
    assert coverage.roster_problems(roster) == []


# reminders

@pytest.fixture
def reminder_setup(community_a, supervisor, make_user):
    supervisor.email = "zhao@example.com"
    supervisor.save(update_fields=["email"])
    silent = make_user(role=Role.SUPERVISOR, communities=[community_a], username="sup_no_mail")
    return supervisor, silent


def _reminded(user):
    return Notification.objects.filter(user=user, url__startswith="/duty/roster/").count()


def test_reminders_on_the_20th_and_24th_once_each(community_a, reminder_setup):
    supervisor, silent = reminder_setup
    november = datetime.date(2026, 11, 1)
    assert services.roster_reminders_send(today=november.replace(day=19)) == []
    sent = services.roster_reminders_send(today=november.replace(day=20))
    assert len(sent) == 1
    roster = Roster.objects.get(community=community_a, month=datetime.date(2026, 12, 1))
    assert roster.status == Roster.Status.DRAFT and roster.reminder_20_sent_at  # the row was created to carry the marker
    assert (_reminded(supervisor), _reminded(silent)) == (1, 1)
    assert list(OutboundMessage.objects.values_list("recipient", flat=True)) == ["zhao@example.com"]
    for day in (20, 21, 22, 23):  # never twice
        assert services.roster_reminders_send(today=november.replace(day=day)) == []
    assert services.roster_reminders_send(today=november.replace(day=24)) == [roster.pk]
    assert services.roster_reminders_send(today=november.replace(day=24)) == []
    assert services.roster_reminders_send(today=november.replace(day=25)) == []
    assert _reminded(supervisor) == 2 and OutboundMessage.objects.count() == 2


def test_a_missed_20th_is_caught_up_once(community_a, reminder_setup):
    supervisor, _silent = reminder_setup
    assert len(services.roster_reminders_send(today=datetime.date(2026, 11, 22))) == 1
    assert services.roster_reminders_send(today=datetime.date(2026, 11, 23)) == []
    assert _reminded(supervisor) == 1


def test_no_reminder_once_submitted(community_a, staff, reminder_setup, manager):
    supervisor, _silent = reminder_setup
    build(community_a, staff, supervisor, datetime.date(2026, 12, 1), status=Roster.Status.SUBMITTED)
    assert services.roster_reminders_send(today=datetime.date(2026, 11, 20)) == []
    assert _reminded(supervisor) == 0


def test_the_reminder_is_scheduled_daily_by_beat():
    from config.celery import app

    app.loader.import_default_modules()  # what a worker does at start: the apps' tasks modules (autodiscovery)
    entry = app.conf.beat_schedule["duty-roster-reminders"]
    assert entry["task"] == "duty.tasks.roster_reminders" and entry["task"] in app.tasks
    assert entry["schedule"].hour == {9} and entry["schedule"].minute == {0}


QUEUE = "test-duty-roster"  # its own queue: other test runs' workers share the Redis broker


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_the_reminder(community_a, users):
    import time
    from unittest import mock

    from celery.contrib.testing.worker import start_worker

    from config.celery import app
    from duty.tasks import roster_reminders

    supervisor = users[Role.SUPERVISOR]
    with (mock.patch("duty.tasks.timezone.localdate", return_value=datetime.date(2026, 11, 20)),
          start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10, queues=[QUEUE])):
        roster_reminders.apply_async(queue=QUEUE)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and not _reminded(supervisor):
            time.sleep(0.2)
    assert _reminded(supervisor) == 1
    assert Roster.objects.get(community=community_a, month=datetime.date(2026, 12, 1)).reminder_20_sent_at


# leave and swaps

@pytest.fixture
def approved(community_a, staff, supervisor, manager, month):
    return build(community_a, staff, supervisor, month, status=Roster.Status.APPROVED, manager=manager)


def _a(user, date):
    return Assignment.objects.get(user=user, date=date, is_active=True)


def test_leave_must_be_asked_a_day_ahead(approved, staff, month):
    today = month.replace(day=10)
    with pytest.raises(ValidationError) as exc:
        services.change_request_create(requester=staff[0], kind="leave", assignment=_a(staff[0], today), reason="病假",
                                       today=today)
    assert "assignment" in exc.value.error_dict and "one day ahead" in str(exc.value)
    ok = services.change_request_create(requester=staff[0], kind="leave", assignment=_a(staff[0], month.replace(day=11)),
                                        reason="病假", today=today)
    assert ok.status == ShiftChangeRequest.Status.PENDING


def test_requests_are_for_own_shifts_with_a_reason_once(approved, staff, month):
    today = today_before(month)
    with pytest.raises(ValidationError):
        services.change_request_create(requester=staff[1], kind="leave", assignment=_a(staff[0], month), reason="x",
                                       today=today)
    with pytest.raises(ValidationError) as exc:
        services.change_request_create(requester=staff[0], kind="leave", assignment=_a(staff[0], month), reason=" ",
                                       today=today)
    assert "reason" in exc.value.error_dict
    services.change_request_create(requester=staff[0], kind="leave", assignment=_a(staff[0], month), reason="事假",
                                   today=today)
    with pytest.raises(ValidationError):
        services.change_request_create(requester=staff[0], kind="leave", assignment=_a(staff[0], month), reason="事假",
                                       today=today)
    assert ShiftChangeRequest.objects.count() == 1


def test_requests_only_on_an_approved_roster(community_a, staff, supervisor, month):
    build(community_a, staff, supervisor, month)
    with pytest.raises(ValidationError) as exc:
        services.change_request_create(requester=staff[0], kind="leave", assignment=_a(staff[0], month), reason="x",
                                       today=today_before(month))
    assert "not approved" in str(exc.value)


def test_leave_without_cover_that_leaves_a_gap_is_refused(approved, staff, supervisor, month):
    day = month.replace(day=10)
    request = services.change_request_create(requester=staff[0], kind="leave", assignment=_a(staff[0], day), reason="病假",
                                             today=today_before(month))
    with pytest.raises(ValidationError) as exc:
        services.change_request_decide(request=request, approve=True, actor=supervisor)
    assert any("nobody on duty 07:30–12:00" in m for m in exc.value.messages)
    request.refresh_from_db()
    assert request.status == ShiftChangeRequest.Status.PENDING and _a(staff[0], day)


def test_leave_approved_with_a_cover(approved, staff, supervisor, month):
    day = month.replace(day=10)
    mine = _a(staff[0], day)
    request = services.change_request_create(requester=staff[0], kind="leave", assignment=mine, reason="病假",
                                             today=today_before(month))
    services.change_request_decide(request=request, approve=True, actor=supervisor, cover_user=staff[2], note="王代班")
    mine.refresh_from_db()
    assert mine.is_active is False
    cover = _a(staff[2], day)
    assert (cover.origin, cover.change_request, cover.shift_id, cover.starts_at) == ("cover", request, mine.shift_id,
                                                                                    mine.starts_at)
    request.refresh_from_db()
    assert (request.status, request.decided_by, request.cover_user) == ("approved", supervisor, staff[2])
    assert Notification.objects.filter(user=staff[0], title__contains="approved").exists()
    with pytest.raises(ValidationError):  # decided once
        services.change_request_decide(request=request, approve=False, actor=supervisor, note="x")


def test_swap_approved_exchanges_the_people(approved, staff, supervisor, month):
    day = month.replace(day=10)
    mine, theirs = _a(staff[0], day), _a(staff[1], day)
    request = services.change_request_create(requester=staff[0], kind="swap", assignment=mine,
                                             counterpart_assignment=theirs, reason="家中有事", today=today_before(month))
    assert Assignment.objects.filter(is_active=True, date=day).count() == 2  # nothing changes before approval
    services.change_request_decide(request=request, approve=True, actor=supervisor)
    assert _a(staff[0], day).shift.code == "L" and _a(staff[1], day).shift.code == "E"
    assert set(Assignment.objects.filter(change_request=request).values_list("origin", flat=True)) == {"swap"}
    mine.refresh_from_db(), theirs.refresh_from_db()
    assert not mine.is_active and not theirs.is_active


def test_swap_that_would_overlap_is_refused(approved, staff, supervisor, month):
    mine, theirs = _a(staff[0], month.replace(day=10)), _a(staff[1], month.replace(day=11))
    request = services.change_request_create(requester=staff[0], kind="swap", assignment=mine,
                                             counterpart_assignment=theirs, reason="x", today=today_before(month))
    with pytest.raises(ValidationError) as exc:
        services.change_request_decide(request=request, approve=True, actor=supervisor)
    assert any("overlapping" in m for m in exc.value.messages)
    assert _a(staff[0], month.replace(day=10)) == mine


def test_reject_needs_a_note(approved, staff, supervisor, month):
    request = services.change_request_create(requester=staff[0], kind="leave", assignment=_a(staff[0], month),
                                             reason="x", today=today_before(month))
    with pytest.raises(ValidationError):
        services.change_request_decide(request=request, approve=False, actor=supervisor)
    services.change_request_decide(request=request, approve=False, actor=supervisor, note="人手不足")
    request.refresh_from_db()
    assert request.status == "rejected" and request.decision_note == "人手不足" and _a(staff[0], month)


def test_only_the_requester_withdraws(approved, staff, month):
    request = services.change_request_create(requester=staff[0], kind="leave", assignment=_a(staff[0], month),
                                             reason="x", today=today_before(month))
    with pytest.raises(ValidationError):
        services.change_request_cancel(request=request, actor=staff[1])
    services.change_request_cancel(request=request, actor=staff[0])
    request.refresh_from_db()
    assert request.status == "cancelled"


def test_someone_who_left_stays_on_the_grid_until_their_shifts_are_removed(community_a, staff, supervisor, month):
    build(community_a, staff, supervisor, month, cells=_cell(community_a, staff, month, {(staff[2].pk, 5): "M"}))
    staff[2].communities.clear()
    grid = roster_selectors.roster_grid(community=community_a, month=month)
    assert [r.user.pk for r in grid["rows"] if r.former] == [staff[2].pk]
    with pytest.raises(ValidationError):  # no new shifts for them
        services.roster_save_grid(community=community_a, month=month, actor=supervisor, cells={(staff[2].pk, 6): "M"})
    services.roster_save_grid(community=community_a, month=month, actor=supervisor, cells={(staff[2].pk, 5): ""})
    assert not Assignment.objects.filter(user=staff[2], is_active=True).exists()
    assert not [r for r in roster_selectors.roster_grid(community=community_a, month=month)["rows"] if r.former]


def test_demo_loader_builds_the_rosters_once(make_user):
    import io

    from duty.demo import roster as demo_roster
    from tests.factories import CommunityFactory

    ch = CommunityFactory(code="CH", name="翠湖花园")
    for username, role in (("clerk", Role.CLERK), ("supervisor", Role.SUPERVISOR), ("manager", Role.MANAGER)):
        make_user(role=role, communities=[ch], username=username)
    out = io.StringIO()
    demo_roster.load(out)
    demo_roster.load(out)
    current = dates.month_start(timezone.localdate())
    assert dict(Roster.objects.filter(community=ch).values_list("month", "status")) == {
        current: "approved", dates.next_month(current): "draft"}
    assert coverage.roster_problems(Roster.objects.get(community=ch, month=current)) == []
    kinds = sorted(ShiftChangeRequest.objects.values_list("kind", "status"))
    assert kinds == [("leave", "pending"), ("swap", "approved")] or timezone.localdate().day >= 28
    assert "already loaded" in out.getvalue()


def test_demo_roster_submitted_before_the_25th_is_not_announced_as_late(make_user):
    """Issue 15 (1.11): after seeding, '翠湖花园 2026-12 排班表已逾期提交审批' pointed at a roster submitted on the
    24th and approved: the demo history's times are those the status writer sees."""
    import io

    from django.utils import translation

    from duty.demo import roster as demo_roster
    from tests.factories import CommunityFactory

    ch = CommunityFactory(code="CH", name="翠湖花园")
    for username, role in (("clerk", Role.CLERK), ("supervisor", Role.SUPERVISOR), ("manager", Role.MANAGER)):
        make_user(role=role, communities=[ch], username=username)
    with translation.override("en"):
        demo_roster.load(io.StringIO())
    roster = Roster.objects.get(community=ch, month=dates.month_start(timezone.localdate()))
    assert not roster_selectors.roster_is_late(roster)
    titles = list(Notification.objects.values_list("title", flat=True))
    assert any("submitted for approval" in t for t in titles)
    assert not [t for t in titles if "late" in t]
