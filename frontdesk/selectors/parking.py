"""Parking spaces, scoped to the user's communities."""

from frontdesk.models import ParkingSpace
from frontdesk.scoping import scope


def parking_spaces_for(user):
    return scope(ParkingSpace.objects.select_related("unit", "vehicle"), user)


def parking_list(*, user, q: str = ""):
    qs = scope(ParkingSpace.objects.select_related("community", "unit__building", "unit__entrance", "vehicle"), user)
    if q:
        qs = qs.filter(code__icontains=q.strip())
    return qs.order_by("community__name", "code")
