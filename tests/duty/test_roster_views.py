"""The roster pages end to end through the Django client: grid save, refusals, decisions, requests, PDF,
and constant query counts on every list page."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from core import dates
from core.models import Role
from duty.models import Assignment, Roster, RosterStatusChange, ShiftChangeRequest
from duty.services import roster as services
from tests.duty.test_roster import build, covered_cells, make_staff, next_month_start


@pytest.fixture(autouse=True)
def english(settings):
    """Assertions read English messages: every user of these tests has picked English."""
    from core.models import User

    settings.LANGUAGE_CODE = "en"
    original = User._meta.get_field("language").default
    User._meta.get_field("language").default = "en"
    with translation.override("en"):
        yield
    User._meta.get_field("language").default = original


@pytest.fixture
def month():
    return next_month_start()


@pytest.fixture
def staff(make_user, community_a):
    return make_staff(make_user, community_a)


@pytest.fixture
def supervisor(users):
    return users[Role.SUPERVISOR]


@pytest.fixture
def manager(users):
    return users[Role.MANAGER]


def _url(name, community, month):
    return reverse(f"duty:{name}", kwargs={"community_pk": community.pk, "year": month.year, "month": month.month})


def _grid_post(staff, month, token=None, changes=None, users_extra=()):
    cells = covered_cells(staff, month)
    cells.update(changes or {})
    data = {f"c-{u}-{d}": code for (u, d), code in cells.items()}
    for user in users_extra:
        for day in dates.month_days(month):
            data[f"c-{user.pk}-{day.day}"] = ""
    if token:
        data["form_token"] = token
    return data


def test_grid_page_creates_default_shifts_and_shows_inputs(client, community_a, staff, supervisor, month):
    client.force_login(supervisor)
    response = client.get(_url("roster_month", community_a, month))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'name="c-{staff[0].pk}-1"' in html and "07:30–15:30" in html
    assert "Submit to the manager by" in html


def test_grid_save_in_one_post_and_double_click_writes_once(client, community_a, staff, supervisor, users, month):
    client.force_login(supervisor)
    data = _grid_post(staff, month, token="0b9d4c8e-1111-4222-8333-944445555666", users_extra=[supervisor])
    first = client.post(_url("roster_save", community_a, month), data)
    assert first.status_code == 302
    count = Assignment.objects.count()
    assert count == 2 * len(dates.month_days(month))
    data[f"c-{staff[2].pk}-5"] = "M"  # the same token again (a double-click): nothing more is written
    second = client.post(_url("roster_save", community_a, month), data)
    assert second.status_code == 302 and Assignment.objects.count() == count


def test_bad_code_keeps_what_was_typed(client, community_a, staff, supervisor, month):
    client.force_login(supervisor)
    data = _grid_post(staff, month, changes={(staff[2].pk, 7): "Q", (staff[2].pk, 8): "M"})
    response = client.post(_url("roster_save", community_a, month), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "unknown shift code “Q”" in html
    assert f'<td class="flag"><input class="cell" name="c-{staff[2].pk}-7" value="Q"' in html  # marked in the grid
    assert f'name="c-{staff[2].pk}-8" value="M"' in html and "Not saved." in html
    assert not Assignment.objects.exists()


def test_submit_with_gaps_is_refused_on_the_page(client, community_a, staff, supervisor, month):
    build(community_a, staff, supervisor, month, cells=covered_cells(staff, month, codes=("E", "", "")))
    client.force_login(supervisor)
    response = client.post(_url("roster_submit", community_a, month), follow=True)
    assert Roster.objects.get().status == Roster.Status.DRAFT
    html = response.content.decode()
    assert "cannot be submitted" in html and "nobody on duty 15:30–20:00" in html


def test_submit_then_manager_returns_then_approves_from_the_decide_page(client, community_a, staff, supervisor,
                                                                        manager, month):
    roster = build(community_a, staff, supervisor, month)
    client.force_login(supervisor)
    assert client.post(_url("roster_submit", community_a, month)).status_code == 302
    roster.refresh_from_db()
    assert roster.status == Roster.Status.SUBMITTED
    client.force_login(manager)
    decide = reverse("duty:roster_decide", args=[roster.pk])
    page = client.get(decide)
    assert page.status_code == 200 and "Record decision" in page.content.decode()
    refused = client.post(decide, {"decision": "returned", "note": ""})
    assert refused.status_code == 200 and "Say what needs to change." in refused.content.decode()
    roster.refresh_from_db()
    assert roster.status == Roster.Status.SUBMITTED
    assert client.post(decide, {"decision": "approved", "note": "同意"}).status_code == 302
    roster.refresh_from_db()
    assert roster.status == Roster.Status.APPROVED
    assert RosterStatusChange.objects.filter(roster=roster, to_status="approved", actor=manager).exists()
    # the approved grid is read-only: no inputs, and a save is refused
    client.force_login(supervisor)
    html = client.get(_url("roster_month", community_a, month)).content.decode()
    assert 'class="cell"' not in html and "read-only" in html
    response = client.post(_url("roster_save", community_a, month), _grid_post(staff, month, changes={(staff[2].pk, 3): "M"}))
    assert response.status_code == 200 and not Assignment.objects.filter(user=staff[2]).exists()


def test_copy_pattern_from_the_page(client, community_a, staff, supervisor, month):
    build(community_a, staff, supervisor, dates.previous_month(month))
    client.force_login(supervisor)
    assert client.post(_url("roster_copy", community_a, month), {"mode": "day"}).status_code == 302
    assert Assignment.objects.filter(roster__month=month, is_active=True).count() > 0


def test_roster_pdf(client, community_a, staff, supervisor, month):
    build(community_a, staff, supervisor, month)
    client.force_login(supervisor)
    response = client.get(_url("roster_pdf", community_a, month))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_pdf_template_is_landscape_with_names_and_codes(community_a, staff, supervisor, month):
    from django.template.loader import render_to_string

    from duty.selectors import roster as selectors_roster

    build(community_a, staff, supervisor, month)
    html = render_to_string("duty/pdf/roster.html", {**selectors_roster.roster_grid(community=community_a, month=month),
                                                     "printed_at": datetime.datetime.now(datetime.UTC)})
    assert "A4 landscape" in html and staff[0].display_name in html and "07:30–15:30" in html


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_grid_page_query_count_is_constant(client, community_a, make_user, supervisor, month):
    few = make_staff(make_user, community_a, 3, "few")
    build(community_a, few, supervisor, month)
    client.force_login(supervisor)
    url = _url("roster_month", community_a, month)
    _queries(client, url)  # warm-up: default shifts
    small = _queries(client, url)
    more = make_staff(make_user, community_a, 6, "more")
    services.roster_save_grid(community=community_a, month=month, actor=supervisor,
                              cells=covered_cells(few + more, month, codes=("E", "L", "", "M", "E", "L", "M")))
    assert _queries(client, url) == small


def test_roster_list_query_count_is_constant(client, community_a, community_b, staff, supervisor, month, make_user):
    build(community_a, staff, supervisor, month)
    client.force_login(supervisor)
    url = reverse("duty:roster_list")
    _queries(client, url)
    one = _queries(client, url)
    supervisor.communities.add(community_b)
    services.shift_templates_ensure(community_b)
    build(community_b, make_staff(make_user, community_b, 3, "b"), supervisor, month)
    _queries(client, url)
    assert _queries(client, url) <= one + 1  # one ensure-check per community, no per-row queries


def test_request_list_query_count_is_constant(client, community_a, staff, supervisor, manager, month):
    build(community_a, staff, supervisor, month, status=Roster.Status.APPROVED, manager=manager)
    today = dates.previous_month(month).replace(day=22)

    def ask(user, day):
        a = Assignment.objects.get(user=user, date=month.replace(day=day), is_active=True)
        services.change_request_create(requester=user, kind="leave", assignment=a, reason="x", today=today)

    ask(staff[0], 3)
    client.force_login(supervisor)
    url = reverse("duty:request_list")
    one = _queries(client, url)
    for day in (4, 5, 6):
        ask(staff[0], day)
        ask(staff[1], day)
    assert _queries(client, url) == one
    client.force_login(staff[0])
    mine = _queries(client, url)
    ask(staff[0], 9)
    assert _queries(client, url) == mine


def test_clerk_asks_for_a_swap_and_supervisor_approves(client, community_a, staff, supervisor, manager, month,
                                                       monkeypatch):
    build(community_a, staff, supervisor, month, status=Roster.Status.APPROVED, manager=manager)
    monkeypatch.setattr("duty.selectors.roster.timezone.localdate", lambda: dates.previous_month(month).replace(day=22))
    monkeypatch.setattr("duty.services.roster.timezone.localdate", lambda: dates.previous_month(month).replace(day=22))
    mine = Assignment.objects.get(user=staff[0], date=month.replace(day=10), is_active=True)
    theirs = Assignment.objects.get(user=staff[1], date=month.replace(day=10), is_active=True)
    client.force_login(staff[0])
    assert client.get(reverse("duty:request_create")).status_code == 200
    # a swap without the colleague's shift: the message is at the field and the reason is kept
    bad = client.post(reverse("duty:request_create"), {"kind": "swap", "assignment": mine.pk, "reason": "家里有事"})
    assert bad.status_code == 200
    assert "Choose the colleague" in bad.content.decode() and "家里有事" in bad.content.decode()
    token = "5b9d4c8e-1111-4222-8333-944445555666"
    data = {"kind": "swap", "assignment": mine.pk, "counterpart_assignment": theirs.pk, "reason": "家里有事",
            "form_token": token}
    assert client.post(reverse("duty:request_create"), data).status_code == 302
    assert client.post(reverse("duty:request_create"), data).status_code == 302  # double-click
    request = ShiftChangeRequest.objects.get()
    client.force_login(supervisor)
    decide = reverse("duty:request_decide", args=[request.pk])
    assert "家里有事" in client.get(decide).content.decode()
    assert client.post(decide, {"decision": "approve", "note": ""}).status_code == 302
    assert Assignment.objects.get(user=staff[0], date=month.replace(day=10), is_active=True).shift.code == "L"


def test_refused_approval_shows_the_reason(client, community_a, staff, supervisor, manager, month):
    build(community_a, staff, supervisor, month, status=Roster.Status.APPROVED, manager=manager)
    a = Assignment.objects.get(user=staff[0], date=month.replace(day=10), is_active=True)
    request = services.change_request_create(requester=staff[0], kind="leave", assignment=a, reason="病假",
                                             today=dates.previous_month(month).replace(day=22))
    client.force_login(supervisor)
    response = client.post(reverse("duty:request_decide", args=[request.pk]), {"decision": "approve", "note": ""})
    assert response.status_code == 200 and "nobody on duty 07:30–12:00" in response.content.decode()
    ok = client.post(reverse("duty:request_decide", args=[request.pk]),
                     {"decision": "approve", "cover_user": staff[2].pk, "note": ""})
    assert ok.status_code == 302
    assert Assignment.objects.get(user=staff[2], date=a.date, is_active=True).origin == "cover"


def test_shift_edit_keeps_typed_values_on_error(client, community_a, supervisor):
    client.force_login(supervisor)
    client.get(reverse("duty:shift_list", args=[community_a.pk]))
    response = client.post(reverse("duty:shift_create", args=[community_a.pk]),
                           {"code": "L", "name": "夜班", "start_time": "20:00", "end_time": "08:00", "sort_order": 50})
    assert response.status_code == 200
    html = response.content.decode()
    assert "already used" in html and "夜班" in html
    ok = client.post(reverse("duty:shift_create", args=[community_a.pk]),
                     {"code": "N", "name": "夜班", "start_time": "20:00", "end_time": "08:00", "sort_order": 50,
                      "is_active": "on"})
    assert ok.status_code == 302


def test_foreign_roster_grid_is_404(client, community_a, clerk_b, staff, supervisor, month):
    build(community_a, staff, supervisor, month)
    client.force_login(clerk_b)
    assert client.get(_url("roster_month", community_a, month)).status_code == 404
    assert client.get(_url("roster_pdf", community_a, month)).status_code == 404


def test_phone_width_pages_render(client, community_a, staff, supervisor, manager, month):
    roster = build(community_a, staff, supervisor, month, status=Roster.Status.SUBMITTED)
    client.force_login(manager)
    html = client.get(reverse("duty:roster_decide", args=[roster.pk])).content.decode()
    assert "table-responsive" in html and 'name="decision"' in html


def test_request_form_and_shift_list_query_counts_are_constant(client, community_a, make_user, supervisor, manager,
                                                               month, monkeypatch):
    monkeypatch.setattr("duty.selectors.roster.timezone.localdate", lambda: dates.previous_month(month).replace(day=22))
    few = make_staff(make_user, community_a, 3, "few")
    build(community_a, few, supervisor, month, status=Roster.Status.APPROVED, manager=manager,
          cells=covered_cells(few, month))
    client.force_login(few[0])
    url = reverse("duty:request_create")
    one = _queries(client, url)
    extra = make_staff(make_user, community_a, 2, "extra")
    next_one = dates.next_month(month)
    build(community_a, few + extra, supervisor, next_one, status=Roster.Status.APPROVED, manager=manager,
          cells=covered_cells(few + extra, next_one, codes=("E", "L", "M", "E", "L")))
    assert _queries(client, url) == one
    client.force_login(supervisor)
    shifts = reverse("duty:shift_list", args=[community_a.pk])
    before = _queries(client, shifts)
    services.shift_template_save(community=community_a, code="N", name="夜班", start_time=datetime.time(20),
                                 end_time=datetime.time(8), is_active=False, sort_order=60, actor=supervisor)
    assert _queries(client, shifts) == before


def test_menu_link_to_shifts_goes_to_the_first_community(client, community_a, supervisor, clerk):
    client.force_login(supervisor)
    response = client.get(reverse("duty:shift_list"))
    assert response.status_code == 302 and response["Location"] == reverse("duty:shift_list", args=[community_a.pk])
    assert "07:30" in client.get(response["Location"]).content.decode()
    client.force_login(clerk)
    assert client.get(reverse("duty:shift_list")).status_code == 403
