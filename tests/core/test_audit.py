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


def test_the_panel_reads_as_the_page_does_names_labels_people_and_local_time(community_a, users, client):
    """Issue 15 (1.5): not `dispatched at`, `new → dispatched`, `维修工: — → 6` nor a UTC ISO timestamp."""
    import datetime

    from core.models import Role
    from repairs.models import Category, Ticket
    from repairs.services import dispatch, intake, manage

    clerk, engineer = users[Role.CLERK], users[Role.ENGINEER]
    engineer.full_name = "李师傅"
    engineer.save(update_fields=["full_name"])
    manage.categories_ensure(community=community_a)
    ticket = intake.ticket_create(community=community_a, kind=Ticket.Kind.REPAIR, channel="phone", location="大堂",
                                  contact_name="张建国", contact_phone="13812345678",
                                  category=Category.objects.filter(community=community_a).first(),
                                  description="水管漏水", urgency="normal", actor=clerk)
    dispatch.ticket_dispatch(ticket=ticket, assignee=engineer, actor=clerk)
    ticket.refresh_from_db()
    with translation.override("en"):
        changes = {c["field"]: (c["old"], c["new"]) for e in history_for(ticket) for c in e["changes"]}
    assert changes["status"] == ("New", "Dispatched")  # choice labels, not codes
    assert changes["engineer"][1] == "李师傅"  # the person, not the id
    local = ticket.dispatched_at.astimezone(datetime.timezone(datetime.timedelta(hours=8)))
    assert changes["dispatched at"][1] == local.strftime("%Y-%m-%d %H:%M")  # Shanghai time, no microseconds


def test_every_tracked_field_has_a_label_meant_for_people():
    """Every field of every tracked model shows by a marked label, never Django's `met at` from the name."""
    from django.apps import apps
    from pghistory.models import Event

    from core.audit import FIELD_LABELS

    tracked = {m.pgh_tracked_model for m in apps.get_models()
               if issubclass(m, Event) and getattr(m, "pgh_tracked_model", None)}
    unlabelled = [f"{m._meta.label}.{f.name}" for m in tracked for f in m._meta.concrete_fields
                  if f.name != "id" and not f._verbose_name and f.name not in FIELD_LABELS]
    assert unlabelled == []
