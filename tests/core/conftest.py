"""Fixtures shared by the tests that walk every URL (the access matrix, bad list parameters)."""

import pytest

from core.models import Role


@pytest.fixture
def objects_a(community_a, users):
    """One object of every kind in community A, from every app's matrix module (the URLs' arguments)."""
    from tests.core.test_access_matrix import AREA_MODULES, _objects

    objects = _objects(community_a, users[Role.CLERK])
    for module in AREA_MODULES:
        objects.update(module.objects(community_a, users))
    return objects
