"""Intake: number, clocks, validation at the field, photos, double submit, prefill, the unit panel."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from PIL import Image

from core.models import IdempotencyKey, Role
from repairs.models import Category, Clock, Ticket, TicketPhoto
from repairs.services import intake, manage

pytestmark = pytest.mark.django_db


def png_bytes(size=(8, 8), fmt="PNG"):
    buf = io.BytesIO()
    Image.new("RGB", size, "red").save(buf, fmt)
    return buf.getvalue()


@pytest.fixture
def category(community_a):
    manage.categories_ensure(community=community_a)
    return Category.objects.get(community=community_a, name=gettext("Plumbing"))


def create(community, unit, clerk, category, **kw):
    values = {"community": community, "kind": "repair", "channel": "phone", "unit": unit, "contact_name": "张建国",
                  "contact_phone": "138 1234 5678", "category": category, "description": "厨房水管漏水", "urgency": "normal",
                  "actor": clerk}
    values.update(kw)
    return intake.ticket_create(**values)


def test_default_categories_once(community_a):
    manage.categories_ensure(community=community_a)
    manage.categories_ensure(community=community_a)
    names = list(Category.objects.filter(community=community_a).values_list("name", flat=True))
    assert len(names) == 10 and names[0] == gettext("Plumbing") and names[-1] == gettext("Other")


def test_repair_gets_number_and_dispatch_clock(community_a, unit_a, clerk, category, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        ticket = create(community_a, unit_a, clerk, category)
    today = timezone.localdate()
    assert ticket.number == f"BX-{today:%Y%m%d}-0001"
    assert ticket.status == Ticket.Status.NEW and ticket.contact_phone == "13812345678"
    assert ticket.building_id == unit_a.building_id and ticket.last_activity_at == ticket.created_at
    clock = Clock.objects.get(ticket=ticket)
    assert clock.kind == Clock.Kind.DISPATCH and clock.due_at == ticket.created_at + datetime.timedelta(minutes=3)
    assert len(callbacks) == 2  # the warning and the deadline, queued after commit
    assert create(community_a, unit_a, clerk, category).number.endswith("-0002")


def test_complaint_and_appointment_clocks(community_a, unit_a, clerk, category):
    start = timezone.now() + datetime.timedelta(hours=2)
    ticket = create(community_a, unit_a, clerk, category, kind="complaint", appointment_start=start,
                    appointment_end=start + datetime.timedelta(hours=1))
    assert ticket.number.startswith("TS-")
    clocks = {c.kind: c for c in Clock.objects.filter(ticket=ticket)}
    assert set(clocks) == {Clock.Kind.COMPLAINT, Clock.Kind.APPOINTMENT}
    assert clocks["complaint"].due_at == ticket.created_at + datetime.timedelta(hours=24)
    assert clocks["appointment"].due_at == start + datetime.timedelta(hours=1)


def test_common_area_needs_a_location(community_a, clerk, category):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        create(community_a, None, clerk, category)
    assert "location" in exc.value.error_dict
    ticket = create(community_a, None, clerk, category, location="3号楼大堂")
    assert ticket.location == "3号楼大堂" and ticket.building is None


def test_bad_phone_and_appointment_refused_at_the_field(community_a, unit_a, clerk, category):
    from django.core.exceptions import ValidationError

    start = timezone.now()
    with pytest.raises(ValidationError) as exc:
        create(community_a, unit_a, clerk, category, contact_phone="12345",
               appointment_start=start, appointment_end=start - datetime.timedelta(hours=1))
    assert {"contact_phone", "appointment_end"} <= set(exc.value.error_dict)
    assert not Ticket.objects.exists()


# --- the form ------------------------------------------------------------------------------------

def form_data(client, unit, **extra):
    page = client.get(reverse("repairs:ticket_create"), {"unit": unit.pk})
    form = page.context["form"]
    data = {"form_token": form.initial["form_token"], "unit": unit.pk, "kind": "repair", "channel": "phone",
            "contact_name": "张建国", "contact_phone": "13812345678", "category": form["category"].value(),
            "description": "卫生间马桶堵塞", "urgency": "normal", "dispatch_to": "", "location": ""}
    data.update(extra)
    return data


def test_form_prefilled_from_the_unit(clerk_client, unit_a, community_a):
    response = clerk_client.get(reverse("repairs:ticket_create"), {"unit": unit_a.pk})
    form = response.context["form"]
    assert form.initial["contact_name"] == "张建国" and form.initial["contact_phone"] == "13812345678"
    assert form.initial["category"].name == gettext("Plumbing")
    assert form["kind"].value() == "repair" and form["channel"].value() == "phone" and form["urgency"].value() == "normal"
    assert "张建国" in response.content.decode()


def test_foreign_unit_is_404(client, clerk_b, unit_a):
    client.force_login(clerk_b)
    assert client.get(reverse("repairs:ticket_create"), {"unit": unit_a.pk}).status_code == 404


def test_create_and_dispatch_in_one_submit(clerk_client, unit_a, users):
    engineer = users[Role.ENGINEER]
    data = form_data(clerk_client, unit_a, dispatch_to=f"u{engineer.pk}")
    response = clerk_client.post(reverse("repairs:ticket_create"), data)
    ticket = Ticket.objects.get()
    assert response.status_code == 302 and response["Location"] == ticket.get_absolute_url()
    assert ticket.status == Ticket.Status.DISPATCHED and ticket.assignee == engineer
    assert ticket.clocks.get(kind="dispatch").met_at is not None


def test_dispatch_failure_in_the_same_submit_creates_nothing(clerk_client, unit_a, users):
    data = form_data(clerk_client, unit_a, kind="enquiry", dispatch_to=f"u{users[Role.ENGINEER].pk}")
    response = clerk_client.post(reverse("repairs:ticket_create"), data)
    assert response.status_code == 200 and response.context["form"].errors["dispatch_to"]
    assert not Ticket.objects.exists()


def test_double_submit_creates_one_ticket(clerk_client, unit_a):
    data = form_data(clerk_client, unit_a)
    first = clerk_client.post(reverse("repairs:ticket_create"), data)
    second = clerk_client.post(reverse("repairs:ticket_create"), data)
    assert Ticket.objects.count() == 1
    assert first["Location"] == second["Location"] == Ticket.objects.get().get_absolute_url()
    assert IdempotencyKey.objects.count() == 1


@pytest.mark.parametrize("upload, message", [
    (SimpleUploadedFile("leak.jpg", b"not really a picture", content_type="image/jpeg"), "is not a picture"),
    (SimpleUploadedFile("leak.gif", b"", content_type="image/gif"), "must be a JPEG, PNG or WebP"),
])
def test_bad_photo_refused_and_nothing_typed_is_lost(clerk_client, unit_a, upload, message):
    if upload.name.endswith(".gif"):
        upload = SimpleUploadedFile("leak.gif", png_bytes(fmt="GIF"), content_type="image/gif")
    data = form_data(clerk_client, unit_a, description="阳台推拉门卡住", contact_name="李四", photos=upload)
    response = clerk_client.post(reverse("repairs:ticket_create"), data)
    assert response.status_code == 200 and not Ticket.objects.exists()
    form = response.context["form"]
    assert any(message in e for e in form.errors["photos"])
    html = response.content.decode()
    assert "阳台推拉门卡住" in html and 'value="李四"' in html


def test_too_big_photo_refused(clerk_client, unit_a, monkeypatch):
    monkeypatch.setattr(intake, "PHOTO_MAX_BYTES", 10)
    data = form_data(clerk_client, unit_a, photos=SimpleUploadedFile("big.png", png_bytes(), content_type="image/png"))
    response = clerk_client.post(reverse("repairs:ticket_create"), data)
    assert "larger than 8 MB" in " ".join(response.context["form"].errors["photos"])
    assert not Ticket.objects.exists()


def test_good_photos_are_kept(clerk_client, unit_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    photos = [SimpleUploadedFile("a.png", png_bytes(), content_type="image/png"),
              SimpleUploadedFile("b.webp", png_bytes(fmt="WEBP"), content_type="image/webp")]
    data = form_data(clerk_client, unit_a, photos=photos)
    assert clerk_client.post(reverse("repairs:ticket_create"), data).status_code == 302
    assert TicketPhoto.objects.filter(ticket=Ticket.objects.get(), stage="intake").count() == 2


def test_common_area_form_keeps_input(clerk_client, users):
    page = clerk_client.get(reverse("repairs:ticket_create"))
    data = {"form_token": page.context["form"].initial["form_token"], "kind": "repair", "channel": "patrol",
            "contact_name": "巡逻保安", "contact_phone": "", "category": page.context["form"]["category"].value(),
            "description": "地库B1灯不亮", "urgency": "normal", "location": ""}
    response = clerk_client.post(reverse("repairs:ticket_create"), data)
    assert response.context["form"].errors["location"] and "地库B1灯不亮" in response.content.decode()
    data["location"] = "地库B1"
    assert clerk_client.post(reverse("repairs:ticket_create"), data).status_code == 302
    assert Ticket.objects.get().location == "地库B1"


def test_the_room_is_typed_on_the_form_opened_from_the_menu(clerk_client, unit_a):
    """Opened without a room (the menu, the board), the form has a room box: the room typed is the ticket's."""
    page = clerk_client.get(reverse("repairs:ticket_create"))
    assert 'name="room"' in page.content.decode()
    data = {"form_token": page.context["form"].initial["form_token"], "kind": "repair", "channel": "phone",
            "contact_name": "张建国", "contact_phone": "", "category": page.context["form"]["category"].value(),
            "description": "厨房水龙头漏水", "urgency": "normal", "location": "", "room": "3-2-9999"}
    response = clerk_client.post(reverse("repairs:ticket_create"), data)
    assert response.context["form"].errors["room"] and 'value="3-2-9999"' in response.content.decode()
    data["room"] = "3-2-1502"
    assert clerk_client.post(reverse("repairs:ticket_create"), data).status_code == 302
    assert Ticket.objects.get().unit == unit_a


# --- the unit page's panel -----------------------------------------------------------------------

def test_unit_panel_lists_open_tickets_in_constant_queries(clerk_client, unit_a, community_a, clerk, category,
                                                           django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("frontdesk:unit_detail", args=[unit_a.pk])
    create(community_a, unit_a, clerk, category)
    with CaptureQueriesContext(connection) as one:
        response = clerk_client.get(url)
    html = response.content.decode()
    assert reverse("repairs:ticket_create") + f"?unit={unit_a.pk}" in html and "BX-" in html
    for _ in range(5):
        create(community_a, unit_a, clerk, category)
    closed = create(community_a, unit_a, clerk, category, description="已取消的单")
    from repairs.services.dispatch import ticket_cancel

    ticket_cancel(ticket=closed, reason="业主撤回", actor=clerk)
    with CaptureQueriesContext(connection) as six:
        response = clerk_client.get(url)
    assert len(six) == len(one)
    assert response.content.decode().count('class="fw-semibold">BX-') == 6


def test_common_area_in_the_community_of_the_category(client, make_user, community_a, community_b):
    clerk = make_user(role=Role.CLERK, communities=[community_a, community_b], username="clerk_ab")
    client.force_login(clerk)
    page = client.get(reverse("repairs:ticket_create"))
    assert not Category.objects.exists()  # no write on a GET: the defaults are offered, created by the first ticket
    offered = page.context["form"].fields["category"].categories
    category_b = next(key for key, c in offered.items() if c.community_id == community_b.pk)
    data = {"form_token": page.context["form"].initial["form_token"], "kind": "complaint", "channel": "walk_in",
            "contact_name": "王五", "contact_phone": "", "category": category_b, "description": "小区门口垃圾堆放",
            "urgency": "normal", "location": "北门"}
    assert client.post(reverse("repairs:ticket_create"), data).status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.community == community_b and ticket.number.startswith("TS-")
    assert Category.objects.filter(community=community_b).count() == 10 and ticket.category.community == community_b
    assert not Category.objects.filter(community=community_a).exists()
