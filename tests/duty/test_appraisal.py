"""The monthly appraisal per clerk: spot checks, nonconformities, late handovers, log completeness.
Rows are created directly with the models (and ``entry_append`` for the log), so this works whatever
the state of the roster, log and handover screens."""

import datetime
import re
import subprocess
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from core.models import Role
from duty.models import (
    Assignment,
    Handover,
    Nonconformity,
    Roster,
    ShiftTemplate,
    SpotCheck,
)
from duty.selectors.appraisal import appraisal_month
from duty.services.log import entry_append

URL = reverse("duty:appraisal")
PDF = reverse("duty:appraisal_pdf")


@pytest.fixture(autouse=True)
def english(users):
    from core.models import User

    User.objects.update(language="en")
    with translation.override("en"):
        yield


@pytest.fixture
def month():
    """Last month: wholly in the past, so log entries may be timed anywhere in it."""
    return (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


@pytest.fixture
def supervisor(users):
    return users[Role.SUPERVISOR]


def at(month, day, hour=0, minute=0):
    return datetime.datetime(month.year, month.month, day, hour, minute, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))


def next_month(month):
    return (month + datetime.timedelta(days=32)).replace(day=1)


def last_day(month):
    return next_month(month) - datetime.timedelta(days=1)


class World:
    def __init__(self, community, supervisor):
        self.community, self.supervisor = community, supervisor
        self.shift, _ = ShiftTemplate.objects.get_or_create(
            community=community, code="E", defaults={"name": "早班", "start_time": datetime.time(8),
                                                     "end_time": datetime.time(16)})

    def roster(self, month):
        return Roster.objects.get_or_create(community=self.community, month=month.replace(day=1),
                                            defaults={"created_by": self.supervisor, "status": "approved"})[0]

    def assignment(self, user, start, hours=8, active=True):
        return Assignment.objects.create(
            community=self.community, roster=self.roster(timezone.localtime(start).date()), user=user,
            date=timezone.localtime(start).date(), shift=self.shift, starts_at=start,
            ends_at=start + datetime.timedelta(hours=hours), is_active=active)

    def log(self, author, when):
        return entry_append(community=self.community, author=author, kind="call", content="业主来电", occurred_at=when)

    def handover(self, outgoing, incoming, when, late=0, override=False):
        return Handover.objects.create(
            community=self.community, outgoing=outgoing, incoming=incoming, started_at=when,
            status=Handover.Status.COMPLETED, incoming_late_minutes=late, completed_at=when,
            override_by=self.supervisor if override else None, override_reason="主管批准" if override else "")

    def spot_check(self, clerk, when, findings=()):
        check = SpotCheck.objects.create(community=self.community, checked_at=when, checker=self.supervisor,
                                         clerk=clerk)
        for item, corrected in findings:
            Nonconformity.objects.create(
                community=self.community, spot_check=check, item=item, clerk=clerk, description=f"问题{item}",
                status="corrected" if corrected else "open",
                corrected_at=when if corrected else None, corrected_by=self.supervisor if corrected else None)
        return check


@pytest.fixture
def scene(community_a, community_b, clerk, clerk_b, supervisor, make_user, month):
    c2 = make_user(role=Role.CLERK, communities=[community_a], username="c2", full_name="李二")
    c3 = make_user(role=Role.CLERK, communities=[community_a], username="c3", full_name="张三")
    w = World(community_a, supervisor)
    # log completeness
    w.assignment(clerk, at(month, 3, 8))
    w.log(clerk, at(month, 3, 9))                       # c1 day 3: logged
    w.assignment(clerk, at(month, 4, 8))
    w.log(c2, at(month, 4, 10))                         # someone else's entry does not count for c1
    w.log(clerk, at(month, 4, 17))                      # after the shift ended: does not count
    w.assignment(c2, at(month, 4, 8))                   # c2 day 4: logged by c2's 10:00 entry
    w.assignment(clerk, at(month, 5, 8), active=False)  # replaced by leave: not counted
    w.log(clerk, at(month, 5, 9))
    w.assignment(clerk, at(next_month(month), 2, 8))    # next month: not counted
    # handovers
    w.handover(c2, clerk, at(month, 3, 7, 45), late=12)
    w.handover(c2, clerk, at(month, 10, 7, 45), late=5)
    w.handover(clerk, c2, at(month, 11, 16), override=True)
    w.handover(clerk, c2, at(next_month(month), 1, 7, 45), late=30)  # next month
    # spot checks
    w.spot_check(clerk, at(month, 3, 10), [("b", False), ("e", True)])
    w.spot_check(clerk, at(month, 12, 10))
    w.spot_check(c2, at(month, 15, 10), [("b", False)])
    w.spot_check(c2, at(month, last_day(month).day, 23, 30))   # last evening of the month: counts
    w.spot_check(c2, at(next_month(month), 1, 0, 10), [("a", False)])  # next month
    # community B: never in A's appraisal
    wb = World(community_b, supervisor)
    wb.spot_check(clerk_b, at(month, 3, 10), [("c", False)])
    wb.handover(clerk_b, clerk_b, at(month, 3, 8), late=99)
    return {"c1": clerk, "c2": c2, "c3": c3, "world": w}


def rows_by_user(data):
    return {r.clerk.username: r for r in data["rows"]}


def test_measures_per_clerk(community_a, scene, month):
    data = appraisal_month(community=community_a, month=month)
    rows = rows_by_user(data)
    assert set(rows) == {"clerk_a", "c2", "c3"}  # clerk_b (community B) is not here
    c1, c2, c3 = rows["clerk_a"], rows["c2"], rows["c3"]
    assert (c1.spot_checks, c1.nc_open, c1.nc_corrected, c1.nc_by_item) == (2, 1, 1, {"b": 1, "e": 1})
    assert (c1.late_handovers, c1.late_minutes, c1.overrides) == (2, 17, 1)
    assert (c1.shifts, c1.logged_shifts, c1.completeness) == (2, 1, 50)
    assert (c2.spot_checks, c2.nc_open, c2.nc_corrected, c2.nc_by_item) == (2, 1, 0, {"b": 1})
    assert (c2.late_handovers, c2.overrides, c2.shifts, c2.logged_shifts, c2.completeness) == (0, 0, 1, 1, 100)
    assert (c3.spot_checks, c3.nonconformities, c3.shifts, c3.completeness) == (0, 0, 0, None)
    totals = data["totals"]
    assert (totals.spot_checks, totals.nc_open, totals.nc_corrected, totals.late_handovers) == (4, 2, 1, 2)
    assert totals.nc_by_item == {"b": 2, "e": 1} and (totals.shifts, totals.logged_shifts) == (3, 2)
    assert [code for code, _label, _n in c1.items] == ["b", "e"]


def test_shifts_not_yet_over_are_not_counted(community_a, clerk, supervisor, month):
    w = World(community_a, supervisor)
    w.assignment(clerk, at(month, 6, 8))
    w.assignment(clerk, at(month, 7, 8))
    w.log(clerk, at(month, 6, 9))
    during_day_7 = at(month, 7, 12)
    row = rows_by_user(appraisal_month(community=community_a, month=month, now=during_day_7))["clerk_a"]
    assert (row.shifts, row.logged_shifts, row.completeness) == (1, 1, 100)
    row = rows_by_user(appraisal_month(community=community_a, month=month))["clerk_a"]
    assert (row.shifts, row.logged_shifts, row.completeness) == (2, 1, 50)


def test_someone_outside_the_clerk_role_who_was_checked_still_appears(community_a, supervisor, users, month):
    w = World(community_a, supervisor)
    w.spot_check(supervisor, at(month, 9, 10), [("a", False)])  # the supervisor stood in at the desk
    rows = rows_by_user(appraisal_month(community=community_a, month=month))
    assert rows[supervisor.username].nc_open == 1 and users[Role.MANAGER].username not in rows


def _grow(world, make_user, month, n, start):
    for i in range(n):
        user = make_user(role=Role.CLERK, communities=[world.community], username=f"g{start + i}")
        day = 1 + i % 27
        world.assignment(user, at(month, day, 8))
        world.log(user, at(month, day, 9))
        world.handover(user, user, at(month, day, 16), late=3, override=True)
        world.spot_check(user, at(month, day, 11), [("a", False), ("c", True)])


def test_query_count_is_constant_whatever_the_number_of_clerks(community_a, supervisor, make_user, month, client):
    world = World(community_a, supervisor)
    client.force_login(supervisor)
    params = {"community": community_a.pk, "month": month.strftime("%Y-%m")}

    def count():
        with CaptureQueriesContext(connection) as selector_ctx:
            data = appraisal_month(community=community_a, month=month)
        with CaptureQueriesContext(connection) as page_ctx:
            assert client.get(URL, params).status_code == 200
        return len(selector_ctx), len(page_ctx), len(data["rows"])

    _grow(world, make_user, month, 2, 0)
    selector_small, page_small, rows_small = count()
    _grow(world, make_user, month, 8, 100)
    selector_big, page_big, rows_big = count()
    assert rows_big == rows_small + 8
    assert selector_small == selector_big == 6  # one aggregate per measure + the clerks
    assert page_small == page_big


def test_page_shows_figures_and_definitions(client, supervisor, community_a, scene, month):
    client.force_login(supervisor)
    response = client.get(URL, {"community": community_a.pk, "month": month.strftime("%Y-%m")})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Log completeness: of the clerk&#x27;s shifts" in html or "Log completeness: of the clerk's shifts" in html
    assert "incoming clerk and arrived late" in html
    row = re.search(r'<tr data-clerk="clerk_a">(.*?)</tr>', html, re.DOTALL).group(1)
    assert "50%" in row and "1 / 2" in row and "(17)" in row
    assert re.search(rf'href="{PDF}\?community={community_a.pk}&(amp;)?month={month:%Y-%m}"', html)
    link = re.search(r'href="(/duty/nonconformities/\?[^"]+)"', row).group(1).replace("&amp;", "&")
    listed = client.get(link).context["page"]
    assert sorted(n.item for n in listed) == ["b", "e"] and {n.clerk_id for n in listed} == {scene["c1"].pk}


def test_defaults_to_this_month_and_the_first_community(client, supervisor, community_a):
    client.force_login(supervisor)
    data = client.get(URL).context["data"]
    assert data["community"] == community_a and data["month"] == timezone.localdate().replace(day=1)
    assert data["month_in_progress"]


@pytest.mark.parametrize("params, field", [({"month": "2026-13"}, "month"), ({"month": "十一月"}, "month"),
                                           ({"community": "999999", "month": "2026-10"}, "community")])
def test_bad_selection_is_reported_at_the_field(client, supervisor, community_a, params, field):
    client.force_login(supervisor)
    response = client.get(URL, params)
    assert response.status_code == 200 and field in response.context["form"].errors
    assert response.context["data"] is None
    assert response.context["form"][field].value() == params[field]  # kept as typed
    assert set(response.context["form"].errors) == {field}  # no "required" for a field the link did not give
    assert client.get(PDF, params).status_code == 400


def test_foreign_community_cannot_be_appraised(client, community_a, community_b, make_user, scene, month):
    client.force_login(make_user(role=Role.MANAGER, communities=[community_b], username="mgr_b", language="en"))
    response = client.get(URL, {"community": community_a.pk, "month": month.strftime("%Y-%m")})
    assert "community" in response.context["form"].errors and response.context["data"] is None
    assert client.get(PDF, {"community": community_a.pk, "month": month.strftime("%Y-%m")}).status_code == 400


def test_pdf_is_a4_landscape_with_the_chinese_font(client, supervisor, community_a, scene, month, tmp_path):
    client.force_login(supervisor)
    response = client.get(PDF, {"community": community_a.pk, "month": month.strftime("%Y-%m")})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert f"appraisal-{community_a.code}-{month:%Y-%m}.pdf" in response["Content-Disposition"]
    path = tmp_path / "appraisal.pdf"
    path.write_bytes(response.content)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    families = {line.split()[0].split("+")[-1] for line in fonts.splitlines()[2:]}
    assert families and all(f.startswith("WenQuanYi-Micro-Hei") for f in families), fonts
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    width, height = (round(float(x)) for x in re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())
    assert (width, height) == (842, 595)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "李二" in text and "张三" in text and community_a.name in text
    assert "50%" in text and "Log completeness" in text
