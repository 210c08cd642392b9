"""Issue 13 §4: weekly and monthly reports from the frozen days only (FrozenFigure rows): sums of flows,
the last day of levels, breakdowns label by label, missing days listed, B's rows never in A's report;
the page, the A4 PDF with the Chinese font and the .xlsx export."""

import datetime
import io
import subprocess
import tempfile
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from core.models import Role
from frontdesk.models import FrozenFigure
from frontdesk.selectors.reports import MONTH, WEEK, period_of, period_report

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 11, 23)
TODAY = datetime.date(2026, 12, 7)


def day(n):
    return MONDAY + datetime.timedelta(days=n)


def freeze(community, on, key, value, *, kind="count", breakdown=(), additive=True, label=None, section=None):
    FrozenFigure.objects.create(community=community, day=on, key=key, section=section or key.split(".")[0],
                                label=label or key, kind=kind, value=None if value is None else Decimal(str(value)),
                                breakdown=[list(pair) for pair in breakdown], additive=additive,
                                frozen_at=timezone.now())


@pytest.fixture
def frozen(community_a, community_b):
    """Community A has three frozen days of the week of 23 Nov (Mon, Tue, Thu); B has big numbers that must
    never reach A's report."""
    a = community_a
    for n, opened, kinds in ((0, 3, [("报修", 2), ("投诉", 1)]), (1, 2, [("报修", 2)]), (3, 1, [("咨询", 1)])):
        freeze(a, day(n), "repairs.opened", opened, breakdown=kinds, label="新报修")
    freeze(a, day(0), "repairs.complaints", 1, label="投诉")
    freeze(a, day(1), "repairs.complaints", 0, label="投诉")
    freeze(a, day(0), "frontdesk.move_ins", 1, label="入住")
    freeze(a, day(3), "frontdesk.move_ins", 2, label="入住")
    for n, held in ((0, 5), (1, 4), (3, 7)):
        freeze(a, day(n), "registers.keys_held", held, additive=False, label="托管钥匙")
    freeze(a, day(0), "billing.collection_rate", "80.00", kind="percent", additive=False, label="收费率")
    freeze(a, day(3), "billing.collection_rate", "86.50", kind="percent", additive=False, label="收费率")
    freeze(a, day(1), "billing.collection_rate.by_building", None, kind="percent", additive=False,
           breakdown=[("3栋", "80.00")], label="各楼收费率")
    freeze(a, day(3), "billing.collection_rate.by_building", None, kind="percent", additive=False,
           breakdown=[("3栋", "90.00"), ("5栋", "70.00")], label="各楼收费率")
    freeze(a, day(0), "billing.collected", "100.50", kind="money", label="今日收款")
    freeze(a, day(1), "billing.collected", "200.00", kind="money", label="今日收款")
    freeze(a, day(0), "repairs.complaints.hot_spots", 1, breakdown=[("3栋 · 噪音", 1)], label="投诉热点")
    freeze(a, day(1), "repairs.complaints.hot_spots", 3, breakdown=[("3栋 · 噪音", 2), ("5栋 · 卫生", 1)],
           label="投诉热点")
    freeze(a, day(0), "repairs.repair_complaints.by_area", 2, breakdown=[("3栋", 2)], label="维修投诉")
    freeze(a, day(3), "repairs.repair_complaints.by_area", 2, breakdown=[("3栋", 1), ("5栋", 1)], label="维修投诉")
    freeze(a, day(0), "duty.entries.by_staff", 4, breakdown=[("张三", 4)], label="值班记录")
    freeze(a, day(1), "duty.entries.by_staff", 5, breakdown=[("张三", 3), ("李四", 2)], label="值班记录")
    b = community_b
    for n in range(7):
        freeze(b, day(n), "repairs.opened", 50, breakdown=[("报修", 50)], label="新报修")
        freeze(b, day(n), "repairs.complaints.hot_spots", 9, breakdown=[("9栋 · 外来车辆", 9)], label="投诉热点")
        freeze(b, day(n), "billing.collection_rate", "40.00", kind="percent", additive=False, label="收费率")
    return a, b


def _week(communities):
    return period_report(communities=communities, kind=WEEK, day=day(2), today=TODAY)


def test_periods():
    assert period_of(WEEK, day(6)) == (MONDAY, day(6))
    assert period_of(MONTH, day(2)) == (datetime.date(2026, 11, 1), datetime.date(2026, 11, 30))
    assert period_of(MONTH, datetime.date(2026, 12, 31)) == (datetime.date(2026, 12, 1), datetime.date(2026, 12, 31))


def test_flows_sum_levels_read_on_the_last_day_breakdowns_sum_by_label(frozen):
    a, _b = frozen
    report = _week([a])
    opened, complaints, move_ins, move_outs, suggestions = report["weekly_total"]
    assert opened.value == 6 and opened.text == "6" and complaints.value == 1 and move_ins.value == 3
    assert move_outs is None and suggestions is None  # never frozen: shown as "—", not 0
    assert report["by_kind"] == [("报修", 4), ("咨询", 1), ("投诉", 1)]
    figures = {f.key: f for f in report["figures"]}
    assert figures["registers.keys_held"].value == 7 and figures["registers.keys_held"].as_of == day(3)
    assert figures["billing.collected"].value == Decimal("300.50") and figures["billing.collected"].text == "¥300.50"
    assert report["rate"].value == Decimal("86.50") and report["rate"].text == "86.50%"
    assert report["rate_by_building"].breakdown == [("3栋", Decimal("90.00")), ("5栋", Decimal("70.00"))]
    assert report["rate_by_building"].as_of == day(3)
    assert report["hot_spots"] == [("3栋 · 噪音", 3), ("5栋 · 卫生", 1)]
    (month,) = report["areas"]
    assert month["areas"] == [{"label": "3栋", "count": 3, "over": True}, {"label": "5栋", "count": 1, "over": False}]
    assert report["staff"] == [("张三", 7), ("李四", 2)]


def test_days_not_frozen_are_listed_never_counted_as_zero(frozen):
    a, _b = frozen
    report = _week([a])
    assert report["missing"] == [{"community": a.name, "days": [day(2), day(4), day(5), day(6)]}]
    assert report["frozen_days"] == 3 and not report["partial"]
    assert [w["start"] for w in report["weeks"]] == [MONDAY]


def test_a_week_still_running_stops_at_today_and_an_empty_one_is_all_missing(community_a):
    report = period_report(communities=[community_a], kind=WEEK, day=TODAY, today=TODAY)
    assert report["partial"] and report["last"] == TODAY
    assert report["missing"] == [{"community": community_a.name, "days": [TODAY]}]
    assert report["weekly_total"] == [None] * 5 and not report["has_rows"]


def test_b_rows_never_in_as_report(frozen):
    a, b = frozen
    report = _week([a])
    assert report["weekly_total"][0].value == 6
    assert "9栋 · 外来车辆" not in dict(report["hot_spots"]) and report["rate"].value == Decimal("86.50")


def test_several_communities_add_counts_keep_rates_apart_and_name_the_community(frozen):
    a, b = frozen
    report = _week([a, b])
    assert report["weekly_total"][0].value == 6 + 7 * 50
    assert report["rate"].value is None  # a percentage of two communities is not a sum
    assert sorted(report["rate"].per_community) == sorted([(a.name, Decimal("86.50")), (b.name, Decimal("40.00"))])
    assert (f"{b.name} · 9栋 · 外来车辆", 63) in report["hot_spots"]
    assert (f"{a.name} · 3栋 · 噪音", 3) in report["hot_spots"]
    assert [m["community"] for m in report["missing"]] == [a.name]  # B froze every day


def test_a_month_has_a_row_per_week(frozen):
    a, _b = frozen
    report = period_report(communities=[a], kind=MONTH, day=day(0), today=TODAY)
    assert report["weeks"][0]["start"] == datetime.date(2026, 11, 1)
    assert report["weeks"][0]["end"] == datetime.date(2026, 11, 1)  # Sunday: the first week is cut to the month
    assert report["weeks"][-1]["start"] == datetime.date(2026, 11, 30)
    assert [w["figures"][0].value for w in report["weeks"] if w["figures"][0]] == [6]
    assert len(report["missing"][0]["days"]) == 30 - 3


def _get(client, user, **params):
    client.force_login(user)
    return client.get(reverse("frontdesk:reports"), params)


def test_the_page_shows_as_figures_only(client, users, frozen):
    a, b = frozen
    response = _get(client, users[Role.MANAGER], day="2026-11-25", community=str(b.pk))  # B is not theirs: all of A
    assert response.status_code == 200
    html = response.content.decode()
    assert "3栋 · 噪音" in html and "9栋 · 外来车辆" not in html and "86.50%" in html and "40.00%" not in html
    assert 'id="report-missing"' in html
    assert "11-27" in html  # a missing day is named


def test_the_page_in_english(client, users, frozen, english_messages):
    html = _get(client, users[Role.SUPERVISOR], day="2026-11-25").content.decode()
    assert "Weekly report 2026-11-23 – 2026-11-29" in html and "Days not archived (not counted)" in html


@pytest.mark.parametrize("params", [
    {"day": "2026-13-45"}, {"day": "\x00"}, {"day": "9999-12-31"}, {"day": "0001-01-01"},
    {"period": "year"}, {"community": "1e999999"}, {"community": "x" * 5000}, {"export": "docx"},
    {"period": "\x00", "day": "2" * 300},
])
def test_bad_query_params_are_ignored_with_a_notice(client, users, frozen, params):
    response = _get(client, users[Role.MANAGER], **params)
    assert response.status_code == 200
    assert response.context["report"]["kind"] == WEEK


def test_a_future_day_is_refused_with_a_notice(client, users, frozen):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = _get(client, users[Role.MANAGER], day=f"{tomorrow:%Y-%m-%d}")
    assert response.status_code == 200 and response.context["day"] == timezone.localdate()
    assert [str(m) for m in response.context["messages"]]


def test_query_count_is_constant(client, users, frozen, make_user, community_a, community_b,
                                 django_assert_max_num_queries):
    manager = make_user(role=Role.MANAGER, communities=[community_a, community_b], username="boss")
    client.force_login(manager)
    with django_assert_max_num_queries(9):
        assert client.get(reverse("frontdesk:reports"), {"day": "2026-11-25"}).status_code == 200
    with django_assert_max_num_queries(9):
        assert client.get(reverse("frontdesk:reports"), {"day": "2026-11-25", "period": "month"}).status_code == 200


def test_the_pdf_renders_in_chinese_with_the_font(client, users, frozen):
    response = _get(client, users[Role.MANAGER], day="2026-11-25", export="pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(response.content)
        f.flush()
        fonts = subprocess.run(["pdffonts", f.name], capture_output=True, text=True, check=True).stdout
        text = subprocess.run(["pdftotext", "-layout", f.name, "-"], capture_output=True, text=True, check=True).stdout
    assert "WenQuanYi" in fonts and "yes" in fonts.split("WenQuanYi", 1)[1].splitlines()[0]
    assert "3栋 · 噪音" in text and "张三" in text and "86.50%" in text
    assert "9栋" not in text


def test_the_xlsx_has_the_numbers(client, users, frozen, english_messages):
    response = _get(client, users[Role.MANAGER], day="2026-11-25", export="xlsx")
    assert response.status_code == 200 and "spreadsheetml" in response["Content-Type"]
    rows = list(load_workbook(io.BytesIO(response.getvalue())).active.values)
    assert rows[0] == ("Part", "Item", "Value", "Note")
    values = {(r[0], r[1]): r[2] for r in rows[1:]}
    assert values[("Complaint hot spots", "3栋 · 噪音")] == 3
    assert values[("Collection rate", "3栋")] == 90
    assert values[("Staff figures", "张三")] == 7
    assert values[("Weekly statistics", "Total 新报修")] == 6
    assert any(r[0] == "Not archived" and r[2] == 4 and r[3] == "11-25、11-27、11-28、11-29" for r in rows)
    assert not any("9栋" in str(cell) for r in rows for cell in r)


def test_a_clerk_cannot_open_the_reports(client, users):
    assert _get(client, users[Role.CLERK]).status_code == 403
