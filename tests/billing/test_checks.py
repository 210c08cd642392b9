"""An owner's move-out (a transfer) shows the unit's arrears and needs the clerk's confirmation."""

import pytest
from django.urls import reverse

from frontdesk.models import Occupancy

pytestmark = pytest.mark.django_db


def test_owner_move_out_warns_of_arrears_and_needs_confirmation(clerk_client, unit_a, bills_a):
    owner = Occupancy.objects.get(unit=unit_a, kind=Occupancy.Kind.OWNER)
    url = reverse("frontdesk:occupancy_end", args=[owner.pk])
    page = clerk_client.get(url).content.decode()
    assert "¥1,050.00" in page and "2026-08" in page and "transferred" in page
    response = clerk_client.post(url, {"end_date": "2026-11-20", "reason": "房屋出售"})
    assert response.status_code == 200 and "房屋出售" in response.content.decode()  # kept, not recorded
    assert Occupancy.objects.get(pk=owner.pk).end_date is None
    response = clerk_client.post(url, {"end_date": "2026-11-20", "reason": "房屋出售，欠费已结清",
                                       "warnings_settled": "on"})
    assert response.status_code == 302
    assert Occupancy.objects.get(pk=owner.pk).end_date is not None


def test_no_arrears_no_warning(clerk_client, unit_a):
    owner = Occupancy.objects.get(unit=unit_a, kind=Occupancy.Kind.OWNER)
    url = reverse("frontdesk:occupancy_end", args=[owner.pk])
    assert "transferred" not in clerk_client.get(url).content.decode()
    assert clerk_client.post(url, {"end_date": "2026-11-20", "reason": "房屋出售"}).status_code == 302
