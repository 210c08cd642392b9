"""Shared fixtures: two communities with a small property tree, one user per role in community A,
and a clerk of community B (for the scoping tests)."""

import pytest
from django.utils import translation

from core.models import Role
from tests.factories import (
    BuildingFactory,
    CommunityFactory,
    EntranceFactory,
    OccupancyFactory,
    PersonFactory,
    UnitFactory,
    UserFactory,
    VehicleFactory,
)

# pytest-xdist (scripts/stack.py test runs one worker per core, --dist loadgroup): the tests that start real
# servers (gunicorn, Celery worker processes and beat, a relay in front of PostgreSQL) and the backup tests
# (pg_dump, pg_restore, CREATE/DROP DATABASE on the shared server) run one after another on one worker.
# Run at once on a busy two-core machine they starve each other past their time limits (the outage test's
# first page took over 20 s while a restore ran beside it).
PROCESS_TESTS = (
    "tests/core/test_scale_out.py",
    "tests/core/test_db_outage.py",
    "tests/core/test_redis_outage.py",
    "tests/billing/test_worker_killed.py",
    "tests/core/test_backup.py",
    "tests/billing/test_integrity.py",
)


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist: absent with -p no:xdist
def pytest_xdist_make_scheduler(config, log):
    """--dist loadgroup with PROCESS_TESTS as one group. xdist's own loadgroup reads ``xdist_group`` marks
    into ``item._nodeid``, which pytest 9 no longer uses for the test's id: it would group nothing."""
    if config.getoption("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class ProcessTestsTogether(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return "processes" if nodeid.split("::")[0] in PROCESS_TESTS else nodeid

    return ProcessTestsTogether(config, log)


@pytest.fixture
def community_a(db):
    return CommunityFactory(name="翠湖花园", code="CH")


@pytest.fixture
def community_b(db):
    return CommunityFactory(name="锦绣家园", code="JX")


@pytest.fixture
def unit_a(community_a):
    """3-2-1502 in community A with one owner (valid resident ID) and one vehicle."""
    building = BuildingFactory(community=community_a, name="3")
    entrance = EntranceFactory(building=building, name="2")
    unit = UnitFactory(entrance=entrance, number="1502")
    OccupancyFactory(unit=unit, person=PersonFactory(community=community_a, name="张建国", phone="13812345678",
                                                     id_number="11010519491231002X"))
    VehicleFactory(unit=unit, plate="粤B12345", is_new_energy=False)
    return unit


@pytest.fixture
def unit_b(community_b):
    building = BuildingFactory(community=community_b, name="1")
    unit = UnitFactory(entrance=EntranceFactory(building=building, name="1"), number="101")
    OccupancyFactory(unit=unit)
    VehicleFactory(unit=unit)
    return unit


@pytest.fixture
def make_user(db):
    def make(role=Role.CLERK, communities=(), **kwargs):
        return UserFactory(role=role, communities=list(communities), **kwargs)

    return make


@pytest.fixture
def users(make_user, community_a):
    """One user per role, all in community A."""
    return {role: make_user(role=role, communities=[community_a], username=f"{role}_a") for role in Role.values}


@pytest.fixture
def clerk(users):
    return users[Role.CLERK]


@pytest.fixture
def clerk_b(make_user, community_b):
    return make_user(role=Role.CLERK, communities=[community_b], username="clerk_b")


@pytest.fixture
def clerk_client(client, clerk):
    client.force_login(clerk)
    return client


@pytest.fixture
def english_messages(monkeypatch, settings):
    """Messages in English for the whole test, whatever the staff member's language: apps whose tests read
    messages in English use it autouse (the Chinese catalogue is checked by tests/core/test_i18n.py).
    The default language is English too, for the threads a race test starts (they have no active language)."""
    settings.LANGUAGE_CODE = "en"
    activate = translation.activate
    monkeypatch.setattr(translation, "activate", lambda _language: activate("en"))
    activate("en")
    yield
    translation.deactivate()
