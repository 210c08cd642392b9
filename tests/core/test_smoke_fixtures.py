def test_fixtures_build_a_unit_with_owner_and_vehicle(unit_a, clerk):
    assert unit_a.code == "3-2-1502"
    assert unit_a.occupancies.get().person.name == "张建国"
    assert unit_a.vehicles.get().plate == "粤B12345"
    assert list(clerk.communities.all()) == [unit_a.community]
