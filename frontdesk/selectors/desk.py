"""The desk's home page figures."""

from django.db.models import Count

from core.models import Notification

from .people import people_for
from .units import units_for
from .vehicles import vehicles_for


def desk_summary(*, user) -> dict:
    """Counts for the home page: one query each, scoped."""
    units = units_for(user).filter(is_active=True).aggregate(n=Count("id"))["n"]
    people = people_for(user).aggregate(n=Count("id"))["n"]
    vehicles = vehicles_for(user).filter(is_active=True).aggregate(n=Count("id"))["n"]
    return {"units": units, "people": people, "vehicles": vehicles}


def recent_notifications(*, user, limit: int = 5) -> list:
    """The user's latest in-app notifications for the home page."""
    return list(Notification.objects.filter(user=user)[:limit])
