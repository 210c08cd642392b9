"""Access matrix rows of the weekly and monthly reports (supervisors, managers and admins only)."""

from core.models import Role

REPORTS = frozenset({Role.SUPERVISOR, Role.MANAGER, Role.ADMIN})


def objects(community, users):
    return {}


ENTRIES = {
    "frontdesk:reports": (None, REPORTS, "get", False),
}
