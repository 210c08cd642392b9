"""What a wrong address and the browser's icon request show, with the settings ./scripts/run uses."""

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

LOCAL_MIDDLEWARE = ["core.errorpages.FriendlyNotFoundMiddleware", *settings.MIDDLEWARE]


@pytest.mark.django_db
@override_settings(DEBUG=True, MIDDLEWARE=LOCAL_MIDDLEWARE)
@pytest.mark.parametrize("url", ["/no-such-page/", "/repairs/tickets/999999999/"])
def test_a_wrong_address_in_development_shows_the_chinese_404_not_the_url_list(url, clerk_client):
    response = clerk_client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = response.content.decode()
    assert response.status_code == 404
    assert "该页面不存在，或不属于您负责的小区。" in html
    assert "URLconf" not in html and "Page not found at" not in html
    assert 'class="navbar' in html  # the project's page, with its menu


@pytest.mark.django_db
def test_the_same_page_in_production_settings(clerk_client):
    response = clerk_client.get("/no-such-page/")
    assert response.status_code == 404 and "URLconf" not in response.content.decode()


@pytest.mark.django_db
def test_favicon(client, clerk_client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("favicon.svg")
    assert reverse("favicon") == "/favicon.ico"
    assert '<link rel="icon"' in clerk_client.get(reverse("core:notifications")).content.decode()
