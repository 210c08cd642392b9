import pytest
from django.conf import settings
from django.urls import reverse

from core.models import Role


def test_login_rotates_the_session_and_logout_ends_it(client, clerk):
    client.get(reverse("login"))
    client.session.save()
    before = client.session.session_key
    response = client.post(reverse("login"), {"username": clerk.username, "password": "pw-123456"})
    assert response.status_code == 302
    assert client.session.session_key != before
    assert client.get(reverse("home")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302


def test_wrong_password_is_refused_with_a_message(client, clerk):
    response = client.post(reverse("login"), {"username": clerk.username, "password": "nope"})
    assert response.status_code == 200
    assert response.context["form"].errors


def test_axes_locks_out_after_repeated_failures_then_cools_off(client, clerk, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": clerk.username, "password": "nope"})
    locked = client.post(reverse("login"), {"username": clerk.username, "password": "pw-123456"})
    assert locked.status_code == 429
    assert "registration/locked_out.html" in [t.name for t in locked.templates]
    from axes.utils import reset

    reset(username=clerk.username)  # what the cool-off (or a supervisor) does
    assert client.post(reverse("login"), {"username": clerk.username, "password": "pw-123456"}).status_code == 302


def test_session_is_an_idle_timeout():
    assert 0 < settings.SESSION_COOKIE_AGE <= 60 * 60
    assert 0 < settings.SESSION_TOUCH_SECONDS <= 120


def test_activity_pushes_the_expiry_at_most_once_a_minute(client, clerk, monkeypatch):
    import time

    from django.contrib.sessions.models import Session

    client.force_login(clerk)
    client.get(reverse("home"))
    key = client.session.session_key
    first = Session.objects.get(session_key=key).expire_date
    client.get(reverse("home"))
    assert Session.objects.get(session_key=key).expire_date == first  # within the minute: no write
    later = time.time() + 120
    monkeypatch.setattr(time, "time", lambda: later)
    client.get(reverse("home"))
    assert Session.objects.get(session_key=key).expire_date > first  # activity after a minute: slid


def test_idle_session_expires(client, clerk):
    client.force_login(clerk)
    session = client.session
    session.set_expiry(-1)  # as if the idle time had passed
    session.save()
    assert client.get(reverse("home")).status_code == 302


def test_password_change(client, clerk):
    client.force_login(clerk)
    response = client.post(reverse("core:password_change"), {
        "old_password": "pw-123456", "new_password1": "Xq9-front-desk", "new_password2": "Xq9-front-desk"})
    assert response.status_code == 302
    clerk.refresh_from_db()
    assert clerk.check_password("Xq9-front-desk")


def test_chinese_by_default_and_english_per_user(client, clerk):
    client.force_login(clerk)
    assert client.get(reverse("home"))["Content-Language"] == "zh-hans"
    client.post(reverse("core:set_language"), {"language": "en", "next": "/"})
    clerk.refresh_from_db()
    assert clerk.language == "en"
    response = client.get(reverse("home"))
    assert response["Content-Language"] == "en"
    assert "Units" in response.content.decode()


@pytest.mark.parametrize("role", [Role.CLERK, Role.ENGINEER])
def test_navigation_depends_on_role(client, users, role):
    client.force_login(users[role])
    html = client.get(reverse("home")).content.decode()
    assert (reverse("frontdesk:import_upload") in html) is (role == Role.CLERK)
