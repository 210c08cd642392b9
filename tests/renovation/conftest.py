"""Renovation passes fixtures: the roles of community A, an active renovation of unit_a. Messages read in
English (the Chinese catalogue is checked by tests/core/test_i18n.py)."""

import pytest

from core.models import Role

from .helpers import active_renovation


@pytest.fixture(autouse=True)
def english_everywhere(english_messages):
    """Every test here reads messages in English."""


@pytest.fixture
def cashier(users):
    return users[Role.CASHIER]


@pytest.fixture
def engineer(users):
    return users[Role.ENGINEER]


@pytest.fixture
def manager(users):
    return users[Role.MANAGER]


@pytest.fixture
def supervisor(users):
    return users[Role.SUPERVISOR]


@pytest.fixture
def guard(users):
    return users[Role.GUARD]


@pytest.fixture
def renovation(unit_a, clerk):
    return active_renovation(unit_a, clerk)
