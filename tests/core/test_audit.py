from decimal import Decimal

import pghistory
from django.db import connection
from django.urls import reverse
from django.utils import translation
from pghistory.models import Events

from core.audit import history_for
from frontdesk.models import Unit
from frontdesk.services import units


def test_every_write_is_recorded_with_who_including_bulk_and_raw(unit_a, users, client):
    manager = users["manager"]
    client.force_login(manager)
    client.post(reverse("frontdesk:unit_edit", args=[unit_a.pk]), {"area": "120.50", "usage": "residential",
                                                                    "floor": "15", "notes": "", "is_active": "on"})
    with pghistory.context(user=manager.pk, source="bulk"):
        Unit.objects.filter(pk=unit_a.pk).update(notes="批量更新")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE frontdesk_unit SET floor = 16 WHERE id = %s", [unit_a.pk])
    with translation.override("en"):
        events = history_for(unit_a)
    changes = [(c["field"], c["new"]) for e in events for c in e["changes"]]
    assert ("floor area (m²)", 120.5) in changes  # field shown by its verbose name (English under test)
    assert ("notes", "批量更新") in changes
    assert ("floor", 16) in changes
    by_view = next(e for e in events if any(c["field"] == "floor area (m²)" for c in e["changes"]))
    assert by_view["user"] == manager


def test_history_panel_is_shown_on_the_unit_page(unit_a, clerk, client):
    units.unit_update(unit=unit_a, area=Decimal("99.00"), actor=clerk)
    client.force_login(clerk)
    page = client.get(reverse("frontdesk:unit_detail", args=[unit_a.pk])).content.decode()
    assert reverse("frontdesk:unit_history", args=[unit_a.pk]) in page
    panel = client.get(reverse("frontdesk:unit_history", args=[unit_a.pk])).content.decode()
    assert "99.0" in panel  # the diff holds JSON numbers


def test_events_cannot_be_lost_with_the_record(unit_a):
    count = Events.objects.references(unit_a).count()
    assert count >= 3  # the unit, its occupancy and its vehicle were inserted
