"""The demo data shows every state of an application, each reached through the status writer."""

import io
from itertools import pairwise

import pytest

from renovation.models import Renovation

pytestmark = pytest.mark.django_db


def test_demo_has_every_state_and_legal_histories():
    from frontdesk import demo as frontdesk_demo
    from renovation import demo

    out = io.StringIO()
    frontdesk_demo.load(out)
    demo.load(out)
    assert set(Renovation.objects.values_list("status", flat=True)) == set(Renovation.Status)
    for r in Renovation.objects.prefetch_related("status_changes"):
        path = [c.to_status for c in r.status_changes.all()]
        assert path[0] == "pending" and path[-1] == r.status
        for a, b in pairwise(path):
            assert b in Renovation.TRANSITIONS[a], (r.number, a, b)
        if r.status in Renovation.ACTIVE_STATUSES:
            assert r.permit_number
    demo.load(out)  # idempotent
    assert "already loaded" in out.getvalue()
