"""The visitor register (issue 11 §2): an unexpected visitor is let in only after the owner's "agreed" is
recorded; time in/out once each under two clerks at once; no-shows at the end of the expected day; the
end-of-shift sweep and the handover's lines; bad input kept; double submit; personal data masked; the
log's filters and export; query counts of the board, the log and the unit page."""

import datetime
import io
import threading
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core import idempotency
from core.models import Role
from frontdesk.models import Visitor, VisitorStatusChange, VisitorSweep
from frontdesk.registry import handover_sources
from frontdesk.selectors import visitors as selectors
from frontdesk.services import visitors as services
from tests.factories import UnitFactory
from tests.frontdesk.matrix_visitors import make_visitor

S = Visitor.Status
TZ = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _english(english_messages):
    return english_messages


@pytest.fixture
def unexpected(unit_a, clerk):
    return make_visitor(unit_a, actor=clerk, kind="unexpected", name="王来访")


@pytest.fixture
def expected(unit_a, clerk):
    return make_visitor(unit_a, actor=clerk, name="李预约", plate="粤B7A123", people_count=2)


# --- the owner first ------------------------------------------------------------------------------------

def test_an_unexpected_visitor_is_refused_entry_until_the_owner_agreed(unexpected, clerk):
    assert unexpected.status == S.CONSULTING and not unexpected.may_enter
    with pytest.raises(ValidationError, match="only after the owner agreed"):
        services.visitor_time_in(visitor=unexpected, actor=clerk)
    unexpected.refresh_from_db()
    assert unexpected.status == S.CONSULTING and unexpected.time_in is None
    # the database refuses it too, whatever the code path
    with pytest.raises(IntegrityError), transaction.atomic():
        Visitor.objects.filter(pk=unexpected.pk).update(status=S.ON_SITE, time_in=timezone.now())  # past the service, on purpose
    services.visitor_record_answer(visitor=unexpected, asked_person="张建国", answer="agreed", note="是表弟",
                                   actor=clerk)
    visitor = services.visitor_time_in(visitor=unexpected, actor=clerk)
    assert visitor.status == S.ON_SITE and visitor.time_in_by == clerk and visitor.answered_by == clerk
    assert list(visitor.status_changes.values_list("from_status", "to_status")) == [(S.CONSULTING, S.ON_SITE)]


@pytest.mark.parametrize("answer", ["refused", "no_answer"])
def test_a_refusal_or_no_answer_turns_the_visitor_away(unexpected, clerk, answer):
    visitor = services.visitor_record_answer(visitor=unexpected, asked_person="张建国", answer=answer, actor=clerk)
    assert visitor.status == S.REFUSED and visitor.answer == answer and visitor.answered_at
    with pytest.raises(ValidationError):
        services.visitor_time_in(visitor=visitor, actor=clerk)
    with pytest.raises(ValidationError):  # the answer is recorded once
        services.visitor_record_answer(visitor=visitor, asked_person="张建国", answer="agreed", actor=clerk)
    assert VisitorStatusChange.objects.get(visitor=visitor).to_status == S.REFUSED


def test_the_entry_is_refused_in_the_browser_flow_with_a_message(clerk_client, unexpected):
    response = clerk_client.post(reverse("frontdesk:visitor_time_in", args=[unexpected.pk]), follow=True)
    assert "only after the owner agreed" in response.content.decode()
    unexpected.refresh_from_db()
    assert unexpected.status == S.CONSULTING
    page = clerk_client.get(reverse("frontdesk:visitor_detail", args=[unexpected.pk])).content.decode()
    assert 'id="answer"' in page and reverse("frontdesk:visitor_time_in", args=[unexpected.pk]) not in page
    # the owner to call, with a tap-to-call phone, and their name already in the form
    assert 'href="tel:13812345678"' in page and 'value="张建国"' in page
    response = clerk_client.post(reverse("frontdesk:visitor_answer", args=[unexpected.pk]), {
        "asked_person": "张建国", "answer": "agreed", "form_token": idempotency.new_token()})
    assert response.status_code == 302
    response = clerk_client.post(reverse("frontdesk:visitor_time_in", args=[unexpected.pk]),
                                 {"next": reverse("frontdesk:visitor_board")})
    assert response["Location"] == reverse("frontdesk:visitor_board")
    unexpected.refresh_from_db()
    assert unexpected.status == S.ON_SITE


def test_expected_visitor_in_and_out_with_one_click_each(clerk_client, expected, clerk):
    clerk_client.post(reverse("frontdesk:visitor_time_in", args=[expected.pk]))
    board = clerk_client.get(reverse("frontdesk:visitor_board")).content.decode()
    assert "李预约" in board and reverse("frontdesk:visitor_time_out", args=[expected.pk]) in board
    clerk_client.post(reverse("frontdesk:visitor_time_out", args=[expected.pk]))
    expected.refresh_from_db()
    assert expected.status == S.LEFT and expected.time_out_by == clerk and expected.time_out >= expected.time_in
    second = clerk_client.post(reverse("frontdesk:visitor_time_out", args=[expected.pk]), follow=True)
    assert "already checked this visitor out" in second.content.decode()


def test_the_status_machine_refuses_moves_not_in_transitions(expected, clerk):
    with pytest.raises(ValidationError):
        services.visitor_time_out(visitor=expected, actor=clerk)
    with pytest.raises(ValidationError):
        services.visitor_set_status(visitor=expected, to=S.LEFT, actor=clerk)
    assert set(Visitor.TRANSITIONS) == set(S.values)
    assert Visitor.TRANSITIONS[S.VOID] == set()


def test_void_keeps_the_entry_with_the_reason(clerk_client, expected, clerk):
    url = reverse("frontdesk:visitor_void", args=[expected.pk])
    response = clerk_client.post(url, {"reason": "", "form_token": idempotency.new_token()})
    assert response.status_code == 200 and "This field is required" in response.content.decode()
    clerk_client.post(url, {"reason": "房号登记错误", "form_token": idempotency.new_token()})
    expected.refresh_from_db()
    assert expected.status == S.VOID and expected.void_reason == "房号登记错误"
    assert Visitor.objects.filter(pk=expected.pk).exists()
    log = clerk_client.get(reverse("frontdesk:visitor_log"), {"status": "void"}).content.decode()
    assert "李预约" in log


# --- two clerks at once ---------------------------------------------------------------------------------

def _run_threads(target, count=2):
    barrier = threading.Barrier(count)
    results, errors = [], []

    def wrapped(index):
        try:
            barrier.wait(timeout=30)
            results.append(target(index))
        except ValidationError as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=wrapped, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads)
    return results, errors


@pytest.mark.django_db(transaction=True)
def test_two_clerks_time_in_and_out_at_once_one_time_each(unit_a, users, make_user, community_a):
    clerks = [users[Role.CLERK], make_user(role=Role.CLERK, communities=[community_a], username="clerk2_a",
                                           full_name="李娜")]
    visitor = make_visitor(unit_a, actor=clerks[0])
    results, errors = _run_threads(lambda i: services.visitor_time_in(visitor=visitor, actor=clerks[i]))
    assert len(results) == 1 and len(errors) == 1
    winner = results[0].time_in_by
    assert f"{winner.display_name} already let this visitor in at" in errors[0].messages[0]
    results, errors = _run_threads(lambda i: services.visitor_time_out(visitor=visitor, actor=clerks[i]))
    assert len(results) == 1 and len(errors) == 1 and "already checked this visitor out" in errors[0].messages[0]
    visitor.refresh_from_db()
    assert visitor.status == S.LEFT
    assert list(visitor.status_changes.values_list("to_status", flat=True)) == [S.ON_SITE, S.LEFT]


# --- no-shows --------------------------------------------------------------------------------------------

def test_expected_visitors_become_no_shows_after_their_day(unit_a, clerk):
    day = datetime.datetime(2026, 11, 22, 10, 0, tzinfo=TZ)
    late = make_visitor(unit_a, actor=clerk, name="甲", expected_at=day, now=day - datetime.timedelta(hours=1))
    today = make_visitor(unit_a, actor=clerk, name="乙", expected_at=day + datetime.timedelta(days=1, hours=5))
    came = make_visitor(unit_a, actor=clerk, name="丙", expected_at=day)
    services.visitor_time_in(visitor=came, actor=clerk, now=day)
    assert services.visitor_no_shows_sweep(now=day + datetime.timedelta(hours=13)) == 0  # 23:00: the day is not over
    next_morning = day + datetime.timedelta(days=1)
    assert services.visitor_no_shows_sweep(now=next_morning) == 1
    assert services.visitor_no_shows_sweep(now=next_morning) == 0  # once
    late.refresh_from_db(), today.refresh_from_db(), came.refresh_from_db()
    assert (late.status, today.status, came.status) == (S.NO_SHOW, S.EXPECTED, S.ON_SITE)
    change = late.status_changes.get()
    assert change.actor is None and change.note
    assert selectors.visitors_no_show([unit_a.community_id], day.date()) == 1


def test_a_clerk_marks_a_no_show(clerk_client, expected):
    clerk_client.post(reverse("frontdesk:visitor_no_show", args=[expected.pk]))
    expected.refresh_from_db()
    assert expected.status == S.NO_SHOW
    response = clerk_client.post(reverse("frontdesk:visitor_time_in", args=[expected.pk]), follow=True)
    assert "cannot be let in" in response.content.decode()


def test_the_tasks_are_scheduled():
    from config.celery import app

    schedule = app.conf.beat_schedule
    assert schedule["frontdesk-visitor-no-shows"]["task"] == "frontdesk.tasks.visitor_no_shows"
    assert schedule["frontdesk-visitor-sweep"]["task"] == "frontdesk.tasks.visitor_sweeps"


# --- the end-of-shift sweep and the handover -------------------------------------------------------------

def test_the_sweep_records_who_was_never_checked_out_and_feeds_the_handover(clerk_client, unit_a, clerk, expected,
                                                                          unexpected):
    services.visitor_time_in(visitor=expected, actor=clerk)
    left = make_visitor(unit_a, actor=clerk, name="走了的")
    services.visitor_time_in(visitor=left, actor=clerk)
    services.visitor_time_out(visitor=left, actor=clerk)
    response = clerk_client.post(reverse("frontdesk:visitor_sweep"), {
        "community": unit_a.community_id, "note": "晚班交接", "form_token": idempotency.new_token()})
    assert response.status_code == 302
    sweep = VisitorSweep.objects.get()
    assert sweep.by == clerk and sweep.note == "晚班交接" and list(sweep.visitors.all()) == [expected]
    page = clerk_client.get(response["Location"]).content.decode()
    assert "李预约" in page and "晚班交接" in page
    source = next(s for s in handover_sources() if s.key == "visitors")
    with CaptureQueriesContext(connection) as ctx:
        lines = source.lines(unit_a.community)
    assert len(ctx) <= 2
    assert len(lines) == 1 and "李**" in lines[0].text and "粤B7A123" in lines[0].text
    assert "end-of-shift sweep" in lines[0].text and lines[0].url == expected.get_absolute_url()
    assert "李预约" not in lines[0].text  # the handover sheet names a visitor as 李**


def test_the_evening_task_sweeps_once_a_day_per_community(unit_a, unit_b, clerk, clerk_b):
    inside = make_visitor(unit_a, actor=clerk)
    services.visitor_time_in(visitor=inside, actor=clerk)
    make_visitor(unit_b, actor=clerk_b)  # expected, not inside: community B has nobody to sweep
    evening = datetime.datetime(2026, 11, 22, 22, 0, tzinfo=TZ)
    assert services.visitor_sweeps_run(now=evening) == 1
    services.visitor_sweeps_run(now=evening + datetime.timedelta(minutes=30))
    sweep = VisitorSweep.objects.get()
    assert sweep.by is None and sweep.community_id == unit_a.community_id and list(sweep.visitors.all()) == [inside]
    services.visitor_sweeps_run(now=evening + datetime.timedelta(days=1))
    assert VisitorSweep.objects.count() == 2
    assert selectors.visitors_not_checked_out([unit_a.community_id], timezone.localdate()) == 1


@pytest.mark.django_db(transaction=True)
def test_the_tasks_run_on_a_real_worker(unit_a, clerk):
    """The evening sweep and the no-show task through a real Celery worker on Redis (its own queue)."""
    import time
    import uuid

    from celery.contrib.testing.worker import start_worker

    from config.celery import app
    from frontdesk.tasks import visitor_no_shows, visitor_sweeps

    queue = f"test-visitors-{uuid.uuid4().hex[:8]}"
    inside = make_visitor(unit_a, actor=clerk)
    services.visitor_time_in(visitor=inside, actor=clerk)
    gone = make_visitor(unit_a, actor=clerk, name="没来", expected_at=timezone.now() - datetime.timedelta(days=2))

    def done():
        return (VisitorSweep.objects.filter(by__isnull=True).count() == 1
                and Visitor.objects.filter(pk=gone.pk, status=S.NO_SHOW).exists())

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10, queues=[queue]):
        visitor_sweeps.apply_async(queue=queue)
        visitor_sweeps.apply_async(queue=queue)  # twice (a re-queued beat): one sweep
        visitor_no_shows.apply_async(queue=queue)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not done():
            time.sleep(0.2)
        time.sleep(0.5)
    assert done()
    assert list(VisitorSweep.objects.get().visitors.all()) == [inside]


# --- registering: bad input, double submit, prefill ---------------------------------------------------

def _form(unit, **overrides):
    data = {"community": unit.community_id, "room": "3-2-1502", "kind": "expected", "name": "赵客人",
            "phone": "13900001234", "people_count": "2", "plate": "粤b 7a123", "purpose": "探望",
            "called_by": "张建国", "expected_at": "2026-11-22T14:30", "form_token": idempotency.new_token()}
    return data | overrides


def test_bad_input_keeps_what_was_typed_with_messages_at_the_fields(clerk_client, unit_a):
    url = reverse("frontdesk:visitor_create")
    response = clerk_client.post(url, _form(unit_a, phone="12345", plate="ABC", people_count="0", called_by="",
                                            expected_at="明天下午", room="9-9-9999", name="x" * 60))
    assert response.status_code == 200 and not Visitor.objects.exists()
    form = response.context["form"]
    assert set(form.errors) >= {"phone", "plate", "people_count", "called_by", "expected_at", "room", "name"}
    html = response.content.decode()
    assert 'value="12345"' in html and 'value="明天下午"' in html and 'value="9-9-9999"' in html


def test_double_submit_registers_one_visitor(clerk_client, unit_a):
    data = _form(unit_a)
    first = clerk_client.post(reverse("frontdesk:visitor_create"), data)
    second = clerk_client.post(reverse("frontdesk:visitor_create"), data)
    assert first.status_code == second.status_code == 302 and first["Location"] == second["Location"]
    visitor = Visitor.objects.get()
    assert (visitor.status, visitor.plate, visitor.people_count, visitor.unit_id) == (S.EXPECTED, "粤B7A123", 2,
                                                                                      unit_a.pk)
    assert timezone.localtime(visitor.expected_at).strftime("%Y-%m-%d %H:%M") == "2026-11-22 14:30"


def test_an_unexpected_visitor_needs_no_caller_and_waits_for_the_owner(clerk_client, unit_a):
    response = clerk_client.post(reverse("frontdesk:visitor_create"),
                                 _form(unit_a, kind="unexpected", called_by="", expected_at="", plate=""))
    visitor = Visitor.objects.get()
    assert response["Location"] == visitor.get_absolute_url() and visitor.status == S.CONSULTING


def test_the_lookup_action_and_the_unit_panel_prefill_the_room(clerk_client, unit_a, users):
    html = clerk_client.get(reverse("frontdesk:lookup"), {"q": "3-2-1502"}, headers={"HX-Request": "true"})
    assert f'{reverse("frontdesk:visitor_create")}?unit={unit_a.pk}' in html.content.decode()
    page = clerk_client.get(reverse("frontdesk:visitor_create"), {"unit": unit_a.pk}).content.decode()
    assert 'value="3-2-1502"' in page
    unit_page = clerk_client.get(reverse("frontdesk:unit_panels", args=[unit_a.pk])).content.decode()
    assert 'id="panel-visitors"' in unit_page


def test_the_unit_panel_lists_the_units_visitors_with_one_click_buttons(clerk_client, unit_a, clerk, expected,
                                                                        unexpected):
    other = UnitFactory(entrance=unit_a.entrance, number="1601")
    make_visitor(other, actor=clerk, name="别家客人")
    html = clerk_client.get(reverse("frontdesk:unit_panels", args=[unit_a.pk])).content.decode()
    assert "李预约" in html and "王来访" in html and "别家客人" not in html
    assert reverse("frontdesk:visitor_time_in", args=[expected.pk]) in html
    assert reverse("frontdesk:visitor_time_in", args=[unexpected.pk]) not in html  # the owner is asked first


def test_the_panel_and_the_action_are_hidden_from_other_roles(client, users, unit_a, expected):
    for role in (Role.CASHIER, Role.ENGINEER):
        client.force_login(users[role])
        html = client.get(reverse("frontdesk:unit_panels", args=[unit_a.pk])).content.decode()
        assert 'id="panel-visitors"' not in html and "李预约" not in html
        lookup = client.get(reverse("frontdesk:lookup"), {"q": "3-2-1502"}, headers={"HX-Request": "true"})
        assert reverse("frontdesk:visitor_create") not in lookup.content.decode()


# --- personal data, log, export -------------------------------------------------------------------------

def test_phones_are_masked_in_the_export_and_pages_go_through_the_sensitive_tag(client, users, expected):
    client.force_login(users[Role.CLERK])
    response = client.get(reverse("frontdesk:visitor_log"), {"export": "xlsx"})
    from openpyxl import load_workbook

    rows = list(load_workbook(io.BytesIO(response.getvalue()), read_only=True).active.iter_rows(values_only=True))
    text = " ".join(str(c) for row in rows for c in row if c is not None)
    assert "139****7777" in text and "13900007777" not in text and "粤B7A123" in text
    assert rows[0][0] == "Community" and len(rows) == 2
    page = client.get(reverse("frontdesk:visitor_detail", args=[expected.pk])).content.decode()
    assert '<span class="sensitive revealed"><a href="tel:13900007777">' in page  # the desk may call them


def test_the_phone_policy_masks_visitor_phones_for_roles_without_full_phones(rf, users, expected, monkeypatch):
    """A desk role that loses ``privacy.full_phone`` sees the visitor's phone masked on every visitor page."""
    from core import permissions

    monkeypatch.setitem(permissions.ACTIONS, "privacy.full_phone", frozenset())
    from django.test import Client

    client = Client()
    client.force_login(users[Role.SUPERVISOR])
    for url in (reverse("frontdesk:visitor_detail", args=[expected.pk]), reverse("frontdesk:visitor_log")):
        html = client.get(url).content.decode()
        assert "13900007777" not in html and "139****7777" in html, url


def test_the_export_is_refused_without_the_permission(client, users, expected, monkeypatch):
    from core import permissions

    monkeypatch.setitem(permissions.ACTIONS, "visitors.export", frozenset({Role.MANAGER}))
    client.force_login(users[Role.CLERK])
    assert client.get(reverse("frontdesk:visitor_log"), {"export": "xlsx"}).status_code == 403


def test_the_log_filters(clerk_client, unit_a, clerk, expected, unexpected):
    other = UnitFactory(entrance__building__community=unit_a.community, entrance__building__name="7", number="701")
    make_visitor(other, actor=clerk, name="周末客", plate="粤A12345")
    url = reverse("frontdesk:visitor_log")

    def names(**params):
        return sorted(v.name for v in clerk_client.get(url, params).context["page"].object_list)

    assert names() == sorted(["李预约", "王来访", "周末客"])
    assert names(plate="a1234") == ["周末客"]
    assert names(plate="7A1") == ["李预约"]
    assert names(name="来访") == ["王来访"]
    assert names(building="7") == ["周末客"]
    assert names(room="3-2-1502") == sorted(["李预约", "王来访"])
    assert names(status="consulting") == ["王来访"]
    today = timezone.localdate()
    assert len(names(date_from=today.isoformat(), date_to=today.isoformat())) == 3
    assert names(date_from=(today + datetime.timedelta(days=1)).isoformat()) == []
    response = clerk_client.get(url, {"date_from": "not a date", "status": "nonsense"})
    assert response.status_code == 200 and len(response.context["page"].object_list) == 3


def test_foreign_visitors_are_404_and_never_listed(client, clerk_b, expected):
    client.force_login(clerk_b)
    assert client.get(reverse("frontdesk:visitor_detail", args=[expected.pk])).status_code == 404
    assert client.post(reverse("frontdesk:visitor_time_in", args=[expected.pk])).status_code == 404
    assert list(client.get(reverse("frontdesk:visitor_log")).context["page"].object_list) == []
    assert client.get(reverse("frontdesk:visitor_board")).context["board"]["expected"] == []


# --- query counts ------------------------------------------------------------------------------------------

def _many(unit_a, clerk, n):
    for i in range(n):
        unit = UnitFactory(entrance=unit_a.entrance, number=f"8{i:03d}")
        v = make_visitor(unit, actor=clerk, name=f"客{i}", kind="expected" if i % 3 else "unexpected")
        if i % 3 == 1:
            services.visitor_time_in(visitor=v, actor=clerk)


def _count(client, url, **params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(ctx)


def test_the_board_and_the_log_use_a_constant_number_of_queries(clerk_client, unit_a, clerk,
                                                                django_assert_max_num_queries):
    _many(unit_a, clerk, 3)
    services.visitor_sweep_record(community=unit_a.community, actor=clerk)
    urls = [reverse("frontdesk:visitor_board"), reverse("frontdesk:visitor_log"), reverse("frontdesk:visitor_sweep")]
    for url in urls:  # the first visit of the sweep page remembers the community in the session
        _count(clerk_client, url)
    small = [_count(clerk_client, url) for url in urls]
    _many(unit_a, clerk, 0)
    for i in range(12):
        unit = UnitFactory(entrance=unit_a.entrance, number=f"7{i:03d}")
        v = make_visitor(unit, actor=clerk, name=f"多{i}")
        services.visitor_time_in(visitor=v, actor=clerk)
    services.visitor_sweep_record(community=unit_a.community, actor=clerk)
    big = [_count(clerk_client, url) for url in urls]
    assert big == small, (small, big)
    with django_assert_max_num_queries(10):
        clerk_client.get(reverse("frontdesk:visitor_board"))


def test_a_long_board_shows_the_first_rows_and_says_how_many_more(clerk_client, unit_a, clerk, monkeypatch):
    monkeypatch.setattr(selectors, "BOARD_LIMIT", 3)
    for i in range(5):
        v = make_visitor(unit_a, actor=clerk, name=f"长{i}", people_count=2)
        services.visitor_time_in(visitor=v, actor=clerk)
    response = clerk_client.get(reverse("frontdesk:visitor_board"))
    board = response.context["board"]
    assert len(board["on_site"]) == 3 and board["on_site_total"] == 5 and board["on_site_people"] == 10
    html = response.content.decode()
    assert 'id="on-site-count">5<' in html and html.count("board-more") == 1


def test_the_unit_page_stays_within_twelve_queries(clerk_client, unit_a, clerk, expected, unexpected):
    url = reverse("frontdesk:unit_detail", args=[unit_a.pk])
    panels = reverse("frontdesk:unit_panels", args=[unit_a.pk])  # the registers load right after the page
    small, few = _count(clerk_client, url), _count(clerk_client, panels)
    for i in range(6):
        v = make_visitor(unit_a, actor=clerk, name=f"访{i}")
        services.visitor_time_in(visitor=v, actor=clerk)
    assert _count(clerk_client, url) == small <= 12
    assert _count(clerk_client, panels) == few
    assert "访5" in clerk_client.get(panels).content.decode()


def test_the_days_figures(unit_a, clerk, expected, unexpected):
    services.visitor_time_in(visitor=expected, actor=clerk)
    services.visitor_record_answer(visitor=unexpected, asked_person="张建国", answer="refused", actor=clerk)
    today, ids = timezone.localdate(), [unit_a.community_id]
    assert selectors.visitors_registered(ids, today) == 2
    assert selectors.visitors_let_in(ids, today) == {"entries": 1, "people": 2}
    assert selectors.visitors_turned_away(ids, today) == 1
    assert selectors.visitors_not_checked_out(ids, today) == 1


# --- demo data ---------------------------------------------------------------------------------------------

def test_the_demo_shows_every_state_once_loaded(unit_a, make_user, community_a):
    from io import StringIO

    from frontdesk import demo

    make_user(role=Role.CLERK, communities=[community_a], username="clerk")
    for i in range(14):
        UnitFactory(entrance=unit_a.entrance, number=f"6{i:03d}")
    demo.load_visitors(StringIO())
    demo.load_visitors(StringIO())  # idempotent
    states = set(Visitor.objects.values_list("status", flat=True))
    assert states == set(S.values)
    assert Visitor.objects.filter(status=S.CONSULTING, answer="agreed").exists()
    assert Visitor.objects.filter(status=S.CONSULTING, answer="").exists()
    assert set(Visitor.objects.exclude(answer="").values_list("answer", flat=True)) == set(Visitor.Answer.values)
    assert VisitorSweep.objects.get().visitors.count() == 1
