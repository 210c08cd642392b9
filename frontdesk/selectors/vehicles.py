"""Vehicles, scoped to the user's communities."""

from frontdesk.models import Vehicle
from frontdesk.scoping import scope
from frontdesk.validators import normalise_plate


def vehicles_for(user):
    return scope(Vehicle.objects.select_related("unit__building", "unit__entrance", "owner", "community"), user)


def vehicle_list(*, user, community=None, active=True, new_energy=None, q=None):
    qs = vehicles_for(user)
    if community:
        qs = qs.filter(community_id=community)
    if active is not None:
        qs = qs.filter(is_active=active)
    if new_energy is not None:
        qs = qs.filter(is_new_energy=new_energy)
    if q:
        qs = qs.filter(plate__contains=normalise_plate(q))
    return qs.order_by("plate")


def vehicle_by_plate(*, user, community, plate: str) -> Vehicle | None:
    """The community's active vehicle with this plate (spaces ignored), if the user may see it."""
    return vehicles_for(user).filter(community=community, is_active=True, plate=plate.upper().replace(" ", "")).first()
