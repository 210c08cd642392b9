"""The round-sheet benchmark's generator on a tiny scale, so it cannot rot: the sites it makes are active,
about half inspected today, and the round sheet reads them in a fixed number of queries."""

import pytest
from django.urls import reverse
from django.utils import timezone

from bench.renovation_rounds import generate_sites
from core.models import Role
from renovation.models import Renovation, SiteInspection
from tests.factories import OccupancyFactory


@pytest.mark.django_db
def test_generator_and_the_round_sheet(client, users, community_a, django_assert_max_num_queries):
    for _n in range(30):
        OccupancyFactory(unit__entrance__building__community=community_a)
    counts = generate_sites(sites=20, history=3, actor=users[Role.CLERK])
    assert counts["sites"] == 20 and counts["inspections"] >= 60
    assert Renovation.objects.filter(status__in=Renovation.ACTIVE_STATUSES).count() == 20
    client.force_login(users[Role.CLERK])
    client.get(reverse("renovation:round_sheet"))  # the first visit remembers the community in the session
    with django_assert_max_num_queries(10):
        page = client.get(reverse("renovation:round_sheet")).context["page"]
    inspected_today = set(SiteInspection.objects.filter(on_date=timezone.localdate())
                          .values_list("renovation_id", flat=True))
    assert len(page) == 20 and [r.inspected for r in page] == sorted(r.inspected for r in page)
    assert {r.pk for r in page if r.inspected} == inspected_today
