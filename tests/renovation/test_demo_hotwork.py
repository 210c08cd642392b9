"""The hot-work and lift demo: permits in every state and bookings on the board, through the services;
idempotent."""

import io

import pytest

from core.models import Role
from renovation import demo
from renovation.models import HotWorkPermit, Lift, LiftBooking
from tests.factories import BuildingFactory, EntranceFactory, OccupancyFactory, UnitFactory


@pytest.fixture
def demo_world(community_a, make_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    for b in ("1", "2"):
        entrance = EntranceFactory(building=BuildingFactory(community=community_a, name=b), name="1")
        for n in ("101", "102", "201", "202", "301"):
            OccupancyFactory(unit=UnitFactory(entrance=entrance, number=n))
    return {name: make_user(role=role, communities=[community_a], username=name)
            for name, role in (("clerk", Role.CLERK), ("engineer", Role.ENGINEER), ("supervisor", Role.SUPERVISOR),
                               ("manager", Role.MANAGER))}


def test_the_demo_shows_every_state_and_loads_once(demo_world, community_a):
    out = io.StringIO()
    demo.load_hotwork_lifts(out)
    assert "loaded" in out.getvalue()
    states = set(HotWorkPermit.objects.values_list("status", flat=True))
    assert states == {s.value for s in HotWorkPermit.Status}
    assert Lift.objects.filter(community=community_a, kind="fire").count() == 2
    assert set(LiftBooking.objects.values_list("status", flat=True)) == {"booked", "review", "approval", "refused",
                                                                             "cancelled"}
    counts = (HotWorkPermit.objects.count(), LiftBooking.objects.count())
    demo.load_hotwork_lifts(io.StringIO())
    assert (HotWorkPermit.objects.count(), LiftBooking.objects.count()) == counts
