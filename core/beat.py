"""One beat per database, enforced: ``SingleBeatScheduler`` is django-celery-beat's database scheduler that
first takes a PostgreSQL advisory lock, held by its own connection for as long as beat runs. A second beat
started by mistake against the same database (on another host, or a second service) finds the lock taken,
says so in its log and exits at once, so no periodic job is ever queued twice by two beats. (The jobs are
idempotent anyway — sent-once rows, locks — but two beats would double every prompt.) If the database
restarts, the lock goes with the connection; beat then stops with an error and its service manager starts
it again, and the first beat to start holds the lock."""

import logging
import os
import sys

from django.db import connections
from django_celery_beat.schedulers import DatabaseScheduler

logger = logging.getLogger(__name__)

# pg_advisory_lock key: any constant the application uses for nothing else ("beat" in ASCII)
BEAT_LOCK_KEY = 0x62656174
ALREADY_RUNNING_EXIT = 3


def hold_beat_lock():
    """A new connection holding the beat lock, or None when another beat holds it."""
    wrapper = connections["default"]
    connection = wrapper.get_new_connection(wrapper.get_connection_params())
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [BEAT_LOCK_KEY])
        (locked,) = cursor.fetchone()
    if not locked:
        connection.close()
        return None
    return connection


class SingleBeatScheduler(DatabaseScheduler):
    _lock_connection = None

    def setup_schedule(self):
        if SingleBeatScheduler._lock_connection is None:
            SingleBeatScheduler._lock_connection = hold_beat_lock()
            if SingleBeatScheduler._lock_connection is None:
                message = ("Another Celery beat is already running against this database: this one exits "
                           "(there must be exactly one beat per installation; see docs/deployment.md).")
                logger.critical(message)
                print(message, file=sys.stderr, flush=True)
                os._exit(ALREADY_RUNNING_EXIT)  # before scheduling anything; nothing to clean up
        super().setup_schedule()
