"""The passes demo: every state of a pass, extensions (applied, awaiting the fee), additional works
(approved with the archived copy, awaiting review); idempotent."""

import io

import pytest

from core.models import Role
from renovation import demo
from renovation.models import PermitValidityChange, RenovationRequest, WorkerPass
from tests.factories import BuildingFactory, EntranceFactory, OccupancyFactory, UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_world(community_a, make_user):
    community_a.code = "CH"
    community_a.save(update_fields=["code"])
    entrance = EntranceFactory(building=BuildingFactory(community=community_a, name="1"), name="1")
    for n in ("101", "102", "201"):
        OccupancyFactory(unit=UnitFactory(entrance=entrance, number=n))
    return {name: make_user(role=role, communities=[community_a], username=name)
            for name, role in (("clerk", Role.CLERK), ("cashier", Role.CASHIER), ("engineer", Role.ENGINEER),
                               ("manager", Role.MANAGER))}


def test_demo_shows_every_state_and_is_idempotent(demo_world, community_a):
    out = io.StringIO()
    demo.load_passes(out)
    assert "loaded" in out.getvalue()
    statuses = set(WorkerPass.objects.values_list("status", flat=True))
    assert statuses == {"awaiting_payment", "paid", "issued", "returned", "lost", "revoked"}
    assert all(p.replaced_by.status == "issued" for p in WorkerPass.objects.filter(status="revoked"))
    requests = {(r.kind, r.status) for r in RenovationRequest.objects.all()}
    assert {("extension", "approved"), ("extension", "payment"), ("works", "approved"),
            ("works", "engineering")} <= requests
    assert PermitValidityChange.objects.count() == 1
    assert RenovationRequest.objects.get(kind="works", status="approved").archive
    count = WorkerPass.objects.count()
    demo.load_passes(out)
    assert WorkerPass.objects.count() == count and "already" in out.getvalue()
