"""Issue 14 §3: the media directory cannot be written (here a file stands where the directory should be:
a real filesystem error, as a full or read-only disk gives). Uploading a ticket's photo answers a clear
Chinese page, and nothing is half-saved: no ticket, no photo row, no clock."""

import io
import uuid

import pytest
from django.test import Client

from core.models import Role
from repairs.models import Category, Clock, Ticket, TicketPhoto


def _jpeg():
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (90, 120, 200)).save(buf, "JPEG")
    buf.seek(0)
    buf.name = "leak.jpg"
    return buf


@pytest.mark.django_db
def test_an_upload_to_an_unwritable_media_directory_says_so_and_saves_nothing(users, unit_a, settings, tmp_path):
    blocked = tmp_path / "media"
    blocked.write_text("not a directory")
    settings.MEDIA_ROOT = str(blocked / "inside")
    category = Category.objects.create(community=unit_a.community, name="水电")
    client = Client(raise_request_exception=False)  # the server's own answer, as a browser gets it
    client.force_login(users[Role.CLERK])
    response = client.post("/repairs/new/", {
        "kind": "repair", "channel": "phone", "unit": unit_a.pk, "contact_name": "张建国",
        "contact_phone": "13812345678", "category": category.pk, "description": "卫生间漏水",
        "urgency": "normal", "form_token": uuid.uuid4().hex, "photos": _jpeg()})
    assert response.status_code == 507
    html = response.content.decode()
    assert "文件无法保存" in html and "Traceback" not in html
    assert not Ticket.objects.exists() and not TicketPhoto.objects.exists() and not Clock.objects.exists()
