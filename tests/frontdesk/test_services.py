import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from frontdesk.models import Occupancy, TenantAuthorization
from frontdesk.selectors import occupancies as occupancy_selectors
from frontdesk.services import authorizations, occupancies, people, units, vehicles
from tests.factories import OccupancyFactory, PersonFactory, UnitFactory


def test_owner_shares_cannot_exceed_100(unit_a, clerk):
    second = PersonFactory(community=unit_a.community)
    with pytest.raises(ValidationError) as exc:
        occupancies.occupancy_start(unit=unit_a, person=second, kind="owner", share=Decimal("10"),
                                 start_date=datetime.date(2024, 1, 1), actor=clerk)
    assert "share" in exc.value.error_dict


def test_move_out_ends_the_relation_and_keeps_the_record(unit_a, clerk):
    occupancy = unit_a.occupancies.get()
    occupancies.occupancy_end(occupancy=occupancy, end_date=datetime.date(2026, 1, 31), reason="出售", actor=clerk)
    occupancy.refresh_from_db()
    assert occupancy.end_date == datetime.date(2026, 1, 31) and occupancy.ended_by == clerk
    assert Occupancy.objects.filter(pk=occupancy.pk).exists()
    with pytest.raises(ValidationError):
        occupancies.occupancy_end(occupancy=occupancy, end_date=datetime.date(2026, 2, 1), reason="again", actor=clerk)


def test_move_out_before_move_in_is_refused(unit_a, clerk):
    occupancy = unit_a.occupancies.get()
    with pytest.raises(ValidationError):
        occupancies.occupancy_end(occupancy=occupancy, end_date=datetime.date(2000, 1, 1), reason="x", actor=clerk)


def test_tenant_authorisation_lifecycle(unit_a, clerk):
    owner = unit_a.occupancies.get().person
    tenant = PersonFactory(community=unit_a.community)
    tenancy = occupancies.occupancy_start(unit=unit_a, person=tenant, kind="tenant", start_date=datetime.date(2026, 1, 1),
                                          actor=clerk)
    assert occupancy_selectors.tenant_may_act(tenancy=tenancy, scope="fees", on=datetime.date(2026, 3, 1)) is False
    authorizations.authorization_grant(tenancy=tenancy, owner=owner, valid_from=datetime.date(2026, 1, 1),
                                 valid_to=datetime.date(2026, 12, 31), scopes=["fees", "repairs"], actor=clerk)
    assert occupancy_selectors.tenant_may_act(tenancy=tenancy, scope="fees", on=datetime.date(2026, 3, 1)) is True
    assert occupancy_selectors.tenant_may_act(tenancy=tenancy, scope="renovation", on=datetime.date(2026, 3, 1)) is False
    assert occupancy_selectors.tenant_may_act(tenancy=tenancy, scope="fees", on=datetime.date(2027, 3, 1)) is False
    occupancies.occupancy_end(occupancy=tenancy, end_date=datetime.date(2026, 6, 30), reason="退租", actor=clerk)
    authorization = TenantAuthorization.objects.get(tenancy=tenancy)
    assert authorization.revoked_at is not None and authorization.revoked_by == clerk


def test_only_a_current_owner_can_authorise(unit_a, clerk):
    tenant = PersonFactory(community=unit_a.community)
    tenancy = occupancies.occupancy_start(unit=unit_a, person=tenant, kind="tenant", start_date=datetime.date(2026, 1, 1),
                                          actor=clerk)
    with pytest.raises(ValidationError):
        authorizations.authorization_grant(tenancy=tenancy, owner=tenant, valid_from=datetime.date(2026, 1, 1),
                                     valid_to=datetime.date(2026, 12, 31), scopes=["fees"], actor=clerk)


def test_find_or_create_reuses_the_archive_and_catches_name_mismatch(unit_a, clerk):
    owner = unit_a.occupancies.get().person
    same, created = people.person_find_or_create(community=unit_a.community, name="张建国",
                                                   id_number="11010519491231002x", actor=clerk)
    assert same == owner and created is False
    with pytest.raises(ValidationError) as exc:
        people.person_find_or_create(community=unit_a.community, name="李四", id_number="11010519491231002X", actor=clerk)
    assert "id_number" in exc.value.error_dict


def test_duplicate_person_is_refused_with_a_message(unit_a, clerk):
    with pytest.raises(ValidationError):
        people.person_create(community=unit_a.community, name="张建国", id_number="11010519491231002X", actor=clerk)


def test_same_id_in_another_community_is_a_different_archive(unit_a, unit_b, clerk):
    person = people.person_create(community=unit_b.community, name="张建国", id_number="11010519491231002X", actor=clerk)
    assert person.birth_date == datetime.date(1949, 12, 31)


def test_vehicle_plate_unique_while_active_and_reusable_after_removal(unit_a, clerk):
    with pytest.raises(ValidationError):
        vehicles.vehicle_register(community=unit_a.community, plate="粤b 12345", unit=unit_a, actor=clerk)
    vehicle = unit_a.vehicles.get()
    vehicles.vehicle_deactivate(vehicle=vehicle, reason="车辆已出售", actor=clerk)
    again = vehicles.vehicle_register(community=unit_a.community, plate="粤B12345", unit=unit_a, actor=clerk)
    assert again.pk != vehicle.pk and unit_a.vehicles.count() == 2


def test_new_energy_plate_is_detected(unit_a, clerk):
    vehicle = vehicles.vehicle_register(community=unit_a.community, plate="粤BD12345", unit=unit_a, actor=clerk)
    assert vehicle.is_new_energy


def test_unit_code_follows_the_tree(unit_a, clerk):
    unit = units.unit_create(building=unit_a.building, entrance=unit_a.entrance, number="1601", area=Decimal("88"),
                                actor=clerk)
    assert unit.code == "3-2-1601"
    with pytest.raises(ValidationError):
        units.unit_create(building=unit_a.building, entrance=unit_a.entrance, number="1601", area=Decimal("88"), actor=clerk)


def test_unit_factory_sanity(community_a):
    assert UnitFactory(entrance__building__community=community_a).community == community_a
    assert OccupancyFactory
