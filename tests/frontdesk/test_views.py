import datetime
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from core.models import Notification, Role, SensitiveDataAccess
from frontdesk.models import Occupancy, ParkingSpace, Person, TenantAuthorization, Unit, Vehicle
from frontdesk.registry import UnitPanel, register_unit_panel, unregister_unit_panel
from tests.factories import BuildingFactory, EntranceFactory, OccupancyFactory, PersonFactory, UnitFactory, VehicleFactory


def _count(client, url, headers=None, **params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params, headers=headers)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx)


_serial = iter(range(10_000))


def _grow(unit_a, n):
    community = unit_a.community
    for _ in range(n):
        i = next(_serial)
        unit = UnitFactory(entrance=unit_a.entrance, number=f"9{i:03d}")
        OccupancyFactory(unit=unit, person=PersonFactory(community=community))
        OccupancyFactory(unit=unit, kind="resident", share=None, person=PersonFactory(community=community))
        vehicle = VehicleFactory(unit=unit)
        ParkingSpace.objects.create(community=community, code=f"P{i}", unit=unit, vehicle=vehicle)
        OccupancyFactory(unit=unit_a, kind="resident", share=None, person=PersonFactory(community=community))


@pytest.mark.parametrize("name", ["frontdesk:unit_list", "frontdesk:person_list", "frontdesk:vehicle_list",
                                  "frontdesk:parking_list", "core:notifications", "core:access_log", "home"])
def test_list_pages_have_a_constant_query_count(name, client, users, unit_a):
    user = users[Role.SUPERVISOR]
    client.force_login(user)
    url = reverse(name)

    def grow(n):
        _grow(unit_a, n)
        for i in range(n):
            Notification.objects.create(user=user, title=f"n{i}")
            SensitiveDataAccess.objects.create(user=user, community_id=unit_a.community_id, record_type="frontdesk.person",
                                               record_id=i, record_label="x", field="phone", reason="核对")

    grow(1)
    small = _count(client, url)
    grow(10)
    assert _count(client, url) == small, name
    assert small <= 12


def test_unit_list_sorts_buildings_entrances_and_rooms_naturally(clerk_client, community_a):
    """Room numbers as numbers, not as text (which put 1001 before 101); building and entrance names too."""
    b2 = BuildingFactory(community=community_a, name="2")
    b10 = BuildingFactory(community=community_a, name="10")
    e1, e2 = EntranceFactory(building=b2, name="1"), EntranceFactory(building=b2, name="2")
    e10 = EntranceFactory(building=b2, name="10")
    for entrance, numbers in ((e10, ["101"]), (e2, ["101"]), (e1, ["1101", "99", "1001", "102", "101", "201"])):
        for number in numbers:
            UnitFactory(entrance=entrance, number=number)
    UnitFactory(entrance=EntranceFactory(building=b10, name="1"), number="101")
    codes = [u.code for u in clerk_client.get(reverse("frontdesk:unit_list")).context["page"].object_list]
    assert codes == ["2-1-99", "2-1-101", "2-1-102", "2-1-201", "2-1-1001", "2-1-1101", "2-2-101", "2-10-101", "10-1-101"]


def test_unit_page_query_count_does_not_grow_with_people(clerk_client, unit_a):
    url = reverse("frontdesk:unit_detail", args=[unit_a.pk])
    small = _count(clerk_client, url)
    _grow(unit_a, 10)
    tenant = OccupancyFactory(unit=unit_a, kind="tenant", share=None, person=PersonFactory(community=unit_a.community))
    TenantAuthorization.objects.create(community=unit_a.community, tenancy=tenant, owner=unit_a.occupancies.first().person,
                                       valid_from=datetime.date(2026, 1, 1), valid_to=datetime.date(2026, 12, 31),
                                       scopes=["fees"])
    big = _count(clerk_client, url)
    assert big == small and big <= 12, (small, big)


def test_lookup_and_history_query_counts(clerk_client, unit_a):
    _grow(unit_a, 6)
    assert _count(clerk_client, reverse("frontdesk:lookup"), headers={"HX-Request": "true"}, q="张") <= 10
    assert _count(clerk_client, reverse("frontdesk:unit_history", args=[unit_a.pk])) <= 8


def test_id_numbers_masked_for_everyone_and_phones_for_cashier_and_engineer(client, users, unit_a):
    url = reverse("frontdesk:unit_detail", args=[unit_a.pk])
    for role, user in users.items():
        client.force_login(user)
        response = client.get(url)
        if role == Role.GUARD:  # the gate guard sees only the check pages
            assert response.status_code == 403
            continue
        html = response.content.decode()
        assert "11010519491231002X" not in html
        assert "110105********002X" in html
        phone_full = "13812345678" in html
        assert phone_full is (role in {Role.CLERK, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN}), role
        if not phone_full:
            assert "138****5678" in html


def test_reveal_is_logged_with_reason_and_needs_one(clerk_client, clerk, unit_a):
    person = unit_a.occupancies.get().person
    url = reverse("frontdesk:person_reveal", args=[person.pk, "id_number"])
    refused = clerk_client.post(url, HTTP_HX_REQUEST="true", HTTP_HX_PROMPT="")
    assert "11010519491231002X" not in refused.content.decode()
    response = clerk_client.post(url, HTTP_HX_REQUEST="true", HTTP_HX_PROMPT="办理入住核对身份")
    assert "11010519491231002X" in response.content.decode()
    entry = SensitiveDataAccess.objects.get()
    assert (entry.user, entry.record_id, entry.field, entry.reason) == (clerk, person.pk, "id_number", "办理入住核对身份")
    assert clerk_client.post(reverse("frontdesk:person_reveal", args=[person.pk, "notes"])).status_code == 400


def test_engineer_may_reveal_a_phone_but_not_an_id(client, users, unit_a):
    person = unit_a.occupancies.get().person
    client.force_login(users[Role.ENGINEER])
    ok = client.post(reverse("frontdesk:person_reveal", args=[person.pk, "phone"]), HTTP_HX_REQUEST="true",
                     HTTP_HX_PROMPT="上门维修联系")
    assert "13812345678" in ok.content.decode()
    refused = client.post(reverse("frontdesk:person_reveal", args=[person.pk, "id_number"]), HTTP_HX_REQUEST="true",
                          HTTP_HX_PROMPT="x y")
    assert refused.status_code == 403


def test_access_log_is_append_only(db, clerk):
    from django.db import DatabaseError, transaction

    entry = SensitiveDataAccess.objects.create(user=clerk, record_type="x", record_id=1, record_label="x", field="phone",
                                               reason="r")
    for statement in ("UPDATE core_sensitivedataaccess SET reason = 'changed'", "DELETE FROM core_sensitivedataaccess",
                      "SET LOCAL frontdesk.allow_truncate = 'off'; TRUNCATE core_sensitivedataaccess"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    entry.refresh_from_db()
    assert entry.reason == "r"


def test_exports_are_filtered_scoped_and_masked(client, users, unit_a, unit_b):
    client.force_login(users[Role.CLERK])
    response = client.get(reverse("frontdesk:person_list"), {"export": "xlsx"})
    rows = list(load_workbook(BytesIO(response.getvalue())).active.iter_rows(values_only=True))
    assert len(rows) == 2  # header + the one person of community A
    assert rows[1][1] == "张建国" and rows[1][4] == "110105********002X"
    units = load_workbook(BytesIO(client.get(reverse("frontdesk:unit_list"), {"export": "xlsx", "q": "3-2"}).getvalue())).active
    assert [r[1] for r in units.iter_rows(min_row=2, values_only=True)] == ["3-2-1502"]
    client.force_login(users[Role.ENGINEER])
    assert client.get(reverse("frontdesk:unit_list"), {"export": "xlsx"}).status_code == 403


def test_extension_point_panels(clerk_client, unit_a):
    register_unit_panel(UnitPanel(key="test", title="测试面板", template="core/partials/_pagination.html",
                                  context=lambda request, unit: {"unit_code": unit.code}))
    register_unit_panel(UnitPanel(key="hidden", title="主管面板", template="core/partials/_pagination.html",
                                  context=lambda request, unit: {}, action="privacy.access_log"))
    try:
        html = clerk_client.get(reverse("frontdesk:unit_detail", args=[unit_a.pk])).content.decode()
        assert 'id="panel-test"' in html and "测试面板" in html
        assert 'id="panel-hidden"' not in html
    finally:
        unregister_unit_panel("test")
        unregister_unit_panel("hidden")


def test_panels_annotate_the_units_own_query(clerk_client, unit_a):
    """A panel that only annotates the unit's row adds no query to the unit page."""
    from django.db.models import Count, Value

    url = reverse("frontdesk:unit_detail", args=[unit_a.pk])
    before = _count(clerk_client, url)
    register_unit_panel(UnitPanel(key="annotated", title="人数面板", template="core/partials/_pagination.html",
                                  annotate=lambda: {"panel_people": Count("occupancies", distinct=True),
                                                    "panel_label": Value("标签")},
                                  context=lambda request, unit: {"people": unit.panel_people, "label": unit.panel_label}))
    try:
        response = clerk_client.get(url)
        panel = next(p for p in response.context["panels"] if p["key"] == "annotated")
        assert panel["context"] == {"people": unit_a.occupancies.count(), "label": "标签"}
        assert _count(clerk_client, url) == before
    finally:
        unregister_unit_panel("annotated")


def test_clerk_adds_a_tenant_authorises_and_moves_them_out(clerk_client, unit_a):
    url = reverse("frontdesk:occupant_add", args=[unit_a.pk])
    token = clerk_client.get(url).context["form"].initial["form_token"]
    response = clerk_client.post(url, {"form_token": token, "kind": "tenant", "name": "李四", "id_type": "resident_id",
                                       "id_number": "110105199003071236"[:17] + "X", "phone": "13900001111",
                                       "start_date": "2026-01-01"})
    assert response.status_code == 200 and response.context["form"].errors.get("id_number")  # wrong check digit
    from frontdesk.validators import id_check_digit

    good = "11010519900307123" + id_check_digit("11010519900307123")
    response = clerk_client.post(url, {"form_token": token, "kind": "tenant", "name": "李四", "id_type": "resident_id",
                                       "id_number": good, "phone": "13900001111", "start_date": "2026-01-01"})
    assert response.status_code == 302
    tenancy = Occupancy.objects.get(unit=unit_a, kind="tenant")
    owner = unit_a.occupancies.get(kind="owner").person
    auth_url = reverse("frontdesk:authorization_create", args=[tenancy.pk])
    response = clerk_client.post(auth_url, {"owner": owner.pk, "valid_from": "2026-01-01", "valid_to": "2026-12-31",
                                            "scopes": ["fees", "repairs"], "document_ref": "WT-1"})
    assert response.status_code == 302
    assert TenantAuthorization.objects.get(tenancy=tenancy).scopes == ["fees", "repairs"]
    response = clerk_client.post(reverse("frontdesk:occupancy_end", args=[tenancy.pk]),
                                 {"end_date": "2026-06-30", "reason": "退租"})
    assert response.status_code == 302
    tenancy.refresh_from_db()
    assert tenancy.end_date == datetime.date(2026, 6, 30)
    assert TenantAuthorization.objects.get(tenancy=tenancy).revoked_at is not None


def test_clerk_links_a_person_by_room_code_and_registers_a_vehicle(clerk_client, unit_a, community_a):
    person = PersonFactory(community=community_a)
    response = clerk_client.post(reverse("frontdesk:person_link_unit", args=[person.pk]),
                                 {"unit": "3栋2单元1502", "kind": "resident", "relationship": "child",
                                  "start_date": "2026-01-01"})
    assert response.status_code == 302
    assert Occupancy.objects.filter(unit=unit_a, person=person, kind="resident").exists()
    unknown = clerk_client.post(reverse("frontdesk:person_link_unit", args=[person.pk]),
                                {"unit": "9-9-9999", "kind": "resident", "start_date": "2026-01-01"})
    assert unknown.context["form"].errors["unit"]
    response = clerk_client.post(reverse("frontdesk:vehicle_create", args=[unit_a.pk]),
                                 {"plate": "粤BD99999", "owner": person.pk, "description": "白色比亚迪"})
    assert response.status_code == 302
    vehicle = Vehicle.objects.get(plate="粤BD99999")
    assert vehicle.is_new_energy and vehicle.unit == unit_a
    response = clerk_client.post(reverse("frontdesk:vehicle_remove", args=[vehicle.pk]), {"reason": "已出售"})
    vehicle.refresh_from_db()
    assert response.status_code == 302 and not vehicle.is_active


def test_unit_create_and_edit(client, users, unit_a):
    client.force_login(users[Role.MANAGER])
    response = client.post(reverse("frontdesk:unit_create"), {"building": unit_a.building_id, "entrance": "2",
                                                              "number": "1602", "floor": "16", "area": "101.25",
                                                              "usage": "residential"})
    assert response.status_code == 302
    unit = Unit.objects.get(code="3-2-1602")
    response = client.post(reverse("frontdesk:unit_edit", args=[unit.pk]), {"area": "-1", "usage": "residential"})
    assert response.status_code == 200 and response.context["form"].errors["area"]
    assert response.context["form"]["area"].value() == "-1"  # what was typed stays


def test_parking_space_create(clerk_client, unit_a):
    response = clerk_client.post(reverse("frontdesk:parking_create"),
                                 {"community": unit_a.community_id, "code": "b1-100", "kind": "rented",
                                  "unit": "3-2-1502", "plate": "粤B12345"})
    assert response.status_code == 302
    space = ParkingSpace.objects.get(code="B1-100")
    assert space.unit == unit_a and space.vehicle.plate == "粤B12345"


def test_person_create_and_edit_keep_history(clerk_client, community_a):
    response = clerk_client.post(reverse("frontdesk:person_create"), {"community": community_a.pk, "name": "王五",
                                                                      "id_type": "passport", "id_number": "e1234567"})
    person = Person.objects.get(name="王五")
    assert response.status_code == 302 and person.id_number == "E1234567"
    clerk_client.post(reverse("frontdesk:person_edit", args=[person.pk]), {"name": "王五", "id_type": "passport",
                                                                            "id_number": "E1234567", "phone": "13700001111"})
    history = clerk_client.get(reverse("frontdesk:person_history", args=[person.pk])).content.decode()
    assert "13700001111" in history


def test_parking_space_room_must_be_in_its_community(client, make_user, unit_a, unit_b):
    client.force_login(make_user(role="clerk", communities=[unit_a.community, unit_b.community], username="both"))
    response = client.post(reverse("frontdesk:parking_create"), {"community": unit_b.community_id, "code": "X1",
                                                                 "kind": "rented", "unit": "3-2-1502"})
    assert response.status_code == 200 and response.context["form"].errors["unit"]


def test_clerk_is_told_when_a_15_digit_id_is_converted(clerk_client, community_a):
    response = clerk_client.post(reverse("frontdesk:person_create"), {"community": community_a.pk, "name": "赵六",
                                                                      "id_type": "resident_id", "id_number": "110105491231002"},
                                 follow=True)
    assert Person.objects.get(name="赵六").id_number == "11010519491231002X"
    assert any("110105********002X" in str(m) for m in response.context["messages"])  # masked, as everywhere


def test_lookup_offers_the_registered_unit_actions(clerk_client, client, users, unit_a):
    html = clerk_client.get(reverse("frontdesk:lookup"), {"q": "1502"}, HTTP_HX_REQUEST="true").content.decode()
    assert f"{reverse('repairs:ticket_create')}?unit={unit_a.pk}" in html  # registered by the repairs app
    client.force_login(users[Role.CASHIER])
    html = client.get(reverse("frontdesk:lookup"), {"q": "1502"}, HTTP_HX_REQUEST="true").content.decode()
    assert reverse("repairs:ticket_create") not in html  # only for roles that may log tickets
