"""Renovation's section of the daily summary (issue 13 §1, §7): a known day gives known figures with their
labels; each drill-down lists as many rows as its figure counts; community B is never counted for A; one query
for one or three communities."""

import datetime

import pytest
from django.utils import timezone

from core.models import Role
from frontdesk.registry import summary_sections
from renovation.models import Acceptance, Renovation, SiteInspection, Violation
from renovation.selectors import summary
from tests.factories import CommunityFactory
from tests.frontdesk.matrix_parcels import make_unit

from .helpers import active_renovation

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def known_day(unit_a, unit_b, users, clerk_b, community_a):
    """Community A: two sites under renovation, both permits issued today; one permit ended two days ago and that
    site was not inspected today; the other was inspected, a violation recorded and an acceptance inspection
    made. Community B: one site, not inspected, with a violation."""
    clerk, now = users[Role.CLERK], timezone.now()
    inspected = active_renovation(unit_a, clerk)
    other = make_unit(community_a)
    expired = active_renovation(other, clerk)
    Renovation.objects.filter(pk=expired.pk).update(permit_valid_to=TODAY - datetime.timedelta(days=2))
    round_ = SiteInspection.objects.create(renovation=inspected, community=community_a, on_date=TODAY, at=now,
                                           inspector=clerk)
    Violation.objects.create(renovation=inspected, community=community_a, inspection=round_, category="rubbish",
                             description="楼道堆放建筑垃圾", deadline=TODAY + datetime.timedelta(days=3),
                             recorded_by=clerk, recorded_at=now)
    Acceptance.objects.create(renovation=inspected, community=community_a, result="pass", inspector=clerk, at=now)
    site_b = active_renovation(unit_b, clerk_b)
    Violation.objects.create(renovation=site_b, community=site_b.community, category="rubbish", description="垃圾",
                             deadline=TODAY, recorded_by=clerk_b, recorded_at=now)


EXPECTED_A = {"renovation.permits_expired_active": 1, "renovation.sites_not_inspected": 1, "renovation.active": 2,
              "renovation.violations": 1, "renovation.permits_issued": 2, "renovation.acceptances": 1}


def by_key(community_ids):
    return {f.key: f for f in summary.figures(community_ids, TODAY)}


def test_the_section_is_registered():
    section = next(s for s in summary_sections() if s.key == "renovation")
    assert section.figures is summary.figures and section.action == "renovation.view"


def test_a_known_day_gives_known_figures(known_day, community_a):
    f = by_key([community_a.pk])
    assert {key: figure.value for key, figure in f.items()} == EXPECTED_A
    assert f["renovation.permits_expired_active"].label == "Expired permits on active sites"
    assert f["renovation.permits_expired_active"].exception and f["renovation.sites_not_inspected"].exception
    assert f["renovation.active"].label == "Sites under renovation" and f["renovation.active"].additive is False


def test_drill_downs_list_the_rows_counted(known_day, client, users, community_a):
    client.force_login(users[Role.MANAGER])
    f = by_key([community_a.pk])
    for key in ("renovation.permits_expired_active", "renovation.sites_not_inspected", "renovation.active",
                "renovation.violations", "renovation.permits_issued", "renovation.acceptances"):
        response = client.get(f[key].url)
        assert response.status_code == 200 and response.context["page"].paginator.count == f[key].value, key


def test_community_b_is_never_counted_for_a(known_day, community_a, community_b):
    b = {key: figure.value for key, figure in by_key([community_b.pk]).items()}
    assert b == {"renovation.permits_expired_active": 0, "renovation.sites_not_inspected": 1, "renovation.active": 1,
                 "renovation.violations": 1, "renovation.permits_issued": 1, "renovation.acceptances": 0}
    both = {key: figure.value for key, figure in by_key([community_a.pk, community_b.pk]).items()}
    assert both == {key: value + b[key] for key, value in EXPECTED_A.items()}


def test_one_query_for_one_or_three_communities(known_day, community_a, community_b, django_assert_max_num_queries):
    third = CommunityFactory()
    with django_assert_max_num_queries(1):
        summary.figures([community_a.pk], TODAY)
    with django_assert_max_num_queries(1):
        summary.figures([community_a.pk, community_b.pk, third.pk], TODAY)
