"""Uploaded files are served only through a scoped view: the web server's internal redirect in production
(``MEDIA_ACCEL_REDIRECT``), Django's FileResponse in development and tests; nothing serves /media/."""

import importlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import clear_url_caches, reverse

from core.models import Role
from repairs.models import Category, TicketPhoto
from repairs.services import intake, manage
from tests.repairs.test_intake import png_bytes


@pytest.fixture
def photo(users, unit_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    manage.categories_ensure(community=unit_a.community)
    ticket = intake.ticket_create(
        community=unit_a.community, kind="repair", channel="phone", unit=unit_a, contact_name="张建国",
        contact_phone="13812345678", category=Category.objects.filter(community=unit_a.community).first(),
        description="水管漏水", urgency="normal", actor=users[Role.CLERK],
        photos=[SimpleUploadedFile("leak.png", png_bytes(), content_type="image/png")])
    return TicketPhoto.objects.get(ticket=ticket)


def _body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_the_ticket_page_shows_its_photo_through_the_scoped_view(client, users, photo):
    for role in (Role.CLERK, Role.ENGINEER, Role.SUPERVISOR):
        client.force_login(users[role])
        html = client.get(reverse("repairs:ticket_detail", args=[photo.ticket_id])).content.decode()
        url = reverse("repairs:ticket_photo", args=[photo.pk])
        assert f'src="{url}"' in html and "/media/" not in html
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "image/png"
        assert _body(response) == png_bytes()
        assert "X-Accel-Redirect" not in response


def test_the_engineers_card_shows_its_photo_through_the_scoped_view(client, users, photo):
    from repairs.models import Ticket
    from repairs.services.tickets import ticket_set_status

    ticket_set_status(ticket=photo.ticket, to=Ticket.Status.DISPATCHED, actor=users[Role.CLERK],
                      assignee=users[Role.ENGINEER])
    client.force_login(users[Role.ENGINEER])
    html = client.get(reverse("repairs:work_ticket", args=[photo.ticket_id])).content.decode()
    assert reverse("repairs:ticket_photo", args=[photo.pk]) in html and "/media/" not in html


def test_a_foreign_communitys_photo_is_404(client, clerk_b, photo):
    client.force_login(clerk_b)
    assert client.get(reverse("repairs:ticket_photo", args=[photo.pk])).status_code == 404


def test_logged_out_is_sent_to_login(client, photo):
    response = client.get(reverse("repairs:ticket_photo", args=[photo.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_missing_file_is_404_not_500(client, users, photo, settings, tmp_path):
    (tmp_path / photo.image.name).unlink()
    client.force_login(users[Role.CLERK])
    assert client.get(reverse("repairs:ticket_photo", args=[photo.pk])).status_code == 404


def test_production_answers_with_the_web_servers_internal_redirect(client, users, photo):
    client.force_login(users[Role.CLERK])
    with override_settings(MEDIA_ACCEL_REDIRECT="/protected-media/"):
        response = client.get(reverse("repairs:ticket_photo", args=[photo.pk]))
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/protected-media/{photo.image.name}"
    assert response["Content-Type"] == "image/png" and _body(response) == b""
    assert "private" in response["Cache-Control"]


def test_production_settings_name_the_internal_location():
    from config.settings import base

    assert base.MEDIA_ACCEL_REDIRECT == ""  # development streams the file itself
    text = (base.BASE_DIR / "config" / "settings" / "production.py").read_text()
    assert "MEDIA_ACCEL_REDIRECT" in text


@pytest.mark.parametrize("debug", [False, True])
def test_nothing_serves_media_directly(client, users, photo, debug):
    """Not even with DEBUG on (./scripts/run): /media/... is not a URL, whoever asks."""
    import config.urls

    try:
        with override_settings(DEBUG=debug):
            importlib.reload(config.urls)
            clear_url_caches()
            client.force_login(users[Role.CLERK])
            assert client.get(f"/media/{photo.image.name}").status_code == 404
    finally:
        importlib.reload(config.urls)
        clear_url_caches()
