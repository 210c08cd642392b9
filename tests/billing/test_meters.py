"""Meter readings: the checks (below the last refused, jumps confirmed, billed readings locked), the grid
(row save by htmx, whole grid, inline errors, constant queries) and the all-or-nothing .xlsx import."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from billing.models import Bill, MeterReading
from billing.services import meters
from core.models import Role
from tests.factories import UnitFactory

NOV = datetime.date(2026, 11, 1)


def month(n):
    return datetime.date(2026, n, 1)


@pytest.fixture
def clerk_client(client, clerk):
    client.force_login(clerk)
    return client


def history(unit, clerk, usages, kind="water", start=100):
    """Readings of months 1.. with the given usages."""
    value = Decimal(start)
    meters.reading_save(unit=unit, kind=kind, period=month(1), reading=value, actor=clerk)
    for n, usage in enumerate(usages, start=2):
        value += Decimal(usage)
        meters.reading_save(unit=unit, kind=kind, period=month(n), reading=value, actor=clerk, confirm=True)
    return value


def test_usage_from_previous_and_first_reading(unit_a, clerk):
    first = meters.reading_save(unit=unit_a, kind="water", period=month(9), reading="100", actor=clerk)
    assert first.previous is None and first.usage == 0
    second = meters.reading_save(unit=unit_a, kind="water", period=month(10), reading="112.5", actor=clerk)
    assert second.previous == Decimal("100.00") and second.usage == Decimal("12.50")
    # electricity is a separate meter; a typed previous value starts it
    power = meters.reading_save(unit=unit_a, kind="electricity", period=month(10), reading="1300", actor=clerk,
                                previous="1200")
    assert power.usage == 100
    # correcting a month re-saves the same row
    again = meters.reading_save(unit=unit_a, kind="water", period=month(10), reading="110", actor=clerk)
    assert again.pk == second.pk and again.usage == 10 and MeterReading.objects.filter(kind="water").count() == 2


def test_reading_below_the_last_or_above_a_later_one_is_refused(unit_a, clerk):
    meters.reading_save(unit=unit_a, kind="water", period=month(9), reading="100", actor=clerk)
    meters.reading_save(unit=unit_a, kind="water", period=month(11), reading="130", actor=clerk)
    with pytest.raises(ValidationError, match="below the previous reading 100.00"):
        meters.reading_save(unit=unit_a, kind="water", period=month(10), reading="99", actor=clerk)
    with pytest.raises(ValidationError, match="above a later month's reading 130.00"):
        meters.reading_save(unit=unit_a, kind="water", period=month(10), reading="131", actor=clerk)
    with pytest.raises(ValidationError, match="not a number"):
        meters.reading_save(unit=unit_a, kind="water", period=month(10), reading="12a", actor=clerk)
    with pytest.raises(ValidationError):
        meters.reading_save(unit=unit_a, kind="gas", period=month(10), reading="120", actor=clerk)


def test_a_jump_needs_confirmation(unit_a, clerk):
    last = history(unit_a, clerk, [10, 12, 8, 10, 11, 9])  # average 10
    with pytest.raises(ValidationError, match="more than 3× this unit's average of 10.00") as info:
        meters.reading_save(unit=unit_a, kind="water", period=month(8), reading=last + 31, actor=clerk)
    assert info.value.error_list[0].code == "jump"
    saved = meters.reading_save(unit=unit_a, kind="water", period=month(8), reading=last + 31, actor=clerk,
                                confirm=True)
    assert saved.jump_confirmed and saved.usage == 31
    # within 3× the average: no tick needed
    ok = meters.reading_save(unit=unit_a, kind="water", period=month(9), reading=last + 31 + 29, actor=clerk)
    assert not ok.jump_confirmed


def test_small_jumps_below_the_minimum_pass(unit_a, clerk):
    last = history(unit_a, clerk, [1, 1, 2])
    saved = meters.reading_save(unit=unit_a, kind="water", period=month(5), reading=last + 9, actor=clerk)
    assert saved.usage == 9  # 9 > 3 × 1.33 but below the 10 m³ minimum


def test_a_billed_reading_cannot_change(unit_a, clerk, fee_items, users):
    from billing.models import BillRun
    from billing.services import runs

    meters.reading_save(unit=unit_a, kind="water", period=month(10), reading="100", actor=clerk)
    meters.reading_save(unit=unit_a, kind="water", period=NOV, reading="110", actor=clerk)
    run = BillRun.objects.create(community=unit_a.community, period=NOV, created_by=users[Role.MANAGER])
    runs.bill_run_execute(run.pk)
    assert Bill.objects.filter(source="meter").count() == 1
    with pytest.raises(ValidationError, match="already billed"):
        meters.reading_save(unit=unit_a, kind="water", period=NOV, reading="111", actor=clerk)
    meters.reading_save(unit=unit_a, kind="water", period=NOV, reading="110", actor=clerk)  # same value: fine


def test_grid_row_save_by_htmx(clerk_client, unit_a, clerk):
    meters.reading_save(unit=unit_a, kind="water", period=month(10), reading="100", actor=clerk)
    url = reverse("billing:meter_row", args=[unit_a.pk])
    params = {"building": unit_a.building_id, "kind": "water", "period": "2026-11"}
    response = clerk_client.post(url, {**params, f"reading_{unit_a.pk}": "95"}, HTTP_HX_REQUEST="true")
    content = response.content.decode()
    assert response.status_code == 200 and "table-danger" in content and "below the previous reading" in content
    assert 'value="95"' in content  # what was typed stays
    response = clerk_client.post(url, {**params, f"reading_{unit_a.pk}": "108"}, HTTP_HX_REQUEST="true")
    content = response.content.decode()
    assert "saved" in content and "8.00" in content
    assert MeterReading.objects.get(unit=unit_a, period=NOV).usage == 8


def test_grid_page_and_whole_grid_save(clerk_client, unit_a, clerk):
    other = UnitFactory(entrance=unit_a.entrance, number="1503")
    third = UnitFactory(entrance=unit_a.entrance, number="1504")
    for unit in (unit_a, other, third):
        meters.reading_save(unit=unit, kind="water", period=month(10), reading="100", actor=clerk)
    url = reverse("billing:meter_grid")
    params = {"building": unit_a.building_id, "kind": "water", "period": "2026-11"}
    page = clerk_client.get(url, params).content.decode()
    assert unit_a.code in page and other.code in page and "meter-input" in page
    response = clerk_client.post(url, {**params, f"reading_{unit_a.pk}": "110", f"reading_{other.pk}": "90",
                                       f"reading_{third.pk}": ""})
    content = response.content.decode()
    assert response.status_code == 200 and "below the previous reading" in content
    assert MeterReading.objects.get(unit=unit_a, period=NOV).reading == 110  # valid rows are saved
    assert not MeterReading.objects.filter(unit__in=[other, third], period=NOV).exists()
    response = clerk_client.post(url, {**params, f"reading_{unit_a.pk}": "110", f"reading_{other.pk}": "105"})
    assert response.status_code == 302
    assert MeterReading.objects.get(unit=other, period=NOV).usage == 5


def test_grid_query_count_is_constant(clerk_client, unit_a, clerk, django_assert_max_num_queries):
    meters.reading_save(unit=unit_a, kind="water", period=month(10), reading="10", actor=clerk)
    meters.reading_save(unit=unit_a, kind="water", period=NOV, reading="20", actor=clerk)
    params = {"building": unit_a.building_id, "kind": "water", "period": "2026-11"}
    url = reverse("billing:meter_grid")
    clerk_client.get(url, params)
    with django_assert_max_num_queries(20) as small:
        assert clerk_client.get(url, params).status_code == 200
    for i in range(15):
        unit = UnitFactory(entrance=unit_a.entrance, number=f"{1600 + i}")
        meters.reading_save(unit=unit, kind="water", period=month(9), reading="10", actor=clerk)
        meters.reading_save(unit=unit, kind="water", period=month(10), reading="20", actor=clerk)
        meters.reading_save(unit=unit, kind="water", period=NOV, reading="30", actor=clerk)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert clerk_client.get(url, params).status_code == 200


def _xlsx(rows, header=("房号", "表类型", "本月读数")):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["11月抄表"])  # a title row above the headings, as Chinese sheets often have
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("readings.xlsx", buffer.getvalue())


def test_import_is_all_or_nothing_with_row_errors(clerk_client, unit_a, clerk, community_a):
    other = UnitFactory(entrance=unit_a.entrance, number="1503")
    meters.reading_save(unit=unit_a, kind="water", period=month(10), reading="100", actor=clerk)
    url = reverse("billing:meter_import")
    bad = _xlsx([(unit_a.code, "水", 90), (other.code, "电", 500), ("9-9-999", "水", 1), (other.code, "煤气", 3),
                 (other.code, "water", "")])
    response = clerk_client.post(url, {"community_pk": community_a.pk, "period": "2026-11", "file": bad})
    content = response.content.decode()
    assert response.status_code == 200 and "import-problems" in content
    for text in ("below the previous reading", "No active room 9-9-999", "Unknown meter", "reading is missing"):
        assert text in content
    assert not MeterReading.objects.filter(period=NOV).exists()
    good = _xlsx([(unit_a.code, "水", 110), (other.code, "电", 500), (other.code, "水", 20.5)])
    response = clerk_client.post(url, {"community_pk": community_a.pk, "period": "2026-11", "file": good})
    assert response.status_code == 302
    assert MeterReading.objects.get(unit=unit_a, period=NOV).usage == 10
    assert MeterReading.objects.get(unit=other, kind="water").reading == Decimal("20.50")


def test_import_rejects_what_is_not_xlsx(clerk_client, community_a):
    url = reverse("billing:meter_import")
    response = clerk_client.post(url, {"community_pk": community_a.pk, "period": "2026-11",
                                       "file": SimpleUploadedFile("r.xlsx", b"not a workbook")})
    assert response.status_code == 200 and "cannot be read" in response.content.decode()
    response = clerk_client.post(url, {"community_pk": community_a.pk, "period": "2026-11",
                                       "file": SimpleUploadedFile("r.csv", b"a,b,c")})
    assert response.status_code == 200 and ".xlsx" in response.content.decode()


def test_template_download(clerk_client, unit_a, clerk):
    response = clerk_client.get(reverse("billing:meter_template", args=[unit_a.building_id]))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")


def test_foreign_unit_row_is_404(client, clerk_b, unit_a):
    client.force_login(clerk_b)
    response = client.post(reverse("billing:meter_row", args=[unit_a.pk]),
                           {"building": unit_a.building_id, "kind": "water", "period": "2026-11"})
    assert response.status_code == 404


def test_engineer_may_read_meters(client, users, unit_a):
    client.force_login(users[Role.ENGINEER])
    assert client.get(reverse("billing:meter_grid")).status_code == 200
