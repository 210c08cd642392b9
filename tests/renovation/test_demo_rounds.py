"""The rounds/acceptance/ledger demo: every state of this area in 翠湖花园 (CH), idempotent."""

import io

import pytest

from core.models import Role
from renovation import demo
from renovation.models import Acceptance, DepositDeduction, DepositRefundRequest, Renovation, SiteInspection, Violation
from tests.factories import BuildingFactory, CommunityFactory, EntranceFactory, OccupancyFactory, UnitFactory


@pytest.mark.django_db
def test_demo_shows_every_state_once(make_user):
    community = CommunityFactory(name="翠湖花园", code="CH")
    entrance = EntranceFactory(building=BuildingFactory(community=community, name="1"), name="1")
    for n in range(8):
        OccupancyFactory(unit=UnitFactory(entrance=entrance, number=f"{n + 1}01"))
    for name, role in (("clerk", Role.CLERK), ("cashier", Role.CASHIER), ("engineer", Role.ENGINEER),
                       ("manager", Role.MANAGER), ("supervisor", Role.SUPERVISOR)):
        make_user(role=role, communities=[community], username=name)
    out = io.StringIO()
    demo.load_rounds(out)
    assert "loaded" in out.getvalue()
    statuses = set(Renovation.objects.values_list("status", flat=True))
    assert {Renovation.Status.IN_PROGRESS, Renovation.Status.ACCEPTED} <= statuses
    assert SiteInspection.objects.count() >= 4
    assert set(Violation.objects.values_list("status", flat=True)) == {"open", "corrected"}
    assert set(DepositDeduction.objects.values_list("status", flat=True)) == {"proposed", "approved"}
    assert set(Acceptance.objects.values_list("result", flat=True)) == {"pass", "fail"}
    assert DepositRefundRequest.objects.count() == 1
    demo.load_rounds(out)  # idempotent
    assert "already loaded" in out.getvalue() and SiteInspection.objects.count() >= 4
