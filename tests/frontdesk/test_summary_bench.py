"""The daily summary bench's "today" step (bench/summary.py) on a tiny scale, so it cannot rot: every role's
landing page answers as its own bench user, only in the communities given, and ``--only`` refuses unknown steps."""

import pytest
from django.contrib.auth import get_user_model

from bench import summary
from core.models import Role
from tests.factories import CommunityFactory


def test_today_pages_time_the_landing_page_of_every_role(db):
    community, other = CommunityFactory(code="SA"), CommunityFactory(code="SB")
    rows = summary.today_pages([community], warmup=0, requests=2)
    assert [row[0] for row in rows] == list(summary.TODAY_ROLES)
    for role, times, queries, cards in rows:
        assert len(times) == len(queries) == 2 and all(q > 0 for q in queries) and cards >= 0
        user = get_user_model().objects.get(username=f"bench_today_{role}")
        assert user.role == Role(role)
        assert list(user.communities.all()) == [community]
    # a rerun with other communities reuses the users and moves them
    summary.today_pages([other], warmup=0, requests=1)
    assert list(get_user_model().objects.get(username="bench_today_clerk").communities.all()) == [other]


def test_only_takes_the_named_steps():
    assert summary.parse_args(["--only", "page, today"]).only == {"page", "today"}
    assert summary.parse_args([]).only == set(summary.STEPS)
    with pytest.raises(SystemExit):
        summary.parse_args(["--only", "pages"])
