"""Access matrix rows for the statistics page (repairs.stats: supervisor, manager, admin)."""

from core.models import Role

REVIEWERS = frozenset({Role.SUPERVISOR, Role.MANAGER, Role.ADMIN})

ENTRIES = {
    "repairs:stats": (None, REVIEWERS, "get", False),
}


def objects(community, users) -> dict:
    return {}
