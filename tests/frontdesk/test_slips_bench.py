"""The release slip benchmark on a tiny scale, so it cannot rot: the generator's SQL loads slips in every
state with gapless numbers and the counter at the highest, and the gate page answers for them."""

import random

import pytest
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from bench import registers_slips
from core.models import Role
from frontdesk.models import ReleaseSlip, SlipItem
from frontdesk.services import slips as services
from tests.factories import BuildingFactory, CommunityFactory, EntranceFactory, OccupancyFactory, UnitFactory


@pytest.fixture
def estate(db, make_user):
    communities = [CommunityFactory(name=f"基准{i}", code=f"B{i}") for i in range(2)]
    for community in communities:
        entrance = EntranceFactory(building=BuildingFactory(community=community, name="1"), name="1")
        for n in range(20):
            OccupancyFactory(unit=UnitFactory(entrance=entrance, number=f"{n + 1:02d}01"))
    make_user(role=Role.CLERK, communities=communities, username="bench")
    return communities


def test_the_generator_loads_consistent_slips_and_the_gate_page_reads_them(estate, client):
    clerk, supervisor, guard = registers_slips._users()
    with transaction.atomic():
        counts = registers_slips.load(connection, slips=600, now=timezone.now(), clerk_id=clerk.pk,
                                      supervisor_id=supervisor.pk, guard_id=guard.pk, log=lambda *_a: None)
    assert counts == {"slips": 600, "items": 1200} and SlipItem.objects.count() == 1200
    assert registers_slips.check(connection) == []
    assert set(ReleaseSlip.objects.values_list("status", flat=True)) >= {"used", "expired", "void", "valid"}
    # the next slip issued continues the generated sequence
    slip = ReleaseSlip.objects.order_by("-id").first()
    owner = slip.unit.occupancies.get().person
    fresh = services.slip_issue(unit=slip.unit, applicant_kind="owner", applicant=owner, carrier_name="王师傅",
                                carrier_id_type="resident_id", carrier_id_number="440301198506154316",
                                items=[{"name": "床", "quantity": 1}], reason="moving", valid_on=timezone.localdate(),
                                actor=clerk)
    assert fresh.seq == ReleaseSlip.objects.filter(community=slip.community, year=fresh.year).count()
    client.force_login(guard)
    for s in random.Random(1).sample(list(ReleaseSlip.objects.all()), 5):
        assert client.get(reverse("frontdesk:gate_slip", args=[s.token])).status_code == 200
    assert registers_slips.pct([1.0, 2.0, 3.0, 4.0], 50) == 2.0
