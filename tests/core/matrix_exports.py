"""Access matrix rows of the background exports (core.exports). The job pages are the owner's only: the
matrix asks for an unknown job (a 404 for everyone allowed); ownership and community scoping are tested in
tests/core/test_export_jobs.py. Starting with an empty form goes back home with a message."""

import uuid

from core.models import Role

ALL = frozenset(Role.values)
UNKNOWN_JOB = uuid.UUID(int=1)


def objects(community, users):
    return {}


ENTRIES = {
    "core:export_start": (None, ALL, "post", False),
    "core:export_detail": (lambda o: {"pk": UNKNOWN_JOB}, ALL, "get", False),
    "core:export_download": (lambda o: {"pk": UNKNOWN_JOB}, ALL, "get", False),
}
