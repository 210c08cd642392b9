import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from frontdesk.selectors.lookup import classify, lookup
from tests.factories import EntranceFactory, OccupancyFactory, PersonFactory, UnitFactory, VehicleFactory


@pytest.mark.parametrize("q", ["3-2-1502", "3栋2单元1502", "3#2-1502", "３－２－１５０２", " 3-2-1502 "])
def test_room_codes(q, unit_a, clerk):
    assert [u.pk for u in lookup(user=clerk, q=q)["units"]] == [unit_a.pk]


def test_bare_room_number_and_building_room(unit_a, clerk):
    assert unit_a in lookup(user=clerk, q="1502")["units"]
    assert unit_a in lookup(user=clerk, q="3-1502")["units"]


def test_name_fragment_phone_and_tail(unit_a, clerk):
    owner = unit_a.occupancies.get().person
    for q in ("张建国", "建国", "张", "13812345678", "1381234", "5678"):
        assert owner in lookup(user=clerk, q=q)["people"], q


def test_plate_fragments(unit_a, clerk):
    for q in ("粤B12345", "粤b123", "B12345"):
        assert [v.plate for v in lookup(user=clerk, q=q)["vehicles"]] == ["粤B12345"], q


def test_the_last_characters_of_a_plate_find_the_vehicle(unit_a, clerk):
    VehicleFactory(unit=unit_a, plate="粤B74257")
    assert [v.plate for v in lookup(user=clerk, q="4257")["vehicles"]] == ["粤B74257"]
    assert [v.plate for v in lookup(user=clerk, q="b7425")["vehicles"]] == ["粤B74257"]


@pytest.mark.parametrize("q", ["3-2-", "3栋2单元", "3-2-150", "3#2-"])
def test_a_partial_room_code_lists_the_rooms_it_starts(q, unit_a, clerk):
    neighbour = UnitFactory(entrance=unit_a.entrance, number="1501")
    UnitFactory(entrance=EntranceFactory(building=unit_a.building, name="1"), number="1502")  # entrance 1: not listed
    assert [u.pk for u in lookup(user=clerk, q=q)["units"]] == [neighbour.pk, unit_a.pk]


def test_classification_of_ambiguous_input():
    assert set(classify("1502")) == {"unit_number", "phone_tail", "plate"}
    assert "room" in classify("3-2-1502")
    assert "name" in classify("王")


def test_exact_name_ranks_first(unit_a, clerk, community_a):
    for _ in range(5):
        PersonFactory(community=community_a, name="张建国华")
    people = lookup(user=clerk, q="张建国")["people"]
    assert people[0].name == "张建国"


def test_lookup_is_scoped(unit_a, unit_b, clerk_b):
    assert lookup(user=clerk_b, q="3-2-1502")["units"] == []
    assert lookup(user=clerk_b, q="张建国")["people"] == []
    assert lookup(user=clerk_b, q="粤B12345")["vehicles"] == []


def test_query_count_is_constant(clerk, community_a, unit_a):
    for i in range(12):
        unit = UnitFactory(entrance=unit_a.entrance, number=f"{i + 1}02")
        OccupancyFactory(unit=unit, person=PersonFactory(community=community_a, name=f"张三{i}"))
        VehicleFactory(unit=unit)
    for q in ("张", "1502", "粤B", "3-2-1502", "3-2-", "4257"):
        with CaptureQueriesContext(connection) as ctx:
            lookup(user=clerk, q=q)
        assert len(ctx) <= 5, (q, len(ctx))


def test_htmx_results_and_one_hit_redirect(clerk_client, unit_a):
    partial = clerk_client.get(reverse("frontdesk:lookup"), {"q": "3-2-1502"}, HTTP_HX_REQUEST="true")
    assert "lookup-item" in partial.content.decode() and "<html" not in partial.content.decode()
    full = clerk_client.get(reverse("frontdesk:lookup"), {"q": "3-2-1502"})
    assert full.status_code == 302 and full["Location"] == unit_a.get_absolute_url()


def test_nonsense_and_hostile_queries_do_not_fail(clerk_client, unit_a):
    for q in ("", "'; DROP TABLE frontdesk_unit;--", "%", "_", "\\", "😀" * 100, "x" * 5000, "\u200b", "مرحبا"):
        assert clerk_client.get(reverse("frontdesk:lookup"), {"q": q}, HTTP_HX_REQUEST="true").status_code == 200
