"""The desk's home page figures."""

from core.models import Notification


def recent_notifications(*, user, limit: int = 5) -> list:
    """The user's latest in-app notifications for the home page."""
    return list(Notification.objects.filter(user=user)[:limit])
