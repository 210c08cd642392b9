"""Import of rooms, people and vehicles: parsing (xlsx, CSV in UTF-8/GBK), per-row errors, a preview
that writes nothing, an all-or-nothing confirmation that runs once, and who may see a batch.

Messages: the tests assert on error codes, on the English source text (``translation.override("en")``
or a user whose language is English), and that the page shows the Chinese catalogue's rendering of
those messages, so that rewording a translation does not break them.
"""

import datetime
import io
import threading
import uuid
from decimal import Decimal

import pgtrigger
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DataError, IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook
from pghistory.models import Context, Events

from core.exports import XLSX
from core.models import IdempotencyKey, Role
from frontdesk.imports import batches, files, handlers, pipeline
from frontdesk.models import Building, Entrance, Occupancy, Person, Unit, Vehicle
from frontdesk.validators import id_check_digit
from tests.factories import UnitFactory


def rid(first17: str) -> str:
    """A resident ID with the right check digit."""
    return first17 + id_check_digit(first17)


def wrong_check_digit(first17: str) -> str:
    right = id_check_digit(first17)
    return first17 + ("1" if right != "1" else "2")


ID_LINA = rid("11010519850312002")
ID_WANG = rid("44030519900101123")

UNITS_HEADER = ["楼栋", "单元", "房号", "楼层", "建筑面积", "用途"]
PEOPLE_HEADER = ["房号", "身份", "姓名", "证件类型", "证件号码", "手机", "产权比例", "入住日期"]
VEHICLES_HEADER = ["车牌", "房号", "车主姓名", "车辆描述"]


def csv_bytes(rows, encoding="utf-8-sig") -> bytes:
    return "\r\n".join(",".join(str(c) for c in row) for row in rows).encode(encoding)


def xlsx_bytes(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def manager(users):
    return users[Role.MANAGER]


def upload(client, community, kind, data, name="data.csv"):
    return client.post(reverse("frontdesk:import_upload"),
                       {"community": community.pk, "kind": kind, "file": SimpleUploadedFile(name, data)})


def uploaded_batch(client, community, kind, data, name="data.csv") -> str:
    response = upload(client, community, kind, data, name)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    batch_id = response["Location"].rstrip("/").split("/")[-1]
    assert response["Location"] == reverse("frontdesk:import_preview", args=[batch_id])
    return batch_id


def preview_result(client, batch_id, **params):
    response = client.get(reverse("frontdesk:import_preview", args=[batch_id]), params)
    assert response.status_code == 200
    return response.context["result"], response


def zh(message, **params) -> str:
    """The message as a Chinese-speaking clerk sees it (HTML-escaped like the page)."""
    from django.utils.html import escape

    with translation.override("zh-hans"):
        text = translation.gettext(message)
    return escape(text % params if params else text)


def codes_by_row(result) -> dict[int, list[str]]:
    return {row.number: [e.code for e in row.errors] for row in result.rows}


def archive_counts() -> dict:
    return {
        "buildings": Building.objects.count(), "entrances": Entrance.objects.count(), "units": Unit.objects.count(),
        "people": Person.objects.count(), "occupancies": Occupancy.objects.count(), "vehicles": Vehicle.objects.count(),
        "events": Events.objects.count(), "contexts": Context.objects.count(), "keys": IdempotencyKey.objects.count(),
    }


# --- parsing -------------------------------------------------------------------------------------

PEOPLE_ROWS = [
    PEOPLE_HEADER,
    ["3-2-1502", "住户", "李娜", "身份证", ID_LINA, "13900001111", "", "2024-03-01"],
    ["3栋2单元1502", "租户", "王伟", "", ID_WANG, "", "", "2024/3/5"],
]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gbk", "gb18030"])
def test_csv_in_utf8_with_or_without_bom_and_gbk(encoding):
    sheet = files.read_sheet(csv_bytes(PEOPLE_ROWS, encoding), "csv", "people")
    assert [c.key for c in sheet.columns] == ["room", "role", "name", "id_type", "id_number", "phone", "share", "start_date"]
    assert [(n, v["name"], v["id_number"]) for n, v in sheet.rows] == [(2, "李娜", ID_LINA), (3, "王伟", ID_WANG)]


def test_xlsx_with_a_title_row_numbers_and_dates():
    data = xlsx_bytes([
        ["翠湖花园房屋清单"],
        UNITS_HEADER,
        [3, 2, 1502, 15, 89.5, "住宅"],
        [],
        ["A", None, "101", None, 120, "商铺"],
    ])
    sheet = files.read_sheet(data, "xlsx", "units")
    assert [n for n, _v in sheet.rows] == [3, 5]  # row numbers as the clerk sees them in Excel
    assert [files.display(v) for v in sheet.rows[0][1].values()] == ["3", "2", "1502", "15", "89.5", "住宅"]


def test_english_headers_and_unknown_columns():
    sheet = files.read_sheet(csv_bytes([["Plate", "Room", "Owner", "Colour"], ["粤B54321", "3-2-1502", "", "白"]]),
                               "csv", "vehicles")
    assert [c.key for c in sheet.columns] == ["plate", "room", "owner"]
    assert sheet.ignored_headers == ["Colour"]


@pytest.mark.parametrize("name, data, code", [
    ("owners.xls", b"\xd0\xcf\x11\xe0" + b"x" * 100, "xls"),
    ("owners.txt", b"a,b", "file_type"),
    ("owners.csv", b"", "empty"),
    ("owners.csv", b"x" * (files.MAX_BYTES + 1), "too_large"),
])
def test_upload_checks_type_and_size(name, data, code):
    with pytest.raises(ValidationError) as exc:
        files.check_upload(name, len(data))
    assert exc.value.code == code


def test_xlsx_that_is_not_a_workbook_is_refused():
    with pytest.raises(ValidationError) as exc:
        files.read_sheet(b"not a zip at all", "xlsx", "units")
    assert exc.value.code == "file_type"


def test_missing_required_column_keeps_the_other_fields(client, clerk, community_a):
    client.force_login(clerk)
    data = csv_bytes([["房号", "姓名"], ["3-2-1502", "李娜"]])
    response = upload(client, community_a, "people", data)
    assert response.status_code == 200
    form = response.context["form"]
    assert [e.code for e in form.errors.as_data()["file"]] == ["missing_column"]
    assert "身份" in form.errors["file"][0]
    html = response.content.decode()
    assert f'value="{community_a.pk}" selected' in html and 'value="people" selected' in html


def test_clerk_cannot_import_rooms_but_a_manager_can(client, clerk, manager, community_a):
    data = csv_bytes([UNITS_HEADER, ["5", "1", "101", "1", "90", "住宅"]])
    client.force_login(clerk)
    response = upload(client, community_a, "units", data)
    assert response.status_code == 200 and "kind" in response.context["form"].errors
    client.force_login(manager)
    assert upload(client, community_a, "units", data).status_code == 302


def test_template_download_has_the_headers(client, clerk):
    client.force_login(clerk)
    for kind, header in (("units", UNITS_HEADER), ("people", PEOPLE_HEADER), ("vehicles", VEHICLES_HEADER)):
        response = client.get(reverse("frontdesk:import_upload"), {"template": kind})
        assert response.status_code == 200
        assert response["Content-Type"] == XLSX
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert [c.value for c in sheet[1]] == header
        # and the template reads back as a file with no rows yet
        with pytest.raises(ValidationError) as exc:
            files.read_sheet(response.content, "xlsx", kind)
        assert exc.value.code == "no_rows"
    unknown = client.get(reverse("frontdesk:import_upload"), {"template": "nope"})  # the upload page, no file
    assert unknown.status_code == 200 and unknown["Content-Type"].startswith("text/html")


# --- per-row errors ------------------------------------------------------------------------------

def test_people_row_errors(client, clerk, unit_a):
    owner = unit_a.occupancies.get().person  # 张建国, 11010519491231002X
    rows = [
        PEOPLE_HEADER,
        ["3-2-1502", "住户", "李娜", "身份证", ID_LINA, "13900001111", "", "2024-03-01"],  # 2 OK
        ["3-2-1502", "租户", "王五", "", wrong_check_digit("11010519800101123"), "", "", ""],  # 3
        ["3-2-1502", "住户", "赵六", "", rid("11010520990101123"), "", "", ""],  # 4 born in 2099
        ["9-1-101", "业主", "孙七", "", "", "", "", ""],  # 5 no building 9
        ["3-2-9999", "业主", "周八", "", "", "", "", ""],  # 6 no such room
        ["3-2-1502", "住户", "李娜", "身份证", ID_LINA, "13900001111", "", "2024-03-01"],  # 7 = row 2
        ["3-2-1502", "业主", "张三", "", owner.id_number, "", "", ""],  # 8 someone else's ID in the archive
        ["3-2-1502", "业主", owner.name, "", "", owner.phone, "", ""],  # 9 already the owner (found by name and phone)
        ["3-2-1502", "房东", "", "", "", "1380013", "abc", "2024-02-30"],  # 10
    ]
    client.force_login(clerk)
    batch_id = uploaded_batch(client, unit_a.community, "people", csv_bytes(rows, "gbk"))
    result, response = preview_result(client, batch_id, show="all")
    assert codes_by_row(result) == {
        2: [], 3: ["check_digit"], 4: ["birth_date"], 5: ["unknown_building"], 6: ["unknown_room"],
        7: ["duplicate_in_file"], 8: ["duplicate_person"], 9: ["duplicate_person"],
        10: ["invalid_choice", "required", "phone", "invalid_number", "invalid_date"],
    }
    assert (result.total, result.ok_count, result.error_count) == (9, 1, 8)
    html = response.content.decode()
    assert "李娜" in html  # GBK decoded
    # Shown in the clerk's language (Chinese by default), whatever the catalogue's wording.
    assert zh("The check digit is wrong: please check the number again.") in html
    assert zh("There is no building %(building)s in this community.", building="9") in html
    assert zh("The same person, room and role are in row %(row)s of this file.", row=2) in html
    assert reverse("frontdesk:import_confirm", args=[batch_id]) not in response.content.decode()  # no confirm button

    with translation.override("en"):
        messages = {r.number: [e.message for e in r.errors] for r in
                    pipeline.batch_preview(batch=batches.batch_get(batch_id=batch_id, user=clerk), actor=clerk)[0].rows}
    assert messages[3] == ["The check digit is wrong: please check the number again."]
    assert messages[4] == ["The birth date in this ID number is impossible."]
    assert messages[5] == ["There is no building 9 in this community."]
    assert messages[6] == ["There is no room 3-2-9999 in this community."]
    assert messages[7] == ["The same person, room and role are in row 2 of this file."]
    assert messages[8] == [f"This ID number belongs to {owner.name} in the archive."]
    assert messages[9] == [f"{owner.name} is already recorded as Owner of 3-2-1502 in the archive."]


def test_vehicle_row_errors(client, clerk, unit_a):
    rows = [
        VEHICLES_HEADER,
        ["粤B54321", "3-2-1502", "张建国", "白色轿车"],  # 2 OK
        ["粤B12345", "3-2-1502", "", ""],  # 3 already registered (fixture)
        ["粤B5432", "3-2-1502", "", ""],  # 4 not a plate
        ["粤b 54321", "3-2-1502", "", ""],  # 5 = row 2 once normalised
        ["粤BD12345", "3-2-1502", "不认识", ""],  # 6 not a person of the room
    ]
    client.force_login(clerk)
    batch_id = uploaded_batch(client, unit_a.community, "vehicles", xlsx_bytes(rows), "vehicles.xlsx")
    result, _response = preview_result(client, batch_id)
    assert codes_by_row(result) == {2: [], 3: ["duplicate_plate"], 4: ["plate"], 5: ["duplicate_in_file"], 6: ["unknown_owner"]}
    with translation.override("en"):
        result = pipeline.batch_preview(batch=batches.batch_get(batch_id=batch_id, user=clerk), actor=clerk, refresh=True)[0]
    assert result.rows[1].errors[0].message == "The plate 粤B12345 is already registered in this community."
    assert result.rows[3].errors[0].message == "The plate 粤B54321 is also in row 2 of this file."


def test_unit_row_errors(client, manager, unit_a):
    rows = [
        UNITS_HEADER,
        ["3", "2", "1501", "15", "89.5", "住宅"],  # 2 OK, existing building and entrance
        ["5栋", "1单元", "101室", "1", "120", "商铺"],  # 3 OK, new building 5 and its entrance 1
        ["3", "2", "1502", "15", "89.5", ""],  # 4 in the archive
        ["5", "1", "101", "1", "120", ""],  # 5 = row 3
        ["6", "", "102", "一楼", "abc", "豪宅"],  # 6
        ["", "", "", "3", "", ""],  # 7
    ]
    client.force_login(manager)
    batch_id = uploaded_batch(client, unit_a.community, "units", csv_bytes(rows, "utf-8"))
    result, _response = preview_result(client, batch_id)
    assert codes_by_row(result) == {
        2: [], 3: [], 4: ["duplicate_archive"], 5: ["duplicate_in_file"],
        6: ["invalid_number", "invalid_number", "invalid_choice"], 7: ["required", "required", "required"],
    }


def test_id_number_saved_as_a_number_in_excel(client, clerk, unit_a):
    rows = [PEOPLE_HEADER, ["3-2-1502", "住户", "李娜", "", 110105198503120000, "", "", ""]]
    client.force_login(clerk)
    batch_id = uploaded_batch(client, unit_a.community, "people", xlsx_bytes(rows), "p.xlsx")
    result, _response = preview_result(client, batch_id)
    assert codes_by_row(result) == {2: ["id_number_as_number"]}


# --- preview writes nothing; confirm writes all or nothing, once ---------------------------------

GOOD_UNITS = [UNITS_HEADER, ["3", "2", "1501", "15", "89.5", "住宅"], ["5", "1", "101", "1", "120.255", "商铺"],
              ["5", "1", "102", "1", "98", ""], ["A", "", "B01", "-1", "30", "车位"]]


def test_preview_writes_nothing(client, manager, unit_a):
    client.force_login(manager)
    batch_id = uploaded_batch(client, unit_a.community, "units", csv_bytes(GOOD_UNITS))
    before = archive_counts()
    result, response = preview_result(client, batch_id)
    assert result.is_valid and result.counts == {"units": 4, "buildings": 2, "entrances": 1}
    assert reverse("frontdesk:import_confirm", args=[batch_id]) in response.content.decode()
    assert archive_counts() == before
    assert not Building.objects.filter(name="5").exists()


def test_confirm_writes_every_row_with_the_import_context(client, manager, unit_a):
    community = unit_a.community
    manager.language = "en"
    manager.save(update_fields=["language"])
    client.force_login(manager)
    batch_id = uploaded_batch(client, community, "units", csv_bytes(GOOD_UNITS))
    preview_result(client, batch_id)
    before = archive_counts()
    response = client.post(reverse("frontdesk:import_confirm", args=[batch_id]), follow=True)
    assert response.redirect_chain[-1][0] == f"{reverse('frontdesk:unit_list')}?community={community.pk}"
    after = archive_counts()
    assert after["units"] - before["units"] == 4
    assert after["buildings"] - before["buildings"] == 2 and after["entrances"] - before["entrances"] == 1
    unit = Unit.objects.get(community=community, code="5-1-101")
    assert (unit.area, unit.usage, unit.floor) == (Decimal("120.26"), "shop", 1)
    assert Unit.objects.get(community=community, code="A-B01").usage == "parking"
    assert Building.objects.get(community=community, name="5").sort_order == 5
    events = Events.objects.filter(pgh_context__batch=batch_id)
    assert events.count() >= 7 and all(e.pgh_context["source"] == "import" for e in events)
    assert [str(m) for m in response.context["messages"]] == [
        "Imported 4 rows from data.csv. Rooms: 4; new buildings: 2; new entrances: 1."]
    # The preview now says it is done, and a second confirmation imports nothing.
    assert client.get(reverse("frontdesk:import_preview", args=[batch_id])).context["imported"]
    again = client.post(reverse("frontdesk:import_confirm", args=[batch_id]))
    assert again.status_code == 302 and archive_counts()["units"] == after["units"]


def test_people_and_vehicles_confirm(client, clerk, unit_a, django_capture_on_commit_callbacks):
    community = unit_a.community
    other = Unit.objects.create(community=community, building=unit_a.building, entrance=unit_a.entrance, number="1501",
                                area=Decimal("80"), code="3-2-1501")
    owner = unit_a.occupancies.get().person
    client.force_login(clerk)
    people = [
        PEOPLE_HEADER,
        ["3-2-1502", "住户", "李娜", "身份证", ID_LINA, "139-0000-1111", "", "2024-03-01"],
        ["3-2-1501", "业主", "李娜", "身份证", ID_LINA, "13900001111", "50%", "2024年3月1日"],
        ["3-2-1501", "业主", owner.name, "", owner.id_number, "", "50", ""],  # reused from the archive
        ["3-2-1501", "租户", "Tom Smith", "护照", "E12345678", "", "", ""],
    ]
    batch_id = uploaded_batch(client, community, "people", csv_bytes(people))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("frontdesk:import_confirm", args=[batch_id]))
    assert response["Location"] == f"{reverse('frontdesk:person_list')}?community={community.pk}"
    lina = Person.objects.get(community=community, id_number=ID_LINA)
    assert lina.phone == "13900001111" and lina.birth_date == datetime.date(1985, 3, 12)
    assert set(lina.occupancies.values_list("unit__code", "kind", "share")) == {
        ("3-2-1502", "resident", None), ("3-2-1501", "owner", Decimal("50.00"))}
    assert owner.occupancies.filter(unit=other, kind="owner", share=Decimal("50")).exists()
    assert Person.objects.filter(community=community, name=owner.name).count() == 1
    assert batches.Batch.load(batch_id).status == batches.Batch.IMPORTED  # sidecar marked after commit

    vehicles = [VEHICLES_HEADER, ["粤BD54321", "3-2-1501", "李娜", "比亚迪 白"]]
    batch_id = uploaded_batch(client, community, "vehicles", csv_bytes(vehicles))
    client.post(reverse("frontdesk:import_confirm", args=[batch_id]))
    vehicle = Vehicle.objects.get(community=community, plate="粤BD54321")
    assert (vehicle.unit, vehicle.owner, vehicle.is_new_energy) == (other, lina, True)


def test_one_bad_row_means_nothing_is_written(client, clerk, unit_a):
    rows = [PEOPLE_HEADER] + [["3-2-1502", "住户", f"住户{i}", "", "", f"1390000{i:04d}", "", ""] for i in range(20)]
    rows.append(["3-2-1502", "住户", "错号", "", wrong_check_digit("11010519800101123"), "", "", ""])
    client.force_login(clerk)
    batch_id = uploaded_batch(client, unit_a.community, "people", csv_bytes(rows))
    before = archive_counts()
    response = client.post(reverse("frontdesk:import_confirm", args=[batch_id]))
    assert response["Location"] == reverse("frontdesk:import_preview", args=[batch_id])
    assert archive_counts() == before
    result, _response = preview_result(client, batch_id)
    assert result.error_count == 1 and codes_by_row(result)[22] == ["check_digit"]


def test_a_row_that_breaks_between_preview_and_confirm_rolls_everything_back(client, clerk, unit_a):
    rows = [VEHICLES_HEADER, ["粤B11111", "3-2-1502", "", ""], ["粤B22222", "3-2-1502", "", ""]]
    client.force_login(clerk)
    batch_id = uploaded_batch(client, unit_a.community, "vehicles", csv_bytes(rows))
    assert preview_result(client, batch_id)[0].is_valid
    Vehicle.objects.create(community=unit_a.community, plate="粤B22222")  # someone registers it meanwhile
    before = archive_counts()
    response = client.post(reverse("frontdesk:import_confirm", args=[batch_id]), follow=True)
    assert archive_counts() == before
    assert not Vehicle.objects.filter(plate="粤B11111").exists()
    assert codes_by_row(response.context["result"]) == {2: [], 3: ["duplicate_plate"]}
    assert not response.context.get("imported")


def test_a_conflict_the_check_could_not_see_is_caught_by_the_constraint(clerk, unit_a, monkeypatch):
    """The rows are checked against what was loaded; a plate registered after that load is refused by the
    database's constraint, and the rows are checked again: the clerk sees the row at fault."""
    rows = [VEHICLES_HEADER, ["粤B11111", "3-2-1502", "", ""], ["粤B22222", "3-2-1502", "", ""]]
    batch = batches.batch_create(community=unit_a.community, kind="vehicles", name="v.csv", data=csv_bytes(rows),
                                 actor=clerk)
    load = handlers.VehiclesHandler.__init__
    loads = []

    def load_then_someone_registers_the_plate(self, **kwargs):
        load(self, **kwargs)
        if not loads:
            Vehicle.objects.create(community=unit_a.community, plate="粤B22222")
        loads.append(self)

    monkeypatch.setattr(handlers.VehiclesHandler, "__init__", load_then_someone_registers_the_plate)
    with translation.override("en"):
        outcome = pipeline.batch_confirm(batch=batch, actor=clerk)
    assert len(loads) == 2 and not outcome.imported
    assert codes_by_row(outcome.result) == {2: [], 3: ["duplicate_plate"]}
    assert outcome.result.rows[1].errors[0].message == "The plate 粤B22222 is already registered in this community."
    assert not Vehicle.objects.filter(plate="粤B11111").exists()
    assert not IdempotencyKey.objects.filter(key=batch.id).exists()  # the clerk may correct and try again


@pytest.mark.parametrize("error, tries, message", [
    (IntegrityError, pipeline.WRITE_ATTEMPTS, "The archive kept changing while these rows were being saved"),
    (DataError, 1, "The database refused these rows"),
])
def test_a_database_that_refuses_the_rows_imports_nothing(error, tries, message, clerk, unit_a, monkeypatch):
    rows = [VEHICLES_HEADER, ["粤B11111", "3-2-1502", "", ""]]
    batch = batches.batch_create(community=unit_a.community, kind="vehicles", name="v.csv", data=csv_bytes(rows),
                                 actor=clerk)
    attempts = []

    def refused(self):
        attempts.append(self)
        Vehicle.objects.create(community=unit_a.community, plate="粤B33333")  # written, then rolled back
        raise error("refused")

    monkeypatch.setattr(handlers.VehiclesHandler, "write", refused)
    before = archive_counts()
    with translation.override("en"):
        outcome = pipeline.batch_confirm(batch=batch, actor=clerk)
    assert len(attempts) == tries and not outcome.imported
    assert outcome.result.file_error.startswith(message)
    assert archive_counts() == before


def _rows(kind, numbers, unit):
    """Correct rows of each kind, one per number, for the community of ``unit`` (3-2-1502, owner 张建国)."""
    if kind == "units":
        building = str(10 + numbers[0])  # a new building (and entrance) for each file
        return [UNITS_HEADER] + [[building, "1", f"{i:03d}", "1", "80", ""] for i in numbers]
    if kind == "people":
        rooms = {i: UnitFactory(entrance=unit.entrance, number=f"{i:03d}") for i in numbers}
        return [PEOPLE_HEADER] + [[rooms[i].code, "业主", f"业主{i}", "", rid(f"11010519800101{i:03d}"), "", "", ""]
                                  for i in numbers]
    return [VEHICLES_HEADER] + [[f"粤B1{i:04d}", "3-2-1502", "张建国", ""] for i in numbers]


@pytest.mark.parametrize("kind", ["units", "people", "vehicles"])
def test_the_archive_is_read_once_whatever_the_number_of_rows(kind, manager, unit_a):
    """Preview and confirm: the same queries for 3 rows as for 40 (no query per row)."""
    figures = []
    for numbers in (range(1, 4), range(4, 44)):
        n, batch_id = len(numbers), uuid.uuid4()
        sheet = files.read_sheet(csv_bytes(_rows(kind, numbers, unit_a)), "csv", kind)
        for commit in (False, True):
            with CaptureQueriesContext(connection) as queries:
                result = pipeline.run_import(sheet=sheet, kind=kind, community=unit_a.community, actor=manager,
                                            batch_id=batch_id, commit=commit)
            assert result.is_valid and result.total == n
            figures.append(len(queries))
    preview_3, confirm_3, preview_40, confirm_40 = figures
    assert (preview_3, confirm_3) == (preview_40, confirm_40)
    assert preview_3 <= 8 and confirm_3 <= 14


def test_people_import_keeps_the_audit_trail(client, clerk, unit_a):
    rows = [PEOPLE_HEADER, ["3-2-1502", "住户", "李娜", "", ID_LINA, "", "", ""],
            ["3-2-1502", "租户", "王伟", "", ID_WANG, "", "", ""]]
    client.force_login(clerk)
    batch_id = uploaded_batch(client, unit_a.community, "people", csv_bytes(rows))
    client.post(reverse("frontdesk:import_confirm", args=[batch_id]))
    events = Events.objects.filter(pgh_context__batch=batch_id)
    assert sorted(events.values_list("pgh_obj_model", "pgh_label")) == [
        ("frontdesk.Occupancy", "insert"), ("frontdesk.Occupancy", "insert"),
        ("frontdesk.Person", "insert"), ("frontdesk.Person", "insert")]
    assert {e.pgh_context["source"] for e in events} == {"import"}
    assert Person.objects.get(id_number=ID_LINA).occupancies.get().created_by == clerk


@pytest.fixture
def truncate_allowed():
    """This test commits (transaction=True); the flush afterwards truncates append-only tables, which
    refuse it by trigger. Allow it in this thread (the import runs in other threads, unaffected)."""
    with pgtrigger.ignore():
        yield


def test_two_confirmations_at_once_import_once(truncate_allowed, transactional_db, manager, community_a):
    batch = batches.batch_create(community=community_a, kind="units", name="units.csv", data=csv_bytes(GOOD_UNITS),
                                 actor=manager)
    barrier = threading.Barrier(2)
    outcomes, failures = [], []

    def confirm():
        try:
            barrier.wait(timeout=10)
            outcomes.append(pipeline.batch_confirm(batch=batches.Batch.load(batch.id), actor=manager))
        except Exception as exc:  # noqa: BLE001 - reported below
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not failures
    assert sorted(o.imported for o in outcomes) == [False, True]
    assert [o.result for o in outcomes if not o.imported] == [None]  # the second found it done
    assert Unit.objects.filter(community=community_a).count() == 4
    assert batches.Batch.load(batch.id).status == batches.Batch.IMPORTED


# --- who may see a batch -------------------------------------------------------------------------

def test_batches_are_private_to_their_uploader_and_community(client, clerk, clerk_b, make_user, unit_a):
    client.force_login(clerk)
    batch_id = uploaded_batch(client, unit_a.community, "vehicles",
                              csv_bytes([VEHICLES_HEADER, ["粤B11111", "3-2-1502", "", ""]]))
    colleague = make_user(role=Role.CLERK, communities=[unit_a.community], username="colleague")
    for stranger in (clerk_b, colleague):
        client.force_login(stranger)
        assert client.get(reverse("frontdesk:import_preview", args=[batch_id])).status_code == 404
        assert client.post(reverse("frontdesk:import_confirm", args=[batch_id])).status_code == 404
    clerk.communities.clear()  # moved to another community: the batch goes with the community
    client.force_login(clerk)
    assert client.get(reverse("frontdesk:import_preview", args=[batch_id])).status_code == 404
    assert not Vehicle.objects.filter(plate="粤B11111").exists()
    assert client.get(reverse("frontdesk:import_preview", args=[uuid.uuid4()])).status_code == 404


def test_cashier_is_refused(client, users, clerk, unit_a):
    client.force_login(clerk)
    batch_id = uploaded_batch(client, unit_a.community, "vehicles",
                              csv_bytes([VEHICLES_HEADER, ["粤B11111", "3-2-1502", "", ""]]))
    client.force_login(users[Role.CASHIER])
    assert client.get(reverse("frontdesk:import_upload")).status_code == 403
    assert client.get(reverse("frontdesk:import_upload"), {"template": "people"}).status_code == 403
    assert upload(client, unit_a.community, "vehicles", b"x").status_code == 403
    assert client.get(reverse("frontdesk:import_preview", args=[batch_id])).status_code == 403
    assert client.post(reverse("frontdesk:import_confirm", args=[batch_id])).status_code == 403
    assert not Vehicle.objects.filter(plate="粤B11111").exists()


def test_confirm_is_post_only(client, clerk, unit_a):
    client.force_login(clerk)
    batch_id = uploaded_batch(client, unit_a.community, "vehicles",
                              csv_bytes([VEHICLES_HEADER, ["粤B11111", "3-2-1502", "", ""]]))
    assert client.get(reverse("frontdesk:import_confirm", args=[batch_id])).status_code == 405


# --- a big file ----------------------------------------------------------------------------------

def test_two_thousand_rows_are_all_checked_and_shown_a_page_at_a_time(client, manager, community_a,
                                                                      django_assert_max_num_queries):
    rows = [UNITS_HEADER]
    for building in (1, 2):
        for entrance in (1, 2):
            rows += [[building, entrance, f"{floor}{n:02d}", floor, "89.5", ""]
                     for floor in range(1, 101) for n in (1, 2, 3, 4, 5)]
    rows[-1][4] = "-3"  # the very last row is wrong
    assert len(rows) == 2001
    client.force_login(manager)
    batch_id = uploaded_batch(client, community_a, "units", csv_bytes(rows))
    result, response = preview_result(client, batch_id, show="all")
    assert (result.total, result.error_count) == (2000, 1)
    assert codes_by_row(result)[2001] == ["invalid_number"]
    assert len(response.context["lines"]) == 100
    assert response.context["page"].paginator.num_pages == 20
    with django_assert_max_num_queries(15):  # later pages reuse the check: no row is run again
        _result, response = preview_result(client, batch_id, show="all", page=20)
    assert [line["row"].number for line in response.context["lines"]][-1] == 2001
    _result, response = preview_result(client, batch_id)  # default view: the rows with errors
    assert [line["row"].number for line in response.context["lines"]] == [2001]
    assert Unit.objects.filter(community=community_a).count() == 0
