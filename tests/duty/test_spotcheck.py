"""Spot checks 抽查 (checklist a–j, at least three a week), nonconformities until corrected, the weekly counter."""

import datetime
import re
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from pghistory.models import Events

from core.models import Notification, Role, User
from duty.models import (
    Assignment,
    Nonconformity,
    Roster,
    ShiftTemplate,
    SpotCheck,
    SpotCheckResult,
)
from duty.selectors import spotcheck as selectors
from duty.services.spotcheck import nonconformity_correct, spot_check_record

NEW = reverse("duty:spotcheck_create")


@pytest.fixture(autouse=True)
def english(users):
    """Messages are asserted in their English source text (the Chinese catalogue is filled separately)."""
    from core.models import User

    User.objects.update(language="en")
    with translation.override("en"):
        yield


@pytest.fixture
def supervisor(users):
    return users[Role.SUPERVISOR]


@pytest.fixture
def sup_client(client, supervisor):
    client.force_login(supervisor)
    return client


def local(*args):
    return datetime.datetime(*args, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))


def record(community, clerk, actor, at=None, **results):
    return spot_check_record(community=community, clerk=clerk, actor=actor, checked_at=at or timezone.now(),
                             results=dict(results))


def on_shift(community, user, start, hours=8, code="E"):
    """An active roster assignment for ``user`` from ``start`` (aware) for ``hours``."""
    month = timezone.localtime(start).date().replace(day=1)
    roster, _ = Roster.objects.get_or_create(community=community, month=month,
                                             defaults={"created_by": user, "status": Roster.Status.APPROVED})
    shift, _ = ShiftTemplate.objects.get_or_create(
        community=community, code=code,
        defaults={"name": code, "start_time": timezone.localtime(start).time(),
                  "end_time": (timezone.localtime(start) + datetime.timedelta(hours=hours)).time()})
    return Assignment.objects.create(community=community, roster=roster, user=user,
                                     date=timezone.localtime(start).date(), shift=shift, starts_at=start,
                                     ends_at=start + datetime.timedelta(hours=hours))


def form_data(client, url=NEW, **overrides):
    """The form as served (token, defaults), with ``overrides`` typed in."""
    form = client.get(url).context["form"]
    data = {name: form[name].value() for name in form.fields}
    if isinstance(data["checked_at"], datetime.datetime):  # prepared as naive local time
        data["checked_at"] = data["checked_at"].strftime("%Y-%m-%dT%H:%M")
    data = {k: ("" if v is None else v) for k, v in data.items()}
    data.update(overrides)
    return data


# --- the service -----------------------------------------------------------------------------------

def test_record_writes_check_ten_results_and_a_nonconformity_per_failed_item(
        community_a, clerk, supervisor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        check = record(community_a, clerk, supervisor, b=("nonconforming", "交接记录缺处理结果"),
                       e=("nonconforming", "未清点对讲机"), j=("na", ""), a=("ok", "仪容整洁"))
    assert check.checker == supervisor and check.clerk == clerk
    results = dict(check.results.values_list("item", "result"))
    assert list(results) == list("abcdefghij")
    assert results["b"] == results["e"] == "nonconforming" and results["j"] == "na" and results["c"] == "ok"
    findings = list(Nonconformity.objects.filter(spot_check=check).order_by("item"))
    assert [(f.item, f.clerk_id, f.status, f.description) for f in findings] == [
        ("b", clerk.pk, "open", "交接记录缺处理结果"), ("e", clerk.pk, "open", "未清点对讲机")]
    assert len(callbacks) == 1
    note = Notification.objects.get(user=clerk)
    assert "2" in note.title and "未清点对讲机" in note.body and "交接记录缺处理结果" in note.body
    assert Events.objects.filter(pgh_obj_model="duty.SpotCheck", pgh_obj_id=check.pk, pgh_label="insert").exists()


def test_all_conforming_check_notifies_nobody(community_a, clerk, supervisor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        record(community_a, clerk, supervisor)
    assert callbacks == [] and not Notification.objects.exists()
    assert SpotCheckResult.objects.filter(result="ok").count() == 10


@pytest.mark.parametrize("results, field", [
    ({"c": ("nonconforming", "   ")}, "c_note"),
    ({"c": ("nonconforming", "\u200b")}, "c_note"),
    ({"d": ("maybe", "")}, "d_result"),
    ({"a": ("ok", "长" * 201)}, "a_note"),
    ({"z": ("ok", "")}, "__all__"),
])
def test_bad_results_are_refused_at_the_item_and_nothing_is_written(community_a, clerk, supervisor, results, field):
    with pytest.raises(ValidationError) as exc:
        spot_check_record(community=community_a, clerk=clerk, actor=supervisor, results=results)
    assert field in exc.value.message_dict
    assert not SpotCheck.objects.exists() and not SpotCheckResult.objects.exists()
    assert not Nonconformity.objects.exists()


def test_clerk_of_another_community_and_future_or_ancient_time_are_refused(community_a, clerk_b, clerk, supervisor):
    with pytest.raises(ValidationError) as exc:
        record(community_a, clerk_b, supervisor)
    assert "clerk" in exc.value.message_dict
    for when in (timezone.now() + datetime.timedelta(hours=1), timezone.now() - datetime.timedelta(days=400)):
        with pytest.raises(ValidationError) as exc:
            record(community_a, clerk, supervisor, at=when)
        assert "checked_at" in exc.value.message_dict
    assert not SpotCheck.objects.exists()


def test_correct_open_nonconformity_then_the_second_correction_is_refused(community_a, clerk, supervisor, users):
    finding = record(community_a, clerk, supervisor, g=("nonconforming", "投诉未登记")).nonconformities.get()
    corrected = nonconformity_correct(nonconformity=finding, corrective_action="现场指导补登记，明日复查",
                                      actor=supervisor)
    finding.refresh_from_db()
    assert finding.status == Nonconformity.Status.CORRECTED == corrected.status
    assert finding.corrected_by == supervisor and finding.corrected_at
    assert finding.corrective_action.startswith("现场指导")
    with pytest.raises(ValidationError) as exc:
        nonconformity_correct(nonconformity=finding, corrective_action="再次纠正", actor=users[Role.MANAGER])
    assert "already marked corrected" in str(exc.value.message_dict["status"])
    finding.refresh_from_db()
    assert finding.corrective_action.startswith("现场指导") and finding.corrected_by == supervisor  # untouched
    update = Events.objects.filter(pgh_obj_model="duty.Nonconformity", pgh_obj_id=finding.pk, pgh_label="update").get()
    assert update.pgh_diff["status"] == ["open", "corrected"]


def test_correction_needs_the_action(community_a, clerk, supervisor):
    finding = record(community_a, clerk, supervisor, h=("nonconforming", "待跟进事项未跟进")).nonconformities.get()
    with pytest.raises(ValidationError) as exc:
        nonconformity_correct(nonconformity=finding, corrective_action=" ", actor=supervisor)
    assert "corrective_action" in exc.value.message_dict
    finding.refresh_from_db()
    assert finding.status == "open"


def test_nothing_can_be_deleted_through_the_history(community_a, clerk, supervisor):
    check = record(community_a, clerk, supervisor, b=("nonconforming", "x"))
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        check.delete()  # results and nonconformities protect the check


# --- the form --------------------------------------------------------------------------------------

def test_form_defaults_to_whoever_is_on_duty_now(sup_client, community_a, clerk, make_user, supervisor, users):
    other = make_user(role=Role.CLERK, communities=[community_a], username="clerk_a2", full_name="王五")
    on_shift(community_a, other, timezone.now() - datetime.timedelta(hours=2))
    # started earlier, but the checker never checks themselves and a clerk comes before other roles
    on_shift(community_a, supervisor, timezone.now() - datetime.timedelta(hours=3), code="M")
    on_shift(community_a, users[Role.MANAGER], timezone.now() - datetime.timedelta(hours=4), code="L")
    form = sup_client.get(NEW).context["form"]
    assert form["clerk"].value() == other.pk
    assert form["a_result"].value() == "ok" and form["j_result"].value() == "ok"
    page = sup_client.get(NEW).content.decode()
    assert "王五 (on duty now)" in page and "is on duty now according to the roster" in page
    assert re.search(r'type="radio"[^>]*value="ok"[^>]*checked', page)


def test_form_without_roster_lists_the_community_clerks_and_no_default(sup_client, community_a, clerk, clerk_b):
    form = sup_client.get(NEW).context["form"]
    assert form["clerk"].value() in ("", None)
    values = [value for value, _label in form.fields["clerk"].choices]
    assert clerk.pk in values and clerk_b.pk not in values


def test_post_records_and_redirects_to_the_check(sup_client, community_a, clerk):
    data = form_data(sup_client, clerk=clerk.pk, b_result="nonconforming", b_note="记录潦草", c_note="桌面整洁")
    response = sup_client.post(NEW, data)
    check = SpotCheck.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("duty:spotcheck_detail", args=[check.pk])
    assert check.results.get(item="c").note == "桌面整洁"
    assert check.nonconformities.get().description == "记录潦草"
    detail = sup_client.get(response["Location"]).content.decode()
    assert "记录潦草" in detail and "桌面整洁" in detail


def test_nonconforming_without_description_keeps_everything_typed(sup_client, community_a, clerk):
    data = form_data(sup_client, clerk=clerk.pk, d_result="nonconforming", d_note="", f_result="na",
                     a_note="工牌佩戴规范", notes="总体良好")
    response = sup_client.post(NEW, data)
    assert response.status_code == 200 and not SpotCheck.objects.exists()
    form = response.context["form"]
    assert "Describe the nonconformity" in str(form.errors["d_note"])
    page = response.content.decode()
    assert "工牌佩戴规范" in page and "总体良好" in page
    assert re.search(r'name="d_result"[^>]*value="nonconforming"[^>]*checked', page)
    assert re.search(r'name="f_result"[^>]*value="na"[^>]*checked', page)
    assert 'is-invalid" name="d_note"' in page


def test_bad_time_and_foreign_clerk_are_refused_at_their_fields(sup_client, community_a, clerk, clerk_b):
    response = sup_client.post(NEW, form_data(sup_client, clerk=clerk_b.pk))
    assert "clerk" in response.context["form"].errors
    response = sup_client.post(NEW, form_data(sup_client, clerk=clerk.pk, checked_at="2026-13-45T99:00"))
    assert "checked_at" in response.context["form"].errors
    future = (timezone.localtime() + datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = sup_client.post(NEW, form_data(sup_client, clerk=clerk.pk, checked_at=future))
    assert "future" in str(response.context["form"].errors["checked_at"])
    assert response.context["form"]["checked_at"].value() == future
    assert not SpotCheck.objects.exists()


def test_double_submit_records_one_spot_check(sup_client, community_a, clerk):
    data = form_data(sup_client, clerk=clerk.pk, e_result="nonconforming", e_note="交接未签名")
    first = sup_client.post(NEW, data)
    second = sup_client.post(NEW, data)
    assert first.status_code == second.status_code == 302 and first["Location"] == second["Location"]
    assert SpotCheck.objects.count() == 1 and Nonconformity.objects.count() == 1
    assert SpotCheckResult.objects.count() == 10


def test_several_communities_ask_which_desk_first(client, community_a, community_b, make_user, clerk):
    both = make_user(role=Role.SUPERVISOR, communities=[community_a, community_b], username="sup_ab", language="en")
    client.force_login(both)
    page = client.get(NEW)
    assert page.templates[0].name == "duty/spotcheck_choose.html"
    assert client.get(NEW, {"community": community_a.pk}).context["community"] == community_a


def test_foreign_community_desk_is_a_404(client, community_a, community_b, make_user):
    client.force_login(make_user(role=Role.SUPERVISOR, communities=[community_b], username="sup_b", language="en"))
    assert client.get(NEW, {"community": community_a.pk}).status_code == 404
    assert client.get(NEW, {"community": "x"}).status_code == 200  # not an id: as if none was chosen (own desk)


# --- nonconformities -------------------------------------------------------------------------------

def test_correct_view_then_the_rejected_second_correction_shows_a_clear_message(sup_client, community_a, clerk,
                                                                               supervisor):
    finding = record(community_a, clerk, supervisor, i=("nonconforming", "有偿服务未开单")).nonconformities.get()
    url = reverse("duty:nonconformity_correct", args=[finding.pk])
    empty = sup_client.post(url, {"corrective_action": ""})
    assert empty.status_code == 200 and "corrective_action" in empty.context["form"].errors
    done = sup_client.post(url, {"corrective_action": "已补开单据并培训"})
    assert done.status_code == 302
    finding.refresh_from_db()
    assert finding.status == "corrected"
    assert "Already corrected" in sup_client.get(url).content.decode()
    again = sup_client.post(url, {"corrective_action": "再次"})
    assert again.status_code == 200
    assert "already marked corrected" in again.content.decode()
    assert "再次" in again.content.decode()  # what was typed stays
    finding.refresh_from_db()
    assert finding.corrective_action == "已补开单据并培训"


def test_list_puts_open_first_and_filters(sup_client, community_a, clerk, supervisor, make_user):
    other = make_user(role=Role.CLERK, communities=[community_a], username="clerk_a3")
    old = record(community_a, clerk, supervisor, at=timezone.now() - datetime.timedelta(days=3),
                 a=("nonconforming", "old-a"), b=("nonconforming", "old-b"))
    record(community_a, other, supervisor, c=("nonconforming", "new-c"))
    nonconformity_correct(nonconformity=old.nonconformities.get(item="a"), corrective_action="ok", actor=supervisor)
    url = reverse("duty:nonconformity_list")
    rows = list(sup_client.get(url).context["page"])
    assert [r.description for r in rows] == ["old-b", "new-c", "old-a"]  # open (oldest first), then corrected
    assert [r.description for r in sup_client.get(url, {"clerk": other.pk}).context["page"]] == ["new-c"]
    assert [r.description for r in sup_client.get(url, {"item": "b"}).context["page"]] == ["old-b"]
    assert [r.description for r in sup_client.get(url, {"status": "corrected"}).context["page"]] == ["old-a"]
    month = timezone.localtime(old.checked_at).strftime("%Y-%m")
    assert len(sup_client.get(url, {"month": month}).context["page"]) >= 1
    assert list(sup_client.get(url, {"month": "2020-01"}).context["page"]) == []
    bad = sup_client.get(url, {"month": "2026-13"})
    assert bad.status_code == 200 and "month" in bad.context["form"].errors


def test_lists_never_show_another_communitys_checks(client, community_a, community_b, clerk, clerk_b, supervisor,
                                                    make_user):
    record(community_a, clerk, supervisor, a=("nonconforming", "A的问题"))
    sup_b = make_user(role=Role.SUPERVISOR, communities=[community_b], username="sup_b2", language="en")
    record(community_b, clerk_b, sup_b, a=("nonconforming", "B的问题"))
    client.force_login(sup_b)
    assert [n.description for n in client.get(reverse("duty:nonconformity_list")).context["page"]] == ["B的问题"]
    assert {s.community_id for s in client.get(reverse("duty:spotcheck_list")).context["page"]} == {community_b.pk}
    page = client.get(reverse("duty:supervisor")).content.decode()
    assert "B的问题" in page and "A的问题" not in page


# --- weekly counter --------------------------------------------------------------------------------

@pytest.mark.parametrize("at, count, warn", [
    (local(2026, 11, 19, 11, 59), 2, False),   # Thursday before noon: half the week not yet gone
    (local(2026, 11, 19, 12, 1), 2, True),     # Thursday after noon
    (local(2026, 11, 22, 23, 0), 3, False),    # minimum reached
    (local(2026, 11, 16, 0, 5), 0, False),     # Monday morning
    (local(2026, 11, 21, 9, 0), 0, True),
])
def test_week_warning_rule(at, count, warn):
    assert selectors.week_warning(count, at) is warn


def test_weekly_counts_per_community_and_week(community_a, community_b, clerk, clerk_b, supervisor, make_user, users):
    now = timezone.now()
    monday = selectors.week_start(now)
    record(community_a, clerk, supervisor, at=monday + datetime.timedelta(minutes=1))
    record(community_a, clerk, supervisor,
           at=max(monday + datetime.timedelta(minutes=2), now - datetime.timedelta(minutes=1)))
    record(community_a, clerk, supervisor, at=monday - datetime.timedelta(minutes=1))  # Sunday before: last week
    sup_b = make_user(role=Role.SUPERVISOR, communities=[community_b], username="sup_b3", language="en")
    record(community_b, clerk_b, sup_b)
    data = {c.community.pk: c for c in selectors.weekly_counts(user=users[Role.ADMIN], now=now)}
    assert data[community_a.pk].this_week.count == 2 and data[community_b.pk].this_week.count == 1
    assert data[community_a.pk].weeks[1].count == 1 and data[community_a.pk].weeks[1].short
    assert data[community_a.pk].this_week.warning == selectors.week_warning(2, now)
    only_a = selectors.weekly_counts(user=supervisor, now=now)
    assert [c.community.pk for c in only_a] == [community_a.pk]


def test_dashboard_shows_the_counter_the_rule_and_the_warning(sup_client, community_a, clerk, supervisor):
    record(community_a, clerk, supervisor, h=("nonconforming", "待跟进未处理"))
    page = sup_client.get(reverse("duty:supervisor"))
    html = page.content.decode()
    assert re.search(r"1&nbsp;/&nbsp;3", html)
    assert "more than half of the week" in html and "Thursday 12:00" in html
    assert "待跟进未处理" in html
    warning = selectors.week_warning(1, timezone.now())
    assert ("border-danger" in html) is warning


# --- query counts ----------------------------------------------------------------------------------

def _grow(community, supervisor, make_user, n, start):
    for i in range(n):
        clerk = make_user(role=Role.CLERK, communities=[community], username=f"grow{start + i}")
        check = record(community, clerk, supervisor, at=timezone.now() - datetime.timedelta(hours=i),
                       a=("nonconforming", f"a{i}"), d=("nonconforming", f"d{i}"))
        nonconformity_correct(nonconformity=check.nonconformities.get(item="a"), corrective_action="done",
                              actor=supervisor)


def _count(client, url, params=None):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200, url
    return len(ctx)


@pytest.mark.parametrize("name, params", [
    ("duty:supervisor", None), ("duty:nonconformity_list", None), ("duty:nonconformity_list", {"status": "open"}),
    ("duty:spotcheck_list", None), ("duty:spotcheck_create", None),
])
def test_pages_have_a_constant_query_count(sup_client, community_a, supervisor, make_user, name, params):
    url = reverse(name)
    _grow(community_a, supervisor, make_user, 2, 0)
    small = _count(sup_client, url, params)
    _grow(community_a, supervisor, make_user, 8, 100)
    assert _count(sup_client, url, params) == small, name
    assert small <= 14, small


def test_detail_page_query_count_does_not_grow_with_findings(sup_client, community_a, clerk, supervisor):
    few = record(community_a, clerk, supervisor, a=("nonconforming", "x"))
    many = record(community_a, clerk, supervisor, **{c: ("nonconforming", c) for c in "abcdefghij"})
    assert _count(sup_client, reverse("duty:spotcheck_detail", args=[few.pk])) == \
        _count(sup_client, reverse("duty:spotcheck_detail", args=[many.pk]))


def test_selectors_have_a_constant_query_count(community_a, supervisor, make_user):
    def run():
        with CaptureQueriesContext(connection) as ctx:
            list(selectors.nonconformity_list(user=supervisor))
            list(selectors.spot_check_list(user=supervisor))
            selectors.weekly_counts(user=supervisor)
            selectors.open_nonconformities(user=supervisor)
            selectors.clerk_choices(community=community_a)
        return len(ctx)

    _grow(community_a, supervisor, make_user, 1, 200)
    small = run()
    _grow(community_a, supervisor, make_user, 6, 300)
    assert run() == small


# --- demo ------------------------------------------------------------------------------------------

def test_demo_spot_checks_load_once(community_a, community_b, clerk, make_user):
    """CH (community_a has code CH): at least 3 a week except one short week; open and corrected findings."""
    from io import StringIO

    from duty.demo import spotcheck as demo_review

    make_user(role=Role.SUPERVISOR, communities=[community_a, community_b], username="supervisor")
    for name in ("clerk3", "clerk4"):
        make_user(role=Role.CLERK, communities=[community_a, community_b], username=name)
    out = StringIO()
    demo_review.load(out)
    made = SpotCheck.objects.filter(community=community_a).count()
    assert made >= sum(demo_review.PLAN.values()) - demo_review.PLAN[0]  # this week: only what already happened
    demo_review.load(out)
    assert SpotCheck.objects.filter(community=community_a).count() == made and "already loaded" in out.getvalue()
    weeks = {c.community.pk: c for c in selectors.weekly_counts(user=User.objects.get(username="supervisor"))}[
        community_a.pk]
    completed = [w.count for w in weeks.weeks if not w.current]
    assert sum(1 for n in completed if n < 3) == 1 and all(n >= 2 for n in completed)
    statuses = set(Nonconformity.objects.filter(community=community_a).values_list("status", flat=True))
    assert statuses == {"open", "corrected"}
    assert set(SpotCheck.objects.filter(community=community_a).values_list("clerk__username", flat=True)) <= {
        "clerk_a", "clerk3", "clerk4"}
